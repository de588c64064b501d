package org.ipsec4j.esp.crypto;

import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * HMAC (RFC 2104) over a reused {@link MessageDigest}, writing into a caller's array.
 *
 * <p>Why not {@code javax.crypto.Mac}: its {@code doFinal(byte[], int)} allocates the tag and the inner hash
 * on every call (Mac.doFinal() then arraycopy; HmacCore digests into a fresh array). The construction is
 * H((K ^ opad) || H((K ^ ipad) || m)), and {@code MessageDigest.digest(byte[], int, int)} writes in place, so
 * this costs the same two extra compression-function calls per message as the JDK's and allocates nothing.
 * The HMAC known-answer tests (RFC 2202, RFC 4231/4868) and a property test against {@code Mac} pin it down.
 * Not thread-safe.
 */
final class Hmac {

    private final MessageDigest digest;
    private final byte[] innerPad;
    private final byte[] outerPad;
    private final byte[] innerHash;
    private final int digestLength;

    Hmac(IntegrityAlgorithm algorithm, byte[] key, int keyOff, int keyLen) {
        try {
            this.digest = MessageDigest.getInstance(algorithm.digestName());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks " + algorithm.digestName(), e);
        }
        int blockSize = algorithm.digestBlockSize();
        this.digestLength = algorithm.digestLength();
        byte[] k = new byte[blockSize];
        if (keyLen > blockSize) {
            // RFC 2104 §2: a key longer than the block is hashed first.
            digest.update(key, keyOff, keyLen);
            finishDigest(k, 0);
        } else {
            System.arraycopy(key, keyOff, k, 0, keyLen);
        }
        innerPad = new byte[blockSize];
        outerPad = new byte[blockSize];
        for (int i = 0; i < blockSize; i++) {
            innerPad[i] = (byte) (k[i] ^ 0x36);
            outerPad[i] = (byte) (k[i] ^ 0x5C);
        }
        Arrays.fill(k, (byte) 0);
        innerHash = new byte[digestLength];
        digest.update(innerPad);
    }

    int digestLength() {
        return digestLength;
    }

    /** Adds message bytes. A new message starts after {@link #finish} (or after construction). */
    void update(byte[] b, int off, int len) {
        digest.update(b, off, len);
    }

    /** Adds one big-endian 32-bit word (the ESN high bits). */
    void updateInt(int v) {
        digest.update((byte) (v >>> 24));
        digest.update((byte) (v >>> 16));
        digest.update((byte) (v >>> 8));
        digest.update((byte) v);
    }

    /** Writes the full, untruncated HMAC to {@code out[off .. off + digestLength)} and starts a new message. */
    void finish(byte[] out, int off) {
        finishDigest(innerHash, 0);
        digest.update(outerPad);
        digest.update(innerHash);
        finishDigest(out, off);
        digest.update(innerPad);
    }

    /** Forgets a message half fed in and starts a new one. */
    void restart() {
        digest.reset();
        digest.update(innerPad);
    }

    private void finishDigest(byte[] out, int off) {
        try {
            digest.digest(out, off, digestLength);
        } catch (DigestException e) {
            throw new IllegalStateException("digest output does not fit", e);
        }
    }

    /** Zeroes the derived key blocks; the digest state is reset so no key-dependent state stays in it. */
    void destroy() {
        Arrays.fill(innerPad, (byte) 0);
        Arrays.fill(outerPad, (byte) 0);
        Arrays.fill(innerHash, (byte) 0);
        digest.reset();
    }
}
