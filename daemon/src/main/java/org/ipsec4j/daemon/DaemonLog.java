package org.ipsec4j.daemon;

import java.io.PrintStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.function.Consumer;

/**
 * The daemon's log: one line per notable event on standard error, {@code 2026-11-23T03:21:25.123Z message}.
 * Nothing here ever receives key material: SAs and statements are logged through their descriptions, which
 * leave keys out.
 */
public final class DaemonLog implements Consumer<String> {

    private final PrintStream out;

    public DaemonLog(PrintStream out) {
        this.out = out;
    }

    public static DaemonLog standardError() {
        return new DaemonLog(System.err);
    }

    @Override
    public void accept(String message) {
        String line = Instant.now().truncatedTo(ChronoUnit.MILLIS) + " " + message.replace('\n', ' ');
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }
}
