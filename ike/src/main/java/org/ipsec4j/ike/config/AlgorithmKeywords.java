package org.ipsec4j.ike.config;

import static org.ipsec4j.ike.config.TransformSpec.DH;
import static org.ipsec4j.ike.config.TransformSpec.ENCR;
import static org.ipsec4j.ike.config.TransformSpec.ESN;
import static org.ipsec4j.ike.config.TransformSpec.INTEG;
import static org.ipsec4j.ike.config.TransformSpec.PRF;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * strongSwan's algorithm keywords (docs: "Algorithm Proposals (Cipher Suites)") for the transforms ipsec4j
 * implements, their aliases, and the keywords strongSwan knows but ipsec4j refuses, so that the message can
 * say "not supported" rather than "unknown".
 */
final class AlgorithmKeywords {

    private static final Map<String, TransformSpec> BY_KEYWORD = new HashMap<>();
    private static final Map<TransformSpec, String> CANONICAL = new HashMap<>();

    static {
        canonical("aes128", ENCR, 12, 128, "aes");
        canonical("aes192", ENCR, 12, 192);
        canonical("aes256", ENCR, 12, 256);
        canonical("aes128gcm16", ENCR, 20, 128, "aes128gcm128");
        canonical("aes192gcm16", ENCR, 20, 192, "aes192gcm128");
        canonical("aes256gcm16", ENCR, 20, 256, "aes256gcm128");
        canonical("chacha20poly1305", ENCR, 28, 0);
        canonical("sha256", INTEG, 12, 0, "sha2_256");
        canonical("sha384", INTEG, 13, 0, "sha2_384");
        canonical("sha512", INTEG, 14, 0, "sha2_512");
        canonical("prfsha256", PRF, 5, 0, "prfsha2_256");
        canonical("prfsha384", PRF, 6, 0, "prfsha2_384");
        canonical("prfsha512", PRF, 7, 0, "prfsha2_512");
        canonical("modp2048", DH, 14, 0);
        canonical("modp3072", DH, 15, 0);
        canonical("ecp256", DH, 19, 0);
        canonical("ecp384", DH, 20, 0);
        canonical("curve25519", DH, 31, 0, "x25519");
        canonical("esn", ESN, 1, 0);
        canonical("noesn", ESN, 0, 0);
    }

    /** Keywords strongSwan knows (or knew) that ipsec4j does not implement, by kind. */
    private static final Map<String, Set<String>> UNSUPPORTED = Map.of(
            "encryption", Set.of("des", "3des", "cast128", "blowfish", "blowfish128", "blowfish192",
                    "blowfish256", "null", "aes128ctr", "aes192ctr", "aes256ctr", "aes128ccm8", "aes128ccm12",
                    "aes128ccm16", "aes192ccm8", "aes192ccm12", "aes192ccm16", "aes256ccm8", "aes256ccm12",
                    "aes256ccm16", "aes128ccm64", "aes128ccm96", "aes128ccm128", "aes256ccm64", "aes256ccm96",
                    "aes256ccm128", "aes128gcm8", "aes128gcm12", "aes192gcm8", "aes192gcm12", "aes256gcm8",
                    "aes256gcm12", "aes128gcm64", "aes128gcm96", "aes256gcm64", "aes256gcm96", "aes128gmac",
                    "aes192gmac", "aes256gmac", "camellia", "camellia128", "camellia192", "camellia256",
                    "camellia128ctr", "camellia192ctr", "camellia256ctr"),
            "integrity", Set.of("md5", "md5_128", "sha", "sha1", "sha1_160", "aesxcbc", "aescmac",
                    "sha256_96", "sha2_256_96", "camelliaxcbc"),
            "PRF", Set.of("prfmd5", "prfsha", "prfsha1", "prfaesxcbc", "prfaescmac", "prfcamelliaxcbc"),
            "key exchange (DH group)", Set.of("modp768", "modp1024", "modp1536", "modp4096", "modp6144",
                    "modp8192", "modp1024s160", "modp2048s224", "modp2048s256", "ecp192", "ecp224", "ecp521",
                    "ecp224bp", "ecp256bp", "ecp384bp", "ecp512bp", "curve448", "x448", "mlkem512", "mlkem768",
                    "mlkem1024"));

    /** What ipsec4j does implement, per kind, for messages. */
    static final Map<String, List<String>> SUPPORTED = Map.of(
            "encryption", List.of("aes128", "aes192", "aes256", "aes128gcm16", "aes192gcm16", "aes256gcm16",
                    "chacha20poly1305"),
            "integrity", List.of("sha256", "sha384", "sha512"),
            "PRF", List.of("prfsha256", "prfsha384", "prfsha512"),
            "key exchange (DH group)", List.of("modp2048", "modp3072", "ecp256", "ecp384", "curve25519"));

    private AlgorithmKeywords() {
    }

    private static void canonical(String keyword, int type, int id, int keyLength, String... aliases) {
        TransformSpec transform = new TransformSpec(type, id, keyLength);
        BY_KEYWORD.put(keyword, transform);
        CANONICAL.put(transform, keyword);
        for (String alias : aliases) {
            BY_KEYWORD.put(alias, transform);
        }
    }

    /** The transform of a keyword (case does not matter), or null. */
    static TransformSpec transform(String keyword) {
        return BY_KEYWORD.get(keyword.toLowerCase(Locale.ROOT));
    }

    static String keyword(TransformSpec transform) {
        return CANONICAL.get(transform);
    }

    /** For a keyword strongSwan knows but ipsec4j does not implement: its kind ("integrity", ...); else null. */
    static String unsupportedKind(String keyword) {
        String lower = keyword.toLowerCase(Locale.ROOT);
        for (Map.Entry<String, Set<String>> kind : UNSUPPORTED.entrySet()) {
            if (kind.getValue().contains(lower)) {
                return kind.getKey();
            }
        }
        return null;
    }

    /** The PRF strongSwan pairs with an integrity algorithm when an IKE proposal names no PRF. */
    static int prfForIntegrity(int integrityId) {
        return switch (integrityId) {
            case TransformSpec.AUTH_HMAC_SHA2_256_128 -> TransformSpec.PRF_HMAC_SHA2_256;
            case TransformSpec.AUTH_HMAC_SHA2_384_192 -> TransformSpec.PRF_HMAC_SHA2_384;
            case TransformSpec.AUTH_HMAC_SHA2_512_256 -> TransformSpec.PRF_HMAC_SHA2_512;
            default -> -1;
        };
    }
}
