package org.ipsec4j.diag.analyze;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The sequence numbers of one ESP (or AH) flow at one observation point, judged as a receiver's anti-replay
 * window would judge them (RFC 4303 §3.4.3) with the usual 64-packet window, and remembered for
 * {@value #HISTORY} numbers below the highest so that a late packet can be told from a repeated one:
 *
 * <ul>
 *   <li>a number above the highest moves the window; the numbers skipped are missing (for now);</li>
 *   <li>a number already seen is a <em>replay</em> (a duplicate on the wire);</li>
 *   <li>a number not yet seen but below the highest is <em>late</em>: within 64 of the highest a receiver
 *       still takes it, further back it drops it as a replay although it never was one (seed 004: QoS
 *       queues reordering one SA's packets).</li>
 * </ul>
 */
public final class SequenceTracker {

    public static final int WINDOW = 64;
    static final int HISTORY = 4096;
    private static final int MAX_LISTED = 16;

    private final long[] seen = new long[HISTORY / 64];
    private long first = -1;
    private long highest = -1;
    private long missing;
    private long replayed;
    private long lateWithinWindow;
    private long lateBeyondWindow;
    private long tooOldToTell;
    private long zero;
    private long maxLateDistance;
    private final List<Long> replayedPackets = new ArrayList<>(0);
    private final List<Long> lateBeyondPackets = new ArrayList<>(0);

    /** Judges one sequence number (unsigned 32 bits) carried by {@code packet}. */
    void accept(long sequence, long packet) {
        if (sequence == 0) {
            zero++; // never sent: the first number is 1 (RFC 4303 §3.3.3)
            return;
        }
        if (highest < 0) {
            first = sequence;
            highest = sequence;
            set(sequence);
            return;
        }
        if (sequence > highest) {
            long step = sequence - highest;
            missing += step - 1;
            if (step >= HISTORY) {
                java.util.Arrays.fill(seen, 0);
            } else {
                for (long s = highest + 1; s < sequence; s++) {
                    clear(s);
                }
            }
            highest = sequence;
            set(sequence);
            return;
        }
        long distance = highest - sequence;
        if (distance >= HISTORY) {
            tooOldToTell++;
            lateBeyondWindow++;
            note(lateBeyondPackets, packet);
            return;
        }
        if (isSet(sequence)) {
            replayed++;
            note(replayedPackets, packet);
            return;
        }
        set(sequence);
        missing--;
        maxLateDistance = Math.max(maxLateDistance, distance);
        if (distance >= WINDOW) {
            lateBeyondWindow++;
            note(lateBeyondPackets, packet);
        } else {
            lateWithinWindow++;
        }
    }

    private static void note(List<Long> list, long packet) {
        if (list.size() < MAX_LISTED) {
            list.add(packet);
        }
    }

    private void set(long s) {
        int bit = (int) (s % HISTORY);
        seen[bit >>> 6] |= 1L << (bit & 63);
    }

    private void clear(long s) {
        int bit = (int) (s % HISTORY);
        seen[bit >>> 6] &= ~(1L << (bit & 63));
    }

    private boolean isSet(long s) {
        int bit = (int) (s % HISTORY);
        return (seen[bit >>> 6] & (1L << (bit & 63))) != 0;
    }

    /** The first sequence number seen, or -1. */
    public long first() {
        return first;
    }

    public long highest() {
        return highest;
    }

    /** Numbers skipped and not (yet) seen late: lost before the capture point, or never sent. */
    public long missing() {
        return missing;
    }

    public long replayed() {
        return replayed;
    }

    public long lateWithinWindow() {
        return lateWithinWindow;
    }

    /** Late by 64 or more: a receiver with a 64-packet window drops them. */
    public long lateBeyondWindow() {
        return lateBeyondWindow;
    }

    /** Of {@link #lateBeyondWindow()}, those too far back to tell late from replayed. */
    public long tooOldToTell() {
        return tooOldToTell;
    }

    /** Sequence number 0, which no sender may use. */
    public long zero() {
        return zero;
    }

    /** The furthest a late packet was behind the highest number seen. */
    public long maxLateDistance() {
        return maxLateDistance;
    }

    public List<Long> replayedPackets() {
        return Collections.unmodifiableList(replayedPackets);
    }

    public List<Long> lateBeyondPackets() {
        return Collections.unmodifiableList(lateBeyondPackets);
    }
}
