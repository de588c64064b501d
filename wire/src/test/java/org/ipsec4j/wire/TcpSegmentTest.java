package org.ipsec4j.wire;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TcpSegmentTest {

    @Test
    void realIpv4Syn() {
        byte[] b = Hex.bytes(RealPackets.TCP_SYN_V4);
        Ipv4Packet ip = Ipv4Packet.parse(b, 0, b.length);
        TcpSegment tcp = new TcpSegment().wrap(ip);
        assertEquals(39174, tcp.sourcePort());
        assertEquals(8080, tcp.destinationPort());
        assertEquals(0xdb957c03, tcp.sequenceNumber());
        assertEquals(0, tcp.acknowledgmentNumber());
        assertEquals(10, tcp.dataOffset());
        assertEquals(40, tcp.headerLength());
        assertEquals(TcpSegment.SYN, tcp.flags());
        assertTrue(tcp.syn());
        assertFalse(tcp.ack() || tcp.fin() || tcp.rst() || tcp.psh() || tcp.urg() || tcp.ece() || tcp.cwr());
        assertEquals(64240, tcp.window());
        assertEquals(0xae8e, tcp.checksum());
        assertTrue(tcp.verifyChecksum(ip));
        assertEquals(0xae8e, tcp.computeChecksum(ip));
        assertEquals(List.of(new TcpSegment.Option(2, 40, 4), new TcpSegment.Option(4, 44, 2),
                new TcpSegment.Option(8, 46, 10), new TcpSegment.Option(1, 56, 1), new TcpSegment.Option(3, 57, 3)),
                tcp.optionList());
        assertEquals(1460, tcp.mss());
        assertEquals(0, tcp.payloadLength());
    }

    @Test
    void clampsRealSynsWithIncrementalChecksum() {
        byte[] b = Hex.bytes(RealPackets.TCP_SYN_V4);
        Ipv4Packet ip = Ipv4Packet.parse(b, 0, b.length);
        TcpSegment tcp = new TcpSegment().wrap(ip);
        assertTrue(tcp.clampMss(1360));
        assertEquals(1360, tcp.mss());
        assertTrue(tcp.verifyChecksum(ip));
        assertFalse(tcp.clampMss(1400), "already below");
        assertFalse(tcp.clampMss(1360), "already equal");

        byte[] v6 = Hex.bytes(RealPackets.TCP_SYN_V6);
        Ipv6Packet ip6 = Ipv6Packet.parse(v6, 0, v6.length);
        tcp.wrap(ip6);
        assertEquals(1440, tcp.mss());
        assertTrue(tcp.verifyChecksum(ip6));
        assertTrue(tcp.clampMss(1340));
        assertTrue(tcp.verifyChecksum(ip6));
        assertEquals(tcp.checksum(), tcp.computeChecksum(ip6));
    }

    @Test
    void realDataSegment() {
        byte[] b = Hex.bytes(RealPackets.TCP_DATA_V4);
        Ipv4Packet ip = Ipv4Packet.parse(b, 0, b.length);
        TcpSegment tcp = new TcpSegment().wrap(ip);
        assertTrue(tcp.hasFlags(TcpSegment.PSH | TcpSegment.ACK));
        assertEquals(0x07ce4945, tcp.acknowledgmentNumber());
        assertEquals(-1, tcp.mss());
        assertFalse(tcp.clampMss(100), "only SYN segments carry an MSS");
        assertEquals(3, tcp.payloadLength());
        assertEquals("GET", new String(b, tcp.payloadOffset(), 3, java.nio.charset.StandardCharsets.US_ASCII));
        assertTrue(tcp.verifyChecksum(ip));
    }

    @Test
    void clampsAnMssAtAnOddOffset() {
        byte[] b = synWithOptions(Hex.bytes("01 020405b4 000000"), 0x0a000001, 0x0a000002);
        Ipv4Packet ip = Ipv4Packet.parse(b, 0, b.length);
        TcpSegment tcp = new TcpSegment().wrap(ip);
        assertEquals(41, tcp.mssOptionOffset());
        assertTrue(tcp.clampMss(1200));
        assertEquals(1200, tcp.mss());
        assertTrue(tcp.verifyChecksum(ip));
    }

    @Test
    void ignoresAnMssOptionOfTheWrongLength() {
        byte[] b = synWithOptions(Hex.bytes("0205 05b4 00 000000"), 1, 2);
        TcpSegment tcp = new TcpSegment().wrap(Ipv4Packet.parse(b, 0, b.length));
        assertEquals(-1, tcp.mss());
        assertFalse(tcp.clampMss(536));
    }

    static byte[] synWithOptions(byte[] options, int src, int dst) {
        byte[] b = rawSyn(options, src, dst);
        Ipv4Packet ip = Ipv4Packet.parse(b, 0, b.length);
        new TcpSegment().wrap(ip).updateChecksum(ip);
        return b;
    }

    /** A SYN with the given option bytes, not parsed and without a TCP checksum. */
    static byte[] rawSyn(byte[] options, int src, int dst) {
        int hl = 20 + ((options.length + 3) & ~3);
        byte[] b = new byte[20 + hl];
        Ipv4Packet.writeHeader(b, 0, 0, b.length, 1, true, 64, IpProtocol.TCP, src, dst);
        TcpSegment.writeHeader(b, 20, 1234, 80, 42, 0, TcpSegment.SYN, 65535, options, 0, options.length);
        return b;
    }

    @Test
    void rejectsMalformedHeaders() {
        byte[] b = Hex.bytes(RealPackets.TCP_SYN_V4);
        assertMalformed("tcp.header", 20, b, 19);
        byte[] small = b.clone();
        small[32] = 0x40;
        assertMalformed("tcp.dataOffset", 32, small, 40);
        assertMalformed("tcp.dataOffset", 32, b, 39);
        for (String opts : List.of("0201 0000", "0200 0000", "0101 0102", "0103 0a00", "010101 02")) {
            byte[] bad = rawSyn(Hex.bytes(opts), 1, 2);
            var e = assertThrows(MalformedPacketException.class, () -> TcpSegment.parse(bad, 20, 24), opts);
            assertEquals("tcp.option.length", e.field());
        }
        // EOL ends the list: what follows is padding and never read
        TcpSegment.parse(synWithOptions(Hex.bytes("00 01 02 03"), 1, 2), 20, 24);
    }

    static void assertMalformed(String field, int offset, byte[] b, int len) {
        var e = assertThrows(MalformedPacketException.class, () -> TcpSegment.parse(b, 20, len));
        assertEquals(field, e.field());
        assertEquals(offset, e.offset());
    }

    @Property
    void builtSegmentsParseBack(@ForAll @IntRange(max = 0xFFFF) int sport, @ForAll @IntRange(max = 0xFFFF) int dport,
                                @ForAll int seq, @ForAll int ack, @ForAll @IntRange(max = 255) int flags,
                                @ForAll @IntRange(max = 0xFFFF) int window, @ForAll @IntRange(max = 0xFFFF) int mss,
                                @ForAll @IntRange(max = 3) int leadingNops, @ForAll @Size(max = 100) byte[] payload,
                                @ForAll boolean v6) {
        byte[] opts = new byte[leadingNops + 4];
        Arrays.fill(opts, 0, leadingNops, (byte) 1);
        opts[leadingNops] = 2;
        opts[leadingNops + 1] = 4;
        BigEndian.put16(opts, leadingNops + 2, mss);
        int hl = 20 + ((opts.length + 3) & ~3);
        int ipLen = v6 ? 40 : 20;
        byte[] b = new byte[ipLen + hl + payload.length];
        if (v6) {
            Ipv6Packet.writeHeader(b, 0, 0, 0, hl + payload.length, IpProtocol.TCP, 64,
                    Ipv6PacketTest.SRC, 0, Ipv6PacketTest.DST, 0);
        } else {
            Ipv4Packet.writeHeader(b, 0, 0, b.length, 0, true, 64, IpProtocol.TCP, 0x0a000001, 0xc0a80001);
        }
        assertEquals(hl, TcpSegment.writeHeader(b, ipLen, sport, dport, seq, ack, flags, window, opts, 0, opts.length));
        System.arraycopy(payload, 0, b, ipLen + hl, payload.length);
        TcpSegment tcp = new TcpSegment();
        if (v6) {
            Ipv6Packet ip = Ipv6Packet.parse(b, 0, b.length);
            tcp.wrap(ip).updateChecksum(ip);
            assertTrue(tcp.verifyChecksum(ip));
        } else {
            Ipv4Packet ip = Ipv4Packet.parse(b, 0, b.length);
            tcp.wrap(ip).updateChecksum(ip);
            assertTrue(tcp.verifyChecksum(ip));
        }
        assertEquals(sport, tcp.sourcePort());
        assertEquals(dport, tcp.destinationPort());
        assertEquals(seq, tcp.sequenceNumber());
        assertEquals(ack, tcp.acknowledgmentNumber());
        assertEquals(flags, tcp.flags());
        assertEquals(window, tcp.window());
        assertEquals(mss, tcp.mss());
        assertEquals(ipLen + 20 + leadingNops, tcp.mssOptionOffset());
        assertEquals(payload.length, tcp.payloadLength());
    }

    @Property
    void mssClampEqualsFullRecompute(@ForAll @IntRange(max = 0xFFFF) int mss, @ForAll @IntRange(max = 0xFFFF) int max,
                                     @ForAll @IntRange(max = 3) int leadingNops, @ForAll int src, @ForAll int dst,
                                     @ForAll @Size(max = 21) byte[] payload) {
        byte[] opts = new byte[leadingNops + 4];
        Arrays.fill(opts, 0, leadingNops, (byte) 1);
        opts[leadingNops] = 2;
        opts[leadingNops + 1] = 4;
        BigEndian.put16(opts, leadingNops + 2, mss);
        byte[] syn = synWithOptions(opts, src, dst);
        byte[] b = Arrays.copyOf(syn, syn.length + payload.length);
        System.arraycopy(payload, 0, b, syn.length, payload.length);
        BigEndian.put16(b, 2, b.length);
        Ipv4Packet ip = Ipv4Packet.parse(b, 0, b.length).updateHeaderChecksum();
        TcpSegment tcp = new TcpSegment().wrap(ip).updateChecksum(ip);
        boolean changed = tcp.clampMss(max);
        assertEquals(mss > max, changed);
        assertEquals(Math.min(mss, max), tcp.mss());
        assertTrue(tcp.verifyChecksum(ip), "incremental update must agree with a full sum");
    }

    @Property(tries = 3000)
    void mutatedSegmentsOnlyEverFailAsMalformed(@ForAll @Size(max = 6) List<Integer> positions,
                                                @ForAll @Size(min = 1, max = 6) List<Byte> values,
                                                @ForAll int truncate, @ForAll boolean v6) {
        byte[] valid = Hex.bytes(v6 ? RealPackets.TCP_SYN_V6 : RealPackets.TCP_SYN_V4);
        byte[] b = new Mutation(positions, values, truncate).apply(valid);
        Mutation.expectOnlyMalformed(() -> {
            TcpSegment tcp = new TcpSegment();
            if (v6) {
                Ipv6Packet ip = Ipv6Packet.parse(b, 0, b.length);
                tcp.wrap(ip).clampMss(1200);
                tcp.verifyChecksum(ip);
            } else {
                Ipv4Packet ip = Ipv4Packet.parse(b, 0, b.length);
                tcp.wrap(ip).clampMss(1200);
                tcp.verifyChecksum(ip);
            }
            tcp.optionList();
            tcp.toString();
        });
    }

    @Property(tries = 2000)
    void randomBytesOnlyEverFailAsMalformed(@ForAll @Size(max = 70) byte[] b) {
        Mutation.expectOnlyMalformed(() -> {
            TcpSegment tcp = TcpSegment.parse(b, 0, b.length);
            tcp.optionList();
            tcp.clampMss(536);
        });
    }
}
