package org.ipsec4j.ike.sa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.ipsec4j.ike.message.ExchangeType;
import org.ipsec4j.ike.message.IkeMessage;
import org.ipsec4j.ike.message.MalformedMessageException;
import org.ipsec4j.ike.message.MessageCodec;
import org.ipsec4j.ike.message.NotifyType;
import org.ipsec4j.ike.message.Proposal;
import org.ipsec4j.ike.message.Transform;
import org.junit.jupiter.api.Test;

/**
 * INVALID_KE_PAYLOAD (RFC 7296 §1.2, §1.3): the initiator guessed a DH group the responder accepts only as
 * a later choice or not at all; it retries with the group the responder names, in IKE_SA_INIT and in a Child
 * SA rekey with PFS. A responder that accepts the group of the KE it got takes that one without a round trip,
 * in IKE_SA_INIT and in IKE SA rekeys.
 */
class InvalidKePayloadTest {

    private static boolean isInvalidKe(IkeDatagram d) {
        try {
            IkeMessage m = MessageCodec.decode(d.data(), 0, d.data().length);
            return m.header().response() && m.notify(NotifyType.INVALID_KE_PAYLOAD) != null;
        } catch (MalformedMessageException e) {
            return false;
        }
    }

    @Test
    void ikeSaInitRetriesWithTheGroupTheResponderNames() {
        SiteToSite t = new SiteToSite(91).left((c, ch) -> c.ike = List.of(Peers.ikeGcm(Peers.ECP256, Peers.X25519)))
                .right((c, ch) -> c.ike = List.of(Peers.ikeGcm(Peers.X25519))).install();
        AtomicInteger invalidKe = new AtomicInteger();
        AtomicInteger initRequests = new AtomicInteger();
        t.net.tap = d -> {
            if (isInvalidKe(d)) {
                invalidKe.incrementAndGet();
            }
            if (Messages.isRequest(d, ExchangeType.IKE_SA_INIT)) {
                initRequests.incrementAndGet();
            }
        };
        t.up();
        t.assertOneTunnel();
        assertEquals(1, invalidKe.get());
        assertEquals(2, initRequests.get());
        assertTrue(t.left.onlyIkeSa().suite().endsWith("CURVE_25519"), t.left.onlyIkeSa().suite());
        assertEquals(List.of(), t.right.ikeSas().stream().filter(s -> !s.state().equals("ESTABLISHED")).toList(),
                "the refused request left no state");
        t.assertPingsBothWays();
    }

    @Test
    void aResponderPreferringAnotherGroupTakesTheOneTheKeFits() {
        // Both offer both groups; the responder prefers x25519 but the KE is ecp256: no round trip is needed.
        SiteToSite t = new SiteToSite(92).left((c, ch) -> c.ike = List.of(Peers.ikeGcm(Peers.ECP256, Peers.X25519)))
                .right((c, ch) -> c.ike = List.of(Peers.ikeGcm(Peers.X25519, Peers.ECP256))).install();
        t.up();
        assertTrue(t.left.onlyIkeSa().suite().endsWith("ECP_256"));
        // ... and the same when rekeying the IKE SA from either side.
        t.left.engine.rekeyIke("net", t.net.now);
        t.net.run(Duration.ofSeconds(5));
        t.right.engine.rekeyIke("net", t.net.now);
        t.net.run(Duration.ofSeconds(5));
        t.assertOneTunnel();
        assertEquals(List.of(), t.left.events(IkeEvent.Kind.IKE_SA_FAILED), "no INVALID_KE_PAYLOAD");
        assertEquals(2, RekeyDayTest.initiated(t.left, IkeEvent.Kind.IKE_SA_REKEYED)
                + RekeyDayTest.initiated(t.right, IkeEvent.Kind.IKE_SA_REKEYED), t::describe);
        t.assertPingsBothWays();
    }

    @Test
    void childRekeyWithPfsRetriesWithTheGroupTheResponderNames() {
        Proposal leftEsp = new Proposal(1, 3, new byte[4], List.of(Transform.of(Peers.ENCR, Peers.AES_GCM_16, 128),
                Transform.of(Peers.DH, Peers.ECP256), Transform.of(Peers.DH, Peers.X25519), Transform.of(Peers.ESN, 0)));
        Proposal rightEsp = Peers.espGcm(Peers.X25519);
        SiteToSite t = new SiteToSite(94).left((c, ch) -> ch.esp(leftEsp)).right((c, ch) -> ch.esp(rightEsp))
                .install().up();
        t.assertOneTunnel();
        // The exchange is encrypted: count the requests (the first with ecp256, the retry with x25519).
        AtomicInteger requests = new AtomicInteger();
        t.net.tap = d -> {
            if (d.local().address().equals(t.left.address) && Messages.isRequest(d, ExchangeType.CREATE_CHILD_SA)) {
                requests.incrementAndGet();
            }
        };
        long before = t.left.onlyIkeSa().children().get(0).inboundSpi();
        t.left.engine.rekeyChild("net", "net", t.net.now);
        t.net.run(Duration.ofSeconds(10));
        t.assertOneTunnel();
        assertEquals(2, requests.get());
        assertEquals(List.of(), t.left.events(IkeEvent.Kind.CHILD_SA_FAILED), t::describe);
        ChildSaStatus c = t.left.onlyIkeSa().children().get(0);
        assertTrue(c.inboundSpi() != before, t::describe);
        assertTrue(c.suite().endsWith("CURVE_25519"), c.suite());
        t.assertPingsBothWays();
    }
}
