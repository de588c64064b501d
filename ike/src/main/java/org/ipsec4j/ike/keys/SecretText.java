package org.ipsec4j.ike.keys;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An ASCII line with keys in it, built in a byte array that is zeroed as it grows and when the line is taken,
 * so a key printed in hex leaves no String behind (Strings cannot be zeroed).
 */
final class SecretText {

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private byte[] buffer = new byte[256];
    private int length;

    SecretText append(String text) {
        for (int i = 0; i < text.length(); i++) {
            put((byte) text.charAt(i));
        }
        return this;
    }

    SecretText appendHex(byte[] bytes) {
        for (byte b : bytes) {
            put(HEX[(b >>> 4) & 0xF]);
            put(HEX[b & 0xF]);
        }
        return this;
    }

    /** The text so far, in a new array the caller zeroes after use; this builder is emptied and zeroed. */
    byte[] take() {
        byte[] out = Arrays.copyOf(buffer, length);
        Arrays.fill(buffer, (byte) 0);
        length = 0;
        return out;
    }

    private void put(byte b) {
        if (length == buffer.length) {
            byte[] larger = Arrays.copyOf(buffer, buffer.length * 2);
            Arrays.fill(buffer, (byte) 0);
            buffer = larger;
        }
        buffer[length++] = b;
    }

    /** Hex digits to bytes; null if {@code text} is not an even number of hex digits. */
    static byte[] parseHex(CharSequence text) {
        if (text.length() % 2 != 0) {
            return null;
        }
        byte[] out = new byte[text.length() / 2];
        for (int i = 0; i < out.length; i++) {
            int hi = Character.digit(text.charAt(2 * i), 16);
            int lo = Character.digit(text.charAt(2 * i + 1), 16);
            if (hi < 0 || lo < 0) {
                Arrays.fill(out, (byte) 0);
                return null;
            }
            out[i] = (byte) (hi << 4 | lo);
        }
        return out;
    }
}
