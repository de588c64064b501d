package org.ipsec4j.daemon.config.setkey;

import java.security.MessageDigest;
import java.util.Arrays;

/**
 * Secret key bytes from an {@code -E} or {@code -A} option. They never appear in {@link #toString()}, in
 * {@link #hashCode()} or in any error message; {@link #bytes()} hands out a copy, and {@link #destroy()} zeroes
 * the held array once the keys have been installed.
 */
public final class KeyMaterial {

    private final byte[] bytes;

    private KeyMaterial(byte[] bytes) {
        this.bytes = bytes;
    }

    /** Copies {@code bytes}. */
    public static KeyMaterial of(byte[] bytes) {
        return new KeyMaterial(bytes.clone());
    }

    /** No key, as {@code -E null} and {@code -A null} take. */
    public static KeyMaterial empty() {
        return new KeyMaterial(new byte[0]);
    }

    public int length() {
        return bytes.length;
    }

    /** A copy of the key; the caller should zero it when done. */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** Overwrites the key with zeros; afterwards it compares equal only to an all-zero key of its length. */
    public void destroy() {
        Arrays.fill(bytes, (byte) 0);
    }

    /** Same bytes, compared in constant time for keys of equal length. */
    @Override
    public boolean equals(Object other) {
        return other instanceof KeyMaterial key && MessageDigest.isEqual(bytes, key.bytes);
    }

    /** Derived from the length only, so a hash table never leaks anything of the key. */
    @Override
    public int hashCode() {
        return bytes.length;
    }

    @Override
    public String toString() {
        return "KeyMaterial[" + bytes.length + " bytes]";
    }
}
