package org.ipsec4j.daemon.loop;

import java.util.function.Consumer;

/** One kind of recurring problem (a send error, an IKE message with no IKE daemon): a line per interval at most. */
public final class RateLimitedLog {

    private final Consumer<String> log;
    private final long intervalNanos;
    private long nextLineAt;
    private long unsaid;
    private boolean seen;

    public RateLimitedLog(Consumer<String> log, long intervalNanos) {
        this.log = log;
        this.intervalNanos = intervalNanos;
    }

    public void log(String message, long nowNanos) {
        if (seen && nowNanos - nextLineAt < 0) {
            unsaid++;
            return;
        }
        seen = true;
        nextLineAt = nowNanos + intervalNanos;
        log.accept(unsaid == 0 ? message : message + " (and " + unsaid + " more since the last line)");
        unsaid = 0;
    }
}
