package org.ipsec4j.esp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.ipsec4j.esp.TwoPeers.Config;
import org.ipsec4j.esp.TwoPeers.Delivery;
import org.ipsec4j.esp.crypto.EncryptionAlgorithm;
import org.ipsec4j.esp.crypto.EspTransform;
import org.ipsec4j.esp.crypto.IntegrityAlgorithm;
import org.ipsec4j.esp.selector.AddressRange;
import org.ipsec4j.esp.selector.IpAddress;
import org.ipsec4j.esp.selector.IpFamily;
import org.ipsec4j.esp.selector.TrafficSelector;
import org.ipsec4j.esp.spd.Direction;
import org.ipsec4j.esp.spd.SecurityPolicy;
import org.ipsec4j.wire.Ipv4Packet;
import org.ipsec4j.wire.TcpSegment;
import org.ipsec4j.wire.UdpDatagram;
import org.junit.jupiter.api.Test;

/** ESP in UDP through a NAT that rewrites left's outer source address and port (RFC 3948). */
class DataPlaneNatTraversalTest {

    static final EspTransform GCM = EspTransform.of(EncryptionAlgorithm.AES_GCM_16_128, IntegrityAlgorithm.NONE, false);
    static final IpAddress PUBLIC = IpAddress.parse("203.0.113.7");

    /** The NAT: left's source becomes 203.0.113.7:40000; the UDP checksum is zero, so only the IP one changes. */
    static void nat(byte[] w) {
        Ipv4Packet ip = Ipv4Packet.parse(w, 0, w.length);
        ip.setSource(PUBLIC.ipv4Value()).updateHeaderChecksum();
        UdpDatagram.parse(w, ip.payloadOffset(), ip.payloadLength()).setSourcePort(40000);
    }

    @Test
    void transportModeChecksumsAreFixedAfterNat() {
        for (Delivery delivery : Delivery.values()) {
            TwoPeers link = new TwoPeers(Config.transport(IpFamily.IPV4, true, GCM));
            link.onWire = DataPlaneNatTraversalTest::nat;
            // Right knows left by its public address, as IKE saw it.
            link.right.spd.flush();
            link.right.spd.add(new SecurityPolicy(Direction.IN, TrafficSelector.between(
                    AddressRange.single(link.right.gateway), AddressRange.single(PUBLIC)), link.right.inPolicy.action()));
            for (int kind = 0; kind < 2; kind++) {
                int k = kind;
                link.send(link.left, (b, o) -> k == 0
                        ? TestPackets.tcp(b, o, TwoPeers.LEFT_GW4, TwoPeers.RIGHT_GW4, 40001, 22, 300)
                        : TestPackets.udp(b, o, TwoPeers.LEFT_GW4, TwoPeers.RIGHT_GW4, 40001, 53, 300), 0);
                InboundResult r = link.deliver(link.right, link.wire(link.left), delivery, 0);
                assertEquals(InboundResult.Action.DELIVER, r.action(), delivery + ": " + r);
                Ipv4Packet ip = Ipv4Packet.parse(r.buffer(), r.offset(), r.length());
                assertEquals(PUBLIC.ipv4Value(), ip.sourceAddress());
                assertTrue(ip.headerChecksumValid());
                // RFC 3948 §3.1.2: the checksum computed over the private address would fail here; it was redone.
                boolean valid = k == 0 ? TcpSegment.parse(r.buffer(), ip.payloadOffset(), ip.payloadLength()).verifyChecksum(ip)
                        : UdpDatagram.parse(r.buffer(), ip.payloadOffset(), ip.payloadLength()).verifyChecksum(ip);
                assertTrue(valid, delivery + " kind " + k);
            }
        }
    }

    @Test
    void tunnelModeIsUntouchedByTheNat() {
        TwoPeers link = new TwoPeers(Config.tunnel(IpFamily.IPV4, IpFamily.IPV4, true, GCM));
        link.onWire = DataPlaneNatTraversalTest::nat;
        link.send(link.left, (b, o) -> TestPackets.tcp(b, o, "10.1.0.5", "10.2.0.5", 40001, 22, 300), 0);
        InboundResult r = link.deliver(link.right, link.wire(link.left), Delivery.SOCKET, 0);
        assertEquals(InboundResult.Action.DELIVER, r.action());
        Ipv4Packet ip = Ipv4Packet.parse(r.buffer(), r.offset(), r.length());
        assertEquals(IpAddress.parse("10.1.0.5").ipv4Value(), ip.sourceAddress());
        assertTrue(TcpSegment.parse(r.buffer(), ip.payloadOffset(), ip.payloadLength()).verifyChecksum(ip));
    }
}
