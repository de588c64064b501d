package org.ipsec4j.esp.crypto;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Unpredictable IVs for the CBC transforms: the AES-CTR keystream under a 128-bit key and start counter
 * drawn from {@link SecureRandom} when the codec is built.
 *
 * <p>RFC 3602 §2 and RFC 4303 §3.2 need an IV the attacker cannot predict before seeing the packet (a
 * predictable CBC IV enables chosen-plaintext attacks of the BEAST kind). AES-CTR under a secret random key
 * is a pseudorandom function of the counter, so every block is unpredictable to anyone without that key;
 * this is the construction of NIST SP 800-90A's CTR_DRBG, without reseeding, and it is unrelated to the
 * SA's own key. Against the alternatives: {@code SecureRandom.nextBytes} per packet takes a lock and, for
 * NativePRNG, a read of /dev/urandom; {@code SplittableRandom} and friends are predictable from their output.
 * Here the keystream is made 64 blocks at a time into a reused buffer: about 3 ns and no allocation per IV.
 * Not thread-safe.
 */
final class RandomIvGenerator {

    private static final int BUFFER_LENGTH = 1024;
    private static final byte[] ZEROS = new byte[BUFFER_LENGTH];

    private final Cipher ctr;
    private final byte[] keystream = new byte[BUFFER_LENGTH];
    private int position = BUFFER_LENGTH;

    RandomIvGenerator(SecureRandom random) {
        byte[] key = new byte[16];
        byte[] counter = new byte[16];
        random.nextBytes(key);
        random.nextBytes(counter);
        try {
            ctr = Cipher.getInstance("AES/CTR/NoPadding");
            ctr.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(counter));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/CTR unavailable", e);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /** Writes {@code len} (at most 1024) unpredictable bytes to {@code out[off ..]}. */
    void next(byte[] out, int off, int len) {
        if (position + len > BUFFER_LENGTH) {
            refill();
        }
        System.arraycopy(keystream, position, out, off, len);
        position += len;
    }

    private void refill() {
        try {
            ctr.update(ZEROS, 0, BUFFER_LENGTH, keystream, 0);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        position = 0;
    }

    void destroy() {
        Arrays.fill(keystream, (byte) 0);
        position = BUFFER_LENGTH;
    }
}
