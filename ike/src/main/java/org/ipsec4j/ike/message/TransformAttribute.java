package org.ipsec4j.ike.message;

import java.util.Arrays;

import org.ipsec4j.wire.BigEndian;

/**
 * One transform attribute (RFC 7296 §3.3.5): a 15-bit type and either a 2-byte value in the header (TV, the
 * AF bit set) or a length and a value (TLV). The only attribute RFC 7296 defines, the key length (14), is TV;
 * a TLV key length is rejected.
 */
public record TransformAttribute(int type, boolean tvFormat, byte[] value) {

    /** Key length in bits, TV format (§3.3.5). */
    public static final int KEY_LENGTH = 14;

    private static final int AF = 0x8000;

    public TransformAttribute {
        Octets.checkRange(type, 0, 0x7FFF, "attribute type");
        value = Octets.copy(value, "value");
        if (tvFormat && value.length != 2) {
            throw new IllegalArgumentException("a TV attribute holds 2 bytes, not " + value.length);
        }
        if (!tvFormat && type == KEY_LENGTH) {
            throw new IllegalArgumentException("the key length attribute is TV format (RFC 7296 §3.3.5)");
        }
        Octets.checkRange(value.length, 0, 65535, "attribute length");
    }

    /** A key length attribute. */
    public static TransformAttribute keyLength(int bits) {
        return tv(KEY_LENGTH, bits);
    }

    /** A TV attribute with a 16-bit value. */
    public static TransformAttribute tv(int type, int value) {
        Octets.checkRange(value, 0, 65535, "TV value");
        byte[] b = new byte[2];
        BigEndian.put16(b, 0, value);
        return new TransformAttribute(type, true, b);
    }

    @Override
    public byte[] value() {
        return value.clone();
    }

    /** The 16-bit value of a TV attribute. */
    public int tvValue() {
        if (!tvFormat) {
            throw new IllegalStateException("not a TV attribute: " + this);
        }
        return BigEndian.u16(value, 0);
    }

    public int length() {
        return tvFormat ? 4 : 4 + value.length;
    }

    public void encode(byte[] out, int off) {
        if (tvFormat) {
            BigEndian.put16(out, off, AF | type);
            System.arraycopy(value, 0, out, off + 2, 2);
        } else {
            BigEndian.put16(out, off, type);
            BigEndian.put16(out, off + 2, value.length);
            System.arraycopy(value, 0, out, off + 4, value.length);
        }
    }

    /** Parses the attribute at {@code b[off]} with {@code len} bytes left in the transform. */
    public static TransformAttribute parse(byte[] b, int off, int len) throws MalformedMessageException {
        Octets.requireBytes(4, len, "attribute", off);
        int head = BigEndian.u16(b, off);
        int type = head & 0x7FFF;
        if ((head & AF) != 0) {
            return new TransformAttribute(type, true, Octets.slice(b, off + 2, 2));
        }
        Octets.require(type != KEY_LENGTH, "attribute.format", off, "key length in TLV format (RFC 7296 §3.3.5)");
        int length = BigEndian.u16(b, off + 2);
        Octets.require(length <= len - 4, "attribute.length", off + 2,
                "length " + length + " but " + (len - 4) + " bytes left in the transform");
        return new TransformAttribute(type, false, Octets.slice(b, off + 4, length));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TransformAttribute that && type == that.type && tvFormat == that.tvFormat
                && Arrays.equals(value, that.value);
    }

    @Override
    public int hashCode() {
        return (type * 31 + Boolean.hashCode(tvFormat)) * 31 + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return type == KEY_LENGTH && tvFormat ? "keyLength=" + tvValue()
                : "attribute " + type + (tvFormat ? "=" + tvValue() : "=" + Octets.hex(value));
    }
}
