package org.ipsec4j.ike.message;

import java.util.Arrays;

/**
 * Encrypted and Authenticated payload, SK (RFC 7296 §3.14). Its generic "Next Payload" field names the first
 * payload inside, so it is kept here as {@code firstInnerPayload}; the body (IV, ciphertext with padding,
 * ICV) is opaque to the codec. It must be the last payload of a message, so the associated data / ICV input
 * of the crypto layer is the message's bytes before {@code body}: the message length minus the body length.
 */
public record EncryptedPayload(int firstInnerPayload, byte[] body) implements Payload {

    public EncryptedPayload {
        Octets.checkRange(firstInnerPayload, 0, 255, "first inner payload");
        body = Octets.copy(body, "body");
        Octets.checkRange(body.length, 0, MessageCodec.MAX_BODY_LENGTH, "SK body length");
    }

    @Override
    public PayloadType type() {
        return PayloadType.SK;
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

    public static EncryptedPayload parseBody(int firstInnerPayload, byte[] b, int off, int len) {
        return new EncryptedPayload(firstInnerPayload, Octets.slice(b, off, len));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EncryptedPayload that && firstInnerPayload == that.firstInnerPayload
                && Arrays.equals(body, that.body);
    }

    @Override
    public int hashCode() {
        return firstInnerPayload * 31 + Arrays.hashCode(body);
    }

    @Override
    public String toString() {
        return "EncryptedPayload[first inner " + firstInnerPayload + ", " + body.length + " bytes]";
    }
}
