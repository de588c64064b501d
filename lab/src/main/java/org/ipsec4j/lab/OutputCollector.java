package org.ipsec4j.lab;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Drains one output stream of a child process into a list of lines on its own thread, so the child never
 * blocks on a full pipe and callers can wait for a particular line (a "listening on" banner).
 */
final class OutputCollector {

    private final List<String> lines = new ArrayList<>();
    private final Thread thread;
    private boolean ended;

    OutputCollector(InputStream stream, String threadName) {
        thread = Thread.ofPlatform().daemon().name(threadName).start(() -> drain(stream));
    }

    private void drain(InputStream stream) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                synchronized (this) {
                    lines.add(line);
                    notifyAll();
                }
            }
        } catch (IOException e) {
            // The stream closes under us when the process is killed; what was read so far stays.
        } finally {
            synchronized (this) {
                ended = true;
                notifyAll();
            }
        }
    }

    synchronized List<String> lines() {
        return List.copyOf(lines);
    }

    String text() {
        List<String> snapshot = lines();
        return snapshot.isEmpty() ? "" : String.join("\n", snapshot) + "\n";
    }

    /** Waits until a line matching the predicate has arrived; returns it, or null if the stream ended or time ran out. */
    synchronized String awaitLine(Predicate<String> wanted, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int checked = 0;
        while (true) {
            for (; checked < lines.size(); checked++) {
                if (wanted.test(lines.get(checked))) {
                    return lines.get(checked);
                }
            }
            long remaining = deadline - System.nanoTime();
            if (ended || remaining <= 0) {
                return null;
            }
            wait(Math.max(1, remaining / 1_000_000));
        }
    }

    /** Waits for the stream to end (the process closed it or died); gives up after the timeout. */
    void awaitEnd(Duration timeout) throws InterruptedException {
        thread.join(timeout);
    }
}
