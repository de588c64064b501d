package org.ipsec4j.ike.message;

import java.util.ArrayList;
import java.util.List;

import org.ipsec4j.wire.BigEndian;

/**
 * One transform substructure (RFC 7296 §3.3.2): a type ({@link TransformType}), an ID within the type and its
 * attributes, which must fill the transform exactly. Its "last substructure" marker (0 last, 3 more) is
 * written and checked by {@link Proposal}, which knows the position.
 */
public record Transform(int type, int id, List<TransformAttribute> attributes) {

    /** The value of the last-substructure field when another transform follows. */
    public static final int MORE = 3;
    static final int HEADER_LENGTH = 8;

    public Transform {
        Octets.checkRange(type, 0, 255, "transform type");
        Octets.checkRange(id, 0, 65535, "transform ID");
        attributes = List.copyOf(attributes);
        int length = HEADER_LENGTH;
        for (TransformAttribute a : attributes) {
            length += a.length();
        }
        Octets.checkRange(length, HEADER_LENGTH, 65535, "transform length");
    }

    public static Transform of(int type, int id) {
        return new Transform(type, id, List.of());
    }

    public static Transform of(int type, int id, int keyLength) {
        return new Transform(type, id, List.of(TransformAttribute.keyLength(keyLength)));
    }

    /** The key length in bits (attribute 14), or null without one. */
    public Integer keyLength() {
        for (TransformAttribute a : attributes) {
            if (a.type() == TransformAttribute.KEY_LENGTH && a.tvFormat()) {
                return a.tvValue();
            }
        }
        return null;
    }

    public int length() {
        int length = HEADER_LENGTH;
        for (TransformAttribute a : attributes) {
            length += a.length();
        }
        return length;
    }

    public void encode(byte[] out, int off, boolean last) {
        out[off] = (byte) (last ? 0 : MORE);
        out[off + 1] = 0;
        BigEndian.put16(out, off + 2, length());
        out[off + 4] = (byte) type;
        out[off + 5] = 0;
        BigEndian.put16(out, off + 6, id);
        int pos = off + HEADER_LENGTH;
        for (TransformAttribute a : attributes) {
            a.encode(out, pos);
            pos += a.length();
        }
    }

    /**
     * Parses the transform at {@code b[off]} with {@code len} bytes left in the proposal: its length field
     * must be at least 8 and fit, and its attributes must fill it exactly.
     */
    public static Transform parse(byte[] b, int off, int len) throws MalformedMessageException {
        Octets.requireBytes(HEADER_LENGTH, len, "transform", off);
        int length = BigEndian.u16(b, off + 2);
        Octets.require(length >= HEADER_LENGTH && length <= len, "transform.length", off + 2,
                "length " + length + " outside " + HEADER_LENGTH + ".." + len);
        List<TransformAttribute> attributes = new ArrayList<>();
        int pos = off + HEADER_LENGTH;
        int end = off + length;
        while (pos < end) {
            TransformAttribute a = TransformAttribute.parse(b, pos, end - pos);
            attributes.add(a);
            pos += a.length();
        }
        return new Transform(b[off + 4] & 0xFF, BigEndian.u16(b, off + 6), attributes);
    }

    @Override
    public String toString() {
        return TransformType.name(type) + ":" + id + (attributes.isEmpty() ? "" : attributes.toString());
    }
}
