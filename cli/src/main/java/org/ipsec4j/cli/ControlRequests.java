package org.ipsec4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;

import org.ipsec4j.daemon.control.ControlClient;
import org.ipsec4j.daemon.control.ControlResponse;
import picocli.CommandLine.Model.CommandSpec;

/** One request to the daemon, its body on stdout, problems as one line on stderr. */
final class ControlRequests {

    private ControlRequests() {}

    static int run(CommandSpec spec, Path controlPath, String request) {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String command = spec.qualifiedName();
        ControlResponse response;
        try {
            response = ControlClient.request(controlPath, request);
        } catch (IOException e) {
            err.println(command + ": " + e.getMessage());
            err.flush();
            return StatusCommand.EXIT_NO_DAEMON;
        }
        if (!response.ok()) {
            out.print(response.body()); // what led to it, e.g. the IKE events of a failed 'up'
            out.flush();
            err.println(command + ": " + response.message());
            err.flush();
            return 1;
        }
        out.print(response.body());
        out.flush();
        return 0;
    }
}
