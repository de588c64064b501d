package org.ipsec4j.ike.sa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.util.List;

import org.ipsec4j.esp.spd.SecurityPolicy;
import org.junit.jupiter.api.Test;

/**
 * Fail closed (issue 5 §3): what a child is to protect is held — an outbound policy that requires an SA and has
 * none, so its packets are dropped, never sent in the clear — from the moment the child is configured to start
 * (or trap), is initiated, or first installed; through negotiation, and after the peer vanished. Only the
 * operator's {@code down} (for a child that does not trap) or removing the connection releases it.
 */
class FailClosedTest {

    private static List<SecurityPolicy> holds(SimulatedNetwork.Host h) {
        return h.dataPlane.spd().holds();
    }

    @Test
    void startActionStartHoldsBeforeTheFirstMessage() {
        SiteToSite t = new SiteToSite(101).left((c, ch) -> ch.start = ChildConnection.StartAction.START).install();
        List<SecurityPolicy> held = holds(t.left);
        assertEquals(1, held.size(), held.toString());
        assertEquals("10.1.0.0/16 <-> 10.2.0.0/16 any", held.getFirst().selector().toString());
        assertEquals(List.of(), holds(t.right), "the responder holds nothing before its child exists");
        assertFalse(t.pingLeftToRight());
        assertEquals("outbound DROP NO_SA", t.net.lastPing, "dropped for want of an SA, not sent in the clear");

        t.up();
        t.assertPingsBothWays();
        assertEquals(1, holds(t.right).size(), "installed: the responder holds from now on");
    }

    @Test
    void thePeerVanishingLeavesTheHoldsInPlace() {
        SiteToSite t = new SiteToSite(102).both((c, ch) -> c.dpd = Duration.ofSeconds(10)).install().up();
        t.assertPingsBothWays();
        t.net.drop = d -> true;
        t.net.run(Duration.ofMinutes(2));
        assertEquals(1, t.left.events(IkeEvent.Kind.PEER_DEAD).size(), t::describe);
        t.assertNothingLeft();
        for (SimulatedNetwork.Host h : List.of(t.left, t.right)) {
            assertEquals(1, holds(h).size(), h.name + " still holds");
        }
        assertFalse(t.pingLeftToRight());
        assertEquals("outbound DROP NO_SA", t.net.lastPing);
        assertFalse(t.pingRightToLeft());
        assertEquals("outbound DROP NO_SA", t.net.lastPing);
        assertNull(t.left.engine.acquire(IkeEngine.holdKey("net", "net")), "dpd_action = clear does not trap");

        // The operator takes it down: now it is released.
        t.left.engine.terminate("net", t.net.now);
        assertEquals(List.of(), holds(t.left));
        assertFalse(t.pingLeftToRight());
        assertEquals("outbound DROP NO_POLICY", t.net.lastPing);
    }

    @Test
    void trapChildrenAskToBeInitiatedByTheirTraffic() {
        SiteToSite t = new SiteToSite(103).left((c, ch) -> ch.start = ChildConnection.StartAction.TRAP).install();
        assertEquals(1, holds(t.left).size());
        IkeEngine.HoldOwner owner = t.left.engine.acquire(IkeEngine.holdKey("net", "net"));
        assertNotNull(owner);
        assertEquals(new IkeEngine.HoldOwner("net", "net"), owner);
        t.left.engine.initiate(owner.connection(), owner.child(), t.net.now);
        assertNull(t.left.engine.acquire(IkeEngine.holdKey("net", "net")), "on its way already");
        t.net.run(Duration.ofSeconds(5));
        t.assertPingsBothWays();
        assertNull(t.left.engine.acquire(IkeEngine.holdKey("net", "net")), "up");

        // down keeps a trap's hold, as strongSwan keeps trap policies
        t.left.engine.terminate("net", t.net.now);
        t.net.run(Duration.ofSeconds(5));
        assertEquals(1, holds(t.left).size());
        assertNotNull(t.left.engine.acquire(IkeEngine.holdKey("net", "net")));
    }

    @Test
    void hostToHostHoldsThePeersAddressWhateverTheSource() {
        SiteToSite t = new SiteToSite(104).install();
        // dynamic selectors on both sides: the IKE addresses
        Peers.Conn hostToHost = new Peers.Conn("h2h", t.left, t.right, "left@example.org", "right@example.org");
        Peers.Child ch = new Peers.Child("host");
        ch.start = ChildConnection.StartAction.START;
        hostToHost.children.add(ch.build());
        t.left.engine.replaceConnections(List.of(hostToHost.build()), t.net.now);
        List<SecurityPolicy> held = holds(t.left);
        assertEquals(1, held.size(), held.toString());
        assertEquals("0.0.0.0/0 <-> 192.0.2.2 any", held.getFirst().selector().toString());

        // Removing the connection releases its holds.
        t.left.engine.replaceConnections(List.of(), t.net.now);
        assertEquals(List.of(), holds(t.left));
    }
}
