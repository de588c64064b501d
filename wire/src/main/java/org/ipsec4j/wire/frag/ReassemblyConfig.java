package org.ipsec4j.wire.frag;

import java.time.Duration;

/**
 * Bounds for a {@link Reassembler}. Every resource a sender can make it hold is capped here.
 *
 * @param memoryCapBytes maximum bytes of fragment data and saved headers held across all datagrams in progress,
 *     accounted in {@value ReassemblyTable#BLOCK_SIZE}-byte blocks; when a new fragment does not fit, the oldest
 *     incomplete datagrams are dropped ({@link DropReason#MEMORY_CAP}). At least one block, at most 1 GiB.
 * @param timeout how long a datagram may stay incomplete, counted from its first fragment's arrival
 *     (RFC 791 suggests 15 s, RFC 8200 §4.5 requires 60 s)
 * @param maxFragmentsPerDatagram fragments one datagram may consist of (1..65535)
 * @param maxDatagrams datagrams in progress at once; at the limit the oldest is dropped
 *     ({@link DropReason#DATAGRAM_LIMIT}) to admit a new one
 * @param maxDatagramLength for IPv4 the largest total length (header included) of a reassembled datagram; for
 *     IPv6 the largest payload length (everything after the 40-byte header). At most 65535: no jumbograms.
 */
public record ReassemblyConfig(
        long memoryCapBytes,
        Duration timeout,
        int maxFragmentsPerDatagram,
        int maxDatagrams,
        int maxDatagramLength) {

    /** Largest value for {@link #memoryCapBytes()}. */
    public static final long MAX_MEMORY_CAP_BYTES = 1L << 30;
    /** Largest value for {@link #maxDatagramLength()}: 16-bit length fields, no jumbograms (RFC 2675). */
    public static final int MAX_DATAGRAM_LENGTH = 0xFFFF;

    private static final long DEFAULT_MEMORY_CAP = 4L << 20;
    private static final int DEFAULT_MAX_FRAGMENTS = 64;
    private static final int DEFAULT_MAX_DATAGRAMS = 1024;

    public ReassemblyConfig {
        if (memoryCapBytes < ReassemblyTable.BLOCK_SIZE || memoryCapBytes > MAX_MEMORY_CAP_BYTES) {
            throw new IllegalArgumentException("memoryCapBytes must be in [" + ReassemblyTable.BLOCK_SIZE + ", "
                    + MAX_MEMORY_CAP_BYTES + "]: " + memoryCapBytes);
        }
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        timeout.toNanos(); // throws ArithmeticException if it cannot be counted in nanoseconds
        if (maxFragmentsPerDatagram < 1 || maxFragmentsPerDatagram > 0xFFFF) {
            throw new IllegalArgumentException("maxFragmentsPerDatagram must be in [1, 65535]: " + maxFragmentsPerDatagram);
        }
        if (maxDatagrams < 1 || maxDatagrams > (1 << 20)) {
            throw new IllegalArgumentException("maxDatagrams must be in [1, 1048576]: " + maxDatagrams);
        }
        if (maxDatagramLength < 1 || maxDatagramLength > MAX_DATAGRAM_LENGTH) {
            throw new IllegalArgumentException("maxDatagramLength must be in [1, 65535]: " + maxDatagramLength);
        }
    }

    /** IPv4 defaults: 4 MiB, 15 s (RFC 791 §3.2), 64 fragments, 1024 datagrams, total length 65535. */
    public static ReassemblyConfig ipv4Defaults() {
        return new ReassemblyConfig(DEFAULT_MEMORY_CAP, Duration.ofSeconds(15), DEFAULT_MAX_FRAGMENTS,
                DEFAULT_MAX_DATAGRAMS, MAX_DATAGRAM_LENGTH);
    }

    /** IPv6 defaults: 4 MiB, 60 s (RFC 8200 §4.5), 64 fragments, 1024 datagrams, payload length 65535. */
    public static ReassemblyConfig ipv6Defaults() {
        return new ReassemblyConfig(DEFAULT_MEMORY_CAP, Duration.ofSeconds(60), DEFAULT_MAX_FRAGMENTS,
                DEFAULT_MAX_DATAGRAMS, MAX_DATAGRAM_LENGTH);
    }

    public ReassemblyConfig withMemoryCapBytes(long bytes) {
        return new ReassemblyConfig(bytes, timeout, maxFragmentsPerDatagram, maxDatagrams, maxDatagramLength);
    }

    public ReassemblyConfig withTimeout(Duration newTimeout) {
        return new ReassemblyConfig(memoryCapBytes, newTimeout, maxFragmentsPerDatagram, maxDatagrams, maxDatagramLength);
    }

    public ReassemblyConfig withMaxFragmentsPerDatagram(int count) {
        return new ReassemblyConfig(memoryCapBytes, timeout, count, maxDatagrams, maxDatagramLength);
    }

    public ReassemblyConfig withMaxDatagrams(int count) {
        return new ReassemblyConfig(memoryCapBytes, timeout, maxFragmentsPerDatagram, count, maxDatagramLength);
    }

    public ReassemblyConfig withMaxDatagramLength(int length) {
        return new ReassemblyConfig(memoryCapBytes, timeout, maxFragmentsPerDatagram, maxDatagrams, length);
    }
}
