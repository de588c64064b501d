package org.ipsec4j.daemon.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;

import org.ipsec4j.esp.replay.SequenceCounter;
import org.ipsec4j.esp.sad.SecurityProtocol;
import org.ipsec4j.esp.selector.IpAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SequenceStateDirectoryTest {

    static final SequenceStateKey KEY = new SequenceStateKey(SecurityProtocol.ESP, 0x1001, IpAddress.parse("192.0.2.2"));
    static final byte[] KEYS = "twenty bytes of key!".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    static final long LIMIT = 0xFFFF_FFFFL;

    @TempDir
    Path root;

    @Test
    void theDirectoryIsCreatedPrivateAndFilesAreWrittenWhole() throws Exception {
        Path dir = root.resolve("var/lib/ipsec4j");
        SequenceStateDirectory state = SequenceStateDirectory.open(dir, 100);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        SequenceReservation r = state.reserve(KEY, KEYS, new byte[0], LIMIT);
        assertEquals(0, r.resumeAfter());
        assertEquals(100, r.reservedThrough());
        Path file = dir.resolve("esp-0x00001001-192.0.2.2.seq");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(100, state.read(KEY).reservedThrough());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
        assertFalse(Files.readString(file).contains("twenty"));
    }

    @Test
    void theTimerKeepsTheReservationHalfABlockAhead() throws Exception {
        SequenceStateDirectory state = SequenceStateDirectory.open(root, 100);
        SequenceReservation r = state.reserve(KEY, KEYS, new byte[0], LIMIT);
        SequenceCounter counter = new SequenceCounter(false, r.resumeAfter());
        r.bind(counter);
        for (int i = 0; i < 50; i++) {
            counter.next();
        }
        assertFalse(r.extendIfLow(), "50 left of 100: enough");
        counter.next();
        assertTrue(r.extendIfLow(), "49 left: the next block");
        assertEquals(151, r.reservedThrough());
        assertEquals(151, counter.reservedThrough());
        assertEquals(151, state.read(KEY).reservedThrough(), "on disk before the counter may use it");

        // The packet thread outran the timer: it stops at the reservation, and goes on once it is extended.
        while (counter.next() > 0) { }
        assertEquals(151, counter.last());
        assertEquals(SequenceCounter.NOT_RESERVED, counter.next());
        assertTrue(r.extendIfLow());
        assertEquals(152, counter.next());
    }

    @Test
    void aRestartResumesAboveTheReservationAndNewKeysStartOver() throws Exception {
        SequenceStateDirectory state = SequenceStateDirectory.open(root, 100);
        SequenceReservation before = state.reserve(KEY, KEYS, new byte[0], LIMIT);
        before.bind(new SequenceCounter(false));
        SequenceStateDirectory restarted = SequenceStateDirectory.open(root, 100);
        SequenceReservation after = restarted.reserve(KEY, KEYS, new byte[0], LIMIT);
        assertEquals(100, after.resumeAfter());
        assertEquals(200, after.reservedThrough());
        assertFalse(after.keysChanged());

        SequenceReservation rekeyed = SequenceStateDirectory.open(root, 100).reserve(KEY, new byte[20], new byte[0],
                LIMIT);
        assertEquals(0, rekeyed.resumeAfter());
        assertTrue(rekeyed.keysChanged());

        // Near the end of the number space the reservation stops at the limit.
        SequenceStateKey other = new SequenceStateKey(SecurityProtocol.AH, 7, IpAddress.parse("192.0.2.9"));
        SequenceReservation end = state.reserve(other, new byte[0], KEYS, 150);
        assertEquals(100, end.reservedThrough());
        assertEquals(150, state.reserve(other, new byte[0], KEYS, 150).reservedThrough());
        assertEquals(150, state.reserve(other, new byte[0], KEYS, 150).resumeAfter(), "used up under these keys");
    }

    @Test
    void onlyTheNewestReservationOfAnSaWrites() throws Exception {
        SequenceStateDirectory state = SequenceStateDirectory.open(root, 100);
        SequenceReservation old = state.reserve(KEY, KEYS, new byte[0], LIMIT);
        SequenceCounter oldCounter = new SequenceCounter(false);
        old.bind(oldCounter);
        SequenceReservation replacement = state.reserve(KEY, new byte[20], new byte[0], LIMIT); // other keys
        while (oldCounter.next() > 0) { }
        assertFalse(old.extendIfLow(), "the replaced SA must not overwrite its successor's file");
        assertTrue(state.read(KEY).fingerprint().matches(new byte[20], new byte[0]));

        replacement.abandon(); // its configuration was refused after all: the old SA writes again
        assertTrue(old.extendIfLow());
        assertTrue(state.read(KEY).fingerprint().matches(KEYS, new byte[0]));
        old.retire();
        while (oldCounter.next() > 0) { }
        assertFalse(old.extendIfLow(), "retired: its SA left the configuration");
    }

    @Test
    void aFileOfAnotherSaUnderThisNameIsRefused() throws Exception {
        SequenceStateDirectory state = SequenceStateDirectory.open(root, 100);
        SequenceStateKey other = new SequenceStateKey(SecurityProtocol.ESP, 0x1002, IpAddress.parse("192.0.2.2"));
        Files.writeString(root.resolve(KEY.fileName()),
                new SequenceStateFile(other, KeyFingerprint.of(KEYS, new byte[0]), 5).format());
        StateFileException e = assertThrows(StateFileException.class,
                () -> state.reserve(KEY, KEYS, new byte[0], LIMIT));
        assertTrue(e.getMessage().endsWith("describes esp SPI 0x00001002 to 192.0.2.2, not esp SPI 0x00001001 to "
                + "192.0.2.2"), e.getMessage());
    }

    @Test
    void aDirectoryThatCannotBeWrittenIsRefusedAtOnce() throws Exception {
        Path file = Files.writeString(root.resolve("not-a-directory"), "x");
        assertThrows(java.io.IOException.class, () -> SequenceStateDirectory.open(file.resolve("state")));
    }
}
