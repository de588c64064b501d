package org.ipsec4j.daemon.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.ipsec4j.daemon.config.setkey.SetkeyException;
import org.ipsec4j.daemon.state.SequenceStateDirectory;
import org.ipsec4j.esp.DataPlane;
import org.ipsec4j.esp.InboundMetadata;
import org.ipsec4j.esp.InboundResult;
import org.ipsec4j.esp.OutboundResult;
import org.ipsec4j.esp.crypto.EncryptionAlgorithm;
import org.ipsec4j.esp.crypto.IntegrityAlgorithm;
import org.ipsec4j.esp.sad.IpsecMode;
import org.ipsec4j.esp.sad.LifetimeLimits;
import org.ipsec4j.esp.sad.SecurityAssociation;
import org.ipsec4j.esp.sad.SecurityAssociationDatabase;
import org.ipsec4j.esp.sad.UdpEncapsulation;
import org.ipsec4j.esp.selector.IpAddress;
import org.ipsec4j.esp.selector.IpFamily;
import org.ipsec4j.esp.spd.Direction;
import org.ipsec4j.esp.spd.SecurityPolicy;
import org.ipsec4j.esp.spd.SecurityPolicyDatabase;
import org.ipsec4j.wire.Icmpv4Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecurityDatabaseLoaderTest {

    @TempDir
    static java.nio.file.Path stateRoot;

    static final String KEY_OUT = "0x0102030405060708090a0b0c0d0e0f1011121314";
    static final String KEY_IN = "0x2122232425262728292a2b2c2d2e2f3031323334";

    /** Both ends' SAs and policies in one file, as the demo ships it. */
    static final String SHARED = """
            flush;
            spdflush;
            add 192.0.2.1[4500] 192.0.2.2[4500] esp-udp 0x1001 -m tunnel -r 64 -E aes-gcm-16 %s;
            add 192.0.2.2[4500] 192.0.2.1[4500] esp-udp 0x1002 -m tunnel -r 64 -E aes-gcm-16 %s;
            spdadd 10.0.1.0/24 10.0.2.0/24 any -P out ipsec esp/tunnel/192.0.2.1-192.0.2.2/require;
            spdadd 10.0.2.0/24 10.0.1.0/24 any -P in ipsec esp/tunnel/192.0.2.2-192.0.2.1/require;
            spdadd 10.0.2.0/24 10.0.1.0/24 any -P out ipsec esp/tunnel/192.0.2.2-192.0.2.1/require;
            spdadd 10.0.1.0/24 10.0.2.0/24 any -P in ipsec esp/tunnel/192.0.2.1-192.0.2.2/require;
            """.formatted(KEY_OUT, KEY_IN);

    /** One side's SAD, SPD and loader, seeing the given addresses as its own. */
    static final class Side {
        final SecurityAssociationDatabase sad = new SecurityAssociationDatabase();
        final SecurityPolicyDatabase spd = new SecurityPolicyDatabase();
        final List<String> log = new ArrayList<>();
        final List<Set<OuterSocket>> socketRequests = new ArrayList<>();
        SocketUnavailableException refuseSockets;
        final SecurityDatabaseLoader loader;
        final SequenceStateDirectory state;

        final List<java.io.IOException> stateProblems = new ArrayList<>();

        Side(TranslationOptions options, String... addresses) {
            this(newStateDirectory(), options, addresses);
        }

        Side(SequenceStateDirectory state, TranslationOptions options, String... addresses) {
            this.state = state;
            List<InetAddress> local = java.util.Arrays.stream(addresses).map(InetAddress::ofLiteral).toList();
            loader = new SecurityDatabaseLoader(sad, spd, options, LocalAddresses.of(local), state,
                    new ConfigurationHooks() {
                @Override
                public void prepareSockets(Set<OuterSocket> sockets) throws SocketUnavailableException {
                    socketRequests.add(sockets);
                    if (refuseSockets != null) {
                        throw refuseSockets;
                    }
                }

                @Override
                public void stateUnavailable(java.io.IOException problem) {
                    stateProblems.add(problem);
                }

                @Override
                public void exclusively(Runnable change) {
                    change.run();
                }

                @Override
                public void applied(ActiveConfiguration previous, ActiveConfiguration current) {}
            }, () -> 1_000_000_000L, log::add);
        }

        static SequenceStateDirectory newStateDirectory() {
            try {
                return SequenceStateDirectory.open(java.nio.file.Files.createTempDirectory(stateRoot, "state-"));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        Side(String... addresses) {
            this(TranslationOptions.defaults(), addresses);
        }

        SecurityAssociation sa(int spi) {
            return loader.active().sas().stream().map(ConfiguredSa::sa).filter(s -> s.spi() == spi).findFirst()
                    .orElseThrow();
        }
    }

    static Side left() {
        return new Side("192.0.2.1", "10.0.1.1");
    }

    static Side right() {
        return new Side("192.0.2.2", "10.0.2.1");
    }

    @Test
    void sharedFileGivesEachSideItsOwnDirectionAndPolicies() throws Exception {
        Side left = left();
        left.loader.load(SHARED, "shared.conf");

        SecurityAssociation out = left.sa(0x1001);
        assertEquals(SecurityAssociation.Flow.OUTBOUND, out.flow());
        assertEquals(IpsecMode.TUNNEL, out.mode());
        assertEquals(IpAddress.parse("192.0.2.1"), out.localAddress());
        assertEquals(IpAddress.parse("192.0.2.2"), out.remoteAddress());
        assertEquals(new UdpEncapsulation(4500, 4500), out.udpEncapsulation());
        assertEquals(EncryptionAlgorithm.AES_GCM_16_128, out.espTransform().encryption());
        assertEquals(IntegrityAlgorithm.NONE, out.espTransform().integrity());
        SecurityAssociation in = left.sa(0x1002);
        assertEquals(SecurityAssociation.Flow.INBOUND, in.flow());
        assertEquals(64, in.replayWindow().size());
        assertSame(in, left.sad.lookupInbound(0x1002, org.ipsec4j.esp.sad.SecurityProtocol.ESP));

        List<SecurityPolicy> outPolicies = left.spd.policies(Direction.OUT);
        assertEquals(1, outPolicies.size(), "the right side's outbound policy is skipped");
        assertSame(out, outPolicies.getFirst().outboundSa());
        assertEquals(1, left.spd.policies(Direction.IN).size());
        assertEquals(2, left.log.stream().filter(l -> l.contains("skipping the peer's policy")).count());
        assertEquals(List.of(Set.of(OuterSocket.udp(IpFamily.IPV4, 4500))), left.socketRequests);
    }

    /** IKE installs its Child SAs' policies in the same SPD: a reload of the setkey file leaves them, after its own. */
    @Test
    void aReloadKeepsPoliciesTheFileDidNotMake() throws Exception {
        Side left = left();
        left.loader.load(SHARED, "shared.conf");
        SecurityPolicy ike = new SecurityPolicy(Direction.OUT, org.ipsec4j.esp.selector.TrafficSelector.between(
                org.ipsec4j.esp.selector.AddressRange.parse("10.0.1.0/24"),
                org.ipsec4j.esp.selector.AddressRange.parse("10.9.0.0/16")),
                org.ipsec4j.esp.spd.PolicyAction.BYPASS, "ike child");
        left.spd.add(ike);
        left.loader.load(SHARED.replace("-r 64", "-r 32"), "shared.conf");
        List<SecurityPolicy> out = left.spd.policies(Direction.OUT);
        assertEquals(2, out.size(), out.toString());
        assertSame(ike, out.get(1), "the file's policies first, then the others, as they were");
        assertEquals(left.loader.active().policies().stream().filter(p -> p.policy().direction() == Direction.OUT)
                .findFirst().orElseThrow().policy(), out.getFirst());
    }

    @Test
    void bothSidesCarryAPacketThroughTheirDataPlanes() throws Exception {
        Side left = left();
        Side right = right();
        left.loader.load(SHARED, "shared.conf");
        right.loader.load(SHARED, "shared.conf");
        DataPlane sender = new DataPlane(left.spd, left.sad);
        DataPlane receiver = new DataPlane(right.spd, right.sad);
        byte[] buf = new byte[4096];
        int off = 256;
        int len = Icmpv4Message.writeEchoPacket(buf, off, IpAddress.parse("10.0.1.1").ipv4Value(),
                IpAddress.parse("10.0.2.1").ipv4Value(), 64, Icmpv4Message.TYPE_ECHO_REQUEST, 0x77, 1, 56);
        OutboundResult sent = sender.processOutbound(buf, off, len, 2_000_000_000L, new OutboundResult());
        assertEquals(OutboundResult.Action.SEND, sent.action(), sent.toString());
        InboundMetadata meta = new InboundMetadata().source(IpAddress.parse("192.0.2.1"), 4500)
                .destination(IpAddress.parse("192.0.2.2"), 4500);
        InboundResult received = receiver.processInboundUdp(buf, sent.payloadOffset(), sent.payloadLength(), meta,
                2_000_000_000L, new InboundResult());
        assertEquals(InboundResult.Action.DELIVER, received.action(), received.toString());
        assertEquals(len, received.length());
        assertEquals(1, right.sa(0x1001).counters().packets());
    }

    @Test
    void aBadFileIsRefusedWithLineAndColumnAndChangesNothing() throws Exception {
        Side left = left();
        left.loader.load(SHARED, "shared.conf");
        ActiveConfiguration before = left.loader.active();
        List<SecurityPolicy> policiesBefore = left.spd.policies(Direction.OUT);

        SetkeyException syntax = assertThrows(SetkeyException.class, () -> left.loader.load("""
                flush;
                spdflush;
                add 192.0.2.1 192.0.2.2 esp 0x2001 -E aes-gcm-16 %s
                spdadd 10.0.1.0/24 10.0.2.0/24 any -P out none;
                """.formatted(KEY_OUT), "bad.conf"));
        assertTrue(syntax.getMessage().startsWith("bad.conf:4:1: "), syntax.getMessage());

        SetkeyException legacy = assertThrows(SetkeyException.class, () -> left.loader.load("""
                flush;
                add 192.0.2.1 192.0.2.2 esp 0x2001 -E 3des-cbc 0x000102030405060708090a0b0c0d0e0f1011121314151617
                    -A hmac-sha1 0x0102030405060708090a0b0c0d0e0f1011121314;
                """, "legacy.conf"));
        assertEquals("legacy.conf:2:1: 3des-cbc is a legacy algorithm (RFC 8221), refused unless the daemon runs "
                + "with --allow-legacy", legacy.getMessage());

        assertSame(before, left.loader.active());
        assertEquals(before.sas().stream().map(ConfiguredSa::sa).toList(), left.sad.list());
        assertEquals(policiesBefore, left.spd.policies(Direction.OUT));
        assertTrue(left.sa(0x1001).isUsable());
        assertFalse(left.sa(0x1001).espCodec().isDestroyed());
    }

    @Test
    void legacyAlgorithmsLoadWhenAllowed() throws Exception {
        Side left = new Side(TranslationOptions.defaults().withAllowLegacy(true), "192.0.2.1");
        left.loader.load("""
                add 192.0.2.1 192.0.2.2 esp 0x2001 -E 3des-cbc 0x000102030405060708090a0b0c0d0e0f1011121314151617
                    -A hmac-md5 0x0102030405060708090a0b0c0d0e0f10;
                """, "legacy.conf");
        SecurityAssociation sa = left.sa(0x2001);
        assertEquals(EncryptionAlgorithm.TRIPLE_DES_CBC, sa.espTransform().encryption());
        assertEquals(IntegrityAlgorithm.HMAC_MD5_96, sa.espTransform().integrity());
    }

    @Test
    void refusalsNameTheStatement() {
        Side left = left();
        assertProblem(left, "add 198.51.100.1 198.51.100.2 esp 0x2001 -E aes-gcm-16 " + KEY_OUT + ";",
                "x.conf:1:1: neither 198.51.100.1 nor 198.51.100.2 is an address of this host");
        assertProblem(left, "\n  add 192.0.2.1 192.0.2.2 esp 0x2001 -E des-cbc 0x0001020304050607 -A hmac-sha1 "
                + "0x0102030405060708090a0b0c0d0e0f1011121314;", "x.conf:2:3: des-cbc (56-bit DES) is broken");
        assertProblem(left, "add 192.0.2.1 192.0.2.2 ah 0x2001 -A hmac-md5 0x0102030405060708090a0b0c0d0e0f10;",
                "x.conf:1:1: hmac-md5 is a legacy algorithm (RFC 8221), refused unless the daemon runs with "
                        + "--allow-legacy");
        assertProblem(left, "add 192.0.2.1 192.0.2.2 esp 0x2001 -E aes-cbc 0x0102030405060708090a0b0c0d0e0f10;",
                "x.conf:1:1: AES_CBC_128 without integrity");
        assertProblem(left, "add 192.0.2.1 192.0.2.2 esp 0x2001 -f random-pad -E aes-gcm-16 " + KEY_OUT + ";",
                "x.conf:1:1: -f random-pad is not supported");
        assertProblem(left, "delete 192.0.2.1 192.0.2.2 esp 0x2001;", "x.conf:1:1: there is no esp SPI 0x2001 to "
                + "192.0.2.2 to delete");
        assertProblem(left, "spdadd 10.0.1.0/24 10.0.2.0/24 any -P out ipsec esp/tunnel/192.0.2.1-192.0.2.2/require "
                + "ah/transport//require;", "x.conf:1:1: SA bundles");
        assertTrue(left.loader.active().sas().isEmpty());
    }

    private static void assertProblem(Side side, String text, String expectedStart) {
        SetkeyException e = assertThrows(SetkeyException.class, () -> side.loader.load(text, "x.conf"));
        assertTrue(e.getMessage().startsWith(expectedStart), e.getMessage());
        assertFalse(e.getMessage().contains("0102030405"), "no key in messages");
    }

    @Test
    void reloadKeepsUnchangedSasRunningAndReplacesChangedOnes() throws Exception {
        Side left = left();
        left.loader.load(SHARED, "shared.conf");
        SecurityAssociation out = left.sa(0x1001);
        SecurityAssociation in = left.sa(0x1002);
        out.sequenceCounter().next();
        out.sequenceCounter().next();
        SecurityPolicy policy = left.spd.policies(Direction.OUT).getFirst();
        policy.recordHit();

        left.loader.load(SHARED, "shared.conf");
        assertSame(out, left.sa(0x1001), "same keys: the running SA, sequence number and all");
        assertEquals(2, left.sa(0x1001).sequenceCounter().last());
        assertSame(in, left.sa(0x1002));
        assertSame(policy, left.spd.policies(Direction.OUT).getFirst());
        assertEquals(1, policy.hits());

        left.loader.load(SHARED.replace(KEY_OUT, "0x" + "ab".repeat(20)), "shared.conf");
        SecurityAssociation renewed = left.sa(0x1001);
        assertNotSame(out, renewed);
        assertEquals(0, renewed.sequenceCounter().last());
        assertFalse(out.isUsable(), "the replaced SA is dead");
        assertTrue(out.espCodec().isDestroyed(), "and its keys zeroed");
        assertSame(renewed, left.spd.policies(Direction.OUT).getFirst().outboundSa());
        assertSame(in, left.sa(0x1002));
    }

    @Test
    void addingAnSaThatIsLoadedAlreadyNeedsADeleteFirst() throws Exception {
        Side left = left();
        left.loader.load(SHARED, "shared.conf");
        SetkeyException e = assertThrows(SetkeyException.class, () -> left.loader.load(
                "add 192.0.2.1 192.0.2.2 esp 0x1001 -E aes-gcm-16 " + KEY_OUT + ";", "more.conf"));
        assertTrue(e.getMessage().startsWith("more.conf:1:1: esp SPI 0x1001 to 192.0.2.2 is already loaded (from "
                + "line 3)"), e.getMessage());
        left.loader.load("delete 192.0.2.1 192.0.2.2 esp 0x1001;", "delete.conf");
        assertEquals(1, left.loader.active().sas().size());
        assertNull(left.spd.policies(Direction.OUT).getFirst().outboundSa(), "its policy has no SA now");
        assertTrue(left.log.stream().anyMatch(l -> l.contains("no outbound SA for policy")), left.log.toString());
    }

    @Test
    void modeAnyFollowsThePolicies() throws Exception {
        Side left = left();
        left.loader.load("""
                add 192.0.2.1 192.0.2.2 esp 0x3001 -E aes-gcm-16 %s;
                add 192.0.2.1 198.51.100.7 esp 0x3002 -E aes-gcm-16 %s;
                spdadd 10.0.1.0/24 10.0.2.0/24 any -P out ipsec esp/tunnel/192.0.2.1-192.0.2.2/require;
                spdadd 192.0.2.1 198.51.100.7 any -P out ipsec esp/transport//require;
                """.formatted(KEY_OUT, KEY_IN), "any.conf");
        assertEquals(IpsecMode.TUNNEL, left.sa(0x3001).mode());
        assertEquals(IpsecMode.TRANSPORT, left.sa(0x3002).mode());
        assertEquals(left.sa(0x3002), left.spd.policies(Direction.OUT).get(1).outboundSa());
    }

    @Test
    void encapsulationDefaultsFollowTheOption() throws Exception {
        String plain = "add 192.0.2.1 192.0.2.2 esp 0x4001 -E aes-gcm-16 " + KEY_OUT + ";";
        Side udp = left();
        udp.loader.load(plain, "p.conf");
        assertEquals(UdpEncapsulation.DEFAULT, udp.sa(0x4001).udpEncapsulation());
        Side raw = new Side(TranslationOptions.defaults().withEncapsulation(DefaultEncapsulation.NONE), "192.0.2.1");
        raw.loader.load(plain, "p.conf");
        assertNull(raw.sa(0x4001).udpEncapsulation());
        assertEquals(List.of(Set.of(OuterSocket.rawEsp(IpFamily.IPV4))), raw.socketRequests);
        raw.loader.load("add 192.0.2.1[4600] 192.0.2.2[4700] esp-udp 0x4002 -E aes-gcm-16 " + KEY_IN + ";", "u.conf");
        assertEquals(new UdpEncapsulation(4600, 4700), raw.sa(0x4002).udpEncapsulation());
    }

    @Test
    void inboundUdpSasListenOnTheirLocalPort() throws Exception {
        Side right = right();
        right.loader.load("add 192.0.2.1[4600] 192.0.2.2[4700] esp-udp 0x4002 -E aes-gcm-16 " + KEY_IN + ";", "u.conf");
        assertEquals(new UdpEncapsulation(4700, 4600), right.sa(0x4002).udpEncapsulation());
        assertEquals(Set.of(OuterSocket.udp(IpFamily.IPV4, 4700)), right.socketRequests.getFirst());
    }

    @Test
    void aSocketThatCannotBeOpenedRefusesTheFileAtTheSa() {
        Side left = left();
        left.refuseSockets = new SocketUnavailableException(OuterSocket.udp(IpFamily.IPV4, 4500),
                "cannot open UDP port 4500 (IPv4): UDP port 4500 is in use by another program", null);
        SetkeyException e = assertThrows(SetkeyException.class, () -> left.loader.load(SHARED, "shared.conf"));
        assertEquals("shared.conf:3:1: cannot open UDP port 4500 (IPv4): UDP port 4500 is in use by another program",
                e.getMessage());
        assertTrue(left.sad.list().isEmpty());
        assertEquals(0, left.spd.size());
    }

    @Test
    void lifetimesMapSoftAndHardInSecondsAndBytes() throws Exception {
        Side left = left();
        left.loader.load("add 192.0.2.1 192.0.2.2 esp 0x5001 -lh 3600 -ls 3000 -bh 1000000 -E aes-gcm-16 " + KEY_OUT
                + ";", "life.conf");
        LifetimeLimits limits = left.sa(0x5001).limits();
        assertEquals(3_600_000_000_000L, limits.hardTimeNanos());
        assertEquals(3_000_000_000_000L, limits.softTimeNanos());
        assertEquals(1_000_000L, limits.hardBytes());
        assertEquals(1_000_000L, limits.softBytes(), "no soft byte limit: the hard one");
        assertEquals(LifetimeLimits.NONE, limits.hardPackets());
    }

    @Test
    void priorityOrdersPoliciesAndEqualOnesKeepFileOrder() throws Exception {
        Side left = left();
        left.loader.load("""
                spdadd 10.0.1.0/24 10.0.2.0/24 any -P out none;
                spdadd 10.0.1.0/24 10.0.3.0/24 any -P out prio high discard;
                spdadd 10.0.1.0/24 10.0.4.0/24 any -P out none;
                """, "prio.conf");
        List<SecurityPolicy> out = left.spd.policies(Direction.OUT);
        assertEquals(List.of("10.0.3.0/24", "10.0.2.0/24", "10.0.4.0/24"),
                out.stream().map(p -> p.selector().remote().toString()).toList());
    }

    @Test
    void keysAreZeroedInTheFileAfterLoading() throws Exception {
        java.nio.file.Path file = java.nio.file.Files.createTempFile("keys", ".conf");
        try {
            java.nio.file.Files.writeString(file, SHARED);
            Side left = left();
            var loaded = left.loader.load(file);
            loaded.statements().stream()
                    .filter(s -> s instanceof org.ipsec4j.daemon.config.setkey.SetkeyStatement.AddSa)
                    .map(s -> (org.ipsec4j.daemon.config.setkey.SetkeyStatement.AddSa) s)
                    .forEach(sa -> assertTrue(java.util.Arrays.equals(new byte[20],
                            sa.encryption().orElseThrow().key().bytes())));
            assertNotNull(left.sa(0x1001));
        } finally {
            java.nio.file.Files.delete(file);
        }
    }

    static final String AH_KEY_OUT = "0x0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20";
    static final String AH_KEY_IN = "0x2122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f40";

    @Test
    void ahSasAndPoliciesLoadOnRawAhSockets() throws Exception {
        Side left = left();
        left.loader.load("""
                add 192.0.2.1 192.0.2.2 ah 0x6001 -A hmac-sha256 %s;
                add 192.0.2.2 192.0.2.1 ah 0x6002 -A hmac-sha256 %s;
                add 192.0.2.1 192.0.2.2 esp 0x6003 -m transport -E aes-gcm-16 %s;
                spdadd 10.0.1.0/24 10.0.2.0/24 any -P out ipsec ah/tunnel/192.0.2.1-192.0.2.2/require;
                spdadd 10.0.2.0/24 10.0.1.0/24 any -P in ipsec ah/tunnel/192.0.2.2-192.0.2.1/require;
                spdadd 192.0.2.1 192.0.2.2 any -P out ipsec esp/transport//require;
                """.formatted(AH_KEY_OUT, AH_KEY_IN, KEY_OUT), "ah.conf");
        SecurityAssociation out = left.sa(0x6001);
        assertEquals(org.ipsec4j.esp.sad.SecurityProtocol.AH, out.protocol());
        assertEquals(SecurityAssociation.Flow.OUTBOUND, out.flow());
        assertEquals(IpsecMode.TUNNEL, out.mode(), "-m any: a tunnel policy names its endpoints");
        assertEquals(IntegrityAlgorithm.HMAC_SHA2_256_128, out.ahIntegrity());
        assertNull(out.udpEncapsulation(), "AH never travels in UDP, whatever --encap says");
        assertSame(left.sa(0x6002), left.sad.lookupInbound(0x6002, org.ipsec4j.esp.sad.SecurityProtocol.AH));
        List<SecurityPolicy> outPolicies = left.spd.policies(Direction.OUT);
        assertSame(out, outPolicies.get(0).outboundSa());
        assertSame(left.sa(0x6003), outPolicies.get(1).outboundSa(), "the ESP policy takes the ESP SA");
        assertEquals(List.of(Set.of(OuterSocket.rawAh(IpFamily.IPV4), OuterSocket.udp(IpFamily.IPV4, 4500))),
                left.socketRequests);
        assertTrue(left.log.stream().noneMatch(l -> l.contains("no outbound SA")), left.log.toString());
    }

    @Test
    void anAhPolicyDoesNotTakeAnEspSa() throws Exception {
        Side left = left();
        left.loader.load("""
                add 192.0.2.1 192.0.2.2 esp 0x6003 -m tunnel -E aes-gcm-16 %s;
                spdadd 10.0.1.0/24 10.0.2.0/24 any -P out ipsec ah/tunnel/192.0.2.1-192.0.2.2/require;
                """.formatted(KEY_OUT), "mixed.conf");
        assertNull(left.spd.policies(Direction.OUT).getFirst().outboundSa());
        assertTrue(left.log.stream().anyMatch(l -> l.contains("line 2: no outbound SA for policy")), left.log.toString());
    }

    @Test
    void outboundSasReserveSequenceNumbersAndARestartContinuesAboveThem() throws Exception {
        SequenceStateDirectory state = SequenceStateDirectory.open(
                java.nio.file.Files.createTempDirectory(stateRoot, "restart-"), 1000);
        Side first = new Side(state, TranslationOptions.defaults(), "192.0.2.1", "10.0.1.1");
        first.loader.load(SHARED, "shared.conf");
        SecurityAssociation out = first.sa(0x1001);
        assertEquals(0, out.sequenceCounter().last());
        assertEquals(1000, out.sequenceCounter().reservedThrough());
        java.nio.file.Path file = state.path().resolve("esp-0x00001001-192.0.2.2.seq");
        assertTrue(java.nio.file.Files.readString(file).contains("reserved-through 1000\n"));
        assertEquals(1, first.loader.active().sequenceReservations().size(), "inbound SAs reserve nothing");
        assertFalse(java.nio.file.Files.exists(state.path().resolve("esp-0x00001002-192.0.2.1.seq")));

        // The daemon restarts (same directory, same file): the SA continues above what was reserved.
        SequenceStateDirectory again = SequenceStateDirectory.open(state.path(), 1000);
        Side second = new Side(again, TranslationOptions.defaults(), "192.0.2.1", "10.0.1.1");
        second.loader.load(SHARED, "shared.conf");
        assertEquals(1000, second.sa(0x1001).sequenceCounter().last());
        assertEquals(2000, second.sa(0x1001).sequenceCounter().reservedThrough());
        assertTrue(second.log.stream().anyMatch(l -> l.contains("has run with these keys before: its sequence "
                + "numbers continue after 1000")), second.log.toString());

        // New keys for the same SA start over.
        SequenceStateDirectory third = SequenceStateDirectory.open(state.path(), 1000);
        Side rekeyed = new Side(third, TranslationOptions.defaults(), "192.0.2.1", "10.0.1.1");
        rekeyed.loader.load(SHARED.replace(KEY_OUT, "0x9999999999999999999999999999999999999999"), "new.conf");
        assertEquals(0, rekeyed.sa(0x1001).sequenceCounter().last());
        assertTrue(rekeyed.log.stream().anyMatch(l -> l.contains("has new keys: its sequence numbers start again at 1")),
                rekeyed.log.toString());
        assertFalse(java.nio.file.Files.readString(file).contains("9999"), "no key in the state file");
    }

    @Test
    void aReloadKeepsTheReservationOfAnUnchangedSa() throws Exception {
        Side left = left();
        left.loader.load(SHARED, "shared.conf");
        var reservation = left.loader.active().sequenceReservations().getFirst();
        left.loader.load(SHARED, "shared.conf");
        assertSame(reservation, left.loader.active().sequenceReservations().getFirst());
    }

    @Test
    void anUnreadableStateFileRefusesTheSaAndNamesTheFile() throws Exception {
        Side left = left();
        java.nio.file.Path file = left.state.path().resolve("esp-0x00001001-192.0.2.2.seq");
        java.nio.file.Files.writeString(file, "format 1\nreserved-through many\n");
        SetkeyException e = assertThrows(SetkeyException.class, () -> left.loader.load(SHARED, "shared.conf"));
        assertTrue(e.getMessage().startsWith("shared.conf:3:1: cannot reserve sequence numbers for esp SPI 0x1001 to "
                + "192.0.2.2 in " + left.state.path() + ": " + file + ":2: bad value"), e.getMessage());
        assertEquals(1, left.stateProblems.size());
        assertTrue(left.sad.list().isEmpty());
    }
}
