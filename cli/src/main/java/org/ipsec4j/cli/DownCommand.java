package org.ipsec4j.cli;

import java.util.concurrent.Callable;

import org.ipsec4j.daemon.control.ControlProtocol;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ipsec4j down NAME}: delete the IKE SAs of a connection, and with them its Child SAs. */
@Command(name = "down", mixinStandardHelpOptions = true,
        description = {
            "Take an IKE connection of the running daemon down: every IKE SA of it is deleted with an "
                + "INFORMATIONAL exchange (RFC 7296 §1.4.1), which takes its Child SAs, policies and routes along "
                + "on both sides. Waits for the peer to confirm."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {
            "0:the connection is down",
            "1:no such connection, no IKE SA of it, or the peer did not confirm in time",
            "2:wrong command-line usage",
            "3:no daemon answers on the control socket"})
public final class DownCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "NAME", description = "the connection")
    private String connection;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "30",
            description = "how long to wait for the peer (default: ${DEFAULT-VALUE})")
    private long timeout;

    @Mixin
    private ControlSocketOption control;

    @Override
    public Integer call() {
        return ControlRequests.run(spec, control.path, IkeCommands.line(spec,
                ControlProtocol.IkeCommand.Verb.DOWN, connection, null, timeout));
    }
}
