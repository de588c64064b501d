package org.ipsec4j.esp.sad;

import java.time.Duration;

/**
 * The soft and hard lifetimes of an SA (RFC 4301 §4.4.2.1) in bytes, packets and time since the SA was
 * added. The soft limit tells IKE to rekey; the hard limit ends the SA. {@link Long#MAX_VALUE} means no
 * limit. Bytes count the protected (inner) packets.
 */
public record LifetimeLimits(long softBytes, long hardBytes, long softPackets, long hardPackets, long softTimeNanos,
                             long hardTimeNanos) {

    public static final long NONE = Long.MAX_VALUE;
    public static final LifetimeLimits UNLIMITED = new LifetimeLimits(NONE, NONE, NONE, NONE, NONE, NONE);

    public LifetimeLimits {
        check(softBytes, hardBytes, "bytes");
        check(softPackets, hardPackets, "packets");
        check(softTimeNanos, hardTimeNanos, "time");
    }

    private static void check(long soft, long hard, String what) {
        if (soft <= 0 || hard <= 0) {
            throw new IllegalArgumentException(what + " limits must be positive (NONE for no limit)");
        }
        if (soft > hard) {
            throw new IllegalArgumentException("soft " + what + " limit " + soft + " above the hard one " + hard);
        }
    }

    public LifetimeLimits withBytes(long soft, long hard) {
        return new LifetimeLimits(soft, hard, softPackets, hardPackets, softTimeNanos, hardTimeNanos);
    }

    public LifetimeLimits withPackets(long soft, long hard) {
        return new LifetimeLimits(softBytes, hardBytes, soft, hard, softTimeNanos, hardTimeNanos);
    }

    public LifetimeLimits withTime(Duration soft, Duration hard) {
        return new LifetimeLimits(softBytes, hardBytes, softPackets, hardPackets, soft.toNanos(), hard.toNanos());
    }
}
