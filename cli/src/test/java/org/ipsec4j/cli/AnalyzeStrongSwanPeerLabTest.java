package org.ipsec4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.ipsec4j.cli.StrongSwanPeerLab.Setup;
import org.ipsec4j.cli.firewall.ConntrackFlush;
import org.ipsec4j.diag.analyze.EspFlow;
import org.ipsec4j.diag.analyze.Finding;
import org.ipsec4j.diag.analyze.IkeSaRecord;
import org.ipsec4j.diag.analyze.Severity;
import org.ipsec4j.lab.ChildSaStatus;
import org.ipsec4j.lab.IkeSaStatus;
import org.ipsec4j.lab.IpVersion;
import org.ipsec4j.lab.PacketCapture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code ipsec4j analyze} on captures of the ipsec4j daemon and strongSwan's charon (kernel-libipsec, so ESP in
 * UDP always) made on {@link AnalyzeLab}'s hostile paths: each finding of {@link AnalyzeLabTest} that can happen
 * with charon as a peer, asserted by id on the capture taken where that test takes it, and a healthy tunnel
 * started from either end that gives no warning. One {@link StrongSwanPeerLab} serves every test; the path is
 * made friendly again ({@link StrongSwanPeerLab#restorePath()}) and the SAs deleted after each.
 * {@code ike-ip-fragments-dropped} with charon is {@link AnalyzeStrongSwanLabTest}'s seed 000.
 */
@Tag("lab")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AnalyzeStrongSwanPeerLabTest {

    private static final String IKE = "aes128gcm16-prfsha256-ecp256";
    private static final String NO_PROBES = "pmtu_discovery = no";
    private static final String JAVA = StrongSwanPeerLab.JAVA_OUTER;
    private static final String SWAN = StrongSwanPeerLab.SWAN_OUTER;
    private StrongSwanPeerLab peers;

    /** The captures; kept when a test fails, with the capture its message names. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path tmp;

    @BeforeAll
    void start() {
        peers = StrongSwanPeerLab.withQuickRetransmits();
    }

    @AfterEach
    void friendlyPathAndNoSas() {
        peers.restorePath();
        peers.reset();
    }

    @AfterAll
    void stop() {
        if (peers != null) {
            peers.close();
        }
    }

    /** No path MTU probes from the daemon: the captures hold exactly the exchanges each test describes. */
    private static Setup psk() {
        return Setup.psk(IKE, "aes128gcm16").withOptions(NO_PROBES, "");
    }

    /** At the router, on its link to the daemon (where {@link AnalyzeLabTest} captures at r towards left). */
    private PacketCapture captureOnTheDaemonsSide(String name) {
        return peers.router.capture(peers.javaLink.b().interfaceName(), tmp.resolve(name));
    }

    private PacketCapture captureOnCharonsSide(String name) {
        return peers.router.capture(peers.swanLink.a().interfaceName(), tmp.resolve(name));
    }

    /** {@code ipsec4j up s2s} that must fail within {@code seconds}. */
    private void javaUpFails(int seconds) {
        DaemonLifecycleLabTest.Result up = peers.ipsec4j("up", "s2s", "--timeout", Integer.toString(seconds));
        assertEquals(1, up.exitCode(), () -> up + "\n" + peers.diagnostics());
    }

    private void javaDown() {
        DaemonLifecycleLabTest.Result down = peers.ipsec4j("down", "s2s");
        assertEquals(0, down.exitCode(), () -> down + "\n" + peers.diagnostics());
    }

    private void awaitNoSas() {
        peers.waitUntil(() -> peers.javaIkeSas().isEmpty() && peers.charon.listSas().isEmpty(),
                "no IKE SA left on either end");
    }

    /** Pings charon's inner address from the daemon's, every {@code interval} seconds; true if any reply came. */
    private boolean javaPings(int count, String interval) {
        return peers.java.exec("ping", "-n", "-c", Integer.toString(count), "-i", interval, "-W", "1", "-I",
                StrongSwanPeerLab.JAVA_INNER, StrongSwanPeerLab.SWAN_INNER).succeeded();
    }

    private static List<String> distinctWarnings(AnalyzeLab.Analysis a) {
        return a.warnings().stream().distinct().toList();
    }

    /**
     * The daemon or charon starts the tunnel (over IPv4 or IPv6 outside), both ends check each other's liveness
     * every second while it idles (dead peer detection: empty INFORMATIONAL exchanges both ways), pings cross it
     * both ways, the initiator takes it down: no warning, only the NAT kernel-libipsec fakes to get ESP in UDP,
     * and the SPIs both ends list.
     */
    @ParameterizedTest(name = "the daemon initiates: {0}, over IPv6: {1}")
    @CsvSource({"true, false", "false, false", "true, true"})
    void aHealthyTunnelWithCharonGivesNoWarning(boolean javaInitiates, boolean ipv6) {
        String dpd = "dpd_delay = 1s";
        peers.configure((ipv6 ? psk().overIpv6() : psk()).withOptions(NO_PROBES + "\n" + dpd, dpd));
        PacketCapture capture = captureOnTheDaemonsSide("healthy.pcap");
        if (javaInitiates) {
            peers.javaUp();
        } else {
            peers.charon.initiate("net", StrongSwanPeerLab.WAIT);
        }
        IkeSaStatus sa = peers.assertAgree();
        ChildSaStatus child = sa.installedChild("net").orElseThrow();
        AnalyzeLab.sleep(2500);
        peers.assertPingsBothWays();
        if (javaInitiates) {
            javaDown();
        } else {
            peers.charon.terminateIke("s2s");
        }
        awaitNoSas();
        capture.stop();

        AnalyzeLab.Analysis a = AnalyzeLab.analyze(capture.file());
        assertEquals(List.of(), a.warnings(), a::explain);
        assertEquals(List.of("nat-detected"), a.ids(), a::explain);
        assertEquals(1, a.report().ikeSaCount(), a::explain);
        IkeSaRecord ike = a.report().ikeSas().getFirst();
        assertEquals(sa.initiatorSpi(), ike.initiatorSpi(), a::explain);
        assertEquals(sa.responderSpi(), ike.responderSpi(), a::explain);
        String java = ipv6 ? StrongSwanPeerLab.JAVA_OUTER6 : JAVA;
        String swan = ipv6 ? StrongSwanPeerLab.SWAN_OUTER6 : SWAN;
        assertEquals(javaInitiates ? java : swan, ike.initiator().address().toString(), a::explain);
        assertEquals(0, ike.exchangesUnanswered(), a::explain);
        assertTrue(ike.exchangesAnswered() >= 4, "IKE_SA_INIT, IKE_AUTH, DPD, the Delete: " + a.explain());
        assertTrue(ike.floatPacket() > 0, a::explain);
        Set<Integer> spis = a.report().espFlows().stream().map(f -> f.key().spi()).collect(Collectors.toSet());
        assertEquals(Set.of(child.spiIn(), child.spiOut()), spis, a::explain);
        for (EspFlow f : a.report().espFlows()) {
            assertTrue(f.udpEncapsulated(), a::explain);
            assertEquals(6, f.packets(), "3 echo requests and 3 replies each way: " + a.explain());
            assertEquals(0, f.sequences().missing(), a::explain);
        }
    }

    /** IKE to one end dropped by its own firewall: the other end retransmits its IKE_SA_INIT into the void. */
    @ParameterizedTest(name = "IKE to charon dropped: {0}")
    @ValueSource(booleans = {true, false})
    void ikeDroppedSilentlyIsIkeNoResponse(boolean toCharon) {
        peers.configure(psk());
        (toCharon ? peers.swan : peers.java).firewall(IpVersion.V4).append("INPUT", "-p", "udp", "--dport", "500",
                "-j", "DROP");
        PacketCapture capture = captureOnTheDaemonsSide("no-response.pcap");
        if (toCharon) {
            javaUpFails(7);
        } else {
            // Quick retransmits: charon gives up after three IKE_SA_INITs, in about 4 s.
            assertThrows(IllegalStateException.class,
                    () -> peers.charon.initiate("net", Duration.ofSeconds(15)));
        }
        capture.stop();

        AnalyzeLab.Analysis a = AnalyzeLab.analyze(capture.file());
        assertEquals(List.of("ike-no-response"), distinctWarnings(a), a::explain);
        // charon's IKE_SA_INIT carries the NAT detection hashes kernel-libipsec fakes: information, no warning.
        assertEquals(toCharon ? List.of("ike-no-response") : List.of("ike-no-response", "nat-detected"), a.ids(),
                a::explain);
        String summary = a.findings("ike-no-response").getFirst().summary();
        String from = toCharon ? JAVA : SWAN;
        String to = toCharon ? SWAN : JAVA;
        assertTrue(summary.contains("the IKE_SA_INIT request (msgid 0) from " + from + "[500] to " + to + "[500] was "
                + "sent 3 times"), a::explain);
        assertTrue(summary.contains("the peer never answered anything"), a::explain);
    }

    /**
     * Seed 004 with charon: the router forwards IKE (UDP 500, and UDP 4500 with the zero non-ESP marker) but
     * drops the daemon's ESP in UDP; the daemon's dead peer detection, for want of anything coming back, gets
     * charon's answers meanwhile.
     */
    @Test
    void espInUdpDroppedOneWayIsEspBlocked() {
        peers.configure(psk().withOptions(NO_PROBES + "\ndpd_delay = 1s", ""));
        AnalyzeLab.dropEspInUdpFrom(peers.router, JAVA);
        PacketCapture capture = captureOnTheDaemonsSide("esp-blocked.pcap");
        peers.javaUp();
        // Three seconds of pings: time for the daemon's DPD, which sees nothing come back.
        assertFalse(javaPings(6, "0.5"), "ESP towards charon is dropped");
        javaDown();
        awaitNoSas();
        capture.stop();

        AnalyzeLab.Analysis a = AnalyzeLab.analyze(capture.file());
        assertEquals(List.of("esp-blocked"), distinctWarnings(a), a::explain);
        Finding f = a.findings("esp-blocked").getFirst();
        assertEquals(Severity.ERROR, f.severity(), a::explain);
        assertTrue(f.summary().matches(".* and answered \\d+ exchanges? after it, but ESP crossed in one direction "
                + "only: [4-6] packets from 192\\.0\\.2\\.1 to 198\\.51\\.100\\.2, none from 198\\.51\\.100\\.2 to "
                + "192\\.0\\.2\\.1"), a::explain);
    }

    /**
     * Seed 003's hop with charon as the sender: the router's link towards the daemon takes 1400 bytes, and the
     * inner TCP's full-size segments from charon (its TUN's MTU is 1400) become ESP in UDP of about 1460 bytes
     * with DF (charon's socket sets it on what fits its own link); with the router's "fragmentation needed"
     * filtered that is a black hole, without the filter a reported MTU. Captured where charon's packets enter
     * the router. (The daemon as the sender cannot show it: its full-size ESP in UDP leaves in UDP GSO batches,
     * and the kernel sets DF only on a datagram that fits the route's MTU, which a batch does not; a Linux
     * router then fragments the segments.)
     */
    @ParameterizedTest(name = "ICMP filtered: {0}")
    @ValueSource(booleans = {true, false})
    void fullSizeTunnelPacketsLostBehindASmallerMtu(boolean icmpFiltered) {
        peers.configure(psk());
        peers.javaLink.b().setMtu(1400);
        if (icmpFiltered) {
            AnalyzeLab.dropFragmentationNeeded(peers.router);
        }
        peers.javaUp();
        PacketCapture capture = captureOnCharonsSide("pmtu.pcap");
        assertTrue(javaPings(2, "0.2"), "small packets pass");
        AnalyzeLab.tcpForFourSeconds(peers.swan, StrongSwanPeerLab.SWAN_INNER, peers.java,
                StrongSwanPeerLab.JAVA_INNER);
        capture.stop();

        AnalyzeLab.Analysis a = AnalyzeLab.analyze(capture.file());
        String charonsFlow = SWAN + "[4500] > " + JAVA + "[4500]";
        if (icmpFiltered) {
            assertTrue(a.ids().contains("pmtu-black-hole"), a::explain);
            assertFalse(a.ids().contains("path-mtu-reported"), a::explain);
            assertTrue(a.findings("pmtu-black-hole").getFirst().summary().contains(" " + charonsFlow + ": "),
                    a::explain);
        } else {
            assertTrue(a.ids().contains("path-mtu-reported"), a::explain);
            assertFalse(a.ids().contains("pmtu-black-hole"), a::explain);
            String reported = a.findings("path-mtu-reported").getFirst().summary();
            assertTrue(reported.startsWith(StrongSwanPeerLab.ROUTER_SWAN_SIDE + " reported MTU 1400 for "),
                    a::explain);
            assertTrue(reported.contains(charonsFlow), a::explain);
        }
    }

    /**
     * The daemon behind a masquerading router with random ports: the NAT detection hashes show the real NAT;
     * then the NAT forgets its mappings (its conntrack table flushed, as when it restarts; AnalyzeLabTest lets
     * them time out instead), charon's ESP to the old port draws a port unreachable from the NAT, and the
     * daemon's next packets come from a new port. Captured outside the NAT, where charon's side is.
     */
    @Test
    void aNatThatForgetsItsMappingIsNatDetectedAndNatMappingChanged() throws IOException {
        AnalyzeLab.masqueradeWithRandomPorts(peers.router, peers.swanLink.a());
        peers.configure(psk().withRemotes(SWAN, "%any"));
        PacketCapture capture = captureOnCharonsSide("nat.pcap");
        peers.javaUp();
        assertTrue(javaPings(3, "0.2"));
        ConntrackFlush.flush(peers.router.netnsName());
        peers.swan.exec("ping", "-n", "-c", "2", "-i", "0.2", "-W", "1", "-I", StrongSwanPeerLab.SWAN_INNER,
                StrongSwanPeerLab.JAVA_INNER);
        // The daemon's packets get a new mapping; whether charon follows it is not this test's business.
        javaPings(3, "0.2");
        peers.ipsec4j("down", "s2s");
        capture.stop();

        AnalyzeLab.Analysis a = AnalyzeLab.analyze(capture.file());
        assertEquals(List.of("nat-mapping-changed"), distinctWarnings(a), a::explain);
        assertTrue(a.ids().contains("nat-detected"), a::explain);
        String router = StrongSwanPeerLab.ROUTER_SWAN_SIDE;
        assertTrue(a.findings("nat-detected").getFirst().summary().contains("the initiator " + router + "["),
                a::explain);
        assertTrue(a.findings("nat-mapping-changed").stream().anyMatch(f -> f.summary().contains(
                "was answered with ICMP port unreachable by " + router)), a::explain);
        assertTrue(a.findings("nat-mapping-changed").stream().anyMatch(f -> f.summary().startsWith("ESP spi ")),
                a::explain);
    }

    /**
     * Seed 002 with charon as the responder over IPv6: the router's neighbour advertisements towards charon never
     * leave, so charon, which got the daemon's IKE_SA_INIT, asks again and again for its gateway's link-layer
     * address and never answers.
     */
    @Test
    void advertisementsThatNeverLeaveAreNdUnanswered() {
        peers.configure(psk().overIpv6());
        AnalyzeLab.advertisementsNeverLeave(peers.router, peers.swanLink.a(), StrongSwanPeerLab.SWAN_OUTER6);
        PacketCapture capture = captureOnCharonsSide("nd.pcap");
        javaUpFails(7);
        capture.stop();

        AnalyzeLab.Analysis a = AnalyzeLab.analyze(capture.file());
        assertTrue(a.ids().contains("nd-unanswered"), a::explain);
        assertTrue(a.ids().contains("ike-no-response"), a::explain);
        Finding nd = a.findings("nd-unanswered").getFirst();
        assertEquals(Severity.WARNING, nd.severity(), a::explain);
        assertTrue(nd.summary().startsWith(StrongSwanPeerLab.SWAN_OUTER6 + " asked "), a::explain);
        assertTrue(nd.summary().contains("for the link-layer address of " + StrongSwanPeerLab.ROUTER_SWAN_SIDE6),
                a::explain);
    }

    /**
     * Seed 004's QoS towards charon: EF-marked packets queue ahead of the rest, the daemon copies the inner DSCP
     * to the outer header of its ESP in UDP, so one SA's packets overtake each other by hundreds of sequence
     * numbers; captured where charon receives them.
     */
    @Test
    void qosThatReordersOneSaIsEspReplayOrReorder() {
        peers.configure(psk());
        peers.javaUp();
        AnalyzeLab.expeditedForwardingAhead(peers.router, peers.swanLink.a().interfaceName());
        PacketCapture capture = peers.swan.capture(peers.swanLink.b().interfaceName(), tmp.resolve("qos.pcap"));
        AnalyzeLab.bulkOvertakenByExpedited(peers.java, StrongSwanPeerLab.JAVA_INNER, StrongSwanPeerLab.SWAN_INNER);
        capture.stop();

        AnalyzeLab.Analysis a = AnalyzeLab.analyze(capture.file());
        assertEquals(List.of("esp-replay-or-reorder"), distinctWarnings(a), a::explain);
        Finding f = a.findings("esp-replay-or-reorder").getFirst();
        assertTrue(f.summary().startsWith("ESP-in-UDP spi "), a::explain);
        assertTrue(f.summary().contains(" " + JAVA + "[4500] > " + SWAN + "[4500]: "), a::explain);
        assertTrue(f.summary().contains("sequence numbers late"), a::explain);
    }
}
