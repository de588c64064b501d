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
}
