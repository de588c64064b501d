package org.ipsec4j.daemon.state;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.TRUNCATE_EXISTING;
import static java.nio.file.StandardOpenOption.WRITE;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The state directory: one {@link SequenceStateFile} per outbound SA that ever ran, written atomically (a
 * temporary file, fsync, rename over the old one, fsync of the directory), so that after a crash or power
 * loss the file holds either the old reservation or the new one, never a mix or nothing.
 *
 * <p>Reservations come in blocks of {@link #blockSize()} numbers. At most one {@link SequenceReservation} per SA
 * identity may write at a time: a newer one for the same identity (the SA replaced by one with other keys)
 * takes over, and the older one stops writing.
 *
 * <p>Files of SAs that leave the configuration stay, so that the same SA with the same keys added back later
 * continues above its old numbers. Thread-safe.
 */
public final class SequenceStateDirectory {

    /** 2^20 numbers: at a million packets a second, a write every half second or so. */
    public static final long DEFAULT_BLOCK = 1L << 20;

    private static final Set<PosixFilePermission> DIRECTORY_MODE = PosixFilePermissions.fromString("rwx------");
    private static final FileAttribute<Set<PosixFilePermission>> FILE_MODE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    private final Path directory;
    private final long blockSize;
    private final Map<SequenceStateKey, SequenceReservation> writers = new HashMap<>();

    private SequenceStateDirectory(Path directory, long blockSize) {
        this.directory = directory;
        this.blockSize = blockSize;
    }

    /** Opens the directory, creating it (mode 0700) with its parents if needed. */
    public static SequenceStateDirectory open(Path directory) throws IOException {
        return open(directory, DEFAULT_BLOCK);
    }

    /** With another block size (tests). */
    public static SequenceStateDirectory open(Path directory, long blockSize) throws IOException {
        if (blockSize < 2) {
            throw new IllegalArgumentException("block size " + blockSize + " is below 2");
        }
        Path absolute = directory.toAbsolutePath();
        if (!Files.isDirectory(absolute)) {
            Files.createDirectories(absolute);
            Files.setPosixFilePermissions(absolute, DIRECTORY_MODE);
        }
        if (!Files.isWritable(absolute)) {
            throw new AccessDeniedException(absolute.toString(), null, "not writable");
        }
        return new SequenceStateDirectory(absolute, blockSize);
    }

    public Path path() {
        return directory;
    }

    public long blockSize() {
        return blockSize;
    }

    /** Where the SA's reservation lives. */
    public Path fileOf(SequenceStateKey key) {
        return directory.resolve(key.fileName());
    }

    /**
     * Reserves the first block for an outbound SA that is about to start: with the keys of its state file it
     * continues above that file's reservation, with other keys (or without a file) at 1. The reservation is on
     * disk when this returns.
     *
     * @param limit the SA's last sequence number (2^32 - 1 without ESN)
     * @throws StateFileException if the file exists but cannot be read as a state file: where the SA stopped is
     *                            unknown, so it must not start
     */
    public synchronized SequenceReservation reserve(SequenceStateKey key, byte[] encryptionKey, byte[] integrityKey,
            long limit) throws IOException {
        SequenceStateFile previous = read(key);
        boolean sameKeys = previous != null && previous.fingerprint().matches(encryptionKey, integrityKey);
        long resumeAfter = sameKeys ? Math.min(previous.reservedThrough(), limit) : 0;
        // New keys start over at 1, under a fresh salt.
        KeyFingerprint fingerprint = sameKeys ? previous.fingerprint() : KeyFingerprint.of(encryptionKey, integrityKey);
        long through = Math.min(resumeAfter + blockSize, limit);
        write(new SequenceStateFile(key, fingerprint, through));
        SequenceReservation reservation = new SequenceReservation(this, key, fingerprint, resumeAfter, through, limit,
                previous != null && !sameKeys);
        reservation.replaced = writers.put(key, reservation);
        return reservation;
    }

    /** The state file of an SA, or null if there is none. */
    public SequenceStateFile read(SequenceStateKey key) throws IOException {
        Path file = fileOf(key);
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            return null;
        } catch (CharacterCodingException e) {
            throw new StateFileException(file, 0, "not ASCII text");
        }
        SequenceStateFile state = SequenceStateFile.parse(text, file);
        if (!state.key().equals(key)) {
            throw new StateFileException(file, 0, "describes " + state.key() + ", not " + key);
        }
        return state;
    }

    /** Writes a reservation further ahead, if {@code reservation} is still the one that writes for its SA. */
    synchronized boolean extend(SequenceReservation reservation, long through) throws IOException {
        if (writers.get(reservation.key()) != reservation) {
            return false;
        }
        write(new SequenceStateFile(reservation.key(), reservation.fingerprint(), through));
        return true;
    }

    /** The reservation's SA stopped running: it writes no more. */
    synchronized void retire(SequenceReservation reservation) {
        writers.remove(reservation.key(), reservation);
    }

    /** A reservation whose SA never started (its configuration was refused): the one it replaced writes again. */
    synchronized void abandon(SequenceReservation reservation) {
        if (writers.get(reservation.key()) == reservation) {
            if (reservation.replaced != null) {
                writers.put(reservation.key(), reservation.replaced);
            } else {
                writers.remove(reservation.key());
            }
        }
    }

    private void write(SequenceStateFile state) throws IOException {
        Path target = fileOf(state.key());
        Path temporary = directory.resolve(state.key().fileName() + ".tmp");
        ByteBuffer bytes = ByteBuffer.wrap(state.format().getBytes(StandardCharsets.US_ASCII));
        try (FileChannel channel = FileChannel.open(temporary, Set.of(CREATE, TRUNCATE_EXISTING, WRITE), FILE_MODE)) {
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            channel.force(true);
        }
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel dir = FileChannel.open(directory, READ)) {
            dir.force(true); // the rename itself
        }
    }

    @Override
    public String toString() {
        return directory.toString();
    }
}
