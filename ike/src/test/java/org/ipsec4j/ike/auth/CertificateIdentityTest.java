package org.ipsec4j.ike.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.List;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which identities a certificate speaks for: subject DN, subjectAltNames, key ids. */
class CertificateIdentityTest {

    private static final KeyPair KEYS = TestPki.shared("EC-secp256r1", "moon");
    private static final X509Certificate MOON = TestPki.Spec.of(TestPki.name("moon.strongswan.org"), KEYS)
            .alternativeNames(
                    new GeneralName(GeneralName.dNSName, "moon.strongswan.org"),
                    new GeneralName(GeneralName.dNSName, "vpn.strongswan.org"),
                    new GeneralName(GeneralName.rfc822Name, "moon@strongswan.org"),
                    new GeneralName(GeneralName.iPAddress, "192.0.2.1"),
                    new GeneralName(GeneralName.iPAddress, "2001:db8::1"))
            .issue();

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
        "C=CH, O=ipsec4j, CN=moon.strongswan.org       | true",
        "C=CH, O=ipsec4j, CN=*                         | true",
        "c=ch, o=IPSEC4J, cn=moon.strongswan.org       | true",
        "C=CH, O=ipsec4j, CN=sun.strongswan.org        | false",
        "CN=moon.strongswan.org, O=ipsec4j, C=CH       | false",
        "moon.strongswan.org                           | true",
        "vpn.strongswan.org                            | true",
        "VPN.StrongSwan.org                            | true",
        "*.strongswan.org                              | true",
        "sun.strongswan.org                            | false",
        "strongswan.org                                | false",
        "moon@strongswan.org                           | true",
        "*@strongswan.org                              | true",
        "sun@strongswan.org                            | false",
        "192.0.2.1                                     | true",
        "192.0.2.2                                     | false",
        "2001:db8::1                                   | true",
        "2001:db8::2                                   | false",
        "%any                                          | true",
        "@#0102030405                                  | false",
    })
    void identities(String identity, boolean expected) {
        assertEquals(expected, CertificateIdentity.matches(MOON, Identity.parse(identity)));
    }

    @Test
    void noFallbackFromAnFqdnToTheCommonName() {
        X509Certificate withoutAltNames = TestPki.Spec.of(TestPki.name("sun.strongswan.org"), KEYS).issue();
        assertFalse(CertificateIdentity.matches(withoutAltNames, Identity.parse("sun.strongswan.org")));
        assertTrue(CertificateIdentity.matches(withoutAltNames, Identity.parse("C=CH, O=ipsec4j, CN=sun.strongswan.org")));
        assertTrue(CertificateIdentity.alternativeNames(withoutAltNames).isEmpty());
    }

    @Test
    void wildcardAlternativeNameInTheCertificate() {
        X509Certificate wildcard = TestPki.Spec.of(TestPki.name("wild"), KEYS)
                .alternativeNames(new GeneralName(GeneralName.dNSName, "*.example.org")).issue();
        assertTrue(CertificateIdentity.matches(wildcard, Identity.parse("vpn.example.org")));
        assertFalse(CertificateIdentity.matches(wildcard, Identity.parse("example.org")));
        assertFalse(CertificateIdentity.matches(wildcard, Identity.parse("vpn.example.com")));
    }

    @Test
    void keyIdsOfThePublicKey() throws Exception {
        MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
        var spki = new JcaX509CertificateHolder(MOON).getSubjectPublicKeyInfo();
        byte[] ofInfo = sha1.digest(spki.getEncoded("DER"));
        byte[] ofKey = sha1.digest(spki.getPublicKeyData().getBytes());
        assertTrue(CertificateIdentity.matches(MOON, Identity.keyId(ofInfo)));
        assertTrue(CertificateIdentity.matches(MOON, Identity.keyId(ofKey)));
        byte[] ski = new JcaX509ExtensionUtils().createSubjectKeyIdentifier(KEYS.getPublic()).getKeyIdentifier();
        assertTrue(CertificateIdentity.matches(MOON, Identity.keyId(ski)));
        ofInfo[0] ^= 1;
        assertFalse(CertificateIdentity.matches(MOON, Identity.keyId(ofInfo)));
    }

    @Test
    void alternativeNamesAndDefaultIdentity() {
        assertEquals(List.of(Identity.parse("moon.strongswan.org"), Identity.parse("vpn.strongswan.org"),
                Identity.parse("moon@strongswan.org"), Identity.parse("192.0.2.1"), Identity.parse("2001:db8::1")),
                CertificateIdentity.alternativeNames(MOON));
        assertEquals("C=CH, O=ipsec4j, CN=moon.strongswan.org", CertificateIdentity.defaultIdentity(MOON).toString());
    }
}
