package org.ipsec4j.daemon.state;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Tells whether an SA still has the keys a state file was written for, without keeping the keys: HMAC-SHA-256
 * under a random per-file salt over a label and the length-prefixed encryption and integrity keys. The file
 * thus reveals neither the keys nor whether two files share them; like any key check value it lets a reader
 * test guesses of a weak (password-like) key, so the directory is readable by root only.
 */
public record KeyFingerprint(byte[] salt, byte[] hash) {

    public static final int SALT_LENGTH = 32;
    public static final int HASH_LENGTH = 32;
    private static final byte[] LABEL = "ipsec4j sequence state v1".getBytes(StandardCharsets.US_ASCII);
    private static final SecureRandom RANDOM = new SecureRandom();

    public KeyFingerprint {
        Objects.requireNonNull(salt, "salt");
        Objects.requireNonNull(hash, "hash");
        if (salt.length != SALT_LENGTH || hash.length != HASH_LENGTH) {
            throw new IllegalArgumentException("a key fingerprint is a " + SALT_LENGTH + "-byte salt and a "
                    + HASH_LENGTH + "-byte HMAC-SHA-256");
        }
        salt = salt.clone();
        hash = hash.clone();
    }

    /** A fingerprint of these keys under a fresh random salt. */
    public static KeyFingerprint of(byte[] encryptionKey, byte[] integrityKey) {
        byte[] salt = new byte[SALT_LENGTH];
        RANDOM.nextBytes(salt);
        return new KeyFingerprint(salt, hash(salt, encryptionKey, integrityKey));
    }

    /** Whether these keys are the ones fingerprinted (compared in constant time). */
    public boolean matches(byte[] encryptionKey, byte[] integrityKey) {
        return MessageDigest.isEqual(hash, hash(salt, encryptionKey, integrityKey));
    }

    @Override
    public byte[] salt() {
        return salt.clone();
    }

    @Override
    public byte[] hash() {
        return hash.clone();
    }

    private static byte[] hash(byte[] salt, byte[] encryptionKey, byte[] integrityKey) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(salt, "HmacSHA256"));
            mac.update(LABEL);
            lengthPrefixed(mac, encryptionKey);
            lengthPrefixed(mac, integrityKey);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
        }
    }

    private static void lengthPrefixed(Mac mac, byte[] bytes) {
        mac.update(new byte[] {(byte) (bytes.length >>> 8), (byte) bytes.length});
        mac.update(bytes);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof KeyFingerprint f && Arrays.equals(salt, f.salt) && Arrays.equals(hash, f.hash);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(hash);
    }

    @Override
    public String toString() {
        return "KeyFingerprint[...]";
    }
}
