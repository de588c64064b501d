package org.ipsec4j.esp.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ReplayWindowBasicTest {

    @Test
    void inOrderThenDuplicateThenTooOld() {
        ReplayWindow w = new ReplayWindow(64, false);
        for (int s = 1; s <= 100; s++) {
            assertEquals(s, w.check(s));
            assertTrue(w.accept(s));
        }
        assertEquals(ReplayWindow.REPLAYED, w.check(100));
        assertEquals(ReplayWindow.REPLAYED, w.check(37));
        assertEquals(ReplayWindow.TOO_OLD, w.check(36));
        assertEquals(ReplayWindow.TOO_OLD, w.check(0));
    }

    @Test
    void esnCrossesTwoToThe32() {
        ReplayWindow w = new ReplayWindow(64, true);
        long t = 0xFFFF_FFF0L;
        assertTrue(w.accept(t));
        assertEquals((1L << 32) + 1, w.check(1));
        assertTrue(w.accept((1L << 32) + 1));
        assertEquals(0xFFFF_FFFFL, w.check(0xFFFF_FFFF));
    }

    @Test
    void counterStopsWithoutEsn() {
        SequenceCounter c = new SequenceCounter(false, 0xFFFF_FFFEL);
        assertEquals(0xFFFF_FFFFL, c.next());
        assertEquals(SequenceCounter.EXHAUSTED, c.next());
    }
}
