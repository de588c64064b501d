package org.ipsec4j.esp.spd;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.ipsec4j.esp.selector.AddressRange;
import org.ipsec4j.esp.selector.IpAddress;
import org.ipsec4j.esp.selector.IpFamily;
import org.ipsec4j.esp.selector.PacketSelector;
import org.ipsec4j.esp.selector.PortSelector;
import org.ipsec4j.esp.selector.TrafficSelector;

/**
 * The lookup structure for one direction and one address family, immutable once built. See
 * {@link SecurityPolicyDatabase} for the design; this class holds the policies' selectors packed in one
 * array indexed by slot (the policy's rank in SPD order), levels of {@link RangeIndex}es (by remote and by
 * local address) and the "wide" list of policies no index holds.
 */
final class FamilyPolicyIndex {

    /** A policy whose range would cover more elementary segments than this goes to the other index or the wide list. */
    static final int MAX_SEGMENTS_PER_POLICY = 32;
    /** Levels of indexes before what is left goes to the wide list. */
    static final int MAX_LEVELS = 8;

    private final SecurityPolicy[] policies;
    /**
     * The selectors of slot {@code s} at {@code selectors[s * STRIDE ..]}, packed so that checking a candidate
     * touches one or two cache lines: [0] protocol (low 32 bits, -1 for ANY) and OPAQUE bits (bit 32: the
     * local port selector matches OPAQUE, bit 33: the remote one does); [1] local ports low << 32 | high, [2]
     * remote ports likewise (OPAQUE alone is the empty range 1..0); [3..6] remote range first (high, low) and
     * last (high, low); [7..10] local range likewise.
     */
    private final long[] selectors;
    private static final int STRIDE = 11;
    /** Per level, the index by remote and by local address (level 0 holds the narrowest policies). */
    private final RangeIndex[] remoteLevels;
    private final RangeIndex[] localLevels;
    /**
     * The non-empty indexes of every level in ascending order of their lowest slot, and whether each is by
     * remote address: searched in that order, the search stops at the first index whose lowest slot is not
     * below the best match found, so an early policy on a higher level is not found only after level 0.
     */
    private final RangeIndex[] searchOrder;
    private final boolean[] searchByRemote;
    /** Policies no index holds, ascending: ANY on both addresses, or left over after {@link #MAX_LEVELS}. */
    private final int[] wide;

    FamilyPolicyIndex(IpFamily family, List<SecurityPolicy> ordered) {
        int n = ordered.size();
        policies = ordered.toArray(new SecurityPolicy[0]);
        selectors = new long[n * STRIDE];
        for (int s = 0; s < n; s++) {
            TrafficSelector ts = policies[s].selector();
            PortSelector lp = ts.localPorts();
            PortSelector rp = ts.remotePorts();
            int b = s * STRIDE;
            selectors[b] = (ts.protocol() & 0xFFFF_FFFFL) | (lp.matchesOpaque() ? 1L << 32 : 0) | (rp.matchesOpaque() ? 1L << 33 : 0);
            selectors[b + 1] = (long) lp.low() << 32 | lp.high();
            selectors[b + 2] = (long) rp.low() << 32 | rp.high();
            put(b + 3, ts.remote());
            put(b + 7, ts.local());
        }

        // Level by level: each pending policy goes into the index of its narrower address range (ANY on that
        // side: the wide list). A policy refused by the remote index for spanning too many segments tries the
        // local one; what both refuse is pending for the next level, whose indexes cut the space only at the
        // boundaries of those wider policies, so there they span few segments.
        IpAddress max = IpAddress.max(family);
        List<RangeIndex> remotes = new ArrayList<>();
        List<RangeIndex> locals = new ArrayList<>();
        int[] pending = new int[n];
        for (int s = 0; s < n; s++) {
            pending[s] = s;
        }
        int np = n;
        int[] wideSlots = new int[n];
        int nw = 0;
        int[] remoteSlots = new int[n];
        int[] localSlots = new int[n];
        int[] refused = new int[n];
        int[] refusedCount = new int[1];
        int[] next = new int[n];
        for (int level = 0; np > 0; level++) {
            int nr = 0;
            int nl = 0;
            for (int i = 0; i < np; i++) {
                int s = pending[i];
                TrafficSelector ts = policies[s].selector();
                boolean remoteNarrower = compareWidth(ts.remote(), ts.local()) <= 0;
                AddressRange chosen = remoteNarrower ? ts.remote() : ts.local();
                if (chosen.isAny()) {
                    wideSlots[nw++] = s;
                } else if (remoteNarrower) {
                    remoteSlots[nr++] = s;
                } else {
                    localSlots[nl++] = s;
                }
            }
            RangeIndex remoteIndex = buildIndex(remoteSlots, nr, true, max, refused, refusedCount);
            int nn = 0;
            int[] secondChance = new int[refusedCount[0]];
            int nsc = 0;
            for (int i = 0; i < refusedCount[0]; i++) {
                int s = refused[i];
                if (policies[s].selector().local().isAny()) {
                    next[nn++] = s;
                } else {
                    secondChance[nsc++] = s;
                }
            }
            int[] mergedLocal = new int[nl + nsc];
            int nm = merge(localSlots, nl, secondChance, nsc, mergedLocal);
            RangeIndex localIndex = buildIndex(mergedLocal, nm, false, max, refused, refusedCount);
            int[] nextSorted = new int[nn + refusedCount[0]];
            int total = merge(next, nn, refused, refusedCount[0], nextSorted);
            boolean progress = !remoteIndex.isEmpty() || !localIndex.isEmpty();
            if (progress) {
                remotes.add(remoteIndex);
                locals.add(localIndex);
            }
            if (total > 0 && (!progress || level == MAX_LEVELS - 1)) {
                // Ranges that overlap one another too much to index, or levels enough: the rest is scanned.
                System.arraycopy(nextSorted, 0, wideSlots, nw, total);
                nw += total;
                break;
            }
            System.arraycopy(nextSorted, 0, pending, 0, total);
            np = total;
        }
        remoteLevels = remotes.toArray(new RangeIndex[0]);
        localLevels = locals.toArray(new RangeIndex[0]);
        List<RangeIndex> order = new ArrayList<>();
        for (int i = 0; i < remoteLevels.length; i++) {
            for (RangeIndex index : new RangeIndex[] {remoteLevels[i], localLevels[i]}) {
                if (!index.isEmpty()) {
                    order.add(index);
                }
            }
        }
        order.sort((a, b) -> Integer.compare(a.minSlot(), b.minSlot()));
        searchOrder = order.toArray(new RangeIndex[0]);
        searchByRemote = new boolean[searchOrder.length];
        List<RangeIndex> remoteList = List.of(remoteLevels);
        for (int i = 0; i < searchOrder.length; i++) {
            searchByRemote[i] = remoteList.contains(searchOrder[i]);
        }
        int[] w = Arrays.copyOf(wideSlots, nw);
        Arrays.sort(w);
        wide = w;
    }

    /** Merges two ascending arrays into {@code out}; returns the count. */
    private static int merge(int[] a, int na, int[] b, int nb, int[] out) {
        int i = 0;
        int j = 0;
        int k = 0;
        while (i < na || j < nb) {
            if (j >= nb || (i < na && a[i] < b[j])) {
                out[k++] = a[i++];
            } else {
                out[k++] = b[j++];
            }
        }
        return k;
    }

    private void put(int at, AddressRange r) {
        selectors[at] = r.first().high();
        selectors[at + 1] = r.first().low();
        selectors[at + 2] = r.last().high();
        selectors[at + 3] = r.last().low();
    }

    private RangeIndex buildIndex(int[] slots, int count, boolean remote, IpAddress max, int[] refused, int[] refusedCount) {
        long[] fh = new long[count];
        long[] fl = new long[count];
        long[] lh = new long[count];
        long[] ll = new long[count];
        for (int i = 0; i < count; i++) {
            int s = slots[i];
            int b = s * STRIDE + (remote ? 3 : 7);
            fh[i] = selectors[b];
            fl[i] = selectors[b + 1];
            lh[i] = selectors[b + 2];
            ll[i] = selectors[b + 3];
        }
        return RangeIndex.build(count, slots, fh, fl, lh, ll, max.high(), max.low(), MAX_SEGMENTS_PER_POLICY,
                refused, refusedCount);
    }

    /** Compares the sizes (last - first) of two ranges as unsigned 128-bit numbers. */
    private static int compareWidth(AddressRange x, AddressRange y) {
        long xl = x.last().low() - x.first().low();
        long xh = x.last().high() - x.first().high() - (Long.compareUnsigned(x.last().low(), x.first().low()) < 0 ? 1 : 0);
        long yl = y.last().low() - y.first().low();
        long yh = y.last().high() - y.first().high() - (Long.compareUnsigned(y.last().low(), y.first().low()) < 0 ? 1 : 0);
        return IpAddress.compareUnsigned(xh, xl, yh, yl);
    }

    int size() {
        return policies.length;
    }

    SecurityPolicy policy(int slot) {
        return policies[slot];
    }

    /** The first policy in SPD order whose selectors match, as a slot; -1 if none. */
    int lookup(PacketSelector key) {
        int best = Integer.MAX_VALUE;
        RangeIndex[] order = searchOrder;
        for (int i = 0; i < order.length; i++) {
            RangeIndex index = order[i];
            if (index.minSlot() >= best) {
                break; // this and every later index start after the match in hand
            }
            best = searchByRemote[i] ? index.first(key.remoteHigh(), key.remoteLow(), best, this, key)
                    : index.first(key.localHigh(), key.localLow(), best, this, key);
        }
        for (int s : wide) {
            if (s >= best) {
                break;
            }
            if (matches(s, key)) {
                best = s;
                break;
            }
        }
        return best == Integer.MAX_VALUE ? -1 : best;
    }

    /** Whether the policy in {@code slot} matches every selector value of the packet. */
    boolean matches(int s, PacketSelector k) {
        long[] sel = selectors;
        int b = s * STRIDE;
        long meta = sel[b];
        int p = (int) meta;
        if (p >= 0 && p != k.protocol()) {
            return false;
        }
        int lp = k.localPort();
        long ports = sel[b + 1];
        if (lp < 0 ? (meta & 1L << 32) == 0 : lp < (int) (ports >>> 32) || lp > (int) ports) {
            return false;
        }
        int rp = k.remotePort();
        ports = sel[b + 2];
        if (rp < 0 ? (meta & 1L << 33) == 0 : rp < (int) (ports >>> 32) || rp > (int) ports) {
            return false;
        }
        return inside(sel, b + 3, k.remoteHigh(), k.remoteLow()) && inside(sel, b + 7, k.localHigh(), k.localLow());
    }

    private static boolean inside(long[] sel, int at, long h, long l) {
        return IpAddress.compareUnsigned(sel[at], sel[at + 1], h, l) <= 0
                && IpAddress.compareUnsigned(h, l, sel[at + 2], sel[at + 3]) <= 0;
    }

    /**
     * Sizes for diagnostics and tests: [remote-index entries, local-index entries, wide policies, segments,
     * levels], entries and segments summed over the levels.
     */
    int[] shape() {
        int r = 0;
        int l = 0;
        int segments = 0;
        for (int i = 0; i < remoteLevels.length; i++) {
            r += remoteLevels[i].entries();
            l += localLevels[i].entries();
            segments += remoteLevels[i].segments() + localLevels[i].segments();
        }
        return new int[] {r, l, wide.length, segments, remoteLevels.length};
    }
}
