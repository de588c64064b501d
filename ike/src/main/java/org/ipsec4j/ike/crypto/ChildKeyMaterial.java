package org.ipsec4j.ike.crypto;

import java.util.Objects;

/**
 * The keys of one ESP Child SA pair (RFC 7296 §2.17): encryption key material (key | salt for the AEADs) and
 * integrity key for each direction. The record owns its arrays and its accessors return them, not copies, so
 * {@link #destroy()} zeroes what every holder sees. {@link #toString()} prints no key.
 */
public record ChildKeyMaterial(byte[] initiatorEncryption, byte[] initiatorIntegrity, byte[] responderEncryption,
                               byte[] responderIntegrity) {

    public ChildKeyMaterial {
        Objects.requireNonNull(initiatorEncryption, "initiatorEncryption");
        Objects.requireNonNull(initiatorIntegrity, "initiatorIntegrity");
        Objects.requireNonNull(responderEncryption, "responderEncryption");
        Objects.requireNonNull(responderIntegrity, "responderIntegrity");
    }

    /**
     * KEYMAT = prf+(SK_d, Ni | Nr), or prf+(SK_d, g^ir (new) | Ni | Nr) when the CREATE_CHILD_SA exchange had its
     * own Diffie-Hellman (RFC 7296 §2.17). The initiator-to-responder SA's keys come first, then the other
     * direction's; within each, the encryption key precedes the integrity key (§2.17, after RFC 4301).
     *
     * @param sharedSecretOrNull g^ir of the CREATE_CHILD_SA exchange's KE payloads (PFS), or null without one
     * @param ni                 the nonces of IKE_SA_INIT for the first Child SA, else those of the
     *                           CREATE_CHILD_SA exchange
     * @param encKeyMaterialLength bytes per direction (EncryptionAlgorithm.keyMaterialLength() on the ESP side)
     * @param integKeyLength     bytes per direction (0 for an AEAD)
     */
    public static ChildKeyMaterial derive(PseudoRandomFunction prf, byte[] skD, byte[] sharedSecretOrNull, byte[] ni,
                                          byte[] nr, int encKeyMaterialLength, int integKeyLength) {
        Objects.requireNonNull(prf, "prf");
        Objects.requireNonNull(skD, "skD");
        Objects.requireNonNull(ni, "ni");
        Objects.requireNonNull(nr, "nr");
        if (encKeyMaterialLength < 0 || integKeyLength < 0 || encKeyMaterialLength + integKeyLength == 0) {
            throw new IllegalArgumentException("key lengths " + encKeyMaterialLength + "/" + integKeyLength);
        }
        byte[] seed = sharedSecretOrNull == null ? Bytes.concat(ni, nr) : Bytes.concat(sharedSecretOrNull, ni, nr);
        byte[] keymat = prf.prfPlus(skD, seed, 2 * (encKeyMaterialLength + integKeyLength));
        try {
            KeySplitter s = new KeySplitter(keymat);
            return new ChildKeyMaterial(s.take(encKeyMaterialLength), s.take(integKeyLength),
                    s.take(encKeyMaterialLength), s.take(integKeyLength));
        } finally {
            Bytes.zero(keymat, seed);
        }
    }

    /** Zeroes all four keys. */
    public void destroy() {
        Bytes.zero(initiatorEncryption, initiatorIntegrity, responderEncryption, responderIntegrity);
    }

    @Override
    public String toString() {
        return "ChildKeyMaterial[encryption " + initiatorEncryption.length + ", integrity " + initiatorIntegrity.length
                + " bytes per direction]";
    }
}
