package org.ipsec4j.ike.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.ipsec4j.esp.crypto.EncryptionAlgorithm;
import org.ipsec4j.esp.crypto.IntegrityAlgorithm;
import org.junit.jupiter.api.Test;

/** The SK payload's transforms: IANA ids, key and ICV lengths, and agreement with the ESP module's tables. */
class TransformIdsTest {

    @Test
    void encryptionIdsAndKeyMaterial() {
        assertEquals(12, EncryptionTransform.AES_CBC.id());
        assertEquals(20, EncryptionTransform.AES_GCM_16.id());
        assertEquals(28, EncryptionTransform.CHACHA20_POLY1305.id());
        for (EncryptionTransform t : EncryptionTransform.values()) {
            assertEquals(t, EncryptionTransform.fromIke(t.id()));
        }
        assertNull(EncryptionTransform.fromIke(3)); // 3DES: not for IKE here
        assertNull(EncryptionTransform.fromIke(19)); // AES-GCM with an 12-byte ICV: not implemented
        assertEquals(16, EncryptionTransform.AES_CBC.keyMaterialLength(128));
        assertEquals(24, EncryptionTransform.AES_CBC.keyMaterialLength(192));
        assertEquals(32, EncryptionTransform.AES_CBC.keyMaterialLength(256));
        assertEquals(20, EncryptionTransform.AES_GCM_16.keyMaterialLength(128));
        assertEquals(28, EncryptionTransform.AES_GCM_16.keyMaterialLength(192));
        assertEquals(36, EncryptionTransform.AES_GCM_16.keyMaterialLength(256));
        assertEquals(36, EncryptionTransform.CHACHA20_POLY1305.keyMaterialLength(256));
        assertEquals(36, EncryptionTransform.CHACHA20_POLY1305.keyMaterialLength(0));
        assertFalse(EncryptionTransform.AES_CBC.aead());
        assertTrue(EncryptionTransform.AES_GCM_16.aead());
        assertTrue(EncryptionTransform.CHACHA20_POLY1305.aead());
        assertTrue(EncryptionTransform.AES_CBC.requiresKeyLengthAttribute());
        assertFalse(EncryptionTransform.CHACHA20_POLY1305.requiresKeyLengthAttribute());
    }

    @Test
    void keyLengthsAllowed() {
        for (EncryptionTransform aes : new EncryptionTransform[] {EncryptionTransform.AES_CBC, EncryptionTransform.AES_GCM_16}) {
            assertTrue(aes.keyLengthAllowed(128));
            assertTrue(aes.keyLengthAllowed(192));
            assertTrue(aes.keyLengthAllowed(256));
            assertFalse(aes.keyLengthAllowed(0));
            assertFalse(aes.keyLengthAllowed(64));
            assertFalse(aes.keyLengthAllowed(512));
            assertThrows(IllegalArgumentException.class, () -> aes.keyMaterialLength(0));
        }
        assertTrue(EncryptionTransform.CHACHA20_POLY1305.keyLengthAllowed(256));
        assertFalse(EncryptionTransform.CHACHA20_POLY1305.keyLengthAllowed(128));
    }

    @Test
    void integrityIdsAndLengths() {
        assertEquals(0, IntegrityTransform.NONE.id());
        assertEquals(12, IntegrityTransform.HMAC_SHA2_256_128.id());
        assertEquals(13, IntegrityTransform.HMAC_SHA2_384_192.id());
        assertEquals(14, IntegrityTransform.HMAC_SHA2_512_256.id());
        for (IntegrityTransform t : IntegrityTransform.values()) {
            assertEquals(t, IntegrityTransform.fromIke(t.id()));
        }
        assertNull(IntegrityTransform.fromIke(2)); // HMAC-SHA1-96: not for IKE here
        assertEquals(32, IntegrityTransform.HMAC_SHA2_256_128.keyLength());
        assertEquals(16, IntegrityTransform.HMAC_SHA2_256_128.icvLength());
        assertEquals(48, IntegrityTransform.HMAC_SHA2_384_192.keyLength());
        assertEquals(24, IntegrityTransform.HMAC_SHA2_384_192.icvLength());
        assertEquals(64, IntegrityTransform.HMAC_SHA2_512_256.keyLength());
        assertEquals(32, IntegrityTransform.HMAC_SHA2_512_256.icvLength());
        assertEquals(0, IntegrityTransform.NONE.keyLength());
    }

    @Test
    void agreesWithTheEspModulesTables() {
        // The same IANA registries serve IKE and ESP (RFC 7296 §3.3.2), so the numbers must match.
        for (IntegrityTransform t : IntegrityTransform.values()) {
            IntegrityAlgorithm esp = IntegrityAlgorithm.fromIke(t.id());
            assertEquals(esp.keyLength(), t.keyLength(), t.name());
            assertEquals(esp.icvLength(), t.icvLength(), t.name());
        }
        for (int bits : new int[] {128, 192, 256}) {
            assertEquals(EncryptionAlgorithm.fromIke(12, bits).keyMaterialLength(),
                    EncryptionTransform.AES_CBC.keyMaterialLength(bits));
            assertEquals(EncryptionAlgorithm.fromIke(20, bits).keyMaterialLength(),
                    EncryptionTransform.AES_GCM_16.keyMaterialLength(bits));
        }
        assertEquals(EncryptionAlgorithm.fromIke(28, 0).keyMaterialLength(),
                EncryptionTransform.CHACHA20_POLY1305.keyMaterialLength(0));
    }
}
