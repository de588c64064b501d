package org.ipsec4j.ike.crypto;

import java.util.Objects;

/**
 * The seven secrets of an IKE SA (RFC 7296 §2.14): SK_d for Child SA keys, SK_ai/SK_ar for integrity, SK_ei/SK_er
 * for encryption (key | salt for the AEADs) and SK_pi/SK_pr for the AUTH payloads. The "i" keys protect what the
 * original initiator sends.
 *
 * <p>The record owns its arrays and its accessors return them, not copies, so {@link #destroy()} zeroes what every
 * holder sees; copy a key that must outlive it (SkCipher.create copies). {@link #toString()} prints no key.
 */
public record IkeKeyMaterial(byte[] skD, byte[] skAi, byte[] skAr, byte[] skEi, byte[] skEr, byte[] skPi,
                             byte[] skPr) {

    public IkeKeyMaterial {
        Objects.requireNonNull(skD, "skD");
        Objects.requireNonNull(skAi, "skAi");
        Objects.requireNonNull(skAr, "skAr");
        Objects.requireNonNull(skEi, "skEi");
        Objects.requireNonNull(skEr, "skEr");
        Objects.requireNonNull(skPi, "skPi");
        Objects.requireNonNull(skPr, "skPr");
    }

    /**
     * The keys of a new IKE SA from IKE_SA_INIT (RFC 7296 §2.14): SKEYSEED = prf(Ni | Nr, g^ir), then
     * {SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr} = prf+(SKEYSEED, Ni | Nr | SPIi | SPIr).
     *
     * @param sharedSecret          g^ir as {@link DhKeyPair#sharedSecret} returns it
     * @param spiI                  the initiator's IKE SPI, as in the IKE header
     * @param encKeyMaterialLength  bytes of SK_ei and SK_er ({@link EncryptionTransform#keyMaterialLength})
     * @param integKeyLength        bytes of SK_ai and SK_ar ({@link IntegrityTransform#keyLength}, 0 for an AEAD)
     */
    public static IkeKeyMaterial derive(PseudoRandomFunction prf, byte[] ni, byte[] nr, byte[] sharedSecret,
                                        long spiI, long spiR, int encKeyMaterialLength, int integKeyLength) {
        Objects.requireNonNull(sharedSecret, "sharedSecret");
        byte[] skeyseed = skeyseed(prf, ni, nr, sharedSecret);
        try {
            return expand(prf, skeyseed, ni, nr, spiI, spiR, encKeyMaterialLength, integKeyLength);
        } finally {
            Bytes.zero(skeyseed);
        }
    }

    /**
     * The keys of the IKE SA that replaces this one in a CREATE_CHILD_SA rekey (RFC 7296 §2.18), when old and new
     * SA use the same PRF: SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr), then as in §2.14 with the new nonces
     * and the new SA's SPIs.
     */
    public static IkeKeyMaterial rekey(PseudoRandomFunction prf, byte[] oldSkD, byte[] sharedSecret, byte[] ni,
                                       byte[] nr, long spiI, long spiR, int encKeyMaterialLength, int integKeyLength) {
        return rekey(prf, prf, oldSkD, sharedSecret, ni, nr, spiI, spiR, encKeyMaterialLength, integKeyLength);
    }

    /**
     * As {@link #rekey(PseudoRandomFunction, byte[], byte[], byte[], byte[], long, long, int, int)} when the new SA
     * negotiated another PRF: RFC 7296 §2.18 computes SKEYSEED with the old SA's PRF (the exchange belongs to it)
     * and the prf+ expansion with the new SA's.
     */
    public static IkeKeyMaterial rekey(PseudoRandomFunction oldPrf, PseudoRandomFunction newPrf, byte[] oldSkD,
                                       byte[] sharedSecret, byte[] ni, byte[] nr, long spiI, long spiR,
                                       int encKeyMaterialLength, int integKeyLength) {
        Objects.requireNonNull(newPrf, "newPrf");
        byte[] skeyseed = rekeySkeyseed(oldPrf, oldSkD, sharedSecret, ni, nr);
        try {
            return expand(newPrf, skeyseed, ni, nr, spiI, spiR, encKeyMaterialLength, integKeyLength);
        } finally {
            Bytes.zero(skeyseed);
        }
    }

    /** RFC 7296 §2.14: SKEYSEED = prf(Ni | Nr, g^ir). */
    static byte[] skeyseed(PseudoRandomFunction prf, byte[] ni, byte[] nr, byte[] sharedSecret) {
        byte[] nonces = Bytes.concat(ni, nr);
        return prf.apply(nonces, sharedSecret);
    }

    /** RFC 7296 §2.18: SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr). */
    static byte[] rekeySkeyseed(PseudoRandomFunction oldPrf, byte[] oldSkD, byte[] sharedSecret, byte[] ni,
                                byte[] nr) {
        Objects.requireNonNull(oldSkD, "oldSkD");
        Objects.requireNonNull(sharedSecret, "sharedSecret (the rekey of an IKE SA always has a new DH, RFC 7296 §2.18)");
        return oldPrf.apply(oldSkD, sharedSecret, ni, nr);
    }

    /** RFC 7296 §2.14: the seven keys, in order, from prf+(SKEYSEED, Ni | Nr | SPIi | SPIr). */
    static IkeKeyMaterial expand(PseudoRandomFunction prf, byte[] skeyseed, byte[] ni, byte[] nr, long spiI, long spiR,
                                 int encKeyMaterialLength, int integKeyLength) {
        Objects.requireNonNull(ni, "ni");
        Objects.requireNonNull(nr, "nr");
        if (encKeyMaterialLength < 0 || integKeyLength < 0) {
            throw new IllegalArgumentException("negative key length");
        }
        int prfKey = prf.keyLength();
        byte[] seed = Bytes.concat(ni, nr, Bytes.bigEndian(spiI), Bytes.bigEndian(spiR));
        byte[] keymat = prf.prfPlus(skeyseed, seed, 3 * prfKey + 2 * integKeyLength + 2 * encKeyMaterialLength);
        try {
            KeySplitter s = new KeySplitter(keymat);
            return new IkeKeyMaterial(s.take(prfKey), s.take(integKeyLength), s.take(integKeyLength),
                    s.take(encKeyMaterialLength), s.take(encKeyMaterialLength), s.take(prfKey), s.take(prfKey));
        } finally {
            Bytes.zero(keymat);
        }
    }

    /** Zeroes all seven keys. */
    public void destroy() {
        Bytes.zero(skD, skAi, skAr, skEi, skEr, skPi, skPr);
    }

    @Override
    public String toString() {
        return "IkeKeyMaterial[SK_d " + skD.length + ", SK_a " + skAi.length + ", SK_e " + skEi.length + ", SK_p "
                + skPi.length + " bytes]";
    }
}
