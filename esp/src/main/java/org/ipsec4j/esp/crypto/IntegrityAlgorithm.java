package org.ipsec4j.esp.crypto;

/**
 * The integrity transforms for ESP and AH: HMACs truncated to half (or less) of the hash output.
 *
 * <p>{@link #ikeTransformId()} is the IANA "Transform Type 3 - Integrity Algorithm Transform IDs" value
 * (RFC 7296 §3.3.2). Key lengths follow RFC 2403 (MD5, 16), RFC 2404 (SHA-1, 20) and RFC 4868 §2.1.1
 * (SHA-2: the hash output length).
 */
public enum IntegrityAlgorithm {

    /** No separate integrity: only valid with an AEAD encryption algorithm. */
    NONE(0, 0, 0, null, null, 0, 0),
    /** RFC 2403. Legacy: refused unless explicitly allowed. */
    HMAC_MD5_96(1, 16, 12, "HmacMD5", "MD5", 64, 16),
    /** RFC 2404. */
    HMAC_SHA1_96(2, 20, 12, "HmacSHA1", "SHA-1", 64, 20),
    /** RFC 4868. */
    HMAC_SHA2_256_128(12, 32, 16, "HmacSHA256", "SHA-256", 64, 32),
    HMAC_SHA2_384_192(13, 48, 24, "HmacSHA384", "SHA-384", 128, 48),
    HMAC_SHA2_512_256(14, 64, 32, "HmacSHA512", "SHA-512", 128, 64);

    private final int ikeTransformId;
    private final int keyLength;
    private final int icvLength;
    private final String jcaName;
    private final String digestName;
    private final int digestBlockSize;
    private final int digestLength;

    IntegrityAlgorithm(int ikeTransformId, int keyLength, int icvLength, String jcaName, String digestName,
                       int digestBlockSize, int digestLength) {
        this.ikeTransformId = ikeTransformId;
        this.keyLength = keyLength;
        this.icvLength = icvLength;
        this.jcaName = jcaName;
        this.digestName = digestName;
        this.digestBlockSize = digestBlockSize;
        this.digestLength = digestLength;
    }

    /** The IKEv2 Transform Type 3 id (IANA): 0, 1, 2, 12, 13 or 14. */
    public int ikeTransformId() {
        return ikeTransformId;
    }

    /** Key length in bytes. */
    public int keyLength() {
        return keyLength;
    }

    /** The truncated ICV length carried in each packet, in bytes. */
    public int icvLength() {
        return icvLength;
    }

    /** The JCA {@code Mac} algorithm name; null for NONE. */
    public String jcaName() {
        return jcaName;
    }

    /** The JCA {@code MessageDigest} name of the underlying hash; null for NONE. */
    public String digestName() {
        return digestName;
    }

    /** The hash's block size in bytes (the HMAC key block, RFC 2104 §2). */
    public int digestBlockSize() {
        return digestBlockSize;
    }

    /** The hash output length in bytes, before truncation. */
    public int digestLength() {
        return digestLength;
    }

    /** Kept for old peers only (MD5); refused unless explicitly allowed. */
    public boolean legacy() {
        return this == HMAC_MD5_96;
    }

    /**
     * The algorithm for an IKEv2 transform id.
     *
     * @throws IllegalArgumentException for an id this enum does not implement
     */
    public static IntegrityAlgorithm fromIke(int transformId) {
        for (IntegrityAlgorithm a : values()) {
            if (a.ikeTransformId == transformId) {
                return a;
            }
        }
        throw new IllegalArgumentException("no integrity algorithm with IKEv2 transform id " + transformId);
    }
}
