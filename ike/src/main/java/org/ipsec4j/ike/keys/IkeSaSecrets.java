package org.ipsec4j.ike.keys;

import java.util.Arrays;
import java.util.Objects;

import org.ipsec4j.ike.crypto.EncryptionTransform;
import org.ipsec4j.ike.crypto.IntegrityTransform;
import org.ipsec4j.ike.crypto.SkCipher;

/**
 * The keys that protect one IKE SA's SK and SKF payloads (RFC 7296 §2.14): SK_ei and SK_ai for what the
 * original initiator sends, SK_er and SK_ar for the responder; with an AEAD, SK_e is key | 4-byte salt and the
 * SK_a are empty. SK_d and SK_p are not kept: reading a capture does not need them.
 *
 * <p>{@code spiI} and {@code spiR} are 0 when the source did not say which IKE SA the keys belong to (charon
 * logs no SPIs for the IKE SA of a rekey): {@link IkeDecryptor} then finds out by trying them.
 *
 * <p>The record owns its arrays and hands them out as they are; {@link #destroy()} zeroes them.
 */
public record IkeSaSecrets(long spiI, long spiR, EncryptionTransform encryption, int keyBits,
                           IntegrityTransform integrity, byte[] skEi, byte[] skEr, byte[] skAi, byte[] skAr) {

    public IkeSaSecrets {
        Objects.requireNonNull(encryption, "encryption");
        Objects.requireNonNull(integrity, "integrity");
        Objects.requireNonNull(skEi, "skEi");
        Objects.requireNonNull(skEr, "skEr");
        Objects.requireNonNull(skAi, "skAi");
        Objects.requireNonNull(skAr, "skAr");
        if (!encryption.keyLengthAllowed(keyBits)) {
            throw new IllegalArgumentException(encryption + " does not take a " + keyBits + "-bit key");
        }
        int e = encryption.keyMaterialLength(keyBits);
        if (skEi.length != e || skEr.length != e) {
            throw new IllegalArgumentException(name(encryption, keyBits) + " needs " + e + " bytes of SK_e, not "
                    + skEi.length + "/" + skEr.length);
        }
        if (encryption.aead() != (integrity == IntegrityTransform.NONE)) {
            throw new IllegalArgumentException(name(encryption, keyBits) + " with " + integrity
                    + ": an AEAD goes without an integrity transform, AES-CBC with one");
        }
        int a = integrity.keyLength();
        if (skAi.length != a || skAr.length != a) {
            throw new IllegalArgumentException(integrity + " needs " + a + " bytes of SK_a, not " + skAi.length + "/"
                    + skAr.length);
        }
    }

    /** Whether the SPIs are known (else both are 0). */
    public boolean spisKnown() {
        return spiI != 0;
    }

    /** The same keys, now known to belong to this IKE SA (the arrays are shared, not copied). */
    public IkeSaSecrets withSpis(long initiatorSpi, long responderSpi) {
        return new IkeSaSecrets(initiatorSpi, responderSpi, encryption, keyBits, integrity, skEi, skEr, skAi, skAr);
    }

    /** The encryption transform as strongSwan names it: AES_GCM_16_128, AES_CBC_256, CHACHA20_POLY1305. */
    public String encryptionName() {
        return name(encryption, keyBits);
    }

    static String name(EncryptionTransform encryption, int keyBits) {
        return encryption == EncryptionTransform.CHACHA20_POLY1305 ? encryption.name() : encryption.name() + "_"
                + keyBits;
    }

    /**
     * A cipher that opens what one side sends: the original initiator's messages ({@code fromInitiator}) with
     * SK_ei/SK_ai, the responder's with SK_er/SK_ar. The cipher copies the keys; destroy it when done.
     */
    public SkCipher cipher(boolean fromInitiator) {
        return SkCipher.create(encryption, keyBits, integrity, fromInitiator ? skEi : skEr,
                integrity == IntegrityTransform.NONE ? null : fromInitiator ? skAi : skAr);
    }

    /** Zeroes the four keys. */
    public void destroy() {
        Arrays.fill(skEi, (byte) 0);
        Arrays.fill(skEr, (byte) 0);
        Arrays.fill(skAi, (byte) 0);
        Arrays.fill(skAr, (byte) 0);
    }

    @Override
    public boolean equals(Object o) {
        return this == o;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }

    @Override
    public String toString() {
        return "IkeSaSecrets[" + (spisKnown() ? String.format("%016x_%016x", spiI, spiR) : "SPIs unknown") + " "
                + encryptionName() + (integrity == IntegrityTransform.NONE ? "" : "/" + integrity) + "]";
    }
}
