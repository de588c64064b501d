package org.ipsec4j.ike.sa;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * A request's retransmission is timed from when it leaves, not from the event that made it: building and signing
 * a message (an RSA-3072 AUTH on a busy machine took half a second in the lab) would otherwise eat into the first
 * interval and send a retransmission the peer did not need. The responder never answers here (everything is
 * dropped), so the sends of left's IKE_SA_INIT request are all there is on the link.
 */
class RetransmitTimingTest {

    private static final long BUILDING = 400 * SimulatedNetwork.MS;

    /** The times at which left's datagrams entered the link, for a request started at the returned offset 0. */
    private static List<Long> sendsOfAnUnansweredRequest(boolean sendClock, long until) {
        SiteToSite t = new SiteToSite(11).install();
        if (sendClock) {
            t.left.engine.setSendClock(() -> t.net.now + BUILDING); // as if each request took 0.4 s to build
        }
        long start = t.net.now;
        List<Long> sent = new ArrayList<>();
        t.net.tap = d -> {
            if (d.local().address().equals(t.left.address)) {
                sent.add(t.net.now - start);
            }
        };
        t.net.drop = d -> true;
        t.left.engine.initiate("net", null, start);
        t.net.run(Duration.ofNanos(until));
        return sent;
    }

    @Test
    void theFirstRetransmissionComesOneIntervalAfterTheRequestLeft() {
        long first = new SiteToSite(11).install().left.engine.settings().retransmitDelayNanos(0);
        assertEquals(List.of(0L), sendsOfAnUnansweredRequest(true, first + BUILDING - 1),
                "nothing again within the first interval after the request left");
        assertEquals(List.of(0L, first + BUILDING), sendsOfAnUnansweredRequest(true, first + BUILDING));
    }

    @Test
    void withoutASendClockTheRequestIsTimedFromTheEngineCall() {
        long first = new SiteToSite(11).install().left.engine.settings().retransmitDelayNanos(0);
        assertEquals(List.of(0L, first), sendsOfAnUnansweredRequest(false, first));
    }
}
