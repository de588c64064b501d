package org.ipsec4j.wire;

import java.util.ArrayList;
import java.util.List;

import static org.ipsec4j.wire.BigEndian.i32;
import static org.ipsec4j.wire.BigEndian.put16;
import static org.ipsec4j.wire.BigEndian.put32;
import static org.ipsec4j.wire.BigEndian.put8;
import static org.ipsec4j.wire.BigEndian.u16;
import static org.ipsec4j.wire.BigEndian.u8;

/**
 * A mutable flyweight view of an IPv6 packet (RFC 8200) and its extension-header chain in a byte array.
 *
 * <p>{@link #wrap} validates the fixed header and walks the extension headers once, bounded by the payload
 * length: every header it steps over is at least 8 bytes and must fit, so the walk ends after at most
 * payloadLength / 8 steps. It stops at the first upper-layer header, at ESP (50, the rest is encrypted) or at
 * No Next Header (59). Bytes past 40 + payload length are ignored. All offsets are absolute into
 * {@link #buffer()}; the 16-byte addresses stay in the buffer.
 *
 * <p><b>Non-first fragments.</b> In a fragment whose offset is not 0 the bytes after the fragment header are
 * the middle of the original fragmentable part, not a header, so the walk stops at the fragment header and
 * {@link #upperLayerProtocol()} and {@link #upperLayerOffset()} return -1. Use
 * {@link #fragmentNextHeader()} and {@link #fragmentDataOffset()} there instead.
 */
public final class Ipv6Packet {

    public static final int HEADER_LENGTH = 40;
    public static final int FRAGMENT_HEADER_LENGTH = 8;
    /** The minimum link MTU every IPv6 path supports (RFC 8200 §5). */
    public static final int MIN_MTU = 1280;
    /** Hop-by-hop option type of the Jumbo Payload option (RFC 2675). */
    public static final int OPTION_JUMBO_PAYLOAD = 0xC2;

    private byte[] buf;
    private int off;
    private int capacity;
    private int upperLayerProtocol;
    private int upperLayerOffset;
    private int fragmentHeaderOffset;
    private int unfragmentableEnd;
    private int extensionHeaderCount;

    /** Receives one extension header at a time from {@link #extensionHeaders(ExtensionHeaderVisitor)}. */
    @FunctionalInterface
    public interface ExtensionHeaderVisitor {
        /**
         * @param type   the Next Header value that named this header (0, 43, 44, 51, 60, ...)
         * @param offset absolute offset of the header
         * @param length its length in bytes
         * @return false to stop the walk
         */
        boolean header(int type, int offset, int length);
    }

    /** One extension header, for callers off the hot path that prefer a list. */
    public record ExtensionHeader(int type, int offset, int length) {}

    /** An empty view; {@link #wrap} it before use. */
    public Ipv6Packet() {}

    /** A new view of the IPv6 packet at {@code buf[off .. off+len)}. */
    public static Ipv6Packet parse(byte[] buf, int off, int len) {
        return new Ipv6Packet().wrap(buf, off, len);
    }

    /**
     * Re-points this view at {@code buf[off .. off+len)}, validates the fixed header and walks the
     * extension-header chain.
     *
     * @throws MalformedPacketException if the bytes are not a complete, well-formed IPv6 packet, or carry a
     *                                  jumbogram (RFC 2675), which this project does not support
     */
    public Ipv6Packet wrap(byte[] buf, int off, int len) {
        return wrap(buf, off, len, false);
    }

    /**
     * Like {@link #wrap}, for the invoking packet quoted in an ICMPv6 error (RFC 4443 §2.4(c)), which is cut
     * to fit 1280 bytes: the payload length may claim more than {@code len - 40} bytes; the walk stops
     * quietly (upper layer -1) where a header is cut off, and {@link #isTruncated()} is true.
     */
    public Ipv6Packet wrapQuoted(byte[] buf, int off, int len) {
        return wrap(buf, off, len, true);
    }

    private Ipv6Packet wrap(byte[] buf, int off, int len, boolean quoted) {
        BufferSlice.check(buf, off, len, "ipv6");
        if (len < HEADER_LENGTH) {
            throw new MalformedPacketException("ipv6.header", off, "need 40 bytes, have " + len);
        }
        int version = (buf[off] & 0xFF) >>> 4;
        if (version != 6) {
            throw new MalformedPacketException("ipv6.version", off, "version " + version + ", expected 6");
        }
        int payloadLength = u16(buf, off + 4);
        int nextHeader = u8(buf, off + 6);
        if (payloadLength == 0 && nextHeader == IpProtocol.HOPOPT) {
            // RFC 2675: a zero payload length with a hop-by-hop header means a Jumbo Payload option.
            throw new MalformedPacketException("ipv6.payloadLength", off + 4,
                    "payload length 0 with a hop-by-hop header: jumbograms (RFC 2675) are not supported");
        }
        if (HEADER_LENGTH + payloadLength > len && !quoted) {
            throw new MalformedPacketException("ipv6.payloadLength", off + 4,
                    "payload length " + payloadLength + " > " + (len - HEADER_LENGTH) + " bytes present");
        }
        // Walk first, assign after: a failed wrap leaves the previous packet's state alone.
        walkChain(buf, off, nextHeader, off + Math.min(len, HEADER_LENGTH + payloadLength), quoted);
        this.buf = buf;
        this.off = off;
        this.capacity = len;
        return this;
    }

    private void walkChain(byte[] buf, int off, int next, int end, boolean quoted) {
        int pos = off + HEADER_LENGTH;
        int unfragEnd = pos;
        int fragOff = -1;
        int count = 0;
        int upperProto = -1;
        int upperOff = -1;
        walk:
        while (true) {
            int hdrLen;
            switch (next) {
                case IpProtocol.HOPOPT, IpProtocol.IPV6_ROUTE, IpProtocol.IPV6_OPTS, IpProtocol.MOBILITY,
                     IpProtocol.HIP, IpProtocol.SHIM6, IpProtocol.AH, IpProtocol.IPV6_FRAG -> {
                    if (next == IpProtocol.HOPOPT && pos != off + HEADER_LENGTH) {
                        // RFC 8200 §4.1: hop-by-hop options may only follow the IPv6 header immediately.
                        throw new MalformedPacketException("ipv6.nextHeader", pos,
                                "hop-by-hop options header not directly after the IPv6 header");
                    }
                    if (end - pos < 8) {
                        if (quoted) {
                            break walk;
                        }
                        throw new MalformedPacketException("ipv6." + headerFieldName(next), pos,
                                "extension header needs 8 bytes, " + (end - pos) + " left");
                    }
                    hdrLen = switch (next) {
                        case IpProtocol.IPV6_FRAG -> FRAGMENT_HEADER_LENGTH;
                        case IpProtocol.AH -> (u8(buf, pos + 1) + 2) * 4; // RFC 4302 §2.2
                        default -> (u8(buf, pos + 1) + 1) * 8;            // RFC 8200 §4.3-4.6
                    };
                    if (hdrLen > end - pos) {
                        if (quoted) {
                            break walk;
                        }
                        throw new MalformedPacketException("ipv6." + headerFieldName(next) + ".length", pos + 1,
                                "extension header of " + hdrLen + " bytes, " + (end - pos) + " left");
                    }
                }
                default -> {
                    // An upper-layer protocol, ESP or No Next Header: the chain ends here.
                    upperProto = next;
                    upperOff = pos;
                    break walk;
                }
            }
            count++;
            if (next == IpProtocol.IPV6_FRAG) {
                if (fragOff >= 0) {
                    throw new MalformedPacketException("ipv6.fragment", pos, "second fragment header in one packet");
                }
                fragOff = pos;
                if ((u16(buf, pos + 2) & 0xFFF8) != 0) {
                    // Non-first fragment: what follows is fragment data, not a header.
                    break;
                }
            } else if (fragOff < 0 && (next == IpProtocol.HOPOPT || next == IpProtocol.IPV6_ROUTE)) {
                // RFC 8200 §4.5: the unfragmentable part runs through hop-by-hop, any destination options
                // before a routing header, and the routing header.
                unfragEnd = pos + hdrLen;
            }
            next = u8(buf, pos);
            pos += hdrLen;
        }
        this.upperLayerProtocol = upperProto;
        this.upperLayerOffset = upperOff;
        this.fragmentHeaderOffset = fragOff;
        this.unfragmentableEnd = fragOff >= 0 ? fragOff : unfragEnd;
        this.extensionHeaderCount = count;
    }

    private static String headerFieldName(int type) {
        return switch (type) {
            case IpProtocol.HOPOPT -> "hopByHop";
            case IpProtocol.IPV6_ROUTE -> "routing";
            case IpProtocol.IPV6_FRAG -> "fragment";
            case IpProtocol.IPV6_OPTS -> "destinationOptions";
            case IpProtocol.AH -> "ah";
            case IpProtocol.MOBILITY -> "mobility";
            case IpProtocol.HIP -> "hip";
            case IpProtocol.SHIM6 -> "shim6";
            default -> "extension";
        };
    }

    public byte[] buffer() {
        return buf;
    }

    public int offset() {
        return off;
    }

    /** The {@code len} this view was wrapped with. */
    public int capacity() {
        return capacity;
    }

    public int trafficClass() {
        return (u16(buf, off) >>> 4) & 0xFF;
    }

    public int dscp() {
        return trafficClass() >>> 2;
    }

    public int ecn() {
        return trafficClass() & 0x03;
    }

    public int flowLabel() {
        return i32(buf, off) & 0xFFFFF;
    }

    public int payloadLength() {
        return u16(buf, off + 4);
    }

    /** 40 + payload length. */
    public int totalLength() {
        return HEADER_LENGTH + payloadLength();
    }

    /** True for a quoted packet (see {@link #wrapQuoted}) cut short of its payload length. */
    public boolean isTruncated() {
        return HEADER_LENGTH + payloadLength() > capacity;
    }

    /** The Next Header field of the fixed header. */
    public int nextHeader() {
        return u8(buf, off + 6);
    }

    public int hopLimit() {
        return u8(buf, off + 7);
    }

    public int sourceOffset() {
        return off + 8;
    }

    public int destinationOffset() {
        return off + 24;
    }

    public void copySource(byte[] out16) {
        System.arraycopy(buf, off + 8, out16, 0, 16);
    }

    public void copyDestination(byte[] out16) {
        System.arraycopy(buf, off + 24, out16, 0, 16);
    }

    /** Offset of the first byte after the 40-byte fixed header. */
    public int payloadOffset() {
        return off + HEADER_LENGTH;
    }

    /**
     * The protocol after the extension headers: an upper-layer protocol, {@link IpProtocol#ESP} or
     * {@link IpProtocol#IPV6_NONXT}; -1 for a non-first fragment (and for a quoted packet cut inside its
     * chain), where no upper-layer header is present.
     */
    public int upperLayerProtocol() {
        return upperLayerProtocol;
    }

    /** Absolute offset of the upper-layer header; -1 when {@link #upperLayerProtocol()} is -1. */
    public int upperLayerOffset() {
        return upperLayerOffset;
    }

    /** Bytes from the upper-layer header to the end of the packet (as present); -1 when there is none. */
    public int upperLayerLength() {
        return upperLayerOffset < 0 ? -1 : end() - upperLayerOffset;
    }

    /** The partial checksum of this packet's pseudo header (RFC 8200 §8.1) for an upper layer of that length. */
    int pseudoHeaderSum(int protocol, int upperLength) {
        return InternetChecksum.pseudoHeaderSumV6(buf, sourceOffset(), destinationOffset(), protocol, upperLength);
    }

    /**
     * For the views of what a packet carries: checks that the header chain ends in {@code protocol}
     * ({@code name} in the error); a non-first fragment has no upper layer and fails too.
     */
    void requireUpperLayer(int protocol, String name) {
        if (upperLayerProtocol != protocol) {
            throw new MalformedPacketException("ip.protocol", off + 6,
                    "upper-layer protocol " + upperLayerProtocol + " is not " + name);
        }
    }

    /** Absolute offset of the end of the packet (or of the bytes present, for a truncated quote). */
    public int end() {
        return off + Math.min(capacity, HEADER_LENGTH + payloadLength());
    }

    /** Absolute offset of the fragment header, -1 if there is none. */
    public int fragmentHeaderOffset() {
        return fragmentHeaderOffset;
    }

    /** Whether there is a fragment header that is not an atomic fragment (RFC 6946 §4). */
    public boolean isFragment() {
        return fragmentHeaderOffset >= 0 && !isAtomicFragment();
    }

    /** A fragment header with offset 0 and M = 0: a whole packet, processed as unfragmented (RFC 6946). */
    public boolean isAtomicFragment() {
        return fragmentHeaderOffset >= 0 && (u16(buf, fragmentHeaderOffset + 2) & 0xFFF9) == 0;
    }

    /** Fragment offset in bytes; 0 without a fragment header. */
    public int fragmentOffset() {
        return fragmentHeaderOffset < 0 ? 0 : u16(buf, fragmentHeaderOffset + 2) & 0xFFF8;
    }

    /** The M flag; false without a fragment header. */
    public boolean moreFragments() {
        return fragmentHeaderOffset >= 0 && (u16(buf, fragmentHeaderOffset + 2) & 1) != 0;
    }

    /** The 32-bit Identification of the fragment header; 0 without one. */
    public int fragmentIdentification() {
        return fragmentHeaderOffset < 0 ? 0 : i32(buf, fragmentHeaderOffset + 4);
    }

    /** The fragment header's Next Header: the first header of the fragmentable part; -1 without one. */
    public int fragmentNextHeader() {
        return fragmentHeaderOffset < 0 ? -1 : u8(buf, fragmentHeaderOffset);
    }

    /** Absolute offset of the fragment's data, right after the fragment header; -1 without one. */
    public int fragmentDataOffset() {
        return fragmentHeaderOffset < 0 ? -1 : fragmentHeaderOffset + FRAGMENT_HEADER_LENGTH;
    }

    /**
     * The unfragmentable part (RFC 8200 §4.5) in bytes from the start of the IPv6 header: 40 plus
     * hop-by-hop, destination options before a routing header, and the routing header. In a packet that
     * has a fragment header it is everything before the fragment header.
     */
    public int unfragmentablePartLength() {
        return unfragmentableEnd - off;
    }

    /** How many extension headers the walk stepped over. */
    public int extensionHeaderCount() {
        return extensionHeaderCount;
    }

    /** Visits the extension headers (validated on wrap) in order until the visitor returns false. */
    public void extensionHeaders(ExtensionHeaderVisitor visitor) {
        int next = nextHeader();
        int pos = off + HEADER_LENGTH;
        for (int i = 0; i < extensionHeaderCount; i++) {
            int hdrLen = switch (next) {
                case IpProtocol.IPV6_FRAG -> FRAGMENT_HEADER_LENGTH;
                case IpProtocol.AH -> (u8(buf, pos + 1) + 2) * 4;
                default -> (u8(buf, pos + 1) + 1) * 8;
            };
            if (!visitor.header(next, pos, hdrLen)) {
                return;
            }
            next = u8(buf, pos);
            pos += hdrLen;
        }
    }

    /** The extension headers as a list (allocates; for diagnostics and tests). */
    public List<ExtensionHeader> extensionHeaderList() {
        List<ExtensionHeader> list = new ArrayList<>(extensionHeaderCount);
        extensionHeaders((type, offset, length) -> list.add(new ExtensionHeader(type, offset, length)));
        return list;
    }

    // ---- setters: edit in place (IPv6 has no header checksum) ----

    public Ipv6Packet setTrafficClass(int trafficClass) {
        int first = u16(buf, off);
        put16(buf, off, (first & 0xF00F) | ((trafficClass & 0xFF) << 4));
        return this;
    }

    public Ipv6Packet setDscp(int dscp) {
        return setTrafficClass(((dscp & 0x3F) << 2) | ecn());
    }

    public Ipv6Packet setEcn(int ecn) {
        return setTrafficClass((trafficClass() & 0xFC) | (ecn & 0x03));
    }

    public Ipv6Packet setFlowLabel(int flowLabel) {
        put32(buf, off, (i32(buf, off) & 0xFFF0_0000) | (flowLabel & 0xFFFFF));
        return this;
    }

    public Ipv6Packet setHopLimit(int hopLimit) {
        put8(buf, off + 7, hopLimit);
        return this;
    }

    /**
     * Sets the payload length, which must fit in the bytes this view was wrapped with. The extension-header
     * walk is not redone: re-{@link #wrap} if the chain may have changed.
     */
    public Ipv6Packet setPayloadLength(int payloadLength) {
        if (payloadLength < 0 || payloadLength > 0xFFFF || HEADER_LENGTH + payloadLength > capacity) {
            throw new IllegalArgumentException("payload length " + payloadLength + " does not fit "
                    + (capacity - HEADER_LENGTH) + " bytes");
        }
        put16(buf, off + 4, payloadLength);
        return this;
    }

    public Ipv6Packet setSource(byte[] src, int srcOff) {
        System.arraycopy(src, srcOff, buf, off + 8, 16);
        return this;
    }

    public Ipv6Packet setDestination(byte[] dst, int dstOff) {
        System.arraycopy(dst, dstOff, buf, off + 24, 16);
        return this;
    }

    // ---- building ----

    /**
     * Writes a 40-byte IPv6 header at {@code out[off]}.
     *
     * @return the header length written, 40
     */
    public static int writeHeader(byte[] out, int off, int trafficClass, int flowLabel, int payloadLength,
                                  int nextHeader, int hopLimit, byte[] src, int srcOff, byte[] dst, int dstOff) {
        if (payloadLength < 0 || payloadLength > 0xFFFF) {
            throw new IllegalArgumentException("payload length " + payloadLength + " outside 0..65535");
        }
        put32(out, off, (6 << 28) | ((trafficClass & 0xFF) << 20) | (flowLabel & 0xFFFFF));
        put16(out, off + 4, payloadLength);
        put8(out, off + 6, nextHeader);
        put8(out, off + 7, hopLimit);
        System.arraycopy(src, srcOff, out, off + 8, 16);
        System.arraycopy(dst, dstOff, out, off + 24, 16);
        return HEADER_LENGTH;
    }

    /**
     * Writes an 8-byte fragment header (RFC 8200 §4.5) at {@code out[off]}.
     *
     * @param offsetBytes fragment offset in bytes, a multiple of 8
     * @return 8
     */
    public static int writeFragmentHeader(byte[] out, int off, int nextHeader, int offsetBytes, boolean more,
                                          int identification) {
        if (offsetBytes < 0 || (offsetBytes & 7) != 0 || offsetBytes > 0xFFF8) {
            throw new IllegalArgumentException("fragment offset " + offsetBytes + " is not a multiple of 8 in 0..65528");
        }
        put8(out, off, nextHeader);
        put8(out, off + 1, 0);
        put16(out, off + 2, offsetBytes | (more ? 1 : 0));
        put32(out, off + 4, identification);
        return FRAGMENT_HEADER_LENGTH;
    }

    // ---- addresses as text ----

    /**
     * RFC 5952 text for the 16-byte address at {@code b[off]}: lowercase hex, no leading zeros, the longest
     * run (first if tied) of two or more zero groups as "::", and dotted-quad for IPv4-mapped addresses
     * (§5).
     */
    public static String formatAddress(byte[] b, int off) {
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = u16(b, off + 2 * i);
        }
        StringBuilder sb = new StringBuilder(39);
        boolean v4Mapped = groups[0] == 0 && groups[1] == 0 && groups[2] == 0 && groups[3] == 0 && groups[4] == 0
                && groups[5] == 0xFFFF;
        int groupCount = v4Mapped ? 6 : 8;
        int bestStart = -1;
        int bestLen = 1; // §4.2.2: a single zero group is not compressed
        for (int i = 0; i < groupCount; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < groupCount && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        for (int i = 0; i < groupCount; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (i > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(groups[i]));
        }
        if (v4Mapped) {
            if (sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(u8(b, off + 12)).append('.').append(u8(b, off + 13)).append('.')
                    .append(u8(b, off + 14)).append('.').append(u8(b, off + 15));
        }
        return sb.toString();
    }

    /**
     * Parses RFC 4291 §2.2 text (hex groups, one "::", an optional trailing dotted quad) into 16 bytes; for
     * configuration and tests. No zone identifiers.
     */
    public static byte[] parseAddress(String text) {
        String s = text;
        int lastColon = s.lastIndexOf(':');
        if (lastColon >= 0 && s.indexOf('.', lastColon) > 0) {
            // A trailing dotted quad stands for the last two groups.
            int v4 = Ipv4Packet.parseAddress(s.substring(lastColon + 1));
            s = s.substring(0, lastColon + 1) + Integer.toHexString(v4 >>> 16) + ":"
                    + Integer.toHexString(v4 & 0xFFFF);
        }
        int dc = s.indexOf("::");
        if (dc >= 0 && s.indexOf("::", dc + 1) >= 0) {
            throw new IllegalArgumentException("not an IPv6 address (two '::'): " + text);
        }
        int[] head = groups(dc >= 0 ? s.substring(0, dc) : s, text);
        int[] tail = dc >= 0 ? groups(s.substring(dc + 2), text) : new int[0];
        int total = head.length + tail.length;
        if (dc >= 0 ? total > 7 : total != 8) {
            throw new IllegalArgumentException("not an IPv6 address (group count): " + text);
        }
        byte[] out = new byte[16];
        for (int i = 0; i < head.length; i++) {
            put16(out, 2 * i, head[i]);
        }
        for (int i = 0; i < tail.length; i++) {
            put16(out, 2 * (8 - tail.length + i), tail[i]);
        }
        return out;
    }

    private static int[] groups(String s, String text) {
        if (s.isEmpty()) {
            return new int[0];
        }
        String[] parts = s.split(":", -1);
        int[] g = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 4) {
                throw new IllegalArgumentException("not an IPv6 address: " + text);
            }
            for (int k = 0; k < p.length(); k++) {
                if (Character.digit(p.charAt(k), 16) < 0) {
                    throw new IllegalArgumentException("not an IPv6 address: " + text);
                }
            }
            g[i] = Integer.parseInt(p, 16);
        }
        return g;
    }

    @Override
    public String toString() {
        if (buf == null) {
            return "Ipv6Packet[unwrapped]";
        }
        return "IPv6 " + formatAddress(buf, sourceOffset()) + " > " + formatAddress(buf, destinationOffset())
                + " " + (upperLayerProtocol >= 0 ? IpProtocol.name(upperLayerProtocol) : "fragment")
                + " plen " + payloadLength() + " hlim " + hopLimit()
                + (fragmentHeaderOffset >= 0 ? " frag " + fragmentOffset() + (moreFragments() ? "+" : "")
                + " id " + Integer.toUnsignedString(fragmentIdentification()) : "");
    }
}
