package org.ipsec4j.ike.sa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.ipsec4j.esp.selector.AddressRange;
import org.ipsec4j.esp.selector.IpAddress;
import org.junit.jupiter.api.Test;

/**
 * Virtual IPs (RFC 7296 §2.19, §3.15): a road warrior asks for an address with a CP request, the gateway
 * leases one from its pool and narrows the client's dynamic traffic selector to it. Each client gets its
 * own address; a client that reconnects gets its address back.
 */
class VirtualIpTest {

    private static final String GATEWAY_SUBNET = "10.2.0.0/16";

    private final SimulatedNetwork net = new SimulatedNetwork(111);
    private final SimulatedNetwork.Host gateway = net.host("gateway", "192.0.2.2", Peers.psk(Peers.PSK),
            IkeSettings.DEFAULT);
    private final AddressPool pool = new AddressPool("rw", AddressRange.parse("10.3.7.0/24"),
            List.of(IpAddress.parse("10.2.0.53")));

    VirtualIpTest() {
        Peers.Conn c = new Peers.Conn("rw", gateway, null, "gateway@example.org", "%any");
        c.pool = pool;
        c.children.add(new Peers.Child("rw").local(GATEWAY_SUBNET).build()); // remote: dynamic = the VIP
        gateway.engine.addConnection(c.build());
    }

    private SimulatedNetwork.Host client(String name, String address, String id) {
        SimulatedNetwork.Host h = net.host(name, address, Peers.psk(Peers.PSK), IkeSettings.DEFAULT);
        Peers.Conn c = new Peers.Conn("home", h, gateway, id, "gateway@example.org");
        c.requestVirtualIp = true;
        c.children.add(new Peers.Child("home").remote(GATEWAY_SUBNET).build()); // local: dynamic
        h.engine.addConnection(c.build());
        return h;
    }

    private IkeSaStatus connect(SimulatedNetwork.Host client) {
        client.engine.initiate("home", null, net.now);
        net.run(Duration.ofSeconds(5));
        return client.onlyIkeSa();
    }

    private IkeSaStatus gatewaySaOf(String id) {
        return gateway.engine.status().stream().filter(s -> s.remoteId().equals(id)).findFirst().orElseThrow();
    }

    @Test
    void aClientGetsAnAddressAndItsTrafficSelectorIsNarrowedToIt() {
        SimulatedNetwork.Host alice = client("alice", "192.0.2.10", "alice@example.org");
        IkeSaStatus s = connect(alice);

        assertEquals("10.3.7.1", s.virtualIp());
        List<IkeEvent> assigned = alice.events(IkeEvent.Kind.VIRTUAL_IP_ASSIGNED);
        assertEquals(1, assigned.size());
        assertEquals("10.3.7.1", assigned.get(0).detail());
        String vipSelector = SelectorRange.host(IpAddress.parse("10.3.7.1")).toString();
        ChildSaStatus child = s.children().get(0);
        assertEquals(List.of(vipSelector), child.localSelectors());
        assertEquals(List.of(GATEWAY_SUBNET), child.remoteSelectors());

        IkeSaStatus g = gatewaySaOf("alice@example.org");
        assertEquals("10.3.7.1", g.virtualIp());
        assertEquals(List.of(vipSelector), g.children().get(0).remoteSelectors());
        assertEquals(List.of(GATEWAY_SUBNET), g.children().get(0).localSelectors());
        assertEquals(1, gateway.events(IkeEvent.Kind.VIRTUAL_IP_ASSIGNED).size());

        assertTrue(net.ping(alice, "10.3.7.1", gateway, "10.2.0.7", 1), net.lastPing);
        assertTrue(net.ping(gateway, "10.2.0.7", alice, "10.3.7.1", 2), net.lastPing);
        // The client's real address is not inside the tunnel.
        assertTrue(!net.ping(alice, "10.1.0.5", gateway, "10.2.0.7", 3));
    }

    @Test
    void eachClientGetsItsOwnAddressAndAReconnectGetsTheSameOneBack() {
        SimulatedNetwork.Host alice = client("alice", "192.0.2.10", "alice@example.org");
        SimulatedNetwork.Host bob = client("bob", "192.0.2.11", "bob@example.org");
        String aliceVip = connect(alice).virtualIp();
        String bobVip = connect(bob).virtualIp();
        assertEquals("10.3.7.1", aliceVip);
        assertNotEquals(aliceVip, bobVip);
        assertEquals("10.3.7.2", bobVip);
        assertEquals(2, gateway.engine.status().size());
        assertTrue(net.ping(gateway, "10.2.0.7", bob, bobVip, 1), net.lastPing);
        assertTrue(net.ping(gateway, "10.2.0.7", alice, aliceVip, 2), net.lastPing);

        alice.engine.terminate("home", net.now);
        net.run(Duration.ofSeconds(5));
        assertEquals(List.of(), alice.ikeSas());
        assertEquals(1, gateway.engine.status().size());

        assertEquals(aliceVip, connect(alice).virtualIp(), "same identity, same address");
        assertEquals(2, pool.leased());
        assertTrue(net.ping(alice, aliceVip, gateway, "10.2.0.7", 3), net.lastPing);

        // The leases follow the IKE SAs through rekeys from either side.
        gateway.engine.rekeyIke("rw", net.now);
        alice.engine.rekeyIke("home", net.now);
        net.run(Duration.ofSeconds(5));
        assertEquals(aliceVip, alice.onlyIkeSa().virtualIp());
        assertEquals(bobVip, bob.onlyIkeSa().virtualIp());
        assertEquals(aliceVip, gatewaySaOf("alice@example.org").virtualIp());
        assertEquals(bobVip, gatewaySaOf("bob@example.org").virtualIp());
        assertTrue(net.ping(gateway, "10.2.0.7", alice, aliceVip, 4), net.lastPing);
        assertTrue(net.ping(bob, bobVip, gateway, "10.2.0.7", 5), net.lastPing);
        assertEquals(2, pool.leased());
    }
}
