package org.ipsec4j.wire;

import static org.ipsec4j.wire.BigEndian.put16;
import static org.ipsec4j.wire.BigEndian.u16;

/**
 * A mutable flyweight view of a UDP datagram (RFC 768) in a byte array: wrap it over the IP payload.
 *
 * <p>{@link #wrap} checks that the 8-byte header is present and that the UDP length covers the header and
 * does not exceed the IP payload; IP payload bytes past the UDP length are ignored. Checksums need the IP
 * pseudo header, so they take the enclosing {@link Ipv4Packet} or {@link Ipv6Packet}.
 *
 * <p>Zero checksums: over IPv4 a zero checksum field means the sender computed none (RFC 768); over IPv6 it
 * is invalid (RFC 8200 §8.1) unless the caller allows it for a tunnel protocol (RFC 6935, RFC 6936). A
 * computed checksum of zero is transmitted as 0xFFFF.
 */
public final class UdpDatagram {

    public static final int HEADER_LENGTH = 8;

    private byte[] buf;
    private int off;
    private int length;

    /** An empty view; {@link #wrap} it before use. */
    public UdpDatagram() {}

    /** A new view of the UDP datagram at {@code buf[off .. off+len)}; {@code len} is the IP payload length. */
    public static UdpDatagram parse(byte[] buf, int off, int len) {
        return new UdpDatagram().wrap(buf, off, len);
    }

    /** The UDP datagram carried by an IPv4 packet; the packet must carry UDP and not be a non-first fragment. */
    public UdpDatagram wrap(Ipv4Packet ip) {
        ip.requireUpperLayer(IpProtocol.UDP, "UDP");
        return wrap(ip.buffer(), ip.payloadOffset(), ip.payloadLength());
    }

    /** The UDP datagram carried by an IPv6 packet after its extension headers; the packet must carry UDP. */
    public UdpDatagram wrap(Ipv6Packet ip) {
        ip.requireUpperLayer(IpProtocol.UDP, "UDP");
        return wrap(ip.buffer(), ip.upperLayerOffset(), ip.upperLayerLength());
    }

    /**
     * Like {@link #wrap(byte[], int, int)}, for the start of a datagram quoted in an ICMP error, which may be
     * cut after the 8-byte header (RFC 792) or at 576/1280 bytes: the UDP length may exceed {@code len};
     * {@link #payloadLength()} then counts the bytes present. Checksums cannot be verified on a cut quote.
     */
    public UdpDatagram wrapQuoted(byte[] buf, int off, int len) {
        BufferSlice.check(buf, off, len, "udp");
        if (len < HEADER_LENGTH) {
            throw new MalformedPacketException("udp.header", off, "need 8 bytes, have " + len);
        }
        int udpLength = u16(buf, off + 4);
        if (udpLength < HEADER_LENGTH) {
            throw new MalformedPacketException("udp.length", off + 4, "length " + udpLength + " < 8");
        }
        this.buf = buf;
        this.off = off;
        this.length = Math.min(udpLength, len);
        return this;
    }

    /**
     * Re-points this view at {@code buf[off .. off+len)}.
     *
     * @throws MalformedPacketException if the header is cut short or the UDP length is below 8 or beyond
     *                                  {@code len}
     */
    public UdpDatagram wrap(byte[] buf, int off, int len) {
        BufferSlice.check(buf, off, len, "udp");
        if (len < HEADER_LENGTH) {
            throw new MalformedPacketException("udp.header", off, "need 8 bytes, have " + len);
        }
        int udpLength = u16(buf, off + 4);
        if (udpLength < HEADER_LENGTH || udpLength > len) {
            throw new MalformedPacketException("udp.length", off + 4,
                    "length " + udpLength + " outside 8.." + len + " (the IP payload)");
        }
        this.buf = buf;
        this.off = off;
        this.length = udpLength;
        return this;
    }

    public byte[] buffer() {
        return buf;
    }

    public int offset() {
        return off;
    }

    public int sourcePort() {
        return u16(buf, off);
    }

    public int destinationPort() {
        return u16(buf, off + 2);
    }

    /** The UDP length: header plus payload (for a cut quote, see {@link #wrapQuoted}, the bytes present). */
    public int length() {
        return length;
    }

    /** The UDP length field as sent. */
    public int lengthField() {
        return u16(buf, off + 4);
    }

    public int checksum() {
        return u16(buf, off + 6);
    }

    public int payloadOffset() {
        return off + HEADER_LENGTH;
    }

    public int payloadLength() {
        return length - HEADER_LENGTH;
    }

    public UdpDatagram setSourcePort(int port) {
        put16(buf, off, port);
        return this;
    }

    public UdpDatagram setDestinationPort(int port) {
        put16(buf, off + 2, port);
        return this;
    }

    /** Writes 0 into the checksum field: "no checksum", legal over IPv4 only (or IPv6 tunnels, RFC 6935). */
    public UdpDatagram clearChecksum() {
        put16(buf, off + 6, 0);
        return this;
    }

    /** Whether the checksum is right; a zero field (no checksum) counts as valid over IPv4 (RFC 768). */
    public boolean verifyChecksum(Ipv4Packet ip) {
        if (checksum() == 0) {
            return true;
        }
        int pseudo = ip.pseudoHeaderSum(IpProtocol.UDP, length);
        return InternetChecksum.fold(InternetChecksum.sum(buf, off, length, pseudo)) == 0;
    }

    /** {@link #verifyChecksum(Ipv6Packet, boolean)} with zero checksums refused (RFC 8200 §8.1). */
    public boolean verifyChecksum(Ipv6Packet ip) {
        return verifyChecksum(ip, false);
    }

    /**
     * Whether the checksum is right over IPv6.
     *
     * @param allowZeroChecksum accept a zero field as "no checksum", as RFC 6935 permits for tunnel
     *                          protocols on ports where that was agreed
     */
    public boolean verifyChecksum(Ipv6Packet ip, boolean allowZeroChecksum) {
        if (checksum() == 0) {
            return allowZeroChecksum;
        }
        int pseudo = ip.pseudoHeaderSum(IpProtocol.UDP, length);
        return InternetChecksum.fold(InternetChecksum.sum(buf, off, length, pseudo)) == 0;
    }

    /** The checksum this datagram should carry over IPv4 (never 0: a computed 0 becomes 0xFFFF). */
    public int computeChecksum(Ipv4Packet ip) {
        return withPseudoHeader(ip.pseudoHeaderSum(IpProtocol.UDP, length));
    }

    /** The checksum this datagram should carry over IPv6 (never 0: a computed 0 becomes 0xFFFF). */
    public int computeChecksum(Ipv6Packet ip) {
        return withPseudoHeader(ip.pseudoHeaderSum(IpProtocol.UDP, length));
    }

    private int withPseudoHeader(int pseudo) {
        // Everything but the checksum field itself.
        int s = InternetChecksum.sum(buf, off, 6, pseudo);
        s = InternetChecksum.sum(buf, off + HEADER_LENGTH, length - HEADER_LENGTH, s);
        int ck = InternetChecksum.fold(s);
        return ck == 0 ? 0xFFFF : ck; // RFC 768: zero is transmitted as all ones
    }

    public UdpDatagram updateChecksum(Ipv4Packet ip) {
        put16(buf, off + 6, computeChecksum(ip));
        return this;
    }

    public UdpDatagram updateChecksum(Ipv6Packet ip) {
        put16(buf, off + 6, computeChecksum(ip));
        return this;
    }

    // ---- building ----

    /** Writes an 8-byte UDP header with a zero checksum; returns 8. */
    public static int writeHeader(byte[] out, int off, int sourcePort, int destinationPort, int payloadLength) {
        if (payloadLength < 0 || payloadLength > 0xFFFF - HEADER_LENGTH) {
            throw new IllegalArgumentException("UDP payload length " + payloadLength + " outside 0..65527");
        }
        put16(out, off, sourcePort);
        put16(out, off + 2, destinationPort);
        put16(out, off + 4, HEADER_LENGTH + payloadLength);
        put16(out, off + 6, 0);
        return HEADER_LENGTH;
    }

    /**
     * Writes IPv4 and UDP headers, with both checksums, in front of a payload the caller has already put at
     * {@code out[off + 28]}: the payload is not copied.
     *
     * @return the total length of the IPv4 packet
     */
    public static int writeIpv4(byte[] out, int off, int source, int destination, int sourcePort,
                                int destinationPort, int ttl, int identification, boolean dontFragment,
                                int payloadLength) {
        int total = Ipv4Packet.MIN_HEADER_LENGTH + HEADER_LENGTH + payloadLength;
        if (payloadLength < 0 || total > Ipv4Packet.MAX_TOTAL_LENGTH) {
            throw new IllegalArgumentException("UDP payload length " + payloadLength + " does not fit IPv4");
        }
        Ipv4Packet.writeHeader(out, off, 0, total, identification, dontFragment, ttl, IpProtocol.UDP, source,
                destination);
        int udpOff = off + Ipv4Packet.MIN_HEADER_LENGTH;
        writeHeader(out, udpOff, sourcePort, destinationPort, payloadLength);
        int pseudo = InternetChecksum.pseudoHeaderSumV4(out, off + 12, off + 16, IpProtocol.UDP,
                HEADER_LENGTH + payloadLength);
        put16(out, udpOff + 6, nonZero(InternetChecksum.fold(
                InternetChecksum.sum(out, udpOff, HEADER_LENGTH + payloadLength, pseudo))));
        return total;
    }

    /**
     * Writes IPv6 and UDP headers, with the UDP checksum, in front of a payload the caller has already put at
     * {@code out[off + 48]}.
     *
     * @return the total length of the IPv6 packet
     */
    public static int writeIpv6(byte[] out, int off, byte[] src, int srcOff, byte[] dst, int dstOff,
                                int sourcePort, int destinationPort, int hopLimit, int payloadLength) {
        if (payloadLength < 0 || HEADER_LENGTH + payloadLength > 0xFFFF) {
            throw new IllegalArgumentException("UDP payload length " + payloadLength + " does not fit IPv6");
        }
        int udpLength = HEADER_LENGTH + payloadLength;
        Ipv6Packet.writeHeader(out, off, 0, 0, udpLength, IpProtocol.UDP, hopLimit, src, srcOff, dst, dstOff);
        int udpOff = off + Ipv6Packet.HEADER_LENGTH;
        writeHeader(out, udpOff, sourcePort, destinationPort, payloadLength);
        int pseudo = InternetChecksum.pseudoHeaderSumV6(out, off + 8, off + 24, IpProtocol.UDP, udpLength);
        put16(out, udpOff + 6, nonZero(InternetChecksum.fold(InternetChecksum.sum(out, udpOff, udpLength, pseudo))));
        return Ipv6Packet.HEADER_LENGTH + udpLength;
    }

    private static int nonZero(int checksum) {
        return checksum == 0 ? 0xFFFF : checksum;
    }

    @Override
    public String toString() {
        return buf == null ? "UdpDatagram[unwrapped]"
                : "UDP " + sourcePort() + " > " + destinationPort() + " len " + length;
    }
}
