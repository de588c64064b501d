package org.ipsec4j.esp.replay;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The sender's sequence number counter of one SA (RFC 4303 §3.3.3, RFC 4302 §3.3.2): starts at 1 and never
 * cycles. Without ESN the last usable number is 2^32 - 1; {@link #next()} then reports exhaustion and the
 * SA must be rekeyed (or its traffic dropped) before anything else is sent. With ESN the limit is 2^63 - 1
 * here (a signed long; RFC 4304 allows 2^64 - 1, which no SA lives to reach).
 *
 * <p>A <em>reservation</em> can hold the counter below its limit: a sender that persists a high-water mark
 * (so that a restart with the same manual keys never repeats a number, which for AES-GCM and ChaCha20-Poly1305
 * would repeat a nonce, RFC 4106 §3.1) records "numbers up to N may be in use" before it lets the counter
 * reach N. Past the reservation {@link #next()} says {@link #NOT_RESERVED} and hands out nothing.
 *
 * <p>Not thread-safe, except for what a second thread needs to keep a reservation ahead of the sender:
 * {@link #reserveThrough} and {@link #reservedThrough} are safe from any thread, and {@link #lastObserved()}
 * reads the counter from one.
 */
public final class SequenceCounter {

    /** {@link #next()} result once every sequence number is used. */
    public static final long EXHAUSTED = -1;
    /** {@link #next()} result when the numbers left are not reserved yet. */
    public static final long NOT_RESERVED = -2;

    private static final VarHandle LAST;

    static {
        try {
            LAST = MethodHandles.lookup().findVarHandle(SequenceCounter.class, "last", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final long limit;
    private long last;
    /** The highest number {@link #next()} may hand out: the limit, or a smaller reservation. */
    private volatile long reservedThrough;
    /** Whether {@link #reserveThrough} was called: from then on the reservation only grows. */
    private boolean reserving;

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
        this.reservedThrough = limit;
    }

    /**
     * The next sequence number to send, {@link #EXHAUSTED} (never wraps to 0), or {@link #NOT_RESERVED} when
     * the reservation is used up (a later call may succeed once it is extended).
     */
    public long next() {
        if (last >= reservedThrough) {
            return last >= limit ? EXHAUSTED : NOT_RESERVED;
        }
        return ++last;
    }

    /** The last number handed out, 0 before the first. */
    public long last() {
        return last;
    }

    /** {@link #last()} as another thread may read it: never torn, and eventually up to date. */
    public long lastObserved() {
        return (long) LAST.getOpaque(this);
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

    /**
     * Holds the counter at or below {@code highest} (capped at the limit) until a later call raises it.
     * Lowering an existing reservation is refused: numbers up to it may already be in use.
     *
     * @throws IllegalArgumentException if {@code highest} is below the current reservation or below {@link #last}
     */
    public synchronized void reserveThrough(long highest) {
        long capped = Math.min(highest, limit);
        if (capped < (long) LAST.getOpaque(this)) {
            throw new IllegalArgumentException("reservation " + highest + " below the last number used");
        }
        if (reserving && capped < reservedThrough) {
            throw new IllegalArgumentException("reservation " + highest + " below the current one, "
                    + reservedThrough);
        }
        reserving = true;
        reservedThrough = capped;
    }

    /** The highest number {@link #next()} may hand out now. */
    public long reservedThrough() {
        return reservedThrough;
    }

    @Override
    public String toString() {
        return "SequenceCounter[last=" + last + ", limit=" + limit
                + (reservedThrough < limit ? ", reserved through " + reservedThrough : "") + "]";
    }
}
