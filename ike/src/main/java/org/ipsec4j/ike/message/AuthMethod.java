package org.ipsec4j.ike.message;

/** Authentication methods of the AUTH payload (RFC 7296 §3.8, RFC 4754, RFC 7427). */
public final class AuthMethod {

    /** RSA PKCS #1 v1.5 signature with SHA-1 (§3.8). */
    public static final int RSA_SIGNATURE = 1;
    /** Shared key message integrity code (§2.15). */
    public static final int SHARED_KEY = 2;
    /** DSS signature with SHA-1 (§3.8). */
    public static final int DSS = 3;
    /** ECDSA with SHA-256 on P-256 (RFC 4754). */
    public static final int ECDSA_256 = 9;
    /** ECDSA with SHA-384 on P-384 (RFC 4754). */
    public static final int ECDSA_384 = 10;
    /** ECDSA with SHA-512 on P-521 (RFC 4754). */
    public static final int ECDSA_521 = 11;
    /** Digital signature with the algorithm named in the data (RFC 7427). */
    public static final int DIGITAL_SIGNATURE = 14;

    private AuthMethod() {}

    public static String name(int method) {
        return switch (method) {
            case RSA_SIGNATURE -> "RSA_SIGNATURE";
            case SHARED_KEY -> "SHARED_KEY";
            case DSS -> "DSS";
            case ECDSA_256 -> "ECDSA_256";
            case ECDSA_384 -> "ECDSA_384";
            case ECDSA_521 -> "ECDSA_521";
            case DIGITAL_SIGNATURE -> "DIGITAL_SIGNATURE";
            default -> "auth method " + method;
        };
    }
}
