package org.ipsec4j.cli;

import java.util.concurrent.Callable;

import org.ipsec4j.daemon.control.ControlProtocol;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ipsec4j rekey NAME [--child CHILD | --ike]}: rekey now instead of at rekey_time. */
@Command(name = "rekey", mixinStandardHelpOptions = true,
        description = {
            "Rekey an IKE SA (--ike, the default) or a Child SA (--child CHILD) of a connection now, with a "
                + "CREATE_CHILD_SA exchange (RFC 7296 §1.3.2, §1.3.3): new keys and SPIs, make before break, no "
                + "packet lost. Waits for the new SA."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {
            "0:rekeyed",
            "1:no such SA, or the rekey failed or timed out",
            "2:wrong command-line usage",
            "3:no daemon answers on the control socket"})
public final class RekeyCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "NAME", description = "the connection")
    private String connection;

    @ArgGroup(exclusive = true)
    private Which which;

    static final class Which {
        @Option(names = "--child", paramLabel = "CHILD", description = "rekey this Child SA")
        String child;

        @Option(names = "--ike", description = "rekey the IKE SA (the default)")
        boolean ike;
    }

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "30",
            description = "how long to wait (default: ${DEFAULT-VALUE})")
    private long timeout;

    @Mixin
    private ControlSocketOption control;

    @Override
    public Integer call() {
        String child = which == null ? null : which.child;
        return ControlRequests.run(spec, control.path, IkeCommands.line(spec,
                ControlProtocol.IkeCommand.Verb.REKEY, connection, child, timeout));
    }
}
