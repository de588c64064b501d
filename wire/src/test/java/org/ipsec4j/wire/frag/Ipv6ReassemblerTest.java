package org.ipsec4j.wire.frag;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.ipsec4j.wire.IpProtocol;
import org.ipsec4j.wire.Ipv6Packet;
import org.ipsec4j.wire.frag.Reassembler.Outcome;
import org.ipsec4j.wire.frag.TestPackets.Extension;
import org.junit.jupiter.api.Test;

class Ipv6ReassemblerTest {

    private static final long SECOND = 1_000_000_000L;

    private final Fragmenter fragmenter = new Fragmenter();

    private static Outcome accept(Reassembler reassembler, byte[] packet, long now) {
        return reassembler.accept(packet, 0, packet.length, now);
    }

    private static byte[] reassemble(Reassembler reassembler, List<byte[]> fragments, long now) {
        byte[] result = null;
        for (byte[] f : fragments) {
            if (accept(reassembler, f, now) == Outcome.COMPLETE) {
                assertNull(result, "completed twice");
                result = reassembler.copyDatagram();
            }
        }
        return result;
    }

    @Test
    void roundTripWithExtensionHeadersRestoresThePacket() {
        List<Extension> extensions = List.of(new Extension(IpProtocol.HOPOPT, 8),
                new Extension(IpProtocol.IPV6_OPTS, 8), new Extension(IpProtocol.IPV6_ROUTE, 24),
                new Extension(IpProtocol.IPV6_OPTS, 16));
        byte[] packet = TestPackets.ipv6(6000, extensions, IpProtocol.TCP, 1);
        List<byte[]> fragments = fragmenter.fragmentIpv6(packet, 0, packet.length, 1280, 99);
        Ipv6Reassembler reassembler = new Ipv6Reassembler();
        byte[] datagram = reassemble(reassembler, fragments.reversed(), 0);
        assertArrayEquals(packet, datagram);
        Ipv6Packet ip = Ipv6Packet.parse(datagram, 0, datagram.length);
        assertEquals(-1, ip.fragmentHeaderOffset());
        assertEquals(IpProtocol.TCP, ip.upperLayerProtocol());
        assertEquals(0, reassembler.heldBytes());
    }

    @Test
    void seedCaptureShapeReassembles() {
        // Seed 000: a 1596-byte IKE message over UDP split 1232 + 376 at an MTU of 1280.
        byte[] packet = TestPackets.ipv6Udp(1608, 2);
        List<byte[]> fragments = fragmenter.fragmentIpv6(packet, 0, packet.length, 1280, 0x5efa507c);
        assertEquals(2, fragments.size());
        assertEquals(1240, Ipv6Packet.parse(fragments.get(0), 0, 1280).payloadLength());
        assertEquals(384, fragments.get(1).length - 40);
        assertArrayEquals(packet, reassemble(new Ipv6Reassembler(), fragments, 0));
    }

    @Test
    void notAFragmentIsPassedThrough() {
        byte[] packet = TestPackets.ipv6Udp(500, 3);
        assertEquals(Outcome.NOT_FRAGMENT, accept(new Ipv6Reassembler(), packet, 0));
    }

    @Test
    void keyIncludesBothAddresses() {
        byte[] packet = TestPackets.ipv6Udp(3000, 4);
        List<byte[]> fragments = fragmenter.fragmentIpv6(packet, 0, packet.length, 1280, 5);
        byte[] otherSource = fragments.get(1).clone();
        otherSource[23] ^= 1;
        Ipv6Reassembler reassembler = new Ipv6Reassembler();
        accept(reassembler, fragments.get(0), 0);
        assertEquals(Outcome.HELD, accept(reassembler, otherSource, 0));
        assertEquals(Outcome.HELD, accept(reassembler, fragments.get(2), 0));
        assertEquals(2, reassembler.pendingDatagrams());
        assertEquals(Outcome.COMPLETE, accept(reassembler, fragments.get(1), 0));
    }

    @Test
    void overlapDiscardsTheDatagramSilentlyPerRfc5722() {
        byte[] data = TestPackets.randomBytes(3000, 6);
        Ipv6Reassembler reassembler = new Ipv6Reassembler();
        assertEquals(Outcome.HELD, accept(reassembler, TestPackets.ipv6Fragment(IpProtocol.UDP, 0, true, 7, data, 0,
                1232), 0));
        assertEquals(Outcome.HELD, accept(reassembler, TestPackets.ipv6Fragment(IpProtocol.UDP, 2464, false, 7, data,
                2464, 3000), 0));
        // Overlaps the first by 8 bytes.
        assertEquals(Outcome.DROPPED, accept(reassembler, TestPackets.ipv6Fragment(IpProtocol.UDP, 1224, true, 7,
                data, 1224, 2464), 0));
        assertEquals(DropReason.OVERLAP, reassembler.lastDropReason());
        assertEquals(3, reassembler.dropCount(DropReason.OVERLAP));
        // "and any constituent fragments, including those not yet received"
        assertEquals(Outcome.DROPPED, accept(reassembler, TestPackets.ipv6Fragment(IpProtocol.UDP, 1232, true, 7,
                data, 1232, 2464), SECOND));
        assertEquals(DropReason.DATAGRAM_DISCARDED, reassembler.lastDropReason());
        assertEquals(0, reassembler.heldBytes());
        // After the 60 s timeout the identification is usable again.
        reassembler.expire(60 * SECOND);
        assertEquals(0, reassembler.pendingDatagrams());
    }

    @Test
    void atomicFragmentIsProcessedInIsolation() {
        byte[] packet = TestPackets.ipv6Udp(3000, 8);
        List<byte[]> fragments = fragmenter.fragmentIpv6(packet, 0, packet.length, 1280, 0x1234);
        Ipv6Reassembler reassembler = new Ipv6Reassembler();
        accept(reassembler, fragments.get(0), 0);

        // An atomic fragment with the same addresses and identification (RFC 6946 §4).
        byte[] inner = TestPackets.randomBytes(200, 9);
        byte[] atomic = TestPackets.ipv6Fragment(IpProtocol.UDP, 0, false, 0x1234, inner, 0, inner.length);
        assertEquals(Outcome.COMPLETE, accept(reassembler, atomic, 0));
        byte[] datagram = reassembler.copyDatagram();
        assertEquals(240, datagram.length);
        Ipv6Packet ip = Ipv6Packet.parse(datagram, 0, datagram.length);
        assertEquals(200, ip.payloadLength());
        assertEquals(IpProtocol.UDP, ip.nextHeader());
        assertEquals(-1, ip.fragmentHeaderOffset());
        assertArrayEquals(inner, Arrays.copyOfRange(datagram, 40, 240));

        // The real datagram is untouched by it.
        assertEquals(1, reassembler.pendingDatagrams());
        assertEquals(Outcome.HELD, accept(reassembler, fragments.get(1), 0));
        assertEquals(Outcome.COMPLETE, accept(reassembler, fragments.get(2), 0));
        assertArrayEquals(packet, reassembler.copyDatagram());
        assertEquals(2, reassembler.reassembledCount());
    }

    @Test
    void atomicFragmentAfterExtensionHeadersKeepsThem() {
        List<Extension> extensions = List.of(new Extension(IpProtocol.HOPOPT, 8),
                new Extension(IpProtocol.IPV6_FRAG, 8));
        byte[] packet = TestPackets.ipv6(108, extensions, IpProtocol.UDP, 10);
        // TestPackets leaves the fragment header zero apart from Next Header: offset 0, M = 0.
        Ipv6Reassembler reassembler = new Ipv6Reassembler();
        assertEquals(Outcome.COMPLETE, accept(reassembler, packet, 0));
        byte[] datagram = reassembler.copyDatagram();
        assertEquals(packet.length - 8, datagram.length);
        assertEquals(IpProtocol.HOPOPT, datagram[6]);
        assertEquals(IpProtocol.UDP, datagram[40]);
        assertEquals(datagram.length - 40, Ipv6Packet.parse(datagram, 0, datagram.length).payloadLength());
        assertTrue(Arrays.equals(datagram, 48, datagram.length, packet, 56, packet.length));
    }

    @Test
    void firstFragmentWithoutTheWholeHeaderChainIsDropped() {
        Ipv6Reassembler reassembler = new Ipv6Reassembler();
        // A destination options header of 16 bytes, of which the first fragment carries only 8.
        byte[] options = new byte[64];
        options[0] = (byte) IpProtocol.UDP;
        options[1] = 1;
        byte[] cut = TestPackets.ipv6Fragment(IpProtocol.IPV6_OPTS, 0, true, 11, options, 0, 8);
        assertEquals(Outcome.DROPPED, accept(reassembler, cut, 0));
        assertEquals(DropReason.INCOMPLETE_HEADER_CHAIN, reassembler.lastDropReason());
        // A TCP header cut after 16 bytes.
        byte[] tcp = TestPackets.ipv6Fragment(IpProtocol.TCP, 0, true, 12, new byte[16], 0, 16);
        assertEquals(Outcome.DROPPED, accept(reassembler, tcp, 0));
        assertEquals(DropReason.INCOMPLETE_HEADER_CHAIN, reassembler.lastDropReason());
        // A UDP header present in full is enough.
        byte[] udp = TestPackets.ipv6Fragment(IpProtocol.UDP, 0, true, 13, new byte[8], 0, 8);
        assertEquals(Outcome.HELD, accept(reassembler, udp, 0));
        assertEquals(2, reassembler.dropCount(DropReason.INCOMPLETE_HEADER_CHAIN));
        assertEquals(1, reassembler.pendingDatagrams());
    }

    @Test
    void middleFragmentNotAMultipleOfEightIsMalformed() {
        byte[] data = TestPackets.randomBytes(100, 14);
        Ipv6Reassembler reassembler = new Ipv6Reassembler();
        assertEquals(Outcome.DROPPED, accept(reassembler, TestPackets.ipv6Fragment(IpProtocol.UDP, 8, true, 1, data, 0,
                44), 0));
        assertEquals(DropReason.MALFORMED, reassembler.lastDropReason());
    }

    @Test
    void payloadLengthBeyondTheBytesIsMalformed() {
        byte[] packet = TestPackets.ipv6Udp(3000, 15);
        byte[] first = fragmenter.fragmentIpv6(packet, 0, packet.length, 1280, 1).get(0);
        Ipv6Reassembler reassembler = new Ipv6Reassembler();
        assertEquals(Outcome.DROPPED, reassembler.accept(first, 0, first.length - 8, 0));
        assertEquals(DropReason.MALFORMED, reassembler.lastDropReason());
        assertEquals(Outcome.DROPPED, reassembler.accept(first, 0, 39, 0));
        assertEquals(Outcome.DROPPED, reassembler.accept(first, -1, 100, 0));
        assertEquals(3, reassembler.dropCount(DropReason.MALFORMED));
    }

    @Test
    void trailingBytesAfterThePayloadAreIgnored() {
        byte[] packet = TestPackets.ipv6Udp(3000, 16);
        List<byte[]> fragments = new ArrayList<>();
        for (byte[] f : fragmenter.fragmentIpv6(packet, 0, packet.length, 1280, 2)) {
            fragments.add(Arrays.copyOf(f, f.length + 10));
        }
        assertArrayEquals(packet, reassemble(new Ipv6Reassembler(), fragments, 0));
    }

    @Test
    void datagramsTimeOutAfter60SecondsByDefault() {
        byte[] packet = TestPackets.ipv6Udp(3000, 17);
        List<byte[]> fragments = fragmenter.fragmentIpv6(packet, 0, packet.length, 1280, 3);
        Ipv6Reassembler reassembler = new Ipv6Reassembler();
        accept(reassembler, fragments.get(0), 0);
        accept(reassembler, fragments.get(1), 59 * SECOND);
        assertTrue(reassembler.hasPendingDatagrams());
        assertEquals(60 * SECOND, reassembler.nextExpiryNanos());
        assertEquals(0, reassembler.expire(60 * SECOND - 1));
        assertEquals(1, reassembler.expire(60 * SECOND));
        assertEquals(2, reassembler.dropCount(DropReason.TIMEOUT));
        assertFalse(reassembler.hasPendingDatagrams());
    }

    @Test
    void timeoutQuotesTheFirstFragmentAsReceived() {
        List<Extension> extensions = List.of(new Extension(IpProtocol.HOPOPT, 8), new Extension(IpProtocol.IPV6_ROUTE,
                24));
        byte[] packet = TestPackets.ipv6(4000, extensions, IpProtocol.UDP, 30);
        List<byte[]> fragments = fragmenter.fragmentIpv6(packet, 0, packet.length, 1500, 0xA1B2C3D4);
        Ipv6Reassembler reassembler = new Ipv6Reassembler();
        List<byte[]> quotes = new ArrayList<>();
        reassembler.onTimeout((buffer, offset, length) -> quotes.add(Arrays.copyOfRange(buffer, offset, offset + length)));
        accept(reassembler, fragments.get(1), 0);
        accept(reassembler, fragments.get(0), 0);
        reassembler.expire(60 * SECOND);
        assertEquals(1, quotes.size());
        // RFC 4443 §2.4(c): as much of the invoking packet as fits 1280 bytes.
        assertEquals(1232, quotes.get(0).length);
        assertArrayEquals(Arrays.copyOf(fragments.get(0), 1232), quotes.get(0));

        byte[] small = TestPackets.ipv6(1400, extensions, IpProtocol.UDP, 31);
        List<byte[]> smallFragments = fragmenter.fragmentIpv6(small, 0, small.length, 1280, 5);
        accept(reassembler, smallFragments.get(0), 100 * SECOND);
        reassembler.expire(200 * SECOND);
        assertEquals(2, quotes.size());
        assertArrayEquals(Arrays.copyOf(smallFragments.get(0), 1232), quotes.get(1));
    }

    @Test
    void fragmentMakingThePayloadExceed65535IsTooBig() {
        byte[] data = TestPackets.randomBytes(64, 18);
        Ipv6Reassembler reassembler = new Ipv6Reassembler();
        // payload = 65528 + 16 > 65535
        assertEquals(Outcome.DROPPED, accept(reassembler, TestPackets.ipv6Fragment(IpProtocol.UDP, 65528, false, 1,
                data, 0, 16), 0));
        assertEquals(DropReason.TOO_BIG, reassembler.lastDropReason());
        // payload = 65528 + 7 = 65535 fits (no jumbograms beyond it).
        assertEquals(Outcome.HELD, accept(reassembler, TestPackets.ipv6Fragment(IpProtocol.UDP, 65528, false, 1,
                data, 0, 7), 0));
    }

    @Test
    void largestPayloadReassembles() {
        byte[] packet = TestPackets.ipv6Udp(65535, 19);
        List<byte[]> fragments = fragmenter.fragmentIpv6(packet, 0, packet.length, 1500, 4);
        assertArrayEquals(packet, reassemble(new Ipv6Reassembler(), fragments, 0));
    }

    @Test
    void memoryCapAndDatagramLimitHold() {
        ReassemblyConfig config = ReassemblyConfig.ipv6Defaults().withMemoryCapBytes(20 * 1024).withMaxDatagrams(3);
        Ipv6Reassembler reassembler = new Ipv6Reassembler(config);
        for (int id = 0; id < 10; id++) {
            byte[] packet = TestPackets.ipv6Udp(8000, 20 + id);
            List<byte[]> fragments = fragmenter.fragmentIpv6(packet, 0, packet.length, 1280, id);
            for (byte[] f : fragments.subList(0, fragments.size() - 1)) {
                accept(reassembler, f, id);
                assertTrue(reassembler.heldBytes() <= config.memoryCapBytes());
                assertTrue(reassembler.pendingDatagrams() <= 3);
            }
        }
        assertTrue(reassembler.dropCount(DropReason.MEMORY_CAP) + reassembler.dropCount(DropReason.DATAGRAM_LIMIT) > 0);
    }

    // ---- properties ----------------------------------------------------------------------------------------

    @Provide
    Arbitrary<List<Extension>> extensionChains() {
        return Arbitraries.of(
                List.of(),
                List.of(new Extension(IpProtocol.HOPOPT, 8)),
                List.of(new Extension(IpProtocol.HOPOPT, 16), new Extension(IpProtocol.IPV6_ROUTE, 24)),
                List.of(new Extension(IpProtocol.IPV6_OPTS, 8), new Extension(IpProtocol.IPV6_ROUTE, 40),
                        new Extension(IpProtocol.IPV6_OPTS, 8)),
                List.of(new Extension(IpProtocol.IPV6_OPTS, 32)),
                List.of(new Extension(IpProtocol.AH, 24)));
    }

    @Property(tries = 400)
    void fragmentThenReassembleInAnyOrderGivesThePacketBack(
            @ForAll @IntRange(min = 0, max = 30_000) int upperLength,
            @ForAll @IntRange(min = 1280, max = 9000) int mtu,
            @ForAll("extensionChains") List<Extension> extensions,
            @ForAll @IntRange(min = 0, max = 6) int duplicates,
            @ForAll long seed) {
        int extensionLength = extensions.stream().mapToInt(Extension::length).sum();
        byte[] packet = TestPackets.ipv6(extensionLength + 8 + upperLength, extensions, IpProtocol.UDP, seed);
        List<byte[]> fragments = fragmenter.fragmentIpv6(packet, 0, packet.length, mtu, (int) seed);
        Ipv6Reassembler reassembler = new Ipv6Reassembler(
                ReassemblyConfig.ipv6Defaults().withMaxFragmentsPerDatagram(65535));
        if (fragments.size() == 1) {
            assertEquals(Outcome.NOT_FRAGMENT, accept(reassembler, fragments.get(0), 0));
            return;
        }
        byte[] datagram = null;
        for (byte[] f : TestPackets.shuffledWithDuplicates(fragments, duplicates, seed)) {
            Outcome outcome = accept(reassembler, f, 0);
            if (outcome == Outcome.COMPLETE && datagram == null) {
                datagram = reassembler.copyDatagram();
            } else if (outcome == Outcome.DROPPED) {
                assertEquals(DropReason.DUPLICATE, reassembler.lastDropReason());
            }
        }
        assertNotNull(datagram);
        assertArrayEquals(packet, datagram);
    }

    @Property(tries = 300)
    void mutatedFragmentsOnlyEverCountAsDrops(@ForAll @IntRange(min = 8, max = 6000) int payloadLength,
            @ForAll("extensionChains") List<Extension> extensions, @ForAll long seed) {
        int extensionLength = extensions.stream().mapToInt(Extension::length).sum();
        byte[] packet = TestPackets.ipv6(extensionLength + payloadLength, extensions, IpProtocol.UDP, seed);
        List<byte[]> fragments = fragmenter.fragmentIpv6(packet, 0, packet.length, 1280, 1);
        ReassemblyConfig config = new ReassemblyConfig(8 * 1024, Duration.ofSeconds(1), 16, 4, 65535);
        Ipv6Reassembler reassembler = new Ipv6Reassembler(config);
        Random random = new Random(seed);
        long now = 0;
        for (int round = 0; round < 3; round++) {
            for (byte[] original : fragments) {
                byte[] f = original.clone();
                int flips = random.nextInt(4);
                for (int i = 0; i < flips; i++) {
                    // Mostly hit the headers, where the interesting fields are.
                    int at = random.nextBoolean() ? random.nextInt(Math.min(f.length, 120)) : random.nextInt(f.length);
                    f[at] = (byte) random.nextInt(256);
                }
                int length = random.nextInt(8) == 0 ? random.nextInt(f.length + 1) : f.length;
                now += random.nextInt((int) (SECOND / 4));
                Outcome outcome = reassembler.accept(f, 0, length, now);
                assertEquals(outcome == Outcome.DROPPED, reassembler.lastDropReason() != null);
                if (outcome == Outcome.COMPLETE) {
                    byte[] d = reassembler.copyDatagram();
                    assertEquals(d.length - 40, (d[4] & 0xFF) << 8 | (d[5] & 0xFF));
                }
                assertTrue(reassembler.heldBytes() <= config.memoryCapBytes());
                assertTrue(reassembler.pendingDatagrams() <= config.maxDatagrams());
            }
        }
        reassembler.expire(now + SECOND);
        assertEquals(0, reassembler.heldBytes());
    }
}
