package org.ipsec4j.ike.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import org.junit.jupiter.api.Test;

/** Scheme choice: defaults as strongSwan's, SIGNATURE_HASH_ALGORITHMS (RFC 7427 §4) both ways. */
class SignatureSchemeTest {

    private static PrivateKey key(String kind) {
        return TestPki.shared(kind).getPrivate();
    }

    @Test
    void defaults() {
        assertEquals(SignatureScheme.RSA_PKCS1_SHA256, SignatureScheme.defaultFor(key("RSA-2048")));
        assertEquals(SignatureScheme.RSA_PKCS1_SHA256, SignatureScheme.defaultFor(key("RSA-3072")));
        assertEquals(SignatureScheme.RSA_PSS_SHA256, SignatureScheme.defaultFor(key("RSASSA-PSS-2048")));
        assertEquals(SignatureScheme.ECDSA_SHA256, SignatureScheme.defaultFor(key("EC-secp256r1")));
        assertEquals(SignatureScheme.ECDSA_SHA384, SignatureScheme.defaultFor(key("EC-secp384r1")));
        assertEquals(SignatureScheme.ECDSA_SHA512, SignatureScheme.defaultFor(key("EC-secp521r1")));
        assertEquals(SignatureScheme.ED25519, SignatureScheme.defaultFor(key("Ed25519")));
        assertEquals(SignatureScheme.ED448, SignatureScheme.defaultFor(key("Ed448")));
    }

    @Test
    void keysWithoutSchemeAreRefused() throws Exception {
        PrivateKey x25519 = KeyPairGenerator.getInstance("X25519").generateKeyPair().getPrivate();
        assertThrows(IllegalArgumentException.class, () -> SignatureScheme.defaultFor(x25519));
        for (SignatureScheme s : SignatureScheme.values()) {
            assertFalse(s.fits(x25519), s.name());
        }
    }

    @Test
    void hashIds() {
        assertEquals(2, SignatureScheme.RSA_PKCS1_SHA256.hashAlgorithmId());
        assertEquals(3, SignatureScheme.RSA_PSS_SHA384.hashAlgorithmId());
        assertEquals(4, SignatureScheme.ECDSA_SHA512.hashAlgorithmId());
        assertEquals(5, SignatureScheme.ED25519.hashAlgorithmId());
        assertEquals(5, SignatureScheme.ED448.hashAlgorithmId());
        assertArrayEquals(Hex.bytes("0002 0003 0004 0005"), SignatureScheme.supportedHashAlgorithms());
        assertArrayEquals(new int[] {1, 2, 0x1234}, SignatureScheme.parseHashAlgorithms(Hex.bytes("0001 0002 1234 ff")));
        assertArrayEquals(new int[0], SignatureScheme.parseHashAlgorithms(null));
    }

    @Test
    void selectionFollowsWhatThePeerAnnounced() {
        byte[] all = SignatureScheme.supportedHashAlgorithms();
        assertEquals(SignatureScheme.RSA_PKCS1_SHA256, SignatureScheme.select(key("RSA-2048"), all, false));
        assertEquals(SignatureScheme.RSA_PSS_SHA256, SignatureScheme.select(key("RSA-2048"), all, true));
        assertEquals(SignatureScheme.RSA_PKCS1_SHA384, SignatureScheme.select(key("RSA-2048"), Hex.bytes("0003"), false));
        assertEquals(SignatureScheme.RSA_PSS_SHA512, SignatureScheme.select(key("RSA-2048"), Hex.bytes("0004"), true));
        assertEquals(SignatureScheme.RSA_PSS_SHA384, SignatureScheme.select(key("RSASSA-PSS-2048"), Hex.bytes("0003"), false));
        assertEquals(SignatureScheme.ECDSA_SHA384, SignatureScheme.select(key("EC-secp384r1"), all, false));
        assertEquals(SignatureScheme.ECDSA_SHA256, SignatureScheme.select(key("EC-secp384r1"), Hex.bytes("0001 0002"), false));
        assertEquals(SignatureScheme.ED25519, SignatureScheme.select(key("Ed25519"), Hex.bytes("0002 0005"), false));
        assertNull(SignatureScheme.select(key("Ed25519"), Hex.bytes("0002 0003 0004"), false));
        assertNull(SignatureScheme.select(key("RSA-2048"), Hex.bytes("0001"), false));
        assertNull(SignatureScheme.select(key("RSA-2048"), null, false));
    }

    @Test
    void fits() {
        assertTrue(SignatureScheme.RSA_PSS_SHA256.fits(TestPki.shared("RSA-2048").getPublic()));
        assertTrue(SignatureScheme.RSA_PSS_SHA256.fits(TestPki.shared("RSASSA-PSS-2048").getPublic()));
        assertFalse(SignatureScheme.RSA_PKCS1_SHA256.fits(TestPki.shared("RSASSA-PSS-2048").getPublic()));
        assertTrue(SignatureScheme.ECDSA_SHA512.fits(TestPki.shared("EC-secp256r1").getPublic()));
        assertFalse(SignatureScheme.ED448.fits(TestPki.shared("Ed25519").getPublic()));
        assertFalse(SignatureScheme.ECDSA_SHA256.fits(TestPki.shared("RSA-2048").getPublic()));
    }
}
