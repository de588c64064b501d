package org.ipsec4j.ike.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.DERIA5String;
import org.bouncycastle.asn1.DERPrintableString;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Identity text as strongSwan reads and prints it, and matching a configured identity against a peer's. */
class IdentityTest {

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * input, type, data, the text it prints as, whether that text reads back as the same identity (not where
     * strongSwan's text is ambiguous: an FQDN that looks like an address, an RFC 822 address without '@')
     */
    static Stream<Arguments> parseTable() {
        return Stream.of(
                Arguments.of("moon.strongswan.org", Identity.FQDN, text("moon.strongswan.org"), "moon.strongswan.org", true),
                Arguments.of("@moon.strongswan.org", Identity.FQDN, text("moon.strongswan.org"), "moon.strongswan.org", true),
                Arguments.of("  vpn  ", Identity.FQDN, text("vpn"), "vpn", true),
                Arguments.of("@192.168.0.1", Identity.FQDN, text("192.168.0.1"), "192.168.0.1", false),
                Arguments.of("carol@strongswan.org", Identity.RFC822_ADDR, text("carol@strongswan.org"), "carol@strongswan.org", true),
                Arguments.of("@@carol", Identity.RFC822_ADDR, text("carol"), "carol", false),
                Arguments.of("@#0123abCD", Identity.KEY_ID, Hex.bytes("0123abcd"), "@#0123abcd", true),
                Arguments.of("@#01:23:ab", Identity.KEY_ID, Hex.bytes("0123ab"), "@#0123ab", true),
                Arguments.of("192.168.0.1", Identity.IPV4_ADDR, Hex.bytes("c0a80001"), "192.168.0.1", true),
                Arguments.of("2001:db8::1", Identity.IPV6_ADDR, Hex.bytes("20010db8000000000000000000000001"), "2001:db8::1", true),
                Arguments.of("FE80:0:0:0:0:0:0:1", Identity.IPV6_ADDR, Hex.bytes("fe800000000000000000000000000001"), "fe80::1", true),
                Arguments.of("2001:db8:0:0:1:0:0:1", Identity.IPV6_ADDR, Hex.bytes("20010db8000000000001000000000001"),
                        "2001:db8::1:0:0:1", true),
                Arguments.of("2001:db8:1:1:1:1:1:0", Identity.IPV6_ADDR, Hex.bytes("20010db8000100010001000100010000"),
                        "2001:db8:1:1:1:1:1:0", true),
                Arguments.of("::ffff:192.0.2.1", Identity.IPV6_ADDR, Hex.bytes("00000000000000000000ffffc0000201"),
                        "::ffff:192.0.2.1", true),
                Arguments.of("::1", Identity.IPV6_ADDR, Hex.bytes("00000000000000000000000000000001"), "::1", true),
                // no dotted quad: FQDN (inet_pton rules: four parts, no leading zeros)
                Arguments.of("1.2.3", Identity.FQDN, text("1.2.3"), "1.2.3", true),
                Arguments.of("010.0.0.1", Identity.FQDN, text("010.0.0.1"), "010.0.0.1", true),
                Arguments.of("256.1.1.1", Identity.FQDN, text("256.1.1.1"), "256.1.1.1", true),
                // a colon that is no IPv6 address: KEY_ID with the text
                Arguments.of("::g", Identity.KEY_ID, text("::g"), "keyid:::g", true),
                // an '=' that is no DN: KEY_ID with the text
                Arguments.of("Q=foo", Identity.KEY_ID, text("Q=foo"), "keyid:Q=foo", true),
                // type prefixes
                Arguments.of("fqdn:1.2.3.4", Identity.FQDN, text("1.2.3.4"), "1.2.3.4", false),
                Arguments.of("email:carol", Identity.RFC822_ADDR, text("carol"), "carol", false),
                Arguments.of("userfqdn:carol@x", Identity.RFC822_ADDR, text("carol@x"), "carol@x", true),
                Arguments.of("keyid:#00ff", Identity.KEY_ID, Hex.bytes("00ff"), "@#00ff", true),
                Arguments.of("keyid:abc", Identity.KEY_ID, text("abc"), "keyid:abc", true),
                Arguments.of("ipv4:10.0.0.1", Identity.IPV4_ADDR, Hex.bytes("0a000001"), "10.0.0.1", true),
                Arguments.of("ipv6:::2", Identity.IPV6_ADDR, Hex.bytes("00000000000000000000000000000002"), "::2", true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("parseTable")
    void parsesAndPrintsAsStrongSwan(String input, int type, byte[] data, String printed, boolean readsBack) {
        Identity id = Identity.parse(input);
        assertEquals(type, id.type());
        assertEquals(Hex.of(data), Hex.of(id.data()));
        assertEquals(printed, id.toString());
        assertEquals(readsBack, id.equals(Identity.parse(id.toString())));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"%any", "%any6", "''", "*", "0.0.0.0", "::", "'  '"})
    void wildcards(String input) {
        Identity id = Identity.parse(input);
        assertTrue(id.isAny());
        assertEquals(Identity.any(), id);
        assertEquals("%any", id.toString());
    }

    private static RDN rdn(ASN1ObjectIdentifier type, ASN1Encodable value) {
        return new RDN(type, value);
    }

    @Test
    void distinguishedNameIsEncodedInTheOrderWritten() throws Exception {
        byte[] expected = new X500Name(new RDN[] {
            rdn(BCStyle.C, new DERPrintableString("CH")),
            rdn(BCStyle.O, new DERPrintableString("strongSwan")),
            rdn(BCStyle.CN, new DERPrintableString("moon.strongswan.org")),
        }).getEncoded("DER");

        for (String text : new String[] {"C=CH, O=strongSwan, CN=moon.strongswan.org",
            "C=CH,O=strongSwan,CN=moon.strongswan.org", "/C=CH/O=strongSwan/CN=moon.strongswan.org",
            "c=CH, o=strongSwan, cn=moon.strongswan.org", "2.5.4.6=CH, OID.2.5.4.10=strongSwan, CN=moon.strongswan.org"}) {
            Identity id = Identity.parse(text);
            assertEquals(Identity.DER_ASN1_DN, id.type(), text);
            assertEquals(Hex.of(expected), Hex.of(id.data()), text);
            assertEquals("C=CH, O=strongSwan, CN=moon.strongswan.org", id.toString());
        }
    }

    @Test
    void distinguishedNameValueTypes() throws Exception {
        byte[] expected = new X500Name(new RDN[] {
            rdn(BCStyle.C, new DERPrintableString("CH")),
            rdn(BCStyle.CN, new DERUTF8String("Zürich")),
            rdn(BCStyle.E, new DERIA5String("carol@strongswan.org")),
            rdn(BCStyle.DC, new DERIA5String("org")),
        }).getEncoded("DER");
        Identity id = Identity.parse("C=CH, CN=Zürich, E=carol@strongswan.org, DC=org");
        assertEquals(Hex.of(expected), Hex.of(id.data()));
        assertEquals("C=CH, CN=Zürich, E=carol@strongswan.org, DC=org", id.toString());
    }

    static Stream<Arguments> distinguishedNameTexts() {
        return Stream.of(
                Arguments.of("C=CH, O=Foo\\, Inc., CN=x", "C=CH, O=Foo\\, Inc., CN=x"),
                Arguments.of("C=CH, O=\"Foo, Inc.\", CN=x", "C=CH, O=Foo\\, Inc., CN=x"),
                Arguments.of("CN=a=b", "CN=a=b"),
                Arguments.of("CN=a+b", "CN=a+b"),
                Arguments.of("O=x, OU=Research, OU=Dev, CN=y", "O=x, OU=Research, OU=Dev, CN=y"),
                Arguments.of("emailAddress=a@b, SN=Smith, serialNumber=42, UID=carol", "E=a@b, SN=Smith, serialNumber=42, UID=carol"),
                Arguments.of("ST=Zug, L=Baar, T=Dr, G=Carol, I=C, N=n, dnQualifier=q", "ST=Zug, L=Baar, T=Dr, G=Carol, I=C, N=n, dnQualifier=q"),
                Arguments.of("CN=moon,", "CN=moon"),
                Arguments.of("CN= spaced  out ", "CN=spaced  out"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("distinguishedNameTexts")
    void distinguishedNameTextRoundTrips(String input, String printed) {
        Identity id = Identity.parse(input);
        assertEquals(Identity.DER_ASN1_DN, id.type());
        assertEquals(printed, id.toString());
        assertEquals(id, Identity.parse(printed));
    }

    @Test
    void distinguishedNameFromX500PrincipalPrintsInEncodingOrder() {
        X500Principal principal = new X500Principal("CN=moon, O=strongSwan, C=CH"); // RFC 4514: reversed
        Identity id = Identity.distinguishedName(principal);
        assertEquals("C=CH, O=strongSwan, CN=moon", id.toString());
        assertEquals(principal, id.distinguishedName());
        assertEquals(Identity.parse("C=CH, O=strongSwan, CN=moon"), id);
    }

    @Test
    void unprintableOrMalformedData() {
        assertEquals("@#00017f", Identity.keyId(Hex.bytes("00017f")).toString());
        assertEquals("bad?name", Identity.fqdn("bad\nname").toString());
        assertEquals("asn1dn:#0102", new Identity(Identity.DER_ASN1_DN, Hex.bytes("0102")).toString());
        assertEquals("(ID type 1) #0102", new Identity(Identity.IPV4_ADDR, Hex.bytes("0102")).toString());
        assertEquals("(ID type 200) #", new Identity(200, new byte[0]).toString());
        assertEquals("asn1gn:#8203616263", new Identity(Identity.DER_ASN1_GN, Hex.bytes("8203616263")).toString());
        assertThrows(IllegalArgumentException.class, () -> new Identity(256, new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> Identity.parse("@#xyz"));
        assertThrows(IllegalArgumentException.class, () -> Identity.parse("ipv4:moon"));
        assertThrows(IllegalStateException.class, () -> Identity.fqdn("x").distinguishedName());
    }

    @Test
    void valueSemanticsAndDefensiveCopies() {
        byte[] data = {10, 0, 0, 1};
        Identity id = new Identity(Identity.IPV4_ADDR, data);
        data[3] = 2;
        assertEquals("10.0.0.1", id.toString());
        id.data()[3] = 3;
        assertEquals("10.0.0.1", id.toString());
        assertEquals(Identity.parse("10.0.0.1"), id);
        assertEquals(Identity.parse("10.0.0.1").hashCode(), id.hashCode());
        assertNotEquals(Identity.parse("10.0.0.2"), id);
        assertNotEquals(Identity.parse("@@10.0.0.1"), Identity.parse("@10.0.0.1"));
        assertArrayEquals(new byte[] {10, 0, 0, 1}, id.data());
    }

    @ParameterizedTest(name = "{0} vs {1}")
    @CsvSource(delimiter = '|', value = {
        "%any                           | moon.strongswan.org            | true",
        "%any                           | C=CH, CN=moon                  | true",
        "%any                           | %any                           | true",
        "moon.strongswan.org            | %any                           | false",
        "moon.strongswan.org            | MOON.StrongSwan.org            | true",
        "moon.strongswan.org            | sun.strongswan.org             | false",
        "moon.strongswan.org            | @@moon.strongswan.org          | false",
        "*.strongswan.org               | moon.strongswan.org            | true",
        "*.strongswan.org               | a.b.strongswan.org             | true",
        "*.strongswan.org               | strongswan.org                 | false",
        "*.strongswan.org               | moon.strongswan.org.evil.net   | false",
        "*.strongswan.org               | evilstrongswan.org             | false",
        "*@strongswan.org               | carol@strongswan.org           | true",
        "*@strongswan.org               | carol@StrongSwan.ORG           | true",
        "*@strongswan.org               | carol@evil.org                 | false",
        "carol@strongswan.org           | Carol@strongswan.org           | true",
        "192.168.0.1                    | 192.168.0.1                    | true",
        "192.168.0.1                    | 192.168.0.2                    | false",
        "192.168.0.1                    | ::ffff:192.168.0.1             | false",
        "2001:db8::1                    | 2001:DB8:0::1                  | true",
        "@#0102                         | @#0102                         | true",
        "@#0102                         | @#0103                         | false",
        "C=CH, O=strongSwan, CN=moon    | C=CH, O=strongSwan, CN=moon    | true",
        "C=CH, O=strongSwan, CN=moon    | c=ch,  o=STRONGSWAN,cn=moon    | true",
        "C=CH, O=strongSwan, CN=moon    | C=CH, O=strong  Swan, CN=moon  | false",
        "C=CH, O=strongSwan, CN=moon    | CN=moon, O=strongSwan, C=CH    | false",
        "C=CH, O=strongSwan, CN=moon    | C=CH, O=strongSwan, CN=sun     | false",
        "C=CH, O=strongSwan, CN=moon    | C=CH, O=strongSwan, OU=x, CN=moon | false",
        "C=CH, O=strongSwan, CN=*       | C=CH, O=strongSwan, CN=sun     | true",
        "C=CH, O=strongSwan, CN=*       | C=CH, O=other, CN=sun          | false",
        "C=CH, O=*, CN=*                | C=CH, O=other, CN=sun          | true",
        "C=CH, O=strongSwan, CN=*       | C=CH, O=strongSwan             | false",
        "C=CH, O=strongSwan, CN=moon    | moon                           | false",
    })
    void matchTable(String pattern, String peer, boolean expected) {
        assertEquals(expected, Identity.parse(pattern).matches(Identity.parse(peer)));
    }

    @Test
    void distinguishedNamesMatchWhateverStringTypeTheCertificateUsed() throws Exception {
        // Bouncy Castle (as many CAs) encodes CN and O as UTF8String; our text gives PrintableString.
        byte[] utf8 = TestPki.name("moon.strongswan.org").getEncoded("DER");
        Identity fromCertificate = new Identity(Identity.DER_ASN1_DN, utf8);
        Identity configured = Identity.parse("C=CH, O=ipsec4j, CN=moon.strongswan.org");
        assertNotEquals(configured, fromCertificate);
        assertTrue(configured.matches(fromCertificate));
        assertTrue(fromCertificate.matches(configured));
        assertEquals("C=CH, O=ipsec4j, CN=moon.strongswan.org", fromCertificate.toString());
    }
}
