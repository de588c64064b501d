package org.ipsec4j.ike.crypto;

import java.util.Arrays;
import javax.crypto.SecretKey;

/**
 * A raw key whose {@link #destroy()} really zeroes its bytes; the JDK's {@code SecretKeySpec} cannot be
 * destroyed. The SunJCE {@code Mac} and {@code Cipher} implementations accept any key of format "RAW" and
 * copy it with {@link #getEncoded()} on each {@code init}.
 */
final class RawSecretKey implements SecretKey {

    private static final long serialVersionUID = 1L;

    private final byte[] key;
    private final String algorithm;
    private volatile boolean destroyed;

    RawSecretKey(byte[] key, int off, int len, String algorithm) {
        this.key = Arrays.copyOfRange(key, off, off + len);
        this.algorithm = algorithm;
    }

    RawSecretKey(byte[] key, String algorithm) {
        this(key, 0, key.length, algorithm);
    }

    @Override
    public String getAlgorithm() {
        return algorithm;
    }

    @Override
    public String getFormat() {
        return "RAW";
    }

    @Override
    public byte[] getEncoded() {
        if (destroyed) {
            throw new IllegalStateException("key destroyed");
        }
        return key.clone();
    }

    @Override
    public void destroy() {
        Arrays.fill(key, (byte) 0);
        destroyed = true;
    }

    @Override
    public boolean isDestroyed() {
        return destroyed;
    }

    @Override
    public String toString() {
        return "RawSecretKey[" + algorithm + ", " + key.length * 8 + " bits" + (destroyed ? ", destroyed" : "") + "]";
    }
}
