package org.ipsec4j.daemon.loop;

import java.util.function.Consumer;

import org.ipsec4j.esp.sad.SecurityAssociation;
import org.ipsec4j.esp.stats.DropReason;

/**
 * Rate-limited log lines about dropped packets (they are all counted anyway; see status): per direction and
 * reason at most one line every {@link #INTERVAL_NANOS}, saying how many were left unsaid since. Used by one
 * packet thread; a hostile sender can make it write a line per reason per interval, no more.
 */
public final class DropLog {

    static final long INTERVAL_NANOS = 10_000_000_000L;
    private static final DropReason[] REASONS = DropReason.values();

    private final String direction;
    private final Consumer<String> log;
    private final long[] nextLineAt = new long[REASONS.length];
    private final long[] unsaid = new long[REASONS.length];
    private final boolean[] seen = new boolean[REASONS.length];

    public DropLog(String direction, Consumer<String> log) {
        this.direction = direction;
        this.log = log;
    }

    public void dropped(DropReason reason, SecurityAssociation sa, long nowNanos) {
        int r = reason.ordinal();
        if (seen[r] && nowNanos - nextLineAt[r] < 0) {
            unsaid[r]++;
            return;
        }
        seen[r] = true;
        nextLineAt[r] = nowNanos + INTERVAL_NANOS;
        String more = unsaid[r] == 0 ? "" : " (and " + unsaid[r] + " more since the last line)";
        unsaid[r] = 0;
        log.accept(direction + " drop: " + name(reason)
                + (sa != null ? " on SA 0x" + String.format("%08x", sa.spi()) : "") + more);
    }

    /** {@code AUTHENTICATION_FAILED} -> {@code authentication-failed}, as status shows it. */
    public static String name(DropReason reason) {
        return reason.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
