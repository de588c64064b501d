package org.ipsec4j.lab;

import java.util.List;

/**
 * What a finished command left behind.
 *
 * @param command  the command line as run (including the {@code ip netns exec NS} prefix)
 * @param exitCode the exit status, or -1 if the command was killed for running past its timeout
 * @param stdout   everything it wrote to standard output
 * @param stderr   everything it wrote to standard error
 * @param timedOut whether the lab killed it for running too long
 */
public record CommandResult(List<String> command, int exitCode, String stdout, String stderr, boolean timedOut) {

    public CommandResult {
        command = List.copyOf(command);
    }

    public boolean succeeded() {
        return exitCode == 0 && !timedOut;
    }

    public String commandLine() {
        return ShellWords.join(command);
    }

    /** Returns this result, or throws {@link LabCommandException} naming the command and its stderr. */
    public CommandResult orThrow() {
        if (!succeeded()) {
            throw new LabCommandException(this);
        }
        return this;
    }

    /** Standard output split into lines, without empty trailing lines. */
    public List<String> stdoutLines() {
        return stdout.lines().toList();
    }
}
