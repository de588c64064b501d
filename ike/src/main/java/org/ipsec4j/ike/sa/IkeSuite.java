package org.ipsec4j.ike.sa;

import org.ipsec4j.ike.crypto.DhGroup;
import org.ipsec4j.ike.crypto.EncryptionTransform;
import org.ipsec4j.ike.crypto.IntegrityTransform;
import org.ipsec4j.ike.crypto.PseudoRandomFunction;
import org.ipsec4j.ike.message.Proposal;
import org.ipsec4j.ike.message.Transform;

/** The algorithms of an IKE SA, read from a negotiated single-choice proposal (RFC 7296 §3.3.2 types). */
public record IkeSuite(EncryptionTransform encryption, int keyBits, IntegrityTransform integrity,
                       PseudoRandomFunction prf, DhGroup dhGroup) {

    static final int ENCR = 1;
    static final int PRF = 2;
    static final int INTEG = 3;
    static final int DH = 4;

    /** The suite of a chosen proposal; null if it is incomplete or names something we do not implement. */
    public static IkeSuite of(Proposal chosen) {
        EncryptionTransform enc = null;
        int keyBits = 0;
        IntegrityTransform integ = IntegrityTransform.NONE;
        PseudoRandomFunction prf = null;
        DhGroup dh = null;
        for (Transform t : chosen.transforms()) {
            switch (t.type()) {
                case ENCR -> {
                    enc = EncryptionTransform.fromIke(t.id());
                    keyBits = t.keyLength() != null ? t.keyLength() : 256;
                }
                case PRF -> prf = PseudoRandomFunction.fromIke(t.id());
                case INTEG -> integ = IntegrityTransform.fromIke(t.id());
                case DH -> dh = DhGroup.fromIke(t.id());
                default -> {
                    return null;
                }
            }
        }
        if (enc == null || prf == null || dh == null || integ == null || !enc.keyLengthAllowed(keyBits)
                || enc.aead() != (integ == IntegrityTransform.NONE)) {
            return null;
        }
        return new IkeSuite(enc, keyBits, integ, prf, dh);
    }

    public int encryptionKeyMaterialLength() {
        return encryption.keyMaterialLength(keyBits);
    }

    public int integrityKeyLength() {
        return integrity == IntegrityTransform.NONE ? 0 : integrity.keyLength();
    }

    /** strongSwan's way of printing it, e.g. AES_GCM_16_128/PRF_HMAC_SHA2_256/ECP_256. */
    @Override
    public String toString() {
        String e = encryption.name() + (encryption == EncryptionTransform.CHACHA20_POLY1305 ? "" : "_" + keyBits);
        return e + (integrity == IntegrityTransform.NONE ? "" : "/" + integrity.name()) + "/PRF_" + prf.name() + "/"
                + groupName(dhGroup);
    }

    /** A DH group as strongSwan prints it (MODP_2048, ECP_256, CURVE_25519), so both status outputs compare. */
    static String groupName(DhGroup g) {
        return g == DhGroup.CURVE25519 ? "CURVE_25519" : g.name();
    }
}
