package org.ipsec4j.esp.crypto;

/**
 * The mutable result of {@link AhCodec#verify}, reused packet after packet; valid after
 * {@link AhVerification#VERIFIED}. All offsets are absolute indexes into the buffer given to verify.
 */
public final class AhVerified {

    int ipVersion;
    int packetOffset;
    int packetLength;
    int ahOffset;
    int ahLength;
    int nextHeader;
    int previousNextHeaderOffset;
    long sequenceNumber;

    /** 4 or 6: the version of the IP header that carries the AH. */
    public int ipVersion() {
        return ipVersion;
    }

    public int packetOffset() {
        return packetOffset;
    }

    /** The IP packet's length by its own header (trailing bytes, e.g. Ethernet padding, excluded). */
    public int packetLength() {
        return packetLength;
    }

    public int ahOffset() {
        return ahOffset;
    }

    /** The whole AH header: 12 + ICV + ICV padding. */
    public int ahLength() {
        return ahLength;
    }

    /** The AH's Next Header: 4 or 41 in tunnel mode, the transport protocol (or 60, ...) in transport mode. */
    public int nextHeader() {
        return nextHeader;
    }

    /** Absolute offset of what follows the AH: the inner packet in tunnel mode. */
    public int payloadOffset() {
        return ahOffset + ahLength;
    }

    public int payloadLength() {
        return packetOffset + packetLength - payloadOffset();
    }

    /** The full (ESN: 64-bit) sequence number the ICV was verified with, for the replay window. */
    public long sequenceNumber() {
        return sequenceNumber;
    }

    @Override
    public String toString() {
        return "AhVerified[v" + ipVersion + ", ah=" + ahOffset + "+" + ahLength + ", nextHeader=" + nextHeader
                + ", payload=" + payloadOffset() + "+" + payloadLength() + ", seq="
                + Long.toUnsignedString(sequenceNumber) + "]";
    }
}
