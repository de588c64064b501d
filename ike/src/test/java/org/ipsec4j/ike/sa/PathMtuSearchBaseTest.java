package org.ipsec4j.ike.sa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

import org.ipsec4j.esp.sad.PathMtu;
import org.ipsec4j.esp.sad.SecurityAssociation;
import org.junit.jupiter.api.Test;

/**
 * Until the first search of an IKE SA's path confirms a value, its Child SAs clamp TCP SYNs as if the path MTU
 * were {@link PathMtuDiscovery#SEARCH_BASE}, while their packets keep the link's limit; the confirmed value ends
 * that. Child SAs installed or rekeyed during the search, and a rekeyed IKE SA that carries the search on, keep
 * the base until it ends; without probes there is none. Over a 1300-byte path that drops larger DF packets and
 * sends no ICMP (seed 003).
 */
class PathMtuSearchBaseTest {

    private static final IkeConnection.PathOptions PROBES = new IkeConnection.PathOptions(true, Duration.ofMinutes(1),
            true);
    private static final int MTU = 1300;

    private static SiteToSite overNarrowPath(long seed, IkeConnection.PathOptions left,
            IkeConnection.PathOptions right) {
        SiteToSite t = new SiteToSite(seed).left((c, ch) -> c.path = left).right((c, ch) -> c.path = right).install();
        t.net.drop = d -> d.dontFragment() && d.ipLength() > MTU;
        return t;
    }

    /** Left initiates; the network delivers without delay, so the ends are up and their first probes lost. */
    private static SiteToSite up(SiteToSite t) {
        t.left.engine.initiate("net", null, t.net.now);
        t.net.settle();
        return t;
    }

    private static int reqid(SimulatedNetwork.Host h) {
        return h.onlyIkeSa().children().getFirst().reqid();
    }

    /** The path MTU of every outbound SA the host's data plane has (each shared with its pair's inbound SA). */
    private static List<PathMtu> paths(SimulatedNetwork.Host h) {
        return h.dataPlane.sad().list().stream().filter(s -> s.flow() == SecurityAssociation.Flow.OUTBOUND)
                .map(SecurityAssociation::pathMtu).toList();
    }

    private static void assertSearching(SimulatedNetwork.Host h, SiteToSite t) {
        IkeSaStatus sa = h.onlyIkeSa();
        assertTrue(sa.pathMtuState().startsWith("searching"), () -> h.name + ": " + sa.pathMtuState() + "\n"
                + t.describe());
        assertEquals(0, sa.pathMtu(), t::describe);
        assertEquals(PathMtuDiscovery.SEARCH_BASE, h.kernel.pathMtuSearchBase(reqid(h)), t::describe);
        for (PathMtu p : paths(h)) {
            assertEquals(PathMtuDiscovery.SEARCH_BASE, p.searchBase(), () -> h.name + ": " + p);
            assertEquals(PathMtuDiscovery.SEARCH_BASE, p.currentForSyn(), () -> h.name + ": " + p);
            assertEquals(PathMtu.UNKNOWN, p.current(), () -> h.name + ": packets keep the link's limit: " + p);
        }
    }

    private static void assertConfirmedWithoutBase(SimulatedNetwork.Host h, SiteToSite t) {
        IkeSaStatus sa = h.onlyIkeSa();
        assertEquals("confirmed", sa.pathMtuState(), t::describe);
        assertTrue(sa.pathMtu() <= MTU && sa.pathMtu() > MTU - PathMtuDiscovery.GRANULARITY, t::describe);
        assertEquals(0, h.kernel.pathMtuSearchBase(reqid(h)), t::describe);
        for (PathMtu p : paths(h)) {
            assertEquals(0, p.searchBase(), () -> h.name + ": " + p);
            assertEquals(sa.pathMtu(), p.current(), () -> h.name + ": " + p);
            assertEquals(sa.pathMtu(), p.currentForSyn(), () -> h.name + ": SYNs follow the path again: " + p);
        }
    }

    private static void assertWithoutBase(SimulatedNetwork.Host h, SiteToSite t) {
        assertEquals(0, h.kernel.pathMtuSearchBase(reqid(h)), t::describe);
        for (PathMtu p : paths(h)) {
            assertEquals(0, p.searchBase(), () -> h.name + ": " + p);
            assertEquals(p.current(), p.currentForSyn(), () -> h.name + ": " + p);
        }
    }

    /** Runs the network in 10 ms steps until {@code condition} holds (within a simulated minute). */
    private static void runUntil(SiteToSite t, BooleanSupplier condition, String what) {
        for (int i = 0; i < 6000 && !condition.getAsBoolean(); i++) {
            t.net.run(Duration.ofMillis(10));
        }
        assertTrue(condition.getAsBoolean(), () -> what + "\n" + t.describe());
    }

    @Test
    void synsGetTheSearchBaseUntilTheFirstSearchConfirmsAValue() {
        SiteToSite t = up(overNarrowPath(91, PROBES, PROBES));
        assertSearching(t.left, t);
        assertSearching(t.right, t);

        // A Child SA rekeyed during the search: the new pair gets the base from its first packet.
        int[] oldSpis = {t.left.onlyIkeSa().children().getFirst().inboundSpi()};
        t.left.engine.rekeyChild("net", "net", t.net.now);
        runUntil(t, () -> t.left.onlyIkeSa().children().getFirst().inboundSpi() != oldSpis[0]
                && t.left.kernel.pairs() == 1, "the Child SA is rekeyed");
        assertEquals(1, t.left.events(IkeEvent.Kind.CHILD_SA_REKEYED).size(), t::describe);
        assertSearching(t.left, t);
        assertSearching(t.right, t);

        t.net.run(Duration.ofSeconds(40));
        assertConfirmedWithoutBase(t.left, t);
        assertConfirmedWithoutBase(t.right, t);
        t.assertOneTunnel();
        t.assertPingsBothWays();
    }

    /**
     * A black hole noticed during the first search (the ESP path check's full-size probe lost, as {@link
     * EspPathMonitor} reports it) makes the floor the value in use: SYNs follow it, not the base, and the base does
     * not come back whatever the search then confirms.
     */
    @Test
    void aBlackHoleDuringTheFirstSearchEndsTheBaseWithTheFloor() {
        SiteToSite t = up(overNarrowPath(94, PROBES, IkeConnection.PathOptions.NO_PROBES));
        assertSearching(t.left, t);
        t.left.engine.established("net").pathMtu.blackHole("a full-size ESP path check was lost", t.net.now);
        IkeSaStatus sa = t.left.onlyIkeSa();
        assertTrue(sa.pathMtuState().startsWith("searching"), t::describe);
        assertEquals(576, sa.pathMtu(), t::describe);
        assertWithoutBase(t.left, t);
        for (PathMtu p : paths(t.left)) {
            assertEquals(576, p.currentForSyn(), p::toString);
        }

        t.net.run(Duration.ofSeconds(40), Duration.ofMillis(500), () -> assertWithoutBase(t.left, t));
        assertEquals("confirmed", t.left.onlyIkeSa().pathMtuState(), t::describe);
    }

    /**
     * Both ends probe, and each has a probe under way when left rekeys the IKE SA: a probe is an empty
     * INFORMATIONAL, which RFC 7296 §2.25 does not count as an exchange that holds a rekey up, so right takes the
     * rekey at once (no TEMPORARY_FAILURE and retry) and both successors carry their searches on.
     */
    @Test
    void aRekeyedIkeSaKeepsTheBaseUntilItsSearchEnds() {
        SiteToSite t = up(overNarrowPath(92, PROBES, PROBES));
        assertSearching(t.left, t);
        assertSearching(t.right, t);
        long firstSpi = t.left.onlyIkeSa().initiatorSpi();
        long asked = t.net.now;
        t.left.engine.rekeyIke("net", t.net.now);
        runUntil(t, () -> !t.left.events(IkeEvent.Kind.IKE_SA_REKEYED).isEmpty() && t.left.ikeSas().size() == 1
                && t.right.ikeSas().size() == 1, "the IKE SA is rekeyed");
        assertTrue(t.net.now - asked < 1_000_000_000L, () -> "the rekey was put off: " + t.describe());
        assertNotEquals(firstSpi, t.left.onlyIkeSa().initiatorSpi(), t::describe);
        assertSearching(t.left, t); // the successors carry the searches on, and the base with them
        assertSearching(t.right, t);

        t.net.run(Duration.ofSeconds(40));
        assertConfirmedWithoutBase(t.left, t);
        assertConfirmedWithoutBase(t.right, t);

        // A rekey after the search takes the confirmed value over: no base comes back.
        t.left.engine.rekeyIke("net", t.net.now);
        t.net.run(Duration.ofSeconds(5));
        assertEquals(2, t.left.events(IkeEvent.Kind.IKE_SA_REKEYED).size(), t::describe);
        assertConfirmedWithoutBase(t.left, t);
        assertConfirmedWithoutBase(t.right, t);
        t.assertOneTunnel();
    }

    @Test
    void withoutProbesThereIsNoBase() {
        SiteToSite t = up(overNarrowPath(93, IkeConnection.PathOptions.NO_PROBES,
                IkeConnection.PathOptions.NO_PROBES));
        Runnable noBase = () -> {
            assertWithoutBase(t.left, t);
            assertWithoutBase(t.right, t);
        };
        noBase.run();
        t.net.run(Duration.ofSeconds(40), Duration.ofMillis(500), noBase);
        assertEquals("off (pmtu_discovery = no)", t.left.onlyIkeSa().pathMtuState());
        t.assertOneTunnel();
    }
}
