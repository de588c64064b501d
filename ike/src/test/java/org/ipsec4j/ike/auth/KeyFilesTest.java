package org.ipsec4j.ike.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.util.PrivateKeyInfoFactory;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Key and certificate files as OpenSSL (the same formats strongSwan's pki writes) and Bouncy Castle write them.
 * The OpenSSL cases need the openssl command and are skipped without it.
 */
class KeyFilesTest {

    @TempDir
    static Path dir;

    private static boolean openssl;

    @BeforeAll
    static void findOpenssl() {
        try {
            Process p = new ProcessBuilder("openssl", "version").redirectErrorStream(true).start();
            openssl = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            openssl = false;
        }
    }

    private static void openssl(String... args) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(openssl, "openssl is not installed");
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            fail("openssl " + String.join(" ", args) + " failed: " + output);
        }
    }

    private static Path file(String name) {
        return dir.resolve(name);
    }

    private static String firstLine(String name) throws IOException {
        return Files.readAllLines(file(name)).get(0);
    }

    /** The private key signs what the public key verifies: they are a pair. */
    private static void assertPair(PrivateKey privateKey, PublicKey publicKey) throws AuthenticationException {
        byte[] octets = "signed octets".getBytes(StandardCharsets.US_ASCII);
        SignatureScheme scheme = SignatureScheme.defaultFor(privateKey);
        SignatureAuthentication.verify(publicKey, SignatureAuthentication.sign(privateKey, octets, scheme), octets);
    }

    private static KeyFileException assertKeyFileError(Path path, String... fragments) {
        KeyFileException e = assertThrows(KeyFileException.class, () -> KeyFiles.readPrivateKey(path));
        assertTrue(e.getMessage().contains(path.toString()), e.getMessage());
        assertEquals(path, e.file());
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), e.getMessage());
        }
        return e;
    }

    @Test
    void rsaInEveryContainer() throws Exception {
        openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "rsa.pem");
        openssl("rsa", "-in", "rsa.pem", "-traditional", "-out", "rsa-pkcs1.pem");
        openssl("pkey", "-in", "rsa.pem", "-outform", "DER", "-out", "rsa.der");
        openssl("rsa", "-in", "rsa.pem", "-traditional", "-outform", "DER", "-out", "rsa-pkcs1.der");
        openssl("pkey", "-in", "rsa.pem", "-pubout", "-out", "rsa-pub.pem");
        openssl("pkey", "-in", "rsa.pem", "-pubout", "-outform", "DER", "-out", "rsa-pub.der");
        openssl("rsa", "-in", "rsa.pem", "-RSAPublicKey_out", "-out", "rsa-pub-pkcs1.pem");
        assertEquals("-----BEGIN PRIVATE KEY-----", firstLine("rsa.pem"));
        assertEquals("-----BEGIN RSA PRIVATE KEY-----", firstLine("rsa-pkcs1.pem"));
        assertEquals("-----BEGIN RSA PUBLIC KEY-----", firstLine("rsa-pub-pkcs1.pem"));

        PrivateKey pkcs8 = KeyFiles.readPrivateKey(file("rsa.pem"));
        assertEquals("RSA", pkcs8.getAlgorithm());
        for (String name : new String[] {"rsa-pkcs1.pem", "rsa.der", "rsa-pkcs1.der"}) {
            assertArrayEquals(pkcs8.getEncoded(), KeyFiles.readPrivateKey(file(name)).getEncoded(), name);
        }
        PublicKey publicKey = KeyFiles.readPublicKey(file("rsa-pub.pem"));
        assertEquals(publicKey, KeyFiles.readPublicKey(file("rsa-pub.der")));
        assertEquals(publicKey, KeyFiles.readPublicKey(file("rsa-pub-pkcs1.pem")));
        assertPair(pkcs8, publicKey);
    }

    @ParameterizedTest
    @ValueSource(strings = {"prime256v1", "secp384r1", "secp521r1"})
    void ecInEveryContainer(String curve) throws Exception {
        String base = "ec-" + curve;
        openssl("ecparam", "-name", curve, "-genkey", "-out", base + ".pem"); // EC PARAMETERS, then EC PRIVATE KEY
        openssl("ec", "-in", base + ".pem", "-outform", "DER", "-out", base + "-sec1.der");
        openssl("pkey", "-in", base + ".pem", "-out", base + "-pkcs8.pem");
        openssl("pkey", "-in", base + ".pem", "-outform", "DER", "-out", base + "-pkcs8.der");
        openssl("pkey", "-in", base + ".pem", "-pubout", "-out", base + "-pub.pem");
        assertEquals("-----BEGIN EC PARAMETERS-----", firstLine(base + ".pem"));

        PrivateKey sec1 = KeyFiles.readPrivateKey(file(base + ".pem"));
        assertEquals("EC", sec1.getAlgorithm());
        PublicKey publicKey = KeyFiles.readPublicKey(file(base + "-pub.pem"));
        for (String name : new String[] {base + ".pem", base + "-sec1.der", base + "-pkcs8.pem", base + "-pkcs8.der"}) {
            PrivateKey key = KeyFiles.readPrivateKey(file(name));
            assertEquals(((java.security.interfaces.ECPrivateKey) sec1).getS(),
                    ((java.security.interfaces.ECPrivateKey) key).getS(), name);
            assertPair(key, publicKey);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ED25519", "ED448"})
    void edwardsKeys(String algorithm) throws Exception {
        String base = algorithm.toLowerCase();
        openssl("genpkey", "-algorithm", algorithm, "-out", base + ".pem");
        openssl("pkey", "-in", base + ".pem", "-outform", "DER", "-out", base + ".der");
        openssl("pkey", "-in", base + ".pem", "-pubout", "-out", base + "-pub.pem");
        PrivateKey key = KeyFiles.readPrivateKey(file(base + ".pem"));
        assertArrayEquals(key.getEncoded(), KeyFiles.readPrivateKey(file(base + ".der")).getEncoded());
        assertPair(key, KeyFiles.readPublicKey(file(base + "-pub.pem")));
    }

    @Test
    void bouncyCastleTraditionalKeys() throws Exception {
        for (String kind : new String[] {"RSA-2048", "EC-secp256r1", "EC-secp384r1", "Ed25519"}) {
            KeyPair keys = TestPki.shared(kind);
            PrivateKey key = keys.getPrivate();
            if (kind.startsWith("EC")) {
                // The JDK's PKCS#8 leaves the curve out of the inner ECPrivateKey, so a SEC1 file made from it
                // would lack it; Bouncy Castle's own key keeps it, as OpenSSL does.
                key = KeyFactory.getInstance("EC", new BouncyCastleProvider())
                        .generatePrivate(new PKCS8EncodedKeySpec(key.getEncoded()));
            }
            StringWriter pem = new StringWriter();
            try (JcaPEMWriter writer = new JcaPEMWriter(pem)) {
                writer.writeObject(key);
            }
            Path path = file("bc-" + kind + ".pem");
            Files.writeString(path, pem.toString());
            assertPair(KeyFiles.readPrivateKey(path), keys.getPublic());
        }
        assertTrue(Files.readString(file("bc-RSA-2048.pem")).startsWith("-----BEGIN RSA PRIVATE KEY-----"));
        assertTrue(Files.readString(file("bc-EC-secp256r1.pem")).startsWith("-----BEGIN EC PRIVATE KEY-----"));
    }

    @Test
    void pkcs8WithPublicKeyAsBouncyCastleWritesEd25519() throws Exception {
        Ed25519PrivateKeyParameters bcKey = new Ed25519PrivateKeyParameters(new java.security.SecureRandom());
        PrivateKeyInfo info = PrivateKeyInfoFactory.createPrivateKeyInfo(bcKey);
        Path path = file("bc-ed25519-v2.der");
        Files.write(path, info.getEncoded("DER"));
        PrivateKey key = KeyFiles.readPrivateKey(path);
        byte[] octets = {1, 2, 3};
        byte[] auth = SignatureAuthentication.sign(key, octets, SignatureScheme.ED25519);
        org.bouncycastle.crypto.signers.Ed25519Signer verifier = new org.bouncycastle.crypto.signers.Ed25519Signer();
        verifier.init(false, bcKey.generatePublicKey());
        verifier.update(octets, 0, octets.length);
        assertTrue(verifier.verifySignature(java.util.Arrays.copyOfRange(auth, 8, auth.length)));
    }

    @Test
    void certificatesPemSeveralPerFileAndDer() throws Exception {
        openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "c1.key");
        openssl("genpkey", "-algorithm", "ED25519", "-out", "c2.key");
        openssl("req", "-x509", "-new", "-key", "c1.key", "-subj", "/C=CH/O=ipsec4j/CN=one", "-days", "2", "-out", "c1.pem");
        openssl("req", "-x509", "-new", "-key", "c2.key", "-subj", "/C=CH/O=ipsec4j/CN=two", "-days", "2", "-out", "c2.pem");
        openssl("x509", "-in", "c1.pem", "-outform", "DER", "-out", "c1.der");
        openssl("x509", "-in", "c2.pem", "-outform", "DER", "-out", "c2.der");
        // As openssl x509 -text or a browser export leaves it: text around the blocks.
        Files.writeString(file("both.pem"), "subject=C=CH, O=ipsec4j, CN=one\n" + Files.readString(file("c1.pem"))
                + "\nsome comment\r\n" + Files.readString(file("c2.pem")).replace("\n", "\r\n"));
        Files.write(file("both.der"), concat(Files.readAllBytes(file("c1.der")), Files.readAllBytes(file("c2.der"))));

        List<X509Certificate> pem = KeyFiles.readCertificates(file("both.pem"));
        assertEquals(2, pem.size());
        assertEquals("C=CH, O=ipsec4j, CN=one", CertificateIdentity.defaultIdentity(pem.get(0)).toString());
        assertEquals("C=CH, O=ipsec4j, CN=two", CertificateIdentity.defaultIdentity(pem.get(1)).toString());
        assertEquals(pem, KeyFiles.readCertificates(file("both.der")));
        assertEquals(List.of(pem.get(0)), KeyFiles.readCertificates(file("c1.der")));
        assertEquals(List.of(pem.get(1)), KeyFiles.readCertificates(file("c2.pem")));
        assertEquals(pem.get(0).getPublicKey(), KeyFiles.readPublicKey(file("c1.pem")));
        assertEquals(pem.get(0).getPublicKey(), KeyFiles.readPublicKey(file("c1.der")));
        assertPair(KeyFiles.readPrivateKey(file("c1.key")), pem.get(0).getPublicKey());
        assertPair(KeyFiles.readPrivateKey(file("c2.key")), pem.get(1).getPublicKey());
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void encryptedKeysAreRefusedSayingSo() throws Exception {
        openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "plain.pem");
        openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "plain-ec.pem");
        openssl("pkey", "-in", "plain.pem", "-aes256", "-passout", "pass:secret", "-out", "enc-pkcs8.pem");
        openssl("rsa", "-in", "plain.pem", "-traditional", "-aes128", "-passout", "pass:secret", "-out", "enc-pkcs1.pem");
        openssl("ec", "-in", "plain-ec.pem", "-aes128", "-passout", "pass:secret", "-out", "enc-sec1.pem");
        openssl("pkcs8", "-topk8", "-in", "plain.pem", "-outform", "DER", "-passout", "pass:secret", "-out", "enc-pkcs8.der");
        assertEquals("-----BEGIN ENCRYPTED PRIVATE KEY-----", firstLine("enc-pkcs8.pem"));
        assertTrue(Files.readString(file("enc-pkcs1.pem")).contains("Proc-Type: 4,ENCRYPTED"));
        for (String name : new String[] {"enc-pkcs8.pem", "enc-pkcs1.pem", "enc-sec1.pem", "enc-pkcs8.der"}) {
            assertKeyFileError(file(name), "encrypted", "not supported");
        }
    }

    @Test
    void keysThatCannotSign() throws Exception {
        openssl("genpkey", "-algorithm", "X25519", "-out", "x25519.pem");
        assertKeyFileError(file("x25519.pem"), "X25519", "not a signature key");
        openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-param_enc", "explicit", "-out", "explicit.pem");
        assertKeyFileError(file("explicit.pem"), "explicit");
    }

    @Test
    void sec1WithoutCurveIsRefused() throws Exception {
        ECPrivateKey sec1 = new ECPrivateKey(256, BigInteger.valueOf(12345));
        Path path = file("nocurve.der");
        Files.write(path, sec1.getEncoded("DER"));
        assertKeyFileError(path, "curve");
    }

    @Test
    void otherMistakesAreNamed() throws Exception {
        assertKeyFileError(file("missing.pem"), "no such file");
        Files.write(file("empty.pem"), new byte[0]);
        assertKeyFileError(file("empty.pem"), "empty");
        Files.writeString(file("text.pem"), "hello\n");
        assertKeyFileError(file("text.pem"), "neither PEM nor");
        Files.write(file("junk.der"), new byte[] {0x30, 0x03, 0x02, 0x01, 0x05});
        assertKeyFileError(file("junk.der"), "not a private key");

        KeyPair keys = TestPki.shared("EC-secp256r1");
        X509Certificate cert = TestPki.Spec.of(TestPki.name("x"), keys).issue();
        StringWriter pem = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(pem)) {
            writer.writeObject(cert);
        }
        Files.writeString(file("cert.pem"), pem.toString());
        assertKeyFileError(file("cert.pem"), "no PRIVATE KEY", "CERTIFICATE");

        StringWriter twoKeys = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(twoKeys)) {
            writer.writeObject(keys.getPrivate());
            writer.writeObject(TestPki.shared("EC-secp384r1").getPrivate());
        }
        Files.writeString(file("two.pem"), twoKeys.toString());
        assertKeyFileError(file("two.pem"), "2 private keys");

        String keyPem = pem.toString();
        Files.writeString(file("truncated.pem"), keyPem.substring(0, keyPem.indexOf("-----END")));
        assertKeyFileError(file("truncated.pem"), "no END line");
        Files.writeString(file("bad64.pem"), "-----BEGIN PRIVATE KEY-----\nnot*base64\n-----END PRIVATE KEY-----\n");
        assertKeyFileError(file("bad64.pem"), "base64");

        StringWriter keyOnly = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(keyOnly)) {
            writer.writeObject(keys.getPrivate());
        }
        Files.writeString(file("key.pem"), keyOnly.toString());
        KeyFileException e = assertThrows(KeyFileException.class, () -> KeyFiles.readCertificates(file("key.pem")));
        assertTrue(e.getMessage().contains("no CERTIFICATE") && e.getMessage().contains("EC PRIVATE KEY"), e.getMessage());
        e = assertThrows(KeyFileException.class, () -> KeyFiles.readCertificates(file("junk.der")));
        assertTrue(e.getMessage().contains("junk.der") && e.getMessage().contains("malformed"), e.getMessage());
        e = assertThrows(KeyFileException.class, () -> KeyFiles.readPublicKey(file("key.pem")));
        assertTrue(e.getMessage().contains("no PUBLIC KEY"), e.getMessage());
    }
}
