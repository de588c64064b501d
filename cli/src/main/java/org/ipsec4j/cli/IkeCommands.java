package org.ipsec4j.cli;

import java.time.Duration;

import org.ipsec4j.daemon.control.ControlProtocol;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** The request line of an IKE command; bad names or timeouts are usage errors (exit code 2). */
final class IkeCommands {

    private IkeCommands() {}

    static String line(CommandSpec spec, ControlProtocol.IkeCommand.Verb verb, String connection, String child,
            long timeoutSeconds) {
        try {
            return new ControlProtocol.IkeCommand(verb, connection, child, Duration.ofSeconds(timeoutSeconds))
                    .requestLine();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }
}
