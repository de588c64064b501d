package org.ipsec4j.ike.sa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.ipsec4j.ike.message.NotifyPayload;
import org.ipsec4j.ike.message.NotifyType;
import org.ipsec4j.ike.message.UnknownPayload;
import org.junit.jupiter.api.Test;

/**
 * Ending things (RFC 7296 §1.4): deleting the IKE SA from either side takes the Child SAs along on both; a
 * Child SA deleted from either side (or both at once) goes on both while the IKE SA stays and can carry a new
 * one; an INFORMATIONAL with a notify nobody knows gets an empty answer.
 */
class TerminationTest {

    private static SiteToSite tunnel(long seed) {
        SiteToSite t = new SiteToSite(seed).install().up();
        t.assertOneTunnel();
        return t;
    }

    @Test
    void theInitiatorTerminates() {
        SiteToSite t = tunnel(131);
        t.left.engine.terminate("net", t.net.now);
        t.net.run(Duration.ofSeconds(5));
        t.assertNothingLeft();
        assertEquals(1, t.right.events(IkeEvent.Kind.IKE_SA_DELETED).size(), t::describe);
        assertEquals(1, t.right.events(IkeEvent.Kind.CHILD_SA_DELETED).size(), t::describe);
        assertEquals(1, t.left.events(IkeEvent.Kind.IKE_SA_DELETED).size(), t::describe);
        assertEquals(1, t.left.events(IkeEvent.Kind.CHILD_SA_DELETED).size(), t::describe);
        assertEquals(0, t.left.dataPlane.sad().list().size() + t.right.dataPlane.sad().list().size(),
                "no SA left in the data planes");
        assertFalse(t.pingLeftToRight());
    }

    @Test
    void theResponderTerminates() {
        SiteToSite t = tunnel(132);
        t.right.engine.terminate("net", t.net.now);
        t.net.run(Duration.ofSeconds(5));
        t.assertNothingLeft();
        assertEquals(1, t.left.events(IkeEvent.Kind.IKE_SA_DELETED).size(), t::describe);
        // And the initiator can bring it up again.
        t.up();
        t.assertOneTunnel();
        t.assertPingsBothWays();
    }

    @Test
    void terminateWhileTheDeleteIsLostStillCleansUpTheTerminatingSide() {
        SiteToSite t = tunnel(133);
        t.net.drop = d -> true;
        t.left.engine.terminate("net", t.net.now);
        t.net.run(Duration.ofMinutes(2));
        assertEquals(List.of(), t.left.ikeSas(), t::describe);
        assertEquals(0, t.left.kernel.pairs());
    }

    @Test
    void childDeletedByEitherSide() {
        for (boolean leftDeletes : new boolean[] {true, false}) {
            SiteToSite t = tunnel(leftDeletes ? 134 : 135);
            (leftDeletes ? t.left : t.right).engine.terminateChild("net", "net", t.net.now);
            t.net.run(Duration.ofSeconds(5));
            IkeSaStatus l = t.left.onlyIkeSa();
            IkeSaStatus r = t.right.onlyIkeSa();
            assertEquals(List.of(), l.children(), t::describe);
            assertEquals(List.of(), r.children(), t::describe);
            assertEquals(0, t.left.kernel.pairs() + t.right.kernel.pairs(), t::describe);
            assertEquals(1, t.left.events(IkeEvent.Kind.CHILD_SA_DELETED).size(), t::describe);
            assertEquals(1, t.right.events(IkeEvent.Kind.CHILD_SA_DELETED).size(), t::describe);
            assertTrue(t.left.events(IkeEvent.Kind.IKE_SA_DELETED).isEmpty());
            assertFalse(t.pingLeftToRight());

            // A new Child SA over the same IKE SA.
            t.left.engine.initiate("net", "net", t.net.now);
            t.net.run(Duration.ofSeconds(5));
            t.assertOneTunnel();
            assertEquals(l.initiatorSpi(), t.left.onlyIkeSa().initiatorSpi());
            t.assertPingsBothWays();
        }
    }

    @Test
    void childDeletedByBothSidesAtOnce() {
        SiteToSite t = tunnel(136);
        t.left.engine.terminateChild("net", "net", t.net.now);
        t.right.engine.terminateChild("net", "net", t.net.now);
        t.net.run(Duration.ofSeconds(5));
        assertEquals(List.of(), t.left.onlyIkeSa().children(), t::describe);
        assertEquals(List.of(), t.right.onlyIkeSa().children(), t::describe);
        assertEquals(0, t.left.kernel.pairs() + t.right.kernel.pairs(), t::describe);
        assertEquals(1, t.left.events(IkeEvent.Kind.CHILD_SA_DELETED).size(), t::describe);
        assertEquals(1, t.right.events(IkeEvent.Kind.CHILD_SA_DELETED).size(), t::describe);
    }

    @Test
    void anUnknownNotifyGetsAnEmptyAnswer() {
        SiteToSite t = tunnel(137);
        InformationalProbe probe = new InformationalProbe(List.of(new NotifyPayload(0, new byte[0], 40_000,
                new byte[] {1, 2, 3})));
        t.left.engine.established("net").queue(probe, t.net.now);
        t.net.run(Duration.ofSeconds(5));
        assertNotNull(probe.response, "answered");
        assertEquals(List.of(), probe.response);
        t.assertOneTunnel();
        t.assertPingsBothWays();
    }

    @Test
    void anUnsupportedCriticalPayloadIsRefused() {
        SiteToSite t = tunnel(138);
        InformationalProbe probe = new InformationalProbe(List.of(new UnknownPayload(200, true, new byte[] {9})));
        t.right.engine.established("net").queue(probe, t.net.now);
        t.net.run(Duration.ofSeconds(5));
        assertNotNull(probe.response);
        assertEquals(1, probe.response.size(), probe.response::toString);
        NotifyPayload n = (NotifyPayload) probe.response.get(0);
        assertEquals(NotifyType.UNSUPPORTED_CRITICAL_PAYLOAD, n.notifyType());
        assertEquals(200, n.data()[0] & 0xFF);
        t.assertOneTunnel();
    }

    @Test
    void aChildSaAtItsHardLifetimeIsDeletedOnBothSides() {
        // Left's child has a hard lifetime and no rekeying; right's has neither. §1.4.1: an SA that ends is
        // deleted with an INFORMATIONAL, or the peer keeps sending into a black hole.
        SiteToSite t = new SiteToSite(139).left((c, ch) -> ch.life = Duration.ofMinutes(10)).install().up();
        t.assertOneTunnel();
        t.net.run(Duration.ofMinutes(9));
        t.assertPingsBothWays();
        t.net.run(Duration.ofMinutes(2));
        assertEquals(List.of(), t.left.onlyIkeSa().children(), t::describe);
        assertEquals(List.of(), t.right.onlyIkeSa().children(), t::describe);
        assertEquals(0, t.left.kernel.pairs() + t.right.kernel.pairs(), t::describe);
        assertEquals(1, t.right.events(IkeEvent.Kind.CHILD_SA_DELETED).size(), t::describe);
    }
}
