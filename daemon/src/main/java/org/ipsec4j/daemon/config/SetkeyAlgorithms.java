package org.ipsec4j.daemon.config;

import org.ipsec4j.daemon.config.setkey.AuthenticationAlgorithm;
import org.ipsec4j.esp.crypto.EncryptionAlgorithm;
import org.ipsec4j.esp.crypto.EspTransform;
import org.ipsec4j.esp.crypto.IntegrityAlgorithm;

/**
 * Maps the algorithm names of a setkey file onto the data plane's transforms. The setkey enum knows names and
 * key lengths; the esp enums know sizes and the JCA. Legacy algorithms (3DES, HMAC-MD5; RFC 8221 §5, §6) are
 * refused unless the daemon runs with {@code --allow-legacy}; single DES is never accepted.
 */
final class SetkeyAlgorithms {

    private SetkeyAlgorithms() {}

    /**
     * The transform for {@code -E} (with its key length in bytes, salt included) and {@code -A} (null when
     * absent).
     *
     * @throws TranslationException saying what to change
     */
    static EspTransform transform(org.ipsec4j.daemon.config.setkey.EncryptionAlgorithm cipher, int keyBytes,
            AuthenticationAlgorithm authentication, boolean allowLegacy) throws TranslationException {
        EncryptionAlgorithm encryption = encryption(cipher, keyBytes);
        IntegrityAlgorithm integrity = authentication == null ? IntegrityAlgorithm.NONE : integrity(authentication);
        if (!allowLegacy && (encryption.legacy() || integrity.legacy())) {
            String name = encryption.legacy() ? cipher.setkeyName() : authentication.setkeyName();
            throw new TranslationException(name + " is a legacy algorithm (RFC 8221), refused unless the daemon "
                    + "runs with --allow-legacy");
        }
        try {
            return new EspTransform(encryption, integrity);
        } catch (IllegalArgumentException e) {
            throw new TranslationException(e.getMessage());
        }
    }

    static EncryptionAlgorithm encryption(org.ipsec4j.daemon.config.setkey.EncryptionAlgorithm cipher, int keyBytes)
            throws TranslationException {
        return switch (cipher) {
            case NULL -> EncryptionAlgorithm.NULL;
            case AES_CBC -> switch (keyBytes) {
                case 16 -> EncryptionAlgorithm.AES_CBC_128;
                case 24 -> EncryptionAlgorithm.AES_CBC_192;
                default -> EncryptionAlgorithm.AES_CBC_256;
            };
            case AES_GCM_16 -> switch (keyBytes) {
                case 20 -> EncryptionAlgorithm.AES_GCM_16_128;
                case 28 -> EncryptionAlgorithm.AES_GCM_16_192;
                default -> EncryptionAlgorithm.AES_GCM_16_256;
            };
            case CHACHA20_POLY1305 -> EncryptionAlgorithm.CHACHA20_POLY1305;
            case TRIPLE_DES_CBC -> EncryptionAlgorithm.TRIPLE_DES_CBC;
            case DES_CBC -> throw new TranslationException("des-cbc (56-bit DES) is broken and not implemented; "
                    + "use aes-gcm-16 or aes-cbc with an HMAC");
        };
    }

    static IntegrityAlgorithm integrity(AuthenticationAlgorithm authentication) {
        return switch (authentication) {
            case NULL -> IntegrityAlgorithm.NONE;
            case HMAC_MD5 -> IntegrityAlgorithm.HMAC_MD5_96;
            case HMAC_SHA1 -> IntegrityAlgorithm.HMAC_SHA1_96;
            // RFC 4868's 128-bit ICV; Linux keyed by setkey truncates to 96 bits, so such a peer will not match.
            case HMAC_SHA2_256 -> IntegrityAlgorithm.HMAC_SHA2_256_128;
            case HMAC_SHA2_384 -> IntegrityAlgorithm.HMAC_SHA2_384_192;
            case HMAC_SHA2_512 -> IntegrityAlgorithm.HMAC_SHA2_512_256;
        };
    }
}
