package org.ipsec4j.wire;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The Internet checksum of RFC 1071: the 16-bit ones' complement of the ones' complement sum of the data
 * taken as big-endian 16-bit words, plus the incremental update of RFC 1624.
 *
 * <p>A <em>partial sum</em> ({@link #sum}) is the ones' complement sum with carries folded back in but not
 * complemented, so partial sums over adjacent even-length pieces (a pseudo header, a header, a payload) can
 * be chained through {@code initialSum}; {@link #fold} turns the final partial sum into the checksum field.
 */
public final class InternetChecksum {

    private static final VarHandle LONG_BE =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT_BE =
            MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

    /**
     * From this length on, {@link #sum} hands the eight-byte steps to {@link #sumLongs}, a loop of its own. C2
     * profiles each loop, and many callers sum 2 to 6 bytes (pseudo-header addresses, the pieces around a
     * checksum field), entering an eight-byte loop zero times; sharing one loop with them made JDK 25 compile
     * the payload sum about half as fast (ChecksumBenchmark.udpVerifyIpv4, bench/README.md).
     */
    private static final int BULK_LENGTH = 64;

    private InternetChecksum() {}

    /**
     * Adds {@code len} bytes starting at {@code off} to {@code initialSum} (taken as an unsigned 32-bit
     * partial sum) and returns the partial sum reduced to 16 bits, not complemented. An odd trailing byte
     * is padded with a zero byte (RFC 1071 §4.1); chain only pieces of even length, or the words shift.
     */
    public static int sum(byte[] b, int off, int len, int initialSum) {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        long acc = Integer.toUnsignedLong(initialSum);
        int i = off;
        int end = off + len;
        if (len >= BULK_LENGTH) {
            i = off + (len & ~7);
            acc += sumLongs(b, off, i);
        } else {
            // Short runs: the same eight-byte steps as sumLongs, inline.
            for (int last8 = end - 8; i <= last8; i += 8) {
                long v = (long) LONG_BE.get(b, i);
                acc += (v >>> 32) + (v & 0xFFFF_FFFFL);
            }
        }
        for (int last2 = end - 2; i <= last2; i += 2) {
            acc += ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF);
        }
        if (i < end) {
            acc += (b[i] & 0xFF) << 8;
        }
        return reduce(acc);
    }

    /**
     * The sum of {@code [from, to)} taken eight bytes at a time ({@code to - from} a multiple of 8): two 32-bit
     * big-endian words per step summed in a long. Because 2^16 == 1 modulo 0xFFFF, the sum of 32-bit words
     * folds to the same ones' complement sum as the 16-bit words (RFC 1071 §2(B), "parallel summation"). Each
     * step adds < 2^33, so the long cannot overflow for any array Java can hold. C2 vectorizes this loop.
     */
    private static long sumLongs(byte[] b, int from, int to) {
        long acc = 0;
        for (int i = from; i < to; i += 8) {
            long v = (long) LONG_BE.get(b, i);
            acc += (v >>> 32) + (v & 0xFFFF_FFFFL);
        }
        return acc;
    }

    /** Turns a partial sum (an unsigned 32-bit value) into the 16-bit checksum field value. */
    public static int fold(int sum) {
        return ~reduce(Integer.toUnsignedLong(sum)) & 0xFFFF;
    }

    /** The checksum of {@code len} bytes at {@code off}; 0 if those bytes already hold a correct checksum. */
    public static int compute(byte[] b, int off, int len) {
        return fold(sum(b, off, len, 0));
    }

    /**
     * The partial sum of the IPv4 pseudo header (RFC 768, RFC 9293 §3.1): source and destination addresses
     * read from {@code b} at the given offsets, zero, protocol, and the upper-layer length.
     */
    public static int pseudoHeaderSumV4(byte[] b, int srcOff, int dstOff, int protocol, int upperLength) {
        // Fixed-size fields: each address is one 32-bit word (parallel summation, see sumLongs), no loop.
        long acc = Integer.toUnsignedLong((int) INT_BE.get(b, srcOff))
                + Integer.toUnsignedLong((int) INT_BE.get(b, dstOff));
        return reduce(acc + (protocol & 0xFF) + (upperLength & 0xFFFF));
    }

    /**
     * The partial sum of the IPv6 pseudo header (RFC 8200 §8.1): 16-byte source and destination addresses
     * read from {@code b}, the 32-bit upper-layer packet length and the next header value.
     */
    public static int pseudoHeaderSumV6(byte[] b, int srcOff, int dstOff, int nextHeader, int upperLength) {
        // Fixed-size fields: each address is two 64-bit reads of two 32-bit words each, no loop.
        long acc = words(b, srcOff) + words(b, srcOff + 8) + words(b, dstOff) + words(b, dstOff + 8);
        long len = Integer.toUnsignedLong(upperLength);
        return reduce(acc + (len >>> 16) + (len & 0xFFFF) + (nextHeader & 0xFF));
    }

    /** The two big-endian 32-bit words at {@code off}, summed. */
    private static long words(byte[] b, int off) {
        long v = (long) LONG_BE.get(b, off);
        return (v >>> 32) + (v & 0xFFFF_FFFFL);
    }

    /**
     * RFC 1624 eqn. 3 incremental update, HC' = ~(~HC + ~m + m'), for one 16-bit word of the covered data
     * changing from {@code oldWord} to {@code newWord}. Unlike eqn. 2 it never turns a correct checksum
     * into 0xFFFF where a full recompute would give 0x0000 (RFC 1624 §3).
     */
    public static int adjust(int oldChecksum, int oldWord, int newWord) {
        long s = (~oldChecksum & 0xFFFF) + (~oldWord & 0xFFFF) + (newWord & 0xFFFF);
        return ~reduce(s) & 0xFFFF;
    }

    /** {@link #adjust} for a 32-bit field (an IPv4 address, a TCP sequence number) changing as a whole. */
    public static int adjust32(int oldChecksum, int oldValue, int newValue) {
        long s = (~oldChecksum & 0xFFFF)
                + (~(oldValue >>> 16) & 0xFFFF) + (~oldValue & 0xFFFF)
                + ((newValue >>> 16) & 0xFFFF) + (newValue & 0xFFFF);
        return ~reduce(s) & 0xFFFF;
    }

    /** End-around carry until 16 bits remain (RFC 1071 §2(C)). */
    private static int reduce(long acc) {
        acc = (acc & 0xFFFF_FFFFL) + (acc >>> 32);
        acc = (acc & 0xFFFF) + (acc >>> 16);
        acc = (acc & 0xFFFF) + (acc >>> 16);
        acc = (acc & 0xFFFF) + (acc >>> 16);
        return (int) acc;
    }
}
