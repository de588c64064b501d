package org.ipsec4j.ike.crypto;

import static org.ipsec4j.ike.crypto.AcvpIkev2KdfVector.DKM;
import static org.ipsec4j.ike.crypto.AcvpIkev2KdfVector.DKM_CHILD;
import static org.ipsec4j.ike.crypto.AcvpIkev2KdfVector.DKM_CHILD_DH;
import static org.ipsec4j.ike.crypto.AcvpIkev2KdfVector.GIR_NEW;
import static org.ipsec4j.ike.crypto.AcvpIkev2KdfVector.NI;
import static org.ipsec4j.ike.crypto.AcvpIkev2KdfVector.NR;
import static org.ipsec4j.ike.crypto.IkeKeyMaterialTest.allZero;
import static org.ipsec4j.ike.crypto.IkeKeyMaterialTest.bytes;
import static org.ipsec4j.ike.crypto.IkeKeyMaterialTest.cat;
import static org.ipsec4j.ike.crypto.IkeKeyMaterialTest.prfPlusByHand;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Child SA KEYMAT (RFC 7296 §2.17): the NIST ACVP case with and without PFS, the key order, an independent path. */
class ChildKeyMaterialTest {

    private static final PseudoRandomFunction SHA256 = PseudoRandomFunction.HMAC_SHA2_256;
    private static final byte[] SK_D = Arrays.copyOf(DKM, 32);

    @Test
    void keymatWithoutPfsMatchesAcvpVector() {
        // 2 x (128 + 64) = 384 bytes: all of the vector's DKM(Child SA).
        ChildKeyMaterial keys = ChildKeyMaterial.derive(SHA256, SK_D, null, NI, NR, 128, 64);
        assertArrayEquals(DKM_CHILD, concat(keys));
    }

    @Test
    void keymatWithPfsMatchesAcvpVector() {
        ChildKeyMaterial keys = ChildKeyMaterial.derive(SHA256, SK_D, GIR_NEW, NI, NR, 128, 64);
        assertArrayEquals(DKM_CHILD_DH, concat(keys));
    }

    @Test
    void keysAreTakenInitiatorFirstEncryptionBeforeIntegrity() {
        // AES-CBC-128 with HMAC-SHA2-256-128: 16 + 32 per direction.
        ChildKeyMaterial keys = ChildKeyMaterial.derive(SHA256, SK_D, null, NI, NR, 16, 32);
        assertArrayEquals(Arrays.copyOfRange(DKM_CHILD, 0, 16), keys.initiatorEncryption());
        assertArrayEquals(Arrays.copyOfRange(DKM_CHILD, 16, 48), keys.initiatorIntegrity());
        assertArrayEquals(Arrays.copyOfRange(DKM_CHILD, 48, 64), keys.responderEncryption());
        assertArrayEquals(Arrays.copyOfRange(DKM_CHILD, 64, 96), keys.responderIntegrity());
        // AES-GCM-256 in ESP: 36 bytes (key and salt) each way, no integrity key.
        ChildKeyMaterial gcm = ChildKeyMaterial.derive(SHA256, SK_D, null, NI, NR, 36, 0);
        assertArrayEquals(Arrays.copyOfRange(DKM_CHILD, 0, 36), gcm.initiatorEncryption());
        assertArrayEquals(Arrays.copyOfRange(DKM_CHILD, 36, 72), gcm.responderEncryption());
        assertEquals(0, gcm.initiatorIntegrity().length);
    }

    @ParameterizedTest
    @EnumSource(PseudoRandomFunction.class)
    void followsRfc7296ComputedWithPlainMacCalls(PseudoRandomFunction prf) {
        Random random = new Random(217 + prf.id());
        byte[] skD = bytes(random, prf.outputLength());
        byte[] gir = bytes(random, 97);
        byte[] ni = bytes(random, 32);
        byte[] nr = bytes(random, 40);
        assertArrayEquals(prfPlusByHand(prf, skD, cat(ni, nr), 2 * (36 + 0)),
                concat(ChildKeyMaterial.derive(prf, skD, null, ni, nr, 36, 0)));
        assertArrayEquals(prfPlusByHand(prf, skD, cat(gir, ni, nr), 2 * (32 + 48)),
                concat(ChildKeyMaterial.derive(prf, skD, gir, ni, nr, 32, 48)));
    }

    @Test
    void refusesNoKeysAtAll() {
        assertThrows(IllegalArgumentException.class, () -> ChildKeyMaterial.derive(SHA256, SK_D, null, NI, NR, 0, 0));
    }

    @Test
    void destroyZeroesEveryKey() {
        ChildKeyMaterial keys = ChildKeyMaterial.derive(SHA256, SK_D, null, NI, NR, 36, 0);
        keys.destroy();
        assertTrue(allZero(concat(keys)));
    }

    static byte[] concat(ChildKeyMaterial k) {
        return cat(k.initiatorEncryption(), k.initiatorIntegrity(), k.responderEncryption(), k.responderIntegrity());
    }
}
