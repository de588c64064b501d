package org.ipsec4j.daemon.config.setkey;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import org.ipsec4j.daemon.config.setkey.SetkeyStatement.AddSa;
import org.ipsec4j.daemon.config.setkey.SetkeyStatement.DeleteAll;
import org.ipsec4j.daemon.config.setkey.SetkeyStatement.DeleteSa;
import org.ipsec4j.daemon.config.setkey.SetkeyStatement.Flush;
import org.ipsec4j.daemon.config.setkey.SetkeyStatement.SpdAdd;
import org.ipsec4j.daemon.config.setkey.SetkeyStatement.SpdDelete;
import org.ipsec4j.daemon.config.setkey.SetkeyStatement.SpdFlush;
import org.ipsec4j.daemon.config.setkey.SetkeyStatement.SpdUpdate;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Accepted input: the setkey(8) examples, seed 001 and 002, and every statement and option. */
class SetkeyParserTest {

    static final String KEY16 = "0x000102030405060708090a0b0c0d0e0f";
    static final String KEY20 = "0x000102030405060708090a0b0c0d0e0f10111213";
    static final String KEY32 = "0x000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
    static final String KEY36 = KEY32 + "20212223";

    static SetkeyFile parse(String text) throws SetkeyException {
        return SetkeyParser.parse(text, "test.conf");
    }

    static SetkeyStatement only(String text) throws SetkeyException {
        List<SetkeyStatement> statements = parse(text).statements();
        assertEquals(1, statements.size(), () -> "statements in " + text);
        return statements.getFirst();
    }

    static AddSa sa(String text) throws SetkeyException {
        return assertInstanceOf(AddSa.class, only(text));
    }

    static SpdAdd policy(String text) throws SetkeyException {
        return assertInstanceOf(SpdAdd.class, only(text));
    }

    static InetAddress ip(String text) {
        try {
            return Addresses.parse(text);
        } catch (Addresses.SyntaxError e) {
            throw new AssertionError(text, e);
        }
    }

    static KeyMaterial hexKey(String hex) {
        return KeyMaterial.of(HexFormat.of().parseHex(hex.substring(2)));
    }

    @Nested
    class ManPageExamples {

        @Test
        void ipv6EspWithDesAndNoIntegrity() throws SetkeyException {
            AddSa sa = sa("add 3ffe:501:4819::1 3ffe:501:481d::1 esp 123457\n\t-E des-cbc 0x3ffe05014819ffff ;");
            assertEquals(ip("3ffe:501:4819::1"), sa.source());
            assertEquals(ip("3ffe:501:481d::1"), sa.destination());
            assertEquals(SecurityProtocol.ESP, sa.protocol());
            assertEquals(123457, sa.spi());
            assertEquals(EncryptionAlgorithm.DES_CBC, sa.encryption().orElseThrow().algorithm());
            assertEquals(hexKey("0x3ffe05014819ffff"), sa.encryption().orElseThrow().key());
            assertTrue(sa.authentication().isEmpty());
            assertFalse(sa.providesIntegrity(), "encryption-only ESP is parsed, and flagged");
            assertTrue(sa.encryption().orElseThrow().algorithm().isLegacy());
        }

        @Test
        void espWithDesAndQuotedHmacMd5Key() throws SetkeyException {
            AddSa sa = sa("""
                    add 10.0.11.41 10.0.11.33 esp 0x10001
                            -E des-cbc 0x3ffe05014819ffff
                            -A hmac-md5 "authentication!!" ;
                    """);
            assertEquals(0x10001, sa.spi());
            Authentication authentication = sa.authentication().orElseThrow();
            assertEquals(AuthenticationAlgorithm.HMAC_MD5, authentication.algorithm());
            assertEquals(KeyMaterial.of("authentication!!".getBytes(StandardCharsets.US_ASCII)), authentication.key());
            assertTrue(sa.providesIntegrity());
        }

        @Test
        void tunnelPolicyWithPortsOnTheSelector() throws SetkeyException {
            SpdAdd spd = policy("spdadd 10.0.11.41/32[21] 10.0.11.33/32[any] any\n"
                    + "\t-P out ipsec esp/tunnel/192.168.0.1-192.168.1.2/require ;");
            assertEquals(new AddressSelector(ip("10.0.11.41"), 32, Port.of(21)), spd.selector().source());
            assertEquals(new AddressSelector(ip("10.0.11.33"), 32, Port.ANY), spd.selector().destination());
            assertEquals(UpperLayer.ANY, spd.selector().upperLayer());
            assertEquals(PolicyDirection.OUT, spd.direction());
            assertEquals(PolicyAction.Protect.of(IpsecRequest.tunnel(SecurityProtocol.ESP,
                    Endpoint.of(ip("192.168.0.1")), Endpoint.of(ip("192.168.1.2")), IpsecRequest.Level.REQUIRE)),
                    spd.action());
        }

        @Test
        void neighbourSolicitationBypass() throws SetkeyException {
            SpdAdd spd = policy("spdadd ::/0 ::/0 icmp6 135,0 -P in none ;");
            assertEquals(new UpperLayer.Icmp(UpperLayer.ICMPV6, 135, 0), spd.selector().upperLayer());
            assertEquals(0, spd.selector().source().prefixLength());
            assertEquals(PolicyAction.BYPASS, spd.action());
        }

        @Test
        void natTraversalTunnelEndpointsWithPorts() throws SetkeyException {
            SpdAdd spd = policy("spdadd 10.0.11.0/24[any] 10.0.11.33/32[any] any -P out ipsec\n"
                    + "    esp/tunnel/192.168.0.1[4500]-192.168.1.2[30000]/require ;");
            IpsecRequest request = ((PolicyAction.Protect) spd.action()).requests().getFirst();
            assertEquals(new Endpoint(ip("192.168.0.1"), Port.of(4500)), request.tunnelSource().orElseThrow());
            assertEquals(new Endpoint(ip("192.168.1.2"), Port.of(30000)), request.tunnelDestination().orElseThrow());
        }

        @Test
        void flushAndSpdflush() throws SetkeyException {
            assertEquals(List.of(Flush.ALL, new SpdFlush()), parse("flush ;\nspdflush ;").statements());
        }
    }

    @Nested
    class SeedExamples {

        /** Seed 001's SAs and policy (its addresses were lost; these are documentation addresses). */
        @Test
        void seed001AhAndEspAndBundlePolicy() throws SetkeyException {
            SetkeyFile file = parse("""
                    # seed 001: an AH SA, an ESP SA, and a policy that wants both
                    add 192.0.2.1 192.0.2.2 ah 13800 -A hmac-md5 "1234567890123456";
                    add 192.0.2.1 192.0.2.2 esp 13801 -E aes-cbc "123456789012123456789012";
                    spdadd 192.0.2.1 192.0.2.2 any -P out ipsec
                            esp/transport//require
                            ah/transport//require;
                    """);
            AddSa ah = (AddSa) file.statements().get(0);
            assertEquals(SecurityProtocol.AH, ah.protocol());
            assertEquals(13800, ah.spi());
            assertEquals(16, ah.authentication().orElseThrow().key().length());
            AddSa esp = (AddSa) file.statements().get(1);
            assertEquals(EncryptionAlgorithm.AES_CBC, esp.encryption().orElseThrow().algorithm());
            assertEquals(24, esp.encryption().orElseThrow().key().length(), "AES-192 from 24 quoted characters");
            SpdAdd spd = (SpdAdd) file.statements().get(2);
            assertEquals(AddressSelector.host(ip("192.0.2.1")), spd.selector().source());
            assertEquals(PolicyAction.Protect.of(
                    IpsecRequest.transport(SecurityProtocol.ESP, IpsecRequest.Level.REQUIRE),
                    IpsecRequest.transport(SecurityProtocol.AH, IpsecRequest.Level.REQUIRE)), spd.action());
            assertEquals(new SourcePosition(2, 1), file.positionOf(0));
            assertEquals(new SourcePosition(4, 1), file.positionOf(2));
        }

        /** Seed 002: let neighbour advertisements (ICMPv6 type 136, code 0) through a catch-all tunnel. */
        @Test
        void seed002NeighbourAdvertisementHole() throws SetkeyException {
            SetkeyFile file = parse("""
                    spdadd ::/0 ::/0 icmp6 136,0 -P out prio high none;
                    spdadd ::/0 ::/0 icmp6 136,0 -P in prio high none;
                    spdadd 2001:db8:1::/48 2001:db8:2::/48 any -P out ipsec
                        esp/tunnel/2001:db8::1-2001:db8::2/require;
                    """);
            SpdAdd hole = (SpdAdd) file.statements().getFirst();
            UpperLayer.Icmp icmp = assertInstanceOf(UpperLayer.Icmp.class, hole.selector().upperLayer());
            assertEquals(136, icmp.type());
            assertEquals(0, icmp.code());
            assertEquals(0x8800, icmp.protoPort(), "RFC 4301 protoport, as seed 002 computes it");
            assertEquals(Optional.of(new PolicyPriority(PolicyPriority.Base.HIGH, 0)), hole.priority());
            SpdAdd tunnel = (SpdAdd) file.statements().get(2);
            assertEquals(48, tunnel.selector().source().prefixLength());
        }
    }

    @Nested
    class SecurityAssociations {

        @Test
        void defaultsWhenNoExtensionIsGiven() throws SetkeyException {
            AddSa sa = sa("add 192.0.2.1 192.0.2.2 esp 0x1000 -E aes-cbc " + KEY16 + " -A hmac-sha256 " + KEY32 + ";");
            assertEquals(SaMode.ANY, sa.mode());
            assertEquals(0, sa.replayWindow());
            assertEquals(0, sa.requestId());
            assertEquals(Padding.DEFAULT, sa.padding());
            assertTrue(sa.cyclicSequence());
            assertEquals(Lifetime.UNLIMITED, sa.hardLifetime());
            assertEquals(Lifetime.UNLIMITED, sa.softLifetime());
            assertTrue(sa.udpEncapsulation().isEmpty());
        }

        @Test
        void everyExtension() throws SetkeyException {
            AddSa sa = sa("add -4n 192.0.2.1 192.0.2.2 esp 4096 -m tunnel -r 4096 -u 7 -f random-pad"
                    + " -f nocyclic-seq -lh 3600 -ls 3000 -bh 1000000000 -bs 900000000"
                    + " -E aes-gcm-16 " + KEY20 + ";");
            assertEquals(SaMode.TUNNEL, sa.mode());
            assertEquals(4096, sa.replayWindow());
            assertEquals(7, sa.requestId());
            assertEquals(Padding.RANDOM, sa.padding());
            assertFalse(sa.cyclicSequence());
            assertEquals(new Lifetime(3600, 1_000_000_000L), sa.hardLifetime());
            assertEquals(new Lifetime(3000, 900_000_000L), sa.softLifetime());
            assertEquals(EncryptionAlgorithm.AES_GCM_16, sa.encryption().orElseThrow().algorithm());
            assertTrue(sa.providesIntegrity());
        }

        @Test
        void modesAndPaddings() throws SetkeyException {
            String tail = " -E aes-cbc " + KEY16 + " -A hmac-sha1 " + KEY20 + ";";
            assertEquals(SaMode.TRANSPORT, sa("add 192.0.2.1 192.0.2.2 esp 300 -m transport" + tail).mode());
            assertEquals(SaMode.ANY, sa("add 192.0.2.1 192.0.2.2 esp 300 -m any" + tail).mode());
            assertEquals(Padding.ZERO, sa("add 192.0.2.1 192.0.2.2 esp 300 -f zero-pad" + tail).padding());
            assertEquals(Padding.SEQUENTIAL, sa("add 192.0.2.1 192.0.2.2 esp 300 -f seq-pad" + tail).padding());
        }

        @Test
        void everyEncryptionAlgorithmAndKeyLength() throws SetkeyException {
            record Case(String name, EncryptionAlgorithm algorithm, int bytes) {}
            for (Case c : List.of(
                    new Case("des-cbc", EncryptionAlgorithm.DES_CBC, 8),
                    new Case("3des-cbc", EncryptionAlgorithm.TRIPLE_DES_CBC, 24),
                    new Case("aes-cbc", EncryptionAlgorithm.AES_CBC, 16),
                    new Case("aes-cbc", EncryptionAlgorithm.AES_CBC, 24),
                    new Case("rijndael-cbc", EncryptionAlgorithm.AES_CBC, 32),
                    new Case("aes-gcm-16", EncryptionAlgorithm.AES_GCM_16, 20),
                    new Case("aes-gcm-16", EncryptionAlgorithm.AES_GCM_16, 28),
                    new Case("aes-gcm-16", EncryptionAlgorithm.AES_GCM_16, 36),
                    new Case("chacha20-poly1305", EncryptionAlgorithm.CHACHA20_POLY1305, 36))) {
                String key = "0x" + "ab".repeat(c.bytes());
                String auth = c.algorithm().isAead() ? "" : " -A hmac-sha512 0x" + "cd".repeat(64);
                AddSa sa = sa("add 192.0.2.1 192.0.2.2 esp 300 -E " + c.name() + " " + key + auth + ";");
                assertEquals(c.algorithm(), sa.encryption().orElseThrow().algorithm(), c.toString());
                assertEquals(c.bytes(), sa.encryption().orElseThrow().key().length(), c.toString());
            }
        }

        @Test
        void everyAuthenticationAlgorithm() throws SetkeyException {
            record Case(String name, AuthenticationAlgorithm algorithm) {}
            for (Case c : List.of(
                    new Case("hmac-md5", AuthenticationAlgorithm.HMAC_MD5),
                    new Case("hmac-sha1", AuthenticationAlgorithm.HMAC_SHA1),
                    new Case("hmac-sha256", AuthenticationAlgorithm.HMAC_SHA2_256),
                    new Case("hmac-sha2-256", AuthenticationAlgorithm.HMAC_SHA2_256),
                    new Case("hmac-sha384", AuthenticationAlgorithm.HMAC_SHA2_384),
                    new Case("hmac-sha2-384", AuthenticationAlgorithm.HMAC_SHA2_384),
                    new Case("hmac-sha512", AuthenticationAlgorithm.HMAC_SHA2_512),
                    new Case("hmac-sha2-512", AuthenticationAlgorithm.HMAC_SHA2_512))) {
                String key = "0x" + "5a".repeat(c.algorithm().keyLength());
                AddSa ah = sa("add 192.0.2.1 192.0.2.2 ah 300 -A " + c.name() + " " + key + ";");
                assertEquals(c.algorithm(), ah.authentication().orElseThrow().algorithm(), c.toString());
                AddSa esp = sa("add 192.0.2.1 192.0.2.2 esp 300 -E null -A " + c.name() + " " + key + ";");
                assertEquals(EncryptionAlgorithm.NULL, esp.encryption().orElseThrow().algorithm());
                assertTrue(esp.providesIntegrity());
            }
        }

        @Test
        void nullAlgorithmsTakeNoKeyButTolerateAnEmptyOne() throws SetkeyException {
            AddSa a = sa("add 192.0.2.1 192.0.2.2 esp 300 -E null -A hmac-sha1 " + KEY20 + ";");
            AddSa b = sa("add 192.0.2.1 192.0.2.2 esp 300 -E null \"\" -A hmac-sha1 " + KEY20 + ";");
            assertEquals(a, b);
            assertEquals(0, a.encryption().orElseThrow().key().length());
            AddSa c = sa("add 192.0.2.1 192.0.2.2 esp 300 -E aes-cbc " + KEY16 + " -A null;");
            assertFalse(c.providesIntegrity());
        }

        @Test
        void hexKeysAreCaseInsensitive() throws SetkeyException {
            AddSa lower = sa("add 192.0.2.1 192.0.2.2 esp 300 -E aes-gcm-16 0x" + "ab".repeat(20) + ";");
            AddSa upper = sa("add 192.0.2.1 192.0.2.2 esp 300 -E aes-gcm-16 0X" + "AB".repeat(20) + ";");
            assertEquals(lower, upper);
        }

        @Test
        void espUdpTakesPortsAndDefaultsTo4500() throws SetkeyException {
            AddSa sa = sa("add 192.0.2.1[4501] 198.51.100.2 esp-udp 0x2000 -m tunnel -E aes-gcm-16 " + KEY20 + ";");
            assertEquals(SecurityProtocol.ESP, sa.protocol());
            assertEquals(Optional.of(new UdpEncapsulation(4501, 4500, Optional.empty())), sa.udpEncapsulation());
            AddSa any = sa("add 192.0.2.1[any] 198.51.100.2[0] esp-udp 0x2000 -E aes-gcm-16 " + KEY20 + ";");
            assertEquals(Optional.of(UdpEncapsulation.natTraversal()), any.udpEncapsulation());
        }

        @Test
        void espUdpWithNatOriginalAddress() throws SetkeyException {
            AddSa sa = sa("add 192.0.2.1[4500] 198.51.100.2[4500] esp-udp 10.0.0.5 0x2000 -m transport"
                    + " -E aes-gcm-16 " + KEY20 + ";");
            assertEquals(Optional.of(ip("10.0.0.5")), sa.udpEncapsulation().orElseThrow().originalAddress());
            assertEquals(0x2000, sa.spi());
        }

        @Test
        void ipv6EspUdpWithPorts() throws SetkeyException {
            AddSa sa = sa("add -6 2001:db8::1[4500] 2001:db8:ffff::2[4500] esp-udp 0xdeadbeef"
                    + " -E chacha20-poly1305 " + KEY36 + ";");
            assertEquals(ip("2001:db8::1"), sa.source());
            assertEquals(0xdeadbeefL, sa.spi());
            assertEquals(EncryptionAlgorithm.CHACHA20_POLY1305, sa.encryption().orElseThrow().algorithm());
        }

        @Test
        void spiLimits() throws SetkeyException {
            String tail = " -E aes-gcm-16 " + KEY20 + ";";
            assertEquals(256, sa("add 192.0.2.1 192.0.2.2 esp 256" + tail).spi());
            assertEquals(0xFFFF_FFFFL, sa("add 192.0.2.1 192.0.2.2 esp 0xffffffff" + tail).spi());
            assertEquals(0xFFFF_FFFFL, sa("add 192.0.2.1 192.0.2.2 esp 4294967295" + tail).spi());
            assertEquals(0x100, sa("add 192.0.2.1 192.0.2.2 esp 0x00000100" + tail).spi());
        }

        @Test
        void quotedKeysAreTheirUtf8Bytes() throws SetkeyException {
            // 4 two-byte characters and 12 ASCII ones: 20 bytes, right for AES-128-GCM.
            AddSa sa = sa("add 192.0.2.1 192.0.2.2 esp 300 -E aes-gcm-16 \"\u00e9\u00e9\u00e9\u00e9 #;-E 123456\";");
            assertEquals(20, sa.encryption().orElseThrow().key().length());
        }
    }

    @Nested
    class OtherStatements {

        @Test
        void deleteDeleteallFlush() throws SetkeyException {
            SetkeyFile file = parse("""
                    delete 192.0.2.1 192.0.2.2 esp 0x1000;
                    delete -6 2001:db8::1 2001:db8::2 ah 4096;
                    delete 192.0.2.1[4500] 192.0.2.2[4500] esp-udp 0x1001;
                    deleteall 192.0.2.1 192.0.2.2 esp;
                    flush esp; flush ah; flush esp-udp; flush;
                    """);
            assertEquals(List.of(
                    new DeleteSa(ip("192.0.2.1"), ip("192.0.2.2"), SecurityProtocol.ESP, 0x1000),
                    new DeleteSa(ip("2001:db8::1"), ip("2001:db8::2"), SecurityProtocol.AH, 4096),
                    new DeleteSa(ip("192.0.2.1"), ip("192.0.2.2"), SecurityProtocol.ESP, 0x1001),
                    new DeleteAll(ip("192.0.2.1"), ip("192.0.2.2"), SecurityProtocol.ESP),
                    new Flush(Optional.of(SecurityProtocol.ESP)),
                    new Flush(Optional.of(SecurityProtocol.AH)),
                    new Flush(Optional.of(SecurityProtocol.ESP)),
                    Flush.ALL), file.statements());
        }

        @Test
        void spdupdateAndSpddelete() throws SetkeyException {
            SetkeyFile file = parse("""
                    spdupdate 10.1.0.0/16 10.2.0.0/16 any -P fwd ipsec esp/tunnel/192.0.2.1-192.0.2.2/unique:12;
                    spddelete 10.1.0.0/16 10.2.0.0/16 any -P fwd;
                    spddelete 10.1.0.0/16 10.2.0.0/16 any -P in ipsec esp/tunnel/192.0.2.2-192.0.2.1/require;
                    spdflush;
                    """);
            SpdUpdate update = (SpdUpdate) file.statements().get(0);
            IpsecRequest request = ((PolicyAction.Protect) update.action()).requests().getFirst();
            assertEquals(IpsecRequest.Level.UNIQUE, request.level());
            assertEquals(12, request.uniqueId());
            assertEquals(PolicyDirection.FWD, update.direction());
            PolicySelector selector = new PolicySelector(new AddressSelector(ip("10.1.0.0"), 16, Port.ANY),
                    new AddressSelector(ip("10.2.0.0"), 16, Port.ANY), UpperLayer.ANY);
            assertEquals(new SpdDelete(selector, PolicyDirection.FWD), file.statements().get(1));
            assertEquals(new SpdDelete(selector, PolicyDirection.IN), file.statements().get(2));
            assertEquals(new SpdFlush(), file.statements().get(3));
        }

        @Test
        void upperLayersByNameAndNumber() throws SetkeyException {
            record Case(String text, UpperLayer expected) {}
            for (Case c : List.of(
                    new Case("any", UpperLayer.ANY),
                    new Case("tcp", new UpperLayer.Protocol(6)),
                    new Case("udp", new UpperLayer.Protocol(17)),
                    new Case("icmp", new UpperLayer.Protocol(1)),
                    new Case("icmp 8,0", new UpperLayer.Icmp(1, 8, 0)),
                    new Case("gre", new UpperLayer.Protocol(47)),
                    new Case("sctp", new UpperLayer.Protocol(132)),
                    new Case("ip4", new UpperLayer.Protocol(4)),
                    new Case("132", new UpperLayer.Protocol(132)),
                    new Case("0", new UpperLayer.Protocol(0)),
                    new Case("58 1,4", new UpperLayer.Icmp(58, 1, 4)))) {
                SpdAdd spd = policy("spdadd 10.0.0.0/8 10.0.0.0/8 " + c.text() + " -P out discard;");
                assertEquals(c.expected(), spd.selector().upperLayer(), c.text());
                assertEquals(PolicyAction.DISCARD, spd.action());
            }
            assertEquals(new UpperLayer.Protocol(6), policy("spdadd ::/0 ::/0 TCP -P in none;").selector().upperLayer());
            SpdAdd v6 = policy("spdadd ::/0 ::/0 ipv6-icmp 136,0 -P in none;");
            assertEquals(new UpperLayer.Icmp(58, 136, 0), v6.selector().upperLayer());
        }

        @Test
        void rulesInEveryShapeLibipsecAccepts() throws SetkeyException {
            record Case(String rule, IpsecRequest expected) {}
            Endpoint a = Endpoint.of(ip("192.0.2.1"));
            Endpoint b = Endpoint.of(ip("192.0.2.2"));
            for (Case c : List.of(
                    new Case("esp/transport", IpsecRequest.transport(SecurityProtocol.ESP, IpsecRequest.Level.DEFAULT)),
                    new Case("esp/transport/", IpsecRequest.transport(SecurityProtocol.ESP, IpsecRequest.Level.DEFAULT)),
                    new Case("ah/transport//use", IpsecRequest.transport(SecurityProtocol.AH, IpsecRequest.Level.USE)),
                    new Case("esp/transport//unique", IpsecRequest.transport(SecurityProtocol.ESP, IpsecRequest.Level.UNIQUE)),
                    new Case("esp/tunnel/192.0.2.1-192.0.2.2",
                            IpsecRequest.tunnel(SecurityProtocol.ESP, a, b, IpsecRequest.Level.DEFAULT)),
                    new Case("esp/tunnel/192.0.2.1-192.0.2.2/",
                            IpsecRequest.tunnel(SecurityProtocol.ESP, a, b, IpsecRequest.Level.DEFAULT)),
                    new Case("esp/tunnel/192.0.2.1-192.0.2.2/default",
                            IpsecRequest.tunnel(SecurityProtocol.ESP, a, b, IpsecRequest.Level.DEFAULT)),
                    new Case("esp/transport/192.0.2.1-192.0.2.2/require", new IpsecRequest(SecurityProtocol.ESP,
                            IpsecRequest.Mode.TRANSPORT, Optional.of(a), Optional.of(b), IpsecRequest.Level.REQUIRE, 0)),
                    new Case("esp/tunnel/192.0.2.1-192.0.2.2/unique:32767",
                            IpsecRequest.tunnel(SecurityProtocol.ESP, a, b, IpsecRequest.Level.REQUIRE)
                                    .withUniqueId(32767)))) {
                SpdAdd spd = policy("spdadd 10.0.0.0/8 10.0.0.0/8 any -P out ipsec " + c.rule() + ";");
                assertEquals(PolicyAction.Protect.of(c.expected()), spd.action(), c.rule());
            }
        }

        @Test
        void mixedFamiliesInTunnelMode() throws SetkeyException {
            SpdAdd spd = policy("spdadd 2001:db8:1::/64 2001:db8:2::/64 any -P out ipsec "
                    + "esp/tunnel/192.0.2.1-198.51.100.2/require;");
            IpsecRequest request = ((PolicyAction.Protect) spd.action()).requests().getFirst();
            assertEquals(ip("198.51.100.2"), request.tunnelDestination().orElseThrow().address());
        }

        @Test
        void priorities() throws SetkeyException {
            record Case(String text, PolicyPriority expected) {}
            for (Case c : List.of(
                    new Case("prio 10", new PolicyPriority(PolicyPriority.Base.DEFAULT, 10)),
                    new Case("priority -10", new PolicyPriority(PolicyPriority.Base.DEFAULT, -10)),
                    new Case("prio - 10", new PolicyPriority(PolicyPriority.Base.DEFAULT, -10)),
                    new Case("prio def", new PolicyPriority(PolicyPriority.Base.DEFAULT, 0)),
                    new Case("prio low + 5", new PolicyPriority(PolicyPriority.Base.LOW, 5)),
                    new Case("prio high - 5", new PolicyPriority(PolicyPriority.Base.HIGH, -5)),
                    new Case("prio high -5", new PolicyPriority(PolicyPriority.Base.HIGH, -5)),
                    new Case("prio high +1073741824", new PolicyPriority(PolicyPriority.Base.HIGH, 1073741824)))) {
                SpdAdd spd = policy("spdadd 10.0.0.0/8 10.0.0.0/8 any -P out " + c.text() + " none;");
                assertEquals(Optional.of(c.expected()), spd.priority(), c.text());
            }
            assertEquals(0, new PolicyPriority(PolicyPriority.Base.HIGH, 1073741824).linuxValue());
            assertEquals(0x8000_0000L - 10, new PolicyPriority(PolicyPriority.Base.DEFAULT, 10).linuxValue());
        }
    }

    @Nested
    class Layout {

        @Test
        void commentsLineBreaksAndSeveralStatementsPerLine() throws SetkeyException {
            SetkeyFile file = parse("#!/usr/sbin/setkey -f\r\n"
                    + "flush;spdflush; # start clean\r\n"
                    + "add\t192.0.2.1\n   192.0.2.2 # the peer\n esp\n0x1000 -E # the cipher:\n aes-gcm-16\n"
                    + KEY20 + "\n;spdadd 192.0.2.1 192.0.2.2 any -P out ipsec\n# a comment inside the policy\n"
                    + " esp/transport//require\n;\n# trailing comment without newline");
            assertEquals(4, file.statements().size());
            assertEquals(new SourcePosition(2, 1), file.positionOf(0));
            assertEquals(new SourcePosition(2, 7), file.positionOf(1));
            assertEquals(new SourcePosition(3, 1), file.positionOf(2));
            assertEquals(new SourcePosition(9, 2), file.positionOf(3));
        }

        @Test
        void emptyFilesAndCommentOnlyFilesHaveNoStatements() throws SetkeyException {
            assertTrue(parse("").statements().isEmpty());
            assertTrue(parse("  \n\t# nothing here\n# nor here").statements().isEmpty());
        }

        @Test
        void columnsCountCodePoints() throws SetkeyException {
            SetkeyException error = assertThrows(SetkeyException.class,
                    () -> parse("# \uD83D\uDD12 keys\nflush; \uD83D\uDD12 flush;"));
            assertEquals(2, error.line());
            assertEquals(8, error.column());
        }
    }

    @Nested
    class Addressing {

        @Test
        void ipv6Forms() throws SetkeyException {
            record Case(String text, String canonical) {}
            for (Case c : List.of(
                    new Case("::", "::"),
                    new Case("::1", "::1"),
                    new Case("2001:DB8::1", "2001:db8::1"),
                    new Case("2001:db8:0:0:0:0:0:1", "2001:db8::1"),
                    new Case("2001:db8::", "2001:db8::"),
                    new Case("fe80::1:2:3:4", "fe80::1:2:3:4"),
                    new Case("1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0"),
                    new Case("::2:3:4:5:6:7:8", "0:2:3:4:5:6:7:8"),
                    new Case("2001:db8:0:1:0:0:1:1", "2001:db8:0:1::1:1"),
                    new Case("64:ff9b::192.0.2.33", "64:ff9b::c000:221"),
                    new Case("1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:102:304"))) {
                SpdAdd spd = policy("spdadd " + c.text() + "/128 ::/0 any -P out none;");
                assertEquals(c.canonical(), Addresses.format(spd.selector().source().address()), c.text());
                assertEquals(128, spd.selector().source().prefixLength());
            }
        }

        @Test
        void prefixAndPortTogether() throws SetkeyException {
            SpdAdd spd = policy("spdadd 2001:db8::/32[443] ::/0[any] tcp -P in none;");
            assertEquals(new AddressSelector(ip("2001:db8::"), 32, Port.of(443)), spd.selector().source());
            SpdAdd v4 = policy("spdadd 192.0.2.0/24[500] 0.0.0.0/0 udp -P in none;");
            assertEquals(new AddressSelector(ip("192.0.2.0"), 24, Port.of(500)), v4.selector().source());
            SpdAdd noPrefix = policy("spdadd 192.0.2.7[80] 192.0.2.8 tcp -P in none;");
            assertEquals(new AddressSelector(ip("192.0.2.7"), 32, Port.of(80)), noPrefix.selector().source());
        }

        @Test
        void familyFlags() throws SetkeyException {
            policy("spdadd -6 ::/0 ::/0 any -P out none;");
            policy("spdadd -4 -n 0.0.0.0/0 0.0.0.0/0 any -P out none;");
            policy("spdadd -n4 0.0.0.0/0 0.0.0.0/0 any -P out none;");
        }
    }

    /** The fuzz target's good seeds must stay good, or the fuzzer starts from refusals only. */
    @Test
    void validFuzzSeedsParseAndValidate() throws Exception {
        for (String name : List.of("gateway_v4_nat_t", "transport_v6_every_option", "seed_001")) {
            try (var in = getClass().getResourceAsStream("SetkeyParserFuzzTestInputs/parse/" + name)) {
                String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                SetkeyFile file = SetkeyParser.parse(text, name);
                SetkeyValidator.validate(file);
                assertFalse(file.statements().isEmpty(), name);
            }
        }
    }

    @Test
    void keysNeverShowInToString() throws SetkeyException {
        SetkeyFile file = parse("add 192.0.2.1 192.0.2.2 esp 300 -E aes-cbc " + KEY16 + " -A hmac-sha1 "
                + "\"secret-auth-key-0020\";");
        String text = file.toString();
        assertFalse(text.contains("000102030405"), text);
        assertFalse(text.contains("secret-auth"), text);
        assertTrue(text.contains("KeyMaterial[16 bytes]"), text);
        String redacted = SetkeyWriter.render(file.statements(), SetkeyWriter.Keys.REDACT);
        assertFalse(redacted.contains("000102030405"), redacted);
        assertTrue(redacted.contains("<16-byte key>"), redacted);
    }

    @Test
    void destroyKeysZeroesThem() throws SetkeyException {
        SetkeyFile file = parse("add 192.0.2.1 192.0.2.2 esp 300 -E aes-gcm-16 " + KEY20 + ";");
        file.destroyKeys();
        AddSa sa = (AddSa) file.statements().getFirst();
        assertEquals(KeyMaterial.of(new byte[20]), sa.encryption().orElseThrow().key());
    }

    @Test
    void writerOutputParsesBack() throws SetkeyException {
        SetkeyFile file = parse("""
                flush; spdflush;
                add 192.0.2.1[4500] 198.51.100.2[4500] esp-udp 0x1001 -m tunnel -r 64 -u 3 -f zero-pad
                    -lh 60 -ls 50 -E aes-gcm-16 %s;
                add 2001:db8::1 2001:db8::2 ah 0x1002 -A hmac-sha384 0x%s;
                spdadd 10.0.0.0/8[22] 10.1.0.0/16 tcp -P out prio low - 3 ipsec
                    esp/tunnel/192.0.2.1[4500]-198.51.100.2[4500]/unique:3 ah/transport//use;
                spdadd ::/0 ::/0 icmp6 136,0 -P in none;
                spddelete 10.0.0.0/8 10.0.0.0/8 any -P out;
                delete 192.0.2.1 198.51.100.2 esp 0x1001; deleteall 2001:db8::1 2001:db8::2 ah; flush ah;
                """.formatted(KEY20, "11".repeat(48)));
        String rendered = SetkeyWriter.render(file.statements(), SetkeyWriter.Keys.REVEAL);
        assertEquals(file.statements(), parse(rendered).statements(), rendered);
    }
}
