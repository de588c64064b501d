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
 * A mutable flyweight view of an IPv4 packet (RFC 791) in a byte array. One instance can be re-pointed at
 * packet after packet with {@link #wrap}; nothing is copied and nothing is allocated per packet.
 *
 * <p>{@link #wrap} checks that the header is well formed (version, IHL, total length, options) so the
 * accessors cannot fail afterwards. Bytes past the total length (Ethernet padding) are ignored. All offsets
 * returned are absolute indexes into {@link #buffer()}. Setters edit the buffer in place and leave the header
 * checksum alone: call {@link #updateHeaderChecksum()} once after the last edit.
 */
public final class Ipv4Packet {

    public static final int MIN_HEADER_LENGTH = 20;
    public static final int MAX_HEADER_LENGTH = 60;
    public static final int MAX_TOTAL_LENGTH = 0xFFFF;

    /** Option type octets (RFC 791 §3.1, IANA "IP Option Numbers"). */
    public static final int OPTION_END_OF_LIST = TypeLengthOptions.END_OF_LIST;
    public static final int OPTION_NO_OPERATION = TypeLengthOptions.NO_OPERATION;

    private static final int FLAG_DF = 0x4000;
    private static final int FLAG_MF = 0x2000;
    private static final int FRAGMENT_OFFSET_MASK = 0x1FFF;

    private byte[] buf;
    private int off;
    private int capacity;
    private int headerLength;
    /** Bytes of this packet actually present: the total length, or less for a truncated quoted packet. */
    private int availableLength;

    /** Receives one option at a time from {@link #options(OptionVisitor)}. */
    @FunctionalInterface
    public interface OptionVisitor {
        /**
         * @param type   the option type octet (copied flag, class and number)
         * @param offset absolute offset of the type octet
         * @param length the option's whole length in bytes, 1 for NOP
         * @return false to stop the walk
         */
        boolean option(int type, int offset, int length);
    }

    /** One IPv4 option, for callers off the hot path that prefer a list. */
    public record Option(int type, int offset, int length) {
        /** The "copied" flag: the option goes into every fragment (RFC 791 §3.1). */
        public boolean copied() {
            return (type & 0x80) != 0;
        }
    }

    /** An empty view; {@link #wrap} it before use. */
    public Ipv4Packet() {}

    /** A new view of the IPv4 packet at {@code buf[off .. off+len)}. */
    public static Ipv4Packet parse(byte[] buf, int off, int len) {
        return new Ipv4Packet().wrap(buf, off, len);
    }

    /**
     * Re-points this view at {@code buf[off .. off+len)} and validates the header.
     *
     * @throws MalformedPacketException if the bytes are not a complete, well-formed IPv4 packet
     */
    public Ipv4Packet wrap(byte[] buf, int off, int len) {
        return wrap(buf, off, len, false);
    }

    /**
     * Like {@link #wrap}, for the original datagram quoted in an ICMP error (RFC 792, RFC 1812 §4.3.2.3):
     * only the header itself must be present; the total length may claim more than {@code len} bytes.
     * {@link #payloadLength()} then counts only the bytes present and {@link #isTruncated()} is true.
     */
    public Ipv4Packet wrapQuoted(byte[] buf, int off, int len) {
        return wrap(buf, off, len, true);
    }

    private Ipv4Packet wrap(byte[] buf, int off, int len, boolean quoted) {
        BufferSlice.check(buf, off, len, "ipv4");
        if (len < MIN_HEADER_LENGTH) {
            throw new MalformedPacketException("ipv4.header", off, "need 20 bytes, have " + len);
        }
        int version = (buf[off] & 0xFF) >>> 4;
        if (version != 4) {
            throw new MalformedPacketException("ipv4.version", off, "version " + version + ", expected 4");
        }
        int ihl = (buf[off] & 0x0F) * 4;
        if (ihl < MIN_HEADER_LENGTH) {
            throw new MalformedPacketException("ipv4.ihl", off, "header length " + ihl + " < 20");
        }
        if (ihl > len) {
            throw new MalformedPacketException("ipv4.ihl", off, "header length " + ihl + " > " + len + " bytes present");
        }
        int total = u16(buf, off + 2);
        if (total < ihl) {
            throw new MalformedPacketException("ipv4.totalLength", off + 2,
                    "total length " + total + " < header length " + ihl);
        }
        if (total > len && !quoted) {
            throw new MalformedPacketException("ipv4.totalLength", off + 2,
                    "total length " + total + " > " + len + " bytes present");
        }
        TypeLengthOptions.validate(buf, off + MIN_HEADER_LENGTH, off + ihl, "ipv4.option.length", -1, 0);
        this.buf = buf;
        this.off = off;
        this.capacity = len;
        this.headerLength = ihl;
        this.availableLength = Math.min(total, len);
        return this;
    }

    public byte[] buffer() {
        return buf;
    }

    public int offset() {
        return off;
    }

    /** The {@code len} this view was wrapped with: total length plus any trailing bytes. */
    public int capacity() {
        return capacity;
    }

    public int headerLength() {
        return headerLength;
    }

    public int totalLength() {
        return u16(buf, off + 2);
    }

    /** True for a quoted packet (see {@link #wrapQuoted}) whose total length exceeds the bytes present. */
    public boolean isTruncated() {
        return availableLength < totalLength();
    }

    public int typeOfService() {
        return u8(buf, off + 1);
    }

    public int dscp() {
        return u8(buf, off + 1) >>> 2;
    }

    public int ecn() {
        return u8(buf, off + 1) & 0x03;
    }

    public int identification() {
        return u16(buf, off + 4);
    }

    private int flagsAndFragment() {
        return u16(buf, off + 6);
    }

    public boolean dontFragment() {
        return (flagsAndFragment() & FLAG_DF) != 0;
    }

    public boolean moreFragments() {
        return (flagsAndFragment() & FLAG_MF) != 0;
    }

    /** The fragment offset in bytes (the field counts 8-byte units). */
    public int fragmentOffset() {
        return (flagsAndFragment() & FRAGMENT_OFFSET_MASK) * 8;
    }

    /** Whether this is a fragment of a larger datagram: MF set or a non-zero offset. */
    public boolean isFragment() {
        return (flagsAndFragment() & (FLAG_MF | FRAGMENT_OFFSET_MASK)) != 0;
    }

    public int ttl() {
        return u8(buf, off + 8);
    }

    public int protocol() {
        return u8(buf, off + 9);
    }

    public int headerChecksum() {
        return u16(buf, off + 10);
    }

    /** Whether the header (options included) sums to 0xFFFF, i.e. its checksum field is right. */
    public boolean headerChecksumValid() {
        return InternetChecksum.compute(buf, off, headerLength) == 0;
    }

    /** The value the header checksum field should hold, whatever it holds now (e.g. to report a bad one). */
    public int computeHeaderChecksum() {
        int s = InternetChecksum.sum(buf, off, 10, 0);
        s = InternetChecksum.sum(buf, off + 12, headerLength - 12, s);
        return InternetChecksum.fold(s);
    }

    public int sourceAddress() {
        return i32(buf, off + 12);
    }

    public int destinationAddress() {
        return i32(buf, off + 16);
    }

    public int sourceOffset() {
        return off + 12;
    }

    public int destinationOffset() {
        return off + 16;
    }

    public int optionsOffset() {
        return off + MIN_HEADER_LENGTH;
    }

    public int optionsLength() {
        return headerLength - MIN_HEADER_LENGTH;
    }

    public int payloadOffset() {
        return off + headerLength;
    }

    /** Payload bytes present: total length minus header length (less if a quoted packet is truncated). */
    public int payloadLength() {
        return availableLength - headerLength;
    }

    /** The partial checksum of this packet's pseudo header for an upper layer of {@code upperLength} bytes. */
    int pseudoHeaderSum(int protocol, int upperLength) {
        return InternetChecksum.pseudoHeaderSumV4(buf, sourceOffset(), destinationOffset(), protocol, upperLength);
    }

    /**
     * For the views of what a packet carries: checks that the payload is {@code protocol} ({@code name} in the
     * error) and starts with its header, which only the first fragment holds (RFC 791).
     */
    void requireUpperLayer(int protocol, String name) {
        if (protocol() != protocol) {
            throw new MalformedPacketException("ip.protocol", off + 9, "protocol " + protocol() + " is not " + name);
        }
        if (fragmentOffset() != 0) {
            throw new MalformedPacketException("ipv4.fragmentOffset", off + 6,
                    "a non-first fragment carries no " + name + " header; reassemble first");
        }
    }

    /**
     * Walks the options (validated on wrap), stopping at End of Option List, the end of the header, or when
     * the visitor returns false. Padding after EOL is not reported.
     */
    public void options(OptionVisitor visitor) {
        TypeLengthOptions.walk(buf, off + MIN_HEADER_LENGTH, off + headerLength, visitor::option);
    }

    /** The options as a list (allocates; for diagnostics and tests). */
    public List<Option> optionList() {
        List<Option> list = new ArrayList<>();
        options((type, offset, length) -> list.add(new Option(type, offset, length)));
        return list;
    }

    /**
     * Writes the options whose copied flag is set, as every fragment after the first must carry them
     * (RFC 791 §3.2 "Fragmentation"), padded with EOL to a multiple of 4 bytes.
     *
     * @return the number of bytes written (0 to 40)
     */
    public int copyOptionsForFragment(byte[] out, int outOff) {
        int n = 0;
        int pos = off + MIN_HEADER_LENGTH;
        int end = off + headerLength;
        while (pos < end) {
            int type = buf[pos] & 0xFF;
            if (type == OPTION_END_OF_LIST) {
                break;
            }
            int optLen = TypeLengthOptions.length(buf, pos);
            if ((type & 0x80) != 0) {
                System.arraycopy(buf, pos, out, outOff + n, optLen);
                n += optLen;
            }
            pos += optLen;
        }
        while ((n & 3) != 0) {
            out[outOff + n++] = OPTION_END_OF_LIST;
        }
        return n;
    }

    // ---- setters: edit in place, then call updateHeaderChecksum() ----

    public Ipv4Packet setDscp(int dscp) {
        put8(buf, off + 1, (dscp & 0x3F) << 2 | ecn());
        return this;
    }

    public Ipv4Packet setEcn(int ecn) {
        put8(buf, off + 1, (u8(buf, off + 1) & 0xFC) | (ecn & 0x03));
        return this;
    }

    public Ipv4Packet setTypeOfService(int tos) {
        put8(buf, off + 1, tos);
        return this;
    }

    public Ipv4Packet setTtl(int ttl) {
        put8(buf, off + 8, ttl);
        return this;
    }

    public Ipv4Packet setProtocol(int protocol) {
        put8(buf, off + 9, protocol);
        return this;
    }

    public Ipv4Packet setIdentification(int identification) {
        put16(buf, off + 4, identification);
        return this;
    }

    public Ipv4Packet setDontFragment(boolean df) {
        int v = flagsAndFragment();
        put16(buf, off + 6, df ? v | FLAG_DF : v & ~FLAG_DF);
        return this;
    }

    /**
     * Sets the fragment offset (in bytes, a multiple of 8) and the More Fragments flag, keeping DF.
     */
    public Ipv4Packet setFragment(int offsetBytes, boolean more) {
        if (offsetBytes < 0 || (offsetBytes & 7) != 0 || offsetBytes / 8 > FRAGMENT_OFFSET_MASK) {
            throw new IllegalArgumentException("fragment offset " + offsetBytes + " is not a multiple of 8 in 0..65528");
        }
        int v = (flagsAndFragment() & FLAG_DF) | (more ? FLAG_MF : 0) | (offsetBytes >>> 3);
        put16(buf, off + 6, v);
        return this;
    }

    /**
     * Sets the total length, which must cover the header and fit in the bytes this view was wrapped with;
     * the view's payload length follows.
     */
    public Ipv4Packet setTotalLength(int totalLength) {
        if (totalLength < headerLength || totalLength > capacity || totalLength > MAX_TOTAL_LENGTH) {
            throw new IllegalArgumentException("total length " + totalLength + " outside " + headerLength + ".."
                    + Math.min(capacity, MAX_TOTAL_LENGTH));
        }
        put16(buf, off + 2, totalLength);
        availableLength = totalLength;
        return this;
    }

    public Ipv4Packet setSource(int address) {
        put32(buf, off + 12, address);
        return this;
    }

    public Ipv4Packet setDestination(int address) {
        put32(buf, off + 16, address);
        return this;
    }

    /** Recomputes the header checksum over the header and its options. */
    public Ipv4Packet updateHeaderChecksum() {
        put16(buf, off + 10, 0);
        put16(buf, off + 10, InternetChecksum.compute(buf, off, headerLength));
        return this;
    }

    /**
     * Decrements the TTL and patches the checksum incrementally (RFC 1624 eqn. 3), as a router does per
     * hop (RFC 1812 §5.3.1).
     *
     * @return the new TTL
     */
    public int decrementTtl() {
        int oldWord = u16(buf, off + 8);
        int ttl = ttl();
        if (ttl == 0) {
            throw new IllegalStateException("TTL is already 0");
        }
        put8(buf, off + 8, ttl - 1);
        put16(buf, off + 10, InternetChecksum.adjust(headerChecksum(), oldWord, u16(buf, off + 8)));
        return ttl - 1;
    }

    // ---- building ----

    /**
     * Writes a 20-byte IPv4 header without options, with a correct checksum, at {@code out[off]}.
     *
     * @param tos            the whole second octet, DSCP &lt;&lt; 2 | ECN
     * @param totalLength    header plus payload
     * @param identification the Identification field
     * @param dontFragment   the DF flag; MF and fragment offset are written as 0
     * @return the header length written, 20
     */
    public static int writeHeader(byte[] out, int off, int tos, int totalLength, int identification,
                                  boolean dontFragment, int ttl, int protocol, int source, int destination) {
        return writeHeader(out, off, tos, totalLength, identification, dontFragment ? FLAG_DF : 0, ttl, protocol,
                source, destination, null, 0, 0);
    }

    /**
     * Writes an IPv4 header with options at {@code out[off]}, with a correct checksum.
     *
     * @param flagsAndFragmentOffset the raw 16-bit field: DF 0x4000, MF 0x2000, offset in 8-byte units
     * @param options                option bytes, {@code optionsLength} a multiple of 4 and at most 40;
     *                               null when {@code optionsLength} is 0
     * @return the header length written, 20 + optionsLength
     */
    public static int writeHeader(byte[] out, int off, int tos, int totalLength, int identification,
                                  int flagsAndFragmentOffset, int ttl, int protocol, int source, int destination,
                                  byte[] options, int optionsOff, int optionsLength) {
        if (optionsLength < 0 || optionsLength > 40 || (optionsLength & 3) != 0) {
            throw new IllegalArgumentException("options length " + optionsLength + " not a multiple of 4 in 0..40");
        }
        int ihl = MIN_HEADER_LENGTH + optionsLength;
        if (totalLength < ihl || totalLength > MAX_TOTAL_LENGTH) {
            throw new IllegalArgumentException("total length " + totalLength + " outside " + ihl + "..65535");
        }
        put8(out, off, 0x40 | (ihl >>> 2));
        put8(out, off + 1, tos);
        put16(out, off + 2, totalLength);
        put16(out, off + 4, identification);
        put16(out, off + 6, flagsAndFragmentOffset);
        put8(out, off + 8, ttl);
        put8(out, off + 9, protocol);
        put16(out, off + 10, 0);
        put32(out, off + 12, source);
        put32(out, off + 16, destination);
        if (optionsLength > 0) {
            System.arraycopy(options, optionsOff, out, off + MIN_HEADER_LENGTH, optionsLength);
        }
        put16(out, off + 10, InternetChecksum.compute(out, off, ihl));
        return ihl;
    }

    // ---- formatting ----

    /** Dotted-quad text of an address held in an int, most significant octet first. */
    public static String formatAddress(int address) {
        return (address >>> 24) + "." + ((address >>> 16) & 0xFF) + "." + ((address >>> 8) & 0xFF) + "."
                + (address & 0xFF);
    }

    /** Parses dotted-quad text (exactly four decimal octets) into an int; for configuration and tests. */
    public static int parseAddress(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("not a dotted-quad IPv4 address: " + text);
        }
        int a = 0;
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new IllegalArgumentException("not a dotted-quad IPv4 address: " + text);
            }
            int v = Integer.parseInt(p);
            if (v > 255) {
                throw new IllegalArgumentException("not a dotted-quad IPv4 address: " + text);
            }
            a = (a << 8) | v;
        }
        return a;
    }

    @Override
    public String toString() {
        if (buf == null) {
            return "Ipv4Packet[unwrapped]";
        }
        return "IPv4 " + formatAddress(sourceAddress()) + " > " + formatAddress(destinationAddress()) + " "
                + IpProtocol.name(protocol()) + " len " + totalLength() + " id " + identification() + " ttl " + ttl()
                + (dontFragment() ? " DF" : "") + (isFragment() ? " frag " + fragmentOffset()
                + (moreFragments() ? "+" : "") : "");
    }
}
