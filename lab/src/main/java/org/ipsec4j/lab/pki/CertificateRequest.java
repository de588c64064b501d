package org.ipsec4j.lab.pki;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * One certificate to issue, from {@link TestPki#certificate(String)}: set what differs from the defaults (an end
 * entity, ECDSA P-256, the PKI's validity, no subjectAltNames), then {@link #issuedBy} or {@link #selfSigned()}.
 * A request is used once.
 */
public final class CertificateRequest {

    /** Padding subjectAltNames: DNS names under a reserved TLD (RFC 2606), so they never match anything real. */
    private static final String PADDING_DOMAIN = ".padding.ipsec4j.invalid";

    private final TestPki pki;
    private final X500Name subject;
    private KeyPair keyPair;
    private KeyType keyType = KeyType.ECDSA_P256;
    private boolean ca;
    private int pathLength = -1;
    private Instant notBefore;
    private Instant notAfter;
    private final List<GeneralName> subjectAltNames = new ArrayList<>();
    private final List<KeyPurposeId> extendedKeyUsages = new ArrayList<>();
    private int minimumDerLength;
    private boolean used;

    CertificateRequest(TestPki pki, String subjectDn) {
        this.pki = pki;
        this.subject = new X500Name(subjectDn);
        this.notBefore = pki.notBefore();
        this.notAfter = pki.notAfter();
    }

    /** A fresh key pair of this type (the default: ECDSA P-256). */
    public CertificateRequest key(KeyType type) {
        this.keyType = type;
        this.keyPair = null;
        return this;
    }

    /** This key pair, e.g. to reissue a certificate for a key a test already holds. */
    public CertificateRequest key(KeyPair pair) {
        this.keyType = KeyType.of(pair);
        this.keyPair = pair;
        return this;
    }

    /** A CA certificate (basicConstraints cA, keyCertSign and cRLSign) without a path length limit. */
    public CertificateRequest ca() {
        this.ca = true;
        this.pathLength = -1;
        return this;
    }

    /** A CA certificate that may have at most {@code pathLength} intermediates below it. */
    public CertificateRequest ca(int pathLength) {
        if (pathLength < 0) {
            throw new IllegalArgumentException("path length must be >= 0: " + pathLength);
        }
        this.ca = true;
        this.pathLength = pathLength;
        return this;
    }

    public CertificateRequest validity(Instant notBefore, Instant notAfter) {
        if (!notAfter.isAfter(notBefore)) {
            throw new IllegalArgumentException("notAfter " + notAfter + " is not after notBefore " + notBefore);
        }
        this.notBefore = notBefore;
        this.notAfter = notAfter;
        return this;
    }

    /** subjectAltName dNSName entries. */
    public CertificateRequest dns(String... names) {
        for (String name : names) {
            subjectAltNames.add(new GeneralName(GeneralName.dNSName, name));
        }
        return this;
    }

    /** subjectAltName rfc822Name (email) entries. */
    public CertificateRequest email(String... addresses) {
        for (String address : addresses) {
            subjectAltNames.add(new GeneralName(GeneralName.rfc822Name, address));
        }
        return this;
    }

    /** subjectAltName iPAddress entries, IPv4 or IPv6 literals. */
    public CertificateRequest ip(String... addresses) {
        for (String address : addresses) {
            byte[] octets = InetAddress.ofLiteral(address).getAddress();
            subjectAltNames.add(new GeneralName(GeneralName.iPAddress, new DEROctetString(octets)));
        }
        return this;
    }

    /** subjectAltName uniformResourceIdentifier entries. */
    public CertificateRequest uri(String... uris) {
        for (String uri : uris) {
            subjectAltNames.add(new GeneralName(GeneralName.uniformResourceIdentifier, uri));
        }
        return this;
    }

    /** Extended key usages, e.g. {@code KeyPurposeId.id_kp_ipsecIKE} (RFC 4945); none unless asked for. */
    public CertificateRequest extendedKeyUsage(KeyPurposeId... purposes) {
        extendedKeyUsages.addAll(List.of(purposes));
        return this;
    }

    /**
     * Adds filler dNSName entries ({@code p0001.padding.ipsec4j.invalid}, ...) until the DER certificate is at least
     * {@code derBytes} long: a certificate that, with its chain, makes an IKE_AUTH message exceed a path MTU.
     */
    public CertificateRequest padTo(int derBytes) {
        this.minimumDerLength = derBytes;
        return this;
    }

    /** Signs the certificate with its own key. */
    public IssuedCertificate selfSigned() {
        KeyPair pair = keyPair();
        return issue(pair, subject, pair, null);
    }

    /** Signs the certificate with {@code issuer}'s key; the issuer must be a CA. */
    public IssuedCertificate issuedBy(IssuedCertificate issuer) {
        if (!issuer.isCa()) {
            throw new IllegalArgumentException(issuer.subject() + " is not a CA");
        }
        return issue(keyPair(), X500Name.getInstance(issuer.certificate().getSubjectX500Principal().getEncoded()),
                issuer.keyPair(), issuer);
    }

    private KeyPair keyPair() {
        if (keyPair == null) {
            keyPair = keyType.generate(pki.random());
        }
        return keyPair;
    }

    private IssuedCertificate issue(KeyPair subjectKeys, X500Name issuerName, KeyPair issuerKeys,
                                    IssuedCertificate issuer) {
        if (used) {
            throw new IllegalStateException("this request was already issued; make a new one");
        }
        used = true;
        try {
            List<GeneralName> names = new ArrayList<>(subjectAltNames);
            X509Certificate certificate = build(subjectKeys, issuerName, issuerKeys, issuer, names);
            int padding = 0;
            while (certificate.getEncoded().length < minimumDerLength) {
                int missing = minimumDerLength - certificate.getEncoded().length;
                // Each filler entry is 2 bytes of tag and length plus its name; add what should about cover the gap.
                int perEntry = 2 + ("p0000" + PADDING_DOMAIN).length();
                for (int i = 0, n = Math.max(1, (missing + perEntry - 1) / perEntry); i < n; i++) {
                    names.add(new GeneralName(GeneralName.dNSName,
                            "p%04d%s".formatted(++padding, PADDING_DOMAIN)));
                }
                certificate = build(subjectKeys, issuerName, issuerKeys, issuer, names);
            }
            return new IssuedCertificate(certificate, subjectKeys, KeyType.of(subjectKeys), issuer);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot issue a certificate for " + subject, e);
        } catch (CertIOException e) {
            throw new UncheckedIOException("cannot encode an extension for " + subject, e);
        }
    }

    private X509Certificate build(KeyPair subjectKeys, X500Name issuerName, KeyPair issuerKeys,
                                  IssuedCertificate issuer, List<GeneralName> names)
            throws GeneralSecurityException, OperatorCreationException, CertIOException {
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuerName, pki.nextSerial(),
                Date.from(notBefore), Date.from(notAfter), subject, subjectKeys.getPublic());
        JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
        builder.addExtension(Extension.basicConstraints, true, !ca ? new BasicConstraints(false)
                : pathLength < 0 ? new BasicConstraints(true) : new BasicConstraints(pathLength));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(ca
                ? KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature
                : KeyUsage.digitalSignature | (keyType.isRsa() ? KeyUsage.keyEncipherment : 0)));
        builder.addExtension(Extension.subjectKeyIdentifier, false,
                extensions.createSubjectKeyIdentifier(subjectKeys.getPublic()));
        builder.addExtension(Extension.authorityKeyIdentifier, false, issuer == null
                ? extensions.createAuthorityKeyIdentifier(subjectKeys.getPublic())
                : extensions.createAuthorityKeyIdentifier(issuer.certificate()));
        if (!names.isEmpty()) {
            // RFC 5280 4.2.1.6: critical only when the subject is empty.
            builder.addExtension(Extension.subjectAlternativeName, subject.getRDNs().length == 0,
                    new GeneralNames(names.toArray(GeneralName[]::new)));
        }
        if (!extendedKeyUsages.isEmpty()) {
            builder.addExtension(Extension.extendedKeyUsage, false,
                    new ExtendedKeyUsage(extendedKeyUsages.toArray(KeyPurposeId[]::new)));
        }
        KeyType signerType = KeyType.of(issuerKeys);
        ContentSigner signer = new JcaContentSignerBuilder(signerType.signatureAlgorithm())
                .setSecureRandom(pki.random()).build(issuerKeys.getPrivate());
        return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
    }
}
