package org.ipsec4j.lab.pki;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Issues throw-away X.509 certificates for tests: root CAs, intermediates, and end entities with subjectAltNames,
 * of any {@link KeyType}, as big as a test needs, written as PEM or DER files strongSwan and ipsec4j both load.
 *
 * <pre>{@code
 * TestPki pki = new TestPki();
 * IssuedCertificate root = pki.rootCa("C=CH, O=ipsec4j lab, CN=Root CA", KeyType.ECDSA_P256);
 * IssuedCertificate sub = pki.certificate("C=CH, O=ipsec4j lab, CN=Intermediate CA")
 *         .ca(0).key(KeyType.ECDSA_P384).issuedBy(root);
 * IssuedCertificate left = pki.certificate("C=CH, O=ipsec4j lab, CN=left.lab")
 *         .key(KeyType.RSA_3072).dns("left.lab").ip("192.0.2.1").email("left@lab.example").issuedBy(sub);
 * IssuedCertificate big = pki.certificate("CN=big.lab").key(KeyType.RSA_4096).dns("big.lab")
 *         .padTo(3000).issuedBy(sub);              // DER at least 3000 bytes: IKE_AUTH needs fragments
 * left.writeCertificatePem(dir.resolve("left.pem"));
 * left.writePrivateKeyPem(dir.resolve("left.key")); // PKCS#8
 * }</pre>
 *
 * <p>Distinguished names are written first RDN first, as strongSwan IDs and OpenSSL write them ({@code "C=CH, O=x,
 * CN=y"} encodes C first). Certificates are valid from an hour ago (clock skew between namespaces is nil, but an
 * hour keeps a test that stops at a breakpoint alive) for 30 days unless a request says otherwise. Keys come from
 * the JDK, certificates are built with Bouncy Castle and signed by the JDK's providers.
 */
public final class TestPki {

    /** How long before now certificates become valid, unless a request says otherwise. */
    public static final Duration DEFAULT_BACKDATE = Duration.ofHours(1);
    /** How long after now they stay valid. */
    public static final Duration DEFAULT_LIFETIME = Duration.ofDays(30);

    private final SecureRandom random;
    private final Instant notBefore;
    private final Instant notAfter;

    /** Certificates valid from an hour ago for 30 days. */
    public TestPki() {
        this(new SecureRandom());
    }

    public TestPki(SecureRandom random) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        this(random, now.minus(DEFAULT_BACKDATE), now.plus(DEFAULT_LIFETIME));
    }

    /** Certificates valid from {@code notBefore} to {@code notAfter} unless a request sets its own validity. */
    public TestPki(SecureRandom random, Instant notBefore, Instant notAfter) {
        if (!notAfter.isAfter(notBefore)) {
            throw new IllegalArgumentException("notAfter " + notAfter + " is not after notBefore " + notBefore);
        }
        this.random = random;
        this.notBefore = notBefore;
        this.notAfter = notAfter;
    }

    /**
     * A request for a certificate with this subject, e.g. {@code "C=CH, O=ipsec4j lab, CN=left.lab"}; an end entity
     * with an ECDSA P-256 key until told otherwise. Finish it with {@link CertificateRequest#issuedBy} or
     * {@link CertificateRequest#selfSigned()}.
     */
    public CertificateRequest certificate(String subjectDn) {
        return new CertificateRequest(this, subjectDn);
    }

    /** A self-signed root CA without a path length limit. */
    public IssuedCertificate rootCa(String subjectDn, KeyType keyType) {
        return certificate(subjectDn).ca().key(keyType).selfSigned();
    }

    /** An intermediate CA issued by {@code issuer}, without a path length limit. */
    public IssuedCertificate intermediateCa(String subjectDn, KeyType keyType, IssuedCertificate issuer) {
        return certificate(subjectDn).ca().key(keyType).issuedBy(issuer);
    }

    /** An end-entity certificate whose only subjectAltName is {@code dnsName}. */
    public IssuedCertificate endEntity(String subjectDn, KeyType keyType, String dnsName, IssuedCertificate issuer) {
        return certificate(subjectDn).key(keyType).dns(dnsName).issuedBy(issuer);
    }

    SecureRandom random() {
        return random;
    }

    Instant notBefore() {
        return notBefore;
    }

    Instant notAfter() {
        return notAfter;
    }

    /** A positive, random 63-bit serial number: unique enough for a test PKI, short enough for any parser. */
    BigInteger nextSerial() {
        return BigInteger.valueOf(random.nextLong() & Long.MAX_VALUE | 1L << 56);
    }
}
