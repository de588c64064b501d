package org.ipsec4j.daemon.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.LongSupplier;

import org.ipsec4j.daemon.state.SequenceReservation;
import org.ipsec4j.daemon.state.SequenceStateDirectory;
import org.ipsec4j.daemon.state.SequenceStateKey;
import org.ipsec4j.esp.DataPlane;
import org.ipsec4j.esp.replay.SequenceCounter;
import org.ipsec4j.esp.sad.SecurityAssociationDatabase;
import org.ipsec4j.esp.sad.SecurityProtocol;
import org.ipsec4j.esp.selector.IpAddress;
import org.ipsec4j.esp.spd.SecurityPolicyDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The timer thread keeps a sequence-number reservation ahead of a counter that another thread advances. */
class DataPlaneTimerTest {

    @TempDir
    Path directory;

    @Test
    void reservationsAreExtendedAheadOfTheCounterAndOnRequest() throws Exception {
        SequenceStateDirectory state = SequenceStateDirectory.open(directory, 100);
        SequenceStateKey key = new SequenceStateKey(SecurityProtocol.ESP, 0x1001, IpAddress.parse("192.0.2.2"));
        SequenceReservation reservation = state.reserve(key, new byte[20], new byte[0], 0xFFFF_FFFFL);
        SequenceCounter counter = new SequenceCounter(false);
        reservation.bind(counter);
        SecurityAssociationDatabase sad = new SecurityAssociationDatabase();
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        DataPlaneTimer timer = new DataPlaneTimer(sad, new DataPlane(new SecurityPolicyDatabase(), sad),
                new OuterSocketSet(0x4500, log::add, opened -> { }), new DataPlaneGate(), () -> List.of(reservation),
                log::add);
        Thread thread = Thread.ofPlatform().name("timer-under-test").start(timer);
        try {
            for (int i = 0; i < 60; i++) {
                counter.next();
            }
            // Within a few checks (every 100 ms) the next block is on disk and the counter may use it.
            awaitValue(() -> counter.reservedThrough(), 160);
            assertEquals(160, state.read(key).reservedThrough());

            while (counter.next() > 0) { } // the packet thread outruns the timer
            assertEquals(SequenceCounter.NOT_RESERVED, counter.next());
            timer.wake();
            awaitValue(() -> counter.reservedThrough(), 260);
            assertEquals(161, counter.next());
            assertEquals(List.of(), log);
        } finally {
            timer.stop();
            thread.join(5000);
        }
        assertTrue(!thread.isAlive());
    }

    private static void awaitValue(LongSupplier value, long expected) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (value.getAsLong() != expected && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(expected, value.getAsLong());
    }
}
