package org.ipsec4j.ike.sa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.ipsec4j.ike.message.ExchangeType;
import org.junit.jupiter.api.Test;

/**
 * Dead peer detection (RFC 7296 §2.4): after dpd_delay of silence an empty INFORMATIONAL asks; when its
 * retransmissions give up the IKE SA and its children go (PEER_DEAD), and dpd_action = restart brings the
 * connection up again. Traffic through the Child SA makes the question unnecessary.
 */
class DeadPeerDetectionTest {

    private static final Duration DPD = Duration.ofSeconds(30);

    private static SiteToSite tunnel(long seed, ChildConnection.DpdAction leftAction) {
        return new SiteToSite(seed).both((c, ch) -> c.dpd = DPD).left((c, ch) -> ch.dpdAction = leftAction)
                .install().up();
    }

    @Test
    void aVanishedPeerIsDeclaredDeadAfterTheRetransmissionsGiveUp() {
        SiteToSite t = tunnel(41, ChildConnection.DpdAction.CLEAR);
        t.assertOneTunnel();
        t.net.drop = d -> true;
        // The last message the peers exchanged was the handshake, 5 s ago (SiteToSite.up runs 5 s).
        long vanished = t.net.now - 5 * SimulatedNetwork.SECOND;
        AtomicLong leftGoneAt = new AtomicLong();
        AtomicLong rightGoneAt = new AtomicLong();
        t.net.run(Duration.ofMinutes(3), Duration.ofSeconds(1), () -> {
            if (leftGoneAt.get() == 0 && t.left.ikeSas().isEmpty()) {
                leftGoneAt.set(t.net.now - vanished);
            }
            if (rightGoneAt.get() == 0 && t.right.ikeSas().isEmpty()) {
                rightGoneAt.set(t.net.now - vanished);
            }
        });

        t.assertNothingLeft();
        long giveUp = IkeSettings.DEFAULT.retransmitGiveUpNanos();
        for (long gone : new long[] {leftGoneAt.get(), rightGoneAt.get()}) {
            // The liveness check starts after dpd_delay of silence, then the retransmissions run their course.
            assertTrue(gone >= DPD.toNanos() + giveUp - SimulatedNetwork.SECOND
                    && gone <= DPD.toNanos() + giveUp + 2 * SimulatedNetwork.SECOND, "gone after " + gone / 1e9 + " s");
        }
        for (SimulatedNetwork.Host h : new SimulatedNetwork.Host[] {t.left, t.right}) {
            assertEquals(1, h.events(IkeEvent.Kind.PEER_DEAD).size(), t::describe);
            assertEquals(1, h.events(IkeEvent.Kind.CHILD_SA_DELETED).size(), t::describe);
            assertEquals(1, h.events(IkeEvent.Kind.IKE_SA_DELETED).size(), t::describe);
        }
        // With dpd_action = clear nobody tries again.
        assertEquals(1, t.left.events(IkeEvent.Kind.IKE_SA_ESTABLISHED).size());
        assertFalse(t.pingLeftToRight());
    }

    @Test
    void dpdActionRestartBringsTheTunnelBackWhenThePeerReturns() {
        SiteToSite t = tunnel(42, ChildConnection.DpdAction.RESTART);
        AtomicInteger initRequests = new AtomicInteger();
        t.net.tap = d -> {
            if (d.local().address().equals(t.left.address) && Messages.isRequest(d, ExchangeType.IKE_SA_INIT)) {
                initRequests.incrementAndGet();
            }
        };
        t.net.drop = d -> true;
        t.net.run(Duration.ofMinutes(2));
        assertEquals(1, t.left.events(IkeEvent.Kind.PEER_DEAD).size(), t::describe);
        assertTrue(initRequests.get() >= 1, "left tries again after declaring the peer dead");
        assertEquals(0, t.left.kernel.pairs());

        t.net.drop = d -> false; // the peer is back while the new IKE_SA_INIT is still being retransmitted
        t.net.run(Duration.ofMinutes(1));
        t.assertOneTunnel();
        t.assertPingsBothWays();
        assertEquals(2, t.left.events(IkeEvent.Kind.IKE_SA_ESTABLISHED).size(), t::describe);
    }

    @Test
    void trafficThroughTheChildSaMakesLivenessChecksUnnecessary() {
        SiteToSite t = tunnel(43, ChildConnection.DpdAction.CLEAR);
        AtomicInteger informational = new AtomicInteger();
        t.net.tap = d -> {
            if (Messages.isRequest(d, ExchangeType.INFORMATIONAL)) {
                informational.incrementAndGet();
            }
        };
        t.net.run(Duration.ofMinutes(5), Duration.ofSeconds(10), t::assertPingsBothWays);
        assertEquals(0, informational.get(), "no DPD request while ESP arrives");

        // Silence: now each side asks (about) every 30 s, and the peer answers.
        t.net.run(Duration.ofMinutes(5));
        assertTrue(informational.get() >= 2 * 8, "liveness checks in 5 silent minutes: " + informational.get());
        t.assertOneTunnel();
        assertEquals(0, t.left.events(IkeEvent.Kind.PEER_DEAD).size());
    }
}
