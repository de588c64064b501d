package org.ipsec4j.wire.frag;

import static org.ipsec4j.wire.frag.TestPackets.LOOSE_SOURCE_ROUTE;
import static org.ipsec4j.wire.frag.TestPackets.RECORD_ROUTE;
import static org.ipsec4j.wire.frag.TestPackets.ROUTER_ALERT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.ipsec4j.wire.IpProtocol;
import org.ipsec4j.wire.Ipv4Packet;
import org.ipsec4j.wire.Ipv6Packet;
import org.ipsec4j.wire.frag.TestPackets.Extension;
import org.junit.jupiter.api.Test;

class FragmenterTest {

    private final Fragmenter fragmenter = new Fragmenter();

    // ---- IPv4 ------------------------------------------------------------------------------------------------

    @Test
    void ipv4PacketThatFitsIsPassedThroughUnchanged() {
        byte[] packet = TestPackets.ipv4(1000, new byte[0], true, 7, 1);
        byte[] padded = Arrays.copyOf(packet, packet.length + 6); // trailing bytes beyond total length
        List<byte[]> out = new ArrayList<>();
        int count = fragmenter.fragmentIpv4(padded, 0, padded.length, 1500, (buffer, offset, length, index) -> {
            assertSame(padded, buffer);
            out.add(Arrays.copyOfRange(buffer, offset, offset + length));
        });
        assertEquals(1, count);
        assertArrayEquals(packet, out.get(0));
    }

    @Test
    void ipv4FragmentsFollowRfc791() {
        byte[] packet = TestPackets.ipv4(4000, new byte[0], false, 0xBEEF, 2);
        List<byte[]> fragments = fragmenter.fragmentIpv4(packet, 0, packet.length, 1500);
        assertEquals(3, fragments.size());
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        int expectedOffset = 0;
        for (int i = 0; i < fragments.size(); i++) {
            byte[] f = fragments.get(i);
            Ipv4Packet ip = Ipv4Packet.parse(f, 0, f.length);
            assertTrue(f.length <= 1500);
            assertEquals(f.length, ip.totalLength());
            assertTrue(ip.headerChecksumValid());
            assertEquals(0xBEEF, ip.identification());
            assertEquals(expectedOffset, ip.fragmentOffset());
            assertEquals(i < fragments.size() - 1, ip.moreFragments());
            if (ip.moreFragments()) {
                assertEquals(0, ip.payloadLength() % 8);
            }
            assertEquals(IpProtocol.UDP, ip.protocol());
            assertEquals(64, ip.ttl());
            assertEquals(0x28, ip.typeOfService());
            data.write(f, ip.payloadOffset(), ip.payloadLength());
            expectedOffset += ip.payloadLength();
        }
        assertEquals(1480, fragments.get(0).length - 20);
        assertArrayEquals(Arrays.copyOfRange(packet, 20, packet.length), data.toByteArray());
    }

    @Test
    void ipv4OptionsAreCopiedOnlyIfTheirCopiedFlagIsSet() {
        byte[] options = TestPackets.options(ROUTER_ALERT, RECORD_ROUTE, new byte[] {1}, LOOSE_SOURCE_ROUTE);
        byte[] packet = TestPackets.ipv4(600, options, false, 1, 3);
        List<byte[]> fragments = fragmenter.fragmentIpv4(packet, 0, packet.length, 200);
        Ipv4Packet first = Ipv4Packet.parse(fragments.get(0), 0, fragments.get(0).length);
        assertEquals(20 + options.length, first.headerLength());
        assertArrayEquals(options, Arrays.copyOfRange(fragments.get(0), 20, first.headerLength()));
        byte[] copied = TestPackets.options(ROUTER_ALERT, LOOSE_SOURCE_ROUTE);
        for (byte[] f : fragments.subList(1, fragments.size())) {
            Ipv4Packet ip = Ipv4Packet.parse(f, 0, f.length);
            assertEquals(20 + copied.length, ip.headerLength());
            assertArrayEquals(copied, Arrays.copyOfRange(f, 20, ip.headerLength()));
            assertTrue(ip.headerChecksumValid());
            assertTrue(f.length <= 200);
        }
        List<Integer> types = Ipv4Packet.parse(fragments.get(1), 0, fragments.get(1).length).optionList().stream()
                .map(Ipv4Packet.Option::type).toList();
        assertEquals(List.of(0x94, 0x83, 0), types);
    }

    @Test
    void ipv4DontFragmentIsRefusedWithTheMtu() {
        byte[] packet = TestPackets.ipv4(1500, new byte[0], true, 1, 4);
        FragmentationRefusedException refused = assertThrows(FragmentationRefusedException.class,
                () -> fragmenter.fragmentIpv4(packet, 0, packet.length, 1400, (b, o, l, i) -> {
                    throw new AssertionError("no fragment expected");
                }));
        assertEquals(FragmentationRefusedException.Reason.DONT_FRAGMENT, refused.reason());
        assertEquals(1400, refused.mtu());
    }

    @Test
    void ipv4MtuBelow68IsRejected() {
        byte[] packet = TestPackets.ipv4(100, new byte[0], false, 1, 5);
        assertThrows(IllegalArgumentException.class, () -> fragmenter.fragmentIpv4(packet, 0, packet.length, 67));
        assertThrows(IllegalArgumentException.class, () -> fragmenter.fragmentIpv4(packet, 0, packet.length, 65536));
    }

    @Test
    void ipv4SmallestMtuWithLongestHeaderStillMakesProgress() {
        byte[] options = new byte[40];
        options[0] = (byte) 0x94;
        options[1] = 40; // one 40-byte copied option (kind 0x94 with a long body)
        byte[] packet = TestPackets.ipv4(100, options, false, 1, 6);
        List<byte[]> fragments = fragmenter.fragmentIpv4(packet, 0, packet.length, 68);
        for (byte[] f : fragments) {
            assertTrue(f.length <= 68);
            assertEquals(60, Ipv4Packet.parse(f, 0, f.length).headerLength());
        }
        assertEquals(13, fragments.size()); // 8 data bytes each
    }

    @Test
    void ipv4FragmentIsFragmentedFurtherKeepingItsOffsetAndMoreFlag() {
        // A middle fragment: offset 1480, MF set, 1480 bytes of data.
        byte[] packet = TestPackets.ipv4(1480, new byte[0], 0x2000 | (1480 >>> 3), 9, IpProtocol.UDP, 7);
        List<byte[]> fragments = fragmenter.fragmentIpv4(packet, 0, packet.length, 576);
        int expectedOffset = 1480;
        for (byte[] f : fragments) {
            Ipv4Packet ip = Ipv4Packet.parse(f, 0, f.length);
            assertEquals(expectedOffset, ip.fragmentOffset());
            assertTrue(ip.moreFragments());
            expectedOffset += ip.payloadLength();
        }
        assertEquals(1480 + 1480, expectedOffset);
    }

    @Test
    void sinkReceivesTheSameScratchBufferEachTime() {
        byte[] packet = TestPackets.ipv4(5000, new byte[0], false, 1, 8);
        List<byte[]> buffers = new ArrayList<>();
        List<Integer> indexes = new ArrayList<>();
        fragmenter.fragmentIpv4(packet, 0, packet.length, 1500, (buffer, offset, length, index) -> {
            buffers.add(buffer);
            indexes.add(index);
        });
        assertEquals(List.of(0, 1, 2, 3), indexes);
        assertTrue(buffers.stream().allMatch(b -> b == buffers.get(0)));
    }

    @Property(tries = 300)
    void ipv4FragmentsFitAndCoverThePayload(@ForAll @IntRange(min = 0, max = 65515) int payloadLength,
            @ForAll @IntRange(min = 68, max = 9000) int mtu, @ForAll long seed) {
        byte[] packet = TestPackets.ipv4(payloadLength, new byte[0], false, 3, seed);
        int[] covered = {0};
        fragmenter.fragmentIpv4(packet, 0, packet.length, mtu, (buffer, offset, length, index) -> {
            assertTrue(length <= mtu);
            Ipv4Packet ip = Ipv4Packet.parse(buffer, offset, length);
            assertTrue(ip.headerChecksumValid());
            assertEquals(covered[0], ip.fragmentOffset());
            assertTrue(Arrays.equals(buffer, ip.payloadOffset(), ip.payloadOffset() + ip.payloadLength(),
                    packet, 20 + covered[0], 20 + covered[0] + ip.payloadLength()));
            covered[0] += ip.payloadLength();
        });
        assertEquals(payloadLength, covered[0]);
    }

    // ---- IPv6 ------------------------------------------------------------------------------------------------

    @Test
    void ipv6PacketThatFitsIsNotGivenAFragmentHeader() {
        byte[] packet = TestPackets.ipv6Udp(1000, 9);
        List<byte[]> fragments = fragmenter.fragmentIpv6(packet, 0, packet.length, 1280, 1);
        assertEquals(1, fragments.size());
        assertArrayEquals(packet, fragments.get(0)); // RFC 8021: no atomic fragments
    }

    @Test
    void ipv6FragmentsRepeatTheUnfragmentablePart() {
        List<Extension> extensions = List.of(new Extension(IpProtocol.HOPOPT, 8),
                new Extension(IpProtocol.IPV6_ROUTE, 24), new Extension(IpProtocol.IPV6_OPTS, 16));
        byte[] packet = TestPackets.ipv6(3000, extensions, IpProtocol.UDP, 10);
        List<byte[]> fragments = fragmenter.fragmentIpv6(packet, 0, packet.length, 1280, 0x5efa507c);
        assertEquals(3, fragments.size());
        ByteArrayOutputStream fragmentable = new ByteArrayOutputStream();
        int expectedOffset = 0;
        for (int i = 0; i < fragments.size(); i++) {
            byte[] f = fragments.get(i);
            assertTrue(f.length <= 1280);
            Ipv6Packet ip = Ipv6Packet.parse(f, 0, f.length);
            assertEquals(f.length - 40, ip.payloadLength());
            assertEquals(40 + 8 + 24, ip.fragmentHeaderOffset());
            assertEquals(IpProtocol.IPV6_FRAG, f[40 + 8] & 0xFF); // routing header's Next Header
            // Hop-by-hop and routing header bytes are those of the original, except the patched Next Header.
            assertTrue(Arrays.equals(f, 0, 4, packet, 0, 4));
            assertTrue(Arrays.equals(f, 6, 48, packet, 6, 48));
            assertTrue(Arrays.equals(f, 49, 72, packet, 49, 72));
            assertEquals(IpProtocol.IPV6_OPTS, ip.fragmentNextHeader());
            assertEquals(0x5efa507c, ip.fragmentIdentification());
            assertEquals(expectedOffset, ip.fragmentOffset());
            assertEquals(i < fragments.size() - 1, ip.moreFragments());
            int dataLength = ip.end() - ip.fragmentDataOffset();
            if (ip.moreFragments()) {
                assertEquals(0, dataLength % 8);
            }
            fragmentable.write(f, ip.fragmentDataOffset(), dataLength);
            expectedOffset += dataLength;
        }
        assertArrayEquals(Arrays.copyOfRange(packet, 72, packet.length), fragmentable.toByteArray());
        // First fragment: 1280 - 72 - 8 = 1200, a multiple of 8.
        assertEquals(1280, fragments.get(0).length);
    }

    @Test
    void ipv6FixedHeaderNextHeaderIsPatchedWithoutExtensions() {
        byte[] packet = TestPackets.ipv6Udp(2000, 11);
        List<byte[]> fragments = fragmenter.fragmentIpv6(packet, 0, packet.length, 1280, 77);
        for (byte[] f : fragments) {
            assertEquals(IpProtocol.IPV6_FRAG, f[6] & 0xFF);
            assertEquals(IpProtocol.UDP, f[40] & 0xFF);
        }
    }

    @Test
    void ipv6MtuBelow1280IsRejected() {
        byte[] packet = TestPackets.ipv6Udp(2000, 12);
        assertThrows(IllegalArgumentException.class, () -> fragmenter.fragmentIpv6(packet, 0, packet.length, 1279, 1));
    }

    @Test
    void ipv6PacketWithAFragmentHeaderIsNotFragmentedAgain() {
        byte[] data = TestPackets.randomBytes(2000, 13);
        byte[] fragment = TestPackets.ipv6Fragment(IpProtocol.UDP, 0, true, 1, data, 0, 2000);
        FragmentationRefusedException refused = assertThrows(FragmentationRefusedException.class,
                () -> fragmenter.fragmentIpv6(fragment, 0, fragment.length, 1280, 2));
        assertEquals(FragmentationRefusedException.Reason.ALREADY_FRAGMENTED, refused.reason());
    }

    @Test
    void ipv6HeaderChainThatDoesNotFitTheFirstFragmentIsRefused() {
        // A 1248-byte destination options header in the fragmentable part: chain + UDP > 1280 - 48.
        byte[] packet = TestPackets.ipv6(3000, List.of(new Extension(IpProtocol.IPV6_OPTS, 1232)), IpProtocol.UDP,
                14);
        FragmentationRefusedException refused = assertThrows(FragmentationRefusedException.class,
                () -> fragmenter.fragmentIpv6(packet, 0, packet.length, 1280, 3));
        assertEquals(FragmentationRefusedException.Reason.HEADERS_EXCEED_MTU, refused.reason());
        // One byte of room less and it fits: 1224 + 8 (UDP) = 1232 = 1280 - 48.
        byte[] fits = TestPackets.ipv6(3000, List.of(new Extension(IpProtocol.IPV6_OPTS, 1224)), IpProtocol.UDP, 14);
        assertEquals(3, fragmenter.fragmentIpv6(fits, 0, fits.length, 1280, 3).size());
    }

    @Test
    void ipv6UnfragmentablePartTooLongIsRefused() {
        byte[] packet = TestPackets.ipv6(3000, List.of(new Extension(IpProtocol.HOPOPT, 1232)), IpProtocol.UDP, 15);
        FragmentationRefusedException refused = assertThrows(FragmentationRefusedException.class,
                () -> fragmenter.fragmentIpv6(packet, 0, packet.length, 1280, 4));
        assertEquals(FragmentationRefusedException.Reason.HEADERS_EXCEED_MTU, refused.reason());
    }

    @Test
    void ipv6IdentificationComesFromTheSource() {
        byte[] packet = TestPackets.ipv6Udp(3000, 16);
        int[] calls = {0};
        FragmentIdentificationSource source = (p, src, dst) -> {
            calls[0]++;
            assertTrue(Arrays.equals(p, src, src + 16, TestPackets.SOURCE_V6, 0, 16));
            assertTrue(Arrays.equals(p, dst, dst + 16, TestPackets.DESTINATION_V6, 0, 16));
            return 0xCAFE;
        };
        fragmenter.fragmentIpv6(packet, 0, packet.length, 1500, source, (buffer, offset, length, index) ->
                assertEquals(0xCAFE, Ipv6Packet.parse(buffer, offset, length).fragmentIdentification()));
        assertEquals(1, calls[0]);
        // A packet that fits consumes no identification.
        byte[] small = TestPackets.ipv6Udp(100, 17);
        fragmenter.fragmentIpv6(small, 0, small.length, 1500, source, (buffer, offset, length, index) -> { });
        assertEquals(1, calls[0]);
        FragmentIdentificationSource random = FragmentIdentificationSource.random(new SplittableRandom(1));
        SplittableRandom same = new SplittableRandom(1);
        for (int i = 0; i < 3; i++) {
            assertEquals(same.nextInt(), random.nextIdentification(packet, 8, 24));
        }
    }

    @Property(tries = 200)
    void ipv6FragmentsFitAndCoverThePacket(@ForAll @IntRange(min = 8, max = 65535) int payloadLength,
            @ForAll @IntRange(min = 1280, max = 9000) int mtu, @ForAll long seed) {
        byte[] packet = TestPackets.ipv6Udp(payloadLength, seed);
        int[] covered = {0};
        fragmenter.fragmentIpv6(packet, 0, packet.length, mtu, 5, (buffer, offset, length, index) -> {
            assertTrue(length <= mtu);
            Ipv6Packet ip = Ipv6Packet.parse(buffer, offset, length);
            if (ip.fragmentHeaderOffset() < 0) {
                covered[0] = payloadLength;
                return;
            }
            int dataLength = ip.end() - ip.fragmentDataOffset();
            assertEquals(covered[0], ip.fragmentOffset());
            assertTrue(Arrays.equals(buffer, ip.fragmentDataOffset(), ip.end(), packet, 40 + covered[0],
                    40 + covered[0] + dataLength));
            covered[0] += dataLength;
        });
        assertEquals(payloadLength, covered[0]);
    }
}
