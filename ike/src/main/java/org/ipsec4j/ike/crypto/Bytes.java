package org.ipsec4j.ike.crypto;

import java.math.BigInteger;
import java.util.Arrays;

/** Small byte-array helpers for the key derivations and the DH encodings. */
final class Bytes {

    private Bytes() {}

    static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] p : parts) {
            length += p.length;
        }
        byte[] out = new byte[length];
        int off = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, off, p.length);
            off += p.length;
        }
        return out;
    }

    static byte[] bigEndian(long v) {
        byte[] out = new byte[8];
        for (int i = 7; i >= 0; i--) {
            out[i] = (byte) v;
            v >>>= 8;
        }
        return out;
    }

    /** The unsigned big-endian encoding of {@code v}, left-padded with zeros to exactly {@code length} bytes. */
    static byte[] unsignedFixed(BigInteger v, int length) {
        if (v.signum() < 0 || v.bitLength() > length * 8) {
            throw new IllegalArgumentException("value does not fit in " + length + " bytes");
        }
        byte[] raw = v.toByteArray(); // may carry one leading sign byte
        byte[] out = new byte[length];
        int copy = Math.min(raw.length, length);
        System.arraycopy(raw, raw.length - copy, out, length - copy, copy);
        Arrays.fill(raw, (byte) 0);
        return out;
    }

    /**
     * {@code b} left-padded with zeros to {@code length} bytes (or stripped of leading zeros down to it). When a new
     * array is returned, {@code b} is zeroed: this is for secrets the caller owns and drops.
     */
    static byte[] leftPad(byte[] b, int length) {
        if (b.length == length) {
            return b;
        }
        byte[] out = new byte[length];
        if (b.length < length) {
            System.arraycopy(b, 0, out, length - b.length, b.length);
        } else {
            int excess = b.length - length;
            for (int i = 0; i < excess; i++) {
                if (b[i] != 0) {
                    throw new IllegalArgumentException("value does not fit in " + length + " bytes");
                }
            }
            System.arraycopy(b, excess, out, 0, length);
        }
        Arrays.fill(b, (byte) 0);
        return out;
    }

    static void zero(byte[]... arrays) {
        for (byte[] a : arrays) {
            if (a != null) {
                Arrays.fill(a, (byte) 0);
            }
        }
    }
}
