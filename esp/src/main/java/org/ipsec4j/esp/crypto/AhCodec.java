package org.ipsec4j.esp.crypto;

import java.util.Arrays;
import java.util.Objects;
import org.ipsec4j.wire.BigEndian;
import org.ipsec4j.wire.InternetChecksum;
import org.ipsec4j.wire.IpProtocol;
import org.ipsec4j.wire.Ipv4Packet;
import org.ipsec4j.wire.Ipv6Packet;
import org.ipsec4j.wire.MalformedPacketException;

/**
 * The IP Authentication Header (RFC 4302) for one SA, with an HMAC integrity algorithm: integrity for a whole
 * IP packet, its immutable header fields included.
 *
 * <pre>
 *   Next Header (1) | Payload Len (1) = AH length / 4 - 2 | Reserved (2) | SPI (4) | Sequence Number (4) |
 *   ICV | ICV padding to 32 bits (IPv4) or 64 bits (IPv6)
 * </pre>
 *
 * <p><b>ICV coverage</b> (RFC 4302 §3.3.3): the IP header with its mutable fields zeroed (IPv4: TOS, flags and
 * fragment offset, TTL, header checksum, every option but EOL, NOP, the security options, Router Alert and
 * SDB, which Appendix A1 lists as immutable; IPv6: traffic class, flow label, hop limit), the IPv6
 * extension headers before the AH (option data of hop-by-hop and destination options whose "may change en
 * route" bit is set zeroed, Appendix A2), the destination address and routing header as they will be on
 * arrival (§3.3.3.1.2: source routes are mutable but predictable), the AH with its ICV zeroed and its
 * padding as sent, everything after the AH, and with ESN the high 32 bits of the sequence number (§2.5.1,
 * never sent). No field of the packet is changed to compute it: the zeroed copies go through a scratch
 * array.
 *
 * <p><b>Where the AH goes</b> (§3.1): in transport mode after the IPv4 header and options, or after the IPv6
 * header and the unfragmentable extension headers (hop-by-hop, destination options before a routing header,
 * routing) — {@link #encapsulateTransport} inserts it there and {@link #decapsulateTransport} takes it out
 * again. In tunnel mode the data plane writes the new outer header itself (protocol / next header 51, total
 * length counting the AH, DSCP and ECN by its own rules), leaves {@link #headerLength(int)} bytes after it
 * (and after any outer extension headers) and puts the inner packet behind them; {@link #protect} then fills
 * in the AH. Inbound, {@link #verify} checks either kind, and in tunnel mode the inner packet is
 * {@link AhVerified#payloadOffset()}.
 *
 * <p>Packets that carry fragments are refused: AH covers whole datagrams, reassembled first (§3.4.1).
 *
 * <p>Per packet no allocation of our own. Not thread-safe: one codec per SA per thread.
 */
public final class AhCodec {

    /** Next Header, Payload Len, Reserved, SPI, Sequence Number. */
    public static final int FIXED_LENGTH = 12;

    private static final int IPV4_OPTION_LOOSE_SOURCE_ROUTE = 131;
    private static final int IPV4_OPTION_STRICT_SOURCE_ROUTE = 137;
    /** The largest IPv6 extension header: (255 + 1) * 8. */
    private static final int MAX_EXTENSION_HEADER = 2048;
    private static final byte[] ZEROS = new byte[64];

    private final IntegrityAlgorithm integrity;
    private final int spi;
    private final boolean extendedSequenceNumbers;
    private final int icvLength;
    private final Hmac hmac;
    private final byte[] icv;
    private final byte[] scratch = new byte[MAX_EXTENSION_HEADER];
    private final byte[] predictedDestination = new byte[16];
    private final Ipv4Packet ipv4 = new Ipv4Packet();
    private final Ipv6Packet ipv6 = new Ipv6Packet();

    // Where locate() found the AH in the last packet.
    private int foundVersion;
    private int foundAhOffset;
    private int foundEnd;
    private int foundPreviousNextHeader;

    private boolean destroyed;

    /**
     * @param integrity   an HMAC algorithm (not NONE)
     * @param key         {@link IntegrityAlgorithm#keyLength()} bytes, copied: the caller should zero its array
     * @param allowLegacy whether HMAC-MD5-96 may be used (old peers only)
     */
    public AhCodec(IntegrityAlgorithm integrity, int spi, boolean extendedSequenceNumbers, byte[] key,
                   boolean allowLegacy) {
        this.integrity = Objects.requireNonNull(integrity, "integrity");
        if (integrity == IntegrityAlgorithm.NONE) {
            throw new IllegalArgumentException("AH needs an integrity algorithm; NONE protects nothing");
        }
        if (integrity.legacy() && !allowLegacy) {
            throw new IllegalArgumentException(integrity + " is a legacy algorithm (RFC 8221), refused by default;"
                    + " allow legacy algorithms explicitly (allowLegacy = true) to talk to an old peer");
        }
        if (key == null || key.length != integrity.keyLength()) {
            throw new IllegalArgumentException(integrity + " needs " + integrity.keyLength() + " bytes of key, got "
                    + (key == null ? 0 : key.length));
        }
        this.spi = spi;
        this.extendedSequenceNumbers = extendedSequenceNumbers;
        this.icvLength = integrity.icvLength();
        this.hmac = new Hmac(integrity, key, 0, key.length);
        this.icv = new byte[hmac.digestLength()];
    }

    public IntegrityAlgorithm integrity() {
        return integrity;
    }

    public int spi() {
        return spi;
    }

    public boolean extendedSequenceNumbers() {
        return extendedSequenceNumbers;
    }

    /**
     * The AH length for this SA under an IPv4 or IPv6 header: 12 + ICV, padded to a multiple of 4 or 8 bytes
     * (RFC 4302 §2.6; no more padding than that, §3.3.3.2.1). E.g. HMAC-SHA2-256-128: 28 (v4), 32 (v6).
     */
    public int headerLength(int ipVersion) {
        return alignedLength(FIXED_LENGTH + icvLength, ipVersion);
    }

    /** {@link #headerLength(int)} for any algorithm, for the MTU arithmetic. */
    public static int headerLength(IntegrityAlgorithm integrity, int ipVersion) {
        return alignedLength(FIXED_LENGTH + integrity.icvLength(), ipVersion);
    }

    private static int alignedLength(int length, int ipVersion) {
        if (ipVersion != 4 && ipVersion != 6) {
            throw new IllegalArgumentException("IP version " + ipVersion);
        }
        int align = ipVersion == 6 ? 8 : 4;
        return (length + align - 1) / align * align;
    }

    // ---- outbound ----

    /**
     * Transport mode: inserts an AH into the IP packet at {@code buf[offset .. offset + length)} after the IPv4
     * header or the IPv6 unfragmentable part, moving what follows back by {@link #headerLength(int)} bytes
     * (the caller leaves that much tailroom), and sets protocol / next header, the lengths and the IPv4
     * checksum.
     *
     * @return the new packet length
     * @throws MalformedPacketException if the packet is not a well-formed IP packet
     * @throws IllegalArgumentException for a fragment (reassemble first), a packet that would outgrow 65535
     *                                  bytes, or too little tailroom
     */
    public int encapsulateTransport(long sequenceNumber, byte[] buf, int offset, int length) {
        checkUsable();
        checkSequence(sequenceNumber);
        Objects.checkFromIndexSize(offset, length, buf.length);
        int version = length > 0 ? (buf[offset] & 0xFF) >>> 4 : 0;
        int insertAt;
        int previousNextHeader;
        int end;
        if (version == 4) {
            ipv4.wrap(buf, offset, length);
            if (ipv4.isFragment()) {
                throw new IllegalArgumentException("AH applies to whole datagrams: reassemble this fragment first");
            }
            insertAt = ipv4.payloadOffset();
            previousNextHeader = offset + 9;
            end = offset + ipv4.totalLength();
        } else if (version == 6) {
            ipv6.wrap(buf, offset, length);
            if (ipv6.fragmentHeaderOffset() >= 0) {
                throw new IllegalArgumentException("AH applies to whole datagrams: reassemble this fragment first");
            }
            insertAt = offset + ipv6.unfragmentablePartLength();
            previousNextHeader = offset + 6;
            int pos = offset + Ipv6Packet.HEADER_LENGTH;
            while (pos < insertAt) {
                previousNextHeader = pos;
                pos += (BigEndian.u8(buf, pos + 1) + 1) * 8; // hop-by-hop, destination options, routing
            }
            end = ipv6.end();
        } else {
            throw new MalformedPacketException("ip.version", offset, "version " + version + ", expected 4 or 6");
        }
        int ahLength = headerLength(version);
        int packetLength = end - offset;
        if (packetLength + ahLength > 0xFFFF + (version == 6 ? Ipv6Packet.HEADER_LENGTH : 0)) {
            throw new IllegalArgumentException("packet of " + packetLength + " bytes has no room for a "
                    + ahLength + "-byte AH");
        }
        Objects.checkFromIndexSize(offset, packetLength + ahLength, buf.length);
        System.arraycopy(buf, insertAt, buf, insertAt + ahLength, end - insertAt);
        int nextHeader = BigEndian.u8(buf, previousNextHeader);
        buf[previousNextHeader] = (byte) IpProtocol.AH;
        if (version == 4) {
            BigEndian.put16(buf, offset + 2, packetLength + ahLength);
            writeIpv4Checksum(buf, offset, ipv4.headerLength());
        } else {
            BigEndian.put16(buf, offset + 4, packetLength + ahLength - Ipv6Packet.HEADER_LENGTH);
        }
        fill(sequenceNumber, nextHeader, buf, offset, end + ahLength, version, insertAt, ahLength);
        return packetLength + ahLength;
    }

    /**
     * Fills in the AH of a packet the caller laid out (tunnel mode, or any mode where the caller inserted the
     * AH itself): the IP header with protocol / next header 51 and lengths that count the AH, then
     * {@link #headerLength(int)} bytes for the AH, then the payload (the inner packet in tunnel mode).
     *
     * @param nextHeader what follows the AH: 4 (IPv4) or 41 (IPv6) in tunnel mode
     * @throws MalformedPacketException if the packet is not well formed
     * @throws IllegalArgumentException if it has no AH slot of the right size, or is a fragment
     */
    public void protect(long sequenceNumber, int nextHeader, byte[] buf, int offset, int length) {
        checkUsable();
        checkSequence(sequenceNumber);
        Objects.checkFromIndexSize(offset, length, buf.length);
        int version = length > 0 ? (buf[offset] & 0xFF) >>> 4 : 0;
        if (version == 4) {
            ipv4.wrap(buf, offset, length); // validates the options the ICV walks
            if (ipv4.isFragment()) {
                throw new IllegalArgumentException("AH applies to whole datagrams: reassemble this fragment first");
            }
        } else if (version != 6) {
            throw new MalformedPacketException("ip.version", offset, "version " + version + ", expected 4 or 6");
        }
        // Not Ipv6Packet.wrap: it would step over the AH slot, which holds no header yet.
        long found = walkToAh(buf, offset, length);
        if (found < 0) {
            throw new IllegalArgumentException("no place for an AH in this packet: the IP header (and IPv6 extension"
                    + " headers) must end in protocol / next header 51, and the lengths must fit");
        }
        foundVersion = version;
        foundAhOffset = (int) found;
        foundPreviousNextHeader = (int) (found >>> 32);
        foundEnd = version == 4 ? offset + BigEndian.u16(buf, offset + 2)
                : offset + Ipv6Packet.HEADER_LENGTH + BigEndian.u16(buf, offset + 4);
        int ahLength = headerLength(foundVersion);
        if (foundEnd - foundAhOffset < ahLength) {
            throw new IllegalArgumentException("the packet leaves " + (foundEnd - foundAhOffset)
                    + " bytes after the IP header, less than the " + ahLength + "-byte AH");
        }
        fill(sequenceNumber, nextHeader, buf, offset, foundEnd, foundVersion, foundAhOffset, ahLength);
    }

    private void fill(long seq, int nextHeader, byte[] buf, int offset, int end, int version, int ahOffset,
                      int ahLength) {
        buf[ahOffset] = (byte) nextHeader;
        buf[ahOffset + 1] = (byte) (ahLength / 4 - 2);
        BigEndian.put16(buf, ahOffset + 2, 0);
        BigEndian.put32(buf, ahOffset + 4, spi);
        BigEndian.put32(buf, ahOffset + 8, (int) seq);
        Arrays.fill(buf, ahOffset + FIXED_LENGTH, ahOffset + ahLength, (byte) 0); // ICV and its padding
        AhVerification r = computeIcv(buf, offset, end, version, ahOffset, ahLength, seq);
        if (r != null) {
            throw new IllegalArgumentException("cannot compute an ICV for this packet: " + r);
        }
        System.arraycopy(icv, 0, buf, ahOffset + FIXED_LENGTH, icvLength);
    }

    // ---- inbound ----

    /**
     * Where the AH of a received packet is, for the SAD lookup by SPI and the replay check before
     * {@link #verify}: read the SPI with {@link #spiAt} and the sequence number with {@link #sequenceLowAt}.
     * Minimal bounds checks only; verify repeats them with a reason.
     *
     * @return the absolute offset of the AH header, or -1 if the packet has no complete fixed AH header where
     *         one must be
     */
    public static int findHeader(byte[] buf, int offset, int length) {
        long found = walkToAh(buf, offset, length);
        return found < 0 ? -1 : (int) found;
    }

    /**
     * Follows protocol / next header to the AH with minimal bounds checks and no fragment: the AH offset in the
     * low 32 bits and the offset of the field that says 51 in the high 32, or -1.
     */
    private static long walkToAh(byte[] buf, int offset, int length) {
        if (length < 1 || offset < 0 || offset + length > buf.length) {
            return -1;
        }
        int version = (buf[offset] & 0xFF) >>> 4;
        int pos;
        int end;
        int previous;
        if (version == 4) {
            if (length < Ipv4Packet.MIN_HEADER_LENGTH) {
                return -1;
            }
            int ihl = (buf[offset] & 0x0F) * 4;
            end = offset + BigEndian.u16(buf, offset + 2);
            if (ihl < Ipv4Packet.MIN_HEADER_LENGTH || end > offset + length || end < offset + ihl
                    || BigEndian.u8(buf, offset + 9) != IpProtocol.AH || (BigEndian.u16(buf, offset + 6) & 0x3FFF) != 0) {
                return -1;
            }
            pos = offset + ihl;
            previous = offset + 9;
        } else if (version == 6) {
            if (length < Ipv6Packet.HEADER_LENGTH) {
                return -1;
            }
            end = offset + Ipv6Packet.HEADER_LENGTH + BigEndian.u16(buf, offset + 4);
            if (end > offset + length) {
                return -1;
            }
            int next = BigEndian.u8(buf, offset + 6);
            pos = offset + Ipv6Packet.HEADER_LENGTH;
            previous = offset + 6;
            while (next != IpProtocol.AH) {
                if (!precedesAh(next) || end - pos < 8) {
                    return -1;
                }
                previous = pos;
                next = BigEndian.u8(buf, pos);
                pos += (BigEndian.u8(buf, pos + 1) + 1) * 8;
            }
        } else {
            return -1;
        }
        return end - pos >= FIXED_LENGTH ? (long) previous << 32 | pos : -1;
    }

    /** The SPI of the AH at {@code ahOffset}. */
    public static int spiAt(byte[] buf, int ahOffset) {
        return BigEndian.i32(buf, ahOffset + 4);
    }

    /** The Sequence Number field (the low 32 bits with ESN) of the AH at {@code ahOffset}. */
    public static int sequenceLowAt(byte[] buf, int ahOffset) {
        return BigEndian.i32(buf, ahOffset + 8);
    }

    /**
     * Checks the AH of the IP packet at {@code buf[offset .. offset + length)} without changing the packet.
     *
     * @param inferredSequenceNumber from {@code ReplayWindow.check}: only the high 32 bits are used (with ESN)
     * @param out                    receives where the AH and the payload are, left untouched on a drop
     * @return {@link AhVerification#VERIFIED} or a drop reason; never throws for bad packet bytes
     */
    public AhVerification verify(long inferredSequenceNumber, byte[] buf, int offset, int length, AhVerified out) {
        checkUsable();
        Objects.checkFromIndexSize(offset, length, buf.length);
        AhVerification where = locate(buf, offset, length);
        if (where != null) {
            return where;
        }
        int ahOffset = foundAhOffset;
        int end = foundEnd;
        if (end - ahOffset < FIXED_LENGTH) {
            return AhVerification.TRUNCATED;
        }
        int ahLength = (BigEndian.u8(buf, ahOffset + 1) + 2) * 4;
        if (ahLength > end - ahOffset) {
            return AhVerification.TRUNCATED;
        }
        if (ahLength != headerLength(foundVersion)) {
            return AhVerification.BAD_LENGTH;
        }
        if (BigEndian.i32(buf, ahOffset + 4) != spi) {
            return AhVerification.SPI_MISMATCH;
        }
        long seqLow = BigEndian.i32(buf, ahOffset + 8) & 0xFFFF_FFFFL;
        long seq = extendedSequenceNumbers ? (inferredSequenceNumber & 0xFFFF_FFFF_0000_0000L) | seqLow : seqLow;
        AhVerification r = computeIcv(buf, offset, end, foundVersion, ahOffset, ahLength, seq);
        if (r != null) {
            return r;
        }
        if (!ConstantTime.regionsEqual(icv, 0, buf, ahOffset + FIXED_LENGTH, icvLength)) {
            return AhVerification.AUTHENTICATION_FAILED;
        }
        out.ipVersion = foundVersion;
        out.packetOffset = offset;
        out.packetLength = end - offset;
        out.ahOffset = ahOffset;
        out.ahLength = ahLength;
        out.nextHeader = BigEndian.u8(buf, ahOffset);
        out.previousNextHeaderOffset = foundPreviousNextHeader;
        out.sequenceNumber = seq;
        return AhVerification.VERIFIED;
    }

    /**
     * Transport mode, after {@link #verify}: removes the AH by moving the IP header (and the extension headers
     * before the AH) forward over it, so the payload stays where it is, and restores protocol / next header,
     * the lengths and the IPv4 checksum.
     *
     * @return the new offset of the packet, whose length is {@code verified.packetLength() - verified.ahLength()}
     */
    public int decapsulateTransport(byte[] buf, AhVerified verified) {
        int offset = verified.packetOffset;
        int ahLength = verified.ahLength;
        int headersLength = verified.ahOffset - offset;
        buf[verified.previousNextHeaderOffset] = (byte) verified.nextHeader;
        int newLength = verified.packetLength - ahLength;
        if (verified.ipVersion == 4) {
            BigEndian.put16(buf, offset + 2, newLength);
        } else {
            BigEndian.put16(buf, offset + 4, newLength - Ipv6Packet.HEADER_LENGTH);
        }
        System.arraycopy(buf, offset, buf, offset + ahLength, headersLength);
        int newOffset = offset + ahLength;
        if (verified.ipVersion == 4) {
            writeIpv4Checksum(buf, newOffset, headersLength);
        }
        return newOffset;
    }

    // ---- the ICV ----

    /** Finds the AH of a packet into the found* fields; null if found, else why not. */
    private AhVerification locate(byte[] buf, int offset, int length) {
        if (length < 1) {
            return AhVerification.MALFORMED;
        }
        int version = (buf[offset] & 0xFF) >>> 4;
        try {
            if (version == 4) {
                ipv4.wrap(buf, offset, length);
                if (ipv4.isFragment()) {
                    return AhVerification.FRAGMENT;
                }
                if (ipv4.protocol() != IpProtocol.AH) {
                    return AhVerification.NOT_AH;
                }
                foundAhOffset = ipv4.payloadOffset();
                foundEnd = offset + ipv4.totalLength();
                foundPreviousNextHeader = offset + 9;
            } else if (version == 6) {
                ipv6.wrap(buf, offset, length);
                int next = ipv6.nextHeader();
                int pos = offset + Ipv6Packet.HEADER_LENGTH;
                int previous = offset + 6;
                // The wrap validated every header up to the AH (it steps over AH too), so lengths fit.
                while (next != IpProtocol.AH) {
                    if (next == IpProtocol.IPV6_FRAG) {
                        return AhVerification.FRAGMENT;
                    }
                    if (!precedesAh(next)) {
                        return AhVerification.NOT_AH;
                    }
                    previous = pos;
                    next = BigEndian.u8(buf, pos);
                    pos += (BigEndian.u8(buf, pos + 1) + 1) * 8;
                }
                foundAhOffset = pos;
                foundEnd = ipv6.end();
                foundPreviousNextHeader = previous;
            } else {
                return AhVerification.MALFORMED;
            }
        } catch (MalformedPacketException e) {
            return AhVerification.MALFORMED;
        }
        foundVersion = version;
        return null;
    }

    /** Extension headers that may come before an AH and have the generic (length + 1) * 8 layout. */
    private static boolean precedesAh(int nextHeader) {
        return switch (nextHeader) {
            case IpProtocol.HOPOPT, IpProtocol.IPV6_OPTS, IpProtocol.IPV6_ROUTE, IpProtocol.MOBILITY, IpProtocol.HIP,
                 IpProtocol.SHIM6 -> true;
            default -> false;
        };
    }

    /** Computes the full ICV into {@link #icv}; null on success, else why it cannot be computed. */
    private AhVerification computeIcv(byte[] buf, int offset, int end, int version, int ahOffset, int ahLength,
                                      long seq) {
        AhVerification r = version == 4 ? addIpv4Header(buf, offset) : addIpv6Headers(buf, offset, ahOffset);
        if (r != null) {
            hmac.restart();
            return r;
        }
        hmac.update(buf, ahOffset, FIXED_LENGTH);
        hmac.update(ZEROS, 0, icvLength);                 // the ICV itself counts as zero (§3.3.3.1)
        int padding = ahLength - FIXED_LENGTH - icvLength;
        hmac.update(buf, ahOffset + FIXED_LENGTH + icvLength, padding); // padding as sent (§3.3.3.2.1)
        hmac.update(buf, ahOffset + ahLength, end - ahOffset - ahLength);
        if (extendedSequenceNumbers) {
            hmac.updateInt((int) (seq >>> 32)); // §3.3.3.2.2: appended, never sent
        }
        hmac.finish(icv, 0);
        return null;
    }

    /** RFC 4302 §3.3.3.1.1 and Appendix A1. The header was validated by locate(). */
    private AhVerification addIpv4Header(byte[] buf, int offset) {
        int ihl = (buf[offset] & 0x0F) * 4;
        byte[] s = scratch;
        System.arraycopy(buf, offset, s, 0, ihl);
        s[1] = 0;                 // TOS: DSCP and ECN
        s[6] = 0;                 // flags and fragment offset
        s[7] = 0;
        s[8] = 0;                 // TTL
        s[10] = 0;                // header checksum
        s[11] = 0;
        int p = Ipv4Packet.MIN_HEADER_LENGTH;
        while (p < ihl) {
            int type = s[p] & 0xFF;
            if (type == Ipv4Packet.OPTION_END_OF_LIST) {
                break;
            }
            if (type == Ipv4Packet.OPTION_NO_OPERATION) {
                p++;
                continue;
            }
            int optionLength = s[p + 1] & 0xFF;
            if (!immutableIpv4Option(type)) {
                if ((type == IPV4_OPTION_LOOSE_SOURCE_ROUTE || type == IPV4_OPTION_STRICT_SOURCE_ROUTE)
                        && optionLength >= 7) {
                    // Mutable but predictable (§3.3.3.1.1.1): on arrival the destination is the last hop
                    // listed; once the route is used up (pointer past the end) it is already in place.
                    int pointer = s[p + 2] & 0xFF;
                    if (pointer <= optionLength - 3) {
                        System.arraycopy(s, p + optionLength - 4, s, 16, 4);
                    }
                }
                Arrays.fill(s, p, p + optionLength, (byte) 0); // the whole option, type and length too (A1)
            }
            p += optionLength;
        }
        hmac.update(s, 0, ihl);
        return null;
    }

    /** RFC 4302 Appendix A1: the options included in the ICV; all others are zeroed. */
    private static boolean immutableIpv4Option(int type) {
        return switch (type) {
            case 0, 1,       // End of Options List, No Operation
                 130, 133,   // Security, Extended Security (RFC 1108)
                 134,        // Commercial Security
                 148,        // Router Alert (RFC 2113)
                 149 -> true; // Sender Directed Multi-Destination Delivery (RFC 1770)
            default -> false;
        };
    }

    /** RFC 4302 §3.3.3.1.2 and Appendix A2. The chain up to the AH was validated by locate(). */
    private AhVerification addIpv6Headers(byte[] buf, int offset, int ahOffset) {
        // First pass: the destination address on arrival, from a routing header with segments left.
        System.arraycopy(buf, offset + 24, predictedDestination, 0, 16);
        int next = BigEndian.u8(buf, offset + 6);
        int pos = offset + Ipv6Packet.HEADER_LENGTH;
        boolean routed = false;
        while (pos < ahOffset) {
            int length = (BigEndian.u8(buf, pos + 1) + 1) * 8;
            if (next == IpProtocol.IPV6_ROUTE && BigEndian.u8(buf, pos + 3) != 0) {
                if (routed) {
                    return AhVerification.UNPREDICTABLE_ROUTING_HEADER; // two routing headers still in use
                }
                routed = true;
                int addresses = routingAddresses(buf, pos);
                if (addresses < 0) {
                    return addresses == -1 ? AhVerification.UNPREDICTABLE_ROUTING_HEADER : AhVerification.MALFORMED;
                }
                System.arraycopy(buf, pos + 8 + 16 * (addresses - 1), predictedDestination, 0, 16);
            }
            next = BigEndian.u8(buf, pos);
            pos += length;
        }

        byte[] s = scratch;
        System.arraycopy(buf, offset, s, 0, Ipv6Packet.HEADER_LENGTH);
        s[0] = 0x60;              // version kept; traffic class and flow label zeroed
        s[1] = 0;
        s[2] = 0;
        s[3] = 0;
        s[7] = 0;                 // hop limit
        System.arraycopy(predictedDestination, 0, s, 24, 16);
        hmac.update(s, 0, Ipv6Packet.HEADER_LENGTH);

        next = BigEndian.u8(buf, offset + 6);
        pos = offset + Ipv6Packet.HEADER_LENGTH;
        while (pos < ahOffset) {
            int length = (BigEndian.u8(buf, pos + 1) + 1) * 8;
            System.arraycopy(buf, pos, s, 0, length);
            if (next == IpProtocol.HOPOPT || next == IpProtocol.IPV6_OPTS) {
                if (!zeroMutableOptionData(s, length)) {
                    return AhVerification.MALFORMED;
                }
            } else if (next == IpProtocol.IPV6_ROUTE && (s[3] & 0xFF) != 0) {
                arrangeRoutingHeaderForArrival(s, buf, offset, routingAddresses(buf, pos));
            }
            hmac.update(s, 0, length);
            next = BigEndian.u8(buf, pos);
            pos += length;
        }
        return null;
    }

    /**
     * The number of addresses of a type 0 (RFC 2460, deprecated by RFC 5095 but defined for AH) or type 2
     * (RFC 6275) routing header with segments left; -1 for any other type (its arrival form is unknown
     * here), -2 if the header is inconsistent.
     */
    private static int routingAddresses(byte[] buf, int pos) {
        int type = BigEndian.u8(buf, pos + 2);
        if (type != 0 && type != 2) {
            return -1;
        }
        int hdrExtLen = BigEndian.u8(buf, pos + 1);
        int addresses = hdrExtLen / 2;
        int segmentsLeft = BigEndian.u8(buf, pos + 3);
        if ((hdrExtLen & 1) != 0 || addresses == 0 || segmentsLeft > addresses || (type == 2 && addresses != 1)) {
            return -2;
        }
        return addresses;
    }

    /**
     * Rewrites the routing header copy in {@code s} as the final destination will see it (Appendix A2: "the
     * transmitter must order the field so that it appears as it will at the receiver"): each hop swaps the
     * destination with the next listed address, so on arrival the addresses before position n - segmentsLeft
     * stay, the current destination takes that position, the rest move up one, the last one has become the
     * destination, and segments left is 0.
     */
    private static void arrangeRoutingHeaderForArrival(byte[] s, byte[] buf, int offset, int addresses) {
        int segmentsLeft = s[3] & 0xFF;
        int k = addresses - segmentsLeft;
        System.arraycopy(s, 8 + 16 * k, s, 8 + 16 * (k + 1), 16 * (segmentsLeft - 1));
        System.arraycopy(buf, offset + 24, s, 8 + 16 * k, 16);
        s[3] = 0;
    }

    /**
     * Zeroes the data of every option whose type has the "may change en route" bit (0x20, RFC 8200 §4.2) in a
     * hop-by-hop or destination options header; type and length stay. False if an option overruns the header.
     */
    private static boolean zeroMutableOptionData(byte[] s, int length) {
        int p = 2;
        while (p < length) {
            int type = s[p] & 0xFF;
            if (type == 0) { // Pad1
                p++;
                continue;
            }
            if (p + 1 >= length) {
                return false;
            }
            int dataLength = s[p + 1] & 0xFF;
            if (p + 2 + dataLength > length) {
                return false;
            }
            if ((type & 0x20) != 0) {
                Arrays.fill(s, p + 2, p + 2 + dataLength, (byte) 0);
            }
            p += 2 + dataLength;
        }
        return true;
    }

    private static void writeIpv4Checksum(byte[] buf, int offset, int headerLength) {
        BigEndian.put16(buf, offset + 10, 0);
        BigEndian.put16(buf, offset + 10, InternetChecksum.compute(buf, offset, headerLength));
    }

    private void checkSequence(long seq) {
        if (seq == 0 || (!extendedSequenceNumbers && (seq >>> 32) != 0)) {
            throw new IllegalArgumentException("sequence number " + Long.toUnsignedString(seq) + " outside 1.."
                    + (extendedSequenceNumbers ? "2^64-1" : "2^32-1") + " (RFC 4302 §3.3.2)");
        }
    }

    private void checkUsable() {
        if (destroyed) {
            throw new IllegalStateException("AH codec for SPI 0x" + Integer.toHexString(spi) + " was destroyed");
        }
    }

    /** Zeroes the HMAC key material and the scratch copies; the codec is unusable afterwards. */
    public void destroy() {
        if (!destroyed) {
            destroyed = true;
            hmac.destroy();
            Arrays.fill(icv, (byte) 0);
            Arrays.fill(scratch, (byte) 0);
        }
    }

    public boolean isDestroyed() {
        return destroyed;
    }

    @Override
    public String toString() {
        return "AhCodec[spi=0x" + Integer.toHexString(spi) + ", " + integrity + (extendedSequenceNumbers ? ", ESN" : "")
                + (destroyed ? ", destroyed" : "") + "]";
    }
}
