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

    @ParameterizedTest(name = "{0}, encap = {1}")
    @CsvSource({"V4, false", "V4, true", "V6, false"})
    void aHealthyTunnelGivesNoWarningAndTheSpisOfStatus(AnalyzeLab.Family family, boolean encap, Lab lab) {
        AnalyzeLab net = new AnalyzeLab(lab, 1500, false);
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
        for (EspFlow f : a.report().espFlows()) {
            assertEquals(5, f.packets(), "five echo requests one way, five replies the other: " + a.explain());
            assertEquals(encap, f.udpEncapsulated());
            assertEquals(0, f.sequences().missing());
        }
        assertEquals(0, daemons[0].stop());
        assertEquals(0, daemons[1].stop());
    }

    /** Seed 004: a firewall on the path that passes IKE but drops ESP from left to right. */
    @org.junit.jupiter.api.Test
    void espDroppedOneWayByAFirewallIsEspBlocked(Lab lab) {
        AnalyzeLab net = new AnalyzeLab(lab, 1500, false);
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
        assertTrue(a.findings("esp-blocked").getFirst().summary().contains("ESP crossed in one direction only: "
                + "4 packets from 192.0.2.1 to 198.51.100.2, none from 198.51.100.2 to 192.0.2.1"), a::explain);
        daemons[0].stop();
        daemons[1].stop();
    }

    /** A responder behind a firewall that drops IKE silently: the initiator retransmits into the void. */
    @org.junit.jupiter.api.Test
    void ikeDroppedSilentlyIsIkeNoResponse(Lab lab) {
        AnalyzeLab net = new AnalyzeLab(lab, 1500, false);
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
        AnalyzeLab net = new AnalyzeLab(lab, 1500, false);
        // Only r's side of its link to right is small: right's own MTU (and so its TCP MSS) stays 1500-based.
        net.rightLink.a().setMtu(1400);
        if (icmpFiltered) {
            net.router.firewall(org.ipsec4j.lab.IpVersion.V4).append("OUTPUT", "-p", "icmp", "--icmp-type",
                    "fragmentation-needed", "-j", "DROP");
        }
        // Raw ESP copies the inner DF bit to the outer header (RFC 4301 §8.1, as in seed 003).
        DaemonProcess[] daemons = net.startIpsec4j(AnalyzeLab.Options.of(AnalyzeLab.Family.V4));
        assertEquals(0, AnalyzeLab.up(daemons[0], 20).exitCode(), daemons[0]::stderr);
        PacketCapture capture = net.router.capture(net.leftLink.b().interfaceName(), net.file("pmtu.pcap"));
        assertTrue(net.ping(2), "small packets pass");
        org.ipsec4j.lab.BackgroundProcess server = net.right.start("iperf3", "-s", "-1", "--forceflush", "-B", AnalyzeLab.RIGHT_INNER);
        server.awaitStdoutLine("Server listening", java.time.Duration.ofSeconds(10));
        net.left.exec(java.time.Duration.ofSeconds(20), "iperf3", "-c", AnalyzeLab.RIGHT_INNER, "-B",
                AnalyzeLab.LEFT_INNER, "-t", "4", "--connect-timeout", "3000");
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
}
