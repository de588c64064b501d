package org.ipsec4j.esp.replay;

/**
 * The receiver's anti-replay window of one SA (RFC 4303 §3.4.3, RFC 4302 §3.4.3), with or without extended
 * sequence numbers (RFC 4303 Appendix A), as a ring of 64-bit words (RFC 6479) so that sliding the window
 * clears words instead of shifting bits.
 *
 * <p>Use: {@link #check} before the ICV check, which yields the full sequence number the ICV is computed
 * with, and {@link #accept} only after the ICV verified (RFC 4303 §3.4.3: the window must not move for a
 * forged packet). Sequence number 0 is never valid (the sender starts at 1).
 *
 * <p><b>ESN inference.</b> The 64-bit number is the one congruent to the received low 32 bits closest to the
 * highest number accepted so far, T: within [T - 2^31, T + 2^31). For packets in the window or ahead of it
 * this is what Appendix A2.2's case analysis yields (its window base is T - W + 1, ours extends further
 * back); it differs only for packets more than W behind T, which A2.2 places 2^32 ahead (where they fail the
 * ICV, so they are dropped either way) and this class reports as {@link #TOO_OLD} before any crypto is spent
 * on them. The inference works with the window off (size 0) too. Re-synchronisation after 2^31 consecutive
 * lost packets (Appendix A3) is not done here; the caller could retry the ICV with higher epochs.
 *
 * <p>Window size 0 turns the replay check off: every number is passed (0 still refused) and only T is kept.
 * Not thread-safe.
 */
public final class ReplayWindow {

    /** {@link #check} result: this number was accepted before. */
    public static final long REPLAYED = -1;
    /** {@link #check} result: this number lies behind the window (or is 0, or before the first epoch). */
    public static final long TOO_OLD = -2;
    /** The largest window supported. */
    public static final int MAX_SIZE = 1 << 20;

    private final int size;
    private final boolean extendedSequenceNumbers;
    private final long[] bitmap;
    private final int wordMask;
    /** The highest sequence number accepted, 0 before the first. */
    private long highest;

    /**
     * @param size                    the window in packets, 0 (anti-replay off) to {@link #MAX_SIZE}; RFC 4303
     *                                §3.4.3 asks for 32 at least, 64 by default
     * @param extendedSequenceNumbers whether the SA uses 64-bit sequence numbers
     */
    public ReplayWindow(int size, boolean extendedSequenceNumbers) {
        if (size < 0 || size > MAX_SIZE) {
            throw new IllegalArgumentException("replay window " + size + " outside 0.." + MAX_SIZE);
        }
        this.size = size;
        this.extendedSequenceNumbers = extendedSequenceNumbers;
        if (size == 0) {
            bitmap = null;
            wordMask = 0;
        } else {
            // A power of two of at least ceil(size / 64) + 1 words: the window [highest - size + 1, highest]
            // then touches at most all but one of them, and the word being filled never aliases one in use.
            int words = Integer.highestOneBit((size + 63) >>> 6) << 1;
            bitmap = new long[words];
            wordMask = words - 1;
        }
    }

    public int size() {
        return size;
    }

    public boolean extendedSequenceNumbers() {
        return extendedSequenceNumbers;
    }

    /** The highest sequence number accepted so far (0 before the first). */
    public long highest() {
        return highest;
    }

    /**
     * The full sequence number of a received packet, or a negative drop code, without changing the window.
     *
     * @param sequenceLow the Sequence Number field of the packet (the low 32 bits with ESN)
     * @return the sequence number (positive), {@link #REPLAYED} or {@link #TOO_OLD}
     */
    public long check(int sequenceLow) {
        long seq = extendedSequenceNumbers
                ? highest + (int) (sequenceLow - (int) highest)
                : sequenceLow & 0xFFFF_FFFFL;
        if (seq <= 0) {
            return TOO_OLD;
        }
        if (size == 0 || seq > highest) {
            return seq;
        }
        if (seq <= highest - size) {
            return TOO_OLD;
        }
        return (bitmap[wordIndex(seq)] & bit(seq)) != 0 ? REPLAYED : seq;
    }

    /**
     * Marks a sequence number as received, sliding the window forward if it is the highest yet. Call only
     * after the packet's ICV verified.
     *
     * @param sequence the value {@link #check} returned for the packet
     * @return false if the number was already marked or has fallen behind the window since the check (a
     *         replay that raced past {@link #check}); the packet should then be dropped as replayed
     */
    public boolean accept(long sequence) {
        if (sequence <= 0) {
            throw new IllegalArgumentException("sequence number " + sequence + " was not returned by check()");
        }
        if (sequence > highest) {
            if (size > 0) {
                long oldWord = highest >>> 6;
                long newWord = sequence >>> 6;
                if (newWord - oldWord > wordMask) {
                    java.util.Arrays.fill(bitmap, 0L);
                } else {
                    for (long w = oldWord + 1; w <= newWord; w++) {
                        bitmap[(int) (w & wordMask)] = 0L;
                    }
                }
                bitmap[wordIndex(sequence)] |= bit(sequence);
            }
            highest = sequence;
            return true;
        }
        if (size == 0) {
            return true;
        }
        if (sequence <= highest - size) {
            return false;
        }
        int index = wordIndex(sequence);
        long mask = bit(sequence);
        if ((bitmap[index] & mask) != 0) {
            return false;
        }
        bitmap[index] |= mask;
        return true;
    }

    private int wordIndex(long seq) {
        return (int) ((seq >>> 6) & wordMask);
    }

    private static long bit(long seq) {
        return 1L << (seq & 63);
    }

    /** A short description of a {@link #check} result, for logs and tests. */
    public static String describe(long checkResult) {
        if (checkResult == REPLAYED) {
            return "REPLAYED";
        }
        if (checkResult == TOO_OLD) {
            return "TOO_OLD";
        }
        return Long.toUnsignedString(checkResult);
    }

    @Override
    public String toString() {
        return "ReplayWindow[size=" + size + (extendedSequenceNumbers ? ", ESN" : "") + ", highest="
                + Long.toUnsignedString(highest) + "]";
    }
}
