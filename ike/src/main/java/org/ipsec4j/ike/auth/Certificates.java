package org.ipsec4j.ike.auth;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Arrays;

import org.ipsec4j.ike.auth.Der.DerException;
import org.ipsec4j.ike.auth.Der.Element;

/** Pieces of a certificate's DER the JDK does not hand out as encoded. */
final class Certificates {

    private Certificates() {}

    /**
     * The SubjectPublicKeyInfo exactly as encoded in the certificate (RFC 5280 §4.1), not as the JDK would
     * re-encode the key: the CERTREQ hash (RFC 7296 §3.7) is over these octets.
     */
    static byte[] subjectPublicKeyInfo(X509Certificate cert) {
        try {
            Der.Reader tbs = Der.parse(cert.getEncoded()).expect(Der.SEQUENCE).reader()
                    .next(Der.SEQUENCE).reader();
            tbs.optional(Der.context(0)); // version
            tbs.next(Der.INTEGER); // serialNumber
            tbs.next(Der.SEQUENCE); // signature
            tbs.next(Der.SEQUENCE); // issuer
            tbs.next(Der.SEQUENCE); // validity
            tbs.next(Der.SEQUENCE); // subject
            return tbs.next(Der.SEQUENCE).encoded();
        } catch (DerException | CertificateEncodingException e) {
            // The JDK parsed this certificate already; its own encoding is what we fall back to.
            return cert.getPublicKey().getEncoded();
        }
    }

    /** The contents of the subjectPublicKey BIT STRING (without the unused-bits octet). */
    static byte[] subjectPublicKey(byte[] spki) {
        try {
            Der.Reader r = Der.parse(spki).expect(Der.SEQUENCE).reader();
            r.next(Der.SEQUENCE);
            Element bits = r.next(Der.BIT_STRING);
            byte[] content = bits.content();
            return Arrays.copyOfRange(content, Math.min(1, content.length), content.length);
        } catch (DerException e) {
            return new byte[0];
        }
    }

    /** The value of the subjectKeyIdentifier extension (RFC 5280 §4.2.1.2), or null. */
    static byte[] subjectKeyIdentifier(X509Certificate cert) {
        byte[] extension = cert.getExtensionValue("2.5.29.14");
        if (extension == null) {
            return null;
        }
        try {
            // getExtensionValue wraps the extnValue in one more OCTET STRING.
            Element outer = Der.parse(extension).expect(Der.OCTET_STRING);
            return Der.parse(outer.buf(), outer.offset(), outer.length()).expect(Der.OCTET_STRING).content();
        } catch (DerException e) {
            return null;
        }
    }

    static byte[] sha1(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-1").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-1", e);
        }
    }
}
