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
 * A mutable flyweight view of a TCP segment (RFC 9293) in a byte array: wrap it over the IP payload.
 *
 * <p>{@link #wrap} checks the data offset and walks the options once, bounded by the header length: EOL
 * ends the list, NOP is one byte, every other option carries a length of at least 2 that must fit. Checksums
 * take the enclosing IP packet for the pseudo header.
 */
public final class TcpSegment {

    public static final int MIN_HEADER_LENGTH = 20;
    public static final int MAX_HEADER_LENGTH = 60;

    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int PSH = 0x08;
    public static final int ACK = 0x10;
    public static final int URG = 0x20;
    public static final int ECE = 0x40;
    public static final int CWR = 0x80;

    /** Option kinds (IANA "TCP Option Kind Numbers"). */
    public static final int OPTION_END_OF_LIST = TypeLengthOptions.END_OF_LIST;
    public static final int OPTION_NO_OPERATION = TypeLengthOptions.NO_OPERATION;
    public static final int OPTION_MSS = 2;
    public static final int OPTION_WINDOW_SCALE = 3;
    public static final int OPTION_SACK_PERMITTED = 4;
    public static final int OPTION_SACK = 5;
    public static final int OPTION_TIMESTAMPS = 8;

    private byte[] buf;
    private int off;
    private int length;
    private int headerLength;
    /** Absolute offset of the MSS option's kind byte, or -1; found during the option walk on wrap. */
    private int mssOptionOffset;

    /** Receives one option at a time from {@link #options(OptionVisitor)}. */
    @FunctionalInterface
    public interface OptionVisitor {
        /**
         * @param kind   the option kind
         * @param offset absolute offset of the kind byte
         * @param length the option's whole length, 1 for EOL and NOP
         * @return false to stop the walk
         */
        boolean option(int kind, int offset, int length);
    }

    /** One TCP option, for callers off the hot path that prefer a list. */
    public record Option(int kind, int offset, int length) {}

    /** An empty view; {@link #wrap} it before use. */
    public TcpSegment() {}

    /** A new view of the TCP segment at {@code buf[off .. off+len)}; {@code len} is the IP payload length. */
    public static TcpSegment parse(byte[] buf, int off, int len) {
        return new TcpSegment().wrap(buf, off, len);
    }

    /** The TCP segment carried by an IPv4 packet; the packet must carry TCP and not be a non-first fragment. */
    public TcpSegment wrap(Ipv4Packet ip) {
        ip.requireUpperLayer(IpProtocol.TCP, "TCP");
        return wrap(ip.buffer(), ip.payloadOffset(), ip.payloadLength());
    }

    /** The TCP segment carried by an IPv6 packet after its extension headers; the packet must carry TCP. */
    public TcpSegment wrap(Ipv6Packet ip) {
        ip.requireUpperLayer(IpProtocol.TCP, "TCP");
        return wrap(ip.buffer(), ip.upperLayerOffset(), ip.upperLayerLength());
    }

    /**
     * Re-points this view at {@code buf[off .. off+len)} and validates header length and options.
     *
     * @throws MalformedPacketException if the header or an option does not fit
     */
    public TcpSegment wrap(byte[] buf, int off, int len) {
        BufferSlice.check(buf, off, len, "tcp");
        if (len < MIN_HEADER_LENGTH) {
            throw new MalformedPacketException("tcp.header", off, "need 20 bytes, have " + len);
        }
        int hl = ((buf[off + 12] & 0xFF) >>> 4) * 4;
        if (hl < MIN_HEADER_LENGTH || hl > len) {
            throw new MalformedPacketException("tcp.dataOffset", off + 12,
                    "header length " + hl + " outside 20.." + len);
        }
        // RFC 9293 §3.7.1: an MSS option has length 4; one of another length is ignored, as Linux does.
        int mss = TypeLengthOptions.validate(buf, off + MIN_HEADER_LENGTH, off + hl, "tcp.option.length",
                OPTION_MSS, 4);
        this.buf = buf;
        this.off = off;
        this.length = len;
        this.headerLength = hl;
        this.mssOptionOffset = mss;
        return this;
    }

    public byte[] buffer() {
        return buf;
    }

    public int offset() {
        return off;
    }

    /** The segment length: header plus data, the IP payload this view was wrapped over. */
    public int length() {
        return length;
    }

    public int sourcePort() {
        return u16(buf, off);
    }

    public int destinationPort() {
        return u16(buf, off + 2);
    }

    public int sequenceNumber() {
        return i32(buf, off + 4);
    }

    public int acknowledgmentNumber() {
        return i32(buf, off + 8);
    }

    /** The Data Offset field: header length in 32-bit words. */
    public int dataOffset() {
        return headerLength >>> 2;
    }

    public int headerLength() {
        return headerLength;
    }

    /** The eight flag bits CWR ECE URG ACK PSH RST SYN FIN, as the constants of this class. */
    public int flags() {
        return u8(buf, off + 13);
    }

    public boolean hasFlags(int mask) {
        return (flags() & mask) == mask;
    }

    public boolean syn() {
        return (flags() & SYN) != 0;
    }

    public boolean ack() {
        return (flags() & ACK) != 0;
    }

    public boolean fin() {
        return (flags() & FIN) != 0;
    }

    public boolean rst() {
        return (flags() & RST) != 0;
    }

    public boolean psh() {
        return (flags() & PSH) != 0;
    }

    public boolean urg() {
        return (flags() & URG) != 0;
    }

    public boolean ece() {
        return (flags() & ECE) != 0;
    }

    public boolean cwr() {
        return (flags() & CWR) != 0;
    }

    public int window() {
        return u16(buf, off + 14);
    }

    public int checksum() {
        return u16(buf, off + 16);
    }

    public int urgentPointer() {
        return u16(buf, off + 18);
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

    public int payloadLength() {
        return length - headerLength;
    }

    /** Walks the options (validated on wrap) until EOL, the end of the header, or the visitor says stop. */
    public void options(OptionVisitor visitor) {
        TypeLengthOptions.walk(buf, off + MIN_HEADER_LENGTH, off + headerLength, visitor::option);
    }

    /** The options as a list (allocates; for diagnostics and tests). */
    public List<Option> optionList() {
        List<Option> list = new ArrayList<>();
        options((kind, offset, len) -> list.add(new Option(kind, offset, len)));
        return list;
    }

    /** The MSS option's value, or -1 if the segment has no (well-formed) MSS option. */
    public int mss() {
        return mssOptionOffset < 0 ? -1 : u16(buf, mssOptionOffset + 2);
    }

    /** Absolute offset of the MSS option's kind byte, or -1. */
    public int mssOptionOffset() {
        return mssOptionOffset;
    }

    /**
     * Lowers the MSS option of a SYN segment to {@code maxMss} in place and patches the checksum
     * incrementally (RFC 1624 eqn. 3), as a tunnel gateway does so that the peers' segments fit the tunnel
     * (RFC 4459 §3.2). Segments without SYN, without an MSS option, or with an MSS already at most
     * {@code maxMss} are left alone; no option is inserted where none was (the peer then assumes 536 or
     * 1220, RFC 9293 §3.7.1, which fits).
     *
     * @return whether the segment was changed
     */
    public boolean clampMss(int maxMss) {
        if (maxMss < 0 || maxMss > 0xFFFF) {
            throw new IllegalArgumentException("MSS " + maxMss + " outside 0..65535");
        }
        if (!syn() || mssOptionOffset < 0) {
            return false;
        }
        int valueOff = mssOptionOffset + 2;
        int old = u16(buf, valueOff);
        if (old <= maxMss) {
            return false;
        }
        put16(buf, valueOff, maxMss);
        // Options may sit at odd offsets (after a NOP): then the value's bytes fall into two checksum words,
        // and in ones' complement arithmetic its contribution is the byte-swapped value (RFC 1071 §2(B)).
        boolean aligned = ((valueOff - off) & 1) == 0;
        int oldWord = aligned ? old : swap16(old);
        int newWord = aligned ? maxMss : swap16(maxMss);
        put16(buf, off + 16, InternetChecksum.adjust(checksum(), oldWord, newWord));
        return true;
    }

    private static int swap16(int v) {
        return ((v & 0xFF) << 8) | ((v >>> 8) & 0xFF);
    }

    public boolean verifyChecksum(Ipv4Packet ip) {
        int pseudo = ip.pseudoHeaderSum(IpProtocol.TCP, length);
        return InternetChecksum.fold(InternetChecksum.sum(buf, off, length, pseudo)) == 0;
    }

    public boolean verifyChecksum(Ipv6Packet ip) {
        int pseudo = ip.pseudoHeaderSum(IpProtocol.TCP, length);
        return InternetChecksum.fold(InternetChecksum.sum(buf, off, length, pseudo)) == 0;
    }

    public int computeChecksum(Ipv4Packet ip) {
        return withPseudoHeader(ip.pseudoHeaderSum(IpProtocol.TCP, length));
    }

    public int computeChecksum(Ipv6Packet ip) {
        return withPseudoHeader(ip.pseudoHeaderSum(IpProtocol.TCP, length));
    }

    private int withPseudoHeader(int pseudo) {
        int s = InternetChecksum.sum(buf, off, 16, pseudo);
        s = InternetChecksum.sum(buf, off + 18, length - 18, s);
        return InternetChecksum.fold(s);
    }

    public TcpSegment updateChecksum(Ipv4Packet ip) {
        put16(buf, off + 16, computeChecksum(ip));
        return this;
    }

    public TcpSegment updateChecksum(Ipv6Packet ip) {
        put16(buf, off + 16, computeChecksum(ip));
        return this;
    }

    // ---- building ----

    /**
     * Writes a TCP header with the given options (padded with EOL to a multiple of 4) and a zero checksum;
     * call {@link #updateChecksum} on the finished segment.
     *
     * @return the header length written
     */
    public static int writeHeader(byte[] out, int off, int sourcePort, int destinationPort, int seq, int ack,
                                  int flags, int window, byte[] options, int optionsOff, int optionsLength) {
        int padded = (optionsLength + 3) & ~3;
        if (optionsLength < 0 || padded > MAX_HEADER_LENGTH - MIN_HEADER_LENGTH) {
            throw new IllegalArgumentException("options length " + optionsLength + " outside 0..40");
        }
        int hl = MIN_HEADER_LENGTH + padded;
        put16(out, off, sourcePort);
        put16(out, off + 2, destinationPort);
        put32(out, off + 4, seq);
        put32(out, off + 8, ack);
        put8(out, off + 12, (hl / 4) << 4);
        put8(out, off + 13, flags);
        put16(out, off + 14, window);
        put16(out, off + 16, 0);
        put16(out, off + 18, 0);
        if (optionsLength > 0) {
            System.arraycopy(options, optionsOff, out, off + MIN_HEADER_LENGTH, optionsLength);
        }
        for (int i = optionsLength; i < padded; i++) {
            out[off + MIN_HEADER_LENGTH + i] = OPTION_END_OF_LIST;
        }
        return hl;
    }

    @Override
    public String toString() {
        if (buf == null) {
            return "TcpSegment[unwrapped]";
        }
        StringBuilder f = new StringBuilder();
        String names = "FSRPAUEW";
        for (int i = 0; i < 8; i++) {
            if ((flags() & (1 << i)) != 0) {
                f.append(names.charAt(i));
            }
        }
        return "TCP " + sourcePort() + " > " + destinationPort() + " [" + f + "] seq "
                + Integer.toUnsignedString(sequenceNumber()) + " win " + window() + " len " + payloadLength()
                + (mss() >= 0 ? " mss " + mss() : "");
    }
}
