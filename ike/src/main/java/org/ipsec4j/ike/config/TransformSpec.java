package org.ipsec4j.ike.config;

/**
 * One transform of a proposal, in IANA numbers (RFC 7296 §3.3.2 and the IKEv2 transform registries): its type,
 * its id within the type, and a key length in bits for transforms that take the Key Length attribute (AES),
 * 0 for none.
 */
public record TransformSpec(int type, int id, int keyLength) {

    /** Transform type 1, Encryption Algorithm (ENCR). */
    public static final int ENCR = 1;
    /** Transform type 2, Pseudo-random Function (PRF). */
    public static final int PRF = 2;
    /** Transform type 3, Integrity Algorithm (INTEG). */
    public static final int INTEG = 3;
    /** Transform type 4, Diffie-Hellman group (D-H, "Key Exchange Method" since RFC 9370). */
    public static final int DH = 4;
    /** Transform type 5, Extended Sequence Numbers (ESN). */
    public static final int ESN = 5;

    public static final int ENCR_AES_CBC = 12;
    public static final int ENCR_AES_GCM_16 = 20;
    public static final int ENCR_CHACHA20_POLY1305 = 28;

    public static final int PRF_HMAC_SHA2_256 = 5;
    public static final int PRF_HMAC_SHA2_384 = 6;
    public static final int PRF_HMAC_SHA2_512 = 7;

    public static final int AUTH_HMAC_SHA2_256_128 = 12;
    public static final int AUTH_HMAC_SHA2_384_192 = 13;
    public static final int AUTH_HMAC_SHA2_512_256 = 14;

    public static final int DH_MODP_2048 = 14;
    public static final int DH_MODP_3072 = 15;
    public static final int DH_ECP_256 = 19;
    public static final int DH_ECP_384 = 20;
    public static final int DH_CURVE25519 = 31;

    public static final int ESN_NO = 0;
    public static final int ESN_YES = 1;

    public TransformSpec {
        if (type < 1 || type > 255 || id < 0 || id > 0xFFFF || keyLength < 0 || keyLength > 0xFFFF) {
            throw new IllegalArgumentException("bad transform " + type + "/" + id + "/" + keyLength);
        }
    }

    public static TransformSpec of(int type, int id) {
        return new TransformSpec(type, id, 0);
    }

    /**
     * Whether this is a combined-mode (AEAD) encryption transform: AES-CCM (14-16), AES-GCM (18-20) or
     * ChaCha20-Poly1305 (28), which need no integrity transform (RFC 5282 §8, RFC 7634).
     */
    public boolean aead() {
        return type == ENCR && switch (id) {
            case 14, 15, 16, 18, 19, 20, 28 -> true;
            default -> false;
        };
    }

    /** strongSwan's keyword for this transform ({@code aes128gcm16}, {@code prfsha256}, ...), or null. */
    public String keyword() {
        return AlgorithmKeywords.keyword(this);
    }

    /** The keyword, or {@code type/id[/keyLength]} for a transform without one. */
    @Override
    public String toString() {
        String keyword = keyword();
        if (keyword != null) {
            return keyword;
        }
        return typeName(type) + ":" + id + (keyLength != 0 ? "/" + keyLength : "");
    }

    static String typeName(int type) {
        return switch (type) {
            case ENCR -> "ENCR";
            case PRF -> "PRF";
            case INTEG -> "INTEG";
            case DH -> "DH";
            case ESN -> "ESN";
            default -> "TYPE" + type;
        };
    }
}
