package org.ipsec4j.daemon.config.setkey;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The ESP encryption algorithms a setkey file may name after {@code -E}, with the key lengths setkey accepts.
 * For the AEAD algorithms the key carries the 4-byte salt after the cipher key (RFC 4106 section 8.1,
 * RFC 7634 section 2), exactly as setkey and Linux take it. The daemon maps these to the data plane's own
 * transform types and decides which ones it allows (DES and 3DES only for old peers).
 */
public enum EncryptionAlgorithm {
    /** RFC 2405; 56-bit DES, broken. Parsed so that old files load and get a clear refusal from the daemon. */
    DES_CBC("des-cbc", false, true, 8),
    /** RFC 2451. Kept for old peers (and seed 001's overhead table). */
    TRIPLE_DES_CBC("3des-cbc", false, true, 24),
    /** RFC 2410: no confidentiality, for debugging; needs an {@code -A} algorithm beside it. */
    NULL("null", false, false, 0),
    /** RFC 3602; setkey also calls it {@code rijndael-cbc}. */
    AES_CBC("aes-cbc", false, false, 16, 24, 32),
    /** RFC 4106 with a 16-byte ICV: AES key (16, 24 or 32 bytes) followed by a 4-byte salt. */
    AES_GCM_16("aes-gcm-16", true, false, 20, 28, 36),
    /** RFC 7634: 32-byte ChaCha20 key followed by a 4-byte salt. */
    CHACHA20_POLY1305("chacha20-poly1305", true, false, 36);

    private final String setkeyName;
    private final boolean aead;
    private final boolean legacy;
    private final int[] keyLengths;

    EncryptionAlgorithm(String setkeyName, boolean aead, boolean legacy, int... keyLengths) {
        this.setkeyName = setkeyName;
        this.aead = aead;
        this.legacy = legacy;
        this.keyLengths = keyLengths;
    }

    /** The name setkey writes, e.g. {@code aes-gcm-16}. */
    public String setkeyName() {
        return setkeyName;
    }

    /** Authenticates by itself; an {@code -A} option beside it is refused. */
    public boolean isAead() {
        return aead;
    }

    /** Weak; the daemon refuses it unless explicitly allowed. */
    public boolean isLegacy() {
        return legacy;
    }

    /** Whether a key of {@code bytes} bytes (salt included for AEADs) is valid. */
    public boolean acceptsKeyLength(int bytes) {
        return Arrays.stream(keyLengths).anyMatch(length -> length == bytes);
    }

    /** The valid key lengths in bytes, ascending. */
    public int[] keyLengths() {
        return keyLengths.clone();
    }

    /** Bytes of salt at the end of the key: 4 for the AEADs, else 0. */
    public int saltLength() {
        return aead ? 4 : 0;
    }

    /** For error messages: "16, 24 or 32 bytes". */
    String describeKeyLengths() {
        return describe(keyLengths);
    }

    static String describe(int[] lengths) {
        if (lengths.length == 1) {
            return lengths[0] + " bytes";
        }
        String head = Arrays.stream(lengths, 0, lengths.length - 1).mapToObj(Integer::toString)
                .collect(Collectors.joining(", "));
        return head + " or " + lengths[lengths.length - 1] + " bytes";
    }
}
