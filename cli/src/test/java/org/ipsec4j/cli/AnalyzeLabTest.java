package org.ipsec4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.ipsec4j.diag.analyze.EspFlow;
import org.ipsec4j.diag.analyze.IkeSaRecord;
import org.ipsec4j.lab.Lab;
import org.ipsec4j.lab.PacketCapture;
import org.ipsec4j.lab.junit.UsesLab;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code ipsec4j analyze} on captures of real tunnels between two ipsec4j daemons, made on the lab's hostile
 * networks: each test builds the topology, runs real traffic, captures it with tcpdump, analyses the capture
 * with the command and asserts the finding ids; a healthy tunnel gives no warning. The findings' strongSwan
 * counterparts are in {@link AnalyzeStrongSwanLabTest}.
 */
@UsesLab
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AnalyzeLabTest {

    /** Configuration, sockets and captures; kept when a test fails, with the capture its message names. */
    @org.junit.jupiter.api.io.TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS)
    java.nio.file.Path tmp;

    @ParameterizedTest(name = "{0}, encap = {1}")
    @CsvSource({"V4, false", "V4, true", "V6, false"})
    void aHealthyTunnelGivesNoWarningAndTheSpisOfStatus(AnalyzeLab.Family family, boolean encap, Lab lab) {
        AnalyzeLab net = new AnalyzeLab(lab, tmp, 1500, false);
        AnalyzeLab.Options options = encap ? AnalyzeLab.Options.of(family).withEncap() : AnalyzeLab.Options.of(family);
        DaemonProcess[] daemons = net.startIpsec4j(options);
        PacketCapture capture = net.router.capture(net.leftLink.b().interfaceName(), net.file("healthy.pcap"));
        DaemonLifecycleLabTest.Result up = AnalyzeLab.up(daemons[0], 20);
        assertEquals(0, up.exitCode(), () -> up + "\n" + daemons[0].stderr() + "\n" + daemons[1].stderr());
        assertTrue(net.ping(5), "ping through the tunnel");
        Map<String, Object> sa = IkeTunnelLabTest.onlyIkeSa(daemons[0].statusJson());
        Map<String, Object> child = IkeTunnelLabTest.onlyChild(sa);
        assertEquals(0, AnalyzeLab.down(daemons[0]).exitCode());
        capture.stop();

        AnalyzeLab.Analysis a = AnalyzeLab.analyze(capture.file());
        assertEquals(List.of(), a.warnings(), a::explain);
        assertEquals(encap ? List.of("nat-detected") : List.of(), a.ids(),
                "encap = yes fakes the NAT detection hashes, which the analysis sees: " + a.explain());
        IkeSaRecord ike = a.report().ikeSas().getFirst();
        assertEquals(1, a.report().ikeSaCount(), a::explain);
        assertEquals(sa.get("initiator_spi"), String.format("%016x", ike.initiatorSpi()));
        assertEquals(sa.get("responder_spi"), String.format("%016x", ike.responderSpi()));
        assertEquals(3, ike.exchangesAnswered(), "IKE_SA_INIT, IKE_AUTH, the INFORMATIONAL of down: " + a.explain());
        assertEquals(0, ike.exchangesUnanswered(), a::explain);
        assertTrue(ike.natDetection().evaluated());
        assertEquals(encap, ike.natDetection().initiatorBehindNat(), a::explain);
        Set<String> spis = a.report().espFlows().stream().map(f -> String.format("%08x", f.key().spi()))
                .collect(Collectors.toSet());
        assertEquals(Set.of(child.get("spi_in"), child.get("spi_out")), spis, a::explain);
        // Each echo request through the tunnel has its reply (the first may leave before the tunnel's route is
        // there, so not always all five).
        List<EspFlow> flows = a.report().espFlows();
        assertEquals(2, flows.size(), a::explain);
        assertEquals(flows.get(0).packets(), flows.get(1).packets(), a::explain);
        assertTrue(flows.get(0).packets() >= 3, a::explain);
        for (EspFlow f : flows) {
            assertEquals(encap, f.udpEncapsulated());
            assertEquals(0, f.sequences().missing());
        }
        assertEquals(0, daemons[0].stop());
        assertEquals(0, daemons[1].stop());
    }

    /** Seed 004: a firewall on the path that passes IKE but drops ESP from left to right. */
    @org.junit.jupiter.api.Test
    void espDroppedOneWayByAFirewallIsEspBlocked(Lab lab) {
        AnalyzeLab net = new AnalyzeLab(lab, tmp, 1500, false);
        net.router.firewall(org.ipsec4j.lab.IpVersion.V4).append("FORWARD", "-p", "esp", "-s",
                AnalyzeLab.Family.V4.left, "-j", "DROP");
        DaemonProcess[] daemons = net.startIpsec4j(AnalyzeLab.Options.of(AnalyzeLab.Family.V4));
        PacketCapture capture = net.router.capture(net.leftLink.b().interfaceName(), net.file("esp-blocked.pcap"));
        assertEquals(0, AnalyzeLab.up(daemons[0], 20).exitCode(), daemons[0]::stderr);
        assertFalse(net.ping(4), "ESP towards right is dropped");
        assertEquals(0, AnalyzeLab.down(daemons[0]).exitCode(), "IKE still works: " + daemons[0].stderr());
        capture.stop();

        AnalyzeLab.Analysis a = AnalyzeLab.analyze(capture.file());
        assertEquals(List.of("esp-blocked"), a.ids(), a::explain);
        assertTrue(a.findings("esp-blocked").getFirst().summary().matches(".*ESP crossed in one direction only: "
                + "[34] packets from 192\\.0\\.2\\.1 to 198\\.51\\.100\\.2, none from 198\\.51\\.100\\.2 to "
                + "192\\.0\\.2\\.1"), a::explain);
        daemons[0].stop();
        daemons[1].stop();
    }

    /** A responder behind a firewall that drops IKE silently: the initiator retransmits into the void. */
    @org.junit.jupiter.api.Test
    void ikeDroppedSilentlyIsIkeNoResponse(Lab lab) {
        AnalyzeLab net = new AnalyzeLab(lab, tmp, 1500, false);
        net.right.firewall(org.ipsec4j.lab.IpVersion.V4).append("INPUT", "-p", "udp", "--dport", "500", "-j", "DROP");
        DaemonProcess[] daemons = net.startIpsec4j(AnalyzeLab.Options.of(AnalyzeLab.Family.V4));
        PacketCapture capture = net.router.capture(net.leftLink.b().interfaceName(), net.file("no-response.pcap"));
        DaemonLifecycleLabTest.Result up = AnalyzeLab.up(daemons[0], 7);
        assertEquals(1, up.exitCode(), up::toString);
        capture.stop();

        AnalyzeLab.Analysis a = AnalyzeLab.analyze(capture.file());
        assertEquals(List.of("ike-no-response"), a.ids(), a::explain);
        String summary = a.findings("ike-no-response").getFirst().summary();
        assertTrue(summary.contains("the IKE_SA_INIT request (msgid 0) from 192.0.2.1[500] to 198.51.100.2[500] was "
                + "sent 3 times"), a::explain);
        assertTrue(summary.contains("the peer never answered anything"), a::explain);
        daemons[0].stop();
        daemons[1].stop();
    }

    /**
     * Seed 003's black hole: the router in front of a 1400-byte link drops the tunnel's 1500-byte packets and
     * the firewall drops its "fragmentation needed"; the inner TCP resends its full-size segment at growing
     * intervals. With the ICMP let through, the same path is path-mtu-reported instead.
     */
    @ParameterizedTest(name = "ICMP filtered: {0}")
    @CsvSource({"true", "false"})
    void fullSizeTunnelPacketsLostBehindASmallerMtu(boolean icmpFiltered, Lab lab) {
        AnalyzeLab net = new AnalyzeLab(lab, tmp, 1500, false);
        // Only r's side of its link to right is small: right's own MTU (and so its TCP MSS) stays 1500-based.
        net.rightLink.a().setMtu(1400);
        if (icmpFiltered) {
            AnalyzeLab.dropFragmentationNeeded(net.router);
        }
        // Raw ESP copies the inner DF bit to the outer header (RFC 4301 §8.1, as in seed 003).
        DaemonProcess[] daemons = net.startIpsec4j(AnalyzeLab.Options.of(AnalyzeLab.Family.V4));
        assertEquals(0, AnalyzeLab.up(daemons[0], 20).exitCode(), daemons[0]::stderr);
        PacketCapture capture = net.router.capture(net.leftLink.b().interfaceName(), net.file("pmtu.pcap"));
        assertTrue(net.ping(2), "small packets pass");
        AnalyzeLab.tcpForFourSeconds(net.left, AnalyzeLab.LEFT_INNER, net.right, AnalyzeLab.RIGHT_INNER);
        capture.stop();

        AnalyzeLab.Analysis a = AnalyzeLab.analyze(capture.file());
        if (icmpFiltered) {
            assertTrue(a.ids().contains("pmtu-black-hole"), a::explain);
            assertFalse(a.ids().contains("path-mtu-reported"), a::explain);
        } else {
            assertTrue(a.ids().contains("path-mtu-reported"), a::explain);
            assertFalse(a.ids().contains("pmtu-black-hole"), a::explain);
            assertTrue(a.findings("path-mtu-reported").getFirst().summary().startsWith("192.0.2.254 reported MTU "
                    + "1400 for ESP 192.0.2.1 > 198.51.100.2"), a::explain);
        }
        daemons[0].stop();
        daemons[1].stop();
    }

    /**
     * left behind a NAT with random ports and a 3 s UDP timeout: the NAT detection hashes show it, the tunnel
     * floats to 4500; after 5 s of silence right's ESP to the old port draws a port unreachable from the NAT,
     * and left's next packets come from a new port.
     */
    @org.junit.jupiter.api.Test
    void aNatThatForgetsItsMappingIsNatDetectedAndNatMappingChanged(Lab lab) throws InterruptedException {
        AnalyzeLab net = new AnalyzeLab(lab, tmp, 1500, true);
        net.router.setUdpConntrackTimeout(java.time.Duration.ofSeconds(3));
        DaemonProcess[] daemons = net.startIpsec4j(AnalyzeLab.Options.of(AnalyzeLab.Family.V4));
        PacketCapture capture = net.router.capture(net.rightLink.a().interfaceName(), net.file("nat.pcap"));
        assertEquals(0, AnalyzeLab.up(daemons[0], 20).exitCode(), daemons[0]::stderr);
        assertTrue(net.ping(3));
        Thread.sleep(5000);
        net.right.exec("ping", "-n", "-c", "2", "-i", "0.2", "-W", "1", "-I", AnalyzeLab.RIGHT_INNER,
                AnalyzeLab.LEFT_INNER);
        // left's packets get a new mapping; whether right follows it (RFC 3948 §2.3) is not this test's business.
        net.ping(3);
        AnalyzeLab.down(daemons[0]);
        capture.stop();

        AnalyzeLab.Analysis a = AnalyzeLab.analyze(capture.file());
        assertEquals(List.of("nat-mapping-changed"), a.warnings().stream().distinct().toList(), a::explain);
        assertTrue(a.ids().contains("nat-detected"), a::explain);
        assertTrue(a.findings("nat-detected").getFirst().summary().contains("the initiator 198.51.100.254["),
                a::explain);
        assertTrue(a.findings("nat-mapping-changed").stream().anyMatch(f -> f.summary().contains(
                "was answered with ICMP port unreachable by 198.51.100.254")), a::explain);
        assertTrue(a.findings("nat-mapping-changed").stream().anyMatch(f -> f.summary().startsWith("ESP spi ")),
                a::explain);
        assertTrue(a.report().ikeSas().getFirst().floatPacket() > 0, a::explain);
        daemons[0].stop();
        daemons[1].stop();
    }

    /**
     * Seed 002 on the lab: r's neighbour advertisements towards right never leave (an ip6tables rule stands in
     * for the IPsec policy that traps them in seed 002), so right, which got left's IKE_SA_INIT, cannot answer:
     * it asks again and again for its gateway's link-layer address.
     */
    @org.junit.jupiter.api.Test
    void advertisementsThatNeverLeaveAreNdUnanswered(Lab lab) {
        AnalyzeLab net = new AnalyzeLab(lab, tmp, 1500, false);
        AnalyzeLab.advertisementsNeverLeave(net.router, net.rightLink.a(), AnalyzeLab.Family.V6.right);
        DaemonProcess[] daemons = net.startIpsec4j(AnalyzeLab.Options.of(AnalyzeLab.Family.V6));
        PacketCapture capture = net.router.capture(net.rightLink.a().interfaceName(), net.file("nd.pcap"));
        assertEquals(1, AnalyzeLab.up(daemons[0], 7).exitCode());
        capture.stop();

        AnalyzeLab.Analysis a = AnalyzeLab.analyze(capture.file());
        assertTrue(a.ids().contains("nd-unanswered"), a::explain);
        assertTrue(a.ids().contains("ike-no-response"), a::explain);
        org.ipsec4j.diag.analyze.Finding nd = a.findings("nd-unanswered").getFirst();
        assertEquals(org.ipsec4j.diag.analyze.Severity.WARNING, nd.severity(), a::explain);
        assertTrue(nd.summary().startsWith("2001:db8:2::2 asked "), a::explain);
        assertTrue(nd.summary().contains("for the link-layer address of 2001:db8:2::fe"), a::explain);
        daemons[0].stop();
        daemons[1].stop();
    }

    /**
     * Seed 004's QoS: the router queues EF-marked packets ahead of the rest (HTB, 256 kbit/s for best effort)
     * on its way to right, and the daemon copies the inner DSCP to the outer header, so one SA's packets
     * overtake each other by hundreds of sequence numbers; captured where right receives them.
     */
    @org.junit.jupiter.api.Test
    void qosThatReordersOneSaIsEspReplayOrReorder(Lab lab) {
        AnalyzeLab net = new AnalyzeLab(lab, tmp, 1500, false);
        DaemonProcess[] daemons = net.startIpsec4j(AnalyzeLab.Options.of(AnalyzeLab.Family.V4));
        assertEquals(0, AnalyzeLab.up(daemons[0], 20).exitCode(), daemons[0]::stderr);
        AnalyzeLab.expeditedForwardingAhead(net.router, net.rightLink.a().interfaceName());
        PacketCapture capture = net.right.capture(net.rightLink.b().interfaceName(), net.file("qos.pcap"));
        AnalyzeLab.bulkOvertakenByExpedited(net.left, AnalyzeLab.LEFT_INNER, AnalyzeLab.RIGHT_INNER);
        capture.stop();

        AnalyzeLab.Analysis a = AnalyzeLab.analyze(capture.file());
        assertEquals(List.of("esp-replay-or-reorder"), a.warnings().stream().distinct().toList(), a::explain);
        org.ipsec4j.diag.analyze.Finding f = a.findings("esp-replay-or-reorder").getFirst();
        assertTrue(f.summary().startsWith("ESP spi "), a::explain);
        assertTrue(f.summary().contains(" 192.0.2.1 > 198.51.100.2: "), a::explain);
        assertTrue(f.summary().contains("sequence numbers late"), a::explain);
        daemons[0].stop();
        daemons[1].stop();
    }
}
