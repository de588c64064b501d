package org.ipsec4j.cli;

import java.nio.file.Path;

import picocli.CommandLine.Option;

/** The {@code --control} option every command that talks to a running daemon shares (a picocli mixin). */
final class ControlSocketOption {

    @Option(names = "--control", paramLabel = "PATH", defaultValue = "/run/ipsec4j/control.sock",
            description = "the daemon's control socket (default: ${DEFAULT-VALUE})")
    Path path;
}
