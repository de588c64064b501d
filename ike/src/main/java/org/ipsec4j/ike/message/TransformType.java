package org.ipsec4j.ike.message;

/** Transform types (RFC 7296 §3.3.2) and the values of the ESN transform (§3.3.2, type 5). */
public final class TransformType {

    /** Encryption algorithm (IKE, ESP). */
    public static final int ENCR = 1;
    /** Pseudorandom function (IKE). */
    public static final int PRF = 2;
    /** Integrity algorithm (IKE, AH, optional in ESP). */
    public static final int INTEG = 3;
    /** Diffie-Hellman group (IKE, optional in AH and ESP). */
    public static final int DH = 4;
    /** Extended sequence numbers (AH, ESP). */
    public static final int ESN = 5;

    /** ESN transform IDs. */
    public static final int ESN_NONE = 0;
    public static final int ESN_ENABLED = 1;

    private TransformType() {}

    public static String name(int type) {
        return switch (type) {
            case ENCR -> "ENCR";
            case PRF -> "PRF";
            case INTEG -> "INTEG";
            case DH -> "DH";
            case ESN -> "ESN";
            default -> "transform type " + type;
        };
    }
}
