package org.ipsec4j.ike.crypto;

import org.ipsec4j.esp.crypto.DestroyableSecretKey;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.spec.AlgorithmParameterSpec;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;

/**
 * Protects the body of an SK payload (RFC 7296 §3.14) or SKF payload (RFC 7383) in one direction, under one
 * SK_e (and SK_a): the body is IV | ciphertext | ICV, where the ciphertext covers the inner payloads, the padding
 * and the pad-length byte.
 *
 * <ul>
 *   <li>AES-CBC (RFC 7296 §3.14): a random, unpredictable 16-byte IV; padding to the 16-byte block; the ICV is
 *       the integrity transform's truncated HMAC over the message from the IKE header through the ciphertext,
 *       i.e. {@code aad | IV | ciphertext} (encrypt-then-MAC, checked before decrypting).</li>
 *   <li>AES-GCM with a 16-byte ICV (RFC 5282) and ChaCha20-Poly1305 (RFC 7634): key material is key | 4-byte salt;
 *       the 8-byte explicit IV is a counter (from a random start), so it never repeats under one key; the nonce
 *       is salt | IV; the associated data is {@code aad}; no padding, but the pad-length byte is always there
 *       (RFC 5282).</li>
 * </ul>
 *
 * <p>{@code aad} is always the message's bytes from the first octet of the IKE header through the last octet of
 * the SK (or SKF) payload's header, with the final length fields: compute those with {@link #sealedLength}.
 * Not thread-safe: one instance per SA direction, used by the SA's own thread.
 */
public final class SkCipher {

    private static final SecureRandom DEFAULT_RANDOM = new SecureRandom();

    private final EncryptionTransform encryption;
    private final IntegrityTransform integrity;
    private final DestroyableSecretKey cipherKey;
    private final byte[] salt;
    private final Cipher cipher;
    private final Mac mac;
    private final SecureRandom random;
    private final int ivLength;
    private final int icvLength;
    /** AEAD: the next explicit IV, as a big-endian counter. */
    private long nextIv;
    /** AEAD: IVs issued, to refuse a wrap-around (2^64 messages: not reachable in practice). */
    private long ivsIssued;
    private boolean destroyed;

    private SkCipher(EncryptionTransform encryption, int keyBits, IntegrityTransform integrity, byte[] encKeyMaterial,
                     byte[] integKey, SecureRandom random) {
        this.encryption = encryption;
        this.integrity = integrity;
        this.random = random;
        this.ivLength = encryption.ivLength();
        this.icvLength = encryption.aead() ? encryption.icvLength() : integrity.icvLength();
        int keyLength = encryption.keyLength(keyBits);
        this.cipherKey = new DestroyableSecretKey(encKeyMaterial, 0, keyLength, encryption.jcaKeyAlgorithm());
        this.salt = Arrays.copyOfRange(encKeyMaterial, keyLength, keyLength + encryption.saltLength());
        try {
            this.cipher = Cipher.getInstance(encryption.jcaTransformation());
            if (encryption.aead()) {
                this.mac = null;
                byte[] start = new byte[8];
                random.nextBytes(start);
                for (byte b : start) {
                    nextIv = (nextIv << 8) | (b & 0xff);
                }
            } else {
                this.mac = Mac.getInstance(integrity.macAlgorithm());
                DestroyableSecretKey k = new DestroyableSecretKey(integKey, integrity.macAlgorithm());
                mac.init(k);
                k.destroy();
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot provide " + encryption + "/" + integrity, e);
        }
    }

    /**
     * A cipher for one direction.
     *
     * @param keyBits        the negotiated key length in bits (the Key Length attribute; 256 or 0 for ChaCha20)
     * @param integrity      {@link IntegrityTransform#NONE} for the AEADs, an HMAC for AES-CBC
     * @param encKeyMaterial SK_ei or SK_er: the key, then the salt for the AEADs; copied
     * @param integKey       SK_ai or SK_ar for AES-CBC; null or empty for the AEADs; copied
     * @throws IllegalArgumentException for a combination or key length that does not fit
     */
    public static SkCipher create(EncryptionTransform encryption, int keyBits, IntegrityTransform integrity,
                                  byte[] encKeyMaterial, byte[] integKey) {
        return create(encryption, keyBits, integrity, encKeyMaterial, integKey, DEFAULT_RANDOM);
    }

    /** As {@link #create(EncryptionTransform, int, IntegrityTransform, byte[], byte[])}, with the IV source given. */
    public static SkCipher create(EncryptionTransform encryption, int keyBits, IntegrityTransform integrity,
                                  byte[] encKeyMaterial, byte[] integKey, SecureRandom random) {
        Objects.requireNonNull(encryption, "encryption");
        Objects.requireNonNull(integrity, "integrity");
        Objects.requireNonNull(encKeyMaterial, "encKeyMaterial");
        Objects.requireNonNull(random, "random");
        if (!encryption.keyLengthAllowed(keyBits)) {
            throw new IllegalArgumentException(encryption + " does not take a " + keyBits + "-bit key");
        }
        if (encKeyMaterial.length != encryption.keyMaterialLength(keyBits)) {
            throw new IllegalArgumentException(encryption + " with a " + keyBits + "-bit key needs "
                    + encryption.keyMaterialLength(keyBits) + " bytes of key material, not " + encKeyMaterial.length);
        }
        if (encryption.aead()) {
            if (integrity != IntegrityTransform.NONE || (integKey != null && integKey.length != 0)) {
                throw new IllegalArgumentException(encryption + " is a combined mode: the integrity transform must"
                        + " be NONE and there is no integrity key (RFC 5282)");
            }
        } else {
            if (integrity == IntegrityTransform.NONE) {
                throw new IllegalArgumentException(encryption + " needs an integrity transform (RFC 7296 §3.3.3)");
            }
            if (integKey == null || integKey.length != integrity.keyLength()) {
                throw new IllegalArgumentException(integrity + " needs a " + integrity.keyLength() + "-byte key, not "
                        + (integKey == null ? "none" : integKey.length + " bytes"));
            }
        }
        return new SkCipher(encryption, keyBits, integrity, encKeyMaterial, integKey, random);
    }

    public EncryptionTransform encryption() {
        return encryption;
    }

    public IntegrityTransform integrity() {
        return integrity;
    }

    /** The length of the body {@link #seal} makes from {@code plaintextLength} bytes: IV, ciphertext, ICV. */
    public int sealedLength(int plaintextLength) {
        if (plaintextLength < 0) {
            throw new IllegalArgumentException("negative plaintext length");
        }
        return ivLength + plaintextLength + padLength(plaintextLength) + 1 + icvLength;
    }

    /**
     * The most plaintext whose sealed body fits in {@code maxSealedLength} bytes (for sizing SKF fragments,
     * RFC 7383); negative if not even an empty plaintext fits.
     */
    public int maxPlaintextLength(int maxSealedLength) {
        int room = maxSealedLength - ivLength - icvLength;
        int block = encryption.blockSize();
        return room / block * block - 1;
    }

    /**
     * Encrypts and protects {@code plaintext} (the inner payload chain).
     *
     * @param aad the message from the IKE header through the SK/SKF payload header, lengths final
     * @return IV | ciphertext (plaintext, padding, pad-length byte) | ICV
     */
    public byte[] seal(byte[] aad, byte[] plaintext) {
        Objects.requireNonNull(aad, "aad");
        Objects.requireNonNull(plaintext, "plaintext");
        checkLive();
        int padLength = padLength(plaintext.length);
        int ciphertextLength = plaintext.length + padLength + 1;
        byte[] body = new byte[ivLength + ciphertextLength + icvLength];
        // The padding is zeros (any value is allowed, RFC 7296 §3.14); then the pad-length byte.
        System.arraycopy(plaintext, 0, body, ivLength, plaintext.length);
        body[ivLength + ciphertextLength - 1] = (byte) padLength;
        try {
            if (encryption.aead()) {
                writeNextIv(body);
                cipher.init(Cipher.ENCRYPT_MODE, cipherKey, aeadParameters(body));
                cipher.updateAAD(aad);
                // In place; the tag lands after the ciphertext.
                cipher.doFinal(body, ivLength, ciphertextLength, body, ivLength);
            } else {
                byte[] iv = new byte[ivLength];
                random.nextBytes(iv);
                System.arraycopy(iv, 0, body, 0, ivLength);
                cipher.init(Cipher.ENCRYPT_MODE, cipherKey, new IvParameterSpec(body, 0, ivLength));
                cipher.doFinal(body, ivLength, ciphertextLength, body, ivLength);
                byte[] icv = cbcIcv(aad, body, ivLength + ciphertextLength);
                System.arraycopy(icv, 0, body, ivLength + ciphertextLength, icvLength);
                Arrays.fill(icv, (byte) 0);
            }
        } catch (GeneralSecurityException e) {
            Arrays.fill(body, (byte) 0);
            throw new IllegalStateException(encryption + " encryption failed", e);
        }
        return body;
    }

    /**
     * Checks and decrypts an SK/SKF payload body.
     *
     * @param aad  the received message from the IKE header through the SK/SKF payload header
     * @param body IV | ciphertext | ICV as received
     * @return the inner payload chain, without padding and pad-length byte
     * @throws IntegrityCheckFailedException if the body is too short or misaligned, the ICV does not match, or
     *                                       the pad length is impossible
     */
    public byte[] open(byte[] aad, byte[] body) throws IntegrityCheckFailedException {
        Objects.requireNonNull(aad, "aad");
        Objects.requireNonNull(body, "body");
        checkLive();
        byte[] decrypted;
        try {
            decrypted = encryption.aead() ? openAead(aad, body) : openCbc(aad, body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(encryption + " decryption failed", e);
        }
        int padLength = decrypted[decrypted.length - 1] & 0xff;
        if (padLength + 1 > decrypted.length) {
            Arrays.fill(decrypted, (byte) 0);
            throw new IntegrityCheckFailedException(IntegrityCheckFailedException.Reason.BAD_PADDING,
                    "pad length " + padLength + " exceeds the " + (decrypted.length - 1) + " decrypted bytes");
        }
        byte[] plaintext = Arrays.copyOf(decrypted, decrypted.length - 1 - padLength);
        Arrays.fill(decrypted, (byte) 0);
        return plaintext;
    }

    private byte[] openAead(byte[] aad, byte[] body) throws GeneralSecurityException, IntegrityCheckFailedException {
        if (body.length < ivLength + 1 + icvLength) {
            throw new IntegrityCheckFailedException(IntegrityCheckFailedException.Reason.TOO_SHORT,
                    "SK body of " + body.length + " bytes: " + encryption + " needs at least " + (ivLength + 1 + icvLength));
        }
        cipher.init(Cipher.DECRYPT_MODE, cipherKey, aeadParameters(body));
        cipher.updateAAD(aad);
        try {
            // The JDK compares the tag in constant time (GCM and ChaCha20-Poly1305 alike).
            return cipher.doFinal(body, ivLength, body.length - ivLength);
        } catch (AEADBadTagException e) {
            throw new IntegrityCheckFailedException(IntegrityCheckFailedException.Reason.BAD_ICV,
                    encryption + " tag mismatch");
        }
    }

    private byte[] openCbc(byte[] aad, byte[] body) throws GeneralSecurityException, IntegrityCheckFailedException {
        int ciphertextLength = body.length - ivLength - icvLength;
        int block = encryption.blockSize();
        if (ciphertextLength < block) {
            throw new IntegrityCheckFailedException(IntegrityCheckFailedException.Reason.TOO_SHORT,
                    "SK body of " + body.length + " bytes: " + encryption + "/" + integrity + " needs at least "
                            + (ivLength + block + icvLength));
        }
        if (ciphertextLength % block != 0) {
            throw new IntegrityCheckFailedException(IntegrityCheckFailedException.Reason.NOT_BLOCK_ALIGNED,
                    "ciphertext of " + ciphertextLength + " bytes is not a multiple of " + block);
        }
        byte[] expected = cbcIcv(aad, body, ivLength + ciphertextLength);
        byte[] received = Arrays.copyOfRange(body, ivLength + ciphertextLength, body.length);
        // MessageDigest.isEqual takes time that depends only on the length for equal-length arrays.
        boolean match = MessageDigest.isEqual(Arrays.copyOf(expected, icvLength), received);
        Arrays.fill(expected, (byte) 0);
        if (!match) {
            throw new IntegrityCheckFailedException(IntegrityCheckFailedException.Reason.BAD_ICV,
                    integrity + " ICV mismatch");
        }
        cipher.init(Cipher.DECRYPT_MODE, cipherKey, new IvParameterSpec(body, 0, ivLength));
        return cipher.doFinal(body, ivLength, ciphertextLength);
    }

    /** The full HMAC over aad | body[0 .. length) (IV and ciphertext). */
    private byte[] cbcIcv(byte[] aad, byte[] body, int length) {
        mac.update(aad);
        mac.update(body, 0, length);
        return mac.doFinal();
    }

    private AlgorithmParameterSpec aeadParameters(byte[] body) {
        // RFC 5282, RFC 7634 §3: nonce = salt (4) | explicit IV (8).
        byte[] nonce = new byte[salt.length + ivLength];
        System.arraycopy(salt, 0, nonce, 0, salt.length);
        System.arraycopy(body, 0, nonce, salt.length, ivLength);
        return encryption == EncryptionTransform.AES_GCM_16
                ? new GCMParameterSpec(icvLength * 8, nonce)
                : new IvParameterSpec(nonce);
    }

    private void writeNextIv(byte[] body) {
        if (ivsIssued == -1L) {
            throw new IllegalStateException("IV space exhausted; rekey the IKE SA");
        }
        long iv = nextIv++;
        ivsIssued++;
        for (int i = ivLength - 1; i >= 0; i--) {
            body[i] = (byte) iv;
            iv >>>= 8;
        }
    }

    private int padLength(int plaintextLength) {
        int block = encryption.blockSize();
        return (block - (plaintextLength + 1) % block) % block;
    }

    private void checkLive() {
        if (destroyed) {
            throw new IllegalStateException("SkCipher destroyed");
        }
    }

    /**
     * Zeroes the keys this instance holds and re-keys the JDK objects with zeros so their expanded keys are
     * overwritten. Idempotent; seal and open throw afterwards.
     */
    public void destroy() {
        if (destroyed) {
            return;
        }
        destroyed = true;
        cipherKey.destroy();
        Arrays.fill(salt, (byte) 0);
        try {
            DestroyableSecretKey zeros = new DestroyableSecretKey(new byte[encryption == EncryptionTransform.AES_CBC ? 16 : 32],
                    encryption.jcaKeyAlgorithm());
            byte[] iv = new byte[encryption.aead() ? salt.length + ivLength : ivLength];
            cipher.init(Cipher.DECRYPT_MODE, zeros, encryption == EncryptionTransform.AES_GCM_16
                    ? new GCMParameterSpec(128, iv) : new IvParameterSpec(iv));
            if (mac != null) {
                mac.init(new DestroyableSecretKey(new byte[1], integrity.macAlgorithm()));
            }
        } catch (GeneralSecurityException e) {
            // Best effort: the references die with this object anyway.
        }
    }

    public boolean isDestroyed() {
        return destroyed;
    }

    @Override
    public String toString() {
        return "SkCipher[" + encryption + ", " + integrity + (destroyed ? ", destroyed" : "") + "]";
    }
}
