package org.ipsec4j.wire;

import static org.ipsec4j.wire.BigEndian.i32;
import static org.ipsec4j.wire.BigEndian.put16;
import static org.ipsec4j.wire.BigEndian.u16;
import static org.ipsec4j.wire.BigEndian.u8;

/**
 * A mutable flyweight view of an ICMP message (RFC 792) in a byte array: wrap it over the IPv4 payload.
 *
 * <p>Every message is at least 8 bytes: type, code, checksum and four type-specific bytes. Error messages
 * (destination unreachable, time exceeded, parameter problem, redirect, source quench) quote the start of the
 * datagram that caused them from byte 8; read it with {@link #quotedPacket(Ipv4Packet)}, which tolerates the
 * truncation every quote has.
 */
public final class Icmpv4Message extends IcmpMessage {

    public static final int HEADER_LENGTH = IcmpMessage.HEADER_LENGTH;

    public static final int TYPE_ECHO_REPLY = 0;
    public static final int TYPE_DESTINATION_UNREACHABLE = 3;
    public static final int TYPE_SOURCE_QUENCH = 4;
    public static final int TYPE_REDIRECT = 5;
    public static final int TYPE_ECHO_REQUEST = 8;
    public static final int TYPE_TIME_EXCEEDED = 11;
    public static final int TYPE_PARAMETER_PROBLEM = 12;
    public static final int TYPE_TIMESTAMP = 13;
    public static final int TYPE_TIMESTAMP_REPLY = 14;

    /** Destination unreachable codes (RFC 792, RFC 1812 §5.2.7.1). */
    public static final int CODE_NET_UNREACHABLE = 0;
    public static final int CODE_HOST_UNREACHABLE = 1;
    public static final int CODE_PROTOCOL_UNREACHABLE = 2;
    public static final int CODE_PORT_UNREACHABLE = 3;
    public static final int CODE_FRAGMENTATION_NEEDED = 4;
    public static final int CODE_SOURCE_ROUTE_FAILED = 5;
    public static final int CODE_ADMINISTRATIVELY_PROHIBITED = 13;

    /** Time exceeded codes. */
    public static final int CODE_TTL_EXCEEDED = 0;
    public static final int CODE_REASSEMBLY_TIME_EXCEEDED = 1;

    /** Type of service of the errors written here: precedence 6, Internetwork Control (RFC 1812 §4.3.2.5). */
    public static final int ERROR_TOS = 0xC0;

    /** The most an ICMP error may make its IPv4 datagram (RFC 1812 §4.3.2.3). */
    public static final int MAX_ERROR_DATAGRAM = 576;

    /** An empty view; {@link #wrap} it before use. */
    public Icmpv4Message() {}

    /** A new view of the ICMP message at {@code buf[off .. off+len)}; {@code len} is the IPv4 payload length. */
    public static Icmpv4Message parse(byte[] buf, int off, int len) {
        return new Icmpv4Message().wrap(buf, off, len);
    }

    /** The ICMP message carried by an IPv4 packet; the packet must carry ICMP and not be a non-first fragment. */
    public Icmpv4Message wrap(Ipv4Packet ip) {
        ip.requireUpperLayer(IpProtocol.ICMP, "ICMP");
        return wrap(ip.buffer(), ip.payloadOffset(), ip.payloadLength());
    }

    /**
     * Re-points this view at {@code buf[off .. off+len)}.
     *
     * @throws MalformedPacketException if fewer than 8 bytes are present
     */
    public Icmpv4Message wrap(byte[] buf, int off, int len) {
        BufferSlice.check(buf, off, len, "icmp");
        if (len < HEADER_LENGTH) {
            throw new MalformedPacketException("icmp.header", off, "need 8 bytes, have " + len);
        }
        this.buf = buf;
        this.off = off;
        this.length = len;
        return this;
    }

    /** The ICMP checksum covers the whole message (RFC 792); no pseudo header. */
    public boolean checksumValid() {
        return InternetChecksum.compute(buf, off, length) == 0;
    }

    /** The checksum this message should carry, whatever its checksum field holds now. */
    public int computeChecksum() {
        int s = InternetChecksum.sum(buf, off, 2, 0);
        s = InternetChecksum.sum(buf, off + 4, length - 4, s);
        return InternetChecksum.fold(s);
    }

    public Icmpv4Message updateChecksum() {
        put16(buf, off + 2, computeChecksum());
        return this;
    }

    /** Echo request and reply (types 8 and 0). */
    public boolean isEcho() {
        return type() == TYPE_ECHO_REQUEST || type() == TYPE_ECHO_REPLY;
    }

    /** Whether this is an error message that quotes a datagram (RFC 792; RFC 1812 §4.3.2). */
    public boolean isError() {
        return isErrorType(type());
    }

    static boolean isErrorType(int type) {
        return switch (type) {
            case TYPE_DESTINATION_UNREACHABLE, TYPE_SOURCE_QUENCH, TYPE_REDIRECT, TYPE_TIME_EXCEEDED,
                 TYPE_PARAMETER_PROBLEM -> true;
            default -> false;
        };
    }

    /** Destination unreachable, fragmentation needed and DF set (type 3 code 4). */
    public boolean isFragmentationNeeded() {
        return type() == TYPE_DESTINATION_UNREACHABLE && code() == CODE_FRAGMENTATION_NEEDED;
    }

    /**
     * The Next-Hop MTU of a "fragmentation needed" message (RFC 1191 §4, bytes 6-7); 0 from routers older
     * than RFC 1191, and -1 for any other message.
     */
    public int nextHopMtu() {
        return isFragmentationNeeded() ? u16(buf, off + 6) : -1;
    }

    /** The octet offset a parameter problem points at (byte 4); -1 for other messages. */
    public int pointer() {
        return type() == TYPE_PARAMETER_PROBLEM ? u8(buf, off + 4) : -1;
    }

    /** The gateway address of a redirect (bytes 4-7). */
    public int gatewayAddress() {
        return i32(buf, off + 4);
    }

    /** Every error message quotes the datagram that caused it. */
    @Override
    boolean quotesPacket() {
        return isError();
    }

    /** RFC 4884 §4.1: destination unreachable, time exceeded and parameter problem, byte 5, 32-bit words. */
    @Override
    int extensionQuoteLength() {
        return switch (type()) {
            case TYPE_DESTINATION_UNREACHABLE, TYPE_TIME_EXCEEDED, TYPE_PARAMETER_PROBLEM -> u8(buf, off + 5) * 4;
            default -> 0;
        };
    }

    /**
     * Points {@code view} at the quoted datagram leniently (see {@link Ipv4Packet#wrapQuoted}): its header
     * must be whole, its payload may be cut.
     *
     * @throws MalformedPacketException if this is not an error message or the quoted IPv4 header is bad
     */
    public Ipv4Packet quotedPacket(Ipv4Packet view) {
        if (!isError()) {
            throw new MalformedPacketException("icmp.type", off, "type " + type() + " quotes no datagram");
        }
        return view.wrapQuoted(buf, quotedPacketOffset(), quotedPacketLength());
    }

    // ---- building ----

    /**
     * Writes an echo request or reply header with its checksum, over {@code dataLength} bytes of echo data
     * the caller has already put at {@code out[off + 8]}.
     *
     * @return the ICMP message length, 8 + dataLength
     */
    public static int writeEcho(byte[] out, int off, int type, int identifier, int sequence, int dataLength) {
        if (type != TYPE_ECHO_REQUEST && type != TYPE_ECHO_REPLY) {
            throw new IllegalArgumentException("type " + type + " is not an echo request or reply");
        }
        writeHeader(out, off, type, 0, identifier << 16 | sequence & 0xFFFF);
        put16(out, off + 2, InternetChecksum.compute(out, off, HEADER_LENGTH + dataLength));
        return HEADER_LENGTH + dataLength;
    }

    /**
     * Writes a whole IPv4 packet holding an echo message, echo data already in place at
     * {@code out[off + 28]}.
     *
     * @return the IPv4 total length
     */
    public static int writeEchoPacket(byte[] out, int off, int source, int destination, int ttl, int type,
                                      int identifier, int sequence, int dataLength) {
        int total = Ipv4Packet.MIN_HEADER_LENGTH + HEADER_LENGTH + dataLength;
        Ipv4Packet.writeHeader(out, off, 0, total, identifier, false, ttl, IpProtocol.ICMP, source, destination);
        writeEcho(out, off + Ipv4Packet.MIN_HEADER_LENGTH, type, identifier, sequence, dataLength);
        return total;
    }

    /**
     * Writes a whole IPv4 packet holding an ICMP error about {@code original}, addressed to its source and
     * quoting as much of it as fits in 576 bytes (RFC 1812 §4.3.2.3).
     *
     * @param source       the address the error comes from: the gateway's own address
     * @param restOfHeader bytes 4-7 of the ICMP header (e.g. the next-hop MTU in the low 16 bits)
     * @return the IPv4 total length written; {@code out} needs room for up to 576 bytes
     */
    public static int writeError(byte[] out, int off, int source, int identification, int type, int code,
                                 int restOfHeader, Ipv4Packet original) {
        int quoted = Math.min(original.headerLength() + original.payloadLength(),
                MAX_ERROR_DATAGRAM - Ipv4Packet.MIN_HEADER_LENGTH - HEADER_LENGTH);
        int total = Ipv4Packet.MIN_HEADER_LENGTH + HEADER_LENGTH + quoted;
        int icmpOff = off + Ipv4Packet.MIN_HEADER_LENGTH;
        int destination = original.sourceAddress();
        // Copy the quote before writing headers: out and the original may share a buffer, even the same
        // offset (arraycopy copes with the overlap).
        System.arraycopy(original.buffer(), original.offset(), out, icmpOff + HEADER_LENGTH, quoted);
        // RFC 1812 §4.3.2.5: errors other than source quench go out with precedence 6 (CS6).
        Ipv4Packet.writeHeader(out, off, ERROR_TOS, total, identification, false, 64, IpProtocol.ICMP, source,
                destination);
        writeHeader(out, icmpOff, type, code, restOfHeader);
        put16(out, icmpOff + 2, InternetChecksum.compute(out, icmpOff, HEADER_LENGTH + quoted));
        return total;
    }

    /** "Fragmentation needed and DF set" with the next-hop MTU (RFC 1191 §4). */
    public static int writeFragmentationNeeded(byte[] out, int off, int source, int identification, int nextHopMtu,
                                               Ipv4Packet original) {
        return writeError(out, off, source, identification, TYPE_DESTINATION_UNREACHABLE, CODE_FRAGMENTATION_NEEDED,
                nextHopMtu & 0xFFFF, original);
    }

    /** Port unreachable (type 3 code 3). */
    public static int writePortUnreachable(byte[] out, int off, int source, int identification,
                                           Ipv4Packet original) {
        return writeError(out, off, source, identification, TYPE_DESTINATION_UNREACHABLE, CODE_PORT_UNREACHABLE, 0,
                original);
    }

    /** Time exceeded in transit (type 11 code 0). */
    public static int writeTimeExceeded(byte[] out, int off, int source, int identification, Ipv4Packet original) {
        return writeError(out, off, source, identification, TYPE_TIME_EXCEEDED, CODE_TTL_EXCEEDED, 0, original);
    }

    /**
     * Whether an ICMP error may be sent about {@code original} (RFC 1812 §4.3.2.7): not about an ICMP error,
     * a non-first fragment, or a datagram from or to a broadcast, multicast, loopback or unspecified address.
     * Subnet broadcasts are not known here; the caller checks those.
     */
    public static boolean mayRespondWithError(Ipv4Packet original) {
        if (original.fragmentOffset() != 0) {
            return false;
        }
        int src = original.sourceAddress();
        int dst = original.destinationAddress();
        if (!isUnicast(src) || (dst >>> 28) == 0xE || dst == -1) {
            return false;
        }
        if (original.protocol() == IpProtocol.ICMP && original.payloadLength() >= 1) {
            return !isErrorType(u8(original.buffer(), original.payloadOffset()));
        }
        return true;
    }

    private static boolean isUnicast(int address) {
        int first = address >>> 24;
        return address != 0 && address != -1 && first != 127 && first < 224 && first != 0;
    }

    @Override
    public String toString() {
        if (buf == null) {
            return "Icmpv4Message[unwrapped]";
        }
        return "ICMP type " + type() + " code " + code() + " len " + length
                + (isEcho() ? " id " + echoIdentifier() + " seq " + echoSequence() : "")
                + (isFragmentationNeeded() ? " mtu " + nextHopMtu() : "");
    }
}
