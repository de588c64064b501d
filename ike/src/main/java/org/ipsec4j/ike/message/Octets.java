package org.ipsec4j.ike.message;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/** The byte-array chores the payload records share: defensive copies, content equality, hex, checks. */
final class Octets {

    private Octets() {}

    /** A copy of a non-null array (records own their arrays). */
    static byte[] copy(byte[] b, String name) {
        return Objects.requireNonNull(b, name).clone();
    }

    static byte[] slice(byte[] b, int off, int len) {
        return Arrays.copyOfRange(b, off, off + len);
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    static boolean equal(List<byte[]> a, List<byte[]> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!Arrays.equals(a.get(i), b.get(i))) {
                return false;
            }
        }
        return true;
    }

    static int hash(List<byte[]> list) {
        int h = 1;
        for (byte[] b : list) {
            h = 31 * h + Arrays.hashCode(b);
        }
        return h;
    }

    static void checkRange(int value, int min, int max, String name) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " " + value + " outside " + min + ".." + max);
        }
    }

    /** The range lies inside the array: callers' bad bounds are reported like bad input, never as IOOBE. */
    static void checkBounds(byte[] b, int off, int len) throws MalformedMessageException {
        if (b == null || off < 0 || len < 0 || off > b.length - len) {
            throw new MalformedMessageException("buffer", off, "range [" + off + ", +" + len + ") outside "
                    + (b == null ? "a null array" : "an array of " + b.length));
        }
    }

    /** Throws the codec's exception unless {@code ok}. */
    static void require(boolean ok, String field, int offset, String reason) throws MalformedMessageException {
        if (!ok) {
            throw new MalformedMessageException(field, offset, reason);
        }
    }

    /** At least {@code need} bytes are left in a structure of {@code have} bytes. */
    static void requireBytes(int need, int have, String field, int offset) throws MalformedMessageException {
        if (have < need) {
            throw new MalformedMessageException(field, offset, "needs " + need + " bytes, " + have + " left");
        }
    }
}
