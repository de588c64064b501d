package org.ipsec4j.esp.stats;

/**
 * Why the data plane dropped a packet; every drop has one and a counter (globally, and per SA where there
 * is an SA), as Linux's XfrmIn and XfrmOut statistics.
 */
public enum DropReason {
    /** No policy matched the packet (RFC 4301 §5: discard). */
    NO_POLICY,
    /** The matching policy says DISCARD. */
    POLICY_DISCARD,
    /** Outbound: the PROTECT policy (level require) has no SA yet. Inbound: no SA for the SPI (XfrmInNoStates). */
    NO_SA,
    /** The sequence number was received before (RFC 4303 §3.4.3). */
    REPLAYED,
    /** The sequence number lies behind the anti-replay window. */
    OUTSIDE_WINDOW,
    /** The ICV (HMAC or AEAD tag) did not verify: forged or corrupted. */
    AUTHENTICATION_FAILED,
    /** Pad length or padding bytes wrong after decryption (RFC 4303 §2.4). */
    BAD_PADDING,
    /** Shorter than the headers, IV and ICV of the protocol need. */
    TRUNCATED,
    /** Ciphertext not a whole number of cipher blocks (CBC). */
    BAD_LENGTH,
    /** A header that does not parse: outer, inner or the transport header needed for selectors. */
    MALFORMED,
    /** The decapsulated packet is not allowed by the policy of the SA it came on (RFC 4301 §5.2 step 4). */
    SELECTOR_MISMATCH,
    /** The SA has used every sequence number it may (RFC 4303 §3.3.3) and must be rekeyed. */
    SEQUENCE_EXHAUSTED,
    /**
     * Outbound: the SA's next sequence numbers are not reserved yet (the sender persists a reservation ahead
     * of use so that a restart never repeats a number, see SequenceCounter); dropped rather than sent with a
     * number that might be reused. The SA itself lives on.
     */
    SEQUENCE_NOT_RESERVED,
    /** The SA reached a hard lifetime. */
    HARD_EXPIRED,
    /** A dummy packet, next header 59 (RFC 4303 §2.6): dropped silently, counted all the same. */
    DUMMY,
    /** Outer CE over an inner Not-ECT packet: RFC 6040 §4.2 requires the drop. */
    ECN_CONGESTION_ON_NOT_ECT,
    /** Transport mode applies to whole datagrams only (RFC 4303 §3.1.1); fragments need tunnel mode. */
    TRANSPORT_MODE_FRAGMENT,
    /**
     * Outbound: the inner packet (DF set, or IPv6 over 1280 bytes) does not fit the SA's path MTU once
     * encapsulated (RFC 4301 §8.2.1); its sender is sent "fragmentation needed" / "packet too big" unless that
     * is rate-limited or not allowed for it.
     */
    PATH_MTU_EXCEEDED,
    /** The encapsulated packet would exceed the 65535-byte IP limit. */
    OVERSIZE,
    /** Handed to the inbound path but neither ESP, AH nor ESP in UDP. */
    NOT_IPSEC,
    /** An outer IP fragment: reassemble first (org.ipsec4j.wire.frag), as the kernel does for sockets. */
    OUTER_FRAGMENT,
    /** ESP in UDP for an SA without UDP encapsulation, or raw ESP for one with it (Linux: XfrmInStateMismatch). */
    ENCAPSULATION_MISMATCH,
    /**
     * Valid but not processable here: AH from an IPv4 raw socket without its header, an IPv6 routing header
     * whose arrival form AH cannot predict, or a transport-mode SA of the other family than the packet.
     */
    UNSUPPORTED
}
