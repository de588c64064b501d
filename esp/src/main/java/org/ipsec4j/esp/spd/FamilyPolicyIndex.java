package org.ipsec4j.esp.spd;

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
    private final RangeIndex byRemote;
    private final RangeIndex byLocal;
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

        // Each policy goes into the index of its narrower address range; ANY on that side means the wide list.
        IpAddress max = IpAddress.max(family);
        int[] remoteSlots = new int[n];
        int[] localSlots = new int[n];
        int[] wideSlots = new int[n];
        int nr = 0;
        int nl = 0;
        int nw = 0;
        for (int s = 0; s < n; s++) {
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
        int[] refused = new int[n];
        int[] refusedCount = new int[1];
        byRemote = buildIndex(remoteSlots, nr, true, max, refused, refusedCount);
        // A policy too wide for the remote index gets a second chance in the local one.
        int[] mergedLocal = new int[n];
        int nm = 0;
        int a = 0;
        int b = 0;
        int[] secondChance = new int[refusedCount[0]];
        int nsc = 0;
        for (int i = 0; i < refusedCount[0]; i++) {
            int s = refused[i];
            if (policies[s].selector().local().isAny()) {
                wideSlots[nw++] = s;
            } else {
                secondChance[nsc++] = s;
            }
        }
        while (a < nl || b < nsc) { // merge two ascending lists
            if (b >= nsc || (a < nl && localSlots[a] < secondChance[b])) {
                mergedLocal[nm++] = localSlots[a++];
            } else {
                mergedLocal[nm++] = secondChance[b++];
            }
        }
        byLocal = buildIndex(mergedLocal, nm, false, max, refused, refusedCount);
        for (int i = 0; i < refusedCount[0]; i++) {
            wideSlots[nw++] = refused[i];
        }
        int[] w = java.util.Arrays.copyOf(wideSlots, nw);
        java.util.Arrays.sort(w);
        wide = w;
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
        best = byRemote.first(key.remoteHigh(), key.remoteLow(), best, this, key);
        best = byLocal.first(key.localHigh(), key.localLow(), best, this, key);
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

    /** Sizes for diagnostics and tests: [remote-index entries, local-index entries, wide policies, segments]. */
    int[] shape() {
        return new int[] {byRemote.entries(), byLocal.entries(), wide.length, byRemote.segments() + byLocal.segments()};
    }
}
