package org.ipsec4j.wire;

import java.util.ArrayList;
import java.util.List;

import static org.ipsec4j.wire.BigEndian.i32;
import static org.ipsec4j.wire.BigEndian.put16;
import static org.ipsec4j.wire.BigEndian.u16;
import static org.ipsec4j.wire.BigEndian.u8;

/**
 * A mutable flyweight view of an ICMPv6 message (RFC 4443) and the Neighbor Discovery messages (RFC 4861)
 * in a byte array: wrap it over the upper-layer part of an IPv6 packet.
 *
 * <p>{@link #wrap} checks the minimum length of each known type (8 for errors and echo, 16 for a router
 * advertisement, 24 for neighbour solicitation/advertisement, 40 for redirect) and, for Neighbor Discovery,
 * walks the options: each has a length in units of 8 bytes that must be non-zero (RFC 4861 §4.6) and fit.
 * The checksum covers the IPv6 pseudo header, so checksum methods take the enclosing {@link Ipv6Packet}.
 */
public final class Icmpv6Message extends IcmpMessage {

    public static final int HEADER_LENGTH = IcmpMessage.HEADER_LENGTH;

    public static final int TYPE_DESTINATION_UNREACHABLE = 1;
    public static final int TYPE_PACKET_TOO_BIG = 2;
    public static final int TYPE_TIME_EXCEEDED = 3;
    public static final int TYPE_PARAMETER_PROBLEM = 4;
    public static final int TYPE_ECHO_REQUEST = 128;
    public static final int TYPE_ECHO_REPLY = 129;
    public static final int TYPE_ROUTER_SOLICITATION = 133;
    public static final int TYPE_ROUTER_ADVERTISEMENT = 134;
    public static final int TYPE_NEIGHBOR_SOLICITATION = 135;
    public static final int TYPE_NEIGHBOR_ADVERTISEMENT = 136;
    public static final int TYPE_REDIRECT = 137;

    /** Destination unreachable codes (RFC 4443 §3.1). */
    public static final int CODE_NO_ROUTE = 0;
    public static final int CODE_ADMINISTRATIVELY_PROHIBITED = 1;
    public static final int CODE_BEYOND_SCOPE = 2;
    public static final int CODE_ADDRESS_UNREACHABLE = 3;
    public static final int CODE_PORT_UNREACHABLE = 4;

    /** Neighbor Discovery option types (RFC 4861 §4.6). */
    public static final int OPTION_SOURCE_LINK_LAYER_ADDRESS = 1;
    public static final int OPTION_TARGET_LINK_LAYER_ADDRESS = 2;
    public static final int OPTION_PREFIX_INFORMATION = 3;
    public static final int OPTION_REDIRECTED_HEADER = 4;
    public static final int OPTION_MTU = 5;

    /** Neighbour advertisement flags in byte 4 (RFC 4861 §4.4). */
    public static final int NA_FLAG_ROUTER = 0x80;
    public static final int NA_FLAG_SOLICITED = 0x40;
    public static final int NA_FLAG_OVERRIDE = 0x20;

    /** Receives one Neighbor Discovery option at a time. */
    @FunctionalInterface
    public interface OptionVisitor {
        /**
         * @param type   the option type
         * @param offset absolute offset of the option's type byte
         * @param length the option's length in bytes (a multiple of 8)
         * @return false to stop the walk
         */
        boolean option(int type, int offset, int length);
    }

    /** One Neighbor Discovery option, for callers off the hot path that prefer a list. */
    public record Option(int type, int offset, int length) {}

    /** An empty view; {@link #wrap} it before use. */
    public Icmpv6Message() {}

    /** A new view of the ICMPv6 message at {@code buf[off .. off+len)}. */
    public static Icmpv6Message parse(byte[] buf, int off, int len) {
        return new Icmpv6Message().wrap(buf, off, len);
    }

    /** The ICMPv6 message carried by an IPv6 packet after its extension headers. */
    public Icmpv6Message wrap(Ipv6Packet ip) {
        ip.requireUpperLayer(IpProtocol.ICMPV6, "ICMPv6");
        return wrap(ip.buffer(), ip.upperLayerOffset(), ip.upperLayerLength());
    }

    /**
     * Re-points this view at {@code buf[off .. off+len)}.
     *
     * @throws MalformedPacketException if the message is shorter than its type requires or a Neighbor
     *                                  Discovery option is malformed
     */
    public Icmpv6Message wrap(byte[] buf, int off, int len) {
        BufferSlice.check(buf, off, len, "icmpv6");
        if (len < 4) {
            throw new MalformedPacketException("icmpv6.header", off, "need 4 bytes, have " + len);
        }
        int type = buf[off] & 0xFF;
        int min = minimumLength(type);
        if (len < min) {
            throw new MalformedPacketException("icmpv6.length", off,
                    "type " + type + " needs " + min + " bytes, have " + len);
        }
        int optStart = optionsStart(type);
        if (optStart > 0) {
            int pos = off + optStart;
            int end = off + len;
            while (pos < end) {
                if (end - pos < 8) {
                    throw new MalformedPacketException("icmpv6.option", pos, (end - pos) + " bytes left, options are 8-byte units");
                }
                int units = buf[pos + 1] & 0xFF;
                if (units == 0) {
                    // RFC 4861 §4.6: a zero length would loop forever; such packets are discarded.
                    throw new MalformedPacketException("icmpv6.option.length", pos + 1, "option length 0");
                }
                if (units * 8 > end - pos) {
                    throw new MalformedPacketException("icmpv6.option.length", pos + 1,
                            "option of " + units * 8 + " bytes, " + (end - pos) + " left");
                }
                pos += units * 8;
            }
        }
        this.buf = buf;
        this.off = off;
        this.length = len;
        return this;
    }

    /** Fixed part of each type, before any options or quoted packet. */
    static int minimumLength(int type) {
        return switch (type) {
            case TYPE_ROUTER_ADVERTISEMENT -> 16;
            case TYPE_NEIGHBOR_SOLICITATION, TYPE_NEIGHBOR_ADVERTISEMENT -> 24;
            case TYPE_REDIRECT -> 40;
            case TYPE_DESTINATION_UNREACHABLE, TYPE_PACKET_TOO_BIG, TYPE_TIME_EXCEEDED, TYPE_PARAMETER_PROBLEM,
                 TYPE_ECHO_REQUEST, TYPE_ECHO_REPLY, TYPE_ROUTER_SOLICITATION -> 8;
            default -> 4;
        };
    }

    /** Where Neighbor Discovery options start, relative to the message; 0 for types without them. */
    static int optionsStart(int type) {
        return switch (type) {
            case TYPE_ROUTER_SOLICITATION -> 8;
            case TYPE_ROUTER_ADVERTISEMENT -> 16;
            case TYPE_NEIGHBOR_SOLICITATION, TYPE_NEIGHBOR_ADVERTISEMENT -> 24;
            case TYPE_REDIRECT -> 40;
            default -> 0;
        };
    }

    /** Error messages have types 0-127 (RFC 4443 §2.1). */
    public boolean isError() {
        return type() < 128;
    }

    public boolean verifyChecksum(Ipv6Packet ip) {
        int pseudo = ip.pseudoHeaderSum(IpProtocol.ICMPV6, length);
        return InternetChecksum.fold(InternetChecksum.sum(buf, off, length, pseudo)) == 0;
    }

    public int computeChecksum(Ipv6Packet ip) {
        int s = ip.pseudoHeaderSum(IpProtocol.ICMPV6, length);
        s = InternetChecksum.sum(buf, off, 2, s);
        s = InternetChecksum.sum(buf, off + 4, length - 4, s);
        return InternetChecksum.fold(s);
    }

    public Icmpv6Message updateChecksum(Ipv6Packet ip) {
        put16(buf, off + 2, computeChecksum(ip));
        return this;
    }

    // ---- echo (RFC 4443 §4) ----

    public boolean isEcho() {
        return type() == TYPE_ECHO_REQUEST || type() == TYPE_ECHO_REPLY;
    }

    // ---- errors (RFC 4443 §3) ----

    /** The MTU of a Packet Too Big message (bytes 4-7, RFC 4443 §3.2); -1 for other types. */
    public long mtu() {
        return type() == TYPE_PACKET_TOO_BIG ? Integer.toUnsignedLong(i32(buf, off + 4)) : -1;
    }

    /** The pointer of a Parameter Problem message (RFC 4443 §3.4); -1 for other types. */
    public long pointer() {
        return type() == TYPE_PARAMETER_PROBLEM ? Integer.toUnsignedLong(i32(buf, off + 4)) : -1;
    }

    /** The errors of RFC 4443 §3 (types 1-4) quote the invoking packet. */
    @Override
    boolean quotesPacket() {
        int type = type();
        return type >= TYPE_DESTINATION_UNREACHABLE && type <= TYPE_PARAMETER_PROBLEM;
    }

    /** RFC 4884 §4.2: destination unreachable and time exceeded, byte 4, in 64-bit words. */
    @Override
    int extensionQuoteLength() {
        return switch (type()) {
            case TYPE_DESTINATION_UNREACHABLE, TYPE_TIME_EXCEEDED -> u8(buf, off + 4) * 8;
            default -> 0;
        };
    }

    /**
     * Points {@code view} at the quoted invoking packet leniently (see {@link Ipv6Packet#wrapQuoted}).
     *
     * @throws MalformedPacketException if this message quotes no packet or the quoted header is bad
     */
    public Ipv6Packet quotedPacket(Ipv6Packet view) {
        if (!quotesPacket()) {
            throw new MalformedPacketException("icmpv6.type", off, "type " + type() + " quotes no packet");
        }
        return view.wrapQuoted(buf, quotedPacketOffset(), quotedPacketLength());
    }

    // ---- Neighbor Discovery (RFC 4861 §4) ----

    /** Cur Hop Limit of a router advertisement; -1 for other types. */
    public int curHopLimit() {
        return type() == TYPE_ROUTER_ADVERTISEMENT ? u8(buf, off + 4) : -1;
    }

    /** The M (managed) flag of a router advertisement. */
    public boolean managedAddressConfiguration() {
        return type() == TYPE_ROUTER_ADVERTISEMENT && (u8(buf, off + 5) & 0x80) != 0;
    }

    /** The O (other configuration) flag of a router advertisement. */
    public boolean otherConfiguration() {
        return type() == TYPE_ROUTER_ADVERTISEMENT && (u8(buf, off + 5) & 0x40) != 0;
    }

    /** Router Lifetime in seconds; -1 for other types. */
    public int routerLifetime() {
        return type() == TYPE_ROUTER_ADVERTISEMENT ? u16(buf, off + 6) : -1;
    }

    /** Reachable Time in milliseconds; -1 for other types. */
    public long reachableTime() {
        return type() == TYPE_ROUTER_ADVERTISEMENT ? Integer.toUnsignedLong(i32(buf, off + 8)) : -1;
    }

    /** Retrans Timer in milliseconds; -1 for other types. */
    public long retransTimer() {
        return type() == TYPE_ROUTER_ADVERTISEMENT ? Integer.toUnsignedLong(i32(buf, off + 12)) : -1;
    }

    /** Absolute offset of the 16-byte Target Address of NS, NA and redirect; -1 for other types. */
    public int targetAddressOffset() {
        return switch (type()) {
            case TYPE_NEIGHBOR_SOLICITATION, TYPE_NEIGHBOR_ADVERTISEMENT, TYPE_REDIRECT -> off + 8;
            default -> -1;
        };
    }

    /** Absolute offset of the 16-byte Destination Address of a redirect; -1 for other types. */
    public int redirectDestinationOffset() {
        return type() == TYPE_REDIRECT ? off + 24 : -1;
    }

    /** The R, S and O flags of a neighbour advertisement (byte 4, {@code NA_FLAG_*}); 0 for other types. */
    public int neighborAdvertisementFlags() {
        return type() == TYPE_NEIGHBOR_ADVERTISEMENT ? u8(buf, off + 4) & 0xE0 : 0;
    }

    public boolean routerFlag() {
        return (neighborAdvertisementFlags() & NA_FLAG_ROUTER) != 0;
    }

    public boolean solicitedFlag() {
        return (neighborAdvertisementFlags() & NA_FLAG_SOLICITED) != 0;
    }

    public boolean overrideFlag() {
        return (neighborAdvertisementFlags() & NA_FLAG_OVERRIDE) != 0;
    }

    /** Absolute offset of the first ND option; -1 for types that carry none. */
    public int optionsOffset() {
        int start = optionsStart(type());
        return start == 0 ? -1 : off + start;
    }

    /** Walks the Neighbor Discovery options (validated on wrap); does nothing for other types. */
    public void options(OptionVisitor visitor) {
        int start = optionsStart(type());
        if (start == 0) {
            return;
        }
        int pos = off + start;
        int end = off + length;
        while (pos < end) {
            int len = (buf[pos + 1] & 0xFF) * 8;
            if (!visitor.option(buf[pos] & 0xFF, pos, len)) {
                return;
            }
            pos += len;
        }
    }

    /** The options as a list (allocates; for diagnostics and tests). */
    public List<Option> optionList() {
        List<Option> list = new ArrayList<>();
        options((type, offset, len) -> list.add(new Option(type, offset, len)));
        return list;
    }

    /** Absolute offset of the first option of {@code type}, or -1. */
    public int findOption(int type) {
        int start = optionsStart(type());
        if (start == 0) {
            return -1;
        }
        int pos = off + start;
        int end = off + length;
        while (pos < end) {
            if ((buf[pos] & 0xFF) == type) {
                return pos;
            }
            pos += (buf[pos + 1] & 0xFF) * 8;
        }
        return -1;
    }

    /**
     * Absolute offset of the link-layer address in the Source Link-Layer Address option, or -1; its length is
     * {@link #linkLayerAddressLength(int)} (6 for Ethernet, RFC 2464 §6).
     */
    public int sourceLinkLayerAddressOffset() {
        int opt = findOption(OPTION_SOURCE_LINK_LAYER_ADDRESS);
        return opt < 0 ? -1 : opt + 2;
    }

    /** Like {@link #sourceLinkLayerAddressOffset()} for the Target Link-Layer Address option. */
    public int targetLinkLayerAddressOffset() {
        int opt = findOption(OPTION_TARGET_LINK_LAYER_ADDRESS);
        return opt < 0 ? -1 : opt + 2;
    }

    /** Bytes from a link-layer address offset to the end of its option (includes any padding). */
    public int linkLayerAddressLength(int addressOffset) {
        return (buf[addressOffset - 1] & 0xFF) * 8 - 2;
    }

    /** The MTU option's value in a router advertisement (RFC 4861 §4.6.4), or -1. */
    public long mtuOption() {
        int opt = findOption(OPTION_MTU);
        return opt < 0 || (buf[opt + 1] & 0xFF) != 1 ? -1 : Integer.toUnsignedLong(i32(buf, opt + 4));
    }

    // ---- building ----

    /**
     * Writes a whole IPv6 packet holding an echo request or reply, echo data already in place at
     * {@code out[off + 48]}.
     *
     * @return the packet length
     */
    public static int writeEchoPacket(byte[] out, int off, byte[] src, int srcOff, byte[] dst, int dstOff,
                                      int hopLimit, int type, int identifier, int sequence, int dataLength) {
        if (type != TYPE_ECHO_REQUEST && type != TYPE_ECHO_REPLY) {
            throw new IllegalArgumentException("type " + type + " is not an echo request or reply");
        }
        int icmpLength = HEADER_LENGTH + dataLength;
        if (dataLength < 0 || icmpLength > 0xFFFF) {
            throw new IllegalArgumentException("echo data length " + dataLength + " does not fit");
        }
        Ipv6Packet.writeHeader(out, off, 0, 0, icmpLength, IpProtocol.ICMPV6, hopLimit, src, srcOff, dst, dstOff);
        int icmpOff = off + Ipv6Packet.HEADER_LENGTH;
        writeHeader(out, icmpOff, type, 0, identifier << 16 | sequence & 0xFFFF);
        writeChecksum(out, off, icmpOff, icmpLength);
        return Ipv6Packet.HEADER_LENGTH + icmpLength;
    }

    /**
     * Writes a whole IPv6 packet holding an ICMPv6 error about {@code original}, addressed to its source and
     * quoting as much of it as fits in the minimum MTU of 1280 bytes (RFC 4443 §2.4(c)).
     *
     * @param src          the address the error comes from: the gateway's own address (Linux ignores a
     *                     Packet Too Big whose source equals its destination)
     * @param restOfHeader bytes 4-7: MTU for Packet Too Big, pointer for Parameter Problem, else 0
     * @return the packet length written; {@code out} needs room for up to 1280 bytes
     */
    public static int writeError(byte[] out, int off, byte[] src, int srcOff, int hopLimit, int type, int code,
                                 int restOfHeader, Ipv6Packet original) {
        int originalLength = original.end() - original.offset();
        int quoted = Math.min(originalLength, Ipv6Packet.MIN_MTU - Ipv6Packet.HEADER_LENGTH - HEADER_LENGTH);
        int icmpLength = HEADER_LENGTH + quoted;
        int icmpOff = off + Ipv6Packet.HEADER_LENGTH;
        // Quote first (arraycopy copes with out and the original overlapping), then take the destination,
        // the original source, from the quote: the quote always holds the whole 40-byte header.
        System.arraycopy(original.buffer(), original.offset(), out, icmpOff + HEADER_LENGTH, quoted);
        int quotedSource = icmpOff + HEADER_LENGTH + 8;
        Ipv6Packet.writeHeader(out, off, 0, 0, icmpLength, IpProtocol.ICMPV6, hopLimit, src, srcOff, out,
                quotedSource);
        writeHeader(out, icmpOff, type, code, restOfHeader);
        writeChecksum(out, off, icmpOff, icmpLength);
        return Ipv6Packet.HEADER_LENGTH + icmpLength;
    }

    /** Packet Too Big with the given MTU (RFC 4443 §3.2). */
    public static int writePacketTooBig(byte[] out, int off, byte[] src, int srcOff, int mtu, Ipv6Packet original) {
        return writeError(out, off, src, srcOff, 64, TYPE_PACKET_TOO_BIG, 0, mtu, original);
    }

    /** Destination unreachable with the given code (RFC 4443 §3.1), e.g. {@link #CODE_PORT_UNREACHABLE}. */
    public static int writeDestinationUnreachable(byte[] out, int off, byte[] src, int srcOff, int code,
                                                  Ipv6Packet original) {
        return writeError(out, off, src, srcOff, 64, TYPE_DESTINATION_UNREACHABLE, code, 0, original);
    }

    /** Hop limit exceeded in transit (RFC 4443 §3.3, code 0). */
    public static int writeTimeExceeded(byte[] out, int off, byte[] src, int srcOff, Ipv6Packet original) {
        return writeError(out, off, src, srcOff, 64, TYPE_TIME_EXCEEDED, 0, 0, original);
    }

    private static void writeChecksum(byte[] out, int ipOff, int icmpOff, int icmpLength) {
        put16(out, icmpOff + 2, 0);
        int s = InternetChecksum.pseudoHeaderSumV6(out, ipOff + 8, ipOff + 24, IpProtocol.ICMPV6, icmpLength);
        put16(out, icmpOff + 2, InternetChecksum.fold(InternetChecksum.sum(out, icmpOff, icmpLength, s)));
    }

    /**
     * Whether an ICMPv6 error of {@code type} may be sent about {@code original} (RFC 4443 §2.4(e)): never
     * about an ICMPv6 error or a packet from the unspecified or a multicast address, and, except for Packet
     * Too Big, never about a packet sent to a multicast address.
     */
    public static boolean mayRespondWithError(Ipv6Packet original, int type) {
        byte[] b = original.buffer();
        int src = original.sourceOffset();
        if ((b[src] & 0xFF) == 0xFF || isUnspecified(b, src)) {
            return false;
        }
        if ((b[original.destinationOffset()] & 0xFF) == 0xFF && type != TYPE_PACKET_TOO_BIG) {
            return false;
        }
        int upper = original.upperLayerOffset();
        if (original.upperLayerProtocol() == IpProtocol.ICMPV6 && upper < original.end()) {
            return (b[upper] & 0xFF) >= 128;
        }
        return true;
    }

    private static boolean isUnspecified(byte[] b, int off) {
        for (int i = 0; i < 16; i++) {
            if (b[off + i] != 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        if (buf == null) {
            return "Icmpv6Message[unwrapped]";
        }
        return "ICMPv6 type " + type() + " code " + code() + " len " + length
                + (isEcho() ? " id " + echoIdentifier() + " seq " + echoSequence() : "")
                + (type() == TYPE_PACKET_TOO_BIG ? " mtu " + mtu() : "");
    }
}
