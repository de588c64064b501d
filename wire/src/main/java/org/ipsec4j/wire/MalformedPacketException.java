package org.ipsec4j.wire;

/**
 * Thrown by every parser in ipsec4j when untrusted bytes do not form what they claim to be.
 *
 * <p>It names the field that could not be read or that holds an impossible value, and the byte offset of
 * that field in the buffer handed to the parser, so a drop counter or a log line can say exactly what was
 * wrong. Parsers never let an {@link IndexOutOfBoundsException} or similar escape: they check bounds first
 * and throw this instead.
 *
 * <p>No stack trace is captured: malformed input is an expected, counted event on the packet path, not a
 * programming error, and filling in a trace per bad packet would make a flood of garbage expensive.
 */
public final class MalformedPacketException extends RuntimeException {

    private final String field;
    private final int offset;
    private final String reason;

    public MalformedPacketException(String field, int offset, String reason) {
        super(field + " at offset " + offset + ": " + reason, null, false, false);
        this.field = field;
        this.offset = offset;
        this.reason = reason;
    }

    /** The name of the field that was truncated or invalid, e.g. {@code "ipv4.ihl"}. */
    public String field() {
        return field;
    }

    /** The byte offset of that field in the buffer given to the parser. */
    public int offset() {
        return offset;
    }

    /** What is wrong with the field, without the field name and offset, e.g. {@code "need 20 bytes, have 7"}. */
    public String reason() {
        return reason;
    }
}
