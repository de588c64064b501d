package org.ipsec4j.ike.sa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/**
 * ESP blocked while IKE passes (seed 004): a Child SA that sends and receives nothing while IKE is answered is an
 * ESP path failure, reported with its likely cause; on raw ESP the tunnel moves to ESP in UDP under a new IKE SA
 * (faked NAT detection) and carries traffic again, without going down; on ESP in UDP it is reported, and clears
 * when ESP arrives again.
 */
class EspPathTest {

    /** IP protocol 50 on the simulated link (the outer packet as the sender's data plane built it). */
    private static boolean rawEsp(byte[] packet) {
        int version = (packet[0] & 0xF0) >>> 4;
        return (version == 4 ? packet[9] : packet[6]) == 50;
    }

    @Test
    void rawEspBlockedMovesTheTunnelToUdpEncapsulation() {
        SiteToSite t = new SiteToSite(91).install().up();
        t.assertPingsBothWays();
        assertFalse(t.net.lastPingEncapsulated, "raw ESP to begin with");
        long before = t.net.now;
        IkeSaStatus first = t.left.onlyIkeSa();

        t.net.dropEsp = EspPathTest::rawEsp; // a firewall that opened UDP 500 and 4500, not protocol 50
        long[] reportedAt = {0};
        t.net.run(Duration.ofSeconds(90), Duration.ofSeconds(1), () -> {
            t.pingLeftToRight();
            if (reportedAt[0] == 0 && !t.left.events(IkeEvent.Kind.ESP_PATH_FAILED).isEmpty()) {
                reportedAt[0] = t.net.now;
            }
        });
        assertTrue(reportedAt[0] > 0, t::describe);
        assertTrue(reportedAt[0] - before <= 40 * SimulatedNetwork.SECOND, "reported after "
                + (reportedAt[0] - before) / 1e9 + " s");
        String detail = t.left.events(IkeEvent.Kind.ESP_PATH_FAILED).getFirst().detail();
        assertTrue(detail.contains("IP protocol 50") && detail.contains("UDP encapsulation") || detail.contains(
                "ESP in UDP (port 4500)"), detail);
        assertEquals(1, t.left.events(IkeEvent.Kind.ESP_PATH_REPAIR).size(), t::describe);

        // One tunnel again, in UDP, under a new IKE SA; the old one was deleted, never declared dead.
        t.assertOneTunnel();
        IkeSaStatus now = t.left.onlyIkeSa();
        assertNotEquals(first.initiatorSpi(), now.initiatorSpi());
        assertTrue(now.udpEncapsulation() && now.children().getFirst().udpEncapsulation(), t::describe);
        assertTrue(t.right.onlyIkeSa().udpEncapsulation(), t::describe);
        assertEquals(first.children().getFirst().reqid(), now.children().getFirst().reqid(), "the same policies");
        t.assertPingsBothWays();
        assertTrue(t.net.lastPingEncapsulated);
        assertEquals(0, t.left.events(IkeEvent.Kind.PEER_DEAD).size(), t::describe);
        assertEquals(0, t.right.events(IkeEvent.Kind.PEER_DEAD).size(), t::describe);
        assertTrue(t.left.engine.encapsulationLearned("net"), "later IKE SAs of the connection encapsulate too");

        // And it stays that way: no more failures, no more repairs.
        t.net.run(Duration.ofMinutes(2), Duration.ofSeconds(1), t::assertPingsBothWays);
        assertEquals(1, t.left.events(IkeEvent.Kind.ESP_PATH_REPAIR).size(), t::describe);
        assertEquals(0, t.right.events(IkeEvent.Kind.ESP_PATH_REPAIR).size(), t::describe);
    }

    @Test
    void espInUdpBlockedIsReportedAndClearsWhenEspComesBack() {
        SiteToSite t = new SiteToSite(92).both((c, ch) -> c.encap = true).install().up();
        t.assertPingsBothWays();
        assertTrue(t.net.lastPingEncapsulated);
        t.net.dropEsp = p -> true; // UDP 4500 filtered by content: IKE (non-ESP marker) passes, ESP does not
        t.net.run(Duration.ofSeconds(60), Duration.ofSeconds(1), t::pingLeftToRight);
        assertEquals(1, t.left.events(IkeEvent.Kind.ESP_PATH_FAILED).size(), t::describe);
        String failure = t.left.onlyIkeSa().children().getFirst().espPathFailure();
        assertTrue(failure != null && failure.startsWith("ESP in UDP (port 4500)") && failure.contains("open ESP in "
                + "UDP"), failure);
        assertEquals(0, t.left.events(IkeEvent.Kind.ESP_PATH_REPAIR).size(), "nothing to move to");
        t.assertOneTunnel();

        t.net.dropEsp = p -> false;
        t.net.run(Duration.ofSeconds(20), Duration.ofSeconds(1), t::assertPingsBothWays);
        assertEquals(1, t.left.events(IkeEvent.Kind.ESP_PATH_RESTORED).size(), t::describe);
        assertNull(t.left.onlyIkeSa().children().getFirst().espPathFailure());
    }

    @Test
    void trafficBothWaysIsNeverSuspected() {
        SiteToSite t = new SiteToSite(93).install().up();
        t.net.run(Duration.ofMinutes(3), Duration.ofSeconds(1), t::assertPingsBothWays);
        assertEquals(0, t.left.events(IkeEvent.Kind.ESP_PATH_FAILED).size());
        assertEquals(0, t.right.events(IkeEvent.Kind.ESP_PATH_FAILED).size());
    }

    @Test
    void withoutEncapFallbackItIsOnlyReported() {
        SiteToSite t = new SiteToSite(94).both((c, ch) -> c.path = new IkeConnection.PathOptions(false,
                Duration.ofMinutes(1), false)).install().up();
        t.net.dropEsp = EspPathTest::rawEsp;
        t.net.run(Duration.ofSeconds(60), Duration.ofSeconds(1), t::pingLeftToRight);
        assertEquals(1, t.left.events(IkeEvent.Kind.ESP_PATH_FAILED).size(), t::describe);
        assertTrue(t.left.events(IkeEvent.Kind.ESP_PATH_FAILED).getFirst().detail().contains("encap_fallback = no"));
        assertEquals(0, t.left.events(IkeEvent.Kind.ESP_PATH_REPAIR).size());
        t.assertOneTunnel();
        assertFalse(t.left.onlyIkeSa().udpEncapsulation());
    }

    @Test
    void aResponderThatNoticesFirstRepairsAfterItsDelay() {
        SiteToSite t = new SiteToSite(95).install().up();
        t.net.dropEsp = EspPathTest::rawEsp;
        // Only the responder sends: only it notices. Once repaired, traffic flows both ways.
        t.net.run(Duration.ofSeconds(120), Duration.ofSeconds(1), () -> {
            if (t.right.events(IkeEvent.Kind.ESP_PATH_REPAIR).isEmpty()) {
                t.pingRightToLeft();
            } else if (t.right.onlyIkeSa().udpEncapsulation()) {
                t.assertPingsBothWays();
            }
        });
        assertEquals(1, t.right.events(IkeEvent.Kind.ESP_PATH_FAILED).size(), t::describe);
        assertEquals(1, t.right.events(IkeEvent.Kind.ESP_PATH_REPAIR).size(), t::describe);
        t.assertOneTunnel();
        assertTrue(t.right.onlyIkeSa().initiator(), "the responder built the new IKE SA");
        t.assertPingsBothWays();
        assertTrue(t.net.lastPingEncapsulated);
    }
}
