package org.ipsec4j.ike.message;

import java.util.Arrays;

/** Authentication payload (RFC 7296 §3.8): the method ({@link AuthMethod}), three reserved bytes, the data. */
public record AuthenticationPayload(int method, byte[] data) implements Payload {

    public AuthenticationPayload {
        Octets.checkRange(method, 0, 255, "auth method");
        data = Octets.copy(data, "data");
        Octets.checkRange(data.length, 1, MessageCodec.MAX_BODY_LENGTH - 4, "authentication data length");
    }

    @Override
    public PayloadType type() {
        return PayloadType.AUTH;
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    @Override
    public int bodyLength() {
        return 4 + data.length;
    }

    @Override
    public void encodeBody(byte[] out, int off) {
        out[off] = (byte) method;
        out[off + 1] = 0;
        out[off + 2] = 0;
        out[off + 3] = 0;
        System.arraycopy(data, 0, out, off + 4, data.length);
    }

    /** Authentication data must not be empty: no method signs or MACs into nothing. */
    public static AuthenticationPayload parseBody(byte[] b, int off, int len) throws MalformedMessageException {
        Octets.requireBytes(5, len, "auth", off);
        return new AuthenticationPayload(b[off] & 0xFF, Octets.slice(b, off + 4, len - 4));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AuthenticationPayload that && method == that.method && Arrays.equals(data, that.data);
    }

    @Override
    public int hashCode() {
        return method * 31 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "AuthenticationPayload[" + AuthMethod.name(method) + ", " + data.length + " bytes]";
    }
}
