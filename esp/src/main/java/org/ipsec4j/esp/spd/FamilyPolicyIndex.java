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
 * {@link SecurityPolicyDatabase} for the design; this class holds the policies' selectors in parallel
 * primitive arrays indexed by slot (the policy's rank in SPD order), two {@link RangeIndex}es (by remote and
 * by local address) and the "wide" list of policies neither index holds.
 */
final class FamilyPolicyIndex {

    /** A policy whose range would cover more elementary segments than this goes to the other index or the wide list. */
    static final int MAX_SEGMENTS_PER_POLICY = 32;
    /** Levels of indexes before what is left goes to the wide list. */
    static final int MAX_LEVELS = 8;

    private final SecurityPolicy[] policies;
    private final long[] localFirstHigh;
    private final long[] localFirstLow;
    private final long[] localLastHigh;
    private final long[] localLastLow;
    private final long[] remoteFirstHigh;
    private final long[] remoteFirstLow;
    private final long[] remoteLastHigh;
    private final long[] remoteLastLow;
    /** Protocol, or -1 for ANY. */
    private final int[] protocol;
    /** Port ranges as low/high; an OPAQUE-only selector is the empty range 1..0. */
    private final int[] localPortLow;
    private final int[] localPortHigh;
    private final int[] remotePortLow;
    private final int[] remotePortHigh;
    /** Bit 0: local port selector matches OPAQUE; bit 1: remote port selector does. */
    private final byte[] opaqueBits;
    /** Per level, the index by remote and by local address (level 0 holds the narrowest policies). */
    private final RangeIndex[] remoteLevels;
    private final RangeIndex[] localLevels;
    /** Policies no index holds, ascending: ANY on both addresses, or left over after {@link #MAX_LEVELS}. */
    private final int[] wide;

    FamilyPolicyIndex(IpFamily family, List<SecurityPolicy> ordered) {
        int n = ordered.size();
        policies = ordered.toArray(new SecurityPolicy[0]);
        localFirstHigh = new long[n];
        localFirstLow = new long[n];
        localLastHigh = new long[n];
        localLastLow = new long[n];
        remoteFirstHigh = new long[n];
        remoteFirstLow = new long[n];
        remoteLastHigh = new long[n];
        remoteLastLow = new long[n];
        protocol = new int[n];
        localPortLow = new int[n];
        localPortHigh = new int[n];
        remotePortLow = new int[n];
        remotePortHigh = new int[n];
        opaqueBits = new byte[n];
        for (int s = 0; s < n; s++) {
            TrafficSelector ts = policies[s].selector();
            AddressRange l = ts.local();
            AddressRange r = ts.remote();
            localFirstHigh[s] = l.first().high();
            localFirstLow[s] = l.first().low();
            localLastHigh[s] = l.last().high();
            localLastLow[s] = l.last().low();
            remoteFirstHigh[s] = r.first().high();
            remoteFirstLow[s] = r.first().low();
            remoteLastHigh[s] = r.last().high();
            remoteLastLow[s] = r.last().low();
            protocol[s] = ts.protocol();
            PortSelector lp = ts.localPorts();
            PortSelector rp = ts.remotePorts();
            localPortLow[s] = lp.low();
            localPortHigh[s] = lp.high();
            remotePortLow[s] = rp.low();
            remotePortHigh[s] = rp.high();
            opaqueBits[s] = (byte) ((lp.matchesOpaque() ? 1 : 0) | (rp.matchesOpaque() ? 2 : 0));
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

    private RangeIndex buildIndex(int[] slots, int count, boolean remote, IpAddress max, int[] refused, int[] refusedCount) {
        long[] fh = new long[count];
        long[] fl = new long[count];
        long[] lh = new long[count];
        long[] ll = new long[count];
        for (int i = 0; i < count; i++) {
            int s = slots[i];
            fh[i] = remote ? remoteFirstHigh[s] : localFirstHigh[s];
            fl[i] = remote ? remoteFirstLow[s] : localFirstLow[s];
            lh[i] = remote ? remoteLastHigh[s] : localLastHigh[s];
            ll[i] = remote ? remoteLastLow[s] : localLastLow[s];
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
        for (int level = 0; level < remoteLevels.length; level++) {
            best = remoteLevels[level].first(key.remoteHigh(), key.remoteLow(), best, this, key);
            best = localLevels[level].first(key.localHigh(), key.localLow(), best, this, key);
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
        int p = protocol[s];
        if (p >= 0 && p != k.protocol()) {
            return false;
        }
        int lp = k.localPort();
        if (lp < 0 ? (opaqueBits[s] & 1) == 0 : lp < localPortLow[s] || lp > localPortHigh[s]) {
            return false;
        }
        int rp = k.remotePort();
        if (rp < 0 ? (opaqueBits[s] & 2) == 0 : rp < remotePortLow[s] || rp > remotePortHigh[s]) {
            return false;
        }
        long h = k.remoteHigh();
        long l = k.remoteLow();
        if (IpAddress.compareUnsigned(remoteFirstHigh[s], remoteFirstLow[s], h, l) > 0
                || IpAddress.compareUnsigned(h, l, remoteLastHigh[s], remoteLastLow[s]) > 0) {
            return false;
        }
        h = k.localHigh();
        l = k.localLow();
        return IpAddress.compareUnsigned(localFirstHigh[s], localFirstLow[s], h, l) <= 0
                && IpAddress.compareUnsigned(h, l, localLastHigh[s], localLastLow[s]) <= 0;
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
