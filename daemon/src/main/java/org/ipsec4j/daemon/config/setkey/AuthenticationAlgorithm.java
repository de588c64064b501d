package org.ipsec4j.daemon.config.setkey;

/**
 * The integrity algorithms a setkey file may name after {@code -A}, for AH and for ESP with a non-AEAD cipher.
 *
 * <p>ICV length: the RFCs truncate HMAC-SHA-256 to 128 bits (RFC 4868), but Linux keyed through PF_KEY (that
 * is, by setkey) uses 96 bits for {@code hmac-sha256}, a historical choice it kept for compatibility; see
 * {@link #linuxSetkeyIcvLength()}. A peer keyed by setkey on Linux therefore needs the 96-bit variant.
 */
public enum AuthenticationAlgorithm {
    /** RFC 2403, HMAC-MD5-96. Kept for old peers. */
    HMAC_MD5("hmac-md5", 16, 12, 12, true),
    /** RFC 2404, HMAC-SHA1-96. */
    HMAC_SHA1("hmac-sha1", 20, 12, 12, false),
    /** RFC 4868, HMAC-SHA-256-128 (Linux via setkey: 96 bits); setkey also accepts {@code hmac-sha2-256}. */
    HMAC_SHA2_256("hmac-sha256", 32, 16, 12, false),
    /** RFC 4868, HMAC-SHA-384-192; also {@code hmac-sha2-384}. */
    HMAC_SHA2_384("hmac-sha384", 48, 24, 24, false),
    /** RFC 4868, HMAC-SHA-512-256; also {@code hmac-sha2-512}. */
    HMAC_SHA2_512("hmac-sha512", 64, 32, 32, false),
    /** No integrity: only beside an ESP cipher that is not {@code null}. */
    NULL("null", 0, 0, 0, false);

    private final String setkeyName;
    private final int keyLength;
    private final int rfcIcvLength;
    private final int linuxSetkeyIcvLength;
    private final boolean legacy;

    AuthenticationAlgorithm(String setkeyName, int keyLength, int rfcIcvLength, int linuxSetkeyIcvLength,
            boolean legacy) {
        this.setkeyName = setkeyName;
        this.keyLength = keyLength;
        this.rfcIcvLength = rfcIcvLength;
        this.linuxSetkeyIcvLength = linuxSetkeyIcvLength;
        this.legacy = legacy;
    }

    public String setkeyName() {
        return setkeyName;
    }

    /** The key length in bytes setkey requires (the hash's output length). */
    public int keyLength() {
        return keyLength;
    }

    /** ICV bytes per the RFC that defines the transform. */
    public int rfcIcvLength() {
        return rfcIcvLength;
    }

    /** ICV bytes Linux uses when the SA comes through PF_KEY (differs for hmac-sha256 only). */
    public int linuxSetkeyIcvLength() {
        return linuxSetkeyIcvLength;
    }

    /** Weak; the daemon refuses it unless explicitly allowed. */
    public boolean isLegacy() {
        return legacy;
    }
}
