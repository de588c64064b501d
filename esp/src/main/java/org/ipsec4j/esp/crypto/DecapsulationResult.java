package org.ipsec4j.esp.crypto;

/**
 * What {@link EspCodec#decapsulate} made of a packet: delivered, a dummy to drop silently, or a named drop
 * reason for the SA's counters. Returned, never thrown: bad packets are expected events.
 */
public enum DecapsulationResult {
    /** ICV and padding verified; the payload is in {@link Decapsulated}. */
    DELIVER,
    /** A valid dummy packet (next header 59, RFC 4303 §2.6) for traffic-flow confidentiality: drop silently. */
    DUMMY,
    /** Shorter than header + IV + pad length + next header + ICV. */
    TRUNCATED,
    /** The ciphertext is not a whole number of cipher blocks (CBC). */
    BAD_LENGTH,
    /** The SPI field is not this SA's: the caller's demultiplexing went wrong. */
    SPI_MISMATCH,
    /** The ICV (HMAC or AEAD tag) does not match: forged, corrupted, or wrong ESN high bits. */
    AUTHENTICATION_FAILED,
    /** The pad length exceeds the plaintext, or the padding bytes are not 1, 2, 3, ... (RFC 4303 §2.4). */
    BAD_PADDING;

    /** Whether the packet is dropped (everything but {@link #DELIVER}). */
    public boolean isDrop() {
        return this != DELIVER;
    }
}
