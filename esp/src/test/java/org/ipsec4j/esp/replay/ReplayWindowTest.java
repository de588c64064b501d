package org.ipsec4j.esp.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ReplayWindowTest {

    private static long checkAndAccept(ReplayWindow w, long seq) {
        long r = w.check((int) seq);
        if (r > 0) {
            assertTrue(w.accept(r));
        }
        return r;
    }

    @Test
    void inOrderDuplicatesAndTooOld() {
        ReplayWindow w = new ReplayWindow(64, false);
        for (int s = 1; s <= 100; s++) {
            assertEquals(s, checkAndAccept(w, s));
        }
        assertEquals(100, w.highest());
        assertEquals(ReplayWindow.REPLAYED, w.check(100));
        assertEquals(ReplayWindow.REPLAYED, w.check(37)); // 100 - 64 + 1: the window's left edge
        assertEquals(ReplayWindow.TOO_OLD, w.check(36));
        assertEquals(ReplayWindow.TOO_OLD, w.check(0));
        assertEquals(101, w.check(101));
        assertEquals(1L << 31, w.check(Integer.MIN_VALUE)); // unsigned without ESN
        assertEquals(0xFFFF_FFFFL, w.check(-1));
    }

    @Test
    void reorderedWithinTheWindowIsAcceptedOnce() {
        ReplayWindow w = new ReplayWindow(32, false);
        assertEquals(40, checkAndAccept(w, 40));
        for (int s = 39; s >= 9; s--) {
            assertEquals(s, checkAndAccept(w, s), "seq " + s);
        }
        assertEquals(ReplayWindow.TOO_OLD, w.check(8));
        for (int s = 9; s <= 40; s++) {
            assertEquals(ReplayWindow.REPLAYED, w.check(s), "seq " + s);
        }
        // A gap: 41 missing, 42..45 arrive, then 41 late but in the window.
        for (int s = 42; s <= 45; s++) {
            checkAndAccept(w, s);
        }
        assertEquals(41, checkAndAccept(w, 41));
        assertEquals(ReplayWindow.REPLAYED, w.check(41));
    }

    @Test
    void checkDoesNotMoveTheWindowOnlyAcceptDoes() {
        ReplayWindow w = new ReplayWindow(64, false);
        checkAndAccept(w, 10);
        assertEquals(1000, w.check(1000)); // e.g. a forged packet: ICV fails, accept is never called
        assertEquals(10, w.highest());
        assertEquals(5, w.check(5));
        assertTrue(w.accept(5));
        assertFalse(w.accept(5), "a replay that raced past check");
    }

    @Test
    void aJumpBeyondTheWindowForgetsEverythingBehind() {
        ReplayWindow w = new ReplayWindow(128, false);
        for (int s = 1; s <= 128; s++) {
            checkAndAccept(w, s);
        }
        assertEquals(100_000, checkAndAccept(w, 100_000));
        assertEquals(ReplayWindow.TOO_OLD, w.check(128));
        assertEquals(ReplayWindow.TOO_OLD, w.check(100_000 - 128));
        for (int s = 100_000 - 127; s < 100_000; s++) {
            assertEquals(s, w.check(s), "stale bits left in the ring at " + s);
        }
        assertFalse(w.accept(5));
    }

    @Test
    void windowZeroChecksNothingButZero() {
        ReplayWindow w = new ReplayWindow(0, false);
        assertEquals(5, checkAndAccept(w, 5));
        assertEquals(5, checkAndAccept(w, 5));
        assertEquals(1, checkAndAccept(w, 1));
        assertEquals(ReplayWindow.TOO_OLD, w.check(0));
        assertEquals(5, w.highest());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 32, 63, 64, 65, 100, 1000, 4096, 65536})
    void theWholeWindowIsUsable(int size) {
        ReplayWindow w = new ReplayWindow(size, false);
        long top = 3L * size + 7;
        checkAndAccept(w, top);
        // Every number in [top - size + 1, top - 1] is accepted exactly once, in a scrambled order.
        List<Long> order = new ArrayList<>();
        for (long s = top - size + 1; s < top; s++) {
            order.add(s);
        }
        java.util.Collections.shuffle(order, new Random(size));
        for (long s : order) {
            assertEquals(s, checkAndAccept(w, s));
        }
        for (long s : order) {
            assertEquals(ReplayWindow.REPLAYED, w.check((int) s));
        }
        assertEquals(ReplayWindow.TOO_OLD, w.check((int) (top - size)));
    }

    @Test
    void sizesAreBounded() {
        assertThrows(IllegalArgumentException.class, () -> new ReplayWindow(-1, false));
        assertThrows(IllegalArgumentException.class, () -> new ReplayWindow(ReplayWindow.MAX_SIZE + 1, true));
        assertThrows(IllegalArgumentException.class, () -> new ReplayWindow(64, false).accept(0));
    }

    // ---- ESN (RFC 4303 Appendix A) ----

    /**
     * RFC 4303 Appendix A2.3's pseudo-code for the high-order bits, transcribed literally with 32-bit unsigned
     * arithmetic mod 2^32, to compare against. Returns the full number or -1 for Case B's "Th - 1" at Th = 0.
     */
    static long appendixASeq(long highest, int window, int seqLow) {
        long tl = highest & 0xFFFF_FFFFL;
        long th = highest >>> 32;
        long w = window;
        long sl = seqLow & 0xFFFF_FFFFL;
        long bl = (tl - w + 1) & 0xFFFF_FFFFL;
        long seqh;
        if (tl >= w - 1) { // Case A
            seqh = sl >= bl ? th : th + 1;
        } else { // Case B
            seqh = sl >= bl ? th - 1 : th;
        }
        return seqh < 0 ? -1 : (seqh << 32) | sl;
    }

    @Test
    void appendixACasesAroundTheEpochBoundary() {
        int size = 64;
        // Case A, wrapping forward: T just below 2^32, the next packets carry small low halves.
        ReplayWindow a = new ReplayWindow(size, true);
        assertTrue(a.accept(0xFFFF_FFF0L)); // state as if the SA had carried 2^32 - 16 packets
        assertEquals(0xFFFF_FFF5L, checkAndAccept(a, 0xFFFF_FFF5L));
        assertEquals((1L << 32) + 1, a.check(1));
        assertEquals(appendixASeq(a.highest(), size, 1), a.check(1));
        assertTrue(a.accept((1L << 32) + 1));
        // Now Case B (Tl = 1 < W - 1): late packets from the old epoch are Th - 1 and in the window.
        assertEquals(0xFFFF_FFF7L, a.check(0xFFFF_FFF7));
        assertEquals(appendixASeq(a.highest(), size, 0xFFFF_FFF7), a.check(0xFFFF_FFF7));
        assertEquals(ReplayWindow.REPLAYED, a.check(0xFFFF_FFF5));
        assertEquals(ReplayWindow.REPLAYED, a.check(0xFFFF_FFF0));
        assertEquals(0xFFFF_FFC2L, a.check(0xFFFF_FFC2)); // the left edge: 2^32 + 1 - 64 + 1
        assertEquals(ReplayWindow.TOO_OLD, a.check(0xFFFF_FFC1));
        // ... and new ones are Th.
        assertEquals((1L << 32) + 2, a.check(2));
        assertEquals((1L << 32) + 1000, a.check(1000));
        // Zero is a valid low half in a later epoch.
        ReplayWindow z = new ReplayWindow(size, true);
        assertTrue(z.accept(0xFFFF_FFFFL));
        assertEquals(1L << 32, checkAndAccept(z, 0));
    }

    @Test
    void appendixACaseBAtTheVeryStartHasNoPreviousEpoch() {
        ReplayWindow w = new ReplayWindow(64, true);
        checkAndAccept(w, 5);
        // RFC Case B would give Seqh = Th - 1 = -1: there is no such packet.
        assertEquals(-1, appendixASeq(5, 64, 0xFFFF_FFF0));
        assertEquals(ReplayWindow.TOO_OLD, w.check(0xFFFF_FFF0));
        assertEquals(ReplayWindow.TOO_OLD, new ReplayWindow(64, true).check(0));
    }

    /**
     * For every packet in the window or ahead of it (up to 2^31), the inference equals Appendix A2.3's; behind
     * the window ours says TOO_OLD where A2.3 would try the next epoch (and fail the ICV).
     */
    @Property(tries = 3000)
    void inferenceAgreesWithAppendixA(@ForAll @IntRange(min = 1, max = 4096) int size, @ForAll long highestSeed,
                                      @ForAll int delta) {
        long highest = 1 + ((highestSeed >>> 2) % (1L << 40)); // up to 256 epochs
        ReplayWindow w = new ReplayWindow(size, true);
        w.accept(highest);
        long truth = highest + delta;
        long got = w.check((int) truth);
        if (truth <= 0) {
            return; // before the first packet: never sent
        }
        long rfc = appendixASeq(highest, size, (int) truth);
        if (truth > highest - size) {
            assertEquals(truth, rfc, "the RFC's own inference");
            assertEquals(truth == highest ? ReplayWindow.REPLAYED : truth, got);
        } else {
            assertEquals(ReplayWindow.TOO_OLD, got);
        }
    }

    /**
     * Against a reference model (a set of everything accepted and the window rule) over random traffic:
     * mostly increasing with local reordering, duplicates, and jumps; with ESN starting just below an epoch
     * boundary so the stream crosses it.
     */
    @Property(tries = 300)
    void agreesWithAReferenceModel(@ForAll @IntRange(min = 0, max = 300) int size, @ForAll boolean esn,
                                   @ForAll long seed) {
        Random r = new Random(seed);
        long start = esn ? (1L << 32) * (1 + r.nextInt(3)) - 500 : 1 + r.nextInt(1000);
        ReplayWindow w = new ReplayWindow(size, esn);
        Set<Long> seen = new HashSet<>();
        long highest = 0;
        if (start > 1) {
            w.accept(start - 1);
            seen.add(start - 1);
            highest = start - 1;
        }
        long next = start;
        for (int i = 0; i < 2000; i++) {
            long truth = switch (r.nextInt(10)) {
                case 0 -> next - r.nextInt(2 * size + 2); // late, maybe beyond the window
                case 1 -> highest;                        // duplicate of the newest
                case 2 -> next + r.nextInt(3 * size + 3); // ahead, skipping some
                default -> next++;
            };
            if (truth <= 0 || (!esn && truth > 0xFFFF_FFFFL)) {
                continue;
            }
            long expected;
            if (size > 0 && truth <= highest - size) {
                expected = ReplayWindow.TOO_OLD;
            } else if (size > 0 && seen.contains(truth)) {
                expected = ReplayWindow.REPLAYED;
            } else {
                expected = truth;
            }
            long got = w.check((int) truth);
            assertEquals(ReplayWindow.describe(expected), ReplayWindow.describe(got), "packet " + i);
            // Half the accepted packets "fail the ICV" and are never accepted.
            if (got > 0 && r.nextInt(8) != 0) {
                assertTrue(w.accept(got));
                seen.add(got);
                highest = Math.max(highest, got);
                next = Math.max(next, got + 1);
            }
            assertEquals(highest, w.highest());
        }
    }

    // ---- the sender's counter ----

    @Test
    void counterStartsAtOneAndNeverWrapsWithoutEsn() {
        SequenceCounter c = new SequenceCounter(false);
        assertEquals(1, c.next());
        assertEquals(2, c.next());
        SequenceCounter end = new SequenceCounter(false, 0xFFFF_FFFEL);
        assertEquals(1, end.remaining());
        assertEquals(0xFFFF_FFFFL, end.next());
        assertTrue(end.exhausted());
        assertEquals(SequenceCounter.EXHAUSTED, end.next());
        assertEquals(SequenceCounter.EXHAUSTED, end.next());
        assertEquals(0xFFFF_FFFFL, end.last());
    }

    @Test
    void counterCrossesTwoToThe32WithEsn() {
        SequenceCounter c = new SequenceCounter(true, 0xFFFF_FFFFL);
        assertEquals(1L << 32, c.next());
        assertFalse(c.exhausted());
        SequenceCounter end = new SequenceCounter(true, Long.MAX_VALUE - 1);
        assertEquals(Long.MAX_VALUE, end.next());
        assertEquals(SequenceCounter.EXHAUSTED, end.next());
        assertThrows(IllegalArgumentException.class, () -> new SequenceCounter(false, 1L << 32));
    }

    @Test
    void aReservationHoldsTheCounterUntilItIsExtended() {
        SequenceCounter c = new SequenceCounter(false, 100);
        c.reserveThrough(102);
        assertEquals(101, c.next());
        assertEquals(102, c.next());
        assertEquals(SequenceCounter.NOT_RESERVED, c.next());
        assertEquals(SequenceCounter.NOT_RESERVED, c.next());
        assertEquals(102, c.last());
        assertEquals(102, c.lastObserved());
        assertFalse(c.exhausted());
        assertThrows(IllegalArgumentException.class, () -> c.reserveThrough(101), "never lowered");
        c.reserveThrough(1L << 40); // capped at the limit
        assertEquals(0xFFFF_FFFFL, c.reservedThrough());
        assertEquals(103, c.next());

        SequenceCounter end = new SequenceCounter(false, 0xFFFF_FFFEL);
        end.reserveThrough(0xFFFF_FFFFL);
        assertEquals(0xFFFF_FFFFL, end.next());
        assertEquals(SequenceCounter.EXHAUSTED, end.next(), "at the limit it is exhaustion, not a reservation");
        assertThrows(IllegalArgumentException.class, () -> new SequenceCounter(false, 50).reserveThrough(49),
                "below what was used");
    }
}
