package org.ipsec4j.ike.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.ipsec4j.esp.sad.IpsecMode;
import org.ipsec4j.esp.selector.AddressRange;
import org.ipsec4j.esp.selector.IpAddress;
import org.ipsec4j.ike.auth.Identity;
import org.ipsec4j.ike.auth.TrustStore;
import org.ipsec4j.ike.config.ProposalParser;
import org.ipsec4j.ike.config.ProposalSpec;
import org.ipsec4j.ike.config.TransformSpec;
import org.ipsec4j.ike.message.Proposal;
import org.ipsec4j.ike.message.Transform;
import org.ipsec4j.ike.sa.ChildConnection;
import org.ipsec4j.ike.sa.ChildSaStatus;
import org.ipsec4j.ike.sa.IkeConnection;
import org.ipsec4j.ike.sa.IkeEvent;
import org.ipsec4j.ike.sa.IkeSaStatus;
import org.ipsec4j.ike.sa.LocalAuthentication;
import org.ipsec4j.ike.sa.PeerAuthentication;
import org.ipsec4j.ike.sa.SelectorRange;
import org.ipsec4j.lab.Lab;
import org.ipsec4j.lab.Link;
import org.ipsec4j.lab.Namespace;
import org.ipsec4j.lab.StrongSwan;
import org.ipsec4j.lab.junit.UsesLab;
import org.ipsec4j.lab.pki.IssuedCertificate;
import org.ipsec4j.lab.pki.KeyType;
import org.ipsec4j.lab.pki.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The IKE engine alone (real sockets in a lab namespace, SAs into a data plane without TUN) against
 * strongSwan's charon: handshakes in both roles with PSK and certificates, two proposal sets and PFS, rekeys
 * of IKE and Child SAs from either side, IKE fragmentation, deletes, and the failures (wrong PSK, untrusted
 * certificate, no proposal) — with both ends agreeing on SPIs and algorithms. The data path through TUN is
 * proven with the daemon in the cli module's lab tests.
 */
@UsesLab
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StrongSwanEngineLabTest {

    private static final String JAVA = "192.0.2.1";
    private static final String SWAN = "192.0.2.2";
    private static final String SECRET = "a lab secret of some length";
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path tmp;

    /** What both sides are configured with. */
    private record Scenario(String ikeProposals, String espProposals, Auth auth) {
    }

    private enum Auth { PSK, ECDSA, RSA, ED25519, BIG_RSA, WRONG_PSK, UNTRUSTED }

    private Namespace javaNs;
    private StrongSwan swan;
    private LocalAuthentication ourAuth;
    private PeerAuthentication theirAuth;
    private byte[] ourSecret = SECRET.getBytes(StandardCharsets.UTF_8);

    // ---- set-up ------------------------------------------------------------------------------------------

    private void setup(Lab lab, Scenario s) throws Exception {
        javaNs = lab.host("java");
        Namespace sw = lab.host("swan");
        Link link = lab.link(javaNs, sw);
        link.a().addAddress(JAVA + "/24");
        link.b().addAddress(SWAN + "/24");
        javaNs.ip("addr", "add", "10.1.0.1/32", "dev", "lo");
        sw.ip("addr", "add", "10.2.0.1/32", "dev", "lo"); // charon routes the tunnel with a source in local_ts
        swan = StrongSwan.start(sw, tmp.resolve("swan"),
                "retransmit_timeout = 1\nretransmit_tries = 2\nretransmit_base = 1.2\n");
        String swanLocal;
        String swanRemote;
        switch (s.auth()) {
            case PSK, WRONG_PSK -> {
                swanLocal = "auth = psk\nid = swan.lab";
                swanRemote = "auth = psk\nid = java.lab";
                ourAuth = LocalAuthentication.psk(Identity.parse("java.lab"));
                theirAuth = new PeerAuthentication(LocalAuthentication.AuthKind.PSK, Identity.parse("swan.lab"), null);
                if (s.auth() == Auth.WRONG_PSK) {
                    ourSecret = "not the secret the peer has".getBytes(StandardCharsets.UTF_8);
                }
            }
            default -> {
                TestPki pki = new TestPki();
                KeyType ours = switch (s.auth()) {
                    case RSA, BIG_RSA -> KeyType.RSA_3072;
                    case ED25519 -> KeyType.ED25519;
                    default -> KeyType.ECDSA_P256;
                };
                KeyType theirs = s.auth() == Auth.ED25519 ? KeyType.ED25519 : KeyType.RSA_3072;
                IssuedCertificate ca = pki.rootCa("C=CH, O=ipsec4j lab, CN=lab CA", KeyType.ECDSA_P384);
                var javaReq = pki.certificate("C=CH, O=ipsec4j lab, CN=java.lab").key(ours).dns("java.lab");
                var swanReq = pki.certificate("C=CH, O=ipsec4j lab, CN=swan.lab").key(theirs).dns("swan.lab");
                if (s.auth() == Auth.BIG_RSA) {
                    // Certificates big enough that IKE_AUTH exceeds any fragment size (RFC 7383 is the answer).
                    javaReq.padTo(3000);
                    swanReq.padTo(3000);
                }
                IssuedCertificate javaCert = javaReq.issuedBy(ca);
                IssuedCertificate swanCert = swanReq.issuedBy(ca);
                String certFile = swan.installCertificate("swan", swanCert);
                swan.installCaCertificate("ca", ca);
                swanLocal = "auth = pubkey\ncerts = " + certFile + "\nid = swan.lab";
                swanRemote = "auth = pubkey\nid = java.lab";
                ourAuth = new LocalAuthentication(LocalAuthentication.AuthKind.PUBKEY, Identity.parse("java.lab"),
                        javaCert.privateKey(), List.of(javaCert.certificate()));
                IssuedCertificate trusted = ca;
                if (s.auth() == Auth.UNTRUSTED) {
                    trusted = pki.rootCa("C=CH, O=elsewhere, CN=other CA", KeyType.ECDSA_P256);
                }
                theirAuth = new PeerAuthentication(LocalAuthentication.AuthKind.PUBKEY, Identity.parse("swan.lab"),
                        new TrustStore(List.of(trusted.certificate())));
            }
        }
        swan.load("""
                connections {
                    s2s {
                        local_addrs = %s
                        remote_addrs = %s
                        proposals = %s
                        local {
                            %s
                        }
                        remote {
                            %s
                        }
                        children {
                            net {
                                local_ts = 10.2.0.0/24
                                remote_ts = 10.1.0.0/24
                                esp_proposals = %s
                            }
                        }
                    }
                }
                secrets {
                    ike-lab {
                        id-1 = swan.lab
                        id-2 = java.lab
                        secret = "%s"
                    }
                }
                """.formatted(SWAN, JAVA, s.ikeProposals(), swanLocal, swanRemote, s.espProposals(), SECRET));
    }

    private EngineDriver driver(Scenario s) throws Exception {
        EngineDriver d = new EngineDriver(javaNs.netnsName(), JAVA, (l, r) -> ourSecret.clone());
        IkeConnection c = new IkeConnection("s2s", List.of(IpAddress.parse(JAVA)), List.of(IpAddress.parse(SWAN)), 500,
                500, proposals(ProposalParser.parseIke(s.ikeProposals())), ourAuth, theirAuth, false, true, 576, 1280,
                Duration.ZERO, Duration.ofHours(4), Duration.ZERO, null, false,
                List.of(new ChildConnection("net", List.of(SelectorRange.of(AddressRange.parse("10.1.0.0/24"))),
                        List.of(SelectorRange.of(AddressRange.parse("10.2.0.0/24"))),
                        proposals(ProposalParser.parseEsp(s.espProposals())), IpsecMode.TUNNEL,
                        ChildConnection.StartAction.NONE, ChildConnection.DpdAction.CLEAR, Duration.ofHours(1),
                        Duration.ZERO, Duration.ZERO, 128)));
        d.command(e -> e.addConnection(c));
        return d;
    }

    private static List<Proposal> proposals(List<ProposalSpec> specs) {
        List<Proposal> out = new ArrayList<>();
        int n = 1;
        for (ProposalSpec p : specs) {
            List<Transform> ts = new ArrayList<>();
            for (TransformSpec t : p.transforms()) {
                ts.add(t.keyLength() > 0 ? Transform.of(t.type(), t.id(), t.keyLength()) : Transform.of(t.type(), t.id()));
            }
            boolean esp = p.protocol() == ProposalSpec.Protocol.ESP;
            out.add(new Proposal(n++, p.protocol().protocolId(), new byte[esp ? 4 : 0], ts));
        }
        return out;
    }

    // ---- checks ------------------------------------------------------------------------------------------

    private static IkeSaStatus awaitOurs(EngineDriver d, Predicate<IkeSaStatus> p) throws InterruptedException {
        long end = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < end) {
            for (IkeSaStatus s : d.status()) {
                if (s.state().equals("ESTABLISHED") && p.test(s)) {
                    return s;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no such IKE SA; ours: " + d.status() + "\nevents: " + d.events);
    }

    private static IkeSaStatus awaitEstablished(EngineDriver d) throws InterruptedException {
        return awaitOurs(d, s -> !s.children().isEmpty());
    }

    /** Both ends list the same IKE SPIs, Child SPIs (crosswise) and algorithms. */
    private void assertAgree(EngineDriver d) throws InterruptedException {
        org.ipsec4j.lab.IkeSaStatus theirs = swan.awaitIkeSa("s2s", WAIT);
        long spiI = theirs.initiatorSpi();
        long spiR = theirs.responderSpi();
        IkeSaStatus ours = awaitOurs(d, s -> s.initiatorSpi() == spiI && s.responderSpi() == spiR && !s.children().isEmpty());
        org.ipsec4j.lab.ChildSaStatus theirChild = swan.awaitChildSa("net", WAIT);
        ChildSaStatus ourChild = ours.children().stream()
                .filter(c -> c.inboundSpi() == theirChild.spiOut() && c.outboundSpi() == theirChild.spiIn()).findFirst()
                .orElseThrow(() -> new AssertionError("Child SPIs differ: ours " + ours.children() + ", theirs "
                        + theirChild));
        String ourSuite = ours.suite().replace("AES_GCM_16_", "AES_GCM_16-").replace("AES_CBC_", "AES_CBC-");
        assertTrue(ourSuite.startsWith(theirs.encryption()), ourSuite + " vs " + theirs.proposal());
        assertTrue(ourSuite.contains(theirs.dhGroup()), ourSuite + " vs " + theirs.proposal());
        assertTrue(ourSuite.contains(theirs.prf()), ourSuite + " vs " + theirs.proposal());
        assertTrue(ourChild.suite().startsWith(theirChild.encryption().replace("-", "_")),
                ourChild.suite() + " vs " + theirChild);
    }

    private void handshake(Lab lab, Scenario s, boolean javaInitiates) throws Exception {
        setup(lab, s);
        try (EngineDriver d = driver(s)) {
            if (javaInitiates) {
                d.command(e -> e.initiate("s2s", null, System.nanoTime()));
            } else {
                swan.initiate("net");
            }
            awaitEstablished(d);
            assertAgree(d);
        }
    }

    // ---- handshakes --------------------------------------------------------------------------------------

    private static final Scenario GCM_ECP = new Scenario("aes128gcm16-prfsha256-ecp256", "aes128gcm16", Auth.PSK);
    private static final Scenario CBC_MODP = new Scenario("aes256-sha256-modp2048", "aes256-sha256", Auth.PSK);

    @Test
    void pskGcmEcp256JavaInitiates(Lab lab) throws Exception {
        handshake(lab, GCM_ECP, true);
    }

    @Test
    void pskGcmEcp256StrongSwanInitiates(Lab lab) throws Exception {
        handshake(lab, GCM_ECP, false);
    }

    @Test
    void pskCbcModp2048JavaInitiates(Lab lab) throws Exception {
        handshake(lab, CBC_MODP, true);
    }

    @Test
    void pskCbcModp2048StrongSwanInitiates(Lab lab) throws Exception {
        handshake(lab, CBC_MODP, false);
    }

    @Test
    void chachaX25519WithPfsBothWays(Lab lab) throws Exception {
        Scenario s = new Scenario("chacha20poly1305-prfsha512-x25519", "chacha20poly1305-x25519", Auth.PSK);
        handshake(lab, s, true);
    }

    @Test
    void ecdsaCertificateJavaInitiates(Lab lab) throws Exception {
        handshake(lab, new Scenario("aes256gcm16-prfsha384-ecp384", "aes256gcm16", Auth.ECDSA), true);
    }

    @Test
    void rsaCertificateStrongSwanInitiates(Lab lab) throws Exception {
        handshake(lab, new Scenario("aes128gcm16-prfsha256-ecp256", "aes128gcm16", Auth.RSA), false);
    }

    @Test
    void ed25519CertificatesBothRoles(Lab lab) throws Exception {
        handshake(lab, new Scenario("aes128gcm16-prfsha256-x25519", "aes128gcm16", Auth.ED25519), true);
    }

    /** Seed 000: IKE_AUTH with big certificates travels in RFC 7383 fragments, both directions. */
    @Test
    void bigCertificatesAreFragmentedBothWays(Lab lab) throws Exception {
        Scenario s = new Scenario("aes128gcm16-prfsha256-ecp256", "aes128gcm16", Auth.BIG_RSA);
        handshake(lab, s, true);
        String log = Files.readString(swan.log());
        assertTrue(log.contains("received fragment #"), "charon received no IKE fragments from us");
        assertTrue(log.matches("(?s).*splitting IKE message .* into \\d+ fragments.*")
                || log.contains("generating IKE_AUTH response 1 [ EF("), "charon sent no fragments");
    }

    // ---- rekeys and deletes ------------------------------------------------------------------------------

    @Test
    void rekeysFromBothSidesWithPfs(Lab lab) throws Exception {
        Scenario s = new Scenario("aes128gcm16-prfsha256-ecp256", "aes128gcm16-ecp256", Auth.PSK);
        setup(lab, s);
        try (EngineDriver d = driver(s)) {
            d.command(e -> e.initiate("s2s", null, System.nanoTime()));
            IkeSaStatus first = awaitEstablished(d);
            assertAgree(d);
            int firstChildIn = first.children().get(0).inboundSpi();

            swan.rekeyChild("net");
            awaitOurs(d, x -> x.children().size() == 1 && x.children().get(0).inboundSpi() != firstChildIn);
            assertAgree(d);

            org.ipsec4j.lab.IkeSaStatus beforeIke = swan.awaitIkeSa("s2s", WAIT);
            swan.rekeyIke("s2s");
            awaitOurs(d, x -> x.initiatorSpi() != beforeIke.initiatorSpi() && !x.children().isEmpty());
            assertAgree(d);

            IkeSaStatus now = awaitEstablished(d);
            int childIn = now.children().get(0).inboundSpi();
            d.command(e -> e.rekeyChild("s2s", "net", System.nanoTime()));
            awaitOurs(d, x -> x.children().size() == 1 && x.children().get(0).inboundSpi() != childIn);
            swan.awaitChildSa("net", c -> c.spiOut() != childIn, WAIT);
            assertAgree(d);

            long spi = awaitEstablished(d).initiatorSpi();
            d.command(e -> e.rekeyIke("s2s", System.nanoTime()));
            awaitOurs(d, x -> x.initiatorSpi() != spi && !x.children().isEmpty());
            Thread.sleep(500); // strongSwan deletes the old IKE SA after our DELETE
            assertAgree(d);
            assertEquals(1, d.status().size(), "old IKE SA not deleted: " + d.status());
            assertFalse(d.events.stream().anyMatch(e -> e.kind() == IkeEvent.Kind.MESSAGE_DROPPED
                    && e.detail().contains("integrity")), d.events.toString());
        }
    }

    @Test
    void deletesFromEitherSide(Lab lab) throws Exception {
        setup(lab, GCM_ECP);
        try (EngineDriver d = driver(GCM_ECP)) {
            d.command(e -> e.initiate("s2s", null, System.nanoTime()));
            awaitEstablished(d);
            swan.terminateIke("s2s");
            waitUntil(() -> d.status().isEmpty(), "our IKE SA survived strongSwan's delete: " + d.status());
            assertEquals(0, d.dataPlane().sad().size());

            swan.initiate("net");
            awaitEstablished(d);
            assertAgree(d);
            d.command(e -> e.terminate("s2s", System.nanoTime()));
            waitUntil(() -> swan.listSas().stream().noneMatch(x -> x.state().equals("ESTABLISHED")),
                    "strongSwan kept the IKE SA: " + swan.listSas());
            waitUntil(() -> d.status().isEmpty(), "our IKE SA survived our delete");
        }
    }

    // ---- failures ----------------------------------------------------------------------------------------

    @Test
    void wrongPskFailsOnBothSidesWithNoSa(Lab lab) throws Exception {
        Scenario s = new Scenario("aes128gcm16-prfsha256-ecp256", "aes128gcm16", Auth.WRONG_PSK);
        setup(lab, s);
        try (EngineDriver d = driver(s)) {
            d.command(e -> e.initiate("s2s", null, System.nanoTime()));
            waitUntil(() -> d.events.stream().anyMatch(e -> e.kind() == IkeEvent.Kind.AUTHENTICATION_FAILED),
                    "no AUTHENTICATION_FAILED: " + d.events);
            waitUntil(() -> d.status().isEmpty(), "an SA is left: " + d.status());
            assertTrue(swan.listSas().stream().noneMatch(x -> x.state().equals("ESTABLISHED")));
            assertEquals(0, d.dataPlane().sad().size());

            d.events.clear();
            assertThrowsFromSwan(() -> swan.initiate("net", Duration.ofSeconds(8)));
            waitUntil(() -> d.events.stream().anyMatch(e -> e.kind() == IkeEvent.Kind.AUTHENTICATION_FAILED
                    && e.detail().contains("wrong PSK")), "no clear AUTHENTICATION_FAILED as responder: " + d.events);
            assertTrue(d.status().isEmpty(), d.status().toString());
        }
    }

    @Test
    void untrustedCertificateIsRefused(Lab lab) throws Exception {
        Scenario s = new Scenario("aes128gcm16-prfsha256-ecp256", "aes128gcm16", Auth.UNTRUSTED);
        setup(lab, s);
        try (EngineDriver d = driver(s)) {
            assertThrowsFromSwan(() -> swan.initiate("net", Duration.ofSeconds(8)));
            waitUntil(() -> d.events.stream().anyMatch(e -> e.kind() == IkeEvent.Kind.AUTHENTICATION_FAILED
                    && e.detail().contains("not trusted")), "no clear AUTHENTICATION_FAILED: " + d.events);
            assertTrue(d.status().isEmpty(), d.status().toString());
            assertEquals(0, d.dataPlane().sad().size());
        }
    }

    @Test
    void noMatchingProposalIsRefused(Lab lab) throws Exception {
        setup(lab, GCM_ECP);
        Scenario ours = new Scenario("aes256-sha512-modp3072", "aes256-sha512", Auth.PSK);
        try (EngineDriver d = driver(ours)) {
            assertThrowsFromSwan(() -> swan.initiate("net", Duration.ofSeconds(8)));
            waitUntil(() -> d.events.stream().anyMatch(e -> e.kind() == IkeEvent.Kind.IKE_SA_FAILED
                    && e.detail().contains("no acceptable IKE proposal")), "no clear failure: " + d.events);
            assertTrue(d.status().isEmpty(), d.status().toString());
            d.events.clear();
            d.command(e -> e.initiate("s2s", null, System.nanoTime()));
            waitUntil(() -> d.events.stream().anyMatch(e -> e.detail().contains("NO_PROPOSAL_CHOSEN")),
                    "no NO_PROPOSAL_CHOSEN: " + d.events);
            assertNotEquals(List.of(), d.events);
        }
    }

    private static void assertThrowsFromSwan(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException expected) {
            return;
        }
        throw new AssertionError("strongSwan's initiate succeeded");
    }

    private static void waitUntil(java.util.function.BooleanSupplier c, String message) throws InterruptedException {
        long end = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < end) {
            if (c.getAsBoolean()) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError(message);
    }
}
