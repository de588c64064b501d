package org.ipsec4j.wire;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Ipv6PacketTest {

    static final byte[] SRC = Ipv6Packet.parseAddress("2001:db8::1");
    static final byte[] DST = Ipv6Packet.parseAddress("2001:db8:0:1::2");

    /** An ICMPv6 echo request 2001:db8::1 -> 2001:db8:0:1::2, hop limit 64, flow label 0x12345, TC 0xb8. */
    static final byte[] ECHO = Hex.bytes("""
            6b81 2345 0010 3a40
            2001 0db8 0000 0000 0000 0000 0000 0001
            2001 0db8 0000 0001 0000 0000 0000 0002
            8000 0000 1234 0001 6162 6364 6566 6768
            """);

    @Test
    void parsesAFixedHeader() {
        Ipv6Packet ip = Ipv6Packet.parse(ECHO, 0, ECHO.length);
        assertEquals(0xb8, ip.trafficClass());
        assertEquals(46, ip.dscp());
        assertEquals(0, ip.ecn());
        assertEquals(0x12345, ip.flowLabel());
        assertEquals(16, ip.payloadLength());
        assertEquals(IpProtocol.ICMPV6, ip.nextHeader());
        assertEquals(64, ip.hopLimit());
        assertEquals(8, ip.sourceOffset());
        assertEquals(24, ip.destinationOffset());
        assertEquals("2001:db8::1", Ipv6Packet.formatAddress(ECHO, ip.sourceOffset()));
        assertEquals("2001:db8:0:1::2", Ipv6Packet.formatAddress(ECHO, ip.destinationOffset()));
        byte[] a = new byte[16];
        ip.copySource(a);
        assertArrayEquals(SRC, a);
        ip.copyDestination(a);
        assertArrayEquals(DST, a);
        assertEquals(IpProtocol.ICMPV6, ip.upperLayerProtocol());
        assertEquals(40, ip.upperLayerOffset());
        assertEquals(16, ip.upperLayerLength());
        assertEquals(-1, ip.fragmentHeaderOffset());
        assertFalse(ip.isFragment());
        assertEquals(40, ip.unfragmentablePartLength());
        assertEquals(0, ip.extensionHeaderCount());
    }

    @Test
    void realPacketFromLinux() {
        byte[] b = Hex.bytes(RealPackets.UDP_V6);
        Ipv6Packet ip = Ipv6Packet.parse(b, 0, b.length);
        assertEquals(0, ip.trafficClass());
        assertEquals(0x40722, ip.flowLabel());
        assertEquals(21, ip.payloadLength());
        assertEquals(64, ip.hopLimit());
        assertEquals(IpProtocol.UDP, ip.upperLayerProtocol());
        assertEquals("fd00:99::1", Ipv6Packet.formatAddress(b, ip.sourceOffset()));
        assertEquals("IPv6 fd00:99::1 > fd00:99::2 UDP plen 21 hlim 64", ip.toString());
    }

    @Test
    void rejectsMalformedFixedHeaders() {
        assertMalformed("ipv6.header", 0, Arrays.copyOf(ECHO, 39));
        byte[] v4 = ECHO.clone();
        v4[0] = 0x4b;
        assertMalformed("ipv6.version", 0, v4);
        assertMalformed("ipv6.payloadLength", 4, Arrays.copyOf(ECHO, 55));
        // trailing bytes are ignored
        Ipv6Packet.parse(Arrays.copyOf(ECHO, 70), 0, 70);
    }

    @Test
    void failedWrapLeavesThePreviousPacket() {
        Ipv6Packet ip = Ipv6Packet.parse(ECHO, 0, ECHO.length);
        byte[] bad = chain(IpProtocol.UDP, new byte[8], IpProtocol.IPV6_OPTS, 8, IpProtocol.HOPOPT, 8);
        assertThrows(MalformedPacketException.class, () -> ip.wrap(bad, 0, bad.length));
        assertEquals(IpProtocol.ICMPV6, ip.upperLayerProtocol());
        assertEquals(ECHO, ip.buffer());
        assertEquals(0x12345, ip.flowLabel());
    }

    @Test
    void refusesJumbograms() {
        byte[] b = new byte[40 + 8];
        Ipv6Packet.writeHeader(b, 0, 0, 0, 0, IpProtocol.HOPOPT, 64, SRC, 0, DST, 0);
        // hop-by-hop: next 59, len 0, Jumbo option C2 04 + 4 bytes of length (RFC 2675)
        System.arraycopy(Hex.bytes("3b00 c204 0001 0000"), 0, b, 40, 8);
        var e = assertThrows(MalformedPacketException.class, () -> Ipv6Packet.parse(b, 0, b.length));
        assertEquals("ipv6.payloadLength", e.field());
        assertTrue(e.getMessage().contains("jumbogram"));
    }

    /** Builds IPv6 + the given extension headers (type, body incl. next/len bytes filled in) + upper layer. */
    static byte[] chain(int upper, byte[] upperBytes, Object... typesAndLengths) {
        ByteArrayOutputStream ext = new ByteArrayOutputStream();
        List<int[]> hdrs = new ArrayList<>();
        for (int i = 0; i < typesAndLengths.length; i += 2) {
            hdrs.add(new int[] {(Integer) typesAndLengths[i], (Integer) typesAndLengths[i + 1]});
        }
        for (int i = 0; i < hdrs.size(); i++) {
            int type = hdrs.get(i)[0];
            int len = hdrs.get(i)[1];
            int next = i + 1 < hdrs.size() ? hdrs.get(i + 1)[0] : upper;
            byte[] h = new byte[len];
            h[0] = (byte) next;
            h[1] = (byte) switch (type) {
                case IpProtocol.IPV6_FRAG -> 0;
                case IpProtocol.AH -> len / 4 - 2;
                default -> len / 8 - 1;
            };
            ext.writeBytes(h);
        }
        ext.writeBytes(upperBytes);
        byte[] payload = ext.toByteArray();
        byte[] b = new byte[40 + payload.length];
        int first = hdrs.isEmpty() ? upper : hdrs.get(0)[0];
        Ipv6Packet.writeHeader(b, 0, 0, 0, payload.length, first, 64, SRC, 0, DST, 0);
        System.arraycopy(payload, 0, b, 40, payload.length);
        return b;
    }

    @Test
    void walksAFullChain() {
        byte[] b = chain(IpProtocol.TCP, new byte[20],
                IpProtocol.HOPOPT, 8, IpProtocol.IPV6_OPTS, 16, IpProtocol.IPV6_ROUTE, 24,
                IpProtocol.IPV6_FRAG, 8, IpProtocol.IPV6_OPTS, 8, IpProtocol.AH, 24);
        Ipv6Packet ip = Ipv6Packet.parse(b, 0, b.length);
        assertEquals(List.of(new Ipv6Packet.ExtensionHeader(0, 40, 8), new Ipv6Packet.ExtensionHeader(60, 48, 16),
                new Ipv6Packet.ExtensionHeader(43, 64, 24), new Ipv6Packet.ExtensionHeader(44, 88, 8),
                new Ipv6Packet.ExtensionHeader(60, 96, 8), new Ipv6Packet.ExtensionHeader(51, 104, 24)),
                ip.extensionHeaderList());
        assertEquals(IpProtocol.TCP, ip.upperLayerProtocol());
        assertEquals(128, ip.upperLayerOffset());
        assertEquals(88, ip.fragmentHeaderOffset());
        assertTrue(ip.isAtomicFragment());
        assertFalse(ip.isFragment());
        assertEquals(88, ip.unfragmentablePartLength());
        assertEquals(IpProtocol.IPV6_OPTS, ip.fragmentNextHeader());
        assertEquals(96, ip.fragmentDataOffset());
    }

    @Test
    void unfragmentablePartWithoutFragmentHeader() {
        // RFC 8200 §4.5: destination options after the routing header belong to the fragmentable part
        byte[] b = chain(IpProtocol.UDP, new byte[8],
                IpProtocol.HOPOPT, 8, IpProtocol.IPV6_OPTS, 8, IpProtocol.IPV6_ROUTE, 24, IpProtocol.IPV6_OPTS, 8);
        assertEquals(40 + 8 + 8 + 24, Ipv6Packet.parse(b, 0, b.length).unfragmentablePartLength());
        // destination options with no routing header: only hop-by-hop is unfragmentable
        byte[] c = chain(IpProtocol.UDP, new byte[8], IpProtocol.HOPOPT, 8, IpProtocol.IPV6_OPTS, 16);
        assertEquals(48, Ipv6Packet.parse(c, 0, c.length).unfragmentablePartLength());
    }

    @Test
    void firstAndNonFirstFragments() {
        byte[] first = chain(IpProtocol.UDP, new byte[16], IpProtocol.IPV6_FRAG, 8);
        Ipv6Packet.writeFragmentHeader(first, 40, IpProtocol.UDP, 0, true, 0xCAFEBABE);
        Ipv6Packet ip = Ipv6Packet.parse(first, 0, first.length);
        assertTrue(ip.isFragment());
        assertFalse(ip.isAtomicFragment());
        assertTrue(ip.moreFragments());
        assertEquals(0, ip.fragmentOffset());
        assertEquals(0xCAFEBABE, ip.fragmentIdentification());
        assertEquals(IpProtocol.UDP, ip.upperLayerProtocol());
        assertEquals(48, ip.upperLayerOffset());

        byte[] later = first.clone();
        Ipv6Packet.writeFragmentHeader(later, 40, IpProtocol.UDP, 1232, false, 0xCAFEBABE);
        ip.wrap(later, 0, later.length);
        assertTrue(ip.isFragment());
        assertFalse(ip.moreFragments());
        assertEquals(1232, ip.fragmentOffset());
        assertEquals(-1, ip.upperLayerProtocol(), "a non-first fragment carries no upper-layer header");
        assertEquals(-1, ip.upperLayerOffset());
        assertEquals(IpProtocol.UDP, ip.fragmentNextHeader());
        assertEquals(48, ip.fragmentDataOffset());
        assertEquals(40, ip.unfragmentablePartLength());
    }

    @Test
    void stopsAtEspAndNoNextHeader() {
        byte[] esp = chain(IpProtocol.ESP, new byte[3], IpProtocol.IPV6_OPTS, 8);
        Ipv6Packet ip = Ipv6Packet.parse(esp, 0, esp.length);
        assertEquals(IpProtocol.ESP, ip.upperLayerProtocol());
        assertEquals(48, ip.upperLayerOffset());
        byte[] none = chain(IpProtocol.IPV6_NONXT, new byte[0]);
        assertEquals(IpProtocol.IPV6_NONXT, Ipv6Packet.parse(none, 0, none.length).upperLayerProtocol());
    }

    @Test
    void rejectsBadChains() {
        byte[] hbhLater = chain(IpProtocol.UDP, new byte[8], IpProtocol.IPV6_OPTS, 8, IpProtocol.HOPOPT, 8);
        assertMalformed("ipv6.nextHeader", 48, hbhLater);
        byte[] twoFrags = chain(IpProtocol.UDP, new byte[8], IpProtocol.IPV6_FRAG, 8, IpProtocol.IPV6_FRAG, 8);
        assertMalformed("ipv6.fragment", 48, twoFrags);
        byte[] shortExt = chain(IpProtocol.IPV6_OPTS, new byte[4]);
        assertMalformed("ipv6.destinationOptions", 40, shortExt);
        byte[] longExt = chain(IpProtocol.UDP, new byte[8], IpProtocol.IPV6_ROUTE, 8);
        longExt[41] = 1; // claims 16 bytes, 16 left: fits exactly
        Ipv6Packet.parse(longExt, 0, longExt.length);
        longExt[41] = 2;
        assertMalformed("ipv6.routing.length", 41, longExt);
        byte[] ah = chain(IpProtocol.UDP, new byte[8], IpProtocol.AH, 12);
        ah[41] = 5; // (5+2)*4 = 28 > 20 left
        assertMalformed("ipv6.ah.length", 41, ah);
    }

    static void assertMalformed(String field, int offset, byte[] b) {
        var e = assertThrows(MalformedPacketException.class, () -> Ipv6Packet.parse(b, 0, b.length));
        assertEquals(field, e.field(), e.getMessage());
        assertEquals(offset, e.offset(), e.getMessage());
    }

    @Test
    void quotedPacketsMayBeCut() {
        byte[] b = chain(IpProtocol.UDP, new byte[100], IpProtocol.IPV6_OPTS, 16);
        Ipv6Packet ip = new Ipv6Packet().wrapQuoted(b, 0, 60);
        assertTrue(ip.isTruncated());
        assertEquals(IpProtocol.UDP, ip.upperLayerProtocol());
        assertEquals(56, ip.upperLayerOffset());
        assertEquals(4, ip.upperLayerLength());
        ip.wrapQuoted(b, 0, 50);
        assertEquals(-1, ip.upperLayerProtocol(), "cut inside the destination options");
    }

    @Test
    void settersEditInPlace() {
        byte[] b = ECHO.clone();
        Ipv6Packet ip = Ipv6Packet.parse(b, 0, b.length);
        ip.setDscp(10).setEcn(3).setFlowLabel(0xFFFFF).setHopLimit(1).setPayloadLength(8);
        assertEquals(0x6, (b[0] & 0xFF) >>> 4, "version kept");
        assertEquals(10, ip.dscp());
        assertEquals(3, ip.ecn());
        assertEquals(0xFFFFF, ip.flowLabel());
        assertEquals(1, ip.hopLimit());
        assertEquals(8, ip.payloadLength());
        ip.setTrafficClass(0);
        assertEquals(0xFFFFF, ip.flowLabel());
        assertThrows(IllegalArgumentException.class, () -> ip.setPayloadLength(17));
        ip.setSource(DST, 0).setDestination(SRC, 0);
        assertEquals("2001:db8:0:1::2", Ipv6Packet.formatAddress(b, 8));
    }

    @Test
    void rfc5952Text() {
        String[][] cases = {
                {"2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"},
                {"2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"},       // §4.2.3: first of equal runs
                {"2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"},    // §4.2.2: one zero group stays
                {"2001:0:0:1:0:0:0:1", "2001:0:0:1::1"},             // §4.2.3: the longest run
                {"0:0:0:0:0:0:0:0", "::"},
                {"0:0:0:0:0:0:0:1", "::1"},
                {"2001:db8:0:0:0:0:0:0", "2001:db8::"},
                {"FE80:0:0:0:0:0:0:ABCD", "fe80::abcd"},              // §4.3 lowercase
                {"::ffff:c000:0201", "::ffff:192.0.2.1"},           // §5 IPv4-mapped
                {"::ffff:0:0", "::ffff:0.0.0.0"},
                {"1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"},
                {"64:ff9b::192.0.2.33", "64:ff9b::c000:221"},
        };
        for (String[] c : cases) {
            assertEquals(c[1], Ipv6Packet.formatAddress(Ipv6Packet.parseAddress(c[0]), 0), c[0]);
        }
        for (String bad : List.of("1::2::3", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9", "12345::", "g::", ":1")) {
            assertThrows(IllegalArgumentException.class, () -> Ipv6Packet.parseAddress(bad), bad);
        }
    }

    @Property
    void addressTextRoundTripsAndMatchesTheJdk(@ForAll("addresses") byte[] a) throws Exception {
        String text = Ipv6Packet.formatAddress(a, 0);
        assertArrayEquals(a, Ipv6Packet.parseAddress(text));
        // the JDK does not compress or map, but must read our text back to the same bytes
        byte[] jdk = java.net.InetAddress.getByName(text).getAddress();
        if (jdk.length == 16) {
            assertArrayEquals(a, jdk);
        }
    }

    @Provide
    Arbitrary<byte[]> addresses() {
        // many zero groups, so that compression cases come up often
        return Arbitraries.integers().between(0, 0xFFFF).injectDuplicates(0.0)
                .map(v -> v % 3 == 0 ? v : 0).array(int[].class).ofSize(8).map(groups -> {
                    byte[] a = new byte[16];
                    for (int i = 0; i < 8; i++) {
                        BigEndian.put16(a, 2 * i, groups[i]);
                    }
                    return a;
                });
    }

    static final int[] EXT_TYPES = {IpProtocol.IPV6_OPTS, IpProtocol.IPV6_ROUTE, IpProtocol.AH,
            IpProtocol.MOBILITY, IpProtocol.HIP, IpProtocol.SHIM6, IpProtocol.IPV6_FRAG};

    @Property
    void builtChainsParseBack(@ForAll boolean hopByHop, @ForAll @Size(max = 6) List<@IntRange(max = 6) Integer> kinds,
                              @ForAll @Size(max = 6) List<@IntRange(min = 1, max = 4) Integer> units,
                              @ForAll @IntRange(max = 255) int upper, @ForAll @IntRange(max = 64) int upperLen) {
        if (IpProtocol.isIpv6ExtensionHeader(upper)) {
            upper = IpProtocol.TCP;
        }
        List<Object> spec = new ArrayList<>();
        List<Ipv6Packet.ExtensionHeader> expected = new ArrayList<>();
        int pos = 40;
        if (hopByHop) {
            spec.add(IpProtocol.HOPOPT);
            spec.add(8);
            expected.add(new Ipv6Packet.ExtensionHeader(0, pos, 8));
            pos += 8;
        }
        boolean frag = false;
        for (int i = 0; i < kinds.size(); i++) {
            int type = EXT_TYPES[kinds.get(i)];
            if (type == IpProtocol.IPV6_FRAG) {
                if (frag) {
                    continue;
                }
                frag = true;
            }
            int len = type == IpProtocol.IPV6_FRAG ? 8 : 8 * (units.isEmpty() ? 1 : units.get(i % units.size()));
            spec.add(type);
            spec.add(len);
            expected.add(new Ipv6Packet.ExtensionHeader(type, pos, len));
            pos += len;
        }
        byte[] b = chain(upper, new byte[upperLen], spec.toArray());
        Ipv6Packet ip = Ipv6Packet.parse(b, 0, b.length);
        assertEquals(expected, ip.extensionHeaderList());
        assertEquals(upper, ip.upperLayerProtocol());
        assertEquals(pos, ip.upperLayerOffset());
        assertEquals(upperLen, ip.upperLayerLength());
        assertEquals(frag, ip.fragmentHeaderOffset() >= 0);
    }

    @Property(tries = 3000)
    void mutatedPacketsOnlyEverFailAsMalformed(@ForAll @Size(max = 6) List<Integer> positions,
                                               @ForAll @Size(min = 1, max = 6) List<Byte> values,
                                               @ForAll int truncate) {
        byte[] valid = chain(IpProtocol.TCP, new byte[20],
                IpProtocol.HOPOPT, 8, IpProtocol.IPV6_OPTS, 16, IpProtocol.IPV6_ROUTE, 24,
                IpProtocol.IPV6_FRAG, 8, IpProtocol.IPV6_OPTS, 8, IpProtocol.AH, 24);
        byte[] b = new Mutation(positions, values, truncate).apply(valid);
        Mutation.expectOnlyMalformed(() -> exercise(Ipv6Packet.parse(b, 0, b.length)));
        Mutation.expectOnlyMalformed(() -> exercise(new Ipv6Packet().wrapQuoted(b, 0, b.length)));
    }

    @Property(tries = 2000)
    void randomBytesOnlyEverFailAsMalformed(@ForAll @Size(max = 120) byte[] b) {
        if (b.length > 0) {
            b[0] = (byte) (0x60 | (b[0] & 0x0F));
        }
        if (b.length > 5) {
            b[4] = 0; // keep the payload length plausible now and then
        }
        Mutation.expectOnlyMalformed(() -> exercise(Ipv6Packet.parse(b, 0, b.length)));
        Mutation.expectOnlyMalformed(() -> exercise(new Ipv6Packet().wrapQuoted(b, 0, b.length)));
    }

    static void exercise(Ipv6Packet ip) {
        ip.extensionHeaderList();
        ip.toString();
        ip.fragmentOffset();
        ip.isAtomicFragment();
        ip.unfragmentablePartLength();
        ip.upperLayerLength();
    }
}
