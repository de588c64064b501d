package org.ipsec4j.wire;

/**
 * The bounds check every view's {@code wrap} starts with. It is not a static method of
 * {@link MalformedPacketException}: C2 does not inline methods of Throwable subclasses into other code,
 * and the call would cost the parse benchmarks half their speed.
 */
final class BufferSlice {

    private BufferSlice() {}

    /** Checks that {@code [off, off+len)} lies in {@code buf}, as a malformed-packet error if it does not. */
    static void check(byte[] buf, int off, int len, String field) {
        if (buf == null) {
            throw new NullPointerException("buf");
        }
        if (off < 0 || len < 0 || off > buf.length - len) {
            throw new MalformedPacketException(field, off,
                    "slice [" + off + ", +" + len + ") outside a buffer of " + buf.length + " bytes");
        }
    }
}
