package org.ipsec4j.ike.sa;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

import javax.security.auth.x500.X500Principal;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.ipsec4j.ike.auth.Identity;
import org.ipsec4j.ike.auth.TrustStore;

/**
 * A throw-away certificate authority for the tests (Bouncy Castle builds the certificates; the JDK signs):
 * RSA, ECDSA P-256 or Ed25519 keys, end-entity certificates whose subjectAltName is the peer's email-style
 * identity, optionally padded with a private extension to make IKE_AUTH too big for one datagram.
 */
final class TestAuthority {

    enum KeyKind { RSA, ECDSA_P256, ED25519 }

    /** A certificate with its private key. */
    record Issued(X509Certificate certificate, PrivateKey key) {
    }

    /** A private-use OID (the example enterprise arc) for padding bytes. */
    private static final ASN1ObjectIdentifier PADDING = new ASN1ObjectIdentifier("1.3.6.1.4.1.32473.1.1");
    private static final SecureRandom RANDOM = new SecureRandom();

    final Issued root;
    private final KeyKind kind;
    private long serial = 1;

    TestAuthority(String name, KeyKind kind) {
        this.kind = kind;
        KeyPair pair = generate(kind);
        X500Principal dn = new X500Principal("C=CH, O=ipsec4j tests, CN=" + name);
        this.root = new Issued(build(dn, dn, pair.getPublic(), pair.getPrivate(), true, null, 0), pair.getPrivate());
    }

    TrustStore trustStore() {
        return new TrustStore(List.of(root.certificate()));
    }

    /** An end-entity certificate for an identity like {@code left@example.org} (subjectAltName rfc822Name). */
    Issued issue(String email, KeyKind keyKind, int paddingBytes) {
        KeyPair pair = generate(keyKind);
        X500Principal subject = new X500Principal("C=CH, O=ipsec4j tests, CN=" + email);
        return new Issued(build(root.certificate().getSubjectX500Principal(), subject, pair.getPublic(),
                root.key(), false, email, paddingBytes), pair.getPrivate());
    }

    /** Public-key authentication of {@code self}: its certificate (and key) from {@code issued}. */
    static LocalAuthentication local(String id, Issued issued) {
        return new LocalAuthentication(LocalAuthentication.AuthKind.PUBKEY, Identity.parse(id), issued.key(),
                List.of(issued.certificate()));
    }

    /** What we demand of a peer: this identity, certified by one of {@code authority}'s certificates. */
    static PeerAuthentication remote(String id, TestAuthority authority) {
        return new PeerAuthentication(LocalAuthentication.AuthKind.PUBKEY, Identity.parse(id), authority.trustStore());
    }

    private X509Certificate build(X500Principal issuer, X500Principal subject, java.security.PublicKey key,
                                  PrivateKey signer, boolean ca, String email, int paddingBytes) {
        try {
            Instant now = Instant.now();
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(serial++),
                    Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(365))), subject, key);
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(ca ? KeyUsage.keyCertSign | KeyUsage.cRLSign
                    : KeyUsage.digitalSignature));
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(key));
            if (!ca) {
                b.addExtension(Extension.authorityKeyIdentifier, false,
                        ext.createAuthorityKeyIdentifier(root.certificate()));
            }
            if (email != null) {
                b.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(new GeneralName(GeneralName.rfc822Name, email)));
            }
            if (paddingBytes > 0) {
                byte[] pad = new byte[paddingBytes];
                RANDOM.nextBytes(pad);
                b.addExtension(PADDING, false, new DEROctetString(pad));
            }
            ContentSigner s = new JcaContentSignerBuilder(signatureAlgorithm(kind)).build(signer);
            return new JcaX509CertificateConverter().getCertificate(b.build(s));
        } catch (Exception e) {
            throw new AssertionError("cannot build a test certificate", e);
        }
    }

    private static String signatureAlgorithm(KeyKind kind) {
        return switch (kind) {
            case RSA -> "SHA256withRSA";
            case ECDSA_P256 -> "SHA256withECDSA";
            case ED25519 -> "Ed25519";
        };
    }

    static KeyPair generate(KeyKind kind) {
        try {
            return switch (kind) {
                case RSA -> {
                    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
                    g.initialize(2048);
                    yield g.generateKeyPair();
                }
                case ECDSA_P256 -> {
                    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
                    g.initialize(new ECGenParameterSpec("secp256r1"));
                    yield g.generateKeyPair();
                }
                case ED25519 -> KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            };
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
