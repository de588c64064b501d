package org.ipsec4j.esp.spd;

import java.math.BigInteger;
import java.util.Arrays;

import org.ipsec4j.esp.selector.PacketSelector;

/**
 * Stabbing index over inclusive 128-bit ranges (one address dimension of one family's policies): the
 * address space is cut at every range's first address and at the address after its last into elementary
 * segments, and each segment lists, in ascending slot (= policy order), the ranges that cover it wholly.
 * A lookup is one binary search for the segment holding the address, then a walk of that short list.
 *
 * <p>Compressed-row layout: segment {@code i} starts at {@code (startHigh[i], startLow[i])} and its slots
 * are {@code slots[offsets[i] .. offsets[i+1])}. A range that would cover more than {@code maxSegments}
 * segments is refused at build time (returned to the caller), which bounds the memory at
 * {@code maxSegments} entries per policy whatever the overlap.
 *
 * <p>With many cuts a radix table narrows the binary search: most cuts share their first {@code p} bits
 * (a common prefix: 2001:db8::/32, or nothing), and the next {@code radixBits} bits of an address pick a
 * bucket whose table entries bound the segments the address can fall in, so the search runs over a few
 * neighbouring cuts instead of all of them.
 */
final class RangeIndex {

    static final RangeIndex EMPTY = new RangeIndex(new long[] {0}, new long[] {0}, new int[] {0, 0}, new int[0]);

    private final long[] startHigh;
    private final long[] startLow;
    private final int[] offsets;
    private final int[] slots;
    /** The lowest slot held, so a lookup that already found something earlier skips this index. */
    private final int minSlot;
    /** Every cut has high half 0 (IPv4, or IPv6 below 2^64): the search compares low halves only. */
    private final boolean lowOnly;
    /** Radix acceleration: 0 bits for none (few cuts). */
    private final int radixBits;
    private final int prefixLength;
    private final long prefixHigh;
    private final long prefixLow;
    /** For bucket b, the segment holding the bucket's first address; entry 2^bits: the first address past them. */
    private final int[] bucketSegment;

    private static final int RADIX_MIN_CUTS = 1024;
    private static final int RADIX_MAX_BITS = 16;

    private RangeIndex(long[] startHigh, long[] startLow, int[] offsets, int[] slots) {
        this.startHigh = startHigh;
        this.startLow = startLow;
        this.offsets = offsets;
        this.slots = slots;
        int min = Integer.MAX_VALUE;
        for (int s : slots) {
            min = Math.min(min, s);
        }
        this.minSlot = min;
        boolean zero = true;
        for (long h : startHigh) {
            zero &= h == 0;
        }
        this.lowOnly = zero;

        int n = startHigh.length;
        if (n < RADIX_MIN_CUTS) {
            radixBits = 0;
            prefixLength = 0;
            prefixHigh = 0;
            prefixLow = 0;
            bucketSegment = null;
            return;
        }
        int bits = Math.min(RADIX_MAX_BITS, 31 - Integer.numberOfLeadingZeros(n));
        // The prefix shared by all but the outermost 1/64 of the cuts on each side, so that a few outliers (the
        // boundaries of a 2000::/3 among many 2001:db8:: cuts) do not leave every cut in one bucket; addresses
        // outside the prefix search those few outer cuts.
        int first = Math.max(1, n >>> 6);
        int last = n - 1 - (n >>> 6);
        long h1 = startHigh[first];
        long l1 = startLow[first];
        long diffHigh = h1 ^ startHigh[last];
        int p = diffHigh != 0 ? Long.numberOfLeadingZeros(diffHigh) : 64 + Long.numberOfLeadingZeros(l1 ^ startLow[last]);
        p = Math.min(p, 128 - bits);
        radixBits = bits;
        prefixLength = p;
        prefixHigh = maskHigh(h1, p);
        prefixLow = maskLow(l1, p);
        int buckets = 1 << bits;
        bucketSegment = new int[buckets + 1];
        BigInteger prefix = toBig(prefixHigh, prefixLow);
        BigInteger max = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);
        for (int b = 0; b <= buckets; b++) {
            BigInteger key = prefix.add(BigInteger.valueOf(b).shiftLeft(128 - p - bits));
            bucketSegment[b] = key.compareTo(max) > 0 ? n - 1
                    : search(key.shiftRight(64).longValue(), key.longValue(), 0, n - 1);
        }
    }

    private static BigInteger toBig(long high, long low) {
        return new BigInteger(Long.toUnsignedString(high)).shiftLeft(64).or(new BigInteger(Long.toUnsignedString(low)));
    }

    /** The top {@code p} bits of a 128-bit value's high half (p may exceed 64). */
    private static long maskHigh(long high, int p) {
        return p == 0 ? 0 : p >= 64 ? high : high & (-1L << (64 - p));
    }

    private static long maskLow(long low, int p) {
        return p <= 64 ? 0 : low & (-1L << (128 - p));
    }

    boolean isEmpty() {
        return slots.length == 0;
    }

    /** The lowest slot held; {@link Integer#MAX_VALUE} when empty. */
    int minSlot() {
        return minSlot;
    }

    int entries() {
        return slots.length;
    }

    int segments() {
        return startHigh.length;
    }

    /** Where segment {@code i} starts (high, low half), for tests. */
    long segmentStartHigh(int i) {
        return startHigh[i];
    }

    long segmentStartLow(int i) {
        return startLow[i];
    }

    boolean hasRadixTable() {
        return radixBits != 0;
    }

    /**
     * The lowest slot below {@code limit} whose range covers the address and whose whole policy matches
     * {@code key}; {@code limit} if there is none.
     */
    int first(long high, long low, int limit, FamilyPolicyIndex matcher, PacketSelector key) {
        if (minSlot >= limit) {
            return limit; // also when empty
        }
        int seg = segmentOf(high, low);
        for (int i = offsets[seg], end = offsets[seg + 1]; i < end; i++) {
            int slot = slots[i];
            if (slot >= limit) {
                return limit;
            }
            if (matcher.matches(slot, key)) {
                return slot;
            }
        }
        return limit;
    }

    /** Index of the last segment starting at or below the address; segment 0 starts at 0. */
    int segmentOf(long high, long low) {
        int lo = 0;
        int hi = startHigh.length - 1;
        if (radixBits != 0) {
            int p = prefixLength;
            int c = Long.compareUnsigned(maskHigh(high, p), prefixHigh);
            if (c == 0) {
                c = Long.compareUnsigned(maskLow(low, p), prefixLow);
            }
            if (c < 0) {
                hi = bucketSegment[0];
            } else if (c > 0) {
                lo = bucketSegment[bucketSegment.length - 1];
            } else {
                int b = bucket(high, low, p, radixBits);
                lo = bucketSegment[b];
                hi = bucketSegment[b + 1];
            }
        }
        return search(high, low, lo, hi);
    }

    /** The {@code bits} bits after the first {@code p} of a 128-bit value. */
    private static int bucket(long high, long low, int p, int bits) {
        int end = p + bits;
        int mask = (1 << bits) - 1;
        if (end <= 64) {
            return (int) (high >>> (64 - end)) & mask;
        }
        if (p >= 64) {
            return (int) (low >>> (128 - end)) & mask;
        }
        int fromLow = end - 64;
        return (int) ((high << fromLow) | (low >>> (64 - fromLow))) & mask;
    }

    /** Binary search for the last cut at or below the address among cuts {@code lo..hi}, cut lo being at or below it. */
    private int search(long high, long low, int lo, int hi) {
        if (lowOnly) {
            if (high != 0) {
                return hi; // above every cut
            }
            long[] starts = startLow;
            while (lo < hi) {
                int mid = (lo + hi + 1) >>> 1;
                if (Long.compareUnsigned(starts[mid], low) <= 0) {
                    lo = mid;
                } else {
                    hi = mid - 1;
                }
            }
            return lo;
        }
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            int c = Long.compareUnsigned(startHigh[mid], high);
            if (c == 0) {
                c = Long.compareUnsigned(startLow[mid], low);
            }
            if (c <= 0) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    /**
     * Builds the index of ranges given in ascending slot order.
     *
     * @param rangeSlots  slot of each range, ascending
     * @param firstHigh   per range, its first address (high half), etc.
     * @param maxSegments a range covering more segments is left out
     * @param refused     receives the slots left out (in ascending order); its length must be ≥ count
     * @return the index and, in {@code refusedCount[0]}, how many slots were refused
     */
    static RangeIndex build(int count, int[] rangeSlots, long[] firstHigh, long[] firstLow, long[] lastHigh, long[] lastLow,
                            long maxHigh, long maxLow, int maxSegments, int[] refused, int[] refusedCount) {
        refusedCount[0] = 0;
        if (count == 0) {
            return EMPTY;
        }
        // Cut points: 0, every first address, every last address + 1 (unless it is the top of the space).
        long[] cutHigh = new long[2 * count + 1];
        long[] cutLow = new long[2 * count + 1];
        int n = 1; // cut 0 is the zero address
        for (int i = 0; i < count; i++) {
            cutHigh[n] = firstHigh[i];
            cutLow[n++] = firstLow[i];
            if (lastHigh[i] != maxHigh || lastLow[i] != maxLow) {
                long lo = lastLow[i] + 1;
                cutHigh[n] = lo == 0 ? lastHigh[i] + 1 : lastHigh[i];
                cutLow[n++] = lo;
            }
        }
        int segs = sortUnique(cutHigh, cutLow, n);
        long[] startHigh = Arrays.copyOf(cutHigh, segs);
        long[] startLow = Arrays.copyOf(cutLow, segs);

        int[] firstSeg = new int[count];
        int[] lastSeg = new int[count];
        int[] perSegment = new int[segs + 1];
        int kept = 0;
        for (int i = 0; i < count; i++) {
            int f = exactIndex(startHigh, startLow, firstHigh[i], firstLow[i]);
            int l;
            if (lastHigh[i] == maxHigh && lastLow[i] == maxLow) {
                l = segs - 1;
            } else {
                long lo = lastLow[i] + 1;
                l = exactIndex(startHigh, startLow, lo == 0 ? lastHigh[i] + 1 : lastHigh[i], lo) - 1;
            }
            if (l - f + 1 > maxSegments) {
                refused[refusedCount[0]++] = rangeSlots[i];
                firstSeg[i] = -1;
                continue;
            }
            firstSeg[i] = f;
            lastSeg[i] = l;
            for (int s = f; s <= l; s++) {
                perSegment[s + 1]++;
            }
            kept += l - f + 1;
        }
        int[] offsets = new int[segs + 1];
        for (int s = 0; s < segs; s++) {
            offsets[s + 1] = offsets[s] + perSegment[s + 1];
        }
        int[] fill = Arrays.copyOf(offsets, segs);
        int[] slots = new int[kept];
        for (int i = 0; i < count; i++) {
            if (firstSeg[i] < 0) {
                continue;
            }
            for (int s = firstSeg[i]; s <= lastSeg[i]; s++) {
                slots[fill[s]++] = rangeSlots[i]; // ranges come in slot order, so each list stays ascending
            }
        }
        return new RangeIndex(startHigh, startLow, offsets, slots);
    }

    private static int exactIndex(long[] high, long[] low, long h, long l) {
        int lo = 0;
        int hi = high.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = Long.compareUnsigned(high[mid], h);
            if (c == 0) {
                c = Long.compareUnsigned(low[mid], l);
            }
            if (c < 0) {
                lo = mid + 1;
            } else if (c > 0) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        throw new IllegalStateException("cut point missing from the index");
    }

    /** Sorts the first n (high, low) pairs as unsigned 128-bit values, removes duplicates, returns the count. */
    private static int sortUnique(long[] high, long[] low, int n) {
        // Sort by an index permutation; build time only.
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> {
            int c = Long.compareUnsigned(high[a], high[b]);
            return c != 0 ? c : Long.compareUnsigned(low[a], low[b]);
        });
        long[] h = new long[n];
        long[] l = new long[n];
        int m = 0;
        for (int i = 0; i < n; i++) {
            long vh = high[order[i]];
            long vl = low[order[i]];
            if (m > 0 && h[m - 1] == vh && l[m - 1] == vl) {
                continue;
            }
            h[m] = vh;
            l[m++] = vl;
        }
        System.arraycopy(h, 0, high, 0, m);
        System.arraycopy(l, 0, low, 0, m);
        return m;
    }
}
