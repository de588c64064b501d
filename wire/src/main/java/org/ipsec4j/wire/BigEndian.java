package org.ipsec4j.wire;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Network byte order (big-endian) reads and writes of header fields in byte arrays, for every module: the
 * views here, the ESP/AH codecs, the capture summaries and the lab's test helpers.
 *
 * <p>Callers check bounds first; an index outside the array throws {@link IndexOutOfBoundsException}, before
 * anything is written. The 16-, 32- and 64-bit accesses are single loads and stores through byte-array view
 * {@link VarHandle}s, which C2 compiles to one (byte-swapping) memory access.
 */
public final class BigEndian {

    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private BigEndian() {}

    /** The unsigned byte at {@code b[off]}. */
    public static int u8(byte[] b, int off) {
        return b[off] & 0xFF;
    }

    /** The unsigned 16-bit value at {@code b[off]}. */
    public static int u16(byte[] b, int off) {
        return (short) SHORT.get(b, off) & 0xFFFF;
    }

    /** The 32-bit value at {@code b[off]}, signed as Java's int; {@link Integer#toUnsignedLong} for unsigned. */
    public static int i32(byte[] b, int off) {
        return (int) INT.get(b, off);
    }

    /** The 64-bit value at {@code b[off]}, signed as Java's long. */
    public static long i64(byte[] b, int off) {
        return (long) LONG.get(b, off);
    }

    /** Writes the low 8 bits of {@code v}. */
    public static void put8(byte[] b, int off, int v) {
        b[off] = (byte) v;
    }

    /** Writes the low 16 bits of {@code v}. */
    public static void put16(byte[] b, int off, int v) {
        SHORT.set(b, off, (short) v);
    }

    public static void put32(byte[] b, int off, int v) {
        INT.set(b, off, v);
    }

    public static void put64(byte[] b, int off, long v) {
        LONG.set(b, off, v);
    }
}
