package org.ipsec4j.ike.crypto;

/**
 * The IKEv2 integrity transforms ipsec4j implements (IANA "Transform Type 3 - Integrity Algorithm Transform
 * IDs"): HMAC-SHA-2 truncated to half the hash, RFC 4868 §2.1.1, whose key is as long as the hash output.
 * {@link #NONE} goes with the AEAD encryption transforms (RFC 5282).
 */
public enum IntegrityTransform {

    NONE(0, 0, 0, null),
    HMAC_SHA2_256_128(12, 32, 16, "HmacSHA256"),
    HMAC_SHA2_384_192(13, 48, 24, "HmacSHA384"),
    HMAC_SHA2_512_256(14, 64, 32, "HmacSHA512");

    private final int id;
    private final int keyLength;
    private final int icvLength;
    private final String macAlgorithm;

    IntegrityTransform(int id, int keyLength, int icvLength, String macAlgorithm) {
        this.id = id;
        this.keyLength = keyLength;
        this.icvLength = icvLength;
        this.macAlgorithm = macAlgorithm;
    }

    /** The IKEv2 Transform Type 3 id. */
    public int id() {
        return id;
    }

    /** The transform for an IKEv2 Transform Type 3 id, or null if ipsec4j does not implement it. */
    public static IntegrityTransform fromIke(int id) {
        for (IntegrityTransform t : values()) {
            if (t.id == id) {
                return t;
            }
        }
        return null;
    }

    /** Key length in bytes (SK_ai, SK_ar; 0 for NONE). */
    public int keyLength() {
        return keyLength;
    }

    /** The truncated ICV length in bytes (0 for NONE). */
    public int icvLength() {
        return icvLength;
    }

    /** The JCA {@code Mac} name; null for NONE. */
    public String macAlgorithm() {
        return macAlgorithm;
    }
}
