package org.ipsec4j.ike.sa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.ipsec4j.esp.sad.IpsecMode;
import org.junit.jupiter.api.Test;

/**
 * Child SA shapes beyond the single site-to-site tunnel (RFC 7296 §1.3.1, §2.9, §1.3.1 USE_TRANSPORT_MODE):
 * transport mode between the IKE addresses, a mode mismatch, and two Child SAs under one IKE SA that are
 * created, rekeyed, moved by an IKE rekey and deleted independently.
 */
class ChildSaVariantsTest {

    @Test
    void transportModeBetweenTheIkeAddresses() {
        SiteToSite t = new SiteToSite(151).inner("192.0.2.1/32", "192.0.2.1", "192.0.2.2/32", "192.0.2.2")
                .both((c, ch) -> {
                    ch.mode = IpsecMode.TRANSPORT;
                    ch.local = List.of();
                    ch.remote = List.of(); // dynamic: the IKE addresses
                }).install().up();
        t.assertOneTunnel();
        assertEquals("TRANSPORT", t.left.onlyIkeSa().children().get(0).mode());
        assertEquals("TRANSPORT", t.right.onlyIkeSa().children().get(0).mode());
        assertEquals(List.of(SelectorRange.host(t.left.address).toString()),
                t.left.onlyIkeSa().children().get(0).localSelectors());
        t.assertPingsBothWays();
    }

    @Test
    void transportAgainstTunnelFailsTheChildOnly() {
        SiteToSite t = new SiteToSite(152).left((c, ch) -> ch.mode = IpsecMode.TRANSPORT).install().up();
        assertEquals(List.of(), t.left.onlyIkeSa().children());
        assertEquals(List.of(), t.right.onlyIkeSa().children());
        assertFalse(t.left.events(IkeEvent.Kind.CHILD_SA_FAILED).isEmpty(), t::describe);
        assertEquals(0, t.left.kernel.pairs() + t.right.kernel.pairs());
    }

    @Test
    void twoChildSasUnderOneIkeSa() {
        SiteToSite t = new SiteToSite(153);
        t.left.engine.addConnection(twoChildren(t.left, t.right, "left@example.org", "right@example.org",
                "10.1.0.0/16", "10.2.0.0/16", "10.11.0.0/16", "10.12.0.0/16"));
        t.right.engine.addConnection(twoChildren(t.right, t.left, "right@example.org", "left@example.org",
                "10.2.0.0/16", "10.1.0.0/16", "10.12.0.0/16", "10.11.0.0/16"));
        t.left.engine.initiate("net", "one", t.net.now);
        t.net.run(Duration.ofSeconds(5));
        t.left.engine.initiate("net", "two", t.net.now);
        t.net.run(Duration.ofSeconds(5));
        assertChildren(t, 2);
        assertPings(t);

        t.right.engine.rekeyIke("net", t.net.now);
        t.net.run(Duration.ofSeconds(5));
        assertChildren(t, 2);
        assertPings(t);

        t.left.engine.rekeyChild("net", "two", t.net.now);
        t.right.engine.rekeyChild("net", "one", t.net.now);
        t.net.run(Duration.ofSeconds(5));
        assertChildren(t, 2);
        assertPings(t);

        t.right.engine.terminateChild("net", "one", t.net.now);
        t.net.run(Duration.ofSeconds(5));
        assertChildren(t, 1);
        assertEquals("two", t.left.onlyIkeSa().children().get(0).name());
        assertFalse(t.net.ping(t.left, "10.1.0.5", t.right, "10.2.0.7", 50));
        assertTrue(t.net.ping(t.left, "10.11.0.5", t.right, "10.12.0.7", 51), t.net.lastPing);
    }

    @Test
    void aRekeyOfAChildThePeerNoLongerHasCreatesItAnew() {
        // Right lost its half of the pair without telling left (its Delete went astray for good). Left's rekey
        // gets CHILD_SA_NOT_FOUND; §2.25: drop the pair silently and create a new one.
        SiteToSite t = new SiteToSite(154).install().up();
        IkeSa right = t.right.engine.established("net");
        ChildSa gone = right.children.get(0);
        gone.removeFromKernel(t.right.kernel);
        right.children.remove(gone);
        assertFalse(t.pingLeftToRight());

        t.left.engine.rekeyChild("net", "net", t.net.now);
        t.net.run(Duration.ofSeconds(5));
        t.assertOneTunnel();
        t.assertPingsBothWays();
        assertEquals(2, t.left.events(IkeEvent.Kind.CHILD_SA_INSTALLED).size(), t::describe);
    }

    private static void assertChildren(SiteToSite t, int n) {
        IkeSaStatus l = t.left.onlyIkeSa();
        IkeSaStatus r = t.right.onlyIkeSa();
        assertEquals(1, t.left.ikeSas().size(), t::describe);
        assertEquals(1, t.right.ikeSas().size(), t::describe);
        assertEquals(n, l.children().size(), t::describe);
        assertEquals(n, r.children().size(), t::describe);
        assertEquals(n, t.left.kernel.pairs(), t::describe);
        assertEquals(n, t.right.kernel.pairs(), t::describe);
        for (ChildSaStatus c : l.children()) {
            assertTrue(r.children().stream().anyMatch(x -> x.inboundSpi() == c.outboundSpi()
                    && x.outboundSpi() == c.inboundSpi() && x.name().equals(c.name())), t::describe);
        }
    }

    private static void assertPings(SiteToSite t) {
        assertTrue(t.net.ping(t.left, "10.1.0.5", t.right, "10.2.0.7", 1), t.net.lastPing);
        assertTrue(t.net.ping(t.right, "10.2.0.7", t.left, "10.1.0.5", 2), t.net.lastPing);
        assertTrue(t.net.ping(t.left, "10.11.0.5", t.right, "10.12.0.7", 3), t.net.lastPing);
        assertTrue(t.net.ping(t.right, "10.12.0.7", t.left, "10.11.0.5", 4), t.net.lastPing);
    }

    private static IkeConnection twoChildren(SimulatedNetwork.Host self, SimulatedNetwork.Host peer, String id,
                                             String peerId, String l1, String r1, String l2, String r2) {
        Peers.Conn c = new Peers.Conn("net", self, peer, id, peerId);
        c.children.add(new Peers.Child("one").local(l1).remote(r1).build());
        c.children.add(new Peers.Child("two").local(l2).remote(r2).build());
        return c.build();
    }
}
