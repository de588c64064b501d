package org.ipsec4j.ike.message;

/**
 * Thrown by the IKE message codec when untrusted bytes do not form a valid IKEv2 message or payload.
 *
 * <p>It names the field that could not be read or holds an impossible value, the byte offset of that field
 * in the buffer handed to the codec, and the Notify type an answer would carry: {@link NotifyType#INVALID_SYNTAX}
 * unless RFC 7296 names another one (a wrong major version gets {@link NotifyType#INVALID_MAJOR_VERSION},
 * §2.5). Whether an answer is sent at all is the state machine's decision (§2.21).
 *
 * <p>No stack trace is captured: a malformed datagram is an expected, counted event, and a flood of garbage
 * must stay cheap.
 */
public final class MalformedMessageException extends Exception {

    private final String field;
    private final int offset;
    private final String reason;
    private final int notifyType;

    public MalformedMessageException(String field, int offset, String reason) {
        this(field, offset, reason, NotifyType.INVALID_SYNTAX);
    }

    public MalformedMessageException(String field, int offset, String reason, int notifyType) {
        super(field + " at offset " + offset + ": " + reason, null, false, false);
        this.field = field;
        this.offset = offset;
        this.reason = reason;
        this.notifyType = notifyType;
    }

    /** The field that was truncated or invalid, e.g. {@code "proposal.length"}. */
    public String field() {
        return field;
    }

    /** The byte offset of that field in the buffer given to the codec. */
    public int offset() {
        return offset;
    }

    /** What is wrong, without the field name and offset. */
    public String reason() {
        return reason;
    }

    /** The Notify message type that reports this error to the peer (RFC 7296 §3.10.1). */
    public int notifyType() {
        return notifyType;
    }
}
