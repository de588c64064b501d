package org.ipsec4j.lab.pki;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

/**
 * A certificate {@link TestPki} issued, with its key pair and its issuer (empty for a self-signed root).
 * Writes itself as PEM or DER files; private keys as PKCS#8 (any key type) or in the traditional PKCS#1 (RSA)
 * and SEC 1 (ECDSA) forms.
 */
public final class IssuedCertificate {

    private final X509Certificate certificate;
    private final KeyPair keyPair;
    private final KeyType keyType;
    private final IssuedCertificate issuer;

    IssuedCertificate(X509Certificate certificate, KeyPair keyPair, KeyType keyType, IssuedCertificate issuer) {
        this.certificate = certificate;
        this.keyPair = keyPair;
        this.keyType = keyType;
        this.issuer = issuer;
    }

    public X509Certificate certificate() {
        return certificate;
    }

    public KeyPair keyPair() {
        return keyPair;
    }

    public PrivateKey privateKey() {
        return keyPair.getPrivate();
    }

    public KeyType keyType() {
        return keyType;
    }

    /** The CA that signed it; empty for a self-signed certificate. */
    public Optional<IssuedCertificate> issuer() {
        return Optional.ofNullable(issuer);
    }

    public boolean isCa() {
        return certificate.getBasicConstraints() >= 0;
    }

    /** The subject as RFC 2253 prints it (last RDN first: {@code CN=left.lab,O=ipsec4j lab,C=CH}). */
    public String subject() {
        return certificate.getSubjectX500Principal().getName();
    }

    /** This certificate, its issuer, and so on up to the root. */
    public List<IssuedCertificate> path() {
        List<IssuedCertificate> path = new ArrayList<>();
        for (IssuedCertificate c = this; c != null; c = c.issuer) {
            path.add(c);
        }
        return List.copyOf(path);
    }

    /** The certificates of {@link #path()}. */
    public List<X509Certificate> chain() {
        return path().stream().map(IssuedCertificate::certificate).toList();
    }

    /** The root at the top of the path (this one if it is self-signed). */
    public IssuedCertificate root() {
        return path().getLast();
    }

    // ---- encodings ----

    /** The DER encoding of the certificate. */
    public byte[] der() {
        try {
            return certificate.getEncoded();
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("cannot encode " + subject(), e);
        }
    }

    /** {@code -----BEGIN CERTIFICATE-----} ... */
    public String certificatePem() {
        return pem("CERTIFICATE", der());
    }

    /** The private key as PKCS#8 DER ({@code PrivateKeyInfo}), what {@link java.security.spec.PKCS8EncodedKeySpec} reads. */
    public byte[] privateKeyDer() {
        return keyPair.getPrivate().getEncoded();
    }

    /** {@code -----BEGIN PRIVATE KEY-----}: PKCS#8, unencrypted, any key type. */
    public String privateKeyPem() {
        return pem("PRIVATE KEY", privateKeyDer());
    }

    /**
     * The private key in OpenSSL's traditional form: {@code RSA PRIVATE KEY} (PKCS#1) or {@code EC PRIVATE KEY}
     * (SEC 1, RFC 5915, with the named curve and the public key). Ed25519 keys have none; this throws for them.
     */
    public String traditionalPrivateKeyPem() {
        try {
            PrivateKeyInfo info = PrivateKeyInfo.getInstance(privateKeyDer());
            if (keyType.isRsa()) {
                return pem("RSA PRIVATE KEY", info.parsePrivateKey().toASN1Primitive().getEncoded("DER"));
            }
            if (keyType.isEcdsa()) {
                // The JDK's PKCS#8 keeps the curve in the algorithm identifier only; SEC 1 standing alone needs it
                // inside, and carrying the public key lets every parser check the pair.
                ASN1ObjectIdentifier curve = ASN1ObjectIdentifier.getInstance(info.getPrivateKeyAlgorithm().getParameters());
                var inner = org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(info.parsePrivateKey());
                DERBitString publicKey = new DERBitString(SubjectPublicKeyInfo
                        .getInstance(keyPair.getPublic().getEncoded()).getPublicKeyData().getOctets());
                int orderBits = ((ECPublicKey) keyPair.getPublic()).getParams().getOrder().bitLength();
                var sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(orderBits, inner.getKey(), publicKey, curve);
                return pem("EC PRIVATE KEY", sec1.getEncoded("DER"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot re-encode the private key of " + subject(), e);
        }
        throw new UnsupportedOperationException(keyType + " keys have no traditional encoding; use privateKeyPem()");
    }

    // ---- files ----

    public Path writeCertificatePem(Path file) {
        return write(file, certificatePem().getBytes(StandardCharsets.US_ASCII));
    }

    public Path writeCertificateDer(Path file) {
        return write(file, der());
    }

    /** PKCS#8 PEM, readable by strongSwan's pem + pkcs8 plugins and by ipsec4j. */
    public Path writePrivateKeyPem(Path file) {
        return write(file, privateKeyPem().getBytes(StandardCharsets.US_ASCII));
    }

    /** PKCS#8 DER. */
    public Path writePrivateKeyDer(Path file) {
        return write(file, privateKeyDer());
    }

    /** PKCS#1 (RSA) or SEC 1 (ECDSA) PEM; see {@link #traditionalPrivateKeyPem()}. */
    public Path writeTraditionalPrivateKeyPem(Path file) {
        return write(file, traditionalPrivateKeyPem().getBytes(StandardCharsets.US_ASCII));
    }

    private static Path write(Path file, byte[] content) {
        try {
            if (file.toAbsolutePath().getParent() != null) {
                Files.createDirectories(file.toAbsolutePath().getParent());
            }
            return Files.write(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** RFC 7468 textual encoding: base64 in lines of 64 characters between the labels. */
    static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }

    @Override
    public String toString() {
        return subject() + " (" + keyType + (isCa() ? ", CA" : "") + ", " + der().length + " bytes DER"
                + (issuer == null ? ", self-signed)" : ", issued by " + issuer.subject() + ")");
    }
}
