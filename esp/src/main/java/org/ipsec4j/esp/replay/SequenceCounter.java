package org.ipsec4j.esp.replay;

/**
 * The sender's sequence number counter of one SA (RFC 4303 §3.3.3, RFC 4302 §3.3.2): starts at 1 and never
 * cycles. Without ESN the last usable number is 2^32 - 1; {@link #next()} then reports exhaustion and the
 * SA must be rekeyed (or its traffic dropped) before anything else is sent. With ESN the limit is 2^63 - 1
 * here (a signed long; RFC 4304 allows 2^64 - 1, which no SA lives to reach). Not thread-safe.
 */
public final class SequenceCounter {

    /** {@link #next()} result once every sequence number is used. */
    public static final long EXHAUSTED = -1;

    private final long limit;
    private long last;

    public SequenceCounter(boolean extendedSequenceNumbers) {
        this(extendedSequenceNumbers, 0);
    }

    /**
     * A counter that continues after {@code last} (for tests near the limit, or an SA restored from state).
     */
    public SequenceCounter(boolean extendedSequenceNumbers, long last) {
        this.limit = extendedSequenceNumbers ? Long.MAX_VALUE : 0xFFFF_FFFFL;
        if (last < 0 || last > limit) {
            throw new IllegalArgumentException("last sequence number " + last + " outside 0.." + limit);
        }
        this.last = last;
    }

    /** The next sequence number to send, or {@link #EXHAUSTED}: never wraps to 0. */
    public long next() {
        if (last >= limit) {
            return EXHAUSTED;
        }
        return ++last;
    }

    /** The last number handed out, 0 before the first. */
    public long last() {
        return last;
    }

    /** How many numbers are left. */
    public long remaining() {
        return limit - last;
    }

    public boolean exhausted() {
        return last >= limit;
    }

    /** The largest number this counter hands out: 2^32 - 1, or 2^63 - 1 with ESN. */
    public long limit() {
        return limit;
    }

    @Override
    public String toString() {
        return "SequenceCounter[last=" + last + ", limit=" + limit + "]";
    }
}
