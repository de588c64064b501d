package org.ipsec4j.ike.sa;

import org.ipsec4j.esp.crypto.EncryptionAlgorithm;
import org.ipsec4j.esp.crypto.EspTransform;
import org.ipsec4j.esp.crypto.IntegrityAlgorithm;
import org.ipsec4j.ike.crypto.DhGroup;
import org.ipsec4j.ike.message.Proposal;
import org.ipsec4j.ike.message.Transform;

/** The algorithms of a Child SA (ESP), read from a negotiated proposal; dhGroup is non-null with PFS. */
public record EspSuite(EspTransform transform, boolean extendedSequenceNumbers, DhGroup dhGroup) {

    /** The suite of a chosen ESP proposal; null if it names something we do not implement. */
    public static EspSuite of(Proposal chosen) {
        EncryptionAlgorithm enc = null;
        IntegrityAlgorithm integ = IntegrityAlgorithm.NONE;
        boolean esn = false;
        DhGroup dh = null;
        for (Transform t : chosen.transforms()) {
            switch (t.type()) {
                case IkeSuite.ENCR -> {
                    try {
                        enc = EncryptionAlgorithm.fromIke(t.id(), t.keyLength() != null ? t.keyLength() : 0);
                    } catch (IllegalArgumentException e) {
                        return null;
                    }
                }
                case IkeSuite.INTEG -> {
                    try {
                        integ = IntegrityAlgorithm.fromIke(t.id());
                    } catch (IllegalArgumentException e) {
                        return null;
                    }
                }
                case IkeSuite.DH -> {
                    if (t.id() != 0) {
                        dh = DhGroup.fromIke(t.id());
                        if (dh == null) {
                            return null;
                        }
                    }
                }
                case 5 -> esn = t.id() == 1;
                default -> {
                    return null;
                }
            }
        }
        if (enc == null || integ == null || enc.legacy() || integ.legacy() || enc.aead() != (integ == IntegrityAlgorithm.NONE)) {
            return null;
        }
        return new EspSuite(EspTransform.of(enc, integ, false), esn, dh);
    }

    public int encryptionKeyMaterialLength() {
        return transform.encryption().keyMaterialLength();
    }

    public int integrityKeyLength() {
        return transform.integrity().keyLength();
    }

    /**
     * strongSwan's way of printing it, e.g. AES_GCM_16_128 or AES_CBC_256/HMAC_SHA2_256_128, then /ESN and the
     * PFS group, so `ipsec4j status` and `swanctl --list-sas` compare.
     */
    @Override
    public String toString() {
        String algorithms = transform.encryption().aead() ? transform.encryption().name()
                : transform.encryption().name() + "/" + transform.integrity().name();
        return algorithms + (extendedSequenceNumbers ? "/ESN" : "") + (dhGroup != null ? "/" + IkeSuite.groupName(dhGroup) : "");
    }
}
