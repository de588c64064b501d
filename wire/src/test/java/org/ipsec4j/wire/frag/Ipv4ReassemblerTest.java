package org.ipsec4j.wire.frag;

import static org.ipsec4j.wire.frag.TestPackets.LOOSE_SOURCE_ROUTE;
import static org.ipsec4j.wire.frag.TestPackets.RECORD_ROUTE;
import static org.ipsec4j.wire.frag.TestPackets.ROUTER_ALERT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.ipsec4j.wire.IpProtocol;
import org.ipsec4j.wire.Ipv4Packet;
import org.ipsec4j.wire.frag.Reassembler.Outcome;
import org.junit.jupiter.api.Test;

class Ipv4ReassemblerTest {

    private static final long SECOND = 1_000_000_000L;

    private final Fragmenter fragmenter = new Fragmenter();

    private static Outcome accept(Reassembler reassembler, byte[] packet, long now) {
        return reassembler.accept(packet, 0, packet.length, now);
    }

    /** Feeds all fragments; returns the completed datagram (exactly one completion expected). */
    private static byte[] reassemble(Reassembler reassembler, List<byte[]> fragments, long now) {
        byte[] result = null;
        for (byte[] f : fragments) {
            Outcome outcome = accept(reassembler, f, now);
            if (outcome == Outcome.COMPLETE) {
                assertNull(result, "completed twice");
                result = reassembler.copyDatagram();
            }
        }
        return result;
    }

    @Test
    void roundTripRestoresTheOriginalHeader() {
        byte[] options = TestPackets.options(ROUTER_ALERT, RECORD_ROUTE, LOOSE_SOURCE_ROUTE);
        byte[] packet = TestPackets.ipv4(5000, options, false, 4242, 1);
        List<byte[]> fragments = fragmenter.fragmentIpv4(packet, 0, packet.length, 576);
        Ipv4Reassembler reassembler = new Ipv4Reassembler();
        List<byte[]> reversed = new ArrayList<>(fragments.reversed());
        byte[] datagram = reassemble(reassembler, reversed, 0);
        assertArrayEquals(packet, datagram);
        Ipv4Packet ip = Ipv4Packet.parse(datagram, 0, datagram.length);
        assertTrue(ip.headerChecksumValid());
        assertEquals(1, reassembler.reassembledCount());
        assertEquals(0, reassembler.heldBytes());
        assertEquals(0, reassembler.pendingDatagrams());
    }

    @Test
    void notAFragmentIsPassedThrough() {
        byte[] packet = TestPackets.ipv4(100, new byte[0], true, 1, 2);
        Ipv4Reassembler reassembler = new Ipv4Reassembler();
        assertEquals(Outcome.NOT_FRAGMENT, accept(reassembler, packet, 0));
        assertNull(reassembler.lastDropReason());
    }

    @Test
    void badHeaderChecksumIsMalformed() {
        byte[] packet = TestPackets.ipv4(3000, new byte[0], false, 1, 3);
        byte[] first = fragmenter.fragmentIpv4(packet, 0, packet.length, 1500).get(0);
        first[8] ^= 1; // TTL, without fixing the checksum
        Ipv4Reassembler reassembler = new Ipv4Reassembler();
        assertEquals(Outcome.DROPPED, accept(reassembler, first, 0));
        assertEquals(DropReason.MALFORMED, reassembler.lastDropReason());
        assertEquals(0, reassembler.pendingDatagrams());
    }

    @Test
    void truncatedPacketIsMalformed() {
        byte[] packet = TestPackets.ipv4(3000, new byte[0], false, 1, 4);
        byte[] first = fragmenter.fragmentIpv4(packet, 0, packet.length, 1500).get(0);
        Ipv4Reassembler reassembler = new Ipv4Reassembler();
        assertEquals(Outcome.DROPPED, reassembler.accept(first, 0, first.length - 1, 0));
        assertEquals(DropReason.MALFORMED, reassembler.lastDropReason());
        assertEquals(Outcome.DROPPED, reassembler.accept(first, 10, first.length, 0));
        assertEquals(2, reassembler.dropCount(DropReason.MALFORMED));
    }

    @Test
    void middleFragmentNotAMultipleOfEightIsMalformed() {
        byte[] data = TestPackets.randomBytes(100, 5);
        Ipv4Reassembler reassembler = new Ipv4Reassembler();
        assertEquals(Outcome.DROPPED, accept(reassembler, TestPackets.ipv4Fragment(0, true, 1, data, 0, 44), 0));
        assertEquals(DropReason.MALFORMED, reassembler.lastDropReason());
    }

    @Test
    void keyIncludesProtocol() {
        byte[] udp = TestPackets.ipv4(2000, new byte[0], 0, 7, IpProtocol.UDP, 6);
        byte[] tcp = TestPackets.ipv4(2000, new byte[0], 0, 7, IpProtocol.TCP, 7);
        List<byte[]> a = fragmenter.fragmentIpv4(udp, 0, udp.length, 1000);
        List<byte[]> b = fragmenter.fragmentIpv4(tcp, 0, tcp.length, 1000);
        Ipv4Reassembler reassembler = new Ipv4Reassembler();
        List<byte[]> interleaved = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            interleaved.add(a.get(i));
            interleaved.add(b.get(i));
        }
        List<byte[]> completed = new ArrayList<>();
        for (byte[] f : interleaved) {
            if (accept(reassembler, f, 0) == Outcome.COMPLETE) {
                completed.add(reassembler.copyDatagram());
            }
        }
        assertEquals(2, completed.size());
        assertArrayEquals(udp, completed.get(0));
        assertArrayEquals(tcp, completed.get(1));
    }

    @Test
    void overlappingFragmentsDiscardTheDatagram() {
        // RFC 1858 style: a second fragment that rewrites bytes of the first one.
        byte[] data = TestPackets.randomBytes(3000, 8);
        Ipv4Reassembler reassembler = new Ipv4Reassembler();
        assertEquals(Outcome.HELD, accept(reassembler, TestPackets.ipv4Fragment(0, true, 9, data, 0, 1480), 0));
        assertEquals(Outcome.DROPPED, accept(reassembler, TestPackets.ipv4Fragment(8, true, 9, data, 8, 1488), 0));
        assertEquals(DropReason.OVERLAP, reassembler.lastDropReason());
        assertEquals(2, reassembler.dropCount(DropReason.OVERLAP));
        // The rest of the datagram cannot resurrect it.
        assertEquals(Outcome.DROPPED, accept(reassembler, TestPackets.ipv4Fragment(1480, false, 9, data, 1480, 3000),
                SECOND));
        assertEquals(DropReason.DATAGRAM_DISCARDED, reassembler.lastDropReason());
        assertEquals(0, reassembler.heldBytes());
    }

    @Test
    void fragmentsFromTwoDifferentSplitsOverlap() {
        byte[] packet = TestPackets.ipv4(4000, new byte[0], false, 10, 9);
        List<byte[]> a = fragmenter.fragmentIpv4(packet, 0, packet.length, 1500);
        List<byte[]> b = fragmenter.fragmentIpv4(packet, 0, packet.length, 1000);
        Ipv4Reassembler reassembler = new Ipv4Reassembler();
        accept(reassembler, a.get(0), 0);
        assertEquals(Outcome.DROPPED, accept(reassembler, b.get(1), 0));
        assertEquals(DropReason.OVERLAP, reassembler.lastDropReason());
    }

    @Test
    void datagramsTimeOutAfter15SecondsByDefault() {
        byte[] packet = TestPackets.ipv4(3000, new byte[0], false, 11, 10);
        List<byte[]> fragments = fragmenter.fragmentIpv4(packet, 0, packet.length, 1500);
        Ipv4Reassembler reassembler = new Ipv4Reassembler();
        long t0 = -5 * SECOND; // nanoTime may be negative
        accept(reassembler, fragments.get(0), t0);
        accept(reassembler, fragments.get(1), t0 + 14 * SECOND);
        assertEquals(t0 + 15 * SECOND, reassembler.nextExpiryNanos());
        assertEquals(Outcome.HELD, accept(reassembler, fragments.get(2), t0 + 15 * SECOND));
        assertEquals(2, reassembler.dropCount(DropReason.TIMEOUT));
        assertEquals(1, reassembler.expire(t0 + 30 * SECOND));
        assertEquals(3, reassembler.dropCount(DropReason.TIMEOUT));
        assertTrue(!reassembler.hasPendingDatagrams());
    }

    @Test
    void timeoutQuotesTheFirstFragmentForIcmp() {
        byte[] options = TestPackets.options(ROUTER_ALERT);
        byte[] packet = TestPackets.ipv4(3000, options, false, 21, 21);
        List<byte[]> fragments = fragmenter.fragmentIpv4(packet, 0, packet.length, 1500);
        Ipv4Reassembler reassembler = new Ipv4Reassembler();
        List<byte[]> quotes = new ArrayList<>();
        reassembler.onTimeout((buffer, offset, length) ->
                quotes.add(java.util.Arrays.copyOfRange(buffer, offset, offset + length)));
        accept(reassembler, fragments.get(2), 0);
        accept(reassembler, fragments.get(0), SECOND);
        reassembler.expire(15 * SECOND);
        assertEquals(1, quotes.size());
        // RFC 792 / RFC 1812 §4.3.2.3: the first fragment as received, cut to 548 bytes.
        assertArrayEquals(java.util.Arrays.copyOf(fragments.get(0), 548), quotes.get(0));
        assertEquals(548, reassembler.timeoutQuoteLimit());

        // Without the offset-zero fragment nothing is reported; nor after an overlap discard.
        accept(reassembler, fragments.get(1), 20 * SECOND);
        byte[] data = TestPackets.randomBytes(3000, 22);
        accept(reassembler, TestPackets.ipv4Fragment(0, true, 23, data, 0, 1480), 20 * SECOND);
        accept(reassembler, TestPackets.ipv4Fragment(8, true, 23, data, 8, 1488), 20 * SECOND);
        reassembler.expire(40 * SECOND);
        assertEquals(1, quotes.size());

        // A short first fragment is quoted whole, and timeouts found by accept() are reported too.
        byte[] small = TestPackets.ipv4(200, new byte[0], false, 24, 24);
        List<byte[]> smallFragments = fragmenter.fragmentIpv4(small, 0, small.length, 100);
        accept(reassembler, smallFragments.get(0), 50 * SECOND);
        accept(reassembler, smallFragments.get(1), 70 * SECOND);
        assertEquals(2, quotes.size());
        assertArrayEquals(smallFragments.get(0), quotes.get(1));
        reassembler.onTimeout(null);
        reassembler.expire(100 * SECOND);
        assertEquals(2, quotes.size());
    }

    @Test
    void completesJustBeforeTheTimeout() {
        byte[] packet = TestPackets.ipv4(3000, new byte[0], false, 12, 11);
        List<byte[]> fragments = fragmenter.fragmentIpv4(packet, 0, packet.length, 1500);
        Ipv4Reassembler reassembler = new Ipv4Reassembler();
        accept(reassembler, fragments.get(0), 0);
        accept(reassembler, fragments.get(1), 0);
        assertEquals(Outcome.COMPLETE, accept(reassembler, fragments.get(2), 15 * SECOND - 1));
    }

    @Test
    void memoryCapEvictsTheOldestDatagram() {
        ReassemblyConfig config = ReassemblyConfig.ipv4Defaults().withMemoryCapBytes(16 * 1024);
        Ipv4Reassembler reassembler = new Ipv4Reassembler(config);
        List<List<byte[]>> datagrams = new ArrayList<>();
        for (int id = 0; id < 4; id++) {
            byte[] packet = TestPackets.ipv4(6000, new byte[0], false, id, 100 + id);
            datagrams.add(fragmenter.fragmentIpv4(packet, 0, packet.length, 1500));
        }
        // Hold all but the last fragment of each: 4 x ~4.5 KB does not fit 16 KiB.
        long now = 0;
        for (List<byte[]> fragments : datagrams) {
            for (byte[] f : fragments.subList(0, fragments.size() - 1)) {
                accept(reassembler, f, now++);
                assertTrue(reassembler.heldBytes() <= config.memoryCapBytes());
            }
        }
        assertTrue(reassembler.dropCount(DropReason.MEMORY_CAP) > 0);
        // The oldest is gone, the newest completes.
        assertEquals(Outcome.HELD, accept(reassembler, datagrams.get(0).getLast(), now));
        assertEquals(Outcome.COMPLETE, accept(reassembler, datagrams.get(3).getLast(), now));
    }

    @Test
    void tooManyFragmentsDiscardTheDatagram() {
        ReassemblyConfig config = ReassemblyConfig.ipv4Defaults().withMaxFragmentsPerDatagram(10);
        byte[] packet = TestPackets.ipv4(1000, new byte[0], false, 13, 12);
        List<byte[]> fragments = fragmenter.fragmentIpv4(packet, 0, packet.length, 68); // 48 bytes each: 21
        Ipv4Reassembler reassembler = new Ipv4Reassembler(config);
        assertEquals(null, reassemble(reassembler, fragments, 0));
        assertEquals(11, reassembler.dropCount(DropReason.TOO_MANY_FRAGMENTS));
        assertEquals(10, reassembler.dropCount(DropReason.DATAGRAM_DISCARDED));
        // The default (64) takes it.
        assertArrayEquals(packet, reassemble(new Ipv4Reassembler(), fragments, 0));
    }

    @Test
    void fragmentReachingPast65535IsTooBig() {
        byte[] data = TestPackets.randomBytes(64, 14);
        Ipv4Reassembler reassembler = new Ipv4Reassembler();
        // 20 + 65512 + 8 = 65540 > 65535
        assertEquals(Outcome.DROPPED, accept(reassembler, TestPackets.ipv4Fragment(65512, false, 1, data, 0, 8), 0));
        assertEquals(DropReason.TOO_BIG, reassembler.lastDropReason());
        assertEquals(0, reassembler.pendingDatagrams());
        // 20 + 65512 + 3 = 65535 fits.
        assertEquals(Outcome.HELD, accept(reassembler, TestPackets.ipv4Fragment(65512, false, 1, data, 0, 3), 0));
    }

    @Test
    void largestDatagramReassembles() {
        byte[] packet = TestPackets.ipv4(65515, new byte[0], false, 15, 15);
        List<byte[]> fragments = fragmenter.fragmentIpv4(packet, 0, packet.length, 1500);
        assertArrayEquals(packet, reassemble(new Ipv4Reassembler(), fragments.reversed(), 0));
    }

    @Test
    void configuredSmallerMaximumIsEnforced() {
        ReassemblyConfig config = ReassemblyConfig.ipv4Defaults().withMaxDatagramLength(9000);
        byte[] big = TestPackets.ipv4(9000, new byte[0], false, 16, 16);
        Ipv4Reassembler reassembler = new Ipv4Reassembler(config);
        assertNull(reassemble(reassembler, fragmenter.fragmentIpv4(big, 0, big.length, 1500), 0));
        assertTrue(reassembler.dropCount(DropReason.TOO_BIG) >= 1);
        byte[] fits = TestPackets.ipv4(8980, new byte[0], false, 17, 17);
        assertArrayEquals(fits, reassemble(reassembler, fragmenter.fragmentIpv4(fits, 0, fits.length, 1500), 0));
    }

    @Test
    void dropCountsSnapshotHasEveryReason() {
        Ipv4Reassembler reassembler = new Ipv4Reassembler();
        reassembler.accept(new byte[3], 0, 3, 0);
        assertEquals(DropReason.values().length, reassembler.dropCounts().size());
        assertEquals(1L, reassembler.dropCounts().get(DropReason.MALFORMED));
    }

    // ---- properties ----------------------------------------------------------------------------------------

    @Provide
    Arbitrary<byte[]> optionSets() {
        return Arbitraries.of(new byte[0], TestPackets.options(ROUTER_ALERT),
                TestPackets.options(RECORD_ROUTE, new byte[] {1}, LOOSE_SOURCE_ROUTE),
                TestPackets.options(ROUTER_ALERT, RECORD_ROUTE, LOOSE_SOURCE_ROUTE));
    }

    @Property(tries = 400)
    void fragmentThenReassembleInAnyOrderGivesThePacketBack(
            @ForAll @IntRange(min = 1, max = 20_000) int payloadLength,
            @ForAll @IntRange(min = 68, max = 9000) int mtu,
            @ForAll("optionSets") byte[] options,
            @ForAll @IntRange(min = 0, max = 6) int duplicates,
            @ForAll long seed) {
        byte[] packet = TestPackets.ipv4(payloadLength, options, false, (int) seed & 0xFFFF, seed);
        List<byte[]> fragments = fragmenter.fragmentIpv4(packet, 0, packet.length, mtu);
        ReassemblyConfig config = ReassemblyConfig.ipv4Defaults().withMaxFragmentsPerDatagram(65535);
        Ipv4Reassembler reassembler = new Ipv4Reassembler(config);
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
    void mutatedFragmentsOnlyEverCountAsDrops(@ForAll @IntRange(min = 1, max = 6000) int payloadLength,
            @ForAll @IntRange(min = 68, max = 1500) int mtu, @ForAll long seed) {
        byte[] packet = TestPackets.ipv4(payloadLength, TestPackets.options(ROUTER_ALERT), false, 1, seed);
        List<byte[]> fragments = fragmenter.fragmentIpv4(packet, 0, packet.length, mtu);
        ReassemblyConfig config = new ReassemblyConfig(8 * 1024, Duration.ofSeconds(1), 16, 4, 65535);
        Ipv4Reassembler reassembler = new Ipv4Reassembler(config);
        Random random = new Random(seed);
        long now = 0;
        long accepted = 0;
        for (int round = 0; round < 3; round++) {
            for (byte[] original : fragments) {
                byte[] f = original.clone();
                int flips = random.nextInt(4);
                for (int i = 0; i < flips; i++) {
                    f[random.nextInt(f.length)] = (byte) random.nextInt(256);
                }
                if (random.nextBoolean()) {
                    // Keep the checksum right so mutations reach the reassembly logic, not just the checksum check.
                    fixChecksumIfParseable(f);
                }
                int length = random.nextInt(8) == 0 ? random.nextInt(f.length + 1) : f.length;
                now += random.nextInt((int) (SECOND / 4));
                Outcome outcome = reassembler.accept(f, 0, length, now);
                accepted++;
                if (outcome == Outcome.DROPPED) {
                    assertNotNull(reassembler.lastDropReason());
                } else {
                    assertNull(reassembler.lastDropReason());
                }
                if (outcome == Outcome.COMPLETE) {
                    byte[] d = reassembler.copyDatagram();
                    Ipv4Packet ip = Ipv4Packet.parse(d, 0, d.length);
                    assertTrue(ip.headerChecksumValid());
                    assertEquals(d.length, ip.totalLength());
                    assertTrue(!ip.isFragment());
                }
                assertTrue(reassembler.heldBytes() <= config.memoryCapBytes());
                assertTrue(reassembler.pendingDatagrams() <= config.maxDatagrams());
            }
        }
        assertTrue(accepted > 0);
        reassembler.expire(now + SECOND);
        assertEquals(0, reassembler.heldBytes());
    }

    private static void fixChecksumIfParseable(byte[] f) {
        try {
            Ipv4Packet.parse(f, 0, f.length).updateHeaderChecksum();
        } catch (RuntimeException notParseable) {
            // leave it broken
        }
    }
}
