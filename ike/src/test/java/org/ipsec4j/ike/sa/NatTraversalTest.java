package org.ipsec4j.ike.sa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/**
 * NAT traversal (RFC 7296 §2.23, RFC 3948): NAT detection, the float to port 4500, ESP in UDP, keepalives from
 * the NATed side, following a NAT's new mapping after the next authenticated message, and forced
 * encapsulation without a NAT.
 */
class NatTraversalTest {

    private static final String NAT_OUTSIDE = "198.51.100.1";

    private static SiteToSite behindNat(long seed, Duration leftDpd) {
        SiteToSite t = new SiteToSite(seed);
        t.net.natInFrontOf(t.left, NAT_OUTSIDE, 40000);
        t.left((c, ch) -> c.dpd = leftDpd);
        return t.install().up();
    }

    @Test
    void bothDetectTheNatFloatTo4500AndCarryEspInUdp() {
        SiteToSite t = behindNat(61, Duration.ZERO);
        t.assertOneTunnel();
        IkeSaStatus l = t.left.onlyIkeSa();
        IkeSaStatus r = t.right.onlyIkeSa();
        assertTrue(l.natLocal() && !l.natRemote(), "left knows it is behind a NAT");
        assertTrue(r.natRemote() && !r.natLocal(), "right knows its peer is behind a NAT");
        assertEquals(4500, l.local().port());
        assertEquals(4500, l.remote().port());
        assertEquals(4500, r.local().port());
        assertEquals(NAT_OUTSIDE, r.remote().address().toString());
        assertTrue(r.remote().port() >= 40000, "right talks to the NAT's mapping: " + r.remote());
        assertTrue(l.udpEncapsulation() && r.udpEncapsulation());
        assertTrue(l.children().get(0).udpEncapsulation() && r.children().get(0).udpEncapsulation());

        assertTrue(t.pingLeftToRight(), t.net.lastPing);
        assertTrue(t.net.lastPingEncapsulated);
        assertTrue(t.pingRightToLeft(), t.net.lastPing);
        assertTrue(t.net.lastPingEncapsulated);
    }

    @Test
    void theNatedSideSendsKeepalives() {
        SiteToSite t = behindNat(62, Duration.ZERO);
        assertTrue(t.left.dataPlane.nextKeepaliveNanos() < Long.MAX_VALUE, "left schedules keepalives");
        assertEquals(Long.MAX_VALUE, t.right.dataPlane.nextKeepaliveNanos(), "right is not behind a NAT");
        t.net.keepalives = true;
        t.net.run(Duration.ofMinutes(2));
        // RFC 3948 §4: one every 20 s of silence.
        assertTrue(t.left.keepalivesSent >= 5 && t.left.keepalivesSent <= 7, "keepalives: " + t.left.keepalivesSent);
        assertEquals(0, t.right.keepalivesSent);
        assertArrayEquals(new int[] {4500, 4500}, t.left.lastKeepalivePorts);

        // Traffic resets the keepalive interval: pinging every 10 s leaves nothing to keep alive.
        int before = t.left.keepalivesSent;
        t.net.run(Duration.ofMinutes(2), Duration.ofSeconds(10), t::assertPingsBothWays);
        assertEquals(before, t.left.keepalivesSent);
    }

    @Test
    void aNewNatMappingIsFollowedAfterTheNextLivenessCheck() {
        SiteToSite t = behindNat(63, Duration.ofSeconds(30));
        t.assertPingsBothWays();
        int oldPort = t.right.onlyIkeSa().remote().port();

        t.net.natRebinds(t.left);
        assertFalse(t.pingRightToLeft(), "the old mapping is gone");
        assertTrue(t.right.events(IkeEvent.Kind.PEER_ADDRESS_CHANGED).isEmpty());

        // Left's DPD request leaves through the new mapping; right follows it.
        t.net.run(Duration.ofMinutes(1));
        assertEquals(1, t.right.events(IkeEvent.Kind.PEER_ADDRESS_CHANGED).size(), t::describe);
        int newPort = t.right.onlyIkeSa().remote().port();
        assertTrue(newPort != oldPort, oldPort + " -> " + newPort);
        assertTrue(t.left.events(IkeEvent.Kind.PEER_ADDRESS_CHANGED).isEmpty(), "the NATed side never follows");
        t.assertPingsBothWays();
        t.assertOneTunnel();
    }

    @Test
    void aNewNatMappingIsFollowedAfterARekey() {
        SiteToSite t = behindNat(64, Duration.ZERO);
        t.net.natRebinds(t.left);
        assertFalse(t.pingRightToLeft());
        t.left.engine.rekeyChild("net", "net", t.net.now);
        t.net.run(Duration.ofSeconds(5));
        assertEquals(1, t.right.events(IkeEvent.Kind.PEER_ADDRESS_CHANGED).size(), t::describe);
        t.assertOneTunnel();
        t.assertPingsBothWays();
        // An IKE rekey after the move keeps the new mapping.
        assertOneTunnelCarryingPingsAfter(t, () -> t.right.engine.rekeyIke("net", t.net.now));
    }

    @Test
    void aNewNatMappingIsFollowedOnTheFirstVerifiedEspPacket() {
        SiteToSite t = behindNat(67, Duration.ZERO);
        t.assertPingsBothWays();
        IkeSaStatus before = t.right.onlyIkeSa();

        t.net.natRebinds(t.left);
        assertFalse(t.pingRightToLeft(), "the old mapping is gone");
        assertTrue(t.right.events(IkeEvent.Kind.PEER_ADDRESS_CHANGED).isEmpty());
        // Left's next ESP leaves through a new mapping; right follows it at once, no IKE message needed.
        assertTrue(t.pingLeftToRight(), t.net.lastPing);
        assertEquals(1, t.right.events(IkeEvent.Kind.PEER_ADDRESS_CHANGED).size(), t::describe);
        assertTrue(t.right.events(IkeEvent.Kind.PEER_ADDRESS_CHANGED).getFirst().detail().endsWith("(ESP)"),
                t::describe);
        assertTrue(t.pingRightToLeft(), t.net.lastPing);

        IkeSaStatus after = t.right.onlyIkeSa();
        assertEquals(before.initiatorSpi(), after.initiatorSpi(), "the same IKE SA");
        assertEquals(before.responderSpi(), after.responderSpi());
        assertEquals(before.children().getFirst().inboundSpi(), after.children().getFirst().inboundSpi(),
                "the same Child SA");
        assertTrue(after.remote().port() != before.remote().port(), before.remote() + " -> " + after.remote());
        assertTrue(t.left.events(IkeEvent.Kind.PEER_ADDRESS_CHANGED).isEmpty(), "the NATed side never follows");
        // Right's own IKE requests go to the new mapping too: it can rekey.
        assertOneTunnelCarryingPingsAfter(t, () -> t.right.engine.rekeyChild("net", "net", t.net.now));
    }

    @Test
    void aPeerThatFollowsOnlyIkeIsReachedByTheEspPathCheckOfTheSideBehindTheNat() {
        SiteToSite t = behindNat(69, Duration.ZERO);
        t.right.dataPlane.setPeerMoveListener(null); // like charon on kernel-libipsec: no ESP mapping reports
        t.net.natRebinds(t.left);
        // Left's ESP arrives through the new mapping, right's answers go to the old one: after 20 s without ESP
        // back, left's ESP path check (IKE) crosses the new mapping, and right follows that.
        t.net.run(Duration.ofSeconds(40), Duration.ofSeconds(1), t::pingLeftToRight);
        assertEquals(1, t.right.events(IkeEvent.Kind.PEER_ADDRESS_CHANGED).size(), t::describe);
        assertTrue(t.right.events(IkeEvent.Kind.PEER_ADDRESS_CHANGED).getFirst().detail().endsWith("(IKE)"));
        assertTrue(t.pingRightToLeft(), t.net.lastPing);
        // The check found no ESP back yet; what it says names the NAT's new mapping beside the firewall.
        assertEquals(1, t.left.events(IkeEvent.Kind.ESP_PATH_FAILED).size(), t::describe);
        assertTrue(t.left.events(IkeEvent.Kind.ESP_PATH_FAILED).getFirst().detail().contains(
                "the NAT in front of us mapped us anew"), t::describe);
        t.net.run(Duration.ofSeconds(10), Duration.ofSeconds(1), t::assertPingsBothWays);
        assertEquals(1, t.left.events(IkeEvent.Kind.ESP_PATH_RESTORED).size(), t::describe);
        t.assertOneTunnel();
    }

    @Test
    void theInitiatorBehindTheNatDoesNotFollowEspFromElsewhere() {
        SiteToSite t = behindNat(68, Duration.ZERO);
        IkeSaStatus l = t.left.onlyIkeSa();
        // As if verified ESP of right's had come from another address (say, a packet raced there by someone on
        // the path): §2.23, a host behind a NAT does not move on it.
        t.left.engine.espPeerMoved(l.children().getFirst().inboundSpi(),
                new Endpoint(org.ipsec4j.esp.selector.IpAddress.parse("203.0.113.66"), 4500), t.net.now);
        assertTrue(t.left.events(IkeEvent.Kind.PEER_ADDRESS_CHANGED).isEmpty());
        assertEquals(l.remote(), t.left.onlyIkeSa().remote());
        // An SPI that is nobody's moves nothing either.
        t.right.engine.espPeerMoved(0x7fff_0001, new Endpoint(
                org.ipsec4j.esp.selector.IpAddress.parse("203.0.113.66"), 4500), t.net.now);
        assertTrue(t.right.events(IkeEvent.Kind.PEER_ADDRESS_CHANGED).isEmpty());
        t.assertPingsBothWays();
    }

    /** {@code action}, five seconds, and then one tunnel that carries pings both ways. */
    private static void assertOneTunnelCarryingPingsAfter(SiteToSite t, Runnable action) {
        action.run();
        t.net.run(Duration.ofSeconds(5));
        t.assertOneTunnel();
        t.assertPingsBothWays();
    }

    @Test
    void forcedEncapsulationWithoutNat() {
        SiteToSite t = new SiteToSite(65).left((c, ch) -> c.encap = true).install().up();
        t.assertOneTunnel();
        IkeSaStatus l = t.left.onlyIkeSa();
        IkeSaStatus r = t.right.onlyIkeSa();
        assertTrue(l.udpEncapsulation() && r.udpEncapsulation(), t.describe());
        assertTrue(l.children().get(0).udpEncapsulation() && r.children().get(0).udpEncapsulation());
        assertEquals(4500, l.local().port());
        assertEquals(4500, r.local().port());
        assertTrue(t.pingLeftToRight(), t.net.lastPing);
        assertTrue(t.net.lastPingEncapsulated, "left encapsulates");
        assertTrue(t.pingRightToLeft(), t.net.lastPing);
        assertTrue(t.net.lastPingEncapsulated, "right encapsulates too");
    }

    @Test
    void plainEspWithoutNat() {
        SiteToSite t = new SiteToSite(66).install().up();
        assertTrue(t.pingLeftToRight());
        assertFalse(t.net.lastPingEncapsulated);
        assertEquals(500, t.left.onlyIkeSa().local().port());
    }
}
