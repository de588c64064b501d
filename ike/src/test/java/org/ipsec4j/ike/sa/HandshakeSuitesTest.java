package org.ipsec4j.ike.sa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.ipsec4j.ike.message.Proposal;
import org.ipsec4j.ike.message.Transform;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Handshake variants (RFC 7296 §1.2): every IKE suite we implement (encryption × PRF × DH group) and every ESP
 * suite, each followed by pings both ways through the new Child SA; and the same over IPv6 outer addresses.
 */
class HandshakeSuitesTest {

    record Encryption(String name, Transform transform, int integrity) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final List<Encryption> IKE_ENCRYPTION = List.of(
            new Encryption("aes128gcm16", Transform.of(Peers.ENCR, Peers.AES_GCM_16, 128), 0),
            new Encryption("aes256gcm16", Transform.of(Peers.ENCR, Peers.AES_GCM_16, 256), 0),
            new Encryption("chacha20poly1305", Transform.of(Peers.ENCR, Peers.CHACHA20_POLY1305), 0),
            new Encryption("aes256-sha256", Transform.of(Peers.ENCR, Peers.AES_CBC, 256), Peers.AUTH_SHA256_128));

    static Stream<Arguments> ikeSuites() {
        List<Arguments> out = new ArrayList<>();
        for (Encryption e : IKE_ENCRYPTION) {
            for (int prf : new int[] {Peers.PRF_SHA256, Peers.PRF_SHA384, Peers.PRF_SHA512}) {
                for (int group : new int[] {Peers.ECP256, Peers.ECP384, Peers.MODP2048, Peers.X25519}) {
                    out.add(Arguments.of(e, prf, group));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} prf {1} group {2}")
    @MethodSource("ikeSuites")
    void everyIkeSuiteEstablishesAndCarriesTraffic(Encryption e, int prf, int group) {
        Proposal ike = Peers.ike(e.transform(), e.integrity(), prf, group);
        SiteToSite t = new SiteToSite(group * 100 + prf).both((c, ch) -> c.ike = List.of(ike)).install().up();
        t.assertOneTunnel();
        IkeSaStatus s = t.left.onlyIkeSa();
        String suite = s.suite();
        assertTrue(suite.contains(prfName(prf)) && suite.contains(groupName(group)), suite);
        assertEquals(e.integrity() != 0, suite.contains("HMAC_SHA2_256_128"), suite);
        assertEquals(suite, t.right.onlyIkeSa().suite());
        t.assertPingsBothWays();
    }

    static Stream<Arguments> espSuites() {
        return Stream.of(
                Arguments.of("aes128gcm16", Peers.esp(Transform.of(Peers.ENCR, Peers.AES_GCM_16, 128), 0, 0, false)),
                Arguments.of("aes256gcm16-esn", Peers.esp(Transform.of(Peers.ENCR, Peers.AES_GCM_16, 256), 0, 0, true)),
                Arguments.of("chacha20poly1305", Peers.esp(Transform.of(Peers.ENCR, Peers.CHACHA20_POLY1305), 0, 0,
                        false)),
                Arguments.of("aes128-sha256", Peers.esp(Transform.of(Peers.ENCR, Peers.AES_CBC, 128),
                        Peers.AUTH_SHA256_128, 0, false)),
                Arguments.of("aes256-sha384-esn", Peers.esp(Transform.of(Peers.ENCR, Peers.AES_CBC, 256),
                        Peers.AUTH_SHA384_192, 0, true)),
                Arguments.of("aes192-sha512", Peers.esp(Transform.of(Peers.ENCR, Peers.AES_CBC, 192),
                        Peers.AUTH_SHA512_256, 0, false)),
                Arguments.of("aes128-sha1", Peers.esp(Transform.of(Peers.ENCR, Peers.AES_CBC, 128), 2, 0, false)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("espSuites")
    void everyEspSuiteCarriesTraffic(String name, Proposal esp) {
        SiteToSite t = new SiteToSite(name.hashCode()).both((c, ch) -> ch.esp(esp)).install().up();
        t.assertOneTunnel();
        ChildSaStatus l = t.left.onlyIkeSa().children().get(0);
        ChildSaStatus r = t.right.onlyIkeSa().children().get(0);
        assertEquals(l.suite(), r.suite());
        assertEquals(name.endsWith("-esn"), l.suite().contains("ESN"), l.suite());
        for (int i = 0; i < 3; i++) {
            t.assertPingsBothWays();
        }
    }

    @Test
    void ipv6OuterAddressesWithIpv4Inside() {
        SiteToSite t = new SiteToSite(6, "2001:db8::1", "2001:db8::2", IkeSettings.DEFAULT).install().up();
        t.assertOneTunnel();
        assertEquals("2001:db8::2", t.left.onlyIkeSa().remote().address().toString());
        assertFalse(t.left.onlyIkeSa().natLocal() || t.left.onlyIkeSa().natRemote());
        assertTrue(t.pingLeftToRight(), t.net.lastPing);
        assertEquals("2001:db8::1", t.net.lastPingOuterSource.toString());
        t.assertPingsBothWays();
    }

    @Test
    void ipv6OuterAndInnerAddresses() {
        SiteToSite t = new SiteToSite(7, "2001:db8::1", "2001:db8::2", IkeSettings.DEFAULT)
                .inner("fd00:1::/64", "fd00:1::5", "fd00:2::/64", "fd00:2::7").install().up();
        t.assertOneTunnel();
        t.assertPingsBothWays();
    }

    @Test
    void ipv6InsideIpv4() {
        SiteToSite t = new SiteToSite(8).inner("fd00:1::/64", "fd00:1::5", "fd00:2::/64", "fd00:2::7").install().up();
        t.assertOneTunnel();
        t.assertPingsBothWays();
    }

    private static String prfName(int prf) {
        return switch (prf) {
            case Peers.PRF_SHA256 -> "PRF_HMAC_SHA2_256";
            case Peers.PRF_SHA384 -> "PRF_HMAC_SHA2_384";
            default -> "PRF_HMAC_SHA2_512";
        };
    }

    private static String groupName(int group) {
        return switch (group) {
            case Peers.ECP256 -> "ECP_256";
            case Peers.ECP384 -> "ECP_384";
            case Peers.MODP2048 -> "MODP_2048";
            default -> "CURVE_25519"; // strongSwan's spelling, as `swanctl --list-sas` prints it
        };
    }
}
