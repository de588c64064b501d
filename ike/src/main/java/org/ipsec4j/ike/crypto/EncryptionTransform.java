package org.ipsec4j.ike.crypto;

/**
 * The IKEv2 encryption transforms ipsec4j implements for the SK payload (IANA "Transform Type 1 - Encryption
 * Algorithm Transform IDs"). Key lengths are in bits, as the Key Length attribute gives them (RFC 7296 §3.3.5);
 * key material is in bytes and includes the 4-byte salt of the AEAD modes, taken after the key (RFC 5282,
 * RFC 7634 §3).
 */
public enum EncryptionTransform {

    /** RFC 3602 in IKEv2 (RFC 7296 §3.14): random 16-byte IV, 16-byte blocks, a separate integrity transform. */
    AES_CBC(12, false, 16, 16, 0, 0, "AES/CBC/NoPadding", "AES"),
    /** RFC 5282: 8-byte explicit IV, 4-byte salt, 16-byte ICV. */
    AES_GCM_16(20, true, 8, 1, 4, 16, "AES/GCM/NoPadding", "AES"),
    /** RFC 7634: 256-bit key, 8-byte explicit IV, 4-byte salt, 16-byte tag. */
    CHACHA20_POLY1305(28, true, 8, 1, 4, 16, "ChaCha20-Poly1305", "ChaCha20");

    private final int id;
    private final boolean aead;
    private final int ivLength;
    private final int blockSize;
    private final int saltLength;
    private final int icvLength;
    private final String jcaTransformation;
    private final String jcaKeyAlgorithm;

    EncryptionTransform(int id, boolean aead, int ivLength, int blockSize, int saltLength, int icvLength,
                        String jcaTransformation, String jcaKeyAlgorithm) {
        this.id = id;
        this.aead = aead;
        this.ivLength = ivLength;
        this.blockSize = blockSize;
        this.saltLength = saltLength;
        this.icvLength = icvLength;
        this.jcaTransformation = jcaTransformation;
        this.jcaKeyAlgorithm = jcaKeyAlgorithm;
    }

    /** The IKEv2 Transform Type 1 id. */
    public int id() {
        return id;
    }

    /** The transform for an IKEv2 Transform Type 1 id, or null if ipsec4j does not implement it. */
    public static EncryptionTransform fromIke(int id) {
        for (EncryptionTransform t : values()) {
            if (t.id == id) {
                return t;
            }
        }
        return null;
    }

    /** Whether this is a combined mode that provides integrity itself (then the integrity transform is NONE). */
    public boolean aead() {
        return aead;
    }

    /**
     * Whether a key of {@code bits} may be used: 128, 192 or 256 for AES. ChaCha20-Poly1305 has a fixed 256-bit
     * key and its transform carries no Key Length attribute (RFC 7634 §4), so both 256 and 0 (attribute absent)
     * are accepted for it.
     */
    public boolean keyLengthAllowed(int bits) {
        return switch (this) {
            case AES_CBC, AES_GCM_16 -> bits == 128 || bits == 192 || bits == 256;
            case CHACHA20_POLY1305 -> bits == 256 || bits == 0;
        };
    }

    /** Whether the transform must carry a Key Length attribute (AES does; RFC 3602, RFC 5282). */
    public boolean requiresKeyLengthAttribute() {
        return this != CHACHA20_POLY1305;
    }

    /**
     * Bytes of key material (SK_ei, SK_er) for a key of {@code keyBits}: the key plus the 4-byte salt for the
     * AEAD modes.
     *
     * @throws IllegalArgumentException if the key length is not allowed
     */
    public int keyMaterialLength(int keyBits) {
        return keyLength(keyBits) + saltLength;
    }

    /** The cipher key in bytes, without the salt. */
    public int keyLength(int keyBits) {
        if (!keyLengthAllowed(keyBits)) {
            throw new IllegalArgumentException(this + " does not take a " + keyBits + "-bit key");
        }
        return this == CHACHA20_POLY1305 ? 32 : keyBits / 8;
    }

    /** Explicit IV bytes at the start of the SK payload body. */
    public int ivLength() {
        return ivLength;
    }

    /** The alignment the plaintext, padding and pad-length byte must reach: 16 for CBC, 1 for the AEADs. */
    public int blockSize() {
        return blockSize;
    }

    /** Salt bytes after the key in the key material (4 for the AEADs). */
    public int saltLength() {
        return saltLength;
    }

    /** The AEAD tag length (16), or 0 when a separate integrity transform supplies the ICV. */
    public int icvLength() {
        return icvLength;
    }

    String jcaTransformation() {
        return jcaTransformation;
    }

    String jcaKeyAlgorithm() {
        return jcaKeyAlgorithm;
    }
}
