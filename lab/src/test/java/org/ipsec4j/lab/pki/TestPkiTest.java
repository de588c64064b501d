package org.ipsec4j.lab.pki;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.pkcs.RSAPrivateKey;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Certificates from {@link TestPki} parse with the JDK's own CertificateFactory and verify against their issuers. */
class TestPkiTest {

    private static final TestPki PKI = new TestPki();

    @ParameterizedTest
    @EnumSource(value = KeyType.class, names = {"RSA_2048", "RSA_3072", "ECDSA_P256", "ECDSA_P384", "ED25519"})
    void aRootOfEveryKeyTypeIsASelfSignedCaTheJdkAccepts(KeyType type) throws Exception {
        IssuedCertificate root = PKI.rootCa("C=CH, O=ipsec4j lab, CN=Root " + type, type);

        X509Certificate parsed = parse(root.certificatePem()).getFirst();
        assertEquals(root.certificate(), parsed);
        parsed.verify(parsed.getPublicKey());
        parsed.checkValidity();
        assertEquals(type, root.keyType());
        assertEquals(type.signatureAlgorithm().toUpperCase(), parsed.getSigAlgName().toUpperCase());
        assertEquals(Integer.MAX_VALUE, parsed.getBasicConstraints(), "a CA without a path length limit");
        assertTrue(parsed.getKeyUsage()[5], "keyCertSign");
        assertEquals(parsed.getSubjectX500Principal(), parsed.getIssuerX500Principal());
        assertTrue(root.issuer().isEmpty());
        assertEquals(List.of(root), root.path());
        // Written first RDN first (strongSwan's order), so RFC 2253 prints it the other way round.
        assertEquals("CN=Root " + type + ",O=ipsec4j lab,C=CH", root.subject());
    }

    @Test
    void aChainThroughAnIntermediateVerifiesLinkByLinkAndAsAPkixPath() throws Exception {
        IssuedCertificate root = PKI.rootCa("C=CH, O=ipsec4j lab, CN=Root", KeyType.ECDSA_P256);
        IssuedCertificate sub = PKI.certificate("C=CH, O=ipsec4j lab, CN=Intermediate").ca(0)
                .key(KeyType.ECDSA_P384).issuedBy(root);
        IssuedCertificate leaf = PKI.certificate("C=CH, O=ipsec4j lab, CN=left.lab").key(KeyType.ED25519)
                .dns("left.lab", "vpn.left.lab").email("left@lab.example").ip("192.0.2.1", "2001:db8:1::1")
                .extendedKeyUsage(KeyPurposeId.id_kp_ipsecIKE).issuedBy(sub);

        leaf.certificate().verify(sub.certificate().getPublicKey());
        sub.certificate().verify(root.certificate().getPublicKey());
        assertThrows(SignatureException.class, () -> leaf.certificate().verify(root.certificate().getPublicKey()),
                "the leaf is signed by the intermediate, not the root");
        assertEquals(0, sub.certificate().getBasicConstraints());
        assertEquals(-1, leaf.certificate().getBasicConstraints(), "an end entity");
        assertFalse(leaf.isCa());
        assertTrue(leaf.certificate().getKeyUsage()[0], "digitalSignature");
        assertEquals(List.of(KeyPurposeId.id_kp_ipsecIKE.getId()), leaf.certificate().getExtendedKeyUsage());
        assertEquals(List.of(leaf.certificate(), sub.certificate(), root.certificate()), leaf.chain());
        assertEquals(root, leaf.root());

        Set<String> names = new HashSet<>();
        for (List<?> name : leaf.certificate().getSubjectAlternativeNames()) {
            names.add(name.get(0) + ":" + name.get(1));
        }
        assertEquals(Set.of("2:left.lab", "2:vpn.left.lab", "1:left@lab.example", "7:192.0.2.1",
                "7:2001:db8:1:0:0:0:0:1"), names);

        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        CertPath path = factory.generateCertPath(List.of(leaf.certificate(), sub.certificate()));
        PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(root.certificate(), null)));
        parameters.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX").validate(path, parameters);
    }

    @Test
    void padToMakesABigRsa4096ChainForIkeFragmentation() throws Exception {
        IssuedCertificate root = PKI.rootCa("C=CH, O=ipsec4j lab, CN=Big Root", KeyType.RSA_4096);
        IssuedCertificate sub = PKI.certificate("C=CH, O=ipsec4j lab, CN=Big Intermediate").ca().key(KeyType.RSA_4096)
                .padTo(1600).issuedBy(root);
        IssuedCertificate leaf = PKI.certificate("C=CH, O=ipsec4j lab, CN=big.lab").key(KeyType.RSA_4096)
                .dns("big.lab").padTo(3000).issuedBy(sub);

        assertTrue(sub.der().length >= 1600, sub::toString);
        assertTrue(leaf.der().length >= 3000, leaf::toString);
        assertTrue(leaf.der().length < 3300, "padding overshoots by at most a few entries: " + leaf);
        leaf.certificate().verify(sub.certificate().getPublicKey());
        sub.certificate().verify(root.certificate().getPublicKey());
        Collection<List<?>> names = leaf.certificate().getSubjectAlternativeNames();
        assertEquals("big.lab", names.iterator().next().get(1));
        assertTrue(names.size() > 50, "filler entries: " + names.size());
        assertTrue(names.stream().skip(1).allMatch(n -> n.get(1).toString().endsWith(".padding.ipsec4j.invalid")));
        assertEquals(4096, ((java.security.interfaces.RSAPublicKey) leaf.certificate().getPublicKey())
                .getModulus().bitLength());
    }

    @ParameterizedTest
    @EnumSource(value = KeyType.class, names = {"RSA_2048", "ECDSA_P256", "ED25519"})
    void keysWrittenAsPkcs8PemReadBackAndMatchTheCertificate(KeyType type, @TempDir Path dir) throws Exception {
        IssuedCertificate root = PKI.rootCa("CN=Key Root", KeyType.ECDSA_P256);
        IssuedCertificate leaf = PKI.endEntity("CN=key.lab", type, "key.lab", root);

        Path certFile = leaf.writeCertificatePem(dir.resolve("x509/key.pem"));
        Path keyFile = leaf.writePrivateKeyPem(dir.resolve("private/key.key"));
        Path derFile = leaf.writeCertificateDer(dir.resolve("key.der"));

        assertEquals(leaf.certificate(), parse(Files.readString(certFile)).getFirst());
        try (InputStream in = Files.newInputStream(derFile)) {
            assertEquals(leaf.certificate(), CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        String keyPem = Files.readString(keyFile);
        assertTrue(keyPem.startsWith("-----BEGIN PRIVATE KEY-----\n"), keyPem);
        assertTrue(keyPem.lines().allMatch(l -> l.length() <= 64), "RFC 7468 lines of at most 64 characters");
        PrivateKey key = KeyFactory.getInstance(type.jcaAlgorithm())
                .generatePrivate(new PKCS8EncodedKeySpec(pemBody(keyPem, "PRIVATE KEY")));
        assertArrayEquals(leaf.privateKey().getEncoded(), key.getEncoded());

        // The key signs what the certificate's public key verifies.
        String algorithm = type.signatureAlgorithm();
        Signature signer = Signature.getInstance(algorithm);
        signer.initSign(key);
        signer.update("IKE_AUTH".getBytes(StandardCharsets.US_ASCII));
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance(algorithm);
        verifier.initVerify(leaf.certificate().getPublicKey());
        verifier.update("IKE_AUTH".getBytes(StandardCharsets.US_ASCII));
        assertTrue(verifier.verify(signature));
    }

    @Test
    void traditionalKeysArePkcs1ForRsaAndSec1WithTheCurveForEcdsa() throws IOException {
        IssuedCertificate root = PKI.rootCa("CN=Traditional Root", KeyType.ECDSA_P256);
        IssuedCertificate rsa = PKI.endEntity("CN=rsa.lab", KeyType.RSA_2048, "rsa.lab", root);
        IssuedCertificate ec = PKI.endEntity("CN=ec.lab", KeyType.ECDSA_P384, "ec.lab", root);
        IssuedCertificate ed = PKI.endEntity("CN=ed.lab", KeyType.ED25519, "ed.lab", root);

        RSAPrivateKey pkcs1 = RSAPrivateKey.getInstance(pemBody(rsa.traditionalPrivateKeyPem(), "RSA PRIVATE KEY"));
        assertEquals(((java.security.interfaces.RSAPrivateKey) rsa.privateKey()).getModulus(), pkcs1.getModulus());

        ECPrivateKey sec1 = ECPrivateKey.getInstance(
                ASN1Sequence.getInstance(pemBody(ec.traditionalPrivateKeyPem(), "EC PRIVATE KEY")));
        assertEquals(((java.security.interfaces.ECPrivateKey) ec.privateKey()).getS(), sec1.getKey());
        assertEquals("1.3.132.0.34", sec1.getParametersObject().toString(), "secp384r1 inside the key");
        assertTrue(sec1.getPublicKey() != null, "the public key rides along");

        assertThrows(UnsupportedOperationException.class, ed::traditionalPrivateKeyPem);
    }

    @Test
    void validityAndIssuingRulesAreEnforced() {
        Instant from = Instant.parse("2030-01-01T00:00:00Z");
        Instant to = Instant.parse("2030-02-01T00:00:00Z");
        IssuedCertificate future = PKI.certificate("CN=future").ca().validity(from, to).selfSigned();
        assertEquals(from, future.certificate().getNotBefore().toInstant());
        assertEquals(to, future.certificate().getNotAfter().toInstant());

        IssuedCertificate leaf = PKI.endEntity("CN=leaf", KeyType.ECDSA_P256, "leaf.lab", future);
        assertThrows(IllegalArgumentException.class,
                () -> PKI.certificate("CN=under a leaf").issuedBy(leaf), "an end entity cannot issue");
        assertThrows(IllegalArgumentException.class, () -> PKI.certificate("CN=x").validity(to, from));
        CertificateRequest once = PKI.certificate("CN=once").ca();
        once.selfSigned();
        assertThrows(IllegalStateException.class, once::selfSigned);

        // Reissuing for a key the test already holds keeps the key.
        IssuedCertificate again = PKI.certificate("CN=leaf again").key(leaf.keyPair()).dns("leaf.lab").issuedBy(future);
        assertEquals(leaf.certificate().getPublicKey(), again.certificate().getPublicKey());
    }

    private static List<X509Certificate> parse(String pem) throws Exception {
        return CertificateFactory.getInstance("X.509")
                .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII))).stream()
                .map(X509Certificate.class::cast).toList();
    }

    private static byte[] pemBody(String pem, String label) {
        String begin = "-----BEGIN " + label + "-----";
        String end = "-----END " + label + "-----";
        assertTrue(pem.startsWith(begin), pem);
        assertTrue(pem.strip().endsWith(end), pem);
        return Base64.getMimeDecoder().decode(pem.substring(begin.length(), pem.indexOf(end)));
    }
}
