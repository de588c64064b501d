package org.ipsec4j.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading {@code swanctl --list-sas --pretty} (as strongSwan 5.9.8 prints it) and the strongswan.conf we write. */
class SwanctlOutputTest {

    /** Two IKE SAs: one just rekeyed child (old one DELETED), one with a DN identity and integrity algorithms. */
    private static final String LIST_SAS = """
            list-sa event {
              s2s {
                uniqueid = 2
                version = 2
                state = ESTABLISHED
                local-host = 192.0.2.1
                local-port = 4500
                local-id = a.lab
                remote-host = 192.0.2.2
                remote-port = 4500
                remote-id = b.lab
                initiator = yes
                initiator-spi = 1e6472f6e12b7538
                responder-spi = 04749fe3e92fb0e4
                nat-remote = yes
                nat-any = yes
                encr-alg = AES_GCM_16
                encr-keysize = 128
                prf-alg = PRF_HMAC_SHA2_256
                dh-group = ECP_256
                established = 0
                rekey-time = 14203
                child-sas {
                  net-1 {
                    name = net
                    uniqueid = 1
                    reqid = 1
                    state = DELETED
                    mode = TUNNEL
                    protocol = ESP
                    encap = yes
                    spi-in = f5f45004
                    spi-out = 23694b76
                    encr-alg = AES_GCM_16
                    encr-keysize = 128
                    bytes-in = 168
                    packets-in = 2
                    bytes-out = 168
                    packets-out = 2
                    local-ts = [
                      10.1.0.0/24
                    ]
                    remote-ts = [
                      10.2.0.0/24
                    ]
                  }
                  net-2 {
                    name = net
                    uniqueid = 2
                    reqid = 1
                    state = INSTALLED
                    mode = TUNNEL
                    protocol = ESP
                    encap = yes
                    spi-in = 3167be06
                    spi-out = ec3cf492
                    encr-alg = AES_GCM_16
                    encr-keysize = 128
                    bytes-in = 0
                    packets-in = 0
                    bytes-out = 0
                    packets-out = 0
                    local-ts = [
                      10.1.0.0/24
                      2001:db8:a::/64
                    ]
                    remote-ts = [
                      10.2.0.0/24
                    ]
                  }
                }
              }
            }
            list-sa event {
              rw {
                uniqueid = 7
                version = 2
                state = CONNECTING
                local-host = 2001:db8:1::2
                local-port = 500
                local-id = C=CH, O=ipsec4j lab, CN=left.lab
                remote-host = 2001:db8:1::1
                remote-port = 500
                remote-id = %any
                initiator = yes
                initiator-spi = 31d988de164b67ef
                responder-spi = 0000000000000000
                encr-alg = AES_CBC
                encr-keysize = 256
                integ-alg = HMAC_SHA2_256_128
                prf-alg = PRF_HMAC_SHA2_256
                dh-group = CURVE_25519
                tasks-active = [
                  IKE_VENDOR
                  IKE_INIT
                ]
                child-sas {
                }
              }
            }
            list-sas reply {
            }
            """;

    @Test
    void listSasYieldsEveryIkeSaWithItsChildren() {
        List<IkeSaStatus> sas = IkeSaStatus.parseListSas(LIST_SAS);

        assertEquals(2, sas.size());
        IkeSaStatus s2s = sas.get(0);
        assertEquals("s2s", s2s.name());
        assertEquals(2, s2s.uniqueId());
        assertEquals(2, s2s.version());
        assertTrue(s2s.isEstablished());
        assertTrue(s2s.initiator());
        assertEquals(InetAddress.ofLiteral("192.0.2.1"), s2s.localHost());
        assertEquals(4500, s2s.localPort());
        assertEquals("b.lab", s2s.remoteId());
        assertEquals(0x1e6472f6e12b7538L, s2s.initiatorSpi());
        assertEquals(0x04749fe3e92fb0e4L, s2s.responderSpi());
        assertEquals(s2s.initiatorSpi(), s2s.localSpi());
        assertEquals("AES_GCM_16", s2s.encryption());
        assertEquals(128, s2s.encryptionKeySize());
        assertEquals("", s2s.integrity(), "AEAD: no integrity algorithm");
        assertEquals("AES_GCM_16-128/PRF_HMAC_SHA2_256/ECP_256", s2s.proposal());
        assertTrue(s2s.natRemote());
        assertFalse(s2s.natLocal());
        assertTrue(s2s.natAny());
        assertEquals("14203", s2s.raw().value("rekey-time", ""));

        assertEquals(2, s2s.children().size());
        ChildSaStatus installed = s2s.installedChild("net").orElseThrow();
        assertEquals(2, installed.uniqueId());
        assertEquals(0x3167be06, installed.spiIn());
        assertEquals(0xec3cf492, installed.spiOut());
        assertEquals("TUNNEL", installed.mode());
        assertTrue(installed.encap());
        assertEquals("AES_GCM_16-128", installed.proposal());
        assertEquals(List.of("10.1.0.0/24", "2001:db8:a::/64"), installed.localTs());
        assertEquals(List.of("10.2.0.0/24"), installed.remoteTs());
        ChildSaStatus old = s2s.children().getFirst();
        assertEquals("DELETED", old.state());
        assertEquals(2, old.packetsIn());
        assertEquals(168, old.bytesOut());

        IkeSaStatus rw = sas.get(1);
        assertEquals("CONNECTING", rw.state());
        assertEquals("C=CH, O=ipsec4j lab, CN=left.lab", rw.localId(), "a value with spaces stays whole");
        assertEquals(InetAddress.ofLiteral("2001:db8:1::1"), rw.remoteHost());
        assertEquals(0, rw.responderSpi());
        assertEquals("AES_CBC-256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/CURVE_25519", rw.proposal());
        assertEquals(List.of("IKE_VENDOR", "IKE_INIT"), rw.raw().list("tasks-active"));
        assertTrue(rw.children().isEmpty());
        assertTrue(rw.toString().contains("31d988de164b67ef_i"), rw::toString);
    }

    @Test
    void noSasIsAnEmptyList() {
        assertEquals(List.of(), IkeSaStatus.parseListSas("list-sas reply {\n}\n"));
        assertEquals(List.of(), IkeSaStatus.parseListSas(""));
    }

    @Test
    void brokenOutputIsReportedWithTheLine() {
        IllegalArgumentException unterminated = assertThrows(IllegalArgumentException.class,
                () -> ViciSection.parsePretty("list-sa event {\n  s2s {\n    state = ESTABLISHED\n"));
        assertTrue(unterminated.getMessage().contains("ends inside section 's2s'"), unterminated.getMessage());
        IllegalArgumentException garbage = assertThrows(IllegalArgumentException.class,
                () -> ViciSection.parsePretty("list-sa event {\n  what is this\n}\n"));
        assertTrue(garbage.getMessage().contains("line 2"), garbage.getMessage());
    }

    @Test
    void strongswanConfNamesTheWorkDirectoryAndLoadsLibipsecBeforeNetlink() {
        String conf = StrongSwan.strongswanConf(Path.of("/tmp/w"), "retransmit_tries = 2\nfragment_size = 1280");

        assertTrue(conf.contains("socket = unix:///tmp/w/charon.vici\n"), conf);
        assertTrue(conf.contains("path = /tmp/w/charon.log\n"), conf);
        assertTrue(conf.contains("file = /tmp/w/resolv.conf\n"), conf);
        assertTrue(conf.contains("time_format = %H:%M:%S\n"), conf);
        assertTrue(conf.contains("    retransmit_tries = 2\n    fragment_size = 1280\n}\n"), conf);
        String load = conf.lines().filter(l -> l.strip().startsWith("load = ")).findFirst().orElseThrow();
        assertTrue(load.indexOf("kernel-libipsec") < load.indexOf("kernel-netlink"), load);
        // The configuration itself parses as VICI-like sections do: balanced braces.
        assertEquals(conf.chars().filter(c -> c == '{').count(), conf.chars().filter(c -> c == '}').count());
    }
}
