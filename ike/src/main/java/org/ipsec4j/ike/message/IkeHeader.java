package org.ipsec4j.ike.message;

import static org.ipsec4j.ike.message.Octets.checkRange;

import org.ipsec4j.wire.BigEndian;

/**
 * The IKE header (RFC 7296 §3.1): both SPIs, the type of the first payload, version, exchange type, the I, V
 * and R flags, the Message ID and the length of the whole message. Reserved flag bits are sent as zero and
 * ignored on receipt, as the minor version is (§2.5).
 *
 * @param messageId the Message ID, an unsigned 32-bit counter held in Java's int
 * @param length    the total message length including this header; {@link MessageCodec#encode} fills it in
 */
public record IkeHeader(long initiatorSpi, long responderSpi, int nextPayload, int majorVersion, int minorVersion,
                        int exchangeType, boolean initiator, boolean response, boolean higherVersion,
                        int messageId, int length) {

    public static final int LENGTH = 28;
    /** The only major version this codec speaks (§2.5). */
    public static final int MAJOR_VERSION = 2;

    private static final int FLAG_INITIATOR = 0x08;
    private static final int FLAG_VERSION = 0x10;
    private static final int FLAG_RESPONSE = 0x20;

    public IkeHeader {
        checkRange(nextPayload, 0, 255, "next payload");
        checkRange(majorVersion, 0, 15, "major version");
        checkRange(minorVersion, 0, 15, "minor version");
        checkRange(exchangeType, 0, 255, "exchange type");
        if (length < 0) {
            throw new IllegalArgumentException("length " + length + " < 0");
        }
    }

    /** A version 2.0 header whose next-payload and length fields {@link MessageCodec#encode} fills in. */
    public static IkeHeader of(long initiatorSpi, long responderSpi, ExchangeType exchange, boolean initiator,
                               boolean response, int messageId) {
        return new IkeHeader(initiatorSpi, responderSpi, 0, MAJOR_VERSION, 0, exchange.value(), initiator, response,
                false, messageId, 0);
    }

    /** The exchange type, or null for one this codec does not know. */
    public ExchangeType exchange() {
        return ExchangeType.of(exchangeType);
    }

    public IkeHeader withNextPayloadAndLength(int nextPayload, int length) {
        return new IkeHeader(initiatorSpi, responderSpi, nextPayload, majorVersion, minorVersion, exchangeType,
                initiator, response, higherVersion, messageId, length);
    }

    /**
     * Parses the header at {@code b[off]}, where {@code len} bytes are available. Checks the major version
     * (INVALID_MAJOR_VERSION otherwise, §2.5) and that the length field covers at least the header; that it
     * matches the datagram is {@link MessageCodec#decode}'s check.
     */
    public static IkeHeader parse(byte[] b, int off, int len) throws MalformedMessageException {
        Octets.checkBounds(b, off, len);
        Octets.requireBytes(LENGTH, len, "ike.header", off);
        int major = BigEndian.u8(b, off + 17) >>> 4;
        if (major != MAJOR_VERSION) {
            throw new MalformedMessageException("ike.version", off + 17, "major version " + major
                    + ", only " + MAJOR_VERSION + " is spoken", NotifyType.INVALID_MAJOR_VERSION);
        }
        return parseAnyVersion(b, off, len);
    }

    /**
     * Reads the header fields without judging the version, e.g. to answer a message of another major version
     * with INVALID_MAJOR_VERSION, which needs its SPIs and Message ID (§2.5). Still checks that 28 bytes are
     * there and that the length field covers at least them.
     */
    public static IkeHeader parseAnyVersion(byte[] b, int off, int len) throws MalformedMessageException {
        Octets.checkBounds(b, off, len);
        Octets.requireBytes(LENGTH, len, "ike.header", off);
        int flags = BigEndian.u8(b, off + 19);
        long length = Integer.toUnsignedLong(BigEndian.i32(b, off + 24));
        if (length < LENGTH || length > Integer.MAX_VALUE) {
            throw new MalformedMessageException("ike.length", off + 24, "length " + length + " outside "
                    + LENGTH + ".." + Integer.MAX_VALUE);
        }
        int version = BigEndian.u8(b, off + 17);
        return new IkeHeader(BigEndian.i64(b, off), BigEndian.i64(b, off + 8), BigEndian.u8(b, off + 16),
                version >>> 4, version & 0x0F, BigEndian.u8(b, off + 18), (flags & FLAG_INITIATOR) != 0,
                (flags & FLAG_RESPONSE) != 0, (flags & FLAG_VERSION) != 0, BigEndian.i32(b, off + 20), (int) length);
    }

    /** Writes the 28 header bytes at {@code out[off]}. */
    public void encode(byte[] out, int off) {
        BigEndian.put64(out, off, initiatorSpi);
        BigEndian.put64(out, off + 8, responderSpi);
        BigEndian.put8(out, off + 16, nextPayload);
        BigEndian.put8(out, off + 17, majorVersion << 4 | minorVersion);
        BigEndian.put8(out, off + 18, exchangeType);
        BigEndian.put8(out, off + 19, (initiator ? FLAG_INITIATOR : 0) | (higherVersion ? FLAG_VERSION : 0)
                | (response ? FLAG_RESPONSE : 0));
        BigEndian.put32(out, off + 20, messageId);
        BigEndian.put32(out, off + 24, length);
    }

    @Override
    public String toString() {
        ExchangeType ex = exchange();
        return "IkeHeader[" + String.format("%016x/%016x", initiatorSpi, responderSpi) + " "
                + (ex != null ? ex : "exchange " + exchangeType) + " " + (response ? "response" : "request")
                + (initiator ? " from the original initiator" : " from the original responder")
                + (higherVersion ? ", higher version" : "") + ", version " + majorVersion + "." + minorVersion
                + ", message id " + Integer.toUnsignedString(messageId) + ", next payload " + nextPayload
                + ", length " + length + "]";
    }
}
