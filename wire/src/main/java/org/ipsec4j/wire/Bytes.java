package org.ipsec4j.wire;

/** Big-endian field access for the views; callers have checked bounds already. */
final class Bytes {

    private Bytes() {}

    static int u8(byte[] b, int off) {
        return b[off] & 0xFF;
    }

    static int u16(byte[] b, int off) {
        return ((b[off] & 0xFF) << 8) | (b[off + 1] & 0xFF);
    }

    static int i32(byte[] b, int off) {
        return (b[off] << 24) | ((b[off + 1] & 0xFF) << 16) | ((b[off + 2] & 0xFF) << 8) | (b[off + 3] & 0xFF);
    }

    static void put8(byte[] b, int off, int v) {
        b[off] = (byte) v;
    }

    static void put16(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 8);
        b[off + 1] = (byte) v;
    }

    static void put32(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    /** Checks that {@code [off, off+len)} lies in {@code buf}, as a malformed-packet error if it does not. */
    static void checkSlice(byte[] buf, int off, int len, String field) {
        if (buf == null) {
            throw new NullPointerException("buf");
        }
        if (off < 0 || len < 0 || off > buf.length - len) {
            throw new MalformedPacketException(field, off,
                    "slice [" + off + ", +" + len + ") outside a buffer of " + buf.length + " bytes");
        }
    }
}
