package org.ipsec4j.ike.auth;

import java.security.Key;
import java.security.interfaces.ECKey;
import java.security.interfaces.EdECKey;
import java.security.interfaces.RSAKey;

/** The kinds of signature keys this package knows, told apart from a JDK key. */
enum KeyKind {
    RSA,
    /** An RSA key whose SubjectPublicKeyInfo says id-RSASSA-PSS: usable for PSS only (RFC 4055 §1.2). */
    RSA_PSS_ONLY,
    EC,
    ED25519,
    ED448;

    /** The kind of {@code key}, or null if it is none of these. */
    static KeyKind of(Key key) {
        if (key instanceof RSAKey) {
            return "RSASSA-PSS".equalsIgnoreCase(key.getAlgorithm()) ? RSA_PSS_ONLY : RSA;
        }
        if (key instanceof ECKey) {
            return EC;
        }
        if (key instanceof EdECKey ed) {
            return switch (ed.getParams().getName()) {
                case "Ed25519" -> ED25519;
                case "Ed448" -> ED448;
                default -> null;
            };
        }
        return switch (key.getAlgorithm()) {
            case "Ed25519" -> ED25519;
            case "Ed448" -> ED448;
            default -> null;
        };
    }

    boolean isRsa() {
        return this == RSA || this == RSA_PSS_ONLY;
    }

    /** The size in bits of the field of an EC key's curve (256 for P-256, 521 for P-521); 0 for other keys. */
    static int ecFieldSize(Key key) {
        return key instanceof ECKey ec ? ec.getParams().getCurve().getField().getFieldSize() : 0;
    }

    /** A short name for messages: "RSA", "ECDSA P-256", "Ed25519". */
    static String describe(Key key) {
        KeyKind kind = of(key);
        if (kind == null) {
            return key.getAlgorithm();
        }
        return switch (kind) {
            case RSA -> "RSA";
            case RSA_PSS_ONLY -> "RSASSA-PSS";
            case EC -> "ECDSA P-" + ecFieldSize(key);
            case ED25519 -> "Ed25519";
            case ED448 -> "Ed448";
        };
    }
}
