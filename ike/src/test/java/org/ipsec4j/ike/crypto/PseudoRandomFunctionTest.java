package org.ipsec4j.ike.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The PRFs against RFC 4868 §2.7.1, whose PRF test cases for PRF_HMAC_SHA2_256/384/512 are the HMAC-SHA-2 cases
 * of RFC 4231 §4 (numbered here as in RFC 4231; case 5, a truncated output, is not a PRF case).
 */
class PseudoRandomFunctionTest {

    record Vector(String name, PseudoRandomFunction prf, String key, String data, String expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final String KEY_25 = "0102030405060708090a0b0c0d0e0f10111213141516171819";
    private static final String AA_131 = "aa".repeat(131);
    private static final String HI_THERE = "text:Hi There";
    private static final String JEFE_DATA = "text:what do ya want for nothing?";
    private static final String BIG_KEY = "text:Test Using Larger Than Block-Size Key - Hash Key First";
    private static final String BIG_DATA = "text:This is a test using a larger than block-size key and a larger than"
            + " block-size data. The key needs to be hashed before being used by the HMAC algorithm.";

    static Stream<Vector> vectors() {
        PseudoRandomFunction s256 = PseudoRandomFunction.HMAC_SHA2_256;
        PseudoRandomFunction s384 = PseudoRandomFunction.HMAC_SHA2_384;
        PseudoRandomFunction s512 = PseudoRandomFunction.HMAC_SHA2_512;
        return Stream.of(
                new Vector("SHA-256 case 1", s256, "0b".repeat(20), HI_THERE,
                        "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
                new Vector("SHA-256 case 2", s256, "text:Jefe", JEFE_DATA,
                        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
                new Vector("SHA-256 case 3", s256, "aa".repeat(20), "dd".repeat(50),
                        "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
                new Vector("SHA-256 case 4", s256, KEY_25, "cd".repeat(50),
                        "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"),
                new Vector("SHA-256 case 6", s256, AA_131, BIG_KEY,
                        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
                new Vector("SHA-256 case 7", s256, AA_131, BIG_DATA,
                        "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"),
                new Vector("SHA-384 case 1", s384, "0b".repeat(20), HI_THERE,
                        "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59cfaea9ea9076ede7f4af152e8b2fa9cb6"),
                new Vector("SHA-384 case 2", s384, "text:Jefe", JEFE_DATA,
                        "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e8e2240ca5e69e2c78b3239ecfab21649"),
                new Vector("SHA-384 case 3", s384, "aa".repeat(20), "dd".repeat(50),
                        "88062608d3e6ad8a0aa2ace014c8a86f0aa635d947ac9febe83ef4e55966144b2a5ab39dc13814b94e3ab6e101a34f27"),
                new Vector("SHA-384 case 4", s384, KEY_25, "cd".repeat(50),
                        "3e8a69b7783c25851933ab6290af6ca77a9981480850009cc5577c6e1f573b4e6801dd23c4a7d679ccf8a386c674cffb"),
                new Vector("SHA-384 case 6", s384, AA_131, BIG_KEY,
                        "4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c60c2ef6ab4030fe8296248df163f44952"),
                new Vector("SHA-384 case 7", s384, AA_131, BIG_DATA,
                        "6617178e941f020d351e2f254e8fd32c602420feb0b8fb9adccebb82461e99c5a678cc31e799176d3860e6110c46523e"),
                new Vector("SHA-512 case 1", s512, "0b".repeat(20), HI_THERE,
                        "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
                                + "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854"),
                new Vector("SHA-512 case 2", s512, "text:Jefe", JEFE_DATA,
                        "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
                                + "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737"),
                new Vector("SHA-512 case 3", s512, "aa".repeat(20), "dd".repeat(50),
                        "fa73b0089d56a284efb0f0756c890be9b1b5dbdd8ee81a3655f83e33b2279d39"
                                + "bf3e848279a722c806b485a47e67c807b946a337bee8942674278859e13292fb"),
                new Vector("SHA-512 case 4", s512, KEY_25, "cd".repeat(50),
                        "b0ba465637458c6990e5a8c5f61d4af7e576d97ff94b872de76f8050361ee3db"
                                + "a91ca5c11aa25eb4d679275cc5788063a5f19741120c4f2de2adebeb10a298dd"),
                new Vector("SHA-512 case 6", s512, AA_131, BIG_KEY,
                        "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f352"
                                + "6b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598"),
                new Vector("SHA-512 case 7", s512, AA_131, BIG_DATA,
                        "e37b6a775dc87dbaa4dfa9f96e5e3ffddebd71f8867289865df5a32d20cdc944"
                                + "b6022cac3c4982b10d5eeb55c3e4de15134676fb6de0446065c97440fa8c6a58"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void matchesRfc4868PrfVector(Vector v) {
        byte[] key = decode(v.key());
        byte[] data = decode(v.data());
        assertEquals(v.expected(), Hex.of(v.prf().apply(key, data)));
        // The data may come in pieces: prf(K, a | b) is one HMAC over the concatenation.
        int half = data.length / 2;
        assertEquals(v.expected(), Hex.of(v.prf().apply(key,
                Arrays.copyOfRange(data, 0, half), new byte[0], Arrays.copyOfRange(data, half, data.length))));
        assertEquals(v.prf().outputLength() * 2, v.expected().length());
    }

    @Test
    void idsAndLengthsFollowTheIanaRegistryAndRfc4868() {
        assertEquals(5, PseudoRandomFunction.HMAC_SHA2_256.id());
        assertEquals(6, PseudoRandomFunction.HMAC_SHA2_384.id());
        assertEquals(7, PseudoRandomFunction.HMAC_SHA2_512.id());
        for (PseudoRandomFunction p : PseudoRandomFunction.values()) {
            assertEquals(p, PseudoRandomFunction.fromIke(p.id()));
            assertEquals(p.outputLength(), p.keyLength());
        }
        assertEquals(32, PseudoRandomFunction.HMAC_SHA2_256.outputLength());
        assertEquals(48, PseudoRandomFunction.HMAC_SHA2_384.outputLength());
        assertEquals(64, PseudoRandomFunction.HMAC_SHA2_512.outputLength());
        assertEquals("HmacSHA384", PseudoRandomFunction.HMAC_SHA2_384.macAlgorithm());
        assertNull(PseudoRandomFunction.fromIke(2)); // PRF_HMAC_SHA1: not implemented
        assertNull(PseudoRandomFunction.fromIke(0));
    }

    private static byte[] decode(String s) {
        return s.startsWith("text:") ? s.substring(5).getBytes(StandardCharsets.US_ASCII) : Hex.bytes(s);
    }
}
