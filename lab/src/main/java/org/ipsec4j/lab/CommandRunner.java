package org.ipsec4j.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** Runs a command to completion with a timeout, capturing both output streams. */
final class CommandRunner {

    private final Consumer<String> log;

    CommandRunner(Consumer<String> log) {
        this.log = log;
    }

    CommandResult run(List<String> command, Duration timeout) {
        log.accept(ShellWords.join(command));
        Process process;
        try {
            process = new ProcessBuilder(command).start();
            process.getOutputStream().close();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start: " + ShellWords.join(command), e);
        }
        OutputCollector out = new OutputCollector(process.getInputStream(), "lab-cmd-out");
        OutputCollector err = new OutputCollector(process.getErrorStream(), "lab-cmd-err");
        try {
            boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
            // A grandchild may still hold the pipes open; do not wait on it forever.
            out.awaitEnd(Duration.ofSeconds(2));
            err.awaitEnd(Duration.ofSeconds(2));
            return new CommandResult(command, finished ? process.exitValue() : -1, out.text(), err.text(), !finished);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + ShellWords.join(command), e);
        }
    }
}
