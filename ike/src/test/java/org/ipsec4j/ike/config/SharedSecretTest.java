package org.ipsec4j.ike.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** Secret values (plain, 0x hex, 0s base64) and strongSwan's choice of a secret for a pair of identities. */
class SharedSecretTest {

    private static SwanctlConfig secrets(String body) throws ConfigException {
        return SwanctlParser.parse("secrets {\n" + body + "\n}\n", "secrets.conf");
    }

    private static String secretFor(SwanctlConfig config, String local, String remote) {
        Optional<SharedSecret> s = config.sharedSecret(local, remote);
        return s.map(x -> new String(x.secret(), StandardCharsets.UTF_8)).orElse(null);
    }

    @Test
    void valueEncodings() throws ConfigException {
        SwanctlConfig config = secrets("""
                ike-plain {
                  secret = This is a strong password
                }
                ike-quoted {
                  secret = "with # and \\"quotes\\""
                }
                ike-hex {
                  secret = 0x00fFa5
                }
                ike-base64 {
                  secret = 0sAP+l
                }
                ike-utf8 {
                  secret = grüezi
                }
                """);
        List<SharedSecret> s = config.secrets();
        assertArrayEquals("This is a strong password".getBytes(StandardCharsets.US_ASCII), s.get(0).secret());
        assertArrayEquals("with # and \"quotes\"".getBytes(StandardCharsets.US_ASCII), s.get(1).secret());
        assertArrayEquals(new byte[] {0, (byte) 0xFF, (byte) 0xA5}, s.get(2).secret());
        assertArrayEquals(new byte[] {0, (byte) 0xFF, (byte) 0xA5}, s.get(3).secret());
        assertArrayEquals("grüezi".getBytes(StandardCharsets.UTF_8), s.get(4).secret());
        assertEquals(List.of(), s.get(0).ids());
    }

    @Test
    void recordOwnsItsKey() {
        byte[] key = {1, 2, 3};
        SharedSecret s = new SharedSecret(List.of("a"), key);
        key[0] = 9;
        assertArrayEquals(new byte[] {1, 2, 3}, s.secret(), "copied in");
        s.secret()[1] = 9;
        assertArrayEquals(new byte[] {1, 2, 3}, s.secret(), "copied out");
        assertEquals(new SharedSecret(List.of("a"), new byte[] {1, 2, 3}), s);
        assertFalse(s.toString().contains("1, 2"), s.toString());
        assertEquals(3, s.length());
        s.destroy();
        assertArrayEquals(new byte[3], s.secret());
        assertNotEquals(new SharedSecret(List.of("a"), new byte[] {1, 2, 3}), s);
    }

    @Test
    void secretForAPairOfIdentities() throws ConfigException {
        SwanctlConfig config = secrets("""
                ike-any {
                  secret = any
                }
                ike-moon {
                  id = moon.strongswan.org
                  secret = moon
                }
                ike-moon-sun {
                  id-1 = moon.strongswan.org
                  id-2 = @sun.strongswan.org
                  secret = moon-sun
                }
                ike-carol {
                  id = carol@strongswan.org
                  secret = carol
                }
                ike-domain {
                  id = *.example.com
                  secret = domain
                }
                ike-dave {
                  id = "C=CH, O=strongSwan, CN=dave"
                  secret = dave
                }
                ike-addresses {
                  id = 2001:DB8::1
                  id-v4 = 192.0.2.9
                  secret = addresses
                }
                """);
        assertEquals("moon-sun", secretFor(config, "moon.strongswan.org", "sun.strongswan.org"),
                "both identities match perfectly");
        assertEquals("moon-sun", secretFor(config, "sun.strongswan.org", "moon.strongswan.org"),
                "the same key both ways");
        assertEquals("moon-sun", secretFor(config, "MOON.strongswan.org", "@sun.strongswan.org"),
                "FQDNs compare without case and without the @");
        assertEquals("carol", secretFor(config, "moon.strongswan.org", "carol@strongswan.org"),
                "the remote identity's match counts first");
        assertEquals("any", secretFor(config, "moon.strongswan.org", "venus.strongswan.org"),
                "the remote identity counts first: %any (no ids) beats no match, whatever the local match");
        assertEquals("any", secretFor(config, "mars.strongswan.org", "venus.strongswan.org"),
                "a secret without ids matches any pair");
        assertEquals("domain", secretFor(config, "mars.strongswan.org", "vpn.example.com"), "suffix wildcard");
        assertEquals("any", secretFor(config, "mars.strongswan.org", "example.com"), "the wildcard needs a label");
        assertEquals("dave", secretFor(config, "moon.strongswan.org", "c=CH,o=strongSwan,  cn=dave"),
                "DNs compare by RDN, blanks and case aside");
        assertEquals("addresses", secretFor(config, null, "2001:db8:0::1"), "addresses compare as addresses");
        assertEquals("addresses", secretFor(config, "192.0.2.9", null));
        assertEquals("any", secretFor(config, null, null), "nothing asked: the first secret");
    }

    @Test
    void aSecretOfTheLocalIdentityServesAnyPeer() throws ConfigException {
        SwanctlConfig config = secrets("""
                ike-moon {
                  id = moon.strongswan.org
                  secret = moon
                }
                ike-sun {
                  id = sun.strongswan.org
                  secret = sun
                }
                """);
        assertEquals("moon", secretFor(config, "moon.strongswan.org", "venus.strongswan.org"));
        assertEquals("sun", secretFor(config, "moon.strongswan.org", "sun.strongswan.org"),
                "the remote identity's match counts first");
        assertEquals(null, secretFor(config, "mars.strongswan.org", "venus.strongswan.org"));
    }

    @Test
    void tiesGoToTheFirstSecretAndNoSecretMeansEmpty() throws ConfigException {
        SwanctlConfig config = secrets("""
                ike-1 {
                  id = %any
                  secret = first
                }
                ike-2 {
                  id = %any
                  secret = second
                }
                ike-3 {
                  id = "C=CH, O=strongSwan, CN=*"
                  secret = wildcard-dn
                }
                """);
        assertEquals("first", secretFor(config, "a", "b"));
        assertEquals("wildcard-dn", secretFor(config, "a", "C=CH, O=strongSwan, CN=eve"));
        assertEquals("first", secretFor(config, "a", "C=CH, O=other, CN=eve"));
        assertTrue(secrets("").sharedSecret("a", "b").isEmpty());
    }

    @Test
    void identityMatchScale() {
        assertEquals(IdentityMatch.PERFECT, IdentityMatch.match("moon", "moon"));
        assertEquals(IdentityMatch.ANY, IdentityMatch.match("%any", "moon"));
        assertEquals(IdentityMatch.NONE, IdentityMatch.match("moon", null));
        assertEquals(IdentityMatch.ONE_WILDCARD, IdentityMatch.match("*@strongswan.org", "carol@strongswan.org"));
        assertEquals(IdentityMatch.PERFECT - 2, IdentityMatch.match("O=*, CN=*", "O=x, CN=y"));
        assertEquals(IdentityMatch.NONE, IdentityMatch.match("O=x, CN=y", "O=x"));
        assertEquals(IdentityMatch.NONE, IdentityMatch.match("moon", "sun"));
        assertEquals(IdentityMatch.NONE, IdentityMatch.match("@#0102", "0102"), "a key id is not an FQDN");
        assertEquals(IdentityMatch.PERFECT, IdentityMatch.match("O=a\\, b, CN=c", "O=a\\, b,CN=c"));
    }

    @Test
    void destroySecretsZeroesThem() throws ConfigException {
        SwanctlConfig config = secrets("ike {\n secret = 0x0102\n}");
        config.destroySecrets();
        assertArrayEquals(new byte[2], config.secrets().getFirst().secret());
    }
}
