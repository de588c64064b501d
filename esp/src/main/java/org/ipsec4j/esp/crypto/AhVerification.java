package org.ipsec4j.esp.crypto;

/** What {@link AhCodec#verify} made of a packet: verified, or a named drop reason for the SA's counters. */
public enum AhVerification {
    /** The ICV matches; where the payload is, is in {@link AhVerified}. */
    VERIFIED,
    /** The IP header (or an IPv6 option inside the ICV's coverage) is not well formed. */
    MALFORMED,
    /** The packet carries no AH header where one must be (IPv4 protocol, IPv6 chain before any ESP/upper layer). */
    NOT_AH,
    /** A fragment: AH covers whole datagrams only, so fragments are reassembled first (RFC 4302 §3.4.1). */
    FRAGMENT,
    /** The AH header, or the bytes its Payload Length claims, do not fit the packet. */
    TRUNCATED,
    /** The AH Payload Length does not match this SA's ICV length and alignment (RFC 4302 §2.2, §2.6). */
    BAD_LENGTH,
    /** The SPI field is not this SA's. */
    SPI_MISMATCH,
    /**
     * An IPv6 routing header with segments left of a type whose arrival form cannot be predicted (RFC 4302
     * Appendix A2 covers type 0; ipsec4j also predicts type 2), so no ICV can be checked.
     */
    UNPREDICTABLE_ROUTING_HEADER,
    /** The ICV does not match: forged, corrupted in an immutable field, or wrong ESN high bits. */
    AUTHENTICATION_FAILED;

    public boolean isDrop() {
        return this != VERIFIED;
    }
}
