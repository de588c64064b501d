package org.ipsec4j.esp.sad;

import org.ipsec4j.esp.selector.IpFamily;

/**
 * The path MTU of an SA's outer path (RFC 4301 §8.2): the MTU of the link towards the peer, lowered by ICMP
 * reports that quote the SA's packets, and aged back up ten minutes after the last one (§8.2.2, as RFC 1191
 * §6.3 suggests), so a path that grew again is used again.
 *
 * <p>IKE's probes (packetization-layer discovery, RFC 8899 in spirit) may set a {@linkplain #setProbedMtu probed
 * value} too: unlike an ICMP report it does not age, IKE confirms it and replaces it (also with a larger one) as
 * its searches find. The value in force is the smallest of the link's, the learned and the probed one.
 * While IKE's first search has confirmed nothing, IKE may set a {@linkplain #setSearchBase search base}: the MSS
 * of TCP SYNs is clamped as if the path carried no more, while packets are still sized by the value in force.
 *
 * <p>The outbound packet thread reads {@link #current()} (one volatile load per packet), and for TCP SYNs only
 * {@link #currentForSyn()} (another one); reports, aging and IKE write under this object's lock. An IKE Child
 * SA's two SAs share one instance: the inbound SA clamps the MSS of SYNs it delivers to what its outbound
 * partner can carry back.
 */
public final class PathMtu {

    /** RFC 1191 §3 / RFC 791: no IPv4 path is believed smaller (a report below it is ignored). */
    public static final int MIN_IPV4 = 576;
    /** RFC 8200 §5: every IPv6 link carries 1280 bytes. */
    public static final int MIN_IPV6 = 1280;
    /** How long a learned value holds before the link's MTU is tried again (RFC 1191 §6.3: 10 minutes). */
    public static final long AGE_NANOS = 600_000_000_000L;
    /** At most one lowering per SA within this time (reports in between are counted, not applied). */
    public static final long MIN_CHANGE_INTERVAL_NANOS = 1_000_000_000L;
    /** {@link #current()} when nothing is known: no limit. */
    public static final int UNKNOWN = Integer.MAX_VALUE;

    private final IpFamily family;
    private volatile int current = UNKNOWN;
    /** {@link #current} or, where lower, the search base: what SYNs are clamped to. */
    private volatile int currentForSyn = UNKNOWN;
    private int linkMtu;
    private int learnedMtu;
    private int probedMtu;
    private int searchBase;
    private long learnedAtNanos;
    private long changes;
    private long agedOut;

    /** @param family the outer family, which sets the floor */
    public PathMtu(IpFamily family) {
        this.family = family;
    }

    public IpFamily family() {
        return family;
    }

    /** The smallest value a report may set. */
    public int minimum() {
        return family == IpFamily.IPV4 ? MIN_IPV4 : MIN_IPV6;
    }

    /**
     * The path MTU in force, without aging: what the packet path compares each outer packet with.
     * {@link #UNKNOWN} until a link MTU is set or a report arrives.
     */
    public int current() {
        return current;
    }

    /**
     * The path MTU the MSS of TCP SYNs is clamped to: {@link #current()}, or the {@linkplain #setSearchBase search
     * base} where that is lower. One volatile load, without aging, as {@link #current()}.
     */
    public int currentForSyn() {
        return currentForSyn;
    }

    /** The path MTU in force at {@code nowNanos}: a learned value older than {@link #AGE_NANOS} is forgotten first. */
    public int current(long nowNanos) {
        int c = current;
        if (learnedMtu != 0 && nowNanos - learnedAtNanos >= AGE_NANOS) {
            synchronized (this) {
                if (learnedMtu != 0 && nowNanos - learnedAtNanos >= AGE_NANOS) {
                    learnedMtu = 0;
                    agedOut++;
                    recompute();
                }
                c = current;
            }
        }
        return c;
    }

    /** The MTU of the interface towards the peer (0: unknown), the value the path MTU starts from and ages back to. */
    public synchronized void setLinkMtu(int mtu) {
        if (mtu < 0) {
            throw new IllegalArgumentException("link MTU " + mtu);
        }
        linkMtu = mtu;
        recompute();
    }

    public synchronized int linkMtu() {
        return linkMtu;
    }

    /** The value learned from ICMP and still in force, or 0. */
    public synchronized int learnedMtu() {
        return learnedMtu;
    }

    /**
     * The path MTU IKE's probes found towards the peer (outer IP bytes; 0: none, or forget it). Raised to the
     * family's floor; it holds until IKE sets another.
     */
    public synchronized void setProbedMtu(int mtu) {
        probedMtu = zeroOrAtLeastFloor("probed MTU", mtu);
        recompute();
    }

    /** The value IKE's probes found, or 0. */
    public synchronized int probedMtu() {
        return probedMtu;
    }

    /**
     * While IKE's first search of the path runs (nothing confirmed yet), the path MTU that TCP SYNs are clamped to
     * as well (outer IP bytes; 0: none, the search confirmed a value or gave up). TCP keeps the MSS of its SYN for
     * the connection's life, and a peer that does not probe and gets no ICMP could never send less. It changes
     * neither what is sent nor the too-big errors and prefragmentation for what is larger: those follow
     * {@link #current()}, so no inner host learns a smaller path MTU than the path has. Raised to the family's floor.
     */
    public synchronized void setSearchBase(int mtu) {
        searchBase = zeroOrAtLeastFloor("search base", mtu);
        recompute();
    }

    /** 0 (none) as it is, any other value raised to the family's floor; negative values are refused. */
    private int zeroOrAtLeastFloor(String what, int mtu) {
        if (mtu < 0) {
            throw new IllegalArgumentException(what + " " + mtu);
        }
        return mtu == 0 ? 0 : Math.max(mtu, minimum());
    }

    /** The search base IKE set, or 0. */
    public synchronized int searchBase() {
        return searchBase;
    }

    /** When {@link #learnedMtu()} was learned (the caller's clock); meaningless while it is 0. */
    public synchronized long learnedAtNanos() {
        return learnedAtNanos;
    }

    /** How many reports lowered the path MTU. */
    public synchronized long changes() {
        return changes;
    }

    /** How many learned values aged out. */
    public synchronized long agedOut() {
        return agedOut;
    }

    /**
     * A validated report that the path carries at most {@code mtu} bytes. Applied if it is at least the family's
     * floor, below the value in force and the last change is at least {@link #MIN_CHANGE_INTERVAL_NANOS} old.
     */
    public synchronized PathMtuOutcome report(int mtu, long nowNanos) {
        if (mtu < minimum()) {
            return PathMtuOutcome.BELOW_MINIMUM;
        }
        if (mtu >= current(nowNanos)) {
            return PathMtuOutcome.NOT_LOWER;
        }
        if (learnedMtu != 0 && nowNanos - learnedAtNanos < MIN_CHANGE_INTERVAL_NANOS) {
            return PathMtuOutcome.RATE_LIMITED;
        }
        learnedMtu = mtu;
        learnedAtNanos = nowNanos;
        changes++;
        recompute();
        return PathMtuOutcome.UPDATED;
    }

    /**
     * Takes over what {@code previous} learned, what IKE probed and the search base (a rekeyed SA runs over the
     * same path).
     */
    public void inherit(PathMtu previous) {
        int mtu;
        long at;
        int probed;
        int base;
        synchronized (previous) {
            mtu = previous.learnedMtu;
            at = previous.learnedAtNanos;
            probed = previous.probedMtu;
            base = previous.searchBase;
        }
        synchronized (this) {
            if (mtu != 0 && (learnedMtu == 0 || mtu < learnedMtu)) {
                learnedMtu = mtu;
                learnedAtNanos = at;
            }
            if (probedMtu == 0) {
                probedMtu = probed;
            }
            if (searchBase == 0) {
                searchBase = base;
            }
            recompute();
        }
    }

    private void recompute() {
        int c = linkMtu == 0 ? UNKNOWN : linkMtu;
        if (learnedMtu != 0) {
            c = Math.min(c, learnedMtu);
        }
        if (probedMtu != 0) {
            c = Math.min(c, probedMtu);
        }
        current = c;
        currentForSyn = searchBase == 0 ? c : Math.min(c, searchBase);
    }

    @Override
    public synchronized String toString() {
        String link = linkMtu == 0 ? "unknown" : Integer.toString(linkMtu);
        return (current == UNKNOWN ? "unknown" : Integer.toString(current))
                + (learnedMtu != 0 ? " (learned" + (probedMtu != 0 ? ", probed " + probedMtu : "") + "; link " + link + ")"
                : probedMtu != 0 ? " (probed; link " + link + ")" : " (link)")
                + (searchBase != 0 ? ", SYNs as if " + currentForSyn + " while searching" : "");
    }
}
