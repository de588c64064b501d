package org.ipsec4j.wire;

import static org.ipsec4j.wire.BigEndian.put16;
import static org.ipsec4j.wire.BigEndian.put32;
import static org.ipsec4j.wire.BigEndian.put8;
import static org.ipsec4j.wire.BigEndian.u16;
import static org.ipsec4j.wire.BigEndian.u8;

/**
 * What {@link Icmpv4Message} (RFC 792) and {@link Icmpv6Message} (RFC 4443 §2.1) have in common: the 8-byte
 * header of type, code, checksum and four type-specific bytes; echo messages, whose identifier, sequence
 * number and data sit where RFC 792 put them (RFC 4443 §4); and error messages that quote the packet that
 * caused them from byte 8, cut to the length an RFC 4884 length attribute gives when there is one.
 */
abstract sealed class IcmpMessage permits Icmpv4Message, Icmpv6Message {

    static final int HEADER_LENGTH = 8;

    byte[] buf;
    int off;
    int length;

    IcmpMessage() {}

    public final byte[] buffer() {
        return buf;
    }

    public final int offset() {
        return off;
    }

    public final int length() {
        return length;
    }

    public final int type() {
        return u8(buf, off);
    }

    public final int code() {
        return u8(buf, off + 1);
    }

    public final int checksum() {
        return u16(buf, off + 2);
    }

    /** The echo Identifier (bytes 4-5), meaningful for echo (and, in ICMPv4, timestamp) messages. */
    public final int echoIdentifier() {
        return u16(buf, off + 4);
    }

    /** The echo Sequence Number (bytes 6-7). */
    public final int echoSequence() {
        return u16(buf, off + 6);
    }

    public final int echoDataOffset() {
        return off + HEADER_LENGTH;
    }

    public final int echoDataLength() {
        return length - HEADER_LENGTH;
    }

    /** Whether this message's type quotes the packet that caused it. */
    abstract boolean quotesPacket();

    /**
     * The quote length, in bytes, that this message's RFC 4884 length attribute gives; 0 when the attribute is
     * 0 (no extensions) or the type has none.
     */
    abstract int extensionQuoteLength();

    /** Absolute offset of the packet an error message quotes; -1 for messages that quote none. */
    public final int quotedPacketOffset() {
        return quotesPacket() ? off + HEADER_LENGTH : -1;
    }

    /**
     * Length of the packet an error message quotes: the rest of the message, or only the quoted part when an
     * RFC 4884 length attribute says extensions follow it; -1 for messages that quote none.
     */
    public final int quotedPacketLength() {
        if (!quotesPacket()) {
            return -1;
        }
        int available = length - HEADER_LENGTH;
        int quoted = extensionQuoteLength();
        return quoted != 0 && quoted <= available ? quoted : available;
    }

    /** Writes type, code and bytes 4-7 of a header at {@code out[off]}, with the checksum field zeroed. */
    static void writeHeader(byte[] out, int off, int type, int code, int restOfHeader) {
        put8(out, off, type);
        put8(out, off + 1, code);
        put16(out, off + 2, 0);
        put32(out, off + 4, restOfHeader);
    }
}
