package org.ipsec4j.ike.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** RFC 7427 Digital Signature AUTH data: round trips for every scheme and key, and what must fail. */
class SignatureAuthenticationTest {

    private static final byte[] OCTETS = octets();

    private static byte[] octets() {
        byte[] b = new byte[500];
        new Random(42).nextBytes(b);
        return b;
    }

    static Stream<Arguments> schemesAndKeys() {
        return Stream.of(
                Arguments.of(SignatureScheme.RSA_PKCS1_SHA256, "RSA-2048"),
                Arguments.of(SignatureScheme.RSA_PKCS1_SHA384, "RSA-2048"),
                Arguments.of(SignatureScheme.RSA_PKCS1_SHA512, "RSA-2048"),
                Arguments.of(SignatureScheme.RSA_PKCS1_SHA256, "RSA-3072"),
                Arguments.of(SignatureScheme.RSA_PSS_SHA256, "RSA-2048"),
                Arguments.of(SignatureScheme.RSA_PSS_SHA384, "RSA-2048"),
                Arguments.of(SignatureScheme.RSA_PSS_SHA512, "RSA-2048"),
                Arguments.of(SignatureScheme.RSA_PSS_SHA256, "RSA-3072"),
                Arguments.of(SignatureScheme.RSA_PSS_SHA256, "RSASSA-PSS-2048"),
                Arguments.of(SignatureScheme.RSA_PSS_SHA512, "RSASSA-PSS-2048"),
                Arguments.of(SignatureScheme.ECDSA_SHA256, "EC-secp256r1"),
                Arguments.of(SignatureScheme.ECDSA_SHA384, "EC-secp384r1"),
                Arguments.of(SignatureScheme.ECDSA_SHA512, "EC-secp521r1"),
                Arguments.of(SignatureScheme.ECDSA_SHA512, "EC-secp256r1"),
                Arguments.of(SignatureScheme.ECDSA_SHA256, "EC-secp384r1"),
                Arguments.of(SignatureScheme.ED25519, "Ed25519"),
                Arguments.of(SignatureScheme.ED448, "Ed448"));
    }

    @ParameterizedTest(name = "{0} with {1}")
    @MethodSource("schemesAndKeys")
    void signedAuthDataVerifies(SignatureScheme scheme, String keyKind) throws Exception {
        KeyPair keys = TestPki.shared(keyKind);

        byte[] auth = SignatureAuthentication.sign(keys.getPrivate(), OCTETS, scheme);

        byte[] algorithmIdentifier = scheme.algorithmIdentifier();
        assertEquals(algorithmIdentifier.length, auth[0] & 0xFF);
        assertArrayEquals(algorithmIdentifier, Arrays.copyOfRange(auth, 1, 1 + algorithmIdentifier.length));
        SignatureAuthentication.verify(keys.getPublic(), auth, OCTETS);
        SignatureAuthentication.verify(SignatureAuthentication.DIGITAL_SIGNATURE, keys.getPublic(), auth, OCTETS);

        // The signature part is what the JDK's own verifier accepts for this scheme.
        Signature jdk = Signature.getInstance(scheme.jdkAlgorithm());
        if (scheme.jdkAlgorithm().equals("RSASSA-PSS")) {
            jdk.setParameter(scheme.verification().parameters());
        }
        jdk.initVerify(keys.getPublic());
        jdk.update(OCTETS);
        assertTrue(jdk.verify(Arrays.copyOfRange(auth, 1 + algorithmIdentifier.length, auth.length)));
    }

    @ParameterizedTest(name = "{0} with {1}")
    @MethodSource("schemesAndKeys")
    void tamperedOctetsOrSignatureFail(SignatureScheme scheme, String keyKind) {
        KeyPair keys = TestPki.shared(keyKind);
        byte[] auth = SignatureAuthentication.sign(keys.getPrivate(), OCTETS, scheme);

        byte[] octets = OCTETS.clone();
        octets[123] ^= 0x01;
        assertThrows(AuthenticationException.class, () -> SignatureAuthentication.verify(keys.getPublic(), auth, octets));

        byte[] badSignature = auth.clone();
        badSignature[badSignature.length - 1] ^= 0x01;
        assertThrows(AuthenticationException.class, () -> SignatureAuthentication.verify(keys.getPublic(), badSignature, OCTETS));

        byte[] truncated = Arrays.copyOf(auth, auth.length - 1);
        assertThrows(AuthenticationException.class, () -> SignatureAuthentication.verify(keys.getPublic(), truncated, OCTETS));
    }

    @ParameterizedTest(name = "{0} with {1}")
    @MethodSource("schemesAndKeys")
    void anotherKeyOfTheSameKindFails(SignatureScheme scheme, String keyKind) {
        byte[] auth = SignatureAuthentication.sign(TestPki.shared(keyKind).getPrivate(), OCTETS, scheme);
        KeyPair other = TestPki.shared(keyKind, "other");
        AuthenticationException e = assertThrows(AuthenticationException.class,
                () -> SignatureAuthentication.verify(other.getPublic(), auth, OCTETS));
        assertTrue(e.getMessage().contains("does not verify"), e.getMessage());
    }

    @Test
    void algorithmThatDoesNotFitThePeersKeyFails() {
        byte[] rsaAuth = SignatureAuthentication.sign(TestPki.shared("RSA-2048").getPrivate(), OCTETS,
                SignatureScheme.RSA_PKCS1_SHA256);
        AuthenticationException e = assertThrows(AuthenticationException.class,
                () -> SignatureAuthentication.verify(TestPki.shared("EC-secp256r1").getPublic(), rsaAuth, OCTETS));
        assertTrue(e.getMessage().contains("ECDSA P-256"), e.getMessage());

        byte[] edAuth = SignatureAuthentication.sign(TestPki.shared("Ed25519").getPrivate(), OCTETS, SignatureScheme.ED25519);
        assertThrows(AuthenticationException.class,
                () -> SignatureAuthentication.verify(TestPki.shared("Ed448").getPublic(), edAuth, OCTETS));
        assertThrows(AuthenticationException.class,
                () -> SignatureAuthentication.verify(TestPki.shared("RSA-2048").getPublic(), edAuth, OCTETS));

        // A PSS-only key must not vouch for PKCS#1 v1.5 signatures (RFC 4055 §1.2).
        byte[] pkcs1 = SignatureAuthentication.sign(TestPki.shared("RSA-2048").getPrivate(), OCTETS,
                SignatureScheme.RSA_PKCS1_SHA256);
        assertThrows(AuthenticationException.class,
                () -> SignatureAuthentication.verify(TestPki.shared("RSASSA-PSS-2048").getPublic(), pkcs1, OCTETS));
    }

    @Test
    void signingWithASchemeThatDoesNotFitTheKeyIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> SignatureAuthentication.sign(
                TestPki.shared("EC-secp256r1").getPrivate(), OCTETS, SignatureScheme.RSA_PKCS1_SHA256));
        assertThrows(IllegalArgumentException.class, () -> SignatureAuthentication.sign(
                TestPki.shared("RSASSA-PSS-2048").getPrivate(), OCTETS, SignatureScheme.RSA_PKCS1_SHA256));
        assertThrows(IllegalArgumentException.class, () -> SignatureAuthentication.sign(
                TestPki.shared("Ed448").getPrivate(), OCTETS, SignatureScheme.ED25519));
    }

    @Test
    void pkcs1SignatureIsTheEmsaEncodingOfRfc8017() throws Exception {
        // Independent of the JDK's Signature: s^e mod n must be 00 01 FF.. 00 DigestInfo(SHA-256, H(octets)).
        KeyPair keys = TestPki.shared("RSA-2048");
        byte[] auth = SignatureAuthentication.sign(keys.getPrivate(), OCTETS, SignatureScheme.RSA_PKCS1_SHA256);
        byte[] signature = Arrays.copyOfRange(auth, 1 + (auth[0] & 0xFF), auth.length);
        RSAPublicKey pub = (RSAPublicKey) keys.getPublic();
        byte[] em = new BigInteger(1, signature).modPow(pub.getPublicExponent(), pub.getModulus()).toByteArray();
        byte[] digestInfoPrefix = Hex.bytes("3031300d060960864801650304020105000420");
        byte[] hash = MessageDigest.getInstance("SHA-256").digest(OCTETS);
        // toByteArray drops the leading 00: em starts at 01.
        assertEquals(255, em.length);
        assertEquals(1, em[0]);
        int tail = digestInfoPrefix.length + hash.length;
        for (int i = 1; i < em.length - tail - 1; i++) {
            assertEquals((byte) 0xFF, em[i]);
        }
        assertEquals(0, em[em.length - tail - 1]);
        assertArrayEquals(digestInfoPrefix, Arrays.copyOfRange(em, em.length - tail, em.length - hash.length));
        assertArrayEquals(hash, Arrays.copyOfRange(em, em.length - hash.length, em.length));
    }

    /** AUTH data put together by hand, as another implementation might send it. */
    private static byte[] auth(byte[] algorithmIdentifier, byte[] signature) {
        byte[] out = new byte[1 + algorithmIdentifier.length + signature.length];
        out[0] = (byte) algorithmIdentifier.length;
        System.arraycopy(algorithmIdentifier, 0, out, 1, algorithmIdentifier.length);
        System.arraycopy(signature, 0, out, 1 + algorithmIdentifier.length, signature.length);
        return out;
    }

    private static byte[] jdkSign(String algorithm, java.security.spec.AlgorithmParameterSpec parameters, KeyPair keys)
            throws Exception {
        Signature s = Signature.getInstance(algorithm);
        if (parameters != null) {
            s.setParameter(parameters);
        }
        s.initSign(keys.getPrivate());
        s.update(OCTETS);
        return s.sign();
    }

    @Test
    void pkcs1WithoutNullParametersIsAccepted() throws Exception {
        KeyPair keys = TestPki.shared("RSA-2048");
        byte[] noParameters = Hex.bytes("300b06092a864886f70d01010b");
        SignatureAuthentication.verify(keys.getPublic(), auth(noParameters, jdkSign("SHA256withRSA", null, keys)), OCTETS);
    }

    @Test
    void pssWithOtherSaltAndAbsentHashParametersIsAccepted() throws Exception {
        KeyPair keys = TestPki.shared("RSA-2048");
        // SHA-384, MGF1 with SHA-256, salt 20; hash AlgorithmIdentifiers without NULL.
        byte[] sha384 = Der.sequence(Der.oid(Oids.SHA384));
        byte[] sha256 = Der.sequence(Der.oid(Oids.SHA256));
        byte[] algorithmIdentifier = Der.sequence(Der.oid(Oids.RSASSA_PSS), Der.sequence(
                Der.explicit(0, sha384), Der.explicit(1, Der.sequence(Der.oid(Oids.MGF1), sha256)),
                Der.explicit(2, Der.integer(20))));
        byte[] signature = jdkSign("RSASSA-PSS",
                new PSSParameterSpec("SHA-384", "MGF1", MGF1ParameterSpec.SHA256, 20, 1), keys);

        SignatureAuthentication.verify(keys.getPublic(), auth(algorithmIdentifier, signature), OCTETS);

        // Same signature, AlgorithmIdentifier claiming salt 48: fails.
        byte[] wrongSalt = Der.sequence(Der.oid(Oids.RSASSA_PSS), Der.sequence(
                Der.explicit(0, sha384), Der.explicit(1, Der.sequence(Der.oid(Oids.MGF1), sha256)),
                Der.explicit(2, Der.integer(48))));
        assertThrows(AuthenticationException.class,
                () -> SignatureAuthentication.verify(keys.getPublic(), auth(wrongSalt, signature), OCTETS));
    }

    @Test
    void ecdsaInMethod14IsDerNotRawRs() throws Exception {
        KeyPair keys = TestPki.shared("EC-secp256r1");
        byte[] raw = jdkSign("SHA256withECDSAinP1363Format", null, keys);
        byte[] algorithmIdentifier = SignatureScheme.ECDSA_SHA256.algorithmIdentifier();
        assertThrows(AuthenticationException.class,
                () -> SignatureAuthentication.verify(keys.getPublic(), auth(algorithmIdentifier, raw), OCTETS));
        SignatureAuthentication.verify(keys.getPublic(), auth(algorithmIdentifier, jdkSign("SHA256withECDSA", null, keys)),
                OCTETS);
    }

    @Test
    void malformedAuthDataFails() {
        KeyPair keys = TestPki.shared("RSA-2048");
        byte[] good = SignatureAuthentication.sign(keys.getPrivate(), OCTETS, SignatureScheme.RSA_PKCS1_SHA256);
        byte[][] bad = {
            new byte[0],
            {0},
            {15},
            Arrays.copyOf(good, 16), // AlgorithmIdentifier and no signature
            lengthByte(good, 14), // length byte one short of the AlgorithmIdentifier
            lengthByte(good, 16), // one past it
            lengthByte(good, 255),
        };
        for (byte[] authData : bad) {
            assertThrows(AuthenticationException.class,
                    () -> SignatureAuthentication.verify(keys.getPublic(), authData, OCTETS), Hex.of(authData));
        }
    }

    private static byte[] lengthByte(byte[] auth, int length) {
        byte[] out = auth.clone();
        out[0] = (byte) length;
        return out;
    }

    @Test
    void refusedAlgorithmIdentifiers() throws Exception {
        KeyPair keys = TestPki.shared("RSA-2048");
        byte[] signature = jdkSign("SHA1withRSA", null, keys);
        String[] refused = {
            "300d06092a864886f70d0101050500", // sha1WithRSAEncryption
            "300d06092a864886f70d01010a3000", // RSASSA-PSS, all defaults (SHA-1)
            "300d06092a864886f70d01010b0101ff", // sha256WithRSAEncryption with BOOLEAN parameters
            "300f06092a864886f70d01010b05000500", // a second parameters element
            "300806062a0304050607", // unknown OID 1.2.3.4.5.6.7
            "30070603 2b6570 0500", // Ed25519 with NULL parameters
            "3080 06092a864886f70d01010b 0500 0000", // indefinite length
        };
        for (String hex : refused) {
            assertThrows(AuthenticationException.class,
                    () -> SignatureAuthentication.verify(keys.getPublic(), auth(Hex.bytes(hex), signature), OCTETS), hex);
        }
    }

    @Test
    void legacyRsaSignatureIsPkcs1WithSha1() throws Exception {
        KeyPair keys = TestPki.shared("RSA-2048");
        byte[] auth = SignatureAuthentication.signLegacy(SignatureAuthentication.RSA_SIGNATURE, keys.getPrivate(), OCTETS);
        assertArrayEquals(jdkSign("SHA1withRSA", null, keys), auth); // PKCS#1 v1.5 is deterministic
        SignatureAuthentication.verify(SignatureAuthentication.RSA_SIGNATURE, keys.getPublic(), auth, OCTETS);
        byte[] octets = OCTETS.clone();
        octets[0] ^= 1;
        assertThrows(AuthenticationException.class,
                () -> SignatureAuthentication.verify(SignatureAuthentication.RSA_SIGNATURE, keys.getPublic(), auth, octets));
        assertEquals(SignatureAuthentication.RSA_SIGNATURE, SignatureAuthentication.legacyMethodFor(keys.getPrivate()));
    }

    static Stream<Arguments> legacyEcdsa() {
        return Stream.of(
                Arguments.of(SignatureAuthentication.ECDSA_256, "EC-secp256r1", "SHA256withECDSAinP1363Format", 64),
                Arguments.of(SignatureAuthentication.ECDSA_384, "EC-secp384r1", "SHA384withECDSAinP1363Format", 96),
                Arguments.of(SignatureAuthentication.ECDSA_521, "EC-secp521r1", "SHA512withECDSAinP1363Format", 132));
    }

    @ParameterizedTest(name = "method {0} with {1}")
    @MethodSource("legacyEcdsa")
    void legacyEcdsaIsRawRsOfTheCurvesLength(int method, String keyKind, String jdkAlgorithm, int length) throws Exception {
        KeyPair keys = TestPki.shared(keyKind);
        byte[] auth = SignatureAuthentication.signLegacy(method, keys.getPrivate(), OCTETS);
        assertEquals(length, auth.length);
        SignatureAuthentication.verify(method, keys.getPublic(), auth, OCTETS);
        assertEquals(method, SignatureAuthentication.legacyMethodFor(keys.getPrivate()));

        // What another implementation signed (RFC 4754 r|s) verifies too.
        SignatureAuthentication.verify(method, keys.getPublic(), jdkSign(jdkAlgorithm, null, keys), OCTETS);

        byte[] tampered = auth.clone();
        tampered[length / 2] ^= 1;
        assertThrows(AuthenticationException.class,
                () -> SignatureAuthentication.verify(method, keys.getPublic(), tampered, OCTETS));
        assertThrows(AuthenticationException.class,
                () -> SignatureAuthentication.verify(method, keys.getPublic(), Arrays.copyOf(auth, length - 1), OCTETS));
        assertThrows(AuthenticationException.class,
                () -> SignatureAuthentication.verify(method, TestPki.shared(keyKind, "other").getPublic(), auth, OCTETS));
    }

    @Test
    void legacyEcdsaMethodMustMatchTheCurve() {
        KeyPair p384 = TestPki.shared("EC-secp384r1");
        byte[] auth = SignatureAuthentication.signLegacy(SignatureAuthentication.ECDSA_384, p384.getPrivate(), OCTETS);
        AuthenticationException e = assertThrows(AuthenticationException.class, () -> SignatureAuthentication.verify(
                SignatureAuthentication.ECDSA_256, p384.getPublic(), Arrays.copyOf(auth, 64), OCTETS));
        assertTrue(e.getMessage().contains("P-384"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SignatureAuthentication.signLegacy(
                SignatureAuthentication.ECDSA_256, p384.getPrivate(), OCTETS));
        assertThrows(IllegalArgumentException.class, () -> SignatureAuthentication.signLegacy(
                SignatureAuthentication.RSA_SIGNATURE, p384.getPrivate(), OCTETS));
        assertThrows(IllegalArgumentException.class, () -> SignatureAuthentication.signLegacy(
                SignatureAuthentication.DIGITAL_SIGNATURE, p384.getPrivate(), OCTETS));
        assertEquals(-1, SignatureAuthentication.legacyMethodFor(TestPki.shared("Ed25519").getPrivate()));
    }

    @Test
    void unknownAuthMethodIsRefused() {
        KeyPair keys = TestPki.shared("RSA-2048");
        assertThrows(AuthenticationException.class,
                () -> SignatureAuthentication.verify(3, keys.getPublic(), new byte[40], OCTETS)); // DSS
        assertThrows(AuthenticationException.class,
                () -> SignatureAuthentication.verify(2, keys.getPublic(), new byte[32], OCTETS)); // shared key
    }

    @Test
    void ed25519SignatureIsDeterministic() {
        KeyPair keys = TestPki.shared("Ed25519");
        byte[] a = SignatureAuthentication.sign(keys.getPrivate(), OCTETS, SignatureScheme.ED25519);
        byte[] b = SignatureAuthentication.sign(keys.getPrivate(), OCTETS, SignatureScheme.ED25519);
        assertArrayEquals(a, b);
        assertEquals(1 + 7 + 64, a.length);
        assertDoesNotThrow(() -> SignatureAuthentication.verify(keys.getPublic(), a, OCTETS));
    }
}
