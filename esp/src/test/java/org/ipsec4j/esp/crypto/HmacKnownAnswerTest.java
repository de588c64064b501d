package org.ipsec4j.esp.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Hmac} against the published HMAC vectors, compared on the length each source prints (the truncated
 * ICV where the source gives one), and against the JDK's {@code Mac} for random keys and messages.
 */
class HmacKnownAnswerTest {

    /** Key and data as hex; "text:" marks ASCII. {@code expected} may be a prefix (a truncated output). */
    record Vector(String source, IntegrityAlgorithm algorithm, String key, String data, String expected) {
        @Override
        public String toString() {
            return source;
        }
    }

    private static final String AA_80 = "aa".repeat(80);
    private static final String AA_131 = "aa".repeat(131);
    private static final String DD_50 = "dd".repeat(50);
    private static final String CD_50 = "cd".repeat(50);
    private static final String KEY_25 = "0102030405060708090a0b0c0d0e0f10111213141516171819";
    private static final String BIG_KEY = "text:Test Using Larger Than Block-Size Key - Hash Key First";
    private static final String BIG_KEY_AND_DATA =
            "text:Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data";
    private static final String RFC4231_7 = "text:This is a test using a larger than block-size key and a larger than"
            + " block-size data. The key needs to be hashed before being used by the HMAC algorithm.";

    static Stream<Vector> vectors() {
        IntegrityAlgorithm md5 = IntegrityAlgorithm.HMAC_MD5_96;
        IntegrityAlgorithm sha1 = IntegrityAlgorithm.HMAC_SHA1_96;
        IntegrityAlgorithm sha256 = IntegrityAlgorithm.HMAC_SHA2_256_128;
        IntegrityAlgorithm sha384 = IntegrityAlgorithm.HMAC_SHA2_384_192;
        IntegrityAlgorithm sha512 = IntegrityAlgorithm.HMAC_SHA2_512_256;
        return Stream.of(
                // RFC 2202 §2: HMAC-MD5 (HMAC-MD5-96 is its first 96 bits, RFC 2403 §2).
                new Vector("RFC 2202 MD5 1", md5, "0b".repeat(16), "text:Hi There", "9294727a3638bb1c13f48ef8158bfc9d"),
                new Vector("RFC 2202 MD5 2", md5, "text:Jefe", "text:what do ya want for nothing?",
                        "750c783e6ab0b503eaa86e310a5db738"),
                new Vector("RFC 2202 MD5 3", md5, "aa".repeat(16), DD_50, "56be34521d144c88dbb8c733f0e8b3f6"),
                new Vector("RFC 2202 MD5 4", md5, KEY_25, CD_50, "697eaf0aca3a3aea3a75164746ffaa79"),
                new Vector("RFC 2202 MD5 5 (96)", md5, "0c".repeat(16), "text:Test With Truncation",
                        "56461ef2342edc00f9bab995"),
                new Vector("RFC 2202 MD5 6", md5, AA_80, BIG_KEY, "6b1ab7fe4bd7bf8f0b62e6ce61b9d0cd"),
                new Vector("RFC 2202 MD5 7", md5, AA_80, BIG_KEY_AND_DATA, "6f630fad67cda0ee1fb1f562db3aa53e"),
                // RFC 2202 §3: HMAC-SHA-1 (HMAC-SHA1-96, RFC 2404 §3).
                new Vector("RFC 2202 SHA1 1", sha1, "0b".repeat(20), "text:Hi There",
                        "b617318655057264e28bc0b6fb378c8ef146be00"),
                new Vector("RFC 2202 SHA1 2", sha1, "text:Jefe", "text:what do ya want for nothing?",
                        "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"),
                new Vector("RFC 2202 SHA1 3", sha1, "aa".repeat(20), DD_50, "125d7342b9ac11cd91a39af48aa17b4f63f175d3"),
                new Vector("RFC 2202 SHA1 4", sha1, KEY_25, CD_50, "4c9007f4026250c6bc8414f9bf50c86c2d7235da"),
                new Vector("RFC 2202 SHA1 5 (96)", sha1, "0c".repeat(20), "text:Test With Truncation",
                        "4c1a03424b55e07fe7f27be1"),
                new Vector("RFC 2202 SHA1 6", sha1, AA_80, BIG_KEY, "aa4ae5e15272d00e95705637ce8a3b55ed402112"),
                new Vector("RFC 2202 SHA1 7", sha1, AA_80, BIG_KEY_AND_DATA, "e8e99d0f45237d786d6bbaa7965c7808bbff1a91"),
                // RFC 4868 §2.7.2.1: HMAC-SHA-256-128 with 32-byte keys, the truncated authenticators.
                new Vector("RFC 4868 AUTH256-1", sha256, "0b".repeat(32), "text:Hi There",
                        "198a607eb44bfbc69903a0f1cf2bbdc5"),
                new Vector("RFC 4868 AUTH256-2", sha256, "text:" + "Jefe".repeat(8),
                        "text:what do ya want for nothing?", "167f928588c5cc2eef8e3093caa0e87c"),
                new Vector("RFC 4868 AUTH256-3", sha256, "aa".repeat(32), DD_50, "cdcb1220d1ecccea91e53aba3092f962"),
                new Vector("RFC 4868 AUTH256-4", sha256,
                        "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20", CD_50,
                        "372efcf9b40b35c2115b1346903d2ef4"),
                // RFC 4868 §2.7.2.2: HMAC-SHA-384-192, 48-byte key.
                new Vector("RFC 4868 AUTH384-1", sha384, "0b".repeat(48), "text:Hi There",
                        "b6a8d5636f5c6a7224f9977dcf7ee6c7fb6d0c48cbdee973"),
                // RFC 4868 §2.7.2.3: HMAC-SHA-512-256, 64-byte keys (full PRF outputs as printed).
                new Vector("RFC 4868 AUTH512-1", sha512, "0b".repeat(64), "text:Hi There",
                        "637edc6e01dce7e6742a99451aae82df23da3e92439e590e43e761b33e910fb8"
                                + "ac2878ebd5803f6f0b61dbce5e251ff8789a4722c1be65aea45fd464e89f8f5b"),
                new Vector("RFC 4868 AUTH512-2", sha512, "text:" + "Jefe".repeat(16),
                        "text:what do ya want for nothing?",
                        "cb370917ae8a7ce28cfd1d8f4705d6141c173b2a9362c15df235dfb251b15454"
                                + "6aa334ae9fb9afc2184932d8695e397bfa0ffb93466cfcceaae38c833b7dba38"),
                new Vector("RFC 4868 AUTH512-3", sha512, "aa".repeat(64), DD_50,
                        "2ee7acd783624ca9398710f3ee05ae41b9f9b0510c87e49e586cc9bf961733d8"
                                + "623c7b55cebefccf02d5581acc1c9d5fb1ff68a1de45509fbe4da9a433922655"),
                // RFC 4231 §4 (the PRF vectors RFC 4868 §2.7.1 reuses), SHA-384 and SHA-512: short keys, keys
                // longer than the block (hashed first, RFC 2104 §2) and the truncation case 5.
                new Vector("RFC 4231 1 SHA384", sha384, "0b".repeat(20), "text:Hi There",
                        "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59cfaea9ea9076ede7f4af152e8b2fa9cb6"),
                new Vector("RFC 4231 2 SHA384", sha384, "text:Jefe", "text:what do ya want for nothing?",
                        "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e8e2240ca5e69e2c78b3239ecfab21649"),
                new Vector("RFC 4231 3 SHA384", sha384, "aa".repeat(20), DD_50,
                        "88062608d3e6ad8a0aa2ace014c8a86f0aa635d947ac9febe83ef4e55966144b2a5ab39dc13814b94e3ab6e101a34f27"),
                new Vector("RFC 4231 4 SHA384", sha384, KEY_25, CD_50,
                        "3e8a69b7783c25851933ab6290af6ca77a9981480850009cc5577c6e1f573b4e6801dd23c4a7d679ccf8a386c674cffb"),
                new Vector("RFC 4231 5 SHA384 (128)", sha384, "0c".repeat(20), "text:Test With Truncation",
                        "3abf34c3503b2a23a46efc619baef897"),
                new Vector("RFC 4231 6 SHA384", sha384, AA_131, BIG_KEY,
                        "4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c60c2ef6ab4030fe8296248df163f44952"),
                new Vector("RFC 4231 7 SHA384", sha384, AA_131, RFC4231_7,
                        "6617178e941f020d351e2f254e8fd32c602420feb0b8fb9adccebb82461e99c5a678cc31e799176d3860e6110c46523e"),
                new Vector("RFC 4231 1 SHA512", sha512, "0b".repeat(20), "text:Hi There",
                        "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
                                + "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854"),
                new Vector("RFC 4231 2 SHA512", sha512, "text:Jefe", "text:what do ya want for nothing?",
                        "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
                                + "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737"),
                new Vector("RFC 4231 5 SHA512 (128)", sha512, "0c".repeat(20), "text:Test With Truncation",
                        "415fad6271580a531d4179bc891d87a6"),
                new Vector("RFC 4231 6 SHA512", sha512, AA_131, BIG_KEY,
                        "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f352"
                                + "6b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598"),
                new Vector("RFC 4231 7 SHA512", sha512, AA_131, RFC4231_7,
                        "e37b6a775dc87dbaa4dfa9f96e5e3ffddebd71f8867289865df5a32d20cdc944"
                                + "b6022cac3c4982b10d5eeb55c3e4de15134676fb6de0446065c97440fa8c6a58"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void matchesPublishedVector(Vector v) {
        byte[] key = decode(v.key());
        byte[] data = decode(v.data());
        Hmac hmac = new Hmac(v.algorithm(), key, 0, key.length);
        byte[] out = new byte[hmac.digestLength()];
        // Twice, to show the instance starts a clean message after finish().
        for (int round = 0; round < 2; round++) {
            hmac.update(data, 0, data.length);
            hmac.finish(out, 0);
            String expected = v.expected();
            assertEquals(expected, Hex.of(out, 0, expected.length() / 2), v.source() + " round " + round);
        }
    }

    @Property(tries = 300)
    void agreesWithTheJdkMac(@ForAll("hmacAlgorithms") IntegrityAlgorithm algorithm,
                             @ForAll @Size(max = 200) byte[] key, @ForAll @Size(max = 3000) byte[] data)
            throws Exception {
        if (key.length == 0) {
            key = new byte[] {0}; // the JDK refuses empty keys
        }
        Mac mac = Mac.getInstance(algorithm.jcaName());
        mac.init(new SecretKeySpec(key, algorithm.jcaName()));
        byte[] expected = mac.doFinal(data);
        Hmac hmac = new Hmac(algorithm, key, 0, key.length);
        byte[] out = new byte[hmac.digestLength()];
        int half = data.length / 2;
        hmac.update(data, 0, half);
        hmac.update(data, half, data.length - half);
        hmac.finish(out, 0);
        assertEquals(Hex.of(expected), Hex.of(out));
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<IntegrityAlgorithm> hmacAlgorithms() {
        return net.jqwik.api.Arbitraries.of(Arrays.stream(IntegrityAlgorithm.values())
                .filter(a -> a != IntegrityAlgorithm.NONE).toList());
    }

    private static byte[] decode(String s) {
        return s.startsWith("text:") ? s.substring(5).getBytes(StandardCharsets.US_ASCII) : Hex.bytes(s);
    }
}
