package org.ipsec4j.ike.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The SK body bit for bit: RFC 7634 Appendix B (ChaCha20-Poly1305 in IKEv2), and for every suite the body seal
 * makes equals one built from the JDK primitives by hand (nonce = salt | IV, AAD = the header bytes, CBC's ICV over
 * aad | IV | ciphertext), given the same IV.
 */
class SkCipherKnownAnswerTest {

    /** A SecureRandom that hands out the bytes it was given, over and over. */
    static final class FixedRandom extends SecureRandom {
        private static final long serialVersionUID = 1L;
        private final byte[] bytes;

        FixedRandom(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public void nextBytes(byte[] out) {
            for (int i = 0; i < out.length; i++) {
                out[i] = bytes[i % bytes.length];
            }
        }
    }

    @Test
    void rfc7634AppendixB() throws Exception {
        // KEYMAT (key | salt), IV, the IKE header with the SK payload header as AAD, one Notify payload inside.
        byte[] keyMaterial = Hex.bytes("""
                80 81 82 83 84 85 86 87 88 89 8a 8b 8c 8d 8e 8f
                90 91 92 93 94 95 96 97 98 99 9a 9b 9c 9d 9e 9f
                a0 a1 a2 a3""");
        byte[] iv = Hex.bytes("10 11 12 13 14 15 16 17");
        byte[] aad = Hex.bytes("""
                c0 c1 c2 c3 c4 c5 c6 c7 d0 d1 d2 d3 d4 d5 d6 d7
                2e 20 25 00 00 00 00 09 00 00 00 45 29 00 00 29""");
        byte[] notify = Hex.bytes("00 00 00 0c 00 00 40 01 00 00 00 0a");
        byte[] expectedBody = Hex.bytes("""
                10 11 12 13 14 15 16 17
                61 03 94 70 1f 8d 01 7f 7c 12 92 48 89
                6b 71 bf e2 52 36 ef d7 cd c6 70 66 90 63 15 b2""");
        // The SK payload length in the AAD (0x29 = 41) is its header plus this body.
        assertEquals(0x29 - 4, expectedBody.length);

        SkCipher sender = SkCipher.create(EncryptionTransform.CHACHA20_POLY1305, 256, IntegrityTransform.NONE,
                keyMaterial, null, new FixedRandom(iv));
        assertEquals(expectedBody.length, sender.sealedLength(notify.length));
        assertArrayEquals(expectedBody, sender.seal(aad, notify));

        SkCipher receiver = SkCipher.create(EncryptionTransform.CHACHA20_POLY1305, 0, IntegrityTransform.NONE,
                keyMaterial, null);
        assertArrayEquals(notify, receiver.open(aad, expectedBody));
    }

    static List<SkSuites.Suite> suites() {
        return SkSuites.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void sealEqualsTheConstructionDoneByHand(SkSuites.Suite suite) throws Exception {
        // Same keys as SkCipherTamperTest.sealByHand (seed 42) and the same IV it uses (Random(99)).
        Random random = new Random(42);
        byte[] keyMaterial = new byte[suite.encryption().keyMaterialLength(suite.keyBits())];
        byte[] integKey = new byte[suite.integrity().keyLength()];
        random.nextBytes(keyMaterial);
        random.nextBytes(integKey);
        byte[] iv = new byte[suite.encryption().ivLength()];
        new Random(99).nextBytes(iv);
        SkCipher cipher = SkCipher.create(suite.encryption(), suite.keyBits(), suite.integrity(), keyMaterial, integKey,
                new FixedRandom(iv));

        byte[] aad = new byte[32];
        new Random(5).nextBytes(aad);
        for (int length : new int[] {0, 1, 14, 15, 16, 17, 100}) {
            byte[] plaintext = new byte[length];
            new Random(length).nextBytes(plaintext);
            // What goes under the cipher: plaintext, zero padding to the block, the pad-length byte.
            int block = suite.encryption().blockSize();
            int pad = (block - (length + 1) % block) % block;
            byte[] decrypted = Arrays.copyOf(plaintext, length + pad + 1);
            decrypted[decrypted.length - 1] = (byte) pad;
            // A fresh cipher per length, so the AEAD counter starts at the fixed IV each time.
            SkCipher fresh = SkCipher.create(suite.encryption(), suite.keyBits(), suite.integrity(), keyMaterial,
                    integKey, new FixedRandom(iv));
            assertArrayEquals(SkCipherTamperTest.sealByHand(suite, aad, decrypted), fresh.seal(aad, plaintext),
                    "length " + length);
        }
        cipher.destroy();
    }

    @Test
    void aeadIvIsABigEndianCounterFromTheRandomStart() {
        byte[] start = Hex.bytes("00 00 00 00 00 00 00 fe");
        SkCipher cipher = SkCipher.create(EncryptionTransform.AES_GCM_16, 128, IntegrityTransform.NONE, new byte[20],
                null, new FixedRandom(start));
        assertEquals("00000000000000fe", Hex.of(Arrays.copyOf(cipher.seal(new byte[28], new byte[1]), 8)));
        assertEquals("00000000000000ff", Hex.of(Arrays.copyOf(cipher.seal(new byte[28], new byte[1]), 8)));
        assertEquals("0000000000000100", Hex.of(Arrays.copyOf(cipher.seal(new byte[28], new byte[1]), 8)));
    }
}
