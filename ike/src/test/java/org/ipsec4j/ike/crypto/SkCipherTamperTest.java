package org.ipsec4j.ike.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.ipsec4j.ike.crypto.IntegrityCheckFailedException.Reason;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * open refuses every change: a flipped bit anywhere in the IV, ciphertext, ICV or associated data, a truncated
 * body, a wrong key; and it refuses an authentic body whose pad length overruns the plaintext, while accepting
 * any padding that does fit (RFC 7296 §3.14: the recipient must accept it).
 */
class SkCipherTamperTest {

    private static final int SEED = 42;

    static List<SkSuites.Suite> suites() {
        return SkSuites.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void aFlippedBitAnywhereInTheBodyOrAadIsRefused(SkSuites.Suite suite) throws Exception {
        SkCipher sender = suite.cipher(SEED);
        SkCipher receiver = suite.cipher(SEED);
        Random random = new Random(1);
        byte[] aad = new byte[32];
        byte[] plaintext = new byte[37];
        random.nextBytes(aad);
        random.nextBytes(plaintext);
        byte[] body = sender.seal(aad, plaintext);
        for (int i = 0; i < body.length; i++) {
            for (int bit : new int[] {0, 7}) {
                byte[] tampered = body.clone();
                tampered[i] ^= (byte) (1 << bit);
                IntegrityCheckFailedException e = assertThrows(IntegrityCheckFailedException.class,
                        () -> receiver.open(aad, tampered), "body byte " + i);
                assertEquals(Reason.BAD_ICV, e.reason());
            }
        }
        for (int i = 0; i < aad.length; i++) {
            byte[] tampered = aad.clone();
            tampered[i] ^= 1;
            IntegrityCheckFailedException e = assertThrows(IntegrityCheckFailedException.class,
                    () -> receiver.open(tampered, body), "aad byte " + i);
            assertEquals(Reason.BAD_ICV, e.reason());
        }
        assertThrows(IntegrityCheckFailedException.class, () -> receiver.open(Arrays.copyOf(aad, 31), body));
        // Untouched, it still opens.
        assertArrayEquals(plaintext, receiver.open(aad, body));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void everyTruncationAndExtensionIsRefused(SkSuites.Suite suite) throws Exception {
        SkCipher sender = suite.cipher(SEED);
        SkCipher receiver = suite.cipher(SEED);
        byte[] aad = new byte[32];
        byte[] body = sender.seal(aad, new byte[40]);
        for (int length = 0; length < body.length; length++) {
            byte[] cut = Arrays.copyOf(body, length);
            assertThrows(IntegrityCheckFailedException.class, () -> receiver.open(aad, cut), "length " + length);
        }
        for (int extra : new int[] {1, 15, 16}) {
            byte[] longer = Arrays.copyOf(body, body.length + extra);
            assertThrows(IntegrityCheckFailedException.class, () -> receiver.open(aad, longer), "+" + extra);
        }
        IntegrityCheckFailedException empty = assertThrows(IntegrityCheckFailedException.class,
                () -> receiver.open(aad, new byte[0]));
        assertEquals(Reason.TOO_SHORT, empty.reason());
        if (!suite.encryption().aead()) {
            byte[] misaligned = Arrays.copyOf(body, body.length - 1);
            assertEquals(Reason.NOT_BLOCK_ALIGNED, assertThrows(IntegrityCheckFailedException.class,
                    () -> receiver.open(aad, misaligned)).reason());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void anotherKeyIsRefused(SkSuites.Suite suite) {
        byte[] body = suite.cipher(SEED).seal(new byte[28], new byte[20]);
        assertEquals(Reason.BAD_ICV, assertThrows(IntegrityCheckFailedException.class,
                () -> suite.cipher(SEED + 1).open(new byte[28], body)).reason());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void anAuthenticPadLengthBeyondThePlaintextIsRefused(SkSuites.Suite suite) throws Exception {
        SkCipher receiver = suite.cipher(SEED);
        byte[] aad = new byte[28];
        int block = suite.encryption().blockSize();
        // Decrypted: (block - 1) bytes then a pad-length byte claiming 'block' bytes of padding.
        byte[] decrypted = new byte[Math.max(block, 1)];
        decrypted[decrypted.length - 1] = (byte) decrypted.length;
        assertEquals(Reason.BAD_PADDING, assertThrows(IntegrityCheckFailedException.class,
                () -> receiver.open(aad, sealByHand(suite, aad, decrypted))).reason());
        byte[] maximal = new byte[block == 1 ? 1 : 16];
        maximal[maximal.length - 1] = (byte) 255;
        assertEquals(Reason.BAD_PADDING, assertThrows(IntegrityCheckFailedException.class,
                () -> receiver.open(aad, sealByHand(suite, aad, maximal))).reason());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void longerPaddingThanNeededIsAccepted(SkSuites.Suite suite) throws Exception {
        SkCipher receiver = suite.cipher(SEED);
        byte[] aad = new byte[28];
        // 10 bytes of payload, 21 bytes of non-zero padding, pad length 21: 32 bytes, aligned for CBC too.
        byte[] decrypted = new byte[32];
        for (int i = 0; i < 10; i++) {
            decrypted[i] = (byte) (i + 1);
        }
        Arrays.fill(decrypted, 10, 31, (byte) 0xa5);
        decrypted[31] = 21;
        assertArrayEquals(Arrays.copyOf(decrypted, 10), receiver.open(aad, sealByHand(suite, aad, decrypted)));
    }

    /**
     * An SK body built from the JDK primitives directly, with the keys {@link SkSuites.Suite#cipher} draws from
     * {@link #SEED}: for the AEADs IV | AEAD(salt | IV, aad, decrypted), for CBC IV | CBC(decrypted) | HMAC.
     */
    static byte[] sealByHand(SkSuites.Suite suite, byte[] aad, byte[] decrypted) throws Exception {
        Random random = new Random(SEED);
        EncryptionTransform enc = suite.encryption();
        byte[] keyMaterial = new byte[enc.keyMaterialLength(suite.keyBits())];
        byte[] integKey = new byte[suite.integrity().keyLength()];
        random.nextBytes(keyMaterial);
        random.nextBytes(integKey);
        int keyLength = enc.keyLength(suite.keyBits());
        byte[] iv = new byte[enc.ivLength()];
        new Random(99).nextBytes(iv);
        if (enc.aead()) {
            byte[] nonce = IkeKeyMaterialTest.cat(Arrays.copyOfRange(keyMaterial, keyLength, keyLength + 4), iv);
            Cipher c = Cipher.getInstance(enc == EncryptionTransform.AES_GCM_16 ? "AES/GCM/NoPadding" : "ChaCha20-Poly1305");
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(keyMaterial, 0, keyLength,
                            enc == EncryptionTransform.AES_GCM_16 ? "AES" : "ChaCha20"),
                    enc == EncryptionTransform.AES_GCM_16 ? new GCMParameterSpec(128, nonce) : new IvParameterSpec(nonce));
            c.updateAAD(aad);
            return IkeKeyMaterialTest.cat(iv, c.doFinal(decrypted));
        }
        Cipher c = Cipher.getInstance("AES/CBC/NoPadding");
        c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(keyMaterial, "AES"), new IvParameterSpec(iv));
        byte[] ciphertext = c.doFinal(decrypted);
        Mac mac = Mac.getInstance(suite.integrity().macAlgorithm());
        mac.init(new SecretKeySpec(integKey, suite.integrity().macAlgorithm()));
        mac.update(aad);
        mac.update(iv);
        mac.update(ciphertext);
        byte[] icv = Arrays.copyOf(mac.doFinal(), suite.integrity().icvLength());
        return IkeKeyMaterialTest.cat(iv, ciphertext, icv);
    }
}
