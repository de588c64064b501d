package org.ipsec4j.wire;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Icmpv4MessageTest {

    static final int GATEWAY = Ipv4Packet.parseAddress("192.0.2.1");

    @Test
    void realEchoRequest() {
        byte[] b = Hex.bytes(RealPackets.ICMP_ECHO_REQUEST_V4);
        Icmpv4Message icmp = new Icmpv4Message().wrap(Ipv4Packet.parse(b, 0, b.length));
        assertEquals(Icmpv4Message.TYPE_ECHO_REQUEST, icmp.type());
        assertEquals(0, icmp.code());
        assertEquals(0xaa45, icmp.checksum());
        assertTrue(icmp.checksumValid());
        assertEquals(0xaa45, icmp.computeChecksum());
        assertTrue(icmp.isEcho());
        assertFalse(icmp.isError());
        assertEquals(0x2dad, icmp.echoIdentifier());
        assertEquals(1, icmp.echoSequence());
        assertEquals(24, icmp.echoDataLength());
        assertEquals(-1, icmp.quotedPacketOffset());
        assertEquals(-1, icmp.nextHopMtu());
        assertThrows(MalformedPacketException.class, () -> icmp.quotedPacket(new Ipv4Packet()));
    }

    @Test
    void realPortUnreachableQuotesTheDatagram() {
        byte[] b = Hex.bytes(RealPackets.ICMP_PORT_UNREACHABLE_V4);
        Ipv4Packet outer = Ipv4Packet.parse(b, 0, b.length);
        assertEquals(0xc0, outer.typeOfService(), "Linux sends ICMP errors with precedence 6 (CS6)");
        Icmpv4Message icmp = new Icmpv4Message().wrap(outer);
        assertTrue(icmp.checksumValid());
        assertTrue(icmp.isError());
        assertEquals(Icmpv4Message.TYPE_DESTINATION_UNREACHABLE, icmp.type());
        assertEquals(Icmpv4Message.CODE_PORT_UNREACHABLE, icmp.code());
        assertEquals(28, icmp.quotedPacketOffset());
        assertEquals(39, icmp.quotedPacketLength());
        Ipv4Packet quoted = icmp.quotedPacket(new Ipv4Packet());
        assertFalse(quoted.isTruncated());
        assertEquals("10.99.0.1", Ipv4Packet.formatAddress(quoted.sourceAddress()));
        UdpDatagram udp = new UdpDatagram().wrap(quoted);
        assertEquals(5354, udp.destinationPort());
        assertTrue(udp.verifyChecksum(quoted));
    }

    static byte[] bigUdpPacket(int total, int src) {
        byte[] p = new byte[total];
        for (int i = 28; i < total; i++) {
            p[i] = (byte) i;
        }
        UdpDatagram.writeIpv4(p, 0, src, Ipv4Packet.parseAddress("198.51.100.7"), 4500, 4500, 64, 99, true,
                total - 28);
        return p;
    }

    @Test
    void fragmentationNeededQuotesAtMost576Bytes() {
        byte[] original = bigUdpPacket(1500, Ipv4Packet.parseAddress("10.1.2.3"));
        Ipv4Packet ip = Ipv4Packet.parse(original, 0, original.length);
        assertTrue(Icmpv4Message.mayRespondWithError(ip));
        byte[] out = new byte[600];
        int len = Icmpv4Message.writeFragmentationNeeded(out, 0, GATEWAY, 5, 1400, ip);
        assertEquals(576, len);
        Ipv4Packet err = Ipv4Packet.parse(out, 0, len);
        assertTrue(err.headerChecksumValid());
        assertEquals(GATEWAY, err.sourceAddress());
        assertEquals(ip.sourceAddress(), err.destinationAddress());
        assertEquals(IpProtocol.ICMP, err.protocol());
        assertEquals(Icmpv4Message.ERROR_TOS, err.typeOfService());
        Icmpv4Message icmp = new Icmpv4Message().wrap(err);
        assertTrue(icmp.checksumValid());
        assertTrue(icmp.isFragmentationNeeded());
        assertEquals(1400, icmp.nextHopMtu());
        assertEquals(576 - 28, icmp.quotedPacketLength());
        assertArrayEquals(Arrays.copyOf(original, 548), Arrays.copyOfRange(out, 28, 576));
        Ipv4Packet quoted = icmp.quotedPacket(new Ipv4Packet());
        assertTrue(quoted.isTruncated());
        assertEquals(1500, quoted.totalLength());
        assertEquals(4500, BigEndian.u16(out, quoted.payloadOffset()), "the first 8 bytes carry the UDP ports");
        assertFalse(Icmpv4Message.mayRespondWithError(err), "never an error about an error (RFC 1812 §4.3.2.7)");
    }

    @Test
    void portUnreachableQuotesSmallPacketsWhole() {
        byte[] original = bigUdpPacket(100, Ipv4Packet.parseAddress("10.1.2.3"));
        Ipv4Packet ip = Ipv4Packet.parse(original, 0, original.length);
        byte[] out = new byte[576];
        int len = Icmpv4Message.writePortUnreachable(out, 0, GATEWAY, 0, ip);
        assertEquals(128, len);
        Icmpv4Message icmp = Icmpv4Message.parse(out, 20, len - 20);
        assertEquals(Icmpv4Message.CODE_PORT_UNREACHABLE, icmp.code());
        assertTrue(icmp.checksumValid());
        assertFalse(icmp.quotedPacket(new Ipv4Packet()).isTruncated());
    }

    @Test
    void errorCanBeWrittenOverTheOriginalInPlace() {
        byte[] buf = new byte[700];
        byte[] original = bigUdpPacket(600, Ipv4Packet.parseAddress("10.1.2.3"));
        System.arraycopy(original, 0, buf, 10, 600);
        Ipv4Packet ip = Ipv4Packet.parse(buf, 10, 600);
        int len = Icmpv4Message.writeTimeExceeded(buf, 10, GATEWAY, 1, ip);
        Ipv4Packet err = Ipv4Packet.parse(buf, 10, len);
        assertEquals(Ipv4Packet.parseAddress("10.1.2.3"), err.destinationAddress());
        Icmpv4Message icmp = new Icmpv4Message().wrap(err);
        assertTrue(icmp.checksumValid());
        assertEquals(Icmpv4Message.TYPE_TIME_EXCEEDED, icmp.type());
        assertArrayEquals(Arrays.copyOf(original, 548), Arrays.copyOfRange(buf, 38, 38 + 548));
    }

    @Test
    void rfc4884LengthLimitsTheQuote() {
        byte[] original = bigUdpPacket(200, 0x0a000001);
        Ipv4Packet ip = Ipv4Packet.parse(original, 0, original.length);
        byte[] out = new byte[576];
        int len = Icmpv4Message.writeError(out, 0, GATEWAY, 0, Icmpv4Message.TYPE_TIME_EXCEEDED, 0,
                (128 / 4) << 16, ip);
        Icmpv4Message icmp = Icmpv4Message.parse(out, 20, len - 20);
        assertEquals(128, icmp.quotedPacketLength(), "RFC 4884: 32 words of original datagram, then extensions");
    }

    @Test
    void noErrorsAboutFragmentsBroadcastOrMulticast() {
        byte[] p = bigUdpPacket(100, 0x0a000001);
        Ipv4Packet ip = Ipv4Packet.parse(p, 0, p.length);
        ip.setFragment(8, false).updateHeaderChecksum();
        assertFalse(Icmpv4Message.mayRespondWithError(ip));
        ip.setFragment(0, true).setDestination(Ipv4Packet.parseAddress("224.0.0.5"));
        assertFalse(Icmpv4Message.mayRespondWithError(ip));
        ip.setDestination(-1);
        assertFalse(Icmpv4Message.mayRespondWithError(ip));
        ip.setDestination(0x0a000002).setSource(0);
        assertFalse(Icmpv4Message.mayRespondWithError(ip));
        ip.setSource(0x0a000001);
        assertTrue(Icmpv4Message.mayRespondWithError(ip), "the first fragment may be answered");
    }

    @Test
    void rejectsShortMessages() {
        var e = assertThrows(MalformedPacketException.class, () -> Icmpv4Message.parse(new byte[7], 0, 7));
        assertEquals("icmp.header", e.field());
        byte[] b = Hex.bytes(RealPackets.ICMP_PORT_UNREACHABLE_V4);
        b[28] = 0x44; // quoted IHL 4
        Icmpv4Message icmp = Icmpv4Message.parse(b, 20, b.length - 20);
        e = assertThrows(MalformedPacketException.class, () -> icmp.quotedPacket(new Ipv4Packet()));
        assertEquals("ipv4.ihl", e.field());
        assertEquals(28, e.offset());
    }

    @Property
    void builtEchoPacketsParseBack(@ForAll int src, @ForAll int dst, @ForAll boolean reply,
                                   @ForAll @IntRange(max = 0xFFFF) int id, @ForAll @IntRange(max = 0xFFFF) int seq,
                                   @ForAll @Size(max = 200) byte[] data) {
        byte[] b = new byte[28 + data.length];
        System.arraycopy(data, 0, b, 28, data.length);
        int type = reply ? Icmpv4Message.TYPE_ECHO_REPLY : Icmpv4Message.TYPE_ECHO_REQUEST;
        int len = Icmpv4Message.writeEchoPacket(b, 0, src, dst, 64, type, id, seq, data.length);
        Ipv4Packet ip = Ipv4Packet.parse(b, 0, len);
        assertTrue(ip.headerChecksumValid());
        Icmpv4Message icmp = new Icmpv4Message().wrap(ip);
        assertTrue(icmp.checksumValid());
        assertEquals(type, icmp.type());
        assertEquals(id, icmp.echoIdentifier());
        assertEquals(seq, icmp.echoSequence());
        assertEquals(data.length, icmp.echoDataLength());
    }

    @Property
    void builtErrorsQuoteAPrefixOfTheOriginal(@ForAll @IntRange(min = 28, max = 1500) int total,
                                              @ForAll @IntRange(max = 0xFFFF) int mtu) {
        byte[] original = bigUdpPacket(total, 0x0a000001);
        Ipv4Packet ip = Ipv4Packet.parse(original, 0, total);
        byte[] out = new byte[Icmpv4Message.MAX_ERROR_DATAGRAM];
        int len = Icmpv4Message.writeFragmentationNeeded(out, 0, GATEWAY, 0, mtu, ip);
        assertEquals(Math.min(576, 28 + total), len);
        Icmpv4Message icmp = Icmpv4Message.parse(out, 20, len - 20);
        assertTrue(icmp.checksumValid());
        assertEquals(mtu, icmp.nextHopMtu());
        Ipv4Packet quoted = icmp.quotedPacket(new Ipv4Packet());
        assertEquals(total, quoted.totalLength());
        assertEquals(total > 548, quoted.isTruncated());
    }

    @Property(tries = 3000)
    void mutatedMessagesOnlyEverFailAsMalformed(@ForAll @Size(max = 6) List<Integer> positions,
                                                @ForAll @Size(min = 1, max = 6) List<Byte> values,
                                                @ForAll int truncate) {
        byte[] b = new Mutation(positions, values, truncate).apply(Hex.bytes(RealPackets.ICMP_PORT_UNREACHABLE_V4));
        Mutation.expectOnlyMalformed(() -> exercise(b));
    }

    static void exercise(byte[] b) {
        Ipv4Packet ip = Ipv4Packet.parse(b, 0, b.length);
        Icmpv4Message icmp = new Icmpv4Message().wrap(ip);
        icmp.checksumValid();
        icmp.toString();
        icmp.nextHopMtu();
        icmp.pointer();
        Icmpv4Message.mayRespondWithError(ip);
        if (icmp.isError()) {
            Ipv4Packet quoted = icmp.quotedPacket(new Ipv4Packet());
            Icmpv4Message.mayRespondWithError(quoted);
            if (quoted.protocol() == IpProtocol.UDP && quoted.payloadLength() >= 8) {
                quoted.toString();
            }
        }
    }
}
