package org.ipsec4j.esp.crypto;

/**
 * The mutable result of {@link EspCodec#decapsulate}: where the decrypted payload sits in the caller's
 * buffer and what it is. One instance is reused packet after packet; its fields are valid after a
 * {@link DecapsulationResult#DELIVER} or {@link DecapsulationResult#DUMMY} result.
 */
public final class Decapsulated {

    int nextHeader;
    int payloadOffset;
    int payloadLength;
    long sequenceNumber;

    /** The Next Header of the trailer: 4 (IPv4) or 41 (IPv6) in tunnel mode, the transport protocol otherwise. */
    public int nextHeader() {
        return nextHeader;
    }

    /** Absolute offset of the payload in the buffer given to decapsulate (right after the IV). */
    public int payloadOffset() {
        return payloadOffset;
    }

    /** Payload length: the plaintext without padding, pad length and next header. */
    public int payloadLength() {
        return payloadLength;
    }

    /** The full (ESN: 64-bit) sequence number the ICV was verified with, to pass to the replay window. */
    public long sequenceNumber() {
        return sequenceNumber;
    }

    @Override
    public String toString() {
        return "Decapsulated[nextHeader=" + nextHeader + ", payload=" + payloadOffset + "+" + payloadLength
                + ", seq=" + Long.toUnsignedString(sequenceNumber) + "]";
    }
}
