package org.ipsec4j.wire;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UdpDatagramTest {

    @Test
    void realIpv4DatagramWithEthernetPadding() {
        byte[] b = Arrays.copyOf(Hex.bytes(RealPackets.UDP_V4), 46); // padded to the Ethernet minimum
        Ipv4Packet ip = Ipv4Packet.parse(b, 0, b.length);
        UdpDatagram udp = new UdpDatagram().wrap(ip);
        assertEquals(40000, udp.sourcePort());
        assertEquals(5353, udp.destinationPort());
        assertEquals(21, udp.length());
        assertEquals(0x4bd5, udp.checksum());
        assertTrue(udp.verifyChecksum(ip));
        assertEquals(0x4bd5, udp.computeChecksum(ip));
        assertEquals(28, udp.payloadOffset());
        assertEquals("hello ipsec4j", new String(b, udp.payloadOffset(), udp.payloadLength(), StandardCharsets.US_ASCII));
        b[30] ^= 1;
        assertFalse(udp.verifyChecksum(ip));
    }

    @Test
    void realIpv6Datagram() {
        byte[] b = Hex.bytes(RealPackets.UDP_V6);
        Ipv6Packet ip = Ipv6Packet.parse(b, 0, b.length);
        UdpDatagram udp = new UdpDatagram().wrap(ip);
        assertEquals(0x6567, udp.checksum());
        assertTrue(udp.verifyChecksum(ip));
        assertEquals(0x6567, udp.computeChecksum(ip));
        assertEquals(13, udp.payloadLength());
    }

    @Test
    void zeroChecksumRules() {
        byte[] v4 = Hex.bytes(RealPackets.UDP_V4);
        Ipv4Packet ip4 = Ipv4Packet.parse(v4, 0, v4.length);
        UdpDatagram udp = new UdpDatagram().wrap(ip4).clearChecksum();
        assertTrue(udp.verifyChecksum(ip4), "RFC 768: zero means the sender computed none");

        byte[] v6 = Hex.bytes(RealPackets.UDP_V6);
        Ipv6Packet ip6 = Ipv6Packet.parse(v6, 0, v6.length);
        udp.wrap(ip6).clearChecksum();
        assertFalse(udp.verifyChecksum(ip6), "RFC 8200 §8.1: zero is invalid over IPv6");
        assertTrue(udp.verifyChecksum(ip6, true), "RFC 6935: allowed for agreed tunnels");
    }

    @Test
    void computedZeroIsSentAsAllOnes() {
        byte[] b = new byte[30];
        UdpDatagram.writeIpv4(b, 0, 0x0a000001, 0x0a000002, 1, 2, 64, 0, true, 2);
        Ipv4Packet ip = Ipv4Packet.parse(b, 0, b.length);
        UdpDatagram udp = new UdpDatagram().wrap(ip);
        // Put the checksum's own value into the payload: the data then sums to 0xFFFF, checksum 0.
        BigEndian.put16(b, 28, udp.computeChecksum(ip));
        assertEquals(0xFFFF, udp.computeChecksum(ip));
        udp.updateChecksum(ip);
        assertEquals(0xFFFF, udp.checksum());
        assertTrue(udp.verifyChecksum(ip));
    }

    @Test
    void rejectsBadLengths() {
        byte[] b = Hex.bytes(RealPackets.UDP_V4);
        var e = assertThrows(MalformedPacketException.class, () -> UdpDatagram.parse(b, 20, 7));
        assertEquals("udp.header", e.field());
        e = assertThrows(MalformedPacketException.class, () -> UdpDatagram.parse(b, 20, 20));
        assertEquals("udp.length", e.field());
        assertEquals(24, e.offset());
        b[25] = 7;
        assertThrows(MalformedPacketException.class, () -> UdpDatagram.parse(b, 20, 21));
        assertThrows(MalformedPacketException.class, () -> new UdpDatagram().wrap(
                Ipv4Packet.parse(Hex.bytes(RealPackets.TCP_SYN_V4), 0, 60)));
    }

    @Test
    void refusesNonFirstFragments() {
        byte[] b = Hex.bytes(RealPackets.UDP_V4);
        Ipv4Packet ip = Ipv4Packet.parse(b, 0, b.length).setFragment(8, false);
        var e = assertThrows(MalformedPacketException.class, () -> new UdpDatagram().wrap(ip));
        assertEquals("ipv4.fragmentOffset", e.field());
        assertEquals(6, e.offset());
    }

    @Test
    void quotedDatagramsMayBeCut() {
        // an ICMP error quoting only the IPv4 header and the first 8 bytes (RFC 792)
        byte[] b = Arrays.copyOf(Hex.bytes(RealPackets.UDP_V4), 28);
        Ipv4Packet ip = new Ipv4Packet().wrapQuoted(b, 0, b.length);
        assertThrows(MalformedPacketException.class, () -> new UdpDatagram().wrap(ip));
        UdpDatagram udp = new UdpDatagram().wrapQuoted(b, ip.payloadOffset(), ip.payloadLength());
        assertEquals(40000, udp.sourcePort());
        assertEquals(5353, udp.destinationPort());
        assertEquals(21, udp.lengthField());
        assertEquals(8, udp.length());
        assertEquals(0, udp.payloadLength());
        b[25] = 7;
        assertThrows(MalformedPacketException.class, () -> new UdpDatagram().wrapQuoted(b, 20, 8));
    }

    @Property
    void builtIpv4DatagramsParseBack(@ForAll int src, @ForAll int dst, @ForAll @IntRange(max = 0xFFFF) int sport,
                                     @ForAll @IntRange(max = 0xFFFF) int dport, @ForAll @Size(max = 300) byte[] payload) {
        byte[] b = new byte[28 + payload.length];
        System.arraycopy(payload, 0, b, 28, payload.length);
        int total = UdpDatagram.writeIpv4(b, 0, src, dst, sport, dport, 64, 7, false, payload.length);
        assertEquals(b.length, total);
        Ipv4Packet ip = Ipv4Packet.parse(b, 0, total);
        assertTrue(ip.headerChecksumValid());
        UdpDatagram udp = new UdpDatagram().wrap(ip);
        assertEquals(sport, udp.sourcePort());
        assertEquals(dport, udp.destinationPort());
        assertEquals(payload.length, udp.payloadLength());
        assertTrue(udp.checksum() != 0);
        assertTrue(udp.verifyChecksum(ip));
        assertEquals(udp.checksum(), udp.computeChecksum(ip));
    }

    @Property
    void builtIpv6DatagramsParseBack(@ForAll @Size(16) byte[] src, @ForAll @Size(16) byte[] dst,
                                     @ForAll @IntRange(max = 0xFFFF) int sport,
                                     @ForAll @Size(max = 300) byte[] payload) {
        byte[] b = new byte[48 + payload.length];
        System.arraycopy(payload, 0, b, 48, payload.length);
        int total = UdpDatagram.writeIpv6(b, 0, src, 0, dst, 0, sport, 4500, 64, payload.length);
        Ipv6Packet ip = Ipv6Packet.parse(b, 0, total);
        UdpDatagram udp = new UdpDatagram().wrap(ip);
        assertEquals(sport, udp.sourcePort());
        assertEquals(4500, udp.destinationPort());
        assertTrue(udp.checksum() != 0);
        assertTrue(udp.verifyChecksum(ip));
    }

    @Property(tries = 2000)
    void mutatedDatagramsOnlyEverFailAsMalformed(@ForAll @Size(max = 6) List<Integer> positions,
                                                 @ForAll @Size(min = 1, max = 6) List<Byte> values,
                                                 @ForAll int truncate, @ForAll boolean v6) {
        byte[] valid = Hex.bytes(v6 ? RealPackets.UDP_V6 : RealPackets.UDP_V4);
        byte[] b = new Mutation(positions, values, truncate).apply(valid);
        Mutation.expectOnlyMalformed(() -> {
            UdpDatagram udp = new UdpDatagram();
            if (v6) {
                Ipv6Packet ip = Ipv6Packet.parse(b, 0, b.length);
                udp.wrap(ip).verifyChecksum(ip);
                udp.computeChecksum(ip);
            } else {
                Ipv4Packet ip = Ipv4Packet.parse(b, 0, b.length);
                udp.wrap(ip).verifyChecksum(ip);
                udp.computeChecksum(ip);
            }
            udp.toString();
        });
    }

    @Property(tries = 1000)
    void randomBytesOnlyEverFailAsMalformed(@ForAll @Size(max = 40) byte[] b) {
        Mutation.expectOnlyMalformed(() -> UdpDatagram.parse(b, 0, b.length).toString());
        Mutation.expectOnlyMalformed(() -> new UdpDatagram().wrapQuoted(b, 0, b.length).payloadLength());
    }
}
