package org.ipsec4j.esp.crypto;

import java.util.Arrays;
import javax.crypto.SecretKey;

/**
 * A raw secret key whose bytes {@link #destroy()} really zeroes. The JDK's {@code SecretKeySpec} cannot be
 * destroyed (its {@code destroy()} is the interface default, which throws), so an SA's key would stay in
 * the heap until collected. The SunJCE ciphers accept any key of format "RAW" and copy it with
 * {@link #getEncoded()} on each init. Shared by the ESP codecs and IKE's PRFs, SK ciphers and AUTH.
 */
public final class DestroyableSecretKey implements SecretKey {

    private static final long serialVersionUID = 1L;

    private final byte[] key;
    private final String algorithm;
    private volatile boolean destroyed;

    public DestroyableSecretKey(byte[] key, int off, int len, String algorithm) {
        this.key = Arrays.copyOfRange(key, off, off + len);
        this.algorithm = algorithm;
    }

    public DestroyableSecretKey(byte[] key, String algorithm) {
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
        return "DestroyableSecretKey[" + algorithm + ", " + key.length * 8 + " bits" + (destroyed ? ", destroyed" : "") + "]";
    }
}
