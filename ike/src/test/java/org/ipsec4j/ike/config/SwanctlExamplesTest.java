package org.ipsec4j.ike.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import org.ipsec4j.esp.sad.IpsecMode;
import org.ipsec4j.esp.selector.AddressRange;
import org.ipsec4j.esp.selector.PortSelector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whole configurations in the style of strongSwan's documentation and test scenarios: a site-to-site tunnel
 * with a pre-shared key, and a road-warrior gateway with certificates, a virtual IP pool and its client.
 */
class SwanctlExamplesTest {

    static final String SITE_TO_SITE = """
            # Gateway moon, protecting 10.1.0.0/16, to gateway sun (10.2.0.0/16)
            connections {
                gw-gw {
                    local_addrs  = 192.168.0.1
                    remote_addrs = 192.168.0.2

                    local {
                        auth = psk
                        id = moon.strongswan.org
                    }
                    remote {
                        auth = psk
                        id = sun.strongswan.org
                    }
                    children {
                        net-net {
                            local_ts  = 10.1.0.0/16
                            remote_ts = 10.2.0.0/16
                            rekey_time = 5400
                            esp_proposals = aes128gcm16-ecp256
                            start_action = trap
                        }
                    }
                    version = 2
                    mobike = no
                    reauth_time = 0
                    proposals = aes128-sha256-x25519
                }
            }

            secrets {
                ike-1 {
                    id-moon = moon.strongswan.org
                    id-sun = sun.strongswan.org
                    secret = 0sv+NkxY9LLZvwj4qCC2o/gGrWDF2d21jL
                }
            }
            """;

    static final String ROADWARRIOR_GATEWAY = """
            connections {
                rw {
                    local_addrs = 192.168.0.1, 2001:db8:0:1::1
                    pools = rw_pool, rw_pool6

                    local {
                        auth = pubkey
                        certs = moonCert.pem
                        id = moon.strongswan.org
                    }
                    remote {
                        auth = pubkey
                        cacerts = strongswanCert.pem
                    }
                    children {
                        net {
                            local_ts = 10.1.0.0/16, 2001:db8:1::/48
                            esp_proposals = aes256gcm16, aes256-sha384-modp3072, default
                            dpd_action = clear
                        }
                    }
                    send_cert = always
                    dpd_delay = 60s
                    fragmentation = yes
                    unique = replace
                }
            }

            pools {
                rw_pool {
                    addrs = 10.3.0.0/24
                    dns = 10.1.0.53, 10.1.0.54
                }
                rw_pool6 {
                    addrs = fd00:3::1-fd00:3::ff
                }
            }
            """;

    static final String ROADWARRIOR_CLIENT = """
            connections {
                home {
                    remote_addrs = 192.168.0.1
                    vips = 0.0.0.0, ::

                    local {
                        auth = pubkey
                        certs = carolCert.pem
                        id = "C=CH, O=strongSwan Project, CN=carol@strongswan.org"
                    }
                    remote {
                        auth = pubkey
                        id = moon.strongswan.org
                    }
                    children {
                        home {
                            remote_ts = 10.1.0.0/16[tcp/443], 10.1.0.53[udp/53]
                            start_action = start
                            close_action = trap
                        }
                    }
                }
            }
            """;

    @Test
    void siteToSiteWithPsk() throws Exception {
        SwanctlConfig config = SwanctlParser.parse(SITE_TO_SITE, "moon.conf");
        ConnectionConfig c = config.connections().get("gw-gw");
        assertEquals(List.of("gw-gw"), List.copyOf(config.connections().keySet()));
        assertEquals(InetAddress.getByName("192.168.0.1"), c.localAddressToInitiate().orElseThrow());
        assertEquals(InetAddress.getByName("192.168.0.2"), c.remoteAddressToInitiate().orElseThrow());
        assertEquals(AuthRoundConfig.Method.PSK, c.local().method());
        assertEquals("moon.strongswan.org", c.local().id());
        assertEquals("sun.strongswan.org", c.remote().id());
        assertEquals(List.of(ProposalParser.parseOne(ProposalSpec.Protocol.IKE, "aes128-sha256-prfsha256-curve25519")),
                c.proposals());

        ChildConfig child = c.children().get("net-net");
        assertEquals(List.of(TrafficSelectorSpec.of(AddressRange.parse("10.1.0.0/16"))), child.localTs());
        assertEquals(List.of(TrafficSelectorSpec.of(AddressRange.parse("10.2.0.0/16"))), child.remoteTs());
        assertEquals(Duration.ofSeconds(5400), child.rekeyTime());
        assertEquals(Duration.ofSeconds(5940), child.lifeTime(), "rekey_time + 10%");
        assertEquals(Duration.ofSeconds(540), child.randTime(), "life_time - rekey_time");
        assertEquals(ChildConfig.StartAction.TRAP, child.startAction());
        ProposalSpec esp = child.espProposals().getFirst();
        assertTrue(esp.pfs());
        assertEquals(List.of(new TransformSpec(1, 20, 128)), esp.encryption());

        SharedSecret secret = config.sharedSecret("moon.strongswan.org", "sun.strongswan.org").orElseThrow();
        assertEquals(List.of("moon.strongswan.org", "sun.strongswan.org"), secret.ids());
        assertArrayEquals(Base64.getDecoder().decode("v+NkxY9LLZvwj4qCC2o/gGrWDF2d21jL"), secret.secret());
        assertTrue(config.sharedSecret("moon.strongswan.org", "venus.strongswan.org").isPresent(),
                "a secret matches when either side's identity is one of its ids");
        assertFalse(config.sharedSecret("mars.strongswan.org", "venus.strongswan.org").isPresent());
    }

    @Test
    void roadwarriorGatewayWithPoolsAndCertificates() throws Exception {
        SwanctlConfig config = SwanctlParser.parse(ROADWARRIOR_GATEWAY, "moon.conf");
        ConnectionConfig rw = config.connections().get("rw");
        assertEquals(List.of(PeerAddress.ANY), rw.remoteAddrs());
        assertTrue(rw.remoteAddressToInitiate().isEmpty());
        assertEquals(2, rw.localAddrs().size());
        assertEquals(List.of("rw_pool", "rw_pool6"), rw.pools());
        assertEquals(List.of("moonCert.pem"), rw.local().certs());
        assertEquals(List.of("strongswanCert.pem"), rw.remote().caCerts());
        assertEquals("%any", rw.remote().id());
        assertEquals(ConnectionConfig.SendCert.ALWAYS, rw.sendCert());
        assertEquals(ConnectionConfig.Unique.REPLACE, rw.unique());
        assertEquals(Duration.ofMinutes(1), rw.dpdDelay());

        ChildConfig net = rw.children().get("net");
        assertEquals(List.of(TrafficSelectorSpec.DYNAMIC), net.remoteTs());
        assertEquals(2, net.localTs().size());
        List<ProposalSpec> esp = net.espProposals();
        assertEquals(2 + ProposalParser.defaults(ProposalSpec.Protocol.ESP).size(), esp.size());
        assertEquals("aes256gcm16", esp.get(0).toString());
        assertEquals("aes256-sha384-modp3072", esp.get(1).toString());

        PoolConfig pool = config.pools().get("rw_pool");
        assertEquals(AddressRange.parse("10.3.0.1-10.3.0.254"), pool.addresses(), "network and broadcast left out");
        assertEquals(List.of(InetAddress.getByName("10.1.0.53"), InetAddress.getByName("10.1.0.54")), pool.dns());
        assertEquals(AddressRange.parse("fd00:3::1-fd00:3::ff"), config.pools().get("rw_pool6").addresses());
        assertTrue(config.secrets().isEmpty());
    }

    @Test
    void roadwarriorClientWithVirtualIps() throws Exception {
        SwanctlConfig config = SwanctlParser.parse(ROADWARRIOR_CLIENT, "carol.conf");
        ConnectionConfig home = config.connections().get("home");
        assertEquals(List.of(InetAddress.getByName("0.0.0.0"), InetAddress.getByName("::")), home.vips());
        assertEquals("C=CH, O=strongSwan Project, CN=carol@strongswan.org", home.local().id());
        ChildConfig child = home.children().get("home");
        assertEquals(List.of(new TrafficSelectorSpec(AddressRange.parse("10.1.0.0/16"), 6, PortSelector.port(443)),
                new TrafficSelectorSpec(AddressRange.parse("10.1.0.53"), 17, PortSelector.port(53))), child.remoteTs());
        assertEquals(ChildConfig.StartAction.START, child.startAction());
        assertEquals(ChildConfig.CloseAction.TRAP, child.closeAction());
        assertEquals(IpsecMode.TUNNEL, child.mode());
        assertNull(config.pools().get("home"));
    }

    @Test
    void readsAFileAndNamesItInErrors(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("swanctl.conf");
        Files.writeString(file, SITE_TO_SITE, StandardCharsets.UTF_8);
        assertEquals(1, SwanctlParser.parse(file).connections().size());

        Files.write(file, "connections {\n  a\u00e9 {\n  }\n}\n\u00ff".getBytes(StandardCharsets.ISO_8859_1));
        ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
                () -> SwanctlParser.parse(file));
        assertEquals(file.toString(), e.source());
        assertEquals(2, e.line());
        assertEquals(4, e.column());
        assertTrue(e.getMessage().startsWith(file + ":2:4: bytes that are not UTF-8"), e.getMessage());
    }

    @Test
    void connectionsKeepFileOrder() throws Exception {
        StringBuilder text = new StringBuilder("connections {\n");
        List<String> names = List.of("zeta", "alpha", "mid", "beta", "omega", "a1", "x");
        for (String name : names) {
            text.append("  ").append(name).append(" {\n    local {\n    }\n    remote {\n    }\n  }\n");
        }
        text.append("}\n");
        assertEquals(names, List.copyOf(SwanctlParser.parse(text.toString(), "t.conf").connections().keySet()));
    }
}
