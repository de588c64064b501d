package org.ipsec4j.ike.auth;

import java.net.InetAddress;
import java.security.MessageDigest;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.security.auth.x500.X500Principal;

/**
 * Whether a certificate speaks for an identity (RFC 7296 §3.5, RFC 4945 §3.1): the subject DN for a DN
 * identity, a subjectAltName of the identity's kind for FQDN, RFC 822 and address identities, the key's SHA-1
 * (of the SubjectPublicKeyInfo or of the subjectPublicKey, or the subjectKeyIdentifier) for a KEY_ID. There
 * is no fallback from an FQDN to the subject's CN. An identity with wildcards matches as in
 * {@link Identity#matches(Identity)}, and so does a subjectAltName with a leading '*' ("*.example.org").
 */
public final class CertificateIdentity {

    private static final int SAN_RFC822 = 1;
    private static final int SAN_DNS = 2;
    private static final int SAN_DIRECTORY = 4;
    private static final int SAN_IP = 7;

    private CertificateIdentity() {}

    public static boolean matches(X509Certificate cert, Identity id) {
        return switch (id.type()) {
            case Identity.ANY -> true;
            case Identity.DER_ASN1_DN -> id.matches(Identity.distinguishedName(cert.getSubjectX500Principal()))
                    || alternativeNames(cert).stream().anyMatch(san -> id.matches(san));
            case Identity.FQDN, Identity.RFC822_ADDR -> alternativeNames(cert).stream()
                    .anyMatch(san -> id.matches(san) || san.matches(id));
            case Identity.IPV4_ADDR, Identity.IPV6_ADDR -> alternativeNames(cert).stream().anyMatch(id::equals);
            case Identity.KEY_ID -> matchesKeyId(cert, id.data());
            default -> false;
        };
    }

    /** The identity a certificate holder uses when none is configured: its subject DN (as strongSwan does). */
    public static Identity defaultIdentity(X509Certificate cert) {
        return Identity.distinguishedName(cert.getSubjectX500Principal());
    }

    /** The subjectAltNames of the kinds IKE has identities for: DNS, RFC 822, IP address, directory name. */
    public static List<Identity> alternativeNames(X509Certificate cert) {
        Collection<List<?>> names;
        try {
            names = cert.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            return List.of();
        }
        List<Identity> out = new ArrayList<>();
        if (names == null) {
            return out;
        }
        for (List<?> name : names) {
            if (name.size() < 2 || !(name.get(0) instanceof Integer kind) || !(name.get(1) instanceof String value)) {
                continue;
            }
            switch (kind) {
                case SAN_DNS -> out.add(Identity.fqdn(value));
                case SAN_RFC822 -> out.add(Identity.rfc822(value));
                case SAN_IP -> {
                    try {
                        out.add(Identity.address(InetAddress.ofLiteral(value)));
                    } catch (IllegalArgumentException e) {
                        // not an address the JDK can read back; no identity can match it
                    }
                }
                case SAN_DIRECTORY -> {
                    try {
                        out.add(Identity.distinguishedName(new X500Principal(value)));
                    } catch (IllegalArgumentException e) {
                        // ignore a name the JDK printed but cannot parse
                    }
                }
                default -> { }
            }
        }
        return out;
    }

    private static boolean matchesKeyId(X509Certificate cert, byte[] keyId) {
        byte[] spki = Certificates.subjectPublicKeyInfo(cert);
        if (MessageDigest.isEqual(keyId, Certificates.sha1(spki))
                || MessageDigest.isEqual(keyId, Certificates.sha1(Certificates.subjectPublicKey(spki)))) {
            return true;
        }
        byte[] ski = Certificates.subjectKeyIdentifier(cert);
        return ski != null && MessageDigest.isEqual(keyId, ski);
    }

    static String describe(X509Certificate cert) {
        return new Identity(Identity.DER_ASN1_DN, cert.getSubjectX500Principal().getEncoded()).toString();
    }
}
