package org.ipsec4j.ike.sa;

import org.ipsec4j.esp.selector.IpFamily;

/**
 * Path MTU discovery without ICMP for one IKE SA, in the spirit of RFC 8899 (DPLPMTUD): probes are INFORMATIONAL
 * requests padded to the size being tried and sent with DF set ({@link PathProbeTask}); the answer acknowledges
 * the size. A probe that is not answered in time is followed by a small stand-in for the same request, which the
 * peer answers if it is alive: so a lost probe costs nothing but the knowledge that its size did not get
 * through, and never the IKE SA. Any RFC 7296 peer will do; IKE fragmentation is not needed.
 *
 * <p>The search: the largest size first (the local link's MTU; the common case takes one probe), then binary
 * search between the largest acknowledged and the smallest lost size until they are {@value #GRANULARITY} bytes
 * apart. The floor (576 for IPv4, 1280 for IPv6: what IKE's own fragments assume) is taken as working. Once
 * found, the value is confirmed every probe interval with a probe of exactly that size: two losses in a row
 * while the fragmented retransmission is answered are a black hole (RFC 8899 §4.3: full-size packets lost while
 * small ones pass), and the value falls back to the floor while a new search runs. Every tenth interval a
 * search for a larger value starts from the one in use (RFC 8899's PMTU_RAISE_TIMER).
 *
 * <p>Until the first search confirms a value, the Child SAs clamp the MSS of TCP SYNs as if the path MTU were
 * {@value #SEARCH_BASE} (RFC 8899 §5.1.2's BASE_PLPMTU), their packets' size limit staying the link's.
 *
 * <p>Sizes are whole outer IP packets: IP header, UDP, non-ESP marker, IKE message — the path MTU the ESP
 * packets of the IKE SA's Child SAs share.
 */
final class PathMtuDiscovery {

    /** The search stops when the largest acknowledged and the smallest lost size are this close. */
    static final int GRANULARITY = 8;
    /** Confirmation probes lost in a row that make a black hole. */
    private static final int BLACK_HOLE_LOSSES = 2;
    /** A search for a larger value every this many confirmations. */
    private static final int RAISE_EVERY = 10;
    /**
     * What TCP SYNs are clamped to while the first search has confirmed nothing (RFC 8899 §5.1.2 BASE_PLPMTU):
     * TCP keeps a SYN's MSS for the connection's life, and a peer that does not probe and gets no ICMP (charon
     * behind a black hole) would send segments sized for the unsearched link MTU into the hole for good. 1280 for
     * both families: IPv6's minimum, which nearly every IPv4 path carries too; IPv4's 576 floor would leave every
     * connection opened in the first seconds with less than half the segment size for its whole life.
     */
    static final int SEARCH_BASE = 1280;

    enum State { OFF, SEARCHING, CONFIRMED }

    private final IkeSa sa;
    private State state = State.OFF;
    private String off = "not started";
    private int floor;
    private int max;
    /** The largest size acknowledged in this search, and the smallest lost one (max + 1: none). */
    private int acknowledged;
    private int lost;
    /** The value in use: confirmed by a search, or the floor. 0 until the first search ends. */
    private int pathMtu;
    private int confirmationsLost;
    private int confirmations;
    private long nextProbeAt = Long.MAX_VALUE;

    PathMtuDiscovery(IkeSa sa) {
        this.sa = sa;
    }

    /** Starts probing once the IKE SA is established, if the connection asks for it and the peer can take it. */
    void start(long now) {
        if (!sa.config.path().pmtuDiscovery()) {
            disable("off (pmtu_discovery = no)");
            return;
        }
        IpFamily family = sa.remote.address().family();
        floor = family == IpFamily.IPV4 ? 576 : 1280;
        max = Math.max(floor, sa.engine.linkMtu(sa.local.address()));
        beginSearch(floor, now);
        for (ChildSa c : sa.children) {
            sa.engine.kernel().updatePathMtuSearchBase(c.reqid, searchBase());
        }
    }

    /** Hands the state over to the successor of a rekeyed IKE SA: same path, same knowledge. */
    void inheritFrom(PathMtuDiscovery old, long now) {
        if (old.state == State.OFF) {
            start(now);
            return;
        }
        state = old.state;
        off = old.off;
        floor = old.floor;
        max = old.max;
        acknowledged = old.acknowledged;
        lost = old.lost;
        pathMtu = old.pathMtu;
        confirmations = old.confirmations;
        confirmationsLost = old.confirmationsLost;
        // A probe the old SA had under way is never answered on the successor: a search sends it again at once, a
        // confirmation can wait for its interval.
        boolean interrupted = old.nextProbeAt == Long.MAX_VALUE;
        nextProbeAt = interrupted && state == State.SEARCHING ? now : Math.min(old.nextProbeAt, now + interval());
    }

    private void disable(String why) {
        state = State.OFF;
        off = why;
        nextProbeAt = Long.MAX_VALUE;
    }

    private void beginSearch(int known, long now) {
        state = State.SEARCHING;
        acknowledged = known;
        lost = max + 1;
        nextProbeAt = now;
    }

    boolean active() {
        return state != State.OFF;
    }

    /** When the next probe is due (only acted on while the IKE SA is idle). */
    long nextProbeAt() {
        return nextProbeAt;
    }

    /** The value in use, 0 if none yet (or probing is off). */
    int pathMtu() {
        return pathMtu;
    }

    /** The path MTU the Child SAs' SYNs are clamped to: {@link #SEARCH_BASE} until the first search ends, else 0. */
    int searchBase() {
        return state == State.SEARCHING && pathMtu == 0 ? SEARCH_BASE : 0;
    }

    /** A Child SA of this IKE SA is about to be installed: its SYNs get the search base from the first one. */
    void childInstalling(int reqid) {
        sa.engine.kernel().updatePathMtuSearchBase(reqid, searchBase());
    }

    /** A Child SA of this IKE SA was installed: it takes the value in use. */
    void childInstalled(int reqid) {
        if (pathMtu > 0) {
            sa.engine.kernel().updatePathMtu(reqid, pathMtu);
        }
    }

    /** The size the next probe should have, or 0 if nothing is to be probed now (the search just ended). */
    int nextSize() {
        if (state == State.CONFIRMED) {
            return pathMtu;
        }
        if (lost - acknowledged <= GRANULARITY) {
            return 0;
        }
        return lost == max + 1 ? max : (acknowledged + lost) >>> 1;
    }

    /** The probe is queued: nothing else is due until its result. */
    void probeQueued() {
        nextProbeAt = Long.MAX_VALUE;
    }

    /**
     * A probe's outcome.
     *
     * @param size     the IP size the probe really had (padding granularity may make it smaller than asked)
     * @param answered whether its full-size first transmission was answered (false: only its stand-in)
     */
    void result(int size, boolean answered, long now) {
        if (state == State.OFF) {
            return;
        }
        if (state == State.CONFIRMED) {
            confirmed(answered, now);
            return;
        }
        // A probe that cannot narrow the range (padding made it no larger than what is known to pass, or the
        // path changed under the search) ends it with what is known.
        boolean progress = size > acknowledged && size < lost;
        if (answered) {
            acknowledged = Math.max(acknowledged, size);
        } else {
            lost = Math.min(lost, size);
        }
        if (!progress || nextSize() == 0) {
            finishSearch(now);
        } else {
            nextProbeAt = now;
        }
    }

    private void confirmed(boolean answered, long now) {
        if (answered) {
            confirmationsLost = 0;
            if (++confirmations % RAISE_EVERY == 0 && pathMtu < max) {
                beginSearch(pathMtu, now); // RFC 8899 §5.1.1: look for a larger one now and then
            } else {
                nextProbeAt = now + interval();
            }
            return;
        }
        if (++confirmationsLost < BLACK_HOLE_LOSSES) {
            nextProbeAt = now; // once more at once: one loss may be chance
            return;
        }
        blackHole(pathMtu + " byte probes lost " + BLACK_HOLE_LOSSES + " times while their small stand-ins "
                + "arrived", now);
    }

    /**
     * Full-size packets are lost while small ones pass (a failed confirmation, or the ESP path check's full-size
     * probe): fall back to the floor and search again below the lost size.
     */
    void blackHole(String evidence, long now) {
        int was = pathMtu;
        int lostSize = pathMtu > 0 ? pathMtu : max;
        setPathMtu(floor);
        confirmationsLost = 0;
        sa.engine.event(IkeEvent.Kind.PATH_MTU_BLACK_HOLE, sa, "path MTU " + (was > 0 ? was : "?") + " no longer "
                + "gets through (" + evidence + "); using " + floor + " while searching again");
        state = State.SEARCHING;
        acknowledged = floor;
        lost = lostSize;
        nextProbeAt = now;
    }

    private void finishSearch(long now) {
        state = State.CONFIRMED;
        int found = acknowledged;
        nextProbeAt = now + interval();
        if (found != pathMtu) {
            String how = lost == max + 1 ? "the largest probe, " + found + " bytes (the local link's MTU), arrived"
                    : "probes of " + found + " bytes arrived, of " + lost + " did not";
            setPathMtu(found);
            sa.engine.event(IkeEvent.Kind.PATH_MTU_DISCOVERED, sa, "path MTU " + found + " towards " + sa.remote
                    + ": " + how);
        }
    }

    /** The value in use; the first one (confirmed, or the floor after a failed search) ends the search base. */
    private void setPathMtu(int value) {
        boolean first = pathMtu == 0;
        pathMtu = value;
        for (ChildSa c : sa.children) {
            sa.engine.kernel().updatePathMtu(c.reqid, value);
            if (first) {
                sa.engine.kernel().updatePathMtuSearchBase(c.reqid, 0);
            }
        }
    }

    private long interval() {
        return sa.config.path().pmtuProbeInterval().toNanos();
    }

    /** For status: e.g. {@code "1400 (confirmed)"}, {@code "searching 1280..1500"}, {@code "off: ..."}. */
    String describe() {
        return switch (state) {
            case OFF -> off;
            case CONFIRMED -> "confirmed";
            case SEARCHING -> "searching between " + acknowledged + " and " + Math.min(lost, max);
        };
    }
}
