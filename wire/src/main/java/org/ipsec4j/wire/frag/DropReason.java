package org.ipsec4j.wire.frag;

/**
 * Why a {@link Reassembler} discarded a fragment.
 *
 * <p>Counters are kept per reason and count fragments: when a whole datagram in progress is discarded, every
 * fragment it held is counted under the reason, as well as the fragment that triggered the discard (if any).
 */
public enum DropReason {
    /** The datagram was not complete within the reassembly timeout (RFC 791 §3.2, RFC 8200 §4.5). */
    TIMEOUT,
    /**
     * A fragment overlapped another fragment of the same datagram: the whole datagram is discarded and remembered
     * until its timeout, so later fragments of it are discarded too (RFC 5722, RFC 8200 §4.5; applied to IPv4 as
     * well against the overlap attacks of RFC 1858).
     */
    OVERLAP,
    /** A fragment of a datagram already discarded for overlap, inconsistency, size or fragment count. */
    DATAGRAM_DISCARDED,
    /** An exact copy (same offset, length and bytes) of a fragment already held; the datagram is kept. */
    DUPLICATE,
    /** The datagram needed more fragments than the configured maximum. */
    TOO_MANY_FRAGMENTS,
    /** Held fragments were evicted, oldest datagram first, to keep the total held memory under the cap. */
    MEMORY_CAP,
    /** Held fragments were evicted, oldest datagram first, to stay within the maximum concurrent datagrams. */
    DATAGRAM_LIMIT,
    /** The reassembled datagram would exceed the maximum size (65535 total length / IPv6 payload length). */
    TOO_BIG,
    /**
     * Fragments disagree about where the datagram ends: two last fragments with different ends, or data beyond
     * the end given by a last fragment. The datagram cannot be reassembled unambiguously and is discarded.
     */
    INCONSISTENT_LENGTH,
    /**
     * The fragment is not a well-formed packet (header parse failure, bad IPv4 header checksum), or it is not
     * the last fragment and its length is zero or not a multiple of 8 (RFC 791 §3.2, RFC 8200 §4.5).
     */
    MALFORMED,
    /** An IPv6 first fragment that does not hold the whole header chain through the upper-layer header (RFC 7112). */
    INCOMPLETE_HEADER_CHAIN,
}
