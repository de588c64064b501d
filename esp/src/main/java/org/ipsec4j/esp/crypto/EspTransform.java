package org.ipsec4j.esp.crypto;

import java.util.Objects;

/**
 * An ESP transform: an encryption algorithm and an integrity algorithm, and the exact size math of an ESP
 * packet built with them (RFC 4303 §2), shared by the codec, the data plane, the path-MTU code and
 * {@code ipsec4j mtu}.
 *
 * <p>The canonical constructor refuses combinations that make no sense: an AEAD algorithm with a separate
 * integrity algorithm (RFC 4303 §3.2.3: the combined mode provides integrity), NULL encryption without
 * integrity (RFC 4303 §3.2: ESP needs confidentiality or integrity), and a non-AEAD cipher without
 * integrity (confidentiality-only ESP is open to cut-and-paste and padding-oracle attacks; RFC 8221 §5
 * advises against it). {@link #of} also refuses legacy algorithms unless allowed.
 */
public record EspTransform(EncryptionAlgorithm encryption, IntegrityAlgorithm integrity) {

    /** SPI and 32-bit sequence number (RFC 4303 §2.1, §2.2). */
    public static final int SPI_AND_SEQUENCE_LENGTH = 8;
    /** Pad Length and Next Header (RFC 4303 §2.5, §2.6). */
    public static final int TRAILER_FIXED_LENGTH = 2;

    public EspTransform {
        Objects.requireNonNull(encryption, "encryption");
        Objects.requireNonNull(integrity, "integrity");
        if (encryption.aead() && integrity != IntegrityAlgorithm.NONE) {
            throw new IllegalArgumentException(encryption + " is a combined mode and provides integrity itself;"
                    + " use integrity NONE, not " + integrity + " (RFC 4303 §3.2.3)");
        }
        if (!encryption.aead() && integrity == IntegrityAlgorithm.NONE) {
            throw new IllegalArgumentException(encryption == EncryptionAlgorithm.NULL
                    ? "NULL encryption without integrity protects nothing (RFC 4303 §3.2); choose an HMAC"
                    : encryption + " without integrity is open to cut-and-paste and padding-oracle attacks"
                            + " (RFC 8221 §5); choose an HMAC or an AEAD algorithm");
        }
    }

    /**
     * A validated transform.
     *
     * @param allowLegacy whether 3DES and HMAC-MD5-96 may be used (for old peers only)
     * @throws IllegalArgumentException for a refused combination, with a message that says what to change
     */
    public static EspTransform of(EncryptionAlgorithm encryption, IntegrityAlgorithm integrity, boolean allowLegacy) {
        EspTransform t = new EspTransform(encryption, integrity);
        if (!allowLegacy && (encryption.legacy() || integrity.legacy())) {
            throw new IllegalArgumentException((encryption.legacy() ? encryption : integrity)
                    + " is a legacy algorithm (RFC 8221 §5, §6), refused by default; allow legacy algorithms"
                    + " explicitly (allowLegacy = true, the daemon's --allow-legacy-algorithms) to talk to an old peer");
        }
        return t;
    }

    /** Whether a separate HMAC computes the ICV (true unless the encryption is AEAD). */
    public boolean separateIntegrity() {
        return integrity != IntegrityAlgorithm.NONE;
    }

    /** ICV bytes at the end of each packet: the AEAD tag or the truncated HMAC. */
    public int icvLength() {
        return encryption.aead() ? encryption.icvLength() : integrity.icvLength();
    }

    /** The ciphertext alignment: the block size, at least 4 (RFC 4303 §2.4). */
    public int alignment() {
        return Math.max(4, encryption.blockSize());
    }

    /** Bytes before the payload: SPI, sequence number and explicit IV. */
    public int headerLength() {
        return SPI_AND_SEQUENCE_LENGTH + encryption.ivLength();
    }

    /** The most bytes after the payload: alignment - 1 padding, pad length, next header and ICV. */
    public int trailerMax() {
        return alignment() - 1 + TRAILER_FIXED_LENGTH + icvLength();
    }

    /** Padding bytes for a payload: enough to align payload + 2 to {@link #alignment()} (RFC 4303 §2.4). */
    public int paddingLength(int payloadLength) {
        int align = alignment();
        return (align - (payloadLength + TRAILER_FIXED_LENGTH) % align) % align;
    }

    /**
     * The ESP packet length (from SPI to ICV) that carries a payload of this length: SPI 4 + sequence 4 + IV
     * + payload + padding + pad length 1 + next header 1 + ICV.
     */
    public int espLength(int payloadLength) {
        if (payloadLength < 0) {
            throw new IllegalArgumentException("payload length " + payloadLength + " < 0");
        }
        return headerLength() + payloadLength + paddingLength(payloadLength) + TRAILER_FIXED_LENGTH + icvLength();
    }

    /**
     * The largest payload whose {@link #espLength} fits in {@code espSpace} bytes: the exact inverse, so
     * {@code espLength(maxPayloadLength(s)) <= s < espLength(maxPayloadLength(s) + 1)}.
     *
     * @return the payload length, or -1 if not even an empty payload fits
     */
    public int maxPayloadLength(int espSpace) {
        int align = alignment();
        int ciphertextSpace = espSpace - headerLength() - icvLength();
        if (ciphertextSpace < TRAILER_FIXED_LENGTH) {
            return -1;
        }
        int p = ciphertextSpace / align * align - TRAILER_FIXED_LENGTH;
        return p < 0 ? -1 : p;
    }

    @Override
    public String toString() {
        return encryption.aead() ? encryption.name() : encryption + "+" + integrity;
    }
}
