package org.ipsec4j.wire.frag;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.ipsec4j.wire.frag.ReassemblyTable.Offer;
import org.junit.jupiter.api.Test;

/** The family-independent core, driven with synthetic keys, headers and payloads. */
class ReassemblyTableTest {

    private static final long SECOND = 1_000_000_000L;
    private static final byte[] HEADER = {'H', 'D', 'R', '!'};

    private static ReassemblyConfig config() {
        return new ReassemblyConfig(1 << 20, Duration.ofSeconds(30), 64, 16, 65535);
    }

    private static ReassemblyTable table(ReassemblyConfig config) {
        return new ReassemblyTable(config, 4, config.maxDatagramLength(), 0);
    }

    private static Offer offer(ReassemblyTable table, int key, byte[] payload, int start, int end, boolean last,
            long now) {
        byte[] k = table.key();
        k[0] = (byte) (key >>> 24);
        k[1] = (byte) (key >>> 16);
        k[2] = (byte) (key >>> 8);
        k[3] = (byte) key;
        return table.offer(start, last, payload, start, end - start, HEADER, 0, HEADER.length, 7, 9, now);
    }

    /**
     * Keys that differ only in the identification (its last bytes for IPv6, bytes 9-10 for IPv4, as a sender's
     * counter makes them) must spread over the buckets: 4096 keys into 2048 buckets fill about 86% of them when
     * hashed at random.
     */
    @Test
    void sequentialIdentificationsSpreadOverBuckets() {
        ReassemblyConfig config = ReassemblyConfig.ipv6Defaults();
        for (int[] layout : new int[][] {{36, 32}, {11, 9}, {4, 2}}) {
            int keyLength = layout[0];
            int idOffset = layout[1];
            for (int seed : new int[] {0, 0x5EED}) {
                ReassemblyTable t = new ReassemblyTable(config, keyLength, 65535, seed);
                byte[] k = t.key();
                for (int i = 0; i < idOffset; i++) {
                    k[i] = (byte) (0x20 + i);
                }
                boolean[] used = new boolean[2048];
                int distinct = 0;
                for (int id = 0; id < 4096; id++) {
                    k[idOffset] = (byte) (id >>> 8);
                    k[idOffset + 1] = (byte) id;
                    int bucket = t.hashKey() & 2047;
                    if (!used[bucket]) {
                        used[bucket] = true;
                        distinct++;
                    }
                }
                assertTrue(distinct > 1600, keyLength + "-byte keys, seed " + seed + ": " + distinct + " buckets");
            }
        }
    }

    private static byte[] payload(int length, long seed) {
        byte[] b = new byte[length];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static byte[] expected(byte[] payload) {
        byte[] out = new byte[HEADER.length + payload.length];
        System.arraycopy(HEADER, 0, out, 0, HEADER.length);
        System.arraycopy(payload, 0, out, HEADER.length, payload.length);
        return out;
    }

    private static byte[] output(ReassemblyTable table) {
        return Arrays.copyOf(table.output(), table.outputLength());
    }

    @Test
    void inOrderFragmentsComplete() {
        ReassemblyTable table = table(config());
        byte[] data = payload(3000, 1);
        assertEquals(Offer.HELD, offer(table, 1, data, 0, 1000, false, 0));
        assertEquals(Offer.HELD, offer(table, 1, data, 1000, 2000, false, 0));
        assertEquals(Offer.COMPLETE, offer(table, 1, data, 2000, 3000, true, 0));
        assertArrayEquals(expected(data), output(table));
        assertEquals(HEADER.length, table.outputHeaderLength());
        assertEquals(7, table.outputAux0());
        assertEquals(9, table.outputAux1());
        assertEquals(0, table.datagramCount());
        assertEquals(0, table.heldBytes());
    }

    @Test
    void lastFragmentFirstAndHeaderLastComplete() {
        ReassemblyTable table = table(config());
        byte[] data = payload(2001, 2);
        assertEquals(Offer.HELD, offer(table, 1, data, 1600, 2001, true, 0));
        assertEquals(Offer.HELD, offer(table, 1, data, 800, 1600, false, 0));
        assertEquals(Offer.COMPLETE, offer(table, 1, data, 0, 800, false, 0));
        assertArrayEquals(expected(data), output(table));
    }

    @Test
    void datagramsWithDifferentKeysAreKeptApart() {
        ReassemblyTable table = table(config());
        byte[] a = payload(1600, 3);
        byte[] b = payload(1600, 4);
        offer(table, 1, a, 0, 800, false, 0);
        offer(table, 2, b, 800, 1600, true, 0);
        offer(table, 2, b, 0, 800, false, 0);
        assertArrayEquals(expected(b), output(table));
        assertEquals(Offer.COMPLETE, offer(table, 1, a, 800, 1600, true, 0));
        assertArrayEquals(expected(a), output(table));
    }

    @Test
    void exactDuplicateIsDroppedAndDatagramKept() {
        ReassemblyTable table = table(config());
        byte[] data = payload(1600, 5);
        offer(table, 1, data, 0, 800, false, 0);
        assertEquals(Offer.DROPPED, offer(table, 1, data, 0, 800, false, 0));
        assertEquals(DropReason.DUPLICATE, table.lastDropReason());
        assertEquals(Offer.COMPLETE, offer(table, 1, data, 800, 1600, true, 0));
        assertArrayEquals(expected(data), output(table));
        assertEquals(1, table.drops(DropReason.DUPLICATE));
    }

    @Test
    void sameRangeWithOtherBytesIsAnOverlap() {
        ReassemblyTable table = table(config());
        byte[] data = payload(1600, 6);
        byte[] forged = data.clone();
        forged[900] ^= 1;
        offer(table, 1, data, 800, 1600, true, 0);
        assertEquals(Offer.DROPPED, offer(table, 1, forged, 800, 1600, true, 0));
        assertEquals(DropReason.OVERLAP, table.lastDropReason());
        assertEquals(2, table.drops(DropReason.OVERLAP));
    }

    @Test
    void overlapDiscardsTheDatagramAndItsLaterFragments() {
        ReassemblyTable table = table(config());
        byte[] data = payload(2400, 7);
        offer(table, 1, data, 0, 800, false, 0);
        offer(table, 1, data, 1600, 2400, true, 0);
        assertEquals(Offer.DROPPED, offer(table, 1, data, 792, 1600, false, 0));
        assertEquals(DropReason.OVERLAP, table.lastDropReason());
        assertEquals(3, table.drops(DropReason.OVERLAP));
        assertEquals(0, table.heldBytes());
        // RFC 5722: fragments not yet received are discarded too, even ones that would complete it.
        assertEquals(Offer.DROPPED, offer(table, 1, data, 800, 1600, false, SECOND));
        assertEquals(DropReason.DATAGRAM_DISCARDED, table.lastDropReason());
        // Once the timeout has passed, the identification may be reused.
        assertEquals(0, table.expire(30 * SECOND));
        assertEquals(0, table.datagramCount());
        offer(table, 1, data, 0, 800, false, 31 * SECOND);
        offer(table, 1, data, 800, 1600, false, 31 * SECOND);
        assertEquals(Offer.COMPLETE, offer(table, 1, data, 1600, 2400, true, 31 * SECOND));
        assertArrayEquals(expected(data), output(table));
    }

    @Test
    void overlapWithFollowingFragmentIsDetected() {
        ReassemblyTable table = table(config());
        byte[] data = payload(2400, 8);
        offer(table, 1, data, 800, 1600, false, 0);
        assertEquals(Offer.DROPPED, offer(table, 1, data, 0, 808, false, 0));
        assertEquals(DropReason.OVERLAP, table.lastDropReason());
    }

    @Test
    void fragmentContainingAnotherIsAnOverlap() {
        ReassemblyTable table = table(config());
        byte[] data = payload(2400, 9);
        offer(table, 1, data, 800, 1600, false, 0);
        assertEquals(Offer.DROPPED, offer(table, 1, data, 0, 2400, true, 0));
        assertEquals(DropReason.OVERLAP, table.lastDropReason());
    }

    @Test
    void nonLastFragmentMustBeAPositiveMultipleOfEight() {
        ReassemblyTable table = table(config());
        byte[] data = payload(100, 10);
        assertEquals(Offer.DROPPED, offer(table, 1, data, 0, 17, false, 0));
        assertEquals(DropReason.MALFORMED, table.lastDropReason());
        assertEquals(Offer.DROPPED, offer(table, 1, data, 8, 8, false, 0));
        assertEquals(DropReason.MALFORMED, table.lastDropReason());
        assertEquals(0, table.datagramCount());
    }

    @Test
    void disagreeingEndsDiscardTheDatagram() {
        ReassemblyTable table = table(config());
        byte[] data = payload(2400, 11);
        offer(table, 1, data, 0, 800, false, 0);
        offer(table, 1, data, 1600, 2400, true, 0);
        assertEquals(Offer.DROPPED, offer(table, 1, data, 1600, 2000, true, 0));
        assertEquals(DropReason.INCONSISTENT_LENGTH, table.lastDropReason());
        assertEquals(3, table.drops(DropReason.INCONSISTENT_LENGTH));

        offer(table, 2, data, 800, 1600, true, 0);
        assertEquals(Offer.DROPPED, offer(table, 2, data, 1600, 2400, false, 0));
        assertEquals(DropReason.INCONSISTENT_LENGTH, table.lastDropReason());

        offer(table, 3, data, 1600, 2400, false, 0);
        assertEquals(Offer.DROPPED, offer(table, 3, data, 0, 800, true, 0));
        assertEquals(DropReason.INCONSISTENT_LENGTH, table.lastDropReason());
    }

    @Test
    void tooManyFragmentsDiscardTheDatagram() {
        ReassemblyTable table = table(config().withMaxFragmentsPerDatagram(4));
        byte[] data = payload(80, 12);
        for (int i = 0; i < 4; i++) {
            assertEquals(Offer.HELD, offer(table, 1, data, 8 * i, 8 * i + 8, false, 0));
        }
        assertEquals(Offer.DROPPED, offer(table, 1, data, 32, 40, false, 0));
        assertEquals(DropReason.TOO_MANY_FRAGMENTS, table.lastDropReason());
        assertEquals(5, table.drops(DropReason.TOO_MANY_FRAGMENTS));
        assertEquals(Offer.DROPPED, offer(table, 1, data, 40, 80, true, 0));
        assertEquals(DropReason.DATAGRAM_DISCARDED, table.lastDropReason());
    }

    @Test
    void datagramAtTheFragmentLimitStillCompletes() {
        ReassemblyTable table = table(config().withMaxFragmentsPerDatagram(4));
        byte[] data = payload(30, 13);
        offer(table, 1, data, 0, 8, false, 0);
        offer(table, 1, data, 8, 16, false, 0);
        offer(table, 1, data, 16, 24, false, 0);
        assertEquals(Offer.COMPLETE, offer(table, 1, data, 24, 30, true, 0));
    }

    @Test
    void fragmentEndingPastTheMaximumIsTooBig() {
        ReassemblyTable table = table(config());
        byte[] data = payload(65536, 14);
        // 4 header bytes + 65528 + 8 > 65535
        assertEquals(Offer.DROPPED, offer(table, 1, data, 65528, 65536, true, 0));
        assertEquals(DropReason.TOO_BIG, table.lastDropReason());
        assertEquals(0, table.datagramCount());
        // 4 + 65531 fits exactly.
        assertEquals(Offer.HELD, offer(table, 1, data, 65520, 65531, true, 0));
    }

    @Test
    void firstFragmentWithALongerHeaderMakesHeldFragmentsTooBig() {
        ReassemblyTable table = table(config());
        byte[] data = payload(65531, 15);
        byte[] k = table.key();
        Arrays.fill(k, (byte) 0);
        // Held against the header length it brought (4): 4 + 65531 fits.
        assertEquals(Offer.HELD, table.offer(65520, true, data, 65520, 11, HEADER, 0, 4, 0, 0, 0));
        byte[] longHeader = new byte[60];
        assertEquals(Offer.DROPPED, table.offer(0, false, data, 0, 8, longHeader, 0, 60, 0, 0, 0));
        assertEquals(DropReason.TOO_BIG, table.lastDropReason());
        assertEquals(2, table.drops(DropReason.TOO_BIG));
    }

    @Test
    void timeoutExpiresFromTheFirstFragment() {
        ReassemblyTable table = table(config());
        byte[] data = payload(2400, 16);
        long t0 = 123 * SECOND;
        offer(table, 1, data, 0, 800, false, t0);
        offer(table, 1, data, 800, 1600, false, t0 + 20 * SECOND);
        assertTrue(table.hasPending());
        assertEquals(t0 + 30 * SECOND, table.nextExpiryNanos());
        assertEquals(0, table.expire(t0 + 30 * SECOND - 1));
        assertEquals(1, table.expire(t0 + 30 * SECOND));
        assertEquals(2, table.drops(DropReason.TIMEOUT));
        assertFalse(table.hasPending());
        assertEquals(0, table.heldBytes());
        assertThrows(IllegalStateException.class, table::nextExpiryNanos);
        // The late last fragment starts a new datagram instead of completing the old one.
        assertEquals(Offer.HELD, offer(table, 1, data, 1600, 2400, true, t0 + 31 * SECOND));
    }

    @Test
    void offerExpiresOldDatagramsFirst() {
        ReassemblyTable table = table(config());
        byte[] data = payload(1600, 17);
        offer(table, 1, data, 0, 800, false, 0);
        offer(table, 2, data, 0, 800, false, 10 * SECOND);
        offer(table, 3, data, 0, 800, false, 31 * SECOND);
        assertEquals(2, table.datagramCount());
        assertEquals(1, table.drops(DropReason.TIMEOUT));
    }

    @Test
    void clockValuesNearOverflowStillExpire() {
        ReassemblyTable table = table(config());
        byte[] data = payload(1600, 18);
        long t0 = Long.MAX_VALUE - SECOND;
        offer(table, 1, data, 0, 800, false, t0);
        assertEquals(0, table.expire(t0 + 29 * SECOND));
        assertEquals(1, table.expire(t0 + 30 * SECOND));
    }

    @Test
    void memoryCapEvictsTheOldestDatagram() {
        // 8 blocks of 512 bytes.
        ReassemblyTable table = table(config().withMemoryCapBytes(8 * 512));
        byte[] data = payload(4000, 19);
        offer(table, 1, data, 0, 1496, false, 0);     // 1500 bytes stored with the header: 3 blocks
        offer(table, 2, data, 0, 1496, false, 1);     // 3 blocks
        offer(table, 3, data, 1504, 2504, false, 2);  // 1000 bytes: 2 blocks, 8 used
        assertEquals(8 * 512, table.heldBytes());
        assertEquals(Offer.HELD, offer(table, 4, data, 1504, 2504, false, 3));
        assertEquals(1, table.drops(DropReason.MEMORY_CAP));
        assertEquals(3, table.datagramCount());
        assertTrue(table.heldBytes() <= 8 * 512);
        // Datagram 1 is gone: its last fragment starts over and does not complete.
        assertEquals(Offer.HELD, offer(table, 1, data, 1504, 3000, true, 4));
    }

    @Test
    void datagramLargerThanTheCapIsDropped() {
        ReassemblyTable table = table(config().withMemoryCapBytes(4 * 512));
        byte[] data = payload(4000, 20);
        offer(table, 1, data, 0, 1000, false, 0);
        assertEquals(Offer.HELD, offer(table, 2, data, 0, 1600, false, 1));
        assertEquals(1, table.drops(DropReason.MEMORY_CAP));
        assertEquals(Offer.DROPPED, offer(table, 2, data, 1600, 3200, false, 2));
        assertEquals(DropReason.MEMORY_CAP, table.lastDropReason());
        assertEquals(3, table.drops(DropReason.MEMORY_CAP));
        assertEquals(0, table.datagramCount());
        assertEquals(0, table.heldBytes());
    }

    @Test
    void datagramLimitEvictsTheOldest() {
        ReassemblyTable table = table(config().withMaxDatagrams(3));
        byte[] data = payload(1600, 21);
        for (int key = 1; key <= 3; key++) {
            offer(table, key, data, 0, 800, false, key);
        }
        offer(table, 4, data, 0, 800, false, 4);
        assertEquals(3, table.datagramCount());
        assertEquals(1, table.drops(DropReason.DATAGRAM_LIMIT));
        assertEquals(Offer.HELD, offer(table, 1, data, 800, 1600, true, 5));
        assertEquals(Offer.COMPLETE, offer(table, 3, data, 800, 1600, true, 6));
    }

    @Test
    void zeroLengthLastFragmentOnlyMarksTheEnd() {
        ReassemblyTable table = table(config());
        byte[] data = payload(1600, 22);
        offer(table, 1, data, 0, 800, false, 0);
        offer(table, 1, data, 800, 1600, false, 0);
        assertEquals(Offer.COMPLETE, offer(table, 1, data, 1600, 1600, true, 0));
        assertArrayEquals(expected(data), output(table));
    }

    @Test
    void lastDropReasonIsClearedByTheNextOffer() {
        ReassemblyTable table = table(config());
        byte[] data = payload(100, 23);
        offer(table, 1, data, 0, 17, false, 0);
        assertEquals(DropReason.MALFORMED, table.lastDropReason());
        offer(table, 1, data, 0, 16, false, 0);
        assertNull(table.lastDropReason());
    }

    @Test
    void manyDatagramsReuseTheArena() {
        ReassemblyTable table = table(config().withMemoryCapBytes(64 * 1024));
        for (int round = 0; round < 1000; round++) {
            byte[] data = payload(5000, round);
            int key = round % 7;
            offer(table, key, data, 2400, 5000, true, round);
            offer(table, key, data, 0, 2400, false, round);
            assertArrayEquals(expected(data), output(table));
            assertEquals(0, table.heldBytes());
        }
    }

    // ---- properties ----------------------------------------------------------------------------------------

    record Plan(byte[] payload, int chunk, long shuffleSeed, int duplicates) {}

    @Provide
    Arbitrary<Plan> plans() {
        return Combinators.combine(
                Arbitraries.integers().between(1, 20_000),
                Arbitraries.integers().between(1, 200),
                Arbitraries.longs(),
                Arbitraries.integers().between(0, 5)).as((length, units, seed, duplicates) -> {
                    byte[] payload = payload(length, seed);
                    return new Plan(payload, units * 8, seed, duplicates);
                });
    }

    @Property(tries = 300)
    void anyArrivalOrderWithDuplicatesYieldsTheDatagram(@ForAll("plans") Plan plan) {
        ReassemblyTable table = table(new ReassemblyConfig(1 << 20, Duration.ofSeconds(30), 65535, 16, 65535));
        List<int[]> pieces = new ArrayList<>();
        int length = plan.payload().length;
        for (int start = 0; start < length; start += plan.chunk()) {
            pieces.add(new int[] {start, Math.min(length, start + plan.chunk())});
        }
        Random random = new Random(plan.shuffleSeed());
        for (int i = 0; i < plan.duplicates(); i++) {
            pieces.add(pieces.get(random.nextInt(pieces.size())));
        }
        Collections.shuffle(pieces, random);
        int completions = 0;
        for (int[] piece : pieces) {
            Offer result = offer(table, 42, plan.payload(), piece[0], piece[1], piece[1] == length, 0);
            if (result == Offer.COMPLETE) {
                completions++;
                assertArrayEquals(expected(plan.payload()), output(table));
            } else if (result == Offer.DROPPED) {
                // After completion a duplicate starts a fresh datagram; before it, only duplicates are dropped.
                assertEquals(DropReason.DUPLICATE, table.lastDropReason());
            }
        }
        assertTrue(completions >= 1);
    }

    @Property(tries = 200)
    void randomOffersKeepTheBounds(@ForAll @IntRange(min = 1, max = 400) int steps, @ForAll long seed) {
        ReassemblyConfig config = new ReassemblyConfig(16 * 512, Duration.ofSeconds(5), 6, 4, 3000);
        ReassemblyTable table = table(config);
        Random random = new Random(seed);
        byte[] data = payload(4000, seed);
        long now = 0;
        for (int i = 0; i < steps; i++) {
            now += random.nextInt((int) (SECOND / 2));
            int start = random.nextInt(3000) & ~7;
            int end = Math.min(4000, start + random.nextInt(1200));
            boolean last = random.nextInt(4) == 0;
            Offer result = offer(table, random.nextInt(6), data, start, end, last, now);
            if (result == Offer.COMPLETE) {
                assertTrue(table.outputLength() <= 3000);
                assertEquals(HEADER.length, table.outputHeaderLength());
            }
            assertTrue(table.heldBytes() <= config.memoryCapBytes());
            assertTrue(table.datagramCount() <= config.maxDatagrams());
        }
        table.expire(now + 5 * SECOND);
        assertEquals(0, table.datagramCount());
        assertEquals(0, table.heldBytes());
    }
}
