package org.ipsec4j.ike.sa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.ipsec4j.ike.message.ExchangeType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Simultaneous rekeys (RFC 7296 §2.8.1 for Child SAs, §2.8.2 for the IKE SA): both peers start the same rekey
 * at the same instant; the nonce rule must leave exactly one new SA on both sides, the same one. Also an IKE
 * rekey crossing a Child SA rekey, and collisions where one of the crossing requests is lost first.
 */
class RekeyCollisionTest {

    private static SiteToSite tunnel(long seed, int pfs) {
        SiteToSite t = new SiteToSite(seed).both((c, ch) -> ch.esp(Peers.espGcm(pfs))).install().up();
        t.assertOneTunnel();
        return t;
    }

    private static long childSpi(SimulatedNetwork.Host h) {
        return h.onlyIkeSa().children().get(0).inboundSpi();
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
    void simultaneousChildRekeyLeavesOnePair(int seed) {
        for (int pfs : new int[] {0, Peers.X25519}) {
            SiteToSite t = tunnel(seed, pfs);
            long before = childSpi(t.left);
            t.left.engine.rekeyChild("net", "net", t.net.now);
            t.right.engine.rekeyChild("net", "net", t.net.now);
            t.net.run(Duration.ofSeconds(10));

            t.assertOneTunnel();
            assertNotEquals(before, childSpi(t.left));
            t.assertPingsBothWays();
            int collisions = t.left.events(IkeEvent.Kind.CHILD_SA_REKEYED).size()
                    + t.right.events(IkeEvent.Kind.CHILD_SA_REKEYED).size();
            // Each side: its own rekey finished (or found redundant) and the peer's answered.
            assertEquals(4, collisions, t::describe);
            assertEquals(1, t.left.events(IkeEvent.Kind.CHILD_SA_REKEYED).stream()
                    .filter(e -> e.detail().startsWith("collision")).count()
                    + t.right.events(IkeEvent.Kind.CHILD_SA_REKEYED).stream()
                    .filter(e -> e.detail().startsWith("collision")).count(), t::describe);
            // And the survivor rekeys normally afterwards.
            t.right.engine.rekeyChild("net", "net", t.net.now);
            t.net.run(Duration.ofSeconds(5));
            t.assertOneTunnel();
            t.assertPingsBothWays();
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
    void simultaneousIkeRekeyLeavesOneIkeSa(int seed) {
        SiteToSite t = tunnel(seed, 0);
        long spiBefore = t.left.onlyIkeSa().initiatorSpi();
        long childBefore = childSpi(t.left);
        t.left.engine.rekeyIke("net", t.net.now);
        t.right.engine.rekeyIke("net", t.net.now);
        t.net.run(Duration.ofSeconds(30));

        t.assertOneTunnel();
        assertNotEquals(spiBefore, t.left.onlyIkeSa().initiatorSpi());
        assertEquals(childBefore, childSpi(t.left), "the Child SA moved, it was not rekeyed");
        t.assertPingsBothWays();
        // The surviving IKE SA works: a Child SA rekey and another IKE rekey over it.
        t.left.engine.rekeyChild("net", "net", t.net.now);
        t.net.run(Duration.ofSeconds(5));
        t.right.engine.rekeyIke("net", t.net.now);
        t.net.run(Duration.ofSeconds(5));
        t.assertOneTunnel();
        t.assertPingsBothWays();
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(ints = {1, 2, 3, 4})
    void ikeRekeyCrossingAChildRekey(int seed) {
        for (boolean leftRekeysIke : new boolean[] {true, false}) {
            SiteToSite t = tunnel(seed, 0);
            SimulatedNetwork.Host ike = leftRekeysIke ? t.left : t.right;
            SimulatedNetwork.Host child = leftRekeysIke ? t.right : t.left;
            long ikeBefore = t.left.onlyIkeSa().initiatorSpi();
            long childBefore = childSpi(t.left);
            ike.engine.rekeyIke("net", t.net.now);
            child.engine.rekeyChild("net", "net", t.net.now);
            t.net.run(Duration.ofSeconds(30));

            t.assertOneTunnel();
            assertNotEquals(ikeBefore, t.left.onlyIkeSa().initiatorSpi(), t::describe);
            assertNotEquals(childBefore, childSpi(t.left), t::describe);
            t.assertPingsBothWays();
        }
    }

    /** The first CREATE_CHILD_SA request of {@code lossy} is lost: the other side's exchange ends first. */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(ints = {1, 2, 3, 4})
    void collisionsWithALostRequest(int seed) {
        for (boolean ikeRekey : new boolean[] {true, false}) {
            SiteToSite t = tunnel(seed, 0);
            AtomicInteger dropped = new AtomicInteger();
            t.net.drop = d -> d.local().address().equals(t.left.address)
                    && Messages.isRequest(d, ExchangeType.CREATE_CHILD_SA) && dropped.getAndIncrement() == 0;
            if (ikeRekey) {
                t.left.engine.rekeyIke("net", t.net.now);
                t.right.engine.rekeyIke("net", t.net.now);
            } else {
                t.left.engine.rekeyChild("net", "net", t.net.now);
                t.right.engine.rekeyChild("net", "net", t.net.now);
            }
            t.net.run(Duration.ofSeconds(60));
            assertEquals(1, dropped.get() > 0 ? 1 : 0);
            t.assertOneTunnel();
            t.assertPingsBothWays();
            assertTrue(t.left.events(IkeEvent.Kind.CHILD_SA_DELETED).size() <= 2, t::describe);
        }
    }
}
