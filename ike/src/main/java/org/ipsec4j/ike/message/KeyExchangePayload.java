package org.ipsec4j.ike.message;

import java.util.Arrays;

import org.ipsec4j.wire.BigEndian;

/**
 * Key Exchange payload (RFC 7296 §3.4): the Diffie-Hellman group number, two reserved bytes and the public
 * value. The value's length per group is the crypto layer's check (INVALID_SYNTAX there too); here it only
 * has to be there.
 */
public record KeyExchangePayload(int dhGroup, byte[] data) implements Payload {

    public KeyExchangePayload {
        Octets.checkRange(dhGroup, 0, 65535, "DH group");
        data = Octets.copy(data, "data");
        Octets.checkRange(data.length, 1, MessageCodec.MAX_BODY_LENGTH - 4, "key exchange data length");
    }

    @Override
    public PayloadType type() {
        return PayloadType.KE;
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
        BigEndian.put16(out, off, dhGroup);
        BigEndian.put16(out, off + 2, 0);
        System.arraycopy(data, 0, out, off + 4, data.length);
    }

    public static KeyExchangePayload parseBody(byte[] b, int off, int len) throws MalformedMessageException {
        Octets.requireBytes(5, len, "ke", off);
        return new KeyExchangePayload(BigEndian.u16(b, off), Octets.slice(b, off + 4, len - 4));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeyExchangePayload that && dhGroup == that.dhGroup && Arrays.equals(data, that.data);
    }

    @Override
    public int hashCode() {
        return dhGroup * 31 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "KeyExchangePayload[group " + dhGroup + ", " + data.length + " bytes " + Octets.hex(data) + "]";
    }
}
