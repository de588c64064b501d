package org.ipsec4j.cli.mtu;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.ipsec4j.esp.crypto.EncryptionAlgorithm;
import org.ipsec4j.esp.crypto.EspTransform;
import org.ipsec4j.esp.crypto.IntegrityAlgorithm;

/**
 * A transform named the strongSwan way ({@code aes128-sha1}, {@code aes128gcm16}, {@code 3des-md5},
 * {@code null-sha256}, ...), mapped to the data plane's algorithms. Legacy algorithms (3DES, HMAC-MD5-96) are
 * accepted here: only sizes are computed.
 *
 * @param name the name as given, lower case
 * @param transform the ESP transform, null for AH
 * @param ahIntegrity the AH integrity algorithm, null for ESP
 * @param note what the name stands in for, e.g. single DES computed with 3DES's sizes; null if nothing
 */
public record TransformName(String name, EspTransform transform, IntegrityAlgorithm ahIntegrity, String note) {

    private static final Map<String, EncryptionAlgorithm> ENCRYPTION = Map.ofEntries(
            Map.entry("aes", EncryptionAlgorithm.AES_CBC_128), Map.entry("aes128", EncryptionAlgorithm.AES_CBC_128),
            Map.entry("aes192", EncryptionAlgorithm.AES_CBC_192), Map.entry("aes256", EncryptionAlgorithm.AES_CBC_256),
            Map.entry("aes128gcm16", EncryptionAlgorithm.AES_GCM_16_128),
            Map.entry("aes128gcm128", EncryptionAlgorithm.AES_GCM_16_128),
            Map.entry("aes192gcm16", EncryptionAlgorithm.AES_GCM_16_192),
            Map.entry("aes192gcm128", EncryptionAlgorithm.AES_GCM_16_192),
            Map.entry("aes256gcm16", EncryptionAlgorithm.AES_GCM_16_256),
            Map.entry("aes256gcm128", EncryptionAlgorithm.AES_GCM_16_256),
            Map.entry("chacha20poly1305", EncryptionAlgorithm.CHACHA20_POLY1305),
            Map.entry("3des", EncryptionAlgorithm.TRIPLE_DES_CBC),
            // RFC 2405 DES: not in the data plane (RFC 8221: MUST NOT), but its packet is 3DES's to the byte:
            // 8-byte blocks, 8-byte explicit IV.
            Map.entry("des", EncryptionAlgorithm.TRIPLE_DES_CBC),
            Map.entry("null", EncryptionAlgorithm.NULL));

    private static final Map<String, IntegrityAlgorithm> INTEGRITY = Map.of(
            "md5", IntegrityAlgorithm.HMAC_MD5_96, "sha1", IntegrityAlgorithm.HMAC_SHA1_96,
            "sha", IntegrityAlgorithm.HMAC_SHA1_96, "sha256", IntegrityAlgorithm.HMAC_SHA2_256_128,
            "sha2_256", IntegrityAlgorithm.HMAC_SHA2_256_128, "sha384", IntegrityAlgorithm.HMAC_SHA2_384_192,
            "sha2_384", IntegrityAlgorithm.HMAC_SHA2_384_192, "sha512", IntegrityAlgorithm.HMAC_SHA2_512_256,
            "sha2_512", IntegrityAlgorithm.HMAC_SHA2_512_256);

    /** strongSwan keywords ipsec4j's data plane does not implement. */
    private static final Set<String> NOT_IMPLEMENTED = Set.of("aes128gcm8", "aes128gcm12", "aes192gcm8",
            "aes192gcm12", "aes256gcm8", "aes256gcm12", "aes128gcm64", "aes128gcm96", "aes256gcm64", "aes256gcm96",
            "aes128ctr", "aes192ctr", "aes256ctr", "aes128ccm8", "aes128ccm12", "aes128ccm16", "aes256ccm8",
            "aes256ccm12", "aes256ccm16", "aes128gmac", "aes192gmac", "aes256gmac", "camellia", "camellia128",
            "camellia192", "camellia256", "blowfish", "cast128", "aesxcbc", "aescmac", "md5_128", "sha1_160",
            "sha256_96", "sha2_256_96", "camelliaxcbc", "seal");

    /**
     * @param ah whether the name is an AH proposal (integrity only)
     * @throws IllegalArgumentException with a message saying what is wrong
     */
    public static TransformName parse(String text, boolean ah) {
        String lower = text.toLowerCase(Locale.ROOT).strip();
        EncryptionAlgorithm encryption = null;
        IntegrityAlgorithm integrity = null;
        List<String> ignored = new ArrayList<>();
        String note = null;
        for (String keyword : lower.split("-", -1)) {
            if (keyword.isEmpty()) {
                throw new IllegalArgumentException("'" + text + "': empty algorithm between dashes");
            }
            if (ENCRYPTION.containsKey(keyword)) {
                if (ah) {
                    throw new IllegalArgumentException("'" + keyword + "' is an encryption algorithm: AH only "
                            + "authenticates (give an integrity algorithm, e.g. sha256)");
                }
                if (encryption != null) {
                    throw new IllegalArgumentException("'" + text + "' names two encryption algorithms");
                }
                encryption = ENCRYPTION.get(keyword);
                if (keyword.equals("des")) {
                    note = "single DES is not in the data plane (RFC 8221: MUST NOT); its packets are 3DES's to the "
                            + "byte (8-byte blocks and IV), so 3DES's sizes are shown";
                }
            } else if (INTEGRITY.containsKey(keyword)) {
                if (integrity != null) {
                    throw new IllegalArgumentException("'" + text + "' names two integrity algorithms");
                }
                integrity = INTEGRITY.get(keyword);
            } else if (keyword.matches("modp\\d+(s\\d+)?|ecp\\d+(bp)?|curve25519|x25519|curve448|x448|ffdhe\\d+"
                    + "|mlkem\\d+|esn|noesn|ke\\d_.*")) {
                ignored.add(keyword); // key exchange and ESN do not change the packet
            } else if (NOT_IMPLEMENTED.contains(keyword)) {
                throw new IllegalArgumentException("'" + keyword + "' is not implemented by ipsec4j's data plane "
                        + "(encryption: aes128, aes192, aes256, aes128gcm16, aes192gcm16, aes256gcm16, "
                        + "chacha20poly1305, 3des, des, null; integrity: md5, sha1, sha256, sha384, sha512)");
            } else {
                throw new IllegalArgumentException("unknown algorithm '" + keyword + "' in '" + text + "'");
            }
        }
        if (ah) {
            if (integrity == null) {
                throw new IllegalArgumentException("'" + text + "': AH needs an integrity algorithm, e.g. sha256");
            }
            return new TransformName(lower, null, integrity, null);
        }
        if (encryption == null) {
            throw new IllegalArgumentException("'" + text + "' names no encryption algorithm (for AH give --ah)");
        }
        EspTransform transform;
        try {
            transform = EspTransform.of(encryption, integrity == null ? IntegrityAlgorithm.NONE : integrity, true);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "': " + e.getMessage());
        }
        return new TransformName(lower, transform, null, note);
    }

    /** Whether a legacy algorithm (3DES, DES, HMAC-MD5-96) is in it: fine for sizes, refused by the daemon by default. */
    public boolean legacy() {
        return transform != null ? transform.encryption().legacy() || transform.integrity().legacy()
                : ahIntegrity.legacy();
    }

    /** "AES-CBC-128 + HMAC-SHA1-96", "AES-GCM-128 (16-byte ICV)", "AH HMAC-SHA2-256-128". */
    public String description() {
        if (transform == null) {
            return "AH " + integrityName(ahIntegrity);
        }
        String enc = switch (transform.encryption()) {
            case NULL -> "NULL";
            case AES_CBC_128 -> "AES-CBC-128";
            case AES_CBC_192 -> "AES-CBC-192";
            case AES_CBC_256 -> "AES-CBC-256";
            case AES_GCM_16_128 -> "AES-GCM-128 (16-byte ICV)";
            case AES_GCM_16_192 -> "AES-GCM-192 (16-byte ICV)";
            case AES_GCM_16_256 -> "AES-GCM-256 (16-byte ICV)";
            case CHACHA20_POLY1305 -> "ChaCha20-Poly1305";
            case TRIPLE_DES_CBC -> name.startsWith("des") ? "DES-CBC (as 3DES-CBC)" : "3DES-CBC";
        };
        return transform.separateIntegrity() ? enc + " + " + integrityName(transform.integrity()) : enc;
    }

    static String integrityName(IntegrityAlgorithm a) {
        return switch (a) {
            case NONE -> "none";
            case HMAC_MD5_96 -> "HMAC-MD5-96";
            case HMAC_SHA1_96 -> "HMAC-SHA1-96";
            case HMAC_SHA2_256_128 -> "HMAC-SHA2-256-128";
            case HMAC_SHA2_384_192 -> "HMAC-SHA2-384-192";
            case HMAC_SHA2_512_256 -> "HMAC-SHA2-512-256";
        };
    }
}
