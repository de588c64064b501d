package org.ipsec4j.ike.sa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.ipsec4j.esp.selector.IpAddress;
import org.ipsec4j.ike.message.ExchangeType;
import org.ipsec4j.ike.message.IkeMessage;
import org.ipsec4j.ike.message.MalformedMessageException;
import org.ipsec4j.ike.message.MessageCodec;
import org.ipsec4j.ike.message.NotifyType;
import org.junit.jupiter.api.Test;

/**
 * Stateless cookies (RFC 7296 §2.6): once more IKE SAs are half-open than the threshold, IKE_SA_INIT requests
 * without a valid COOKIE get one back and create no state; a real initiator retries with it and gets through;
 * half-open SAs expire, so a flood leaves the responder with bounded state.
 */
class CookieTest {

    private static final int THRESHOLD = 10;
    private static final IkeSettings SETTINGS = new IkeSettings(Duration.ofSeconds(2), 1.8, 5, THRESHOLD,
            Duration.ofSeconds(30), Duration.ofSeconds(20));

    /** An IKE_SA_INIT request as a real initiator would send it, to copy for the flood. */
    private static byte[] sampleInitRequest(SiteToSite t) {
        SimulatedNetwork.Host attacker = t.net.host("attacker", "203.0.113.66", Peers.psk(Peers.PSK), SETTINGS);
        attacker.engine.addConnection(Peers.connection("net", attacker, t.right, "a@example.org", "right@example.org",
                Peers.ikeGcm(), Peers.child("net", "10.9.0.0/16", "10.2.0.0/16", Peers.espGcm(0), Duration.ZERO),
                Duration.ZERO, Duration.ZERO));
        attacker.engine.initiate("net", null, t.net.now);
        List<IkeDatagram> out = attacker.engine.drainOutgoing();
        t.net.hosts.remove(attacker);
        return out.get(0).data();
    }

    /** The request from another address and port with another SPI: what a spoofing flood looks like. */
    private static IkeDatagram spoofed(SiteToSite t, byte[] sample, int i) {
        byte[] d = sample.clone();
        d[0] = (byte) (i >>> 8);
        d[1] = (byte) i;
        d[7] ^= 0x5A;
        Endpoint from = new Endpoint(IpAddress.parse("203.0.113." + (1 + i % 250)), 1024 + i);
        return new IkeDatagram(from, new Endpoint(t.right.address, 500), d);
    }

    private static boolean carriesCookie(IkeDatagram d) {
        try {
            IkeMessage m = MessageCodec.decode(d.data(), 0, d.data().length);
            return m.header().response() && m.notify(NotifyType.COOKIE) != null;
        } catch (MalformedMessageException e) {
            return false;
        }
    }

    @Test
    void aFloodMakesTheResponderDemandCookiesAndARealInitiatorStillGetsThrough() {
        SiteToSite t = new SiteToSite(81, "192.0.2.1", "192.0.2.2", SETTINGS).right((c, ch) -> c.remote = List.of())
                .install();
        byte[] sample = sampleInitRequest(t);
        AtomicInteger cookiesToFlood = new AtomicInteger();
        AtomicInteger cookiesToLeft = new AtomicInteger();
        AtomicInteger leftInitRequests = new AtomicInteger();
        t.net.tap = d -> {
            if (carriesCookie(d)) {
                (d.remote().address().equals(t.left.address) ? cookiesToLeft : cookiesToFlood).incrementAndGet();
            }
            if (d.local().address().equals(t.left.address) && Messages.isRequest(d, ExchangeType.IKE_SA_INIT)) {
                leftInitRequests.incrementAndGet();
            }
        };

        for (int i = 0; i < 200; i++) {
            t.net.inject(null, spoofed(t, sample, i));
        }
        t.net.settle();
        assertEquals(THRESHOLD, t.right.ikeSas().size(), "half-open SAs stop at the threshold");
        assertEquals(200 - THRESHOLD, cookiesToFlood.get(), "the rest got a cookie and no state");
        assertEquals(200 - THRESHOLD, t.right.engine.cookiesDemanded(), "and the engine counts them");
        assertEquals(THRESHOLD, t.right.engine.halfOpenSas());

        t.up();
        assertEquals(1, cookiesToLeft.get(), "left was asked for a cookie once");
        assertEquals(200 - THRESHOLD + 1, t.right.engine.cookiesDemanded());
        assertEquals(2, leftInitRequests.get(), "and retried once with it");
        assertEquals(1, t.left.ikeSas().size(), t::describe);
        assertEquals("ESTABLISHED", t.left.ikeSas().get(0).state(), t::describe);
        t.assertPingsBothWays();

        // The flood's half-open SAs expire; only the real one stays.
        t.net.run(Duration.ofSeconds(40));
        t.assertOneTunnel();
        assertTrue(t.right.events(IkeEvent.Kind.IKE_SA_FAILED).size() >= THRESHOLD, "half-open timeouts reported");
        assertEquals(0, t.right.engine.halfOpenSas());

        // Below the threshold again: no cookie needed for the next flood request.
        int before = cookiesToFlood.get();
        t.net.inject(null, spoofed(t, sample, 999));
        t.net.settle();
        assertEquals(before, cookiesToFlood.get());
        assertEquals(2, t.right.ikeSas().size());
    }

    @Test
    void aRetransmittedRequestDoesNotCountTwice() {
        SiteToSite t = new SiteToSite(82, "192.0.2.1", "192.0.2.2", SETTINGS).right((c, ch) -> c.remote = List.of())
                .install();
        byte[] sample = sampleInitRequest(t);
        IkeDatagram one = spoofed(t, sample, 5);
        for (int i = 0; i < 3 * THRESHOLD; i++) {
            t.net.inject(null, one);
        }
        t.net.settle();
        assertEquals(1, t.right.ikeSas().size(), "the same request is one half-open SA, answered again");
    }
}
