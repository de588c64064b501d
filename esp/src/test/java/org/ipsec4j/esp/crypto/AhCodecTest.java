package org.ipsec4j.esp.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.ipsec4j.wire.BigEndian;
import org.ipsec4j.wire.IpProtocol;
import org.ipsec4j.wire.Ipv4Packet;
import org.ipsec4j.wire.Ipv6Packet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * AH over IPv4 with options and IPv6 with extension headers, transport and tunnel mode: round trips, the
 * fields routers change en route (which must still verify), every other bit (which must not), source routes
 * replayed hop by hop, ESN.
 */
class AhCodecTest {

    static final int SPI = 0x0A0B_0C0D;
    static final int R1 = Ipv4Packet.parseAddress("192.0.2.1");
    static final int R2 = Ipv4Packet.parseAddress("192.0.2.2");
    static final int SRC4 = Ipv4Packet.parseAddress("198.51.100.7");
    static final int DST4 = Ipv4Packet.parseAddress("203.0.113.9");
    static final byte[] SRC6 = Ipv6Packet.parseAddress("2001:db8::7");
    static final byte[] DST6 = Ipv6Packet.parseAddress("2001:db8:9::9");
    static final byte[] HOP1 = Ipv6Packet.parseAddress("2001:db8:1::1");
    static final byte[] HOP2 = Ipv6Packet.parseAddress("2001:db8:2::2");

    static AhCodec codec(IntegrityAlgorithm alg, boolean esn) {
        byte[] key = new byte[alg.keyLength()];
        new Random(alg.ordinal()).nextBytes(key);
        return new AhCodec(alg, SPI, esn, key, true);
    }

    static byte[] payload(int length, int seed) {
        byte[] p = new byte[length];
        new Random(seed).nextBytes(p);
        return p;
    }

    /** IPv4 with Router Alert (immutable), a Timestamp option with data (mutable), NOPs and EOL; UDP-ish payload. */
    static byte[] ipv4WithOptions(int payloadLength, int room) {
        byte[] options = Hex.bytes("94040000 440c0d00 11111111 22222222 01010100");
        byte[] p = payload(payloadLength, 1);
        int total = 20 + options.length + payloadLength;
        byte[] buf = new byte[total + room];
        Ipv4Packet.writeHeader(buf, 0, 0xB8, total, 0x1234, 0x4000, 64, IpProtocol.UDP, SRC4, DST4, options, 0,
                options.length);
        System.arraycopy(p, 0, buf, 20 + options.length, payloadLength);
        return buf;
    }

    /** IPv4 sent by a loose source route: destination R1 now, then R2, then DST4 (RFC 791 §3.1). */
    static byte[] ipv4LooseSourceRoute(int payloadLength, int room) {
        byte[] options = new byte[12];
        options[0] = (byte) 131;
        options[1] = 11;
        options[2] = 4;
        BigEndian.put32(options, 3, R2);
        BigEndian.put32(options, 7, DST4);
        int total = 20 + 12 + payloadLength;
        byte[] buf = new byte[total + room];
        Ipv4Packet.writeHeader(buf, 0, 0, total, 7, 0, 64, IpProtocol.TCP, SRC4, R1, options, 0, 12);
        System.arraycopy(payload(payloadLength, 2), 0, buf, 32, payloadLength);
        return buf;
    }

    /** A router on a loose source route: record itself in place of the next hop, which becomes the destination. */
    static void forwardLooseSourceRoute(byte[] buf, int recordedAddress) {
        int pointer = buf[22] & 0xFF;
        int slot = 20 + pointer - 1;
        int next = BigEndian.i32(buf, slot);
        BigEndian.put32(buf, slot, recordedAddress);
        BigEndian.put32(buf, 16, next);
        buf[22] = (byte) (pointer + 4);
        Ipv4Packet.parse(buf, 0, buf.length).setTtl((buf[8] & 0xFF) - 1).setDscp(10).updateHeaderChecksum();
    }

    /**
     * IPv6 | hop-by-hop (an option with the change-en-route bit and one without) | destination options |
     * routing type 0 (HOP2, DST6; segments left 2, so the destination is HOP1) | destination options | UDP.
     */
    static byte[] ipv6WithExtensionHeaders(int payloadLength, int room) {
        byte[] hopByHop = Hex.bytes("3c00 2302aabb 0000");          // next: dest opts; option 0x23 (C bit)
        byte[] destinationOptions = Hex.bytes("2b00 1e0411223344");  // next: routing; option 0x1e (no C bit)
        byte[] routing = new byte[40];
        routing[0] = 60;                                             // next: dest opts
        routing[1] = 4;
        routing[2] = 0;
        routing[3] = 2;
        System.arraycopy(HOP2, 0, routing, 8, 16);
        System.arraycopy(DST6, 0, routing, 24, 16);
        byte[] finalDestinationOptions = Hex.bytes("1100 3e04cafebabe");    // next: UDP; option 0x3e (C bit)
        byte[] p = payload(payloadLength, 3);
        int extensions = hopByHop.length + destinationOptions.length + routing.length + finalDestinationOptions.length;
        byte[] buf = new byte[40 + extensions + payloadLength + room];
        Ipv6Packet.writeHeader(buf, 0, 0x2E, 0xBEEF1, extensions + payloadLength, IpProtocol.HOPOPT, 64, SRC6, 0,
                HOP1, 0);
        int pos = 40;
        for (byte[] h : new byte[][] {hopByHop, destinationOptions, routing, finalDestinationOptions, p}) {
            System.arraycopy(h, 0, buf, pos, h.length);
            pos += h.length;
        }
        return buf;
    }

    /** A node named by the destination processes a type 0 routing header (RFC 2460 §4.4). */
    static void forwardRoutingHeader(byte[] buf, int routingOffset) {
        int n = (buf[routingOffset + 1] & 0xFF) / 2;
        int left = buf[routingOffset + 3] & 0xFF;
        int i = n - left;
        byte[] next = Arrays.copyOfRange(buf, routingOffset + 8 + 16 * i, routingOffset + 24 + 16 * i);
        System.arraycopy(buf, 24, buf, routingOffset + 8 + 16 * i, 16);
        System.arraycopy(next, 0, buf, 24, 16);
        buf[routingOffset + 3] = (byte) (left - 1);
        Ipv6Packet.parse(buf, 0, buf.length).setHopLimit((buf[7] & 0xFF) - 1).setFlowLabel(0x12345).setDscp(46);
    }

    // ---- round trips ----

    @ParameterizedTest
    @EnumSource(value = IntegrityAlgorithm.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
    void transportRoundTripOverIpv4WithOptions(IntegrityAlgorithm alg) {
        AhCodec ah = codec(alg, false);
        int ahLength = ah.headerLength(4);
        assertEquals(0, ahLength % 4);
        byte[] original = ipv4WithOptions(100, ahLength);
        byte[] buf = original.clone();
        int length = ah.encapsulateTransport(7, buf, 0, original.length - ahLength);
        assertEquals(original.length, length);
        Ipv4Packet v4 = Ipv4Packet.parse(buf, 0, length);
        assertEquals(IpProtocol.AH, v4.protocol());
        assertTrue(v4.headerChecksumValid());
        assertEquals(40, AhCodec.findHeader(buf, 0, length));
        assertEquals(SPI, AhCodec.spiAt(buf, 40));
        assertEquals(7, AhCodec.sequenceLowAt(buf, 40));

        AhVerified v = new AhVerified();
        assertEquals(AhVerification.VERIFIED, ah.verify(7, buf, 0, length, v));
        assertEquals(IpProtocol.UDP, v.nextHeader());
        assertEquals(40 + ahLength, v.payloadOffset());
        assertEquals(100, v.payloadLength());
        int offset = ah.decapsulateTransport(buf, v);
        assertEquals(ahLength, offset);
        assertArrayEquals(Arrays.copyOf(original, original.length - ahLength),
                Arrays.copyOfRange(buf, offset, offset + length - ahLength));
    }

    @ParameterizedTest
    @EnumSource(value = IntegrityAlgorithm.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
    void transportRoundTripOverIpv6WithExtensionHeaders(IntegrityAlgorithm alg) {
        AhCodec ah = codec(alg, true);
        int ahLength = ah.headerLength(6);
        assertEquals(0, ahLength % 8);
        byte[] original = ipv6WithExtensionHeaders(77, ahLength);
        int length = original.length - ahLength;
        byte[] buf = original.clone();
        assertEquals(original.length, ah.encapsulateTransport((3L << 32) | 9, buf, 0, length));
        // AH after hop-by-hop, destination options and routing (the unfragmentable part), before the final
        // destination options (RFC 4302 §3.1.1).
        int ahOffset = 40 + 8 + 8 + 40;
        assertEquals(IpProtocol.AH, buf[40 + 8 + 8] & 0xFF);
        assertEquals(60, buf[ahOffset] & 0xFF);
        assertEquals(ahOffset, AhCodec.findHeader(buf, 0, buf.length));
        assertEquals(original.length - 40, Ipv6Packet.parse(buf, 0, buf.length).payloadLength());

        // Through the two routers of the routing header, which change what routers change.
        forwardRoutingHeader(buf, 56);
        forwardRoutingHeader(buf, 56);
        assertArrayEquals(DST6, Arrays.copyOfRange(buf, 24, 40));
        buf[40 + 4] = (byte) 0x77; // the hop-by-hop option with the change-en-route bit: its data changes
        AhVerified v = new AhVerified();
        assertEquals(AhVerification.VERIFIED, ah.verify(3L << 32, buf, 0, buf.length, v));
        assertEquals((3L << 32) | 9, v.sequenceNumber());
        assertEquals(AhVerification.AUTHENTICATION_FAILED, ah.verify(4L << 32, buf, 0, buf.length, v));

        assertEquals(AhVerification.VERIFIED, ah.verify(3L << 32, buf, 0, buf.length, v));
        int offset = ah.decapsulateTransport(buf, v);
        Ipv6Packet after = Ipv6Packet.parse(buf, offset, length);
        assertEquals(IpProtocol.UDP, after.upperLayerProtocol());
        assertEquals(length - 40, after.payloadLength());
        assertArrayEquals(Arrays.copyOfRange(original, length - 77, length),
                Arrays.copyOfRange(buf, offset + length - 77, offset + length));
    }

    @Test
    void tunnelModeIpv6InIpv4AndIpv4InIpv6() {
        AhCodec ah = codec(IntegrityAlgorithm.HMAC_SHA2_256_128, false);
        byte[] inner6 = ipv6WithExtensionHeaders(50, 0);
        int ahLength4 = ah.headerLength(4);
        byte[] outer4 = new byte[20 + ahLength4 + inner6.length];
        Ipv4Packet.writeHeader(outer4, 0, 0, outer4.length, 1, true, 64, IpProtocol.AH, R1, R2);
        System.arraycopy(inner6, 0, outer4, 20 + ahLength4, inner6.length);
        ah.protect(11, IpProtocol.IPV6, outer4, 0, outer4.length);
        AhVerified v = new AhVerified();
        assertEquals(AhVerification.VERIFIED, ah.verify(11, outer4, 0, outer4.length, v));
        assertEquals(IpProtocol.IPV6, v.nextHeader());
        assertArrayEquals(inner6, Arrays.copyOfRange(outer4, v.payloadOffset(), v.payloadOffset() + v.payloadLength()));

        byte[] inner4 = ipv4WithOptions(60, 0);
        int ahLength6 = ah.headerLength(6);
        byte[] outer6 = new byte[40 + ahLength6 + inner4.length];
        Ipv6Packet.writeHeader(outer6, 0, 0, 0, ahLength6 + inner4.length, IpProtocol.AH, 64, SRC6, 0, DST6, 0);
        System.arraycopy(inner4, 0, outer6, 40 + ahLength6, inner4.length);
        ah.protect(12, IpProtocol.IPIP, outer6, 0, outer6.length);
        Ipv6Packet.parse(outer6, 0, outer6.length).setHopLimit(3).setFlowLabel(77).setEcn(3);
        assertEquals(AhVerification.VERIFIED, ah.verify(12, outer6, 0, outer6.length, v));
        assertEquals(IpProtocol.IPIP, v.nextHeader());
        assertEquals(40 + ahLength6, v.payloadOffset());
        assertArrayEquals(inner4, Arrays.copyOfRange(outer6, v.payloadOffset(), v.payloadOffset() + v.payloadLength()));
        // The ICV padding bytes (4 with SHA-256-128 under IPv6) are covered as sent.
        outer6[40 + 12 + 16] ^= 1;
        assertEquals(AhVerification.AUTHENTICATION_FAILED, ah.verify(12, outer6, 0, outer6.length, v));
    }

    @Test
    void protectWantsAnAhSlot() {
        AhCodec ah = codec(IntegrityAlgorithm.HMAC_SHA1_96, false);
        byte[] udp = ipv4WithOptions(10, 0);
        assertThrows(IllegalArgumentException.class, () -> ah.protect(1, 4, udp, 0, udp.length));
        byte[] tooShort = new byte[24];
        Ipv4Packet.writeHeader(tooShort, 0, 0, 24, 1, false, 64, IpProtocol.AH, R1, R2);
        assertThrows(IllegalArgumentException.class, () -> ah.protect(1, 4, tooShort, 0, 24));
    }

    // ---- what may change en route, and what may not ----

    @Test
    void looseSourceRouteVerifiesAtTheFinalDestination() {
        AhCodec ah = codec(IntegrityAlgorithm.HMAC_SHA2_512_256, false);
        int ahLength = ah.headerLength(4);
        byte[] buf = ipv4LooseSourceRoute(40, ahLength);
        int length = ah.encapsulateTransport(5, buf, 0, buf.length - ahLength);
        forwardLooseSourceRoute(buf, Ipv4Packet.parseAddress("10.0.0.1"));
        forwardLooseSourceRoute(buf, Ipv4Packet.parseAddress("10.0.0.2"));
        assertEquals(DST4, BigEndian.i32(buf, 16));
        AhVerified v = new AhVerified();
        assertEquals(AhVerification.VERIFIED, ah.verify(5, buf, 0, length, v));
        BigEndian.put32(buf, 16, R2); // a destination the route did not end at
        assertEquals(AhVerification.AUTHENTICATION_FAILED, ah.verify(5, buf, 0, length, v));
    }

    /**
     * Every bit of an IPv4 packet with options and AH flipped in turn: the mutable ones (TOS, the reserved and
     * DF flags, TTL, checksum, the Timestamp option) still verify; flipping MF or the fragment offset makes a
     * fragment; every other bit is caught. The Timestamp option's length byte is left out: changing it
     * reshapes the option list, and the outcome depends on the bytes it uncovers.
     */
    @Test
    void ipv4MutableBitsAreToleratedAndEveryOtherBitIsCaught() {
        AhCodec ah = codec(IntegrityAlgorithm.HMAC_SHA1_96, false);
        int ahLength = ah.headerLength(4);
        byte[] packet = ipv4WithOptions(24, ahLength);
        int length = ah.encapsulateTransport(1, packet, 0, packet.length - ahLength);
        AhVerified v = new AhVerified();
        for (int bit = 0; bit < length * 8; bit++) {
            int index = bit >>> 3;
            int mask = 0x80 >>> (bit & 7);
            byte[] work = packet.clone();
            work[index] ^= (byte) mask;
            AhVerification r = ah.verify(1, work, 0, length, v);
            boolean fragmentBits = (index == 6 && (mask & 0x3F) != 0) || index == 7;
            boolean mutable = index == 1 || index == 6 || index == 8 || index == 10 || index == 11
                    || (index >= 24 && index < 36 && index != 25);
            if (index == 25) {
                continue;
            }
            if (fragmentBits) {
                assertEquals(AhVerification.FRAGMENT, r, "bit " + bit);
            } else if (mutable) {
                assertEquals(AhVerification.VERIFIED, r, "bit " + bit);
            } else {
                assertNotEquals(AhVerification.VERIFIED, r, "bit " + bit);
            }
        }
    }

    /**
     * The same for IPv6 at the final destination (after the routing header was used up): traffic class, flow
     * label, hop limit and the data of options with the change-en-route bit may change; nothing else.
     */
    @Test
    void ipv6MutableBitsAreToleratedAndEveryOtherBitIsCaught() {
        AhCodec ah = codec(IntegrityAlgorithm.HMAC_SHA2_256_128, false);
        int ahLength = ah.headerLength(6);
        byte[] packet = ipv6WithExtensionHeaders(16, ahLength);
        int length = ah.encapsulateTransport(1, packet, 0, packet.length - ahLength);
        forwardRoutingHeader(packet, 56);
        forwardRoutingHeader(packet, 56);
        AhVerified v = new AhVerified();
        assertEquals(AhVerification.VERIFIED, ah.verify(1, packet, 0, length, v));
        for (int bit = 0; bit < length * 8; bit++) {
            int index = bit >>> 3;
            byte[] work = packet.clone();
            work[index] ^= (byte) (0x80 >>> (bit & 7));
            AhVerification r = ah.verify(1, work, 0, length, v);
            boolean mutable = (bit >= 4 && bit < 32) // traffic class, flow label
                    || index == 7                      // hop limit
                    || index == 44 || index == 45;     // data of hop-by-hop option 0x23
            if (mutable) {
                assertEquals(AhVerification.VERIFIED, r, "bit " + bit);
            } else {
                assertNotEquals(AhVerification.VERIFIED, r, "bit " + bit);
            }
        }
    }

    @Test
    void esnHighBitsAreCoveredButNotSent() {
        AhCodec a = codec(IntegrityAlgorithm.HMAC_SHA2_384_192, true);
        int ahLength = a.headerLength(4);
        byte[] buf = ipv4WithOptions(30, ahLength);
        int length = a.encapsulateTransport((9L << 32) | 1, buf, 0, buf.length - ahLength);
        assertEquals(1, AhCodec.sequenceLowAt(buf, 40));
        AhVerified v = new AhVerified();
        assertEquals(AhVerification.VERIFIED, a.verify((9L << 32) | 0xFFFF, buf, 0, length, v));
        assertEquals((9L << 32) | 1, v.sequenceNumber());
        assertEquals(AhVerification.AUTHENTICATION_FAILED, a.verify(8L << 32, buf, 0, length, v));
        AhCodec plain = new AhCodec(IntegrityAlgorithm.HMAC_SHA2_384_192, SPI, false,
                new byte[48], false);
        assertThrows(IllegalArgumentException.class, () -> plain.encapsulateTransport(1L << 32, buf, 0, length));
    }

    // ---- drops ----

    @Test
    void namedDrops() {
        AhCodec ah = codec(IntegrityAlgorithm.HMAC_SHA1_96, false);
        AhVerified v = new AhVerified();
        byte[] udp = ipv4WithOptions(10, 0);
        assertEquals(AhVerification.NOT_AH, ah.verify(1, udp, 0, udp.length, v));
        assertEquals(-1, AhCodec.findHeader(udp, 0, udp.length));
        assertEquals(AhVerification.MALFORMED, ah.verify(1, new byte[] {0x45, 0}, 0, 2, v));
        assertEquals(AhVerification.MALFORMED, ah.verify(1, new byte[0], 0, 0, v));

        int ahLength = ah.headerLength(4);
        byte[] buf = ipv4WithOptions(10, ahLength);
        int length = ah.encapsulateTransport(1, buf, 0, buf.length - ahLength);
        AhCodec other = new AhCodec(IntegrityAlgorithm.HMAC_SHA1_96, SPI + 1, false, new byte[20], false);
        assertEquals(AhVerification.SPI_MISMATCH, other.verify(1, buf, 0, length, v));
        byte[] lengthened = buf.clone();
        lengthened[41] = (byte) (lengthened[41] + 1);
        assertEquals(AhVerification.BAD_LENGTH, ah.verify(1, lengthened, 0, length, v));
        lengthened[41] = (byte) 200;
        assertEquals(AhVerification.TRUNCATED, ah.verify(1, lengthened, 0, length, v));
        byte[] cut = Arrays.copyOf(buf, 48);
        BigEndian.put16(cut, 2, 48);
        assertEquals(AhVerification.TRUNCATED, ah.verify(1, cut, 0, 48, v));
        byte[] fragment = buf.clone();
        Ipv4Packet.parse(fragment, 0, length).setFragment(0, true).updateHeaderChecksum();
        assertEquals(AhVerification.FRAGMENT, ah.verify(1, fragment, 0, length, v));
        assertThrows(IllegalArgumentException.class,
                () -> ah.encapsulateTransport(2, fragment, 0, length));
    }

    @Test
    void aRoutingHeaderOfUnknownTypeWithSegmentsLeftCannotBePredicted() {
        AhCodec ah = codec(IntegrityAlgorithm.HMAC_SHA2_256_128, false);
        int ahLength = ah.headerLength(6);
        byte[] buf = ipv6WithExtensionHeaders(8, ahLength);
        buf[56 + 2] = 4; // segment routing header type, segments left 2
        assertThrows(IllegalArgumentException.class, () -> ah.encapsulateTransport(1, buf, 0, buf.length - ahLength));
        byte[] ok = ipv6WithExtensionHeaders(8, ahLength);
        int length = ah.encapsulateTransport(1, ok, 0, ok.length - ahLength);
        ok[56 + 2] = 4;
        assertEquals(AhVerification.UNPREDICTABLE_ROUTING_HEADER, ah.verify(1, ok, 0, length, new AhVerified()));
    }

    /** Random bytes, and valid packets cut or scrambled at random, never make verify throw. */
    @Property(tries = 1000)
    void garbageNeverThrows(@ForAll @Size(max = 300) byte[] bytes, @ForAll @IntRange(max = 2) int kind,
                            @ForAll @IntRange(max = 400) int cut, @ForAll long seed) {
        AhCodec ah = codec(IntegrityAlgorithm.HMAC_SHA2_256_128, false);
        byte[] packet;
        if (kind == 0) {
            packet = bytes;
        } else {
            int ahLength = ah.headerLength(kind == 1 ? 4 : 6);
            byte[] buf = kind == 1 ? ipv4WithOptions(20, ahLength) : ipv6WithExtensionHeaders(20, ahLength);
            int length = ah.encapsulateTransport(1, buf, 0, buf.length - ahLength);
            packet = Arrays.copyOf(buf, Math.min(length, cut));
            Random r = new Random(seed);
            for (int i = 0; i < 3 && packet.length > 0; i++) {
                packet[r.nextInt(packet.length)] = (byte) r.nextInt();
            }
        }
        AhVerification result = ah.verify(1, packet, 0, packet.length, new AhVerified());
        int found = AhCodec.findHeader(packet, 0, packet.length);
        assertTrue(found == -1 || found + AhCodec.FIXED_LENGTH <= packet.length, result + " at " + found);
    }

    @Test
    void destroyRetiresTheCodec() {
        AhCodec ah = codec(IntegrityAlgorithm.HMAC_SHA1_96, false);
        ah.destroy();
        assertTrue(ah.isDestroyed());
        byte[] buf = ipv4WithOptions(10, 24);
        assertThrows(IllegalStateException.class, () -> ah.encapsulateTransport(1, buf, 0, buf.length - 24));
        assertThrows(IllegalArgumentException.class,
                () -> new AhCodec(IntegrityAlgorithm.HMAC_MD5_96, 1, false, new byte[16], false));
        assertThrows(IllegalArgumentException.class,
                () -> new AhCodec(IntegrityAlgorithm.NONE, 1, false, new byte[0], true));
        assertEquals(24, AhCodec.headerLength(IntegrityAlgorithm.HMAC_SHA1_96, 6));
        assertEquals(28, AhCodec.headerLength(IntegrityAlgorithm.HMAC_SHA2_256_128, 4));
        assertEquals(32, AhCodec.headerLength(IntegrityAlgorithm.HMAC_SHA2_256_128, 6));
        assertEquals(40, AhCodec.headerLength(IntegrityAlgorithm.HMAC_SHA2_384_192, 6));
        assertEquals(44, AhCodec.headerLength(IntegrityAlgorithm.HMAC_SHA2_512_256, 4));
    }
}
