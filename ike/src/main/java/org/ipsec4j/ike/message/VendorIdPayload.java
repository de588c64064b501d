package org.ipsec4j.ike.message;

import java.util.Arrays;

/** Vendor ID payload (RFC 7296 §3.12): opaque bytes, usually a hash naming an implementation or feature. */
public record VendorIdPayload(byte[] data) implements Payload {

    public VendorIdPayload {
        data = Octets.copy(data, "data");
        Octets.checkRange(data.length, 0, MessageCodec.MAX_BODY_LENGTH, "vendor ID length");
    }

    @Override
    public PayloadType type() {
        return PayloadType.VENDOR_ID;
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    @Override
    public int bodyLength() {
        return data.length;
    }

    @Override
    public void encodeBody(byte[] out, int off) {
        System.arraycopy(data, 0, out, off, data.length);
    }

    public static VendorIdPayload parseBody(byte[] b, int off, int len) {
        return new VendorIdPayload(Octets.slice(b, off, len));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VendorIdPayload that && Arrays.equals(data, that.data);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "VendorIdPayload[" + Octets.hex(data) + "]";
    }
}
