package org.ipsec4j.ike.crypto;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Jazzer targets for the two places peer bytes meet ike.crypto: {@link SkCipher#open} and
 * {@link DhKeyPair#sharedSecret}. Either may only answer with its checked exception. For open, the first byte picks
 * a mode: 0 and 1 hand the rest to a GCM and a CBC cipher (the fuzzer cannot forge their ICVs, so this exercises
 * the length checks); 2 takes the rest as IV | ciphertext of a CBC body and appends the right ICV, so the
 * decryption and the pad-length check behind the ICV are reached. Plain {@code mvn test} replays the seeds in
 * {@code src/test/resources/org/ipsec4j/ike/crypto/IkeCryptoFuzzTestInputs/}.
 */
class IkeCryptoFuzzTest {

    private static final byte[] AAD = new byte[32];
    private final SkCipher gcm = SkCipher.create(EncryptionTransform.AES_GCM_16, 128, IntegrityTransform.NONE,
            new byte[20], null);
    private final SkCipher cbc = SkCipher.create(EncryptionTransform.AES_CBC, 128,
            IntegrityTransform.HMAC_SHA2_256_128, new byte[16], new byte[32]);
    private final DhKeyPair[] pairs = Arrays.stream(DhGroup.values())
            .map(g -> g.generate(new SecureRandom())).toArray(DhKeyPair[]::new);

    @FuzzTest(maxDuration = "30s")
    void open(byte[] input) throws Exception {
        if (input.length == 0) {
            return;
        }
        int mode = (input[0] & 0xFF) % 3;
        byte[] body = Arrays.copyOfRange(input, 1, input.length);
        SkCipher cipher = mode == 0 ? gcm : cbc;
        if (mode == 2) {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(new byte[32], "HmacSHA256"));
            mac.update(AAD);
            mac.update(body);
            body = IkeKeyMaterialTest.cat(body, Arrays.copyOf(mac.doFinal(), 16));
        }
        try {
            byte[] plaintext = cipher.open(AAD, body);
            if (plaintext.length > body.length) {
                throw new IllegalStateException("plaintext longer than the body");
            }
        } catch (IntegrityCheckFailedException expected) {
            // the only allowed failure
        }
    }

    @FuzzTest(maxDuration = "30s")
    void sharedSecret(byte[] input) {
        if (input.length == 0) {
            return;
        }
        DhKeyPair pair = pairs[(input[0] & 0xFF) % pairs.length];
        byte[] peer = Arrays.copyOfRange(input, 1, input.length);
        // Most fuzz inputs have the wrong length; stretch short ones to the group's length half of the time.
        if ((input[0] & 0x80) != 0) {
            peer = Arrays.copyOf(peer, pair.group().publicValueLength());
        }
        try {
            byte[] secret = pair.sharedSecret(peer);
            if (secret.length != pair.group().sharedSecretLength()) {
                throw new IllegalStateException("shared secret of " + secret.length + " bytes");
            }
        } catch (InvalidKeyExchangeException expected) {
            // the only allowed failure
        }
    }
}
