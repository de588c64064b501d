package org.ipsec4j.ike.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.junit.jupiter.api.Test;

/** Chain validation against trusted authorities, and the CERTREQ data naming them. */
class TrustStoreTest {

    private static final Instant NOW = TestPki.NOW;

    private final KeyPair rootKeys = TestPki.shared("RSA-3072", "root");
    private final KeyPair intermediateKeys = TestPki.shared("EC-secp384r1", "intermediate");
    private final KeyPair peerKeys = TestPki.shared("EC-secp256r1", "peer");

    private final X509Certificate root = TestPki.rootCa("Root CA", rootKeys);
    private final X509Certificate intermediate = TestPki.Spec.of(TestPki.name("Intermediate CA"), intermediateKeys)
            .issuedBy(root, rootKeys.getPrivate()).authority().issue();
    private final X509Certificate peer = TestPki.Spec.of(TestPki.name("moon.strongswan.org"), peerKeys)
            .issuedBy(intermediate, intermediateKeys.getPrivate()).issue();

    @Test
    void chainThroughAnIntermediateValidates() throws Exception {
        TrustStore store = new TrustStore(List.of(root));
        assertEquals(List.of(peer, intermediate, root), store.validate(List.of(peer, intermediate), NOW));
    }

    @Test
    void intermediatesInAnyOrderAndACopyOfTheRootAreFine() throws Exception {
        TrustStore store = new TrustStore(List.of(root));
        X509Certificate stray = TestPki.rootCa("Somebody else", TestPki.shared("Ed25519", "stray"));
        assertEquals(List.of(peer, intermediate, root), store.validate(List.of(peer, root, stray, intermediate), NOW));
    }

    @Test
    void trustingTheIntermediateIsEnough() throws Exception {
        TrustStore store = new TrustStore(List.of(intermediate));
        assertEquals(List.of(peer, intermediate), store.validate(List.of(peer), NOW));
    }

    @Test
    void missingIntermediateFails() {
        TrustStore store = new TrustStore(List.of(root));
        AuthenticationException e = assertThrows(AuthenticationException.class, () -> store.validate(List.of(peer), NOW));
        assertTrue(e.getMessage().contains("moon.strongswan.org"), e.getMessage());
        assertTrue(e.getMessage().contains("no trusted authority"), e.getMessage());
    }

    @Test
    void untrustedRootFails() {
        KeyPair otherKeys = TestPki.shared("RSA-2048", "other root");
        X509Certificate otherRoot = TestPki.rootCa("Root CA", otherKeys); // same name, other key
        TrustStore store = new TrustStore(List.of(otherRoot));
        AuthenticationException e = assertThrows(AuthenticationException.class,
                () -> store.validate(List.of(peer, intermediate), NOW));
        assertTrue(e.getMessage().contains("Intermediate CA"), e.getMessage());
        TrustStore empty = new TrustStore(List.of());
        assertThrows(AuthenticationException.class, () -> empty.validate(List.of(peer, intermediate), NOW));
    }

    @Test
    void expiredOrNotYetValidCertificatesFail() {
        TrustStore store = new TrustStore(List.of(root));
        X509Certificate expired = TestPki.Spec.of(TestPki.name("old.strongswan.org"), peerKeys)
                .issuedBy(intermediate, intermediateKeys.getPrivate())
                .valid(NOW.minus(Duration.ofDays(30)), NOW.minus(Duration.ofDays(1))).issue();
        AuthenticationException e = assertThrows(AuthenticationException.class,
                () -> store.validate(List.of(expired, intermediate), NOW));
        assertTrue(e.getMessage().contains("old.strongswan.org") && e.getMessage().contains("expired"), e.getMessage());

        X509Certificate future = TestPki.Spec.of(TestPki.name("new.strongswan.org"), peerKeys)
                .issuedBy(intermediate, intermediateKeys.getPrivate())
                .valid(NOW.plus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(30))).issue();
        e = assertThrows(AuthenticationException.class, () -> store.validate(List.of(future, intermediate), NOW));
        assertTrue(e.getMessage().contains("not yet valid"), e.getMessage());

        // The time is the caller's: the same chain is fine a year later or not.
        assertThrows(AuthenticationException.class,
                () -> store.validate(List.of(peer, intermediate), NOW.plus(Duration.ofDays(400))));
    }

    @Test
    void endEntityCannotActAsIssuer() {
        // A certificate without the CA basic constraint signing another one.
        KeyPair rogueKeys = TestPki.shared("EC-secp256r1", "rogue");
        X509Certificate rogue = TestPki.Spec.of(TestPki.name("rogue.strongswan.org"), rogueKeys)
                .issuedBy(peer, peerKeys.getPrivate()).issue();
        TrustStore store = new TrustStore(List.of(root));
        AuthenticationException e = assertThrows(AuthenticationException.class,
                () -> store.validate(List.of(rogue, peer, intermediate), NOW));
        assertTrue(e.getMessage().contains("moon.strongswan.org"), e.getMessage());
    }

    @Test
    void forgedSignatureFails() {
        // Claims the intermediate as issuer but is signed with another key.
        X509Certificate forged = TestPki.Spec.of(TestPki.name("forged.strongswan.org"), peerKeys)
                .issuedBy(intermediate, TestPki.shared("EC-secp384r1", "forger").getPrivate()).issue();
        TrustStore store = new TrustStore(List.of(root));
        AuthenticationException e = assertThrows(AuthenticationException.class,
                () -> store.validate(List.of(forged, intermediate), NOW));
        assertTrue(e.getMessage().contains("forged.strongswan.org"), e.getMessage());
    }

    @Test
    void aTrustedEndEntityCertificateStandsForItself() throws Exception {
        X509Certificate selfSigned = TestPki.Spec.of(TestPki.name("pinned"), peerKeys).issue();
        TrustStore store = new TrustStore(List.of(root, selfSigned));
        assertEquals(List.of(selfSigned), store.validate(List.of(selfSigned), NOW));
        assertThrows(AuthenticationException.class,
                () -> store.validate(List.of(selfSigned), NOW.plus(Duration.ofDays(400))));
        assertThrows(AuthenticationException.class, () -> new TrustStore(List.of(root)).validate(List.of(selfSigned), NOW));
    }

    @Test
    void emptyChainFails() {
        assertThrows(AuthenticationException.class, () -> new TrustStore(List.of(root)).validate(List.of(), NOW));
    }

    @Test
    void certificateRequestDataIsTheSha1OfEachAuthoritysPublicKeyInfo() throws Exception {
        TrustStore store = new TrustStore(List.of(root, intermediate));
        MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
        byte[] rootHash = sha1.digest(new JcaX509CertificateHolder(root).getSubjectPublicKeyInfo().getEncoded("DER"));
        byte[] intermediateHash =
                sha1.digest(new JcaX509CertificateHolder(intermediate).getSubjectPublicKeyInfo().getEncoded("DER"));

        byte[] data = store.certificateRequestData();

        assertEquals(40, data.length);
        assertArrayEquals(rootHash, Arrays.copyOfRange(data, 0, 20));
        assertArrayEquals(intermediateHash, Arrays.copyOfRange(data, 20, 40));
        assertTrue(store.isRequested(rootHash));
        assertSame(intermediate, store.authorityFor(intermediateHash));
        byte[] other = rootHash.clone();
        other[19] ^= 1;
        assertFalse(store.isRequested(other));
        assertFalse(store.isRequested(new byte[0]));
        assertNull(store.authorityFor(other));
        assertEquals(0, new TrustStore(List.of()).certificateRequestData().length);
    }
}
