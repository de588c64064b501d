package org.ipsec4j.ike.sa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

import org.ipsec4j.ike.message.ExchangeType;
import org.ipsec4j.ike.message.IkeHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A hostile link (RFC 7296 §2.1, §2.2): lost, duplicated and reordered IKE messages. Handshake, Child SA rekey,
 * IKE rekey and a child rekey over the new IKE SA must all complete; retransmitted requests are answered
 * from the cache and never processed twice (one Child SA per exchange on the responder).
 */
class LossAndReorderingTest {

    /** More patience than the default so that 30 % loss cannot exhaust the retransmissions. */
    private static final IkeSettings PATIENT = new IkeSettings(Duration.ofSeconds(2), 1.5, 10, 20,
            Duration.ofSeconds(60), Duration.ofSeconds(20));

    /** Handshake by left, child rekey by left, IKE rekey by right, child rekey by right. */
    private static void lifeCycle(SiteToSite t, Duration eachStep) {
        t.left.engine.initiate("net", null, t.net.now);
        t.net.run(eachStep);
        t.assertOneTunnel();
        t.assertPingsBothWays();
        t.left.engine.rekeyChild("net", "net", t.net.now);
        t.net.run(eachStep);
        t.assertOneTunnel();
        t.assertPingsBothWays();
        t.right.engine.rekeyIke("net", t.net.now);
        t.net.run(eachStep);
        t.assertOneTunnel();
        t.assertPingsBothWays();
        t.right.engine.rekeyChild("net", "net", t.net.now);
        t.net.run(eachStep);
        t.assertOneTunnel();
        t.assertPingsBothWays();
    }

    /** Child SAs each side installed: the handshake's and one per rekey, none twice. */
    private static void assertInstalledOncePerExchange(SiteToSite t) {
        assertEquals(3, t.left.events(IkeEvent.Kind.CHILD_SA_INSTALLED).size(), t::describe);
        assertEquals(3, t.right.events(IkeEvent.Kind.CHILD_SA_INSTALLED).size(), t::describe);
        assertEquals(1, t.left.events(IkeEvent.Kind.IKE_SA_ESTABLISHED).size(), t::describe);
        assertEquals(1, t.right.events(IkeEvent.Kind.IKE_SA_ESTABLISHED).size(), t::describe);
    }

    static Stream<Arguments> firstOfEachKind() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (ExchangeType x : ExchangeType.values()) {
            for (boolean response : new boolean[] {false, true}) {
                for (int n : new int[] {1, 3}) {
                    b.add(Arguments.of(x, response, n));
                }
            }
        }
        return b.build();
    }

    @ParameterizedTest(name = "{0} {1} x{2}")
    @MethodSource("firstOfEachKind")
    void theFirstMessagesOfAKindAreLost(ExchangeType exchange, boolean response, int n) {
        SiteToSite t = new SiteToSite(n * 10 + exchange.ordinal(), "192.0.2.1", "192.0.2.2", PATIENT).install();
        Map<String, Integer> seen = new HashMap<>();
        t.net.drop = d -> {
            IkeHeader h = Messages.header(d);
            if (h == null || h.exchange() != exchange || h.response() != response) {
                return false;
            }
            // Per sender: the first n of this kind each side sends.
            return seen.merge(d.local().address().toString(), 1, Integer::sum) <= n;
        };
        lifeCycle(t, Duration.ofMinutes(2));
        assertTrue(t.net.droppedByLink > 0);
        assertInstalledOncePerExchange(t);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(ints = {1, 2, 3, 4, 5, 6})
    void thirtyPercentRandomLoss(int seed) {
        SiteToSite t = new SiteToSite(seed, "192.0.2.1", "192.0.2.2", PATIENT).install();
        t.net.drop = d -> t.net.random.nextInt(100) < 30;
        lifeCycle(t, Duration.ofMinutes(5));
        assertTrue(t.net.droppedByLink > 0);
        assertInstalledOncePerExchange(t);
    }

    @Test
    void everyMessageDeliveredTwice() {
        SiteToSite t = new SiteToSite(11).install();
        t.net.duplicate = d -> true;
        lifeCycle(t, Duration.ofSeconds(30));
        assertInstalledOncePerExchange(t);
        assertTrue(t.left.engine.droppedMessages() + t.right.engine.droppedMessages() > 0,
                "duplicated responses are dropped, duplicated requests answered from the cache");
    }

    @Test
    void everyBatchDeliveredInReverseOrderAndTwice() {
        SiteToSite t = new SiteToSite(12).install();
        t.net.reorder = true;
        t.net.duplicate = d -> true;
        lifeCycle(t, Duration.ofSeconds(30));
        assertInstalledOncePerExchange(t);
    }

    @Test
    void aRetransmittedRequestGetsTheCachedResponse() {
        // Every first CREATE_CHILD_SA response is lost: the request is retransmitted and must be answered from
        // the cache, not processed again (which would install a second pair and leak it).
        SiteToSite t = new SiteToSite(13).install().up();
        int[] responses = new int[1];
        byte[][] first = new byte[1][];
        boolean[] sameBytes = {true};
        t.net.drop = d -> {
            if (!Messages.isResponse(d, ExchangeType.CREATE_CHILD_SA)) {
                return false;
            }
            responses[0]++;
            if (first[0] == null) {
                first[0] = d.data();
                return true;
            }
            sameBytes[0] &= java.util.Arrays.equals(first[0], d.data());
            return false;
        };
        t.left.engine.rekeyChild("net", "net", t.net.now);
        t.net.run(Duration.ofSeconds(10));
        assertEquals(2, responses[0]);
        assertTrue(sameBytes[0], "the retransmitted response is the cached one, byte for byte");
        assertEquals(2, t.right.events(IkeEvent.Kind.CHILD_SA_INSTALLED).size(), t::describe);
        t.assertOneTunnel();
        t.assertPingsBothWays();
    }

    @Test
    void aLateRetransmissionOfIkeSaInitCreatesNothing() {
        // The IKE_SA_INIT request arrives again after the IKE SA is up (delayed in the network): it is the
        // same request (§2.1: same SPIi, same address), not a new initiation.
        SiteToSite t = new SiteToSite(14).install();
        java.util.List<IkeDatagram> init = new java.util.ArrayList<>();
        t.net.tap = d -> {
            if (Messages.isRequest(d, ExchangeType.IKE_SA_INIT)) {
                init.add(d);
            }
        };
        t.up();
        t.net.inject(null, init.get(0));
        t.net.settle();
        t.net.run(Duration.ofSeconds(40));
        assertEquals(1, t.right.ikeSas().size(), t::describe);
        assertTrue(t.right.events(IkeEvent.Kind.IKE_SA_FAILED).isEmpty(), t::describe);
        t.assertOneTunnel();
    }
}
