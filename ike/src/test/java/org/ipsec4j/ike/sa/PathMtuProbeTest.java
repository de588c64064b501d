package org.ipsec4j.ike.sa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.ipsec4j.ike.message.ExchangeType;
import org.junit.jupiter.api.Test;

/**
 * Path MTU discovery with IKE probes over a simulated path that drops DF packets above its MTU and sends no
 * ICMP (seed 003, 004): padded INFORMATIONAL requests find the MTU within {@link PathMtuDiscovery#GRANULARITY},
 * a lost probe costs its size and never the IKE SA (its fragmented retransmission is answered), a shrinking path
 * is noticed as a black hole and searched again, and without IKE fragmentation the peer is not probed at all.
 */
class PathMtuProbeTest {

    private static final IkeConnection.PathOptions PROBES = new IkeConnection.PathOptions(true, Duration.ofMinutes(1),
            true);

    /** A path of this MTU: DF packets above it vanish; larger packets without DF are fragmented and arrive. */
    private static SiteToSite overPath(long seed, int[] mtu) {
        SiteToSite t = new SiteToSite(seed).both((c, ch) -> c.path = PROBES).install();
        t.net.drop = d -> d.dontFragment() && d.ipLength() > mtu[0];
        return t;
    }

    private static void assertPathMtu(int expected, SimulatedNetwork.Host h, SiteToSite t) {
        IkeSaStatus sa = h.onlyIkeSa();
        assertTrue(sa.pathMtu() <= expected && sa.pathMtu() > expected - PathMtuDiscovery.GRANULARITY,
                () -> h.name + " found " + sa.pathMtu() + ", the path's is " + expected + "\n" + t.describe());
        assertEquals("confirmed", sa.pathMtuState(), t::describe);
        int reqid = sa.children().getFirst().reqid();
        assertEquals(sa.pathMtu(), h.kernel.pathMtu(reqid), "the data plane hears of it");
    }

    @Test
    void probesFindThePathMtuAndNoticeWhenItShrinks() {
        int[] mtu = {1400};
        SiteToSite t = overPath(81, mtu);
        AtomicInteger probes = new AtomicInteger();
        t.net.tap = d -> {
            if (d.dontFragment() && Messages.isRequest(d, ExchangeType.INFORMATIONAL)) {
                probes.incrementAndGet();
            }
        };
        t.up();
        t.net.run(Duration.ofSeconds(40));
        assertPathMtu(1400, t.left, t);
        assertPathMtu(1400, t.right, t);
        assertTrue(probes.get() <= 2 * 10, "a binary search from 1500: " + probes.get() + " probes on both sides");
        assertEquals(1, t.left.events(IkeEvent.Kind.PATH_MTU_DISCOVERED).size(), t::describe);
        assertEquals(0, t.left.events(IkeEvent.Kind.PEER_DEAD).size(), t::describe);
        t.assertOneTunnel();
        t.assertPingsBothWays();

        // The path shrinks without a word (no ICMP): the next confirmation is lost twice, a new search follows.
        mtu[0] = 1300;
        t.net.run(Duration.ofMinutes(2));
        assertEquals(1, t.left.events(IkeEvent.Kind.PATH_MTU_BLACK_HOLE).size(), t::describe);
        assertPathMtu(1300, t.left, t);
        assertPathMtu(1300, t.right, t);
        t.assertOneTunnel();

        // Every tenth confirmation looks for more: the path grows back, the value follows.
        mtu[0] = 1500;
        t.net.run(Duration.ofMinutes(12));
        assertPathMtu(1500, t.left, t);
        t.assertOneTunnel();
        assertEquals(0, t.left.events(IkeEvent.Kind.PEER_DEAD).size(), t::describe);
    }

    @Test
    void theLocalLinkMtuIsTheUpperEndAndOneProbeSettlesIt() {
        int[] mtu = {9000};
        SiteToSite t = overPath(82, mtu);
        t.left.engine.setLinkMtu(a -> 1500);
        t.right.engine.setLinkMtu(a -> 1500);
        AtomicInteger probes = new AtomicInteger();
        t.net.tap = d -> {
            if (d.dontFragment()) {
                probes.incrementAndGet();
                assertTrue(d.ipLength() <= 1500, "never above the link MTU: " + d);
            }
        };
        t.up();
        t.net.run(Duration.ofSeconds(10));
        assertEquals(1500, t.left.onlyIkeSa().pathMtu(), t::describe);
        assertEquals(2, probes.get(), "one probe each way");
    }

    @Test
    void overIpv6TheFloorIs1280() {
        int[] mtu = {1280};
        SiteToSite t = new SiteToSite(83, "2001:db8::1", "2001:db8::2", IkeSettings.DEFAULT)
                .both((c, ch) -> c.path = PROBES).install();
        t.net.drop = d -> d.dontFragment() && d.ipLength() > mtu[0];
        t.up();
        t.net.run(Duration.ofSeconds(40));
        assertPathMtu(1280, t.left, t);
        t.assertOneTunnel();
    }

    @Test
    void aPeerWithoutIkeFragmentationIsProbedAllTheSame() {
        int[] mtu = {1400};
        SiteToSite t = new SiteToSite(84).both((c, ch) -> c.path = PROBES).right((c, ch) -> c.fragmentation = false)
                .install();
        t.net.drop = d -> d.dontFragment() && d.ipLength() > mtu[0];
        AtomicInteger fragments = new AtomicInteger();
        t.net.tap = d -> {
            if (Messages.isFragment(d)) {
                fragments.incrementAndGet();
            }
        };
        t.up();
        t.net.run(Duration.ofSeconds(40));
        assertPathMtu(1400, t.left, t);
        assertEquals(0, fragments.get(), "lost probes are followed by small stand-ins, not IKE fragments");
        t.assertOneTunnel();
    }

    @Test
    void aProbeWhoseAnswerIsLostIsNotMistakenForAnotherRequest() {
        // The probe arrives, its answer does not: the stand-in that follows is a retransmission to the peer, which
        // answers it with the cached response; nothing is processed twice, the IKE SA lives on.
        int[] mtu = {9000};
        SiteToSite t = overPath(85, mtu);
        boolean[] dropped = {false};
        t.net.drop = d -> {
            if (!dropped[0] && Messages.isResponse(d, ExchangeType.INFORMATIONAL)) {
                dropped[0] = true;
                return true;
            }
            return false;
        };
        t.up();
        t.net.run(Duration.ofSeconds(40));
        assertTrue(dropped[0]);
        t.assertOneTunnel();
        t.assertPingsBothWays();
        assertEquals(0, t.left.events(IkeEvent.Kind.PEER_DEAD).size(), t::describe);
        assertTrue(t.left.onlyIkeSa().pathMtu() > 0, t::describe);
    }

    @Test
    void aLostProbeWaitsForTheRoundTripsItsAnsweredProbesMeasured() {
        // The responder's first requests are probes: the round trip of their answers is all it knows of the path.
        // Once a probe is answered, a lost one is given up after four of those round trips (here under the floor
        // of 0.5 s), not after the 1 s an unknown round trip gets; so its search takes no longer than the
        // initiator's, and a connection opened before it ends stalls no longer than it must.
        int[] mtu = {1400};
        SiteToSite t = overPath(86, mtu);
        Map<SimulatedNetwork.Host, List<long[]>> probes = new HashMap<>();
        t.net.tap = d -> {
            if (d.dontFragment() && Messages.isRequest(d, ExchangeType.INFORMATIONAL)) {
                SimulatedNetwork.Host from = d.local().address().equals(t.left.address) ? t.left : t.right;
                probes.computeIfAbsent(from, h -> new ArrayList<>())
                        .add(new long[] {t.net.now, d.ipLength() > mtu[0] ? 1 : 0});
            }
        };
        t.up();
        t.net.run(Duration.ofSeconds(40));
        assertPathMtu(1400, t.left, t);
        assertPathMtu(1400, t.right, t);
        for (SimulatedNetwork.Host h : List.of(t.left, t.right)) {
            List<long[]> sent = probes.get(h);
            boolean answeredBefore = false;
            int timed = 0;
            for (int i = 0; i + 1 < sent.size(); i++) {
                boolean lost = sent.get(i)[1] == 1;
                if (lost && answeredBefore) {
                    long waited = sent.get(i + 1)[0] - sent.get(i)[0];
                    assertEquals(500 * SimulatedNetwork.MS, waited, h.name + "'s probe " + i + " of " + sent.size());
                    timed++;
                }
                answeredBefore |= !lost;
            }
            assertTrue(timed >= 2, h.name + ": " + timed + " lost probes after an answered one");
        }
    }
}
