package org.ipsec4j.ike.sa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Everything at once for half a simulated day: a NAT in front of the initiator that loses its mappings every
 * two hours, fast rekeys with jitter and PFS on both sides' timers, DPD, 10 % loss with duplicates and
 * reordering, and pings. Individual pings may be
 * lost to the link; the tunnel must come through with one IKE SA and one Child SA pair on each side.
 */
class SoakTest {

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(ints = {1, 2, 3})
    void rekeysDpdNatAndLossForHalfADay(int seed) {
        IkeSettings patient = new IkeSettings(Duration.ofSeconds(2), 1.5, 10, 20, Duration.ofSeconds(60),
                Duration.ofSeconds(20));
        SiteToSite t = new SiteToSite(seed, "192.0.2.1", "192.0.2.2", patient);
        t.net.natInFrontOf(t.left, "198.51.100.1", 40000);
        t.both((c, ch) -> {
            c.rekey = Duration.ofMinutes(17);
            c.rand = Duration.ofMinutes(3);
            c.dpd = Duration.ofSeconds(30);
            ch.esp(Peers.espGcm(Peers.X25519));
            ch.rekey = Duration.ofMinutes(5);
            ch.rand = Duration.ofMinutes(1);
            ch.life = Duration.ofMinutes(8);
        }).install().up();
        t.assertOneTunnel();
        t.net.drop = d -> t.net.random.nextInt(100) < 10;
        t.net.duplicate = d -> t.net.random.nextInt(100) < 5;
        t.net.reorder = true;
        int[] pings = new int[2];
        t.net.run(Duration.ofHours(12), Duration.ofSeconds(45), () -> {
            if (pings[0] % 160 == 159) {
                t.net.natRebinds(t.left);
            }
            pings[0]++;
            if (t.pingLeftToRight() && t.pingRightToLeft()) {
                pings[1]++;
            }
        });
        t.net.drop = d -> false;
        t.net.duplicate = d -> false;
        t.net.run(Duration.ofMinutes(10));

        t.assertOneTunnel();
        t.assertPingsBothWays();
        assertTrue(pings[1] > pings[0] * 9 / 10, pings[1] + " of " + pings[0] + " ping rounds went through");
        assertTrue(t.right.events(IkeEvent.Kind.PEER_ADDRESS_CHANGED).size() >= 5, t::describe);
        assertEquals(0, t.left.events(IkeEvent.Kind.PEER_DEAD).size() + t.right.events(IkeEvent.Kind.PEER_DEAD).size(),
                t::describe);
        assertTrue(RekeyDayTest.initiated(t.left, IkeEvent.Kind.CHILD_SA_REKEYED)
                + RekeyDayTest.initiated(t.right, IkeEvent.Kind.CHILD_SA_REKEYED) > 12 * 60 / 5 * 9 / 10);
    }
}
