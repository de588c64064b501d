package org.ipsec4j.esp.crypto;

/**
 * The ESP encryption transforms ipsec4j implements, with the numbers the wire format and the size math need.
 *
 * <p>{@link #ikeTransformId()} is the IANA "Transform Type 1 - Encryption Algorithm Transform IDs" value of
 * IKEv2 (RFC 7296 §3.3.2); AES comes in one id with a Key Length attribute, given by
 * {@link #ikeKeyLengthAttribute()}. Key lengths are in bytes and exclude the 4-byte salt of the AEAD modes,
 * which IKEv2 takes from the keying material after the key (RFC 4106 §8.1, RFC 7634 §4).
 */
public enum EncryptionAlgorithm {

    /** RFC 2410: no confidentiality, no IV, only ESP's 4-byte alignment. Needs an integrity algorithm. */
    NULL(11, 0, 0, 0, 0, 4, 0, false, null),
    /** RFC 3602: explicit random 16-byte IV, 16-byte blocks. */
    AES_CBC_128(12, 128, 16, 0, 16, 16, 0, false, "AES/CBC/NoPadding"),
    AES_CBC_192(12, 192, 24, 0, 16, 16, 0, false, "AES/CBC/NoPadding"),
    AES_CBC_256(12, 256, 32, 0, 16, 16, 0, false, "AES/CBC/NoPadding"),
    /** RFC 4106: 8-byte explicit IV, 4-byte salt, 16-byte ICV; a stream mode, so 4-byte alignment. */
    AES_GCM_16_128(20, 128, 16, 4, 8, 4, 16, true, "AES/GCM/NoPadding"),
    AES_GCM_16_192(20, 192, 24, 4, 8, 4, 16, true, "AES/GCM/NoPadding"),
    AES_GCM_16_256(20, 256, 32, 4, 8, 4, 16, true, "AES/GCM/NoPadding"),
    /** RFC 7634: 32-byte key, 4-byte salt, 8-byte explicit IV, 16-byte tag, 4-byte alignment. */
    CHACHA20_POLY1305(28, 0, 32, 4, 8, 4, 16, true, "ChaCha20-Poly1305"),
    /** RFC 2451: 3DES-EDE in CBC mode, 8-byte blocks and IV. Legacy: refused unless explicitly allowed. */
    TRIPLE_DES_CBC(3, 0, 24, 0, 8, 8, 0, false, "DESede/CBC/NoPadding");

    private final int ikeTransformId;
    private final int ikeKeyLengthAttribute;
    private final int keyLength;
    private final int saltLength;
    private final int ivLength;
    private final int blockSize;
    private final int icvLength;
    private final boolean aead;
    private final String jcaTransformation;

    EncryptionAlgorithm(int ikeTransformId, int ikeKeyLengthAttribute, int keyLength, int saltLength, int ivLength,
                        int blockSize, int icvLength, boolean aead, String jcaTransformation) {
        this.ikeTransformId = ikeTransformId;
        this.ikeKeyLengthAttribute = ikeKeyLengthAttribute;
        this.keyLength = keyLength;
        this.saltLength = saltLength;
        this.ivLength = ivLength;
        this.blockSize = blockSize;
        this.icvLength = icvLength;
        this.aead = aead;
        this.jcaTransformation = jcaTransformation;
    }

    /** The IKEv2 Transform Type 1 id (IANA): 3, 11, 12, 20 or 28. */
    public int ikeTransformId() {
        return ikeTransformId;
    }

    /** The IKEv2 Key Length attribute in bits (RFC 7296 §3.3.5), 0 where the transform has a fixed key. */
    public int ikeKeyLengthAttribute() {
        return ikeKeyLengthAttribute;
    }

    /** Cipher key length in bytes, without the salt. */
    public int keyLength() {
        return keyLength;
    }

    /** Salt bytes that follow the key in the keying material: 4 for GCM and ChaCha20-Poly1305, else 0. */
    public int saltLength() {
        return saltLength;
    }

    /** Bytes of keying material this algorithm takes: key plus salt. */
    public int keyMaterialLength() {
        return keyLength + saltLength;
    }

    /** Explicit IV bytes carried in each packet. */
    public int ivLength() {
        return ivLength;
    }

    /**
     * The alignment of the ciphertext (payload, padding, pad length, next header): the cipher's block size,
     * and at least 4 because ESP requires the trailer to end on a 4-byte boundary (RFC 4303 §2.4).
     */
    public int blockSize() {
        return blockSize;
    }

    /** The AEAD tag length in bytes, 16 for the combined modes, 0 otherwise (the integrity algorithm's). */
    public int icvLength() {
        return icvLength;
    }

    /** Whether this is a combined mode that provides integrity itself (RFC 4303 §3.2.3). */
    public boolean aead() {
        return aead;
    }

    /** Kept for old peers only (3DES: 64-bit blocks, RFC 8221 §5); refused unless explicitly allowed. */
    public boolean legacy() {
        return this == TRIPLE_DES_CBC;
    }

    /** The JCA transformation for {@code Cipher.getInstance}; null for NULL. */
    public String jcaTransformation() {
        return jcaTransformation;
    }

    /** The JCA key algorithm name for {@code SecretKeySpec}; null for NULL. */
    public String jcaKeyAlgorithm() {
        return switch (this) {
            case NULL -> null;
            case CHACHA20_POLY1305 -> "ChaCha20";
            case TRIPLE_DES_CBC -> "DESede";
            default -> "AES";
        };
    }

    /**
     * The algorithm for an IKEv2 transform id and Key Length attribute (0 when absent).
     *
     * @throws IllegalArgumentException for an id or key length this enum does not implement
     */
    public static EncryptionAlgorithm fromIke(int transformId, int keyLengthAttribute) {
        for (EncryptionAlgorithm a : values()) {
            if (a.ikeTransformId == transformId && a.ikeKeyLengthAttribute == keyLengthAttribute) {
                return a;
            }
        }
        throw new IllegalArgumentException("no ESP encryption algorithm with IKEv2 transform id " + transformId
                + (keyLengthAttribute != 0 ? " and key length " + keyLengthAttribute + " bits" : ""));
    }
}
