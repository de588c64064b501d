package org.ipsec4j.ike.sa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class IkeHandshakeTest {

    @Test
    void pskHandshakeInstallsAChildSaThatCarriesPings() {
        SimulatedNetwork net = new SimulatedNetwork(1);
        SimulatedNetwork.Host left = net.host("left", "192.0.2.1", Peers.psk(Peers.PSK), IkeSettings.DEFAULT);
        SimulatedNetwork.Host right = net.host("right", "192.0.2.2", Peers.psk(Peers.PSK), IkeSettings.DEFAULT);
        left.engine.addConnection(Peers.connection("net", left, right, "left@example.org", "right@example.org",
                Peers.ikeGcm(), Peers.child("net", "10.1.0.0/16", "10.2.0.0/16", Peers.espGcm(0), Duration.ZERO),
                Duration.ZERO, Duration.ZERO));
        right.engine.addConnection(Peers.connection("net", right, left, "right@example.org", "left@example.org",
                Peers.ikeGcm(), Peers.child("net", "10.2.0.0/16", "10.1.0.0/16", Peers.espGcm(0), Duration.ZERO),
                Duration.ZERO, Duration.ZERO));

        left.engine.initiate("net", null, net.now);
        net.run(Duration.ofSeconds(5));

        IkeSaStatus l = left.onlyIkeSa();
        IkeSaStatus r = right.onlyIkeSa();
        assertEquals(l.initiatorSpi(), r.initiatorSpi());
        assertEquals(l.responderSpi(), r.responderSpi());
        assertEquals(1, l.children().size(), left.events.toString());
        assertEquals(1, r.children().size(), right.events.toString());
        assertEquals(l.children().get(0).inboundSpi(), r.children().get(0).outboundSpi());
        assertEquals(l.children().get(0).outboundSpi(), r.children().get(0).inboundSpi());
        assertFalse(l.natLocal() || l.natRemote());
        assertTrue(net.ping(left, "10.1.0.5", right, "10.2.0.7", 1));
        assertTrue(net.ping(right, "10.2.0.7", left, "10.1.0.5", 1));
    }
}
