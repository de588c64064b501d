package org.ipsec4j.lab;

/** A command the lab ran ({@code ip}, {@code iptables}, ...) failed; the message carries its command line and stderr. */
public final class LabCommandException extends RuntimeException {

    private final transient CommandResult result;

    public LabCommandException(CommandResult result) {
        super(describe(result));
        this.result = result;
    }

    public CommandResult result() {
        return result;
    }

    private static String describe(CommandResult r) {
        StringBuilder message = new StringBuilder();
        message.append(r.timedOut() ? "timed out: " : "exit " + r.exitCode() + ": ").append(r.commandLine());
        if (!r.stderr().isBlank()) {
            message.append("\nstderr: ").append(r.stderr().strip());
        }
        if (!r.stdout().isBlank()) {
            message.append("\nstdout: ").append(r.stdout().strip());
        }
        return message.toString();
    }
}
