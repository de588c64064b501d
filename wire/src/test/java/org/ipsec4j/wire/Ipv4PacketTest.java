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
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Ipv4PacketTest {

    /** The classic header (total length 0x73) followed by 95 payload bytes and 6 bytes of Ethernet padding. */
    static byte[] classicPacket() {
        byte[] p = new byte[4 + 0x73 + 6];
        System.arraycopy(InternetChecksumTest.CLASSIC_HEADER, 0, p, 4, 20);
        return p;
    }

    @Test
    void parsesTheClassicHeader() {
        byte[] p = classicPacket();
        Ipv4Packet ip = Ipv4Packet.parse(p, 4, p.length - 4);
        assertEquals(20, ip.headerLength());
        assertEquals(0x73, ip.totalLength());
        assertEquals(0, ip.dscp());
        assertEquals(0, ip.ecn());
        assertEquals(0, ip.identification());
        assertTrue(ip.dontFragment());
        assertFalse(ip.moreFragments());
        assertEquals(0, ip.fragmentOffset());
        assertFalse(ip.isFragment());
        assertEquals(64, ip.ttl());
        assertEquals(IpProtocol.UDP, ip.protocol());
        assertEquals(0xb861, ip.headerChecksum());
        assertTrue(ip.headerChecksumValid());
        assertEquals("192.168.0.1", Ipv4Packet.formatAddress(ip.sourceAddress()));
        assertEquals("192.168.0.199", Ipv4Packet.formatAddress(ip.destinationAddress()));
        assertEquals(16, ip.sourceOffset());
        assertEquals(20, ip.destinationOffset());
        assertEquals(24, ip.optionsOffset());
        assertEquals(0, ip.optionsLength());
        assertEquals(24, ip.payloadOffset());
        assertEquals(0x73 - 20, ip.payloadLength(), "Ethernet padding past the total length is ignored");
    }

    @Test
    void computeHeaderChecksumIgnoresTheFieldItHolds() {
        byte[] p = classicPacket();
        p[4 + 10] = (byte) 0xde;
        p[4 + 11] = (byte) 0xad;
        Ipv4Packet ip = Ipv4Packet.parse(p, 4, p.length - 4);
        assertFalse(ip.headerChecksumValid());
        assertEquals(0xb861, ip.computeHeaderChecksum());
    }

    @Test
    void realPacketFromLinux() {
        byte[] b = Hex.bytes(RealPackets.ICMP_PORT_UNREACHABLE_V4);
        Ipv4Packet ip = Ipv4Packet.parse(b, 0, b.length);
        assertEquals(48, ip.dscp(), "CS6");
        assertEquals(0x901c, ip.identification());
        assertFalse(ip.dontFragment());
        assertEquals(0xd515, ip.headerChecksum());
        assertTrue(ip.headerChecksumValid());
        assertEquals("IPv4 10.99.0.2 > 10.99.0.1 ICMP len 67 id 36892 ttl 64", ip.toString());
    }

    @Test
    void wrapReusesTheView() {
        byte[] p = classicPacket();
        Ipv4Packet ip = new Ipv4Packet();
        assertSame(ip, ip.wrap(p, 4, p.length - 4));
        byte[] other = Hex.bytes("4500 0014 1234 2001 0106 0000 0a000001 0a000002");
        assertSame(ip, ip.wrap(other, 0, 20));
        assertEquals(0x1234, ip.identification());
        assertTrue(ip.moreFragments());
        assertEquals(8, ip.fragmentOffset());
        assertTrue(ip.isFragment());
        assertEquals(IpProtocol.TCP, ip.protocol());
        assertEquals(1, ip.ttl());
    }

    @Test
    void failedWrapLeavesThePreviousPacket() {
        byte[] p = classicPacket();
        Ipv4Packet ip = Ipv4Packet.parse(p, 4, p.length - 4);
        assertThrows(MalformedPacketException.class, () -> ip.wrap(new byte[20], 0, 20));
        assertEquals(p, ip.buffer());
        assertEquals(0x73, ip.totalLength());
    }

    @Test
    void rejectsMalformedHeaders() {
        byte[] ok = InternetChecksumTest.CLASSIC_HEADER;
        assertMalformed("ipv4.header", 0, Arrays.copyOf(ok, 19), 19);
        byte[] v6 = ok.clone();
        v6[0] = 0x65;
        assertMalformed("ipv4.version", 0, v6, 20);
        byte[] ihl4 = ok.clone();
        ihl4[0] = 0x44;
        assertMalformed("ipv4.ihl", 0, ihl4, 20);
        byte[] ihl6 = ok.clone();
        ihl6[0] = 0x46;
        assertMalformed("ipv4.ihl", 0, ihl6, 20);
        byte[] shortTotal = ok.clone();
        shortTotal[3] = 19;
        assertMalformed("ipv4.totalLength", 2, shortTotal, 20);
        // the classic header claims 0x73 bytes but only 20 are given
        assertMalformed("ipv4.totalLength", 2, ok, 20);
    }

    @Test
    void offsetsInMalformedExceptionsAreAbsolute() {
        byte[] b = new byte[30];
        System.arraycopy(InternetChecksumTest.CLASSIC_HEADER, 0, b, 10, 20);
        var e = assertThrows(MalformedPacketException.class, () -> Ipv4Packet.parse(b, 10, 20));
        assertEquals(12, e.offset());
        assertEquals("total length 115 > 20 bytes present", e.reason());
        assertEquals("ipv4.totalLength at offset 12: total length 115 > 20 bytes present", e.getMessage());
    }

    static void assertMalformed(String field, int offset, byte[] b, int len) {
        var e = assertThrows(MalformedPacketException.class, () -> Ipv4Packet.parse(b, 0, len));
        assertEquals(field, e.field());
        assertEquals(offset, e.offset());
    }

    static byte[] withOptions(byte[] options, int payload) {
        byte[] p = new byte[20 + options.length + payload];
        Ipv4Packet.writeHeader(p, 0, 0, p.length, 7, 0, 64, IpProtocol.UDP, 0x0a000001, 0x0a000002,
                options, 0, options.length);
        return p;
    }

    @Test
    void walksOptions() {
        // NOP, Router Alert (RFC 2113, copied), a Timestamp-shaped non-copied option, EOL, padding
        byte[] opts = Hex.bytes("01 94040000 440600000000 00");
        byte[] p = withOptions(opts, 4);
        Ipv4Packet ip = Ipv4Packet.parse(p, 0, p.length);
        assertEquals(32, ip.headerLength());
        assertTrue(ip.headerChecksumValid());
        assertEquals(List.of(new Ipv4Packet.Option(1, 20, 1), new Ipv4Packet.Option(0x94, 21, 4),
                new Ipv4Packet.Option(0x44, 25, 6), new Ipv4Packet.Option(0, 31, 1)), ip.optionList());
        byte[] out = new byte[40];
        assertEquals(4, ip.copyOptionsForFragment(out, 0));
        assertArrayEquals(Hex.bytes("94040000"), Arrays.copyOf(out, 4));
    }

    @Test
    void rejectsBadOptionLengths() {
        for (String bad : List.of("44 01 000000 00 00", "44 00 000000 00 00", "01 01 01 44 06 000000",
                "000000 01 01 01 01 44")) {
            byte[] opts = Hex.bytes(bad);
            byte[] p = withOptions(Arrays.copyOf(opts, (opts.length + 3) & ~3), 0);
            if (bad.startsWith("000000")) {
                // EOL first: the rest is padding and never read
                Ipv4Packet.parse(p, 0, p.length);
                continue;
            }
            var e = assertThrows(MalformedPacketException.class, () -> Ipv4Packet.parse(p, 0, p.length), bad);
            assertEquals("ipv4.option.length", e.field());
        }
        byte[] p = withOptions(Hex.bytes("01010144"), 0);
        var e = assertThrows(MalformedPacketException.class, () -> Ipv4Packet.parse(p, 0, p.length));
        assertEquals(24, e.offset(), "the missing length octet would be at 23 + 1");
    }

    @Test
    void settersEditInPlaceAndChecksumFollows() {
        byte[] p = classicPacket();
        Ipv4Packet ip = Ipv4Packet.parse(p, 4, p.length - 4);
        ip.setDscp(46).setEcn(2).setTtl(3).setIdentification(0xBEEF).setDontFragment(false)
                .setFragment(1480, true).setSource(0x0a000001).setDestination(0xc0000201).setTotalLength(0x60)
                .updateHeaderChecksum();
        Ipv4Packet again = Ipv4Packet.parse(p, 4, p.length - 4);
        assertEquals(46, again.dscp());
        assertEquals(2, again.ecn());
        assertEquals(3, again.ttl());
        assertEquals(0xBEEF, again.identification());
        assertFalse(again.dontFragment());
        assertTrue(again.moreFragments());
        assertEquals(1480, again.fragmentOffset());
        assertEquals("10.0.0.1", Ipv4Packet.formatAddress(again.sourceAddress()));
        assertEquals("192.0.2.1", Ipv4Packet.formatAddress(again.destinationAddress()));
        assertEquals(0x60 - 20, again.payloadLength());
        assertTrue(again.headerChecksumValid());
        assertThrows(IllegalArgumentException.class, () -> ip.setFragment(3, false));
        assertThrows(IllegalArgumentException.class, () -> ip.setTotalLength(19));
    }

    @Test
    void decrementTtlPatchesChecksumIncrementally() {
        byte[] p = classicPacket();
        Ipv4Packet ip = Ipv4Packet.parse(p, 4, p.length - 4);
        for (int ttl = 63; ttl >= 0; ttl--) {
            assertEquals(ttl, ip.decrementTtl());
            assertTrue(ip.headerChecksumValid());
        }
        assertThrows(IllegalStateException.class, ip::decrementTtl);
    }

    @Test
    void quotedPacketMayBeTruncated() {
        byte[] quoted = Arrays.copyOf(InternetChecksumTest.CLASSIC_HEADER, 28);
        assertThrows(MalformedPacketException.class, () -> Ipv4Packet.parse(quoted, 0, 28));
        Ipv4Packet ip = new Ipv4Packet().wrapQuoted(quoted, 0, 28);
        assertTrue(ip.isTruncated());
        assertEquals(0x73, ip.totalLength());
        assertEquals(8, ip.payloadLength());
        var e = assertThrows(MalformedPacketException.class, () -> new Ipv4Packet().wrapQuoted(quoted, 0, 19));
        assertEquals("ipv4.header", e.field());
    }

    @Test
    void addressText() {
        assertEquals("0.0.0.0", Ipv4Packet.formatAddress(0));
        assertEquals("255.255.255.255", Ipv4Packet.formatAddress(-1));
        assertEquals(0xc0a800c7, Ipv4Packet.parseAddress("192.168.0.199"));
        assertThrows(IllegalArgumentException.class, () -> Ipv4Packet.parseAddress("1.2.3"));
        assertThrows(IllegalArgumentException.class, () -> Ipv4Packet.parseAddress("1.2.3.256"));
    }

    @Property
    void buildThenParseRoundTrips(@ForAll @IntRange(max = 255) int tos, @ForAll @IntRange(max = 1000) int payload,
                                  @ForAll @IntRange(max = 0xFFFF) int id, @ForAll boolean df,
                                  @ForAll @IntRange(max = 8191) int fragUnits, @ForAll boolean mf,
                                  @ForAll @IntRange(max = 255) int ttl, @ForAll @IntRange(max = 255) int proto,
                                  @ForAll int src, @ForAll int dst, @ForAll @IntRange(max = 10) int optionWords,
                                  @ForAll @IntRange(max = 16) int lead, @ForAll @IntRange(max = 16) int trail) {
        byte[] opts = new byte[optionWords * 4];
        Arrays.fill(opts, (byte) Ipv4Packet.OPTION_NO_OPERATION);
        int ihl = 20 + opts.length;
        byte[] b = new byte[lead + ihl + payload + trail];
        int flags = (df ? 0x4000 : 0) | (mf ? 0x2000 : 0) | fragUnits;
        assertEquals(ihl, Ipv4Packet.writeHeader(b, lead, tos, ihl + payload, id, flags, ttl, proto, src, dst,
                opts, 0, opts.length));
        Ipv4Packet ip = Ipv4Packet.parse(b, lead, b.length - lead);
        assertTrue(ip.headerChecksumValid());
        assertEquals(tos >>> 2, ip.dscp());
        assertEquals(tos & 3, ip.ecn());
        assertEquals(ihl + payload, ip.totalLength());
        assertEquals(id, ip.identification());
        assertEquals(df, ip.dontFragment());
        assertEquals(mf, ip.moreFragments());
        assertEquals(fragUnits * 8, ip.fragmentOffset());
        assertEquals(ttl, ip.ttl());
        assertEquals(proto, ip.protocol());
        assertEquals(src, ip.sourceAddress());
        assertEquals(dst, ip.destinationAddress());
        assertEquals(ihl, ip.headerLength());
        assertEquals(lead + ihl, ip.payloadOffset());
        assertEquals(payload, ip.payloadLength());
        assertEquals(optionWords * 4, ip.optionList().size());
    }

    @Property
    void simpleWriteHeaderRoundTrips(@ForAll int src, @ForAll int dst, @ForAll boolean df) {
        byte[] b = new byte[20];
        Ipv4Packet.writeHeader(b, 0, 0, 20, 1, df, 64, IpProtocol.ICMP, src, dst);
        Ipv4Packet ip = Ipv4Packet.parse(b, 0, 20);
        assertTrue(ip.headerChecksumValid());
        assertEquals(df, ip.dontFragment());
        assertEquals(src, Ipv4Packet.parseAddress(Ipv4Packet.formatAddress(src)));
    }

    @Property(tries = 2000)
    void mutatedPacketsOnlyEverFailAsMalformed(@ForAll @Size(max = 6) List<Integer> positions,
                                               @ForAll @Size(min = 1, max = 6) List<Byte> values,
                                               @ForAll int truncate) {
        byte[] valid = withOptions(Hex.bytes("01 94040000 440600000000 00"), 12);
        byte[] b = new Mutation(positions, values, truncate).apply(valid);
        Mutation.expectOnlyMalformed(() -> {
            Ipv4Packet ip = Ipv4Packet.parse(b, 0, b.length);
            ip.optionList();
            ip.headerChecksumValid();
            ip.copyOptionsForFragment(new byte[40], 0);
            ip.toString();
        });
        Mutation.expectOnlyMalformed(() -> new Ipv4Packet().wrapQuoted(b, 0, b.length).optionList());
    }

    @Property(tries = 2000)
    void randomBytesOnlyEverFailAsMalformed(@ForAll @Size(max = 80) byte[] b) {
        if (b.length > 0) {
            b[0] = (byte) (0x40 | (b[0] & 0x0F)); // mostly version 4, to get past the first check
        }
        Mutation.expectOnlyMalformed(() -> Ipv4Packet.parse(b, 0, b.length).optionList());
        Mutation.expectOnlyMalformed(() -> new Ipv4Packet().wrapQuoted(b, 0, b.length).optionList());
    }
}
