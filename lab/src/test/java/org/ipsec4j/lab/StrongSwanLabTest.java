package org.ipsec4j.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.ipsec4j.lab.junit.UsesLab;
import org.ipsec4j.lab.pki.IssuedCertificate;
import org.ipsec4j.lab.pki.KeyType;
import org.ipsec4j.lab.pki.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The strongSwan harness against itself: two charons (kernel-libipsec) in two namespaces build a site-to-site
 * tunnel between two inner subnets, and pings cross it through {@code ipsec0}.
 *
 * <pre>
 *  left: lo 10.1.0.1/32                                   right: lo 10.2.0.1/32
 *        eth0 192.0.2.1/24 ----------- veth ----------- eth0 192.0.2.2/24
 *  tunnel 10.1.0.0/24 === 10.2.0.0/24
 * </pre>
 */
@UsesLab
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StrongSwanLabTest {

    private static final String LEFT_OUTER = "192.0.2.1";
    private static final String RIGHT_OUTER = "192.0.2.2";
    private static final String LEFT_INNER = "10.1.0.1";
    private static final String RIGHT_INNER = "10.2.0.1";
    private static final String LEFT_DN = "C=CH, O=ipsec4j lab, CN=left.lab";

    /** The work directories stay when a test fails: charon's logs are in them. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path tmp;

    private record Pair(StrongSwan left, StrongSwan right) {

        static Pair start(Lab lab, Path tmp) {
            Namespace left = lab.host("left");
            Namespace right = lab.host("right");
            Link link = lab.link(left, right);
            link.a().addAddress(LEFT_OUTER + "/24");
            link.b().addAddress(RIGHT_OUTER + "/24");
            // The inner addresses live on lo: there is no dummy module on this kernel.
            left.ip("addr", "add", LEFT_INNER + "/32", "dev", "lo");
            right.ip("addr", "add", RIGHT_INNER + "/32", "dev", "lo");
            return new Pair(StrongSwan.start(left, tmp.resolve("left")), StrongSwan.start(right, tmp.resolve("right")));
        }
    }

    /** A site-to-site connection {@code s2s} with child {@code net}, seen from one side. */
    private static String siteToSite(String localOuter, String remoteOuter, String localNet, String remoteNet,
                                     String localAuth, String remoteAuth, String proposals, String espProposals,
                                     String secrets) {
        return """
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
                                local_ts = %s
                                remote_ts = %s
                                esp_proposals = %s
                            }
                        }
                    }
                }
                secrets {
                    %s
                }
                """.formatted(localOuter, remoteOuter, proposals, localAuth, remoteAuth, localNet, remoteNet,
                espProposals, secrets);
    }

    private static String pskSetup(String localOuter, String remoteOuter, String localNet, String remoteNet,
                                   String localId, String remoteId, String secret) {
        return siteToSite(localOuter, remoteOuter, localNet, remoteNet,
                "auth = psk\nid = " + localId, "auth = psk\nid = " + remoteId,
                "aes128gcm16-prfsha256-ecp256", "aes128gcm16",
                "ike-lab {\nid-1 = " + localId + "\nid-2 = " + remoteId + "\nsecret = \"" + secret + "\"\n}");
    }

    @Test
    void pskTunnelCarriesPingsAndBothEndsAgreeOnTheSas(Lab lab) {
        boolean hostPidFileBefore = Files.exists(Path.of("/run/charon.pid"));
        Pair pair = Pair.start(lab, tmp);
        StrongSwan left = pair.left();
        StrongSwan right = pair.right();
        left.load(pskSetup(LEFT_OUTER, RIGHT_OUTER, "10.1.0.0/24", "10.2.0.0/24", "left.lab", "right.lab",
                "a lab secret of some length"));
        right.load(pskSetup(RIGHT_OUTER, LEFT_OUTER, "10.2.0.0/24", "10.1.0.0/24", "right.lab", "left.lab",
                "a lab secret of some length"));

        left.initiate("net");

        // The lab's handle is charon itself (every wrapper execs the next), so stopping it stops charon.
        assertEquals("charon", comm(left.process().pid()));
        IllegalStateException second = assertThrows(IllegalStateException.class,
                () -> StrongSwan.start(left.namespace(), tmp.resolve("second")));
        assertTrue(second.getMessage().contains("already runs a charon"), second.getMessage());
        Namespace leftNs = left.namespace();
        assertTrue(leftNs.run("ip", "route", "get", RIGHT_INNER, "from", LEFT_INNER).stdout().contains("dev ipsec0"),
                "kernel-libipsec routes the remote subnet into its TUN device (table 220)");
        CommandResult ping = leftNs.ping(RIGHT_INNER, "-I", LEFT_INNER).orThrow();
        assertTrue(ping.stdout().contains("1 received"), ping.stdout());

        IkeSaStatus l = single(left.listSas());
        IkeSaStatus r = single(right.listSas());
        assertTrue(l.isEstablished() && r.isEstablished(), l + "\n" + r);
        assertTrue(l.initiator());
        assertFalse(r.initiator());
        assertEquals(l.initiatorSpi(), r.initiatorSpi());
        assertEquals(l.responderSpi(), r.responderSpi());
        assertEquals("AES_GCM_16-128/PRF_HMAC_SHA2_256/ECP_256", l.proposal());
        assertEquals(l.proposal(), r.proposal());
        assertEquals("left.lab", l.localId());
        assertEquals("left.lab", r.remoteId());
        assertEquals(4500, l.localPort(), "kernel-libipsec fakes a NAT, so IKE floats to 4500");
        assertTrue(l.natAny() && r.natAny(), "NAT (faked) on both ends");

        ChildSaStatus lc = l.installedChild("net").orElseThrow();
        ChildSaStatus rc = r.installedChild("net").orElseThrow();
        assertEquals(lc.spiIn(), rc.spiOut());
        assertEquals(lc.spiOut(), rc.spiIn());
        assertEquals("AES_GCM_16-128", lc.proposal());
        assertEquals(lc.proposal(), rc.proposal());
        assertEquals("TUNNEL", lc.mode());
        assertTrue(lc.encap() && rc.encap(), "ESP in UDP");
        assertEquals(List.of("10.1.0.0/24"), lc.localTs());
        assertEquals(List.of("10.2.0.0/24"), lc.remoteTs());
        assertEquals(lc.localTs(), rc.remoteTs());
        assertEquals(1, lc.packetsOut(), "the echo request left through the SA");
        assertEquals(1, rc.packetsIn());
        assertEquals(1, rc.packetsOut(), "and the reply came back through it");

        // Rekeying: new SPIs on both ends, traffic still flows.
        ChildSaStatus rekeyedChild = left.rekeyChild("net");
        assertNotEquals(lc.spiIn(), rekeyedChild.spiIn());
        ChildSaStatus rightRekeyed = right.awaitChildSa("net", c -> c.spiOut() == rekeyedChild.spiIn(),
                Duration.ofSeconds(5));
        assertEquals(rekeyedChild.spiOut(), rightRekeyed.spiIn());
        IkeSaStatus rekeyedIke = left.rekeyIke("s2s");
        assertNotEquals(l.initiatorSpi(), rekeyedIke.initiatorSpi());
        leftNs.ping(RIGHT_INNER, "-I", LEFT_INNER).orThrow();

        left.terminateIke("s2s");
        assertTrue(left.listSas().isEmpty(), () -> left.listSas().toString());
        assertTrue(left.logTail(2000).contains("Sk_ei secret"), "ike = 4 logs the derived IKE keys");
        assertTrue(Files.exists(left.workDir().resolve("charon.log")));

        left.close();
        right.close();
        assertFalse(left.isRunning() || right.isRunning());
        assertEquals(hostPidFileBefore, Files.exists(Path.of("/run/charon.pid")),
                "charon's pid file stays in its private /run");
    }

    @Test
    void aFailedInitiateReportsTheReasonAndCharonsLog(Lab lab) {
        Pair pair = Pair.start(lab, tmp);
        pair.left().load(pskSetup(LEFT_OUTER, RIGHT_OUTER, "10.1.0.0/24", "10.2.0.0/24", "left.lab", "right.lab",
                "one secret"));
        pair.right().load(pskSetup(RIGHT_OUTER, LEFT_OUTER, "10.2.0.0/24", "10.1.0.0/24", "right.lab", "left.lab",
                "another secret"));

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> pair.left().initiate("net", Duration.ofSeconds(5)));

        assertTrue(e.getMessage().contains("could not initiate child 'net'"), e.getMessage());
        assertTrue(e.getMessage().contains("AUTHENTICATION_FAILED"), e.getMessage());
        assertTrue(e.getMessage().contains("--- last 60 lines of " + pair.left().log()), e.getMessage());
    }

    @Test
    void certificateTunnelWithAnIntermediateCa(Lab lab) {
        TestPki pki = new TestPki();
        IssuedCertificate root = pki.rootCa("C=CH, O=ipsec4j lab, CN=Lab Root CA", KeyType.ECDSA_P256);
        IssuedCertificate sub = pki.certificate("C=CH, O=ipsec4j lab, CN=Lab Intermediate CA").ca(0)
                .key(KeyType.ECDSA_P384).issuedBy(root);
        IssuedCertificate leftCert = pki.certificate(LEFT_DN).key(KeyType.RSA_3072)
                .dns("left.lab").ip(LEFT_OUTER).email("left@lab.example").issuedBy(sub);
        IssuedCertificate rightCert = pki.certificate("C=CH, O=ipsec4j lab, CN=right.lab").key(KeyType.ED25519)
                .dns("right.lab").issuedBy(sub);

        Pair pair = Pair.start(lab, tmp);
        StrongSwan left = pair.left();
        StrongSwan right = pair.right();
        left.installCaCertificate("root", root);
        right.installCaCertificate("root", root);
        String leftCertFile = left.installCertificate("left", leftCert);
        String rightCertFile = right.installCertificate("right", rightCert);
        // left identifies by its subject DN, right by a DNS subjectAltName; x25519 and ChaCha20-Poly1305 from openssl.
        left.load(siteToSite(LEFT_OUTER, RIGHT_OUTER, "10.1.0.0/24", "10.2.0.0/24",
                "auth = pubkey\ncerts = " + leftCertFile + "\nid = \"" + LEFT_DN + "\"",
                "auth = pubkey\nid = right.lab", "aes256gcm16-prfsha384-x25519", "chacha20poly1305", ""));
        right.load(siteToSite(RIGHT_OUTER, LEFT_OUTER, "10.2.0.0/24", "10.1.0.0/24",
                "auth = pubkey\ncerts = " + rightCertFile + "\nid = right.lab",
                "auth = pubkey\nid = \"" + LEFT_DN + "\"", "aes256gcm16-prfsha384-x25519", "chacha20poly1305", ""));

        left.initiate("net");
        right.namespace().ping(LEFT_INNER, "-I", RIGHT_INNER).orThrow();

        IkeSaStatus l = single(left.listSas());
        IkeSaStatus r = single(right.listSas());
        assertEquals(LEFT_DN, l.localId());
        assertEquals(LEFT_DN, r.remoteId());
        assertEquals("right.lab", l.remoteId());
        assertEquals(l.initiatorSpi(), r.initiatorSpi());
        assertEquals(l.responderSpi(), r.responderSpi());
        assertEquals("AES_GCM_16-256/PRF_HMAC_SHA2_384/CURVE_25519", l.proposal());
        ChildSaStatus lc = l.installedChild("net").orElseThrow();
        ChildSaStatus rc = r.installedChild("net").orElseThrow();
        assertEquals(lc.spiIn(), rc.spiOut());
        assertEquals(lc.spiOut(), rc.spiIn());
        assertEquals("CHACHA20_POLY1305", lc.proposal(), "no key size for a fixed-size cipher");
        assertEquals(1, rc.packetsOut());
        assertEquals(1, lc.packetsIn());
        String rightLog = right.logTail(5000);
        assertTrue(rightLog.contains("with RSA_EMSA_PKCS1_SHA2_256 successful")
                        || rightLog.contains("with RSA") && rightLog.contains("successful"),
                "right checked left's RSA signature:\n" + right.logTail(40));
    }

    @Test
    void bigCertificatesSplitIkeAuthIntoFragments(Lab lab) {
        TestPki pki = new TestPki();
        // One RSA 4096 key (the JDK takes a second or more for each); the padding makes the size.
        IssuedCertificate root = pki.rootCa("C=CH, O=ipsec4j lab, CN=Big Root CA", KeyType.ECDSA_P384);
        IssuedCertificate sub = pki.certificate("C=CH, O=ipsec4j lab, CN=Big Intermediate CA").ca(0)
                .key(KeyType.ECDSA_P256).padTo(1500).issuedBy(root);
        IssuedCertificate leftCert = pki.certificate(LEFT_DN).key(KeyType.RSA_4096).dns("left.lab").padTo(3000)
                .issuedBy(sub);
        IssuedCertificate rightCert = pki.endEntity("C=CH, O=ipsec4j lab, CN=right.lab", KeyType.ECDSA_P256,
                "right.lab", sub);

        Pair pair = Pair.start(lab, tmp);
        StrongSwan left = pair.left();
        StrongSwan right = pair.right();
        left.installCaCertificate("root", root);
        right.installCaCertificate("root", root);
        String leftCertFile = left.installCertificate("left", leftCert);
        String rightCertFile = right.installCertificate("right", rightCert);
        left.load(siteToSite(LEFT_OUTER, RIGHT_OUTER, "10.1.0.0/24", "10.2.0.0/24",
                "auth = pubkey\ncerts = " + leftCertFile + "\nid = left.lab", "auth = pubkey\nid = right.lab",
                "aes128gcm16-prfsha256-ecp256", "aes128gcm16", ""));
        right.load(siteToSite(RIGHT_OUTER, LEFT_OUTER, "10.2.0.0/24", "10.1.0.0/24",
                "auth = pubkey\ncerts = " + rightCertFile + "\nid = right.lab", "auth = pubkey\nid = left.lab",
                "aes128gcm16-prfsha256-ecp256", "aes128gcm16", ""));

        left.initiate("net");
        left.namespace().ping(RIGHT_INNER, "-I", LEFT_INNER).orThrow();

        // left's IKE_AUTH carries a 3000-byte certificate, a 1500-byte intermediate and a 512-byte signature:
        // charon splits it (RFC 7383, fragment_size 1280 by default) and right reassembles it.
        String leftLog = left.logTail(20_000);
        String rightLog = right.logTail(20_000);
        assertTrue(leftLog.matches("(?s).*splitting IKE message \\(\\d{4} bytes\\) into [3-9] fragments.*"),
                "left split its IKE_AUTH:\n" + left.logTail(60));
        assertTrue(rightLog.contains("reassembled fragmented IKE message"), "right reassembled it:\n" + right.logTail(60));
        assertTrue(single(right.listSas()).isEstablished());
    }

    private static String comm(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "comm")).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static IkeSaStatus single(List<IkeSaStatus> sas) {
        assertEquals(1, sas.size(), sas::toString);
        return sas.getFirst();
    }
}
