package org.ipsec4j.ike.auth;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.interfaces.ECKey;
import java.security.interfaces.EdECKey;
import java.security.spec.ECGenParameterSpec;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A test PKI made with Bouncy Castle (the JDK cannot issue certificates): key pairs from the JDK, cached per
 * kind because RSA key generation is slow, and certificates with the extensions a CA or an IKE peer has.
 */
final class TestPki {

    private static final Map<String, KeyPair> SHARED = new ConcurrentHashMap<>();
    private static final AtomicLong SERIAL = new AtomicLong(1000);

    static final Instant NOW = Instant.now();

    private TestPki() {}

    /** A fresh key pair: "RSA-2048", "RSA-3072", "RSASSA-PSS-2048", "EC-secp256r1", "Ed25519", "Ed448". */
    static KeyPair generate(String kind) {
        try {
            String[] parts = kind.split("-", 2);
            if (kind.startsWith("RSASSA-PSS")) {
                KeyPairGenerator g = KeyPairGenerator.getInstance("RSASSA-PSS");
                g.initialize(Integer.parseInt(kind.substring("RSASSA-PSS-".length())));
                return g.generateKeyPair();
            }
            KeyPairGenerator g = KeyPairGenerator.getInstance(parts[0]);
            switch (parts[0]) {
                case "RSA" -> g.initialize(Integer.parseInt(parts[1]));
                case "EC" -> g.initialize(new ECGenParameterSpec(parts[1]));
                default -> { }
            }
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(kind, e);
        }
    }

    /** One key pair per kind and name, shared by all tests in the JVM. */
    static KeyPair shared(String kind, String name) {
        return SHARED.computeIfAbsent(kind + "/" + name, k -> generate(kind));
    }

    static KeyPair shared(String kind) {
        return shared(kind, "default");
    }

    /** C=CH, O=ipsec4j, CN=cn in this encoding order, values as UTF8String (Bouncy Castle's default). */
    static X500Name name(String cn) {
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.C, "CH").addRDN(BCStyle.O, "ipsec4j")
                .addRDN(BCStyle.CN, cn).build();
    }

    static String signatureAlgorithm(PrivateKey issuerKey) {
        return switch (issuerKey.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> ((ECKey) issuerKey).getParams().getCurve().getField().getFieldSize() > 256
                    ? "SHA384withECDSA" : "SHA256withECDSA";
            default -> issuerKey instanceof EdECKey ed ? ed.getParams().getName() : issuerKey.getAlgorithm();
        };
    }

    /** What a certificate should say; build with the with* methods, then {@link #issue}. */
    record Spec(X500Name subject, KeyPair subjectKeys, X500Name issuer, PrivateKey issuerKey, boolean ca,
                Instant notBefore, Instant notAfter, GeneralName[] alternativeNames) {

        static Spec of(X500Name subject, KeyPair subjectKeys) {
            return new Spec(subject, subjectKeys, subject, subjectKeys.getPrivate(), false,
                    NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(365)), new GeneralName[0]);
        }

        Spec issuedBy(X500Name issuerName, PrivateKey key) {
            return new Spec(subject, subjectKeys, issuerName, key, ca, notBefore, notAfter, alternativeNames);
        }

        Spec issuedBy(X509Certificate issuerCert, PrivateKey key) {
            return issuedBy(X500Name.getInstance(issuerCert.getSubjectX500Principal().getEncoded()), key);
        }

        Spec authority() {
            return new Spec(subject, subjectKeys, issuer, issuerKey, true, notBefore, notAfter, alternativeNames);
        }

        Spec valid(Instant from, Instant until) {
            return new Spec(subject, subjectKeys, issuer, issuerKey, ca, from, until, alternativeNames);
        }

        Spec alternativeNames(GeneralName... names) {
            return new Spec(subject, subjectKeys, issuer, issuerKey, ca, notBefore, notAfter, names);
        }

        X509Certificate issue() {
            try {
                X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer,
                        BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(notBefore), Date.from(notAfter),
                        subject, subjectKeys.getPublic());
                JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
                b.addExtension(Extension.subjectKeyIdentifier, false,
                        utils.createSubjectKeyIdentifier(subjectKeys.getPublic()));
                if (ca) {
                    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
                    b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
                } else {
                    b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
                }
                if (alternativeNames.length > 0) {
                    b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(alternativeNames));
                }
                return new JcaX509CertificateConverter()
                        .getCertificate(b.build(new JcaContentSignerBuilder(signatureAlgorithm(issuerKey)).build(issuerKey)));
            } catch (Exception e) {
                throw new IllegalStateException("cannot issue a test certificate", e);
            }
        }
    }

    /** A self-signed CA certificate. */
    static X509Certificate rootCa(String cn, KeyPair keys) {
        return Spec.of(name(cn), keys).authority().issue();
    }
}
