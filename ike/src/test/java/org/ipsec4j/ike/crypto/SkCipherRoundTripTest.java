package org.ipsec4j.ike.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** seal then open gives the plaintext back for every suite and key size; lengths and IVs behave as specified. */
class SkCipherRoundTripTest {

    static List<SkSuites.Suite> suites() {
        return SkSuites.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void openReturnsWhatSealProtected(SkSuites.Suite suite) throws Exception {
        SkCipher sender = suite.cipher(1);
        SkCipher receiver = suite.cipher(1);
        Random random = new Random(2);
        for (int length = 0; length <= 70; length++) {
            roundTrip(sender, receiver, random, length);
        }
        roundTrip(sender, receiver, random, 1000);
        roundTrip(sender, receiver, random, 65_000);
    }

    private static void roundTrip(SkCipher sender, SkCipher receiver, Random random, int length) throws Exception {
        byte[] aad = new byte[32];
        byte[] plaintext = new byte[length];
        random.nextBytes(aad);
        random.nextBytes(plaintext);
        byte[] body = sender.seal(aad, plaintext);
        assertEquals(sender.sealedLength(length), body.length, "sealed length of " + length);
        assertArrayEquals(plaintext, receiver.open(aad, body), "length " + length);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void bodyLayoutFollowsTheSuite(SkSuites.Suite suite) {
        SkCipher cipher = suite.cipher(3);
        EncryptionTransform enc = suite.encryption();
        int icv = enc.aead() ? 16 : suite.integrity().icvLength();
        for (int length = 0; length < 40; length++) {
            int sealed = cipher.sealedLength(length);
            int ciphertext = sealed - enc.ivLength() - icv;
            if (enc.aead()) {
                // No padding: the plaintext and the pad-length byte.
                assertEquals(length + 1, ciphertext);
            } else {
                assertEquals(0, ciphertext % 16);
                assertTrue(ciphertext >= length + 1 && ciphertext <= length + 16);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void ivsNeverRepeatAndAeadIvsCount(SkSuites.Suite suite) {
        SkCipher cipher = suite.cipher(4);
        int ivLength = suite.encryption().ivLength();
        Set<String> seen = new HashSet<>();
        long previous = 0;
        for (int i = 0; i < 200; i++) {
            byte[] body = cipher.seal(new byte[28], new byte[5]);
            byte[] iv = Arrays.copyOf(body, ivLength);
            assertTrue(seen.add(Hex.of(iv)), "IV repeated");
            if (suite.encryption().aead()) {
                long value = new java.math.BigInteger(1, iv).longValue();
                if (i > 0) {
                    assertEquals(previous + 1, value);
                }
                previous = value;
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void maxPlaintextLengthIsTheLargestThatFits(SkSuites.Suite suite) {
        SkCipher cipher = suite.cipher(5);
        int minimum = cipher.sealedLength(0);
        assertTrue(cipher.maxPlaintextLength(minimum - 1) < 0);
        for (int room = minimum; room < minimum + 100; room++) {
            int max = cipher.maxPlaintextLength(room);
            assertTrue(cipher.sealedLength(max) <= room, "room " + room);
            assertTrue(cipher.sealedLength(max + 1) > room, "room " + room);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void destroyEndsUse(SkSuites.Suite suite) {
        SkCipher cipher = suite.cipher(6);
        byte[] body = cipher.seal(new byte[28], new byte[3]);
        cipher.destroy();
        assertTrue(cipher.isDestroyed());
        assertThrows(IllegalStateException.class, () -> cipher.seal(new byte[28], new byte[3]));
        assertThrows(IllegalStateException.class, () -> cipher.open(new byte[28], body));
        cipher.destroy();
        assertTrue(cipher.toString().contains("destroyed"));
    }

    @Test
    void createRefusesCombinationsAndKeysThatDoNotFit() {
        byte[] k16 = new byte[16];
        byte[] k20 = new byte[20];
        byte[] k32 = new byte[32];
        byte[] k36 = new byte[36];
        // AEAD with a separate integrity transform or key.
        assertThrows(IllegalArgumentException.class, () -> SkCipher.create(EncryptionTransform.AES_GCM_16, 128,
                IntegrityTransform.HMAC_SHA2_256_128, k20, k32));
        assertThrows(IllegalArgumentException.class, () -> SkCipher.create(EncryptionTransform.AES_GCM_16, 128,
                IntegrityTransform.NONE, k20, k32));
        // CBC without integrity, or with a wrong-length integrity key.
        assertThrows(IllegalArgumentException.class, () -> SkCipher.create(EncryptionTransform.AES_CBC, 128,
                IntegrityTransform.NONE, k16, null));
        assertThrows(IllegalArgumentException.class, () -> SkCipher.create(EncryptionTransform.AES_CBC, 128,
                IntegrityTransform.HMAC_SHA2_256_128, k16, k16));
        assertThrows(IllegalArgumentException.class, () -> SkCipher.create(EncryptionTransform.AES_CBC, 128,
                IntegrityTransform.HMAC_SHA2_256_128, k16, null));
        // Key material of the wrong length (GCM needs the salt), or a key length the cipher lacks.
        assertThrows(IllegalArgumentException.class, () -> SkCipher.create(EncryptionTransform.AES_GCM_16, 128,
                IntegrityTransform.NONE, k16, null));
        assertThrows(IllegalArgumentException.class, () -> SkCipher.create(EncryptionTransform.CHACHA20_POLY1305, 256,
                IntegrityTransform.NONE, k32, null));
        assertThrows(IllegalArgumentException.class, () -> SkCipher.create(EncryptionTransform.AES_CBC, 64,
                IntegrityTransform.HMAC_SHA2_256_128, new byte[8], k32));
        // The good ones.
        SkCipher.create(EncryptionTransform.AES_GCM_16, 128, IntegrityTransform.NONE, k20, new byte[0]);
        SkCipher.create(EncryptionTransform.CHACHA20_POLY1305, 256, IntegrityTransform.NONE, k36, null);
        SkCipher.create(EncryptionTransform.AES_CBC, 128, IntegrityTransform.HMAC_SHA2_256_128, k16, k32);
    }

    @Test
    void createCopiesTheKeys() throws Exception {
        byte[] enc = new byte[36];
        new Random(9).nextBytes(enc);
        SkCipher sender = SkCipher.create(EncryptionTransform.AES_GCM_16, 256, IntegrityTransform.NONE, enc, null);
        SkCipher receiver = SkCipher.create(EncryptionTransform.AES_GCM_16, 256, IntegrityTransform.NONE, enc.clone(), null);
        Arrays.fill(enc, (byte) 0); // the caller zeroes its copy, e.g. IkeKeyMaterial.destroy()
        byte[] body = sender.seal(new byte[28], new byte[] {1, 2, 3});
        assertArrayEquals(new byte[] {1, 2, 3}, receiver.open(new byte[28], body));
    }
}
