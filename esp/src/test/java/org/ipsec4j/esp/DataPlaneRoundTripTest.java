package org.ipsec4j.esp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.ipsec4j.esp.TwoPeers.Config;
import org.ipsec4j.esp.TwoPeers.Delivery;
import org.ipsec4j.esp.TwoPeers.Peer;
import org.ipsec4j.esp.crypto.EncryptionAlgorithm;
import org.ipsec4j.esp.crypto.EspTransform;
import org.ipsec4j.esp.crypto.IntegrityAlgorithm;
import org.ipsec4j.esp.sad.IpsecMode;
import org.ipsec4j.esp.selector.IpFamily;
import org.ipsec4j.wire.IpProtocol;
import org.ipsec4j.wire.Ipv4Packet;
import org.ipsec4j.wire.Ipv6Packet;
import org.ipsec4j.wire.UdpDatagram;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Two data planes over a simulated link carry ping-sized and 1400-byte packets, both ways, in every mode
 * (tunnel with every inner/outer family pair, transport over IPv4 and IPv6, raw ESP and ESP in UDP), with every
 * ESP transform (legacy ones allowed explicitly), received as whole packets and as a socket would hand them
 * over.
 */
class DataPlaneRoundTripTest {

    static List<EspTransform> allTransforms() {
        List<EspTransform> all = new ArrayList<>();
        for (EncryptionAlgorithm e : EncryptionAlgorithm.values()) {
            for (IntegrityAlgorithm i : IntegrityAlgorithm.values()) {
                if (e.aead() == (i == IntegrityAlgorithm.NONE)) {
                    all.add(EspTransform.of(e, i, true));
                }
            }
        }
        return all;
    }

    static List<Config> allModes(EspTransform t) {
        List<Config> c = new ArrayList<>();
        for (IpFamily outer : IpFamily.values()) {
            for (boolean udp : new boolean[] {false, true}) {
                for (IpFamily inner : IpFamily.values()) {
                    c.add(Config.tunnel(outer, inner, udp, t));
                }
                c.add(Config.transport(outer, udp, t));
            }
        }
        return c;
    }

    @TestFactory
    Stream<DynamicTest> everyModeAndTransform() {
        List<DynamicTest> tests = new ArrayList<>();
        int n = 0;
        for (EspTransform t : allTransforms()) {
            for (Config c : allModes(t)) {
                Config config = c.withEsn(n++ % 2 == 1);
                tests.add(DynamicTest.dynamicTest(config.toString(), () -> roundTrips(config)));
            }
        }
        for (IntegrityAlgorithm a : IntegrityAlgorithm.values()) {
            if (a == IntegrityAlgorithm.NONE) {
                continue;
            }
            for (IpFamily outer : IpFamily.values()) {
                for (IpFamily inner : IpFamily.values()) {
                    Config config = Config.ah(IpsecMode.TUNNEL, outer, inner, a).withEsn(n++ % 2 == 1);
                    tests.add(DynamicTest.dynamicTest(config.toString(), () -> roundTrips(config)));
                }
                Config config = Config.ah(IpsecMode.TRANSPORT, outer, outer, a).withEsn(n++ % 2 == 1);
                tests.add(DynamicTest.dynamicTest(config.toString(), () -> roundTrips(config)));
            }
        }
        return tests.stream();
    }

    private static void roundTrips(Config config) {
        TwoPeers link = new TwoPeers(config);
        int sent = 0;
        for (Delivery delivery : Delivery.values()) {
            for (Peer from : new Peer[] {link.left, link.right}) {
                Peer to = link.other(from);
                for (int kind = 0; kind < 3; kind++) {
                    byte[] original = new byte[TestPackets.buffer().length];
                    int off = TestPackets.OFFSET;
                    int hdr = config.inner() == IpFamily.IPV4 ? 20 : 40;
                    int len = switch (kind) {
                        case 0 -> TestPackets.ping(original, off, from.innerHost, to.innerHost, sent, 56);
                        case 1 -> TestPackets.udp(original, off, from.innerHost, to.innerHost, 5000, 6000, 1400 - hdr - 8);
                        default -> TestPackets.tcp(original, off, from.innerHost, to.innerHost, 40000, 443, 1400 - hdr - 20);
                    };
                    markDscpAndEcn(original, off, len, config.inner());
                    int packetLength = len;
                    OutboundResult out = link.send(from, (b, o) -> {
                        System.arraycopy(original, off, b, o, packetLength);
                        return packetLength;
                    }, sent);
                    assertEquals(OutboundResult.Action.SEND, out.action(), config + ": " + out);
                    byte[] wire = link.wire(from);
                    checkOuter(config, from, to, wire, out);
                    InboundResult in = link.deliver(to, wire, delivery, sent);
                    assertEquals(InboundResult.Action.DELIVER, in.action(), config + " " + delivery + " " + kind + ": " + in);
                    byte[] got = TwoPeers.delivered(in);
                    byte[] want = Arrays.copyOfRange(original, off, off + len);
                    if (config.mode() == IpsecMode.TRANSPORT && delivery == Delivery.SOCKET && config.ah() == null) {
                        // The socket kept the IP header; the data plane made a new one from the addresses.
                        assertEquals(want.length, got.length);
                        assertArrayEquals(Arrays.copyOfRange(want, hdr, want.length), Arrays.copyOfRange(got, hdr, got.length),
                                "upper layer");
                        assertArrayEquals(Arrays.copyOfRange(want, hdr - 8 * (hdr / 20), hdr), Arrays.copyOfRange(got, hdr - 8 * (hdr / 20), hdr),
                                "addresses");
                    } else {
                        assertArrayEquals(want, got, config + " " + delivery + " kind " + kind);
                    }
                    assertSame(to.inboundSa, in.sa());
                    assertSame(to.inPolicy, in.policy());
                    sent++;
                }
            }
        }
        assertEquals(sent / 2, link.left.outboundSa.counters().packets());
        assertEquals(sent / 2, link.right.inboundSa.counters().packets());
        assertEquals(0, link.right.inboundSa.counters().totalDrops());
        assertEquals(sent / 2, link.right.dataPlane.counters().inbound().packets());
        // Both ends count the same bytes on an SA, in every mode: the clear IP packets it carried.
        assertEquals(link.left.outboundSa.counters().bytes(), link.right.inboundSa.counters().bytes(), "bytes");
        assertEquals(link.right.outboundSa.counters().bytes(), link.left.inboundSa.counters().bytes(), "bytes");
        assertEquals(link.left.dataPlane.counters().outbound().bytes(),
                link.right.dataPlane.counters().inbound().bytes(), "data plane bytes");
    }

    /**
     * AH covers the IPv4 identification, and a Linux raw socket with IP_HDRINCL would replace a zero one after
     * the ICV was computed: transport mode gives such a packet a value first, tunnel mode never writes 0.
     */
    @org.junit.jupiter.api.Test
    void ahOverIpv4NeverSendsAZeroIdentification() {
        TwoPeers transport = new TwoPeers(Config.ah(IpsecMode.TRANSPORT, IpFamily.IPV4, IpFamily.IPV4,
                IntegrityAlgorithm.HMAC_SHA2_256_128));
        OutboundResult out = transport.send(transport.left, (b, o) -> {
            int n = TestPackets.udp(b, o, transport.left.innerHost, transport.right.innerHost, 1, 2, 100);
            Ipv4Packet.parse(b, o, n).setIdentification(0).updateHeaderChecksum(); // as Linux sends DF datagrams
            return n;
        }, 0);
        byte[] wire = transport.wire(transport.left);
        assertTrue(Ipv4Packet.parse(wire, 0, wire.length).identification() != 0, out.toString());
        assertEquals(InboundResult.Action.DELIVER,
                transport.deliver(transport.right, wire, Delivery.WHOLE_PACKET, 0).action());

        TwoPeers tunnel = new TwoPeers(Config.ah(IpsecMode.TUNNEL, IpFamily.IPV4, IpFamily.IPV4,
                IntegrityAlgorithm.HMAC_SHA2_256_128));
        for (int i = 0; i < 0x10001; i++) {
            tunnel.send(tunnel.left, (b, o) -> TestPackets.ping(b, o, tunnel.left.innerHost, tunnel.right.innerHost,
                    1, 8), i);
            OutboundResult r = tunnel.left.out;
            int id = ((r.buffer()[r.packetOffset() + 4] & 0xFF) << 8) | (r.buffer()[r.packetOffset() + 5] & 0xFF);
            assertTrue(id != 0, "packet " + i);
        }
    }

    /** DSCP EF and ECT(0) on the inner packet, which tunnel mode must copy to the outer header. */
    private static void markDscpAndEcn(byte[] buf, int off, int len, IpFamily family) {
        if (family == IpFamily.IPV4) {
            Ipv4Packet.parse(buf, off, len).setDscp(46).setEcn(EcnPropagation.ECT_0).updateHeaderChecksum();
        } else {
            Ipv6Packet.parse(buf, off, len).setDscp(46).setEcn(EcnPropagation.ECT_0);
        }
    }

    private static void checkOuter(Config config, Peer from, Peer to, byte[] wire, OutboundResult out) {
        int protocol;
        int tos;
        int payloadOff;
        int payloadLen;
        boolean udpChecksumOk = true;
        if (config.outer() == IpFamily.IPV4) {
            Ipv4Packet ip = Ipv4Packet.parse(wire, 0, wire.length);
            assertTrue(ip.headerChecksumValid());
            assertEquals(from.gateway.ipv4Value(), ip.sourceAddress());
            assertEquals(to.gateway.ipv4Value(), ip.destinationAddress());
            protocol = ip.protocol();
            tos = ip.typeOfService();
            payloadOff = ip.payloadOffset();
            payloadLen = ip.payloadLength();
            if (protocol == IpProtocol.UDP) {
                UdpDatagram u = UdpDatagram.parse(wire, payloadOff, payloadLen);
                assertEquals(0, u.checksum(), "RFC 3948 §2.1: zero UDP checksum over IPv4");
            }
        } else {
            Ipv6Packet ip = Ipv6Packet.parse(wire, 0, wire.length);
            protocol = ip.upperLayerProtocol();
            tos = ip.trafficClass();
            payloadOff = ip.upperLayerOffset();
            payloadLen = ip.upperLayerLength();
            if (protocol == IpProtocol.UDP) {
                udpChecksumOk = UdpDatagram.parse(wire, payloadOff, payloadLen).verifyChecksum(ip);
            }
        }
        assertTrue(udpChecksumOk, "UDP checksum over IPv6");
        assertEquals(tos, out.trafficClass(), "what a socket that builds the header must set");
        if (config.ah() != null) {
            checkAh(config, from, wire, out);
            return;
        }
        assertEquals(config.udp() ? IpProtocol.UDP : IpProtocol.ESP, protocol);
        assertEquals(46 << 2 | EcnPropagation.ECT_0, tos, "DSCP copied, ECN per RFC 6040 normal mode");
        if (config.udp()) {
            UdpDatagram u = UdpDatagram.parse(wire, payloadOff, payloadLen);
            assertEquals(4500, u.sourcePort());
            assertEquals(4500, u.destinationPort());
            payloadOff = u.payloadOffset();
        }
        // The socket view of the result points at the ESP packet inside the whole packet.
        assertEquals(out.packetOffset() + payloadOff, out.payloadOffset());
        assertEquals(wire.length - payloadOff, out.payloadLength());
        int spi = IpAddressBytes.int32(wire, payloadOff);
        assertEquals(from.outboundSa.spi(), spi);
        assertEquals(to.gateway, out.destination());
    }

    private static void checkAh(Config config, Peer from, byte[] wire, OutboundResult out) {
        assertEquals(IpProtocol.AH, out.ipProtocol());
        int ahOff = org.ipsec4j.esp.crypto.AhCodec.findHeader(wire, 0, wire.length);
        assertTrue(ahOff > 0);
        assertEquals(from.outboundSa.spi(), org.ipsec4j.esp.crypto.AhCodec.spiAt(wire, ahOff));
        assertEquals(out.packetOffset() + ahOff, out.payloadOffset());
        int tos = config.outer() == IpFamily.IPV4 ? Ipv4Packet.parse(wire, 0, wire.length).typeOfService()
                : Ipv6Packet.parse(wire, 0, wire.length).trafficClass();
        assertEquals(46 << 2 | EcnPropagation.ECT_0, tos, "DSCP and ECN copied (transport: kept)");
    }

    /** Big-endian int from bytes, for the SPI. */
    static final class IpAddressBytes {
        static int int32(byte[] b, int off) {
            return org.ipsec4j.esp.selector.IpAddress.readIpv4(b, off);
        }
    }
}
