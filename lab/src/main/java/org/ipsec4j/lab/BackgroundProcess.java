package org.ipsec4j.lab;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A process started in a namespace that runs alongside the test (a traffic sink, a daemon). Its output is
 * collected as it comes; the lab stops it at close if the test did not.
 */
public final class BackgroundProcess implements AutoCloseable {

    private static final Duration GRACE = Duration.ofSeconds(3);

    private final List<String> command;
    private final Process process;
    private final OutputCollector stdout;
    private final OutputCollector stderr;

    BackgroundProcess(List<String> command, Process process) {
        this.command = List.copyOf(command);
        this.process = process;
        this.stdout = new OutputCollector(process.getInputStream(), "lab-bg-out-" + process.pid());
        this.stderr = new OutputCollector(process.getErrorStream(), "lab-bg-err-" + process.pid());
    }

    public List<String> command() {
        return command;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Standard output so far, one entry per line. */
    public List<String> stdoutLines() {
        return stdout.lines();
    }

    /** Standard error so far. */
    public String stderrText() {
        return stderr.text();
    }

    /**
     * Waits until standard error has a line containing {@code fragment} (programs announce readiness there) and
     * returns that line; throws, with everything the process said, if it exits or the timeout passes first.
     */
    public String awaitStderrLine(String fragment, Duration timeout) {
        return await(stderr, fragment, timeout, "stderr");
    }

    /** As {@link #awaitStderrLine}, for standard output. */
    public String awaitStdoutLine(String fragment, Duration timeout) {
        return await(stdout, fragment, timeout, "stdout");
    }

    private String await(OutputCollector stream, String fragment, Duration timeout, String streamName) {
        try {
            String line = stream.awaitLine(l -> l.contains(fragment), timeout);
            if (line == null) {
                throw new IllegalStateException("no line containing '" + fragment + "' on " + streamName + " within "
                        + timeout + (process.isAlive() ? "" : " (process exited " + process.exitValue() + ")")
                        + " from: " + ShellWords.join(command) + "\n" + describeOutput());
            }
            return line;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for " + ShellWords.join(command), e);
        }
    }

    /**
     * Waits for the process to exit by itself and for its output to be fully read; returns the exit status.
     * Throws if it is still running after the timeout (it keeps running; {@link #close()} stops it).
     */
    public int waitFor(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("still running after " + timeout + ": " + ShellWords.join(command)
                        + "\n" + describeOutput());
            }
            stdout.awaitEnd(GRACE);
            stderr.awaitEnd(GRACE);
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for " + ShellWords.join(command), e);
        }
    }

    /** Asks the process to stop (SIGTERM), kills it if it does not within a few seconds, and reads its last output. */
    public void stop() {
        if (process.isAlive()) {
            // SIGTERM through the handle: Process.destroy() would also close our end of its pipes, losing what
            // it says while shutting down (tcpdump's statistics, a daemon's last log lines).
            process.toHandle().destroy();
            try {
                if (!process.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        try {
            stdout.awaitEnd(GRACE);
            stderr.awaitEnd(GRACE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
    }

    String describeOutput() {
        return "stdout:\n" + stdout.text() + "stderr:\n" + stderr.text();
    }

    @Override
    public String toString() {
        return "pid " + process.pid() + ": " + ShellWords.join(command);
    }
}
