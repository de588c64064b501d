package org.ipsec4j.ike.crypto;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Every SK payload suite ipsec4j offers: AES-CBC with each HMAC, AES-GCM and ChaCha20-Poly1305, at each key length. */
final class SkSuites {

    private SkSuites() {}

    record Suite(EncryptionTransform encryption, int keyBits, IntegrityTransform integrity) {
        @Override
        public String toString() {
            return encryption + "-" + keyBits + (integrity == IntegrityTransform.NONE ? "" : "/" + integrity);
        }

        /** A cipher with keys drawn from {@code seed}; the same seed gives the same keys. */
        SkCipher cipher(long seed) {
            Random random = new Random(seed);
            byte[] enc = new byte[encryption.keyMaterialLength(keyBits)];
            byte[] integ = new byte[integrity.keyLength()];
            random.nextBytes(enc);
            random.nextBytes(integ);
            return SkCipher.create(encryption, keyBits, integrity, enc, integ);
        }
    }

    static List<Suite> all() {
        List<Suite> suites = new ArrayList<>();
        for (int bits : new int[] {128, 192, 256}) {
            for (IntegrityTransform integ : IntegrityTransform.values()) {
                if (integ != IntegrityTransform.NONE) {
                    suites.add(new Suite(EncryptionTransform.AES_CBC, bits, integ));
                }
            }
            suites.add(new Suite(EncryptionTransform.AES_GCM_16, bits, IntegrityTransform.NONE));
        }
        suites.add(new Suite(EncryptionTransform.CHACHA20_POLY1305, 256, IntegrityTransform.NONE));
        suites.add(new Suite(EncryptionTransform.CHACHA20_POLY1305, 0, IntegrityTransform.NONE));
        return suites;
    }
}
