package org.ipsec4j.ike.keys;

import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.ipsec4j.esp.crypto.Decapsulated;
import org.ipsec4j.esp.crypto.DecapsulationResult;
import org.ipsec4j.esp.crypto.EspCodec;

/**
 * Opens ESP packets (RFC 4303) read from a capture with the keys of a {@link KeyLog}, through the data plane's own
 * {@link EspCodec}: the ICV is checked first, so where the log left the direction or algorithm of an SA open, the
 * candidate that verifies is kept for that SPI. With extended sequence numbers the high 32 bits, which are never
 * sent, are inferred from the highest number seen on the SPI (RFC 4303 Appendix A).
 *
 * <p>No replay check: a capture may hold a packet twice, and each is opened. One instance per capture, one thread.
 */
public final class EspDecryptor implements AutoCloseable {

    /** What became of one packet. */
    public sealed interface Result permits Decrypted, Dummy, Failed {
    }

    /**
     * An opened packet: its inner packet (tunnel mode: next header 4 or 41, an IP packet) or transport payload.
     *
     * @param payload a fresh array holding only the payload
     */
    public record Decrypted(int spi, long sequenceNumber, int nextHeader, byte[] payload, EspSaSecrets keys)
            implements Result {
    }

    /** A valid dummy packet (next header 59, RFC 4303 §2.6): traffic-flow confidentiality padding. */
    public record Dummy(int spi, long sequenceNumber) implements Result {
    }

    /** The packet could not be opened, and why. */
    public record Failed(int spi, String reason) implements Result {

        /** Whether the key log has no keys for its SPI (rather than keys that do not open it). */
        public boolean noKeys() {
            return reason.startsWith(NO_KEYS);
        }
    }

    private static final String NO_KEYS = "no keys for ESP SPI ";

    private static final int HEADER = 8;

    private final KeyLog keys;
    private final Map<Integer, EspSaSecrets> bound = new HashMap<>();
    private final Map<EspSaSecrets, EspCodec> codecs = new IdentityHashMap<>();
    private final Map<Integer, Long> highest = new HashMap<>();
    private final Decapsulated out = new Decapsulated();
    private byte[] scratch = new byte[2048];

    public EspDecryptor(KeyLog keys) {
        this.keys = Objects.requireNonNull(keys, "keys");
    }

    /** Opens one ESP packet, from its SPI to its ICV (the UDP payload of ESP in UDP, or the IP payload). */
    public Result decrypt(byte[] esp) {
        return decrypt(esp, 0, esp.length);
    }

    /** Opens the ESP packet in {@code b[off, off+len)}, from its SPI to its ICV; {@code b} is not changed. */
    public Result decrypt(byte[] b, int off, int len) {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len < HEADER) {
            return new Failed(0, len + " bytes: shorter than an ESP header (SPI and sequence number)");
        }
        int spi = (b[off] & 0xFF) << 24 | (b[off + 1] & 0xFF) << 16 | (b[off + 2] & 0xFF) << 8 | b[off + 3] & 0xFF;
        if (spi == 0) {
            return new Failed(0, "SPI 0 is not ESP (on port 4500 it is the non-ESP marker in front of IKE)");
        }
        EspSaSecrets known = bound.get(spi);
        List<EspSaSecrets> candidates = known != null ? List.of(known) : keys.esp(spi);
        if (candidates.isEmpty()) {
            return new Failed(spi, NO_KEYS + hex(spi) + " in the key log");
        }
        long seqLow = ((long) (b[off + 4] & 0xFF) << 24 | (b[off + 5] & 0xFF) << 16 | (b[off + 6] & 0xFF) << 8
                | b[off + 7] & 0xFF);
        long inferred = inferSequence(spi, seqLow);
        if (scratch.length < len) {
            Arrays.fill(scratch, (byte) 0);
            scratch = new byte[Math.max(len, scratch.length * 2)];
        }
        DecapsulationResult firstProblem = null;
        for (EspSaSecrets candidate : candidates) {
            System.arraycopy(b, off, scratch, 0, len);
            DecapsulationResult r = codec(candidate).decapsulate(inferred, scratch, 0, len, out);
            if (r == DecapsulationResult.DELIVER || r == DecapsulationResult.DUMMY) {
                bound.putIfAbsent(spi, candidate);
                long seq = out.sequenceNumber();
                highest.merge(spi, seq, Math::max);
                Result result = r == DecapsulationResult.DUMMY ? new Dummy(spi, seq)
                        : new Decrypted(spi, seq, out.nextHeader(), Arrays.copyOfRange(scratch, out.payloadOffset(),
                                out.payloadOffset() + out.payloadLength()), candidate);
                Arrays.fill(scratch, 0, len, (byte) 0);
                return result;
            }
            if (firstProblem == null) {
                firstProblem = r;
            }
        }
        Arrays.fill(scratch, 0, len, (byte) 0);
        return new Failed(spi, reason(firstProblem) + (candidates.size() > 1 ? " (with each of " + candidates.size()
                + " key sets for SPI " + hex(spi) + ")" : ""));
    }

    private static String reason(DecapsulationResult r) {
        return switch (r) {
            case TRUNCATED -> "truncated: shorter than header, IV, trailer and ICV";
            case BAD_LENGTH -> "the ciphertext is not a whole number of cipher blocks";
            case SPI_MISMATCH -> "SPI mismatch";
            case AUTHENTICATION_FAILED -> "integrity check failed: wrong keys, or a corrupted packet";
            case BAD_PADDING -> "the ICV verified, but the padding is wrong (RFC 4303 §2.4)";
            case DELIVER, DUMMY -> r.name();
        };
    }

    /** The full sequence number whose low 32 bits were sent: close to the highest seen (RFC 4303 Appendix A). */
    private long inferSequence(int spi, long seqLow) {
        Long top = highest.get(spi);
        if (top == null) {
            return seqLow;
        }
        long high = top >>> 32;
        long topLow = top & 0xFFFF_FFFFL;
        if (seqLow < topLow && topLow - seqLow > 0x8000_0000L) {
            high++;
        } else if (seqLow > topLow && seqLow - topLow > 0x8000_0000L && high > 0) {
            high--;
        }
        return high << 32 | seqLow;
    }

    private EspCodec codec(EspSaSecrets s) {
        return codecs.computeIfAbsent(s, EspSaSecrets::codec);
    }

    private static String hex(int spi) {
        return String.format("%08x", spi);
    }

    /** Destroys the codecs (the key log's keys are the caller's). */
    @Override
    public void close() {
        codecs.values().forEach(EspCodec::destroy);
        codecs.clear();
        Arrays.fill(scratch, (byte) 0);
    }
}
