package org.ipsec4j.ike.message;

import java.util.Arrays;

/**
 * A payload of a type this codec does not know, kept with its critical bit: RFC 7296 §2.5 has the receiver
 * skip it when the bit is clear and reject the whole message with UNSUPPORTED_CRITICAL_PAYLOAD when it is set
 * (see {@link IkeMessage#unsupportedCriticalPayload()}).
 */
public record UnknownPayload(int typeValue, boolean critical, byte[] body) implements Payload {

    public UnknownPayload {
        Octets.checkRange(typeValue, 1, 255, "payload type");
        if (PayloadType.of(typeValue) != null) {
            throw new IllegalArgumentException("payload type " + typeValue + " is " + PayloadType.of(typeValue)
                    + ", not unknown");
        }
        body = Octets.copy(body, "body");
        Octets.checkRange(body.length, 0, MessageCodec.MAX_BODY_LENGTH, "body length");
    }

    @Override
    public PayloadType type() {
        return null;
    }

    @Override
    public byte[] body() {
        return body.clone();
    }

    @Override
    public int bodyLength() {
        return body.length;
    }

    @Override
    public void encodeBody(byte[] out, int off) {
        System.arraycopy(body, 0, out, off, body.length);
    }

    /** Any bytes form an unknown payload's body. */
    public static UnknownPayload parseBody(int typeValue, boolean critical, byte[] b, int off, int len) {
        return new UnknownPayload(typeValue, critical, Octets.slice(b, off, len));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UnknownPayload that && typeValue == that.typeValue && critical == that.critical
                && Arrays.equals(body, that.body);
    }

    @Override
    public int hashCode() {
        return (typeValue * 31 + Boolean.hashCode(critical)) * 31 + Arrays.hashCode(body);
    }

    @Override
    public String toString() {
        return "UnknownPayload[type " + typeValue + (critical ? " critical" : "") + ", " + Octets.hex(body) + "]";
    }
}
