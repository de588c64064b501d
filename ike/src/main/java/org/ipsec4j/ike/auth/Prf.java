package org.ipsec4j.ike.auth;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import javax.crypto.Mac;

import org.ipsec4j.esp.crypto.DestroyableSecretKey;

/**
 * The IKE prf as a JDK {@link Mac} named by its algorithm ("HmacSHA256"), so this package does not depend on
 * the crypto package. The key is wrapped in a {@link DestroyableSecretKey} whose copy is zeroed after use.
 */
final class Prf {

    private Prf() {}

    /** prf(key, data...) */
    static byte[] apply(String macAlgorithm, byte[] key, byte[]... data) {
        DestroyableSecretKey secret = new DestroyableSecretKey(key, macAlgorithm);
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
}
