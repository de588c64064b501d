package org.ipsec4j.ike.auth;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * HMAC written out from RFC 2104 over a bare MessageDigest, so the tests check the prf computations against
 * something that does not go through {@code javax.crypto.Mac}.
 */
final class ReferenceHmac {

    private ReferenceHmac() {}

    /** H((K' ^ opad) | H((K' ^ ipad) | data)) with K' the key, hashed first if longer than the block. */
    static byte[] hmac(String digestName, int blockSize, byte[] key, byte[] data) {
        try {
            MessageDigest h = MessageDigest.getInstance(digestName);
            byte[] k = key.length > blockSize ? h.digest(key) : key;
            byte[] ipad = new byte[blockSize];
            byte[] opad = new byte[blockSize];
            for (int i = 0; i < blockSize; i++) {
                byte kb = i < k.length ? k[i] : 0;
                ipad[i] = (byte) (kb ^ 0x36);
                opad[i] = (byte) (kb ^ 0x5c);
            }
            h.update(ipad);
            h.update(data);
            byte[] inner = h.digest();
            h.update(opad);
            h.update(inner);
            return h.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The HMAC for a JDK Mac name used as an IKE prf. */
    static byte[] prf(String macAlgorithm, byte[] key, byte[] data) {
        return switch (macAlgorithm) {
            case "HmacSHA256" -> hmac("SHA-256", 64, key, data);
            case "HmacSHA384" -> hmac("SHA-384", 128, key, data);
            case "HmacSHA512" -> hmac("SHA-512", 128, key, data);
            default -> throw new IllegalArgumentException(macAlgorithm);
        };
    }
}
