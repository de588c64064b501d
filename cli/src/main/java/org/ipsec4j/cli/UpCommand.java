package org.ipsec4j.cli;

import java.util.concurrent.Callable;

import org.ipsec4j.daemon.control.ControlProtocol;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ipsec4j up NAME [--child CHILD]}: initiate an IKE connection and wait until it is up. */
@Command(name = "up", mixinStandardHelpOptions = true,
        description = {
            "Bring up an IKE connection of the running daemon's swanctl.conf: IKE_SA_INIT and IKE_AUTH with its "
                + "first child (or --child), or only the child if the IKE SA is up already. Waits until the Child "
                + "SA is installed or the attempt failed, and prints the connection's IKE events on the way, as "
                + "'swanctl --initiate' does."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {
            "0:the connection is up",
            "1:it failed (the last line says why: e.g. AUTHENTICATION_FAILED, no answer), or timed out",
            "2:wrong command-line usage",
            "3:no daemon answers on the control socket"})
public final class UpCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "NAME", description = "the connection (a section of connections { } in swanctl.conf)")
    private String connection;

    @Option(names = "--child", paramLabel = "CHILD", description = "the child to bring up (default: the first)")
    private String child;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "30",
            description = "how long to wait (default: ${DEFAULT-VALUE}); the daemon keeps trying after that")
    private long timeout;

    @Mixin
    private ControlSocketOption control;

    @Override
    public Integer call() {
        return ControlRequests.run(spec, control.path, IkeCommands.line(spec,
                ControlProtocol.IkeCommand.Verb.UP, connection, child, timeout));
    }
}
