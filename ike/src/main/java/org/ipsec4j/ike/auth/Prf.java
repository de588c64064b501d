package org.ipsec4j.ike.auth;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.SecretKey;

/**
 * The IKE prf as a JDK {@link Mac} named by its algorithm ("HmacSHA256"), so this package does not depend on
 * the crypto package. The key is wrapped in a {@link SecretKey} whose copy is zeroed after use: the JDK's
 * {@code SecretKeySpec} cannot be destroyed.
 */
final class Prf {

    private Prf() {}

    /** prf(key, data...) */
    static byte[] apply(String macAlgorithm, byte[] key, byte[]... data) {
        ErasableKey secret = new ErasableKey(key, macAlgorithm);
        try {
            Mac mac = Mac.getInstance(macAlgorithm);
            mac.init(secret);
            for (byte[] d : data) {
                mac.update(d);
            }
            return mac.doFinal();
        } catch (InvalidKeyException e) {
            throw new IllegalArgumentException("unusable key for " + macAlgorithm, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("unknown prf MAC algorithm " + macAlgorithm, e);
        } finally {
            secret.destroy();
        }
    }

    /** A raw key for one {@code Mac.init}; {@link #destroy()} zeroes its copy. */
    private static final class ErasableKey implements SecretKey {
        private static final long serialVersionUID = 1L;

        private final byte[] key;
        private final String algorithm;
        private boolean destroyed;

        ErasableKey(byte[] key, String algorithm) {
            this.key = key.clone();
            this.algorithm = algorithm;
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
    }
}
