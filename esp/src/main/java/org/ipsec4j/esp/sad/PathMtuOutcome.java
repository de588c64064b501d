package org.ipsec4j.esp.sad;

/**
 * What a report of a smaller path MTU (an ICMP "fragmentation needed" or "packet too big" quoting one of our
 * outer packets) did. Each outcome has a counter in the data plane's counters.
 */
public enum PathMtuOutcome {
    /** The SA's (or, for a quoted IKE packet, the path's SAs') path MTU went down to the reported value. */
    UPDATED,
    /** Not below the path MTU in force: nothing to learn (RFC 1191 §3: a PMTU is never raised by ICMP). */
    NOT_LOWER,
    /** Below 576 (IPv4, RFC 1191 §3 / RFC 4301 §8.2.1 floor) or 1280 (IPv6, RFC 8201 §4): ignored. */
    BELOW_MINIMUM,
    /** The SA's path MTU was lowered less than a second ago: one change per second per SA at most. */
    RATE_LIMITED,
    /** The quote names no live outbound SA (unknown SPI, expired SA) and no live IKE SA. */
    NO_SA,
    /** The SPI is ours, but the quoted addresses or ports are not the SA's: forged or stale, ignored. */
    ADDRESS_MISMATCH,
    /** Too little of our packet quoted to find the SPI or the IKE SPIs (RFC 792 promises only 8 bytes). */
    TRUNCATED,
    /** The quoted packet is not ESP, ESP in UDP or IKE of ours, or the ICMP message is not a too-big report. */
    NOT_OURS,
    /** The ICMP message or the quoted header does not parse. */
    MALFORMED
}
