package org.ipsec4j.daemon.state;

import java.io.IOException;

import org.ipsec4j.esp.replay.SequenceCounter;

/**
 * The sequence numbers one outbound SA may use: everything up to {@link #reservedThrough()}, which is on disk
 * before the counter may reach it. The timer thread calls {@link #extendIfLow()} now and then; it writes the
 * next block once less than half of one is left, well before the packet thread gets there. If it ever does
 * get there, the counter hands out nothing more ({@link SequenceCounter#NOT_RESERVED}) until the write is done.
 */
public final class SequenceReservation {

    private final SequenceStateDirectory directory;
    private final SequenceStateKey key;
    private final KeyFingerprint fingerprint;
    private final long resumeAfter;
    private final long limit;
    private final boolean keysChanged;
    private volatile long reservedThrough;
    private volatile SequenceCounter counter;
    /** The reservation this one took over from (same SA identity, other keys), for {@link #abandon}. */
    SequenceReservation replaced;

    SequenceReservation(SequenceStateDirectory directory, SequenceStateKey key, KeyFingerprint fingerprint,
            long resumeAfter, long reservedThrough, long limit, boolean keysChanged) {
        this.directory = directory;
        this.key = key;
        this.fingerprint = fingerprint;
        this.resumeAfter = resumeAfter;
        this.reservedThrough = reservedThrough;
        this.limit = limit;
        this.keysChanged = keysChanged;
    }

    public SequenceStateKey key() {
        return key;
    }

    KeyFingerprint fingerprint() {
        return fingerprint;
    }

    /** The last number to treat as used when the SA starts: 0, or what the state file had reserved. */
    public long resumeAfter() {
        return resumeAfter;
    }

    /** Whether a state file for this SA held other keys (and so was started over). */
    public boolean keysChanged() {
        return keysChanged;
    }

    public long reservedThrough() {
        return reservedThrough;
    }

    /** Holds the SA's counter to the reservation from now on. */
    public void bind(SequenceCounter sequenceCounter) {
        sequenceCounter.reserveThrough(reservedThrough);
        this.counter = sequenceCounter;
    }

    /**
     * Writes the next block if less than half a block is left (from the timer thread; never the packet thread:
     * it waits for the disk).
     *
     * @return whether it wrote
     * @throws IOException if the state directory refused; the counter stays held at the old reservation
     */
    public boolean extendIfLow() throws IOException {
        SequenceCounter c = counter;
        long reserved = reservedThrough;
        if (c == null || reserved >= limit) {
            return false;
        }
        long last = c.lastObserved();
        if (reserved - last >= directory.blockSize() / 2) {
            return false;
        }
        long next = Math.min(last + directory.blockSize(), limit);
        if (!directory.extend(this, next)) {
            return false; // another reservation of this SA identity writes now
        }
        reservedThrough = next;
        c.reserveThrough(next);
        return true;
    }

    /** The SA left the configuration; its file stays as it is. */
    public void retire() {
        directory.retire(this);
    }

    /** The SA never started (its configuration was refused). */
    public void abandon() {
        directory.abandon(this);
    }

    @Override
    public String toString() {
        return key + " reserved through " + reservedThrough;
    }
}
