package org.ipsec4j.daemon.ike;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.ipsec4j.esp.sad.IpsecMode;
import org.ipsec4j.esp.selector.AddressRange;
import org.ipsec4j.esp.selector.IpAddress;
import org.ipsec4j.ike.auth.Identity;
import org.ipsec4j.ike.config.ConfigException;
import org.ipsec4j.ike.message.Proposal;
import org.ipsec4j.ike.message.ProtocolId;
import org.ipsec4j.ike.message.Transform;
import org.ipsec4j.ike.sa.ChildConnection;
import org.ipsec4j.ike.sa.IkeConnection;
import org.ipsec4j.ike.sa.LocalAuthentication;
import org.ipsec4j.ike.sa.SelectorRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SwanctlTranslatorTest {

    @TempDir
    Path directory;

    static final String PSK_SITE = """
            connections {
                site {
                    local_addrs = 192.0.2.1
                    remote_addrs = 192.0.2.2
                    proposals = aes128gcm16-prfsha256-x25519, aes256-sha256-prfsha256-ecp256
                    encap = yes
                    dpd_delay = 30s
                    rekey_time = 2h
                    keyingtries = 3
                    local {
                        auth = psk
                        id = moon.example.org
                    }
                    remote {
                        auth = psk
                        id = sun.example.org
                    }
                    children {
                        net {
                            local_ts = 10.1.0.0/16
                            remote_ts = 10.2.0.0/16, 10.3.0.0/24[tcp/443]
                            esp_proposals = aes128gcm16-ecp256, aes128-sha256
                            start_action = start
                            mode = tunnel
                            rekey_time = 30m
                            replay_window = 128
                        }
                    }
                }
            }
            secrets {
                ike-site {
                    id-moon = moon.example.org
                    id-sun = sun.example.org
                    secret = 0x0102030405060708090a0b0c0d0e0f10
                }
            }
            """;

    private Path write(String name, String text) throws Exception {
        Path file = directory.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        return file;
    }

    private IkeConfiguration load(String text) throws Exception {
        return SwanctlTranslator.load(write("swanctl.conf", text), SourceAddressResolver.NONE, Map.of());
    }

    private ConfigException refused(String text) throws Exception {
        Path file = write("swanctl.conf", text);
        return assertThrows(ConfigException.class, () -> SwanctlTranslator.load(file, SourceAddressResolver.NONE,
                Map.of()));
    }

    /** The 1-based line of the first line of {@code text} that contains {@code fragment}. */
    private static int lineOf(String text, String fragment) {
        List<String> lines = text.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(fragment)) {
                return i + 1;
            }
        }
        throw new AssertionError(fragment);
    }

    @Test
    void aPskSiteToSiteConnection() throws Exception {
        IkeConfiguration config = load(PSK_SITE);
        IkeConnection c = config.connection("site");
        assertEquals(List.of(IpAddress.parse("192.0.2.1")), c.localAddresses());
        assertEquals(List.of(IpAddress.parse("192.0.2.2")), c.remoteAddresses());
        assertEquals(500, c.localPort());
        assertEquals(500, c.remotePort());
        assertTrue(c.forceEncapsulation());
        assertTrue(c.fragmentation());
        assertEquals(576, c.fragmentSizeIpv4());
        assertEquals(1280, c.fragmentSizeIpv6());
        assertEquals(Duration.ofSeconds(30), c.dpdDelay());
        assertEquals(Duration.ofHours(2), c.rekeyTime());
        assertEquals(3, config.extras("site").keyingTries());
        assertFalse(c.requestVirtualIp());
        assertNull(c.pool());

        assertEquals(2, c.proposals().size());
        Proposal first = c.proposals().get(0);
        assertEquals(1, first.number());
        assertEquals(ProtocolId.IKE, first.protocolId());
        assertEquals(0, first.spi().length);
        assertEquals(List.of(Transform.of(1, 20, 128), Transform.of(2, 5), Transform.of(4, 31)), first.transforms());
        assertEquals(2, c.proposals().get(1).number());

        assertEquals(LocalAuthentication.AuthKind.PSK, c.local().kind());
        assertEquals(Identity.parse("moon.example.org"), c.local().id());
        assertEquals(Identity.parse("sun.example.org"), c.remote().id());
        byte[] key = config.sharedKeys().find(c.local().id(), c.remote().id());
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}, key);
        assertArrayEquals(key, config.sharedKeys().find(c.local().id(), Identity.any()), "a responder before IDi");

        ChildConnection net = c.child("net");
        assertEquals(List.of(SelectorRange.of(AddressRange.parse("10.1.0.0/16"))), net.localSelectors());
        assertEquals(List.of(SelectorRange.of(AddressRange.parse("10.2.0.0/16")),
                new SelectorRange(AddressRange.parse("10.3.0.0/24"), 6, 443, 443)), net.remoteSelectors());
        assertEquals(IpsecMode.TUNNEL, net.mode());
        assertEquals(ChildConnection.StartAction.START, net.startAction());
        assertEquals(ChildConnection.DpdAction.CLEAR, net.dpdAction());
        assertEquals(Duration.ofMinutes(30), net.rekeyTime());
        assertEquals(Duration.ofMinutes(33), net.lifeTime());
        assertEquals(128, net.replayWindow());
        Proposal esp = net.espProposals().get(0);
        assertEquals(ProtocolId.ESP, esp.protocolId());
        assertArrayEquals(new byte[4], esp.spi(), "ESP proposals carry a 4-byte SPI placeholder");
        assertEquals(List.of(Transform.of(1, 20, 128), Transform.of(4, 19), Transform.of(5, 0)), esp.transforms());
        assertEquals(2, net.espProposals().get(1).number());

        config.destroySecrets();
        assertNull(nonZero(config.sharedKeys().find(c.local().id(), c.remote().id())), "keys zeroed");
    }

    private static byte[] nonZero(byte[] key) {
        for (byte b : key) {
            if (b != 0) {
                return key;
            }
        }
        return null;
    }

    @Test
    void dynamicSelectorsVirtualIpsAndPools() throws Exception {
        IkeConfiguration config = load("""
                pools {
                    clients {
                        addrs = 10.3.0.0/24
                        dns = 10.3.0.53
                    }
                }
                connections {
                    gateway {
                        remote_addrs = %any
                        local_addrs = 192.0.2.2
                        pools = clients
                        fragmentation = no
                        local {
                            auth = psk
                        }
                        remote {
                            auth = psk
                        }
                        children {
                            net {
                                local_ts = 10.0.2.0/24
                            }
                        }
                    }
                    client {
                        remote_addrs = 192.0.2.2
                        vips = 0.0.0.0
                        local {
                            auth = psk
                            id = carol@example.org
                        }
                        remote {
                            auth = psk
                        }
                        children {
                            net {
                                remote_ts = 10.0.2.0/24
                                mode = transport
                            }
                        }
                    }
                }
                secrets {
                    ike {
                        secret = "for anyone"
                    }
                }
                """);
        IkeConnection gateway = config.connection("gateway");
        assertEquals(List.of(), gateway.remoteAddresses(), "%any");
        assertFalse(gateway.fragmentation());
        assertEquals("clients", gateway.pool().name());
        assertEquals(AddressRange.parse("10.3.0.1-10.3.0.254"), gateway.pool().range());
        assertEquals(List.of(IpAddress.parse("10.3.0.53")), gateway.pool().dns());
        assertEquals(Identity.parse("192.0.2.2"), gateway.local().id(), "no id: the address");
        assertTrue(gateway.remote().id().isAny());
        assertEquals(List.of(), gateway.child("net").remoteSelectors(), "dynamic");

        IkeConnection client = config.connection("client");
        assertTrue(client.requestVirtualIp());
        assertEquals(List.of(), client.localAddresses(), "%any, and nothing to resolve it with here");
        assertEquals(List.of(), client.child("net").localSelectors());
        assertEquals(IpsecMode.TRANSPORT, client.child("net").mode());
        assertArrayEquals("for anyone".getBytes(StandardCharsets.UTF_8),
                config.sharedKeys().find(client.local().id(), Identity.parse("192.0.2.2")));

        // The same pool object again for an unchanged pool, so leases survive a reload.
        IkeConfiguration again = SwanctlTranslator.load(directory.resolve("swanctl.conf"), SourceAddressResolver.NONE,
                config.pools());
        assertSame(gateway.pool(), again.connection("gateway").pool());
        assertEquals(config.extras("gateway").fingerprint(), again.extras("gateway").fingerprint());
    }

    @Test
    void localAnyInitiatesFromTheKernelsSourceAddress() throws Exception {
        Path file = write("swanctl.conf", PSK_SITE.replace("local_addrs = 192.0.2.1", "local_addrs = %any"));
        IkeConfiguration config = SwanctlTranslator.load(file, remote -> {
            assertEquals(InetAddress.ofLiteral("192.0.2.2"), remote);
            return InetAddress.ofLiteral("198.51.100.7");
        }, Map.of());
        assertEquals(List.of(IpAddress.parse("198.51.100.7")), config.connection("site").localAddresses());
    }

    @Test
    void trapsShuntsAndPathOptions() throws Exception {
        String text = """
                connections {
                    site {
                        local_addrs = 192.0.2.1
                        remote_addrs = 192.0.2.2
                        pmtu_discovery = no
                        pmtu_probe_interval = 5m
                        encap_fallback = no
                        local {
                            auth = psk
                            id = moon.example.org
                        }
                        remote {
                            auth = psk
                            id = sun.example.org
                        }
                        children {
                            net {
                                local_ts = 10.1.0.0/16
                                remote_ts = 10.2.0.0/16
                                start_action = trap
                                dpd_action = trap
                            }
                            nd {
                                local_ts = ::/0[ipv6-icmp/133-137]
                                remote_ts = ::/0[ipv6-icmp]
                                mode = pass
                                start_action = trap
                            }
                            blocked {
                                local_ts = 10.1.0.0/16
                                remote_ts = 10.9.0.0/16
                                mode = drop
                                start_action = trap
                            }
                        }
                    }
                }
                secrets {
                    ike-site {
                        id-moon = moon.example.org
                        id-sun = sun.example.org
                        secret = 0x0102030405060708090a0b0c0d0e0f10
                    }
                }
                """;
        IkeConfiguration config = load(text);
        IkeConnection site = config.connection("site");
        assertEquals(List.of("net"), site.children().stream().map(ChildConnection::name).toList(),
                "shunts are policies, not children");
        assertEquals(ChildConnection.StartAction.TRAP, site.child("net").startAction());
        assertEquals(ChildConnection.DpdAction.TRAP, site.child("net").dpdAction());
        assertEquals(new IkeConnection.PathOptions(false, Duration.ofMinutes(5), false), site.path());
        List<org.ipsec4j.esp.spd.SecurityPolicy> shunts = config.shunts();
        assertEquals(2, shunts.size(), shunts.toString());
        assertEquals("shunt site/nd: out ::/0[type/code 0x8500-0x89ff] <-> ::/0 IPv6-ICMP bypass",
                shunts.get(0).toString());
        assertEquals("shunt site/blocked: out 10.1.0.0/16 <-> 10.9.0.0/16 any discard", shunts.get(1).toString());
        assertEquals(IkeConnection.PathOptions.DEFAULT, load(PSK_SITE).connection("site").path());
    }

    @Test
    void errorsNameFileLineAndColumn() throws Exception {
        Path file = directory.resolve("swanctl.conf");
        String noSecret = PSK_SITE.replace("id-sun = sun.example.org", "id-sun = pluto.example.org")
                .replace("id-moon = moon.example.org", "id-moon = mars.example.org");
        ConfigException e = refused(noSecret);
        assertEquals(file.toString(), e.source());
        assertEquals(lineOf(noSecret, "auth = psk"), e.line());
        assertEquals(file + ":" + e.line() + ":13: connections.site.local.auth: auth = psk, but the secrets section "
                + "has no ike secret for 'moon.example.org' and 'sun.example.org' (add secrets { ike-NAME { id = ...; "
                + "secret = ... } })", e.getMessage());
        assertFalse(e.getMessage().contains("0102030405"), "never a key");

        String shunt = PSK_SITE.replace("mode = tunnel", "mode = pass");
        e = refused(shunt);
        assertEquals(lineOf(shunt, "mode = pass"), e.line());
        assertTrue(e.getMessage().contains("connections.site.children.net.mode: mode = pass is a shunt policy, "
                + "installed with start_action = trap (add it)"), e.getMessage());

        String subnet = PSK_SITE.replace("remote_addrs = 192.0.2.2", "remote_addrs = 192.0.2.2, 198.51.100.0/24");
        e = refused(subnet);
        assertEquals(lineOf(subnet, "remote_addrs"), e.line());
        assertEquals(9, e.column());
        assertTrue(e.getMessage().endsWith("connections.site.remote_addrs: '198.51.100.0/24': subnets and ranges are "
                + "not supported by ipsec4j (list addresses, or %any)"), e.getMessage());

        String vip = PSK_SITE.replace("encap = yes", "vips = 10.3.0.7");
        e = refused(vip);
        assertEquals(lineOf(vip, "vips"), e.line());

        String port = PSK_SITE.replace("encap = yes", "local_port = 4501");
        e = refused(port);
        assertEquals(lineOf(port, "local_port"), e.line());
        assertTrue(e.getMessage().endsWith("ports 500 and 4500 only, not 4501"), e.getMessage());

        String missingCert = PSK_SITE.replaceFirst("auth = psk\n( *)id = moon.example.org",
                "auth = pubkey\n$1certs = moonCert.pem");
        e = refused(missingCert);
        assertEquals(lineOf(missingCert, "certs = moonCert.pem"), e.line());
        assertTrue(e.getMessage().endsWith("connections.site.local.certs: no certificate file "
                + directory.resolve("x509/moonCert.pem")), e.getMessage());

        String anyWithoutId = PSK_SITE.replace("local_addrs = 192.0.2.1", "local_addrs = %any")
                .replaceFirst(" *id = moon.example.org\n", "");
        e = refused(anyWithoutId);
        assertTrue(e.getMessage().contains("connections.site.local: needs an id: local_addrs is %any"), e.getMessage());
        assertEquals(lineOf(anyWithoutId, "local {"), e.line());
    }

    @Test
    void certificatesAndTheMatchingPrivateKeyAreFoundWhereSwanctlKeepsThem() throws Exception {
        TestPki pki = new TestPki("C=CH, O=ipsec4j test, CN=Test CA");
        KeyPair moon = TestPki.ecKeys();
        X509Certificate cert = pki.issue("C=CH, O=ipsec4j test, CN=moon.example.org", "moon.example.org", moon);
        TestPki.writePem(directory.resolve("x509/moonCert.pem"), cert);
        TestPki.writePem(directory.resolve("x509ca/caCert.pem"), pki.ca);
        TestPki.writePem(directory.resolve("private/aaa-other.pem"), TestPki.ecKeys().getPrivate()); // not it
        TestPki.writePem(directory.resolve("private/moonKey.pem"), moon.getPrivate());
        Files.writeString(directory.resolve("private/README.txt"), "not a key file");
        String text = """
                connections {
                    rw {
                        local_addrs = 192.0.2.1
                        local {
                            certs = moonCert.pem
                        }
                        remote {
                            auth = pubkey
                            id = "C=CH, O=ipsec4j test, CN=*"
                        }
                        children {
                            net {
                                local_ts = 10.1.0.0/16
                            }
                        }
                    }
                }
                """;
        IkeConfiguration config = load(text);
        IkeConnection rw = config.connection("rw");
        assertEquals(LocalAuthentication.AuthKind.PUBKEY, rw.local().kind());
        assertEquals(List.of(cert), rw.local().certificates());
        assertArrayEquals(moon.getPrivate().getEncoded(), rw.local().privateKey().getEncoded());
        assertEquals(Identity.distinguishedName(cert.getSubjectX500Principal()), rw.local().id(),
                "the subject by default");
        assertEquals(List.of(pki.ca), rw.remote().trust().authorities(), "every CA in x509ca/ without cacerts");

        // The id must be in the certificate.
        String wrongId = text.replace("certs = moonCert.pem", "certs = moonCert.pem\n            id = sun.example.org");
        ConfigException e = refused(wrongId);
        assertEquals(lineOf(wrongId, "id = sun.example.org"), e.line());
        assertTrue(e.getMessage().contains("'sun.example.org' is neither the subject nor a subjectAltName of "
                + "moonCert.pem"), e.getMessage());
        IkeConfiguration bySan = load(text.replace("certs = moonCert.pem",
                "certs = moonCert.pem\n            id = moon.example.org"));
        assertEquals(Identity.parse("moon.example.org"), bySan.connection("rw").local().id());

        // Without its private key the certificate is no use.
        Files.delete(directory.resolve("private/moonKey.pem"));
        e = refused(text);
        assertEquals(lineOf(text, "certs = moonCert.pem"), e.line());
        assertTrue(e.getMessage().contains("connections.rw.local.certs: no private key for moonCert.pem"),
                e.getMessage());

        // A changed certificate file changes the connection's fingerprint (a reload takes the new one).
        TestPki.writePem(directory.resolve("private/moonKey.pem"), moon.getPrivate());
        Object before = load(text).extras("rw").fingerprint();
        TestPki.writePem(directory.resolve("x509/moonCert.pem"),
                pki.issue("C=CH, O=ipsec4j test, CN=moon.example.org", "moon.example.org", moon));
        assertNotEquals(before, load(text).extras("rw").fingerprint());
    }

    @Test
    void privateKeysAreMatchedByPublicKey() {
        KeyPair a = TestPki.ecKeys();
        KeyPair b = TestPki.ecKeys();
        assertTrue(SwanctlTranslator.belongsTo(a.getPrivate(), a.getPublic()));
        assertFalse(SwanctlTranslator.belongsTo(b.getPrivate(), a.getPublic()));
    }
}
