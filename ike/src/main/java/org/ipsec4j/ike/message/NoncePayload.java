package org.ipsec4j.ike.message;

import java.util.Arrays;

/** Nonce payload (RFC 7296 §3.9): 16 to 256 random bytes. */
public record NoncePayload(byte[] nonce) implements Payload {

    public static final int MIN_LENGTH = 16;
    public static final int MAX_LENGTH = 256;

    public NoncePayload {
        nonce = Octets.copy(nonce, "nonce");
        Octets.checkRange(nonce.length, MIN_LENGTH, MAX_LENGTH, "nonce length");
    }

    @Override
    public PayloadType type() {
        return PayloadType.NONCE;
    }

    @Override
    public byte[] nonce() {
        return nonce.clone();
    }

    @Override
    public int bodyLength() {
        return nonce.length;
    }

    @Override
    public void encodeBody(byte[] out, int off) {
        System.arraycopy(nonce, 0, out, off, nonce.length);
    }

    public static NoncePayload parseBody(byte[] b, int off, int len) throws MalformedMessageException {
        Octets.require(len >= MIN_LENGTH && len <= MAX_LENGTH, "nonce", off,
                "length " + len + " outside " + MIN_LENGTH + ".." + MAX_LENGTH + " (RFC 7296 §3.9)");
        return new NoncePayload(Octets.slice(b, off, len));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NoncePayload that && Arrays.equals(nonce, that.nonce);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(nonce);
    }

    @Override
    public String toString() {
        return "NoncePayload[" + Octets.hex(nonce) + "]";
    }
}
