package org.ipsec4j.diag.analyze;

import static org.ipsec4j.diag.analyze.SyntheticCapture.ids;
import static org.ipsec4j.diag.analyze.SyntheticCapture.nonEspMarker;
import static org.ipsec4j.diag.analyze.SyntheticCapture.only;
import static org.ipsec4j.diag.analyze.SyntheticCapture.warnings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.ipsec4j.ike.message.ExchangeType;
import org.ipsec4j.wire.IpProtocol;
import org.junit.jupiter.api.Test;

/**
 * Every finding from a capture built in the test, packet by packet, with the packet numbers it must cite; and
 * healthy captures with no warning. The lab tests in cli prove the same findings on captures of real traffic.
 */
class FindingsFromSyntheticCapturesTest {

    static final String A4 = "192.0.2.1";
    static final String B4 = "198.51.100.2";
    static final String A6 = "2001:db8::be6b:d879";
    static final String B6 = "2001:db8:f:608::2";
    static final long SPI_I = 0x55fa7f39522011efL;
    static final long SPI_R = 0xf8259707aad5f995L;

    /** IKE_SA_INIT (answered), IKE_AUTH (answered), then ESP both ways: a tunnel that works. */
    private static long healthyIke(SyntheticCapture c, String a, String b, int port, double t) {
        c.add(t, c.udp(a, b, port, port, SyntheticCapture.ikeSaInitRequest(SPI_I, a, port, b, port, true)));
        c.add(t + 0.001, c.udp(b, a, port, port, SyntheticCapture.ikeSaInitResponse(SPI_I, SPI_R, b, port, a, port, true)));
        c.add(t + 0.002, c.udp(a, b, port, port, SyntheticCapture.protectedMessage(SPI_I, SPI_R, ExchangeType.IKE_AUTH,
                true, false, 1, 35, 400)));
        return c.add(t + 0.003, c.udp(b, a, port, port, SyntheticCapture.protectedMessage(SPI_I, SPI_R,
                ExchangeType.IKE_AUTH, false, true, 1, 36, 300)));
    }

    @Test
    void aHealthyTunnelGivesNoWarning() {
        SyntheticCapture c = new SyntheticCapture();
        healthyIke(c, A4, B4, 500, 0);
        for (int i = 1; i <= 100; i++) {
            c.add(0.01 * i + 0.01, c.rawEsp(A4, B4, 0xc0ffee01, i, i % 10 == 0 ? 1400 : 120, true));
            c.add(0.01 * i + 0.015, c.rawEsp(B4, A4, 0xc0ffee02, i, 120, true));
        }
        c.add(2.0, c.udp(A4, B4, 500, 500, SyntheticCapture.protectedMessage(SPI_I, SPI_R,
                ExchangeType.INFORMATIONAL, true, false, 2, 42, 80)));
        c.add(2.001, c.udp(B4, A4, 500, 500, SyntheticCapture.protectedMessage(SPI_I, SPI_R,
                ExchangeType.INFORMATIONAL, false, true, 2, 0, 64)));
        AnalysisReport r = c.analyze();
        assertEquals(List.of(), warnings(r), TextReport.render(r));
        assertEquals(List.of(), ids(r), "no NAT either: the hashes match");
        assertEquals(1, r.ikeSaCount());
        IkeSaRecord sa = r.ikeSas().getFirst();
        assertEquals(SPI_R, sa.responderSpi());
        assertEquals(3, sa.exchangesAnswered());
        assertTrue(sa.natDetection().evaluated());
        assertFalse(sa.natDetection().initiatorBehindNat() || sa.natDetection().responderBehindNat());
        assertEquals("SA KE No N(NAT_DETECTION_SOURCE_IP) N(NAT_DETECTION_DESTINATION_IP) N(IKEV2_FRAGMENTATION_SUPPORTED)",
                PayloadChain.text(sa.messages().getFirst().datagram(), null));
        assertEquals("SK{IDi …}", PayloadChain.text(sa.messages().get(2).datagram(), null));
        assertEquals(2, r.espFlowCount());
        EspFlow f = r.espFlows().getFirst();
        assertEquals(100, f.packets());
        assertEquals(0, f.sequences().missing());
        assertEquals(100, f.sequences().highest());
    }

    /** Seed 000, as its tcpdump output shows it (IPv6, fragment id 0x5efa507c, 0|1232 and 1232|376). */
    @Test
    void seed000IkeAuthInIpFragmentsRejectedByAStatelessFirewall() {
        SyntheticCapture c = new SyntheticCapture();
        c.add(0, c.udp(A6, B6, 500, 500, SyntheticCapture.ikeSaInitRequest(SPI_I, A6, 500, B6, 500, false)));
        c.add(0.05, c.udp(B6, A6, 500, 500, SyntheticCapture.ikeSaInitResponse(SPI_I, SPI_R, B6, 500, A6, 500, false)));
        byte[] auth = nonEspMarker(SyntheticCapture.protectedMessage(SPI_I, SPI_R, ExchangeType.IKE_AUTH, true, false,
                1, 35, 1596 - 28 - 4));
        List<Long> icmp = new ArrayList<>();
        List<Long> fragments = new ArrayList<>();
        double[] times = {0.1, 2.1, 5.7, 12.2};
        for (double t : times) {
            List<byte[]> f = c.fragments(c.udp(A6, B6, 4500, 4500, auth), 1280);
            assertEquals(2, f.size());
            fragments.add(c.add(t, f.get(0)));
            fragments.add(c.add(t + 0.000025, f.get(1)));
            icmp.add(c.add(t + 0.00015, SyntheticCapture.portUnreachable(B6, f.get(1))));
        }
        AnalysisReport r = c.analyze();
        Finding f = only(r, IkeIpFragmentsDroppedDetector.ID);
        assertEquals(Severity.ERROR, f.severity());
        assertTrue(f.packets().containsAll(fragments), f.toString());
        assertTrue(f.packets().containsAll(icmp), "the port unreachables quote the second fragments: " + f);
        assertTrue(f.packets().containsAll(List.of(1L, 2L)), "the answered IKE_SA_INIT: " + f);
        assertTrue(f.summary().contains("sent 4 times without an answer"), f.summary());
        assertFalse(ids(r).contains(IkeNoResponseDetector.ID), "explained once: " + ids(r));
        IcmpError e = r.icmpErrors().getFirst();
        assertEquals(QuotedPacket.Kind.FRAGMENT, e.quoted().kind());
        assertEquals(fragments.get(1), e.quotedPacket());
        FragmentTrain train = r.fragmentTrains().getFirst();
        assertTrue(train.complete());
        assertEquals(1608, train.totalLength());
        assertEquals(0x5efa507c, train.key().identification());
        assertEquals("IKE_AUTH", IkeNames.exchange(2, train.ike().datagram().exchangeType()));
    }

    @Test
    void requestsRetransmittedWithoutAnyAnswerAreIkeNoResponse() {
        SyntheticCapture c = new SyntheticCapture();
        byte[] init = SyntheticCapture.ikeSaInitRequest(SPI_I, A4, 500, B4, 500, true);
        List<Long> sent = new ArrayList<>();
        for (double t : new double[] {0, 2, 5.6, 12.1}) {
            sent.add(c.add(t, c.udp(A4, B4, 500, 500, init)));
        }
        AnalysisReport r = c.analyze();
        Finding f = only(r, IkeNoResponseDetector.ID);
        assertEquals(sent, f.packets());
        assertTrue(f.summary().contains("IKE_SA_INIT request (msgid 0) from 192.0.2.1[500] to 198.51.100.2[500] was "
                + "sent 4 times"), f.summary());
        assertTrue(f.summary().contains("never answered anything"), f.summary());
        assertEquals(3, r.ikeSas().getFirst().messages().stream().filter(s -> s.retransmissionOf() == 1).count());
    }

    @Test
    void aSingleUnansweredRequestAtTheEndOfTheCaptureIsNoFinding() {
        SyntheticCapture c = new SyntheticCapture();
        c.add(0, c.udp(A4, B4, 500, 500, SyntheticCapture.ikeSaInitRequest(SPI_I, A4, 500, B4, 500, true)));
        assertEquals(List.of(), ids(c.analyze()));
    }

    @Test
    void natDetectionHashesOfAPrivateAddressShowTheInitiatorBehindANatAndTheFloat() {
        SyntheticCapture c = new SyntheticCapture();
        String nat = "203.0.113.7";
        c.add(0, c.udp(nat, B4, 3210, 500, SyntheticCapture.ikeSaInitRequest(SPI_I, "10.1.1.5", 500, B4, 500, true)));
        c.add(0.01, c.udp(B4, nat, 500, 3210, SyntheticCapture.ikeSaInitResponse(SPI_I, SPI_R, B4, 500, nat, 3210, true)));
        c.add(0.02, c.udp(nat, B4, 3300, 4500, nonEspMarker(SyntheticCapture.protectedMessage(SPI_I, SPI_R,
                ExchangeType.IKE_AUTH, true, false, 1, 35, 400))));
        c.add(0.03, c.udp(B4, nat, 4500, 3300, nonEspMarker(SyntheticCapture.protectedMessage(SPI_I, SPI_R,
                ExchangeType.IKE_AUTH, false, true, 1, 36, 300))));
        AnalysisReport r = c.analyze();
        Finding f = only(r, NatDetectedDetector.ID);
        assertEquals(Severity.INFO, f.severity());
        assertTrue(f.summary().contains("the initiator 203.0.113.7[3210] is behind a NAT"), f.summary());
        assertFalse(f.summary().contains("responder"), f.summary());
        assertTrue(f.summary().contains("IKE moved to UDP 4500 at #3"), f.summary());
        assertEquals(3, r.ikeSas().getFirst().floatPacket());
        assertEquals(List.of(), warnings(r), "a NAT the peers handled is no warning");
    }

    @Test
    void espFromANewPortAndAnIcmpPortUnreachableFromTheNatAreNatMappingChanges() {
        SyntheticCapture c = new SyntheticCapture();
        String nat = "203.0.113.7";
        for (int i = 1; i <= 5; i++) {
            c.add(i * 0.1, c.udpEsp(nat, 4500, B4, 4500, 0xabcd0001, i, 150, false));
            c.add(i * 0.1 + 0.05, c.udpEsp(B4, 4500, nat, 4500, 0xabcd0002, i, 150, false));
        }
        // The mapping expires: the responder's ESP to the old port draws a port unreachable from the NAT.
        byte[] late = c.udpEsp(B4, 4500, nat, 4500, 0xabcd0002, 6, 150, false);
        long lateEsp = c.add(60, late);
        long icmp = c.add(60.001, SyntheticCapture.portUnreachable(nat, late));
        // Wait: the port unreachable names 4500 here; a real NAT maps to another port. Send one to 31000 too.
        byte[] toMapped = c.udpEsp(B4, 4500, nat, 31000, 0xabcd0002, 7, 150, false);
        long mappedEsp = c.add(61, toMapped);
        long icmp2 = c.add(61.001, SyntheticCapture.portUnreachable(nat, toMapped));
        long moved = c.add(62, c.udpEsp(nat, 31001, B4, 4500, 0xabcd0001, 6, 150, false));
        AnalysisReport r = c.analyze();
        List<Finding> changes = r.findings().stream().filter(f -> f.id().equals(NatMappingChangedDetector.ID)).toList();
        assertEquals(2, changes.size(), TextReport.render(r));
        assertTrue(changes.stream().anyMatch(f -> f.packets().contains(moved) && f.packets().contains(9L)), changes.toString());
        assertTrue(changes.stream().anyMatch(f -> f.packets().equals(List.of(mappedEsp, icmp2))), changes.toString());
        assertFalse(changes.stream().anyMatch(f -> f.packets().contains(icmp)), "4500 itself: not a NAT's mapping");
        assertEquals(lateEsp, r.icmpErrors().getFirst().quotedPacket());
    }

    @Test
    void packetsLateByMoreThanTheWindowAndDuplicatesAreEspReplayOrReorder() {
        SyntheticCapture c = new SyntheticCapture();
        List<Long> late = new ArrayList<>();
        double t = 0;
        for (int i = 1; i <= 200; i++) {
            if (i >= 10 && i < 20) {
                continue; // held back in a slow queue
            }
            c.add(t += 0.001, c.rawEsp(A4, B4, 0x1001, i, 200, true));
            if (i == 150) {
                for (int held = 10; held < 20; held++) {
                    late.add(c.add(t += 0.001, c.rawEsp(A4, B4, 0x1001, held, 200, true)));
                }
            }
        }
        long duplicate = c.add(t + 0.001, c.rawEsp(A4, B4, 0x1001, 200, 200, true));
        c.add(t + 0.002, c.rawEsp(A4, B4, 0x1001, 190, 200, true)); // late within the window is fine... but a replay
        AnalysisReport r = c.analyze();
        Finding f = only(r, EspReplayOrReorderDetector.ID);
        assertTrue(f.packets().containsAll(late), f.toString());
        assertTrue(f.packets().contains(duplicate), f.toString());
        assertTrue(f.summary().contains("10 packets arrived 64 or more sequence numbers late (up to 140 behind)"), f.summary());
        assertTrue(f.summary().contains("2 sequence numbers came twice"), f.summary());
        SequenceTracker s = r.espFlows().getFirst().sequences();
        assertEquals(0, s.missing());
        assertEquals(10, s.lateBeyondWindow());
    }

    @Test
    void reorderingWithinTheWindowIsNoFinding() {
        SyntheticCapture c = new SyntheticCapture();
        for (int i = 1; i <= 100; i++) {
            int seq = i % 2 == 0 ? i - 1 : i + 1; // pairwise swapped
            c.add(i * 0.001, c.rawEsp(A4, B4, 0x1001, Math.min(seq, 100), 200, true));
        }
        AnalysisReport r = c.analyze();
        assertEquals(List.of(), ids(r));
        assertTrue(r.espFlows().getFirst().sequences().lateWithinWindow() > 40);
    }

    /** Full-size DF packets resent at the intervals of a backing-off TCP timer, small ones passing both ways. */
    private static List<Long> blackHole(SyntheticCapture c, boolean udp) {
        List<Long> big = new ArrayList<>();
        int seq = 1;
        for (int i = 0; i < 20; i++) {
            c.add(i * 0.01, udp ? c.udpEsp(A4, 4500, B4, 4500, 0x2001, seq++, 120, true)
                    : c.rawEsp(A4, B4, 0x2001, seq++, 120, true));
            c.add(i * 0.01 + 0.005, c.rawEsp(B4, A4, 0x2002, i + 1, 100, true));
        }
        double[] times = {1.0, 1.25, 1.75, 2.75, 4.75};
        for (double t : times) {
            big.add(c.add(t, udp ? c.udpEsp(A4, 4500, B4, 4500, 0x2001, seq++, 1500, true)
                    : c.rawEsp(A4, B4, 0x2001, seq++, 1500, true)));
            c.add(t + 0.01, c.rawEsp(B4, A4, 0x2002, 100 + (int) (t * 10), 100, true));
        }
        return big;
    }

    @Test
    void fullSizePacketsResentWithoutAnIcmpAreAPmtuBlackHole() {
        SyntheticCapture c = new SyntheticCapture();
        List<Long> big = blackHole(c, true);
        AnalysisReport r = c.analyze();
        Finding f = only(r, PmtuBlackHoleDetector.ID);
        assertEquals(big, f.packets());
        assertTrue(f.summary().contains("largest packets (1500 bytes, DF) went out 5 times"), f.summary());
        assertFalse(ids(r).contains(PathMtuReportedDetector.ID));
    }

    @Test
    void aBulkTransferOfFullSizePacketsIsNoBlackHole() {
        SyntheticCapture c = new SyntheticCapture();
        for (int i = 1; i <= 500; i++) {
            c.add(i * 0.0005, c.rawEsp(A4, B4, 0x2001, i, 1500, true));
            if (i % 2 == 0) {
                c.add(i * 0.0005 + 0.0001, c.rawEsp(B4, A4, 0x2002, i / 2, 100, true));
            }
        }
        // and a ping of full size every second (equal intervals, answered the same size)
        for (int i = 0; i < 5; i++) {
            c.add(1 + i, c.rawEsp(A4, B4, 0x3001, i + 1, 1400, true));
            c.add(1.01 + i, c.rawEsp(B4, A4, 0x3002, i + 1, 1400, true));
        }
        assertEquals(List.of(), ids(c.analyze()));
    }

    @Test
    void aRouterReportingAnMtuForEspIsPathMtuReportedAndAWarningWhenTheSenderIgnoresIt() {
        SyntheticCapture c = new SyntheticCapture();
        List<Long> big = blackHole(c, false);
        byte[] quoted = c.rawEsp(A4, B4, 0x2001, 999, 1500, true);
        long tooBig = c.add(5.0, SyntheticCapture.tooBig("192.0.2.254", 1400, quoted));
        for (int i = 0; i < 4; i++) {
            c.add(6 + i, c.rawEsp(A4, B4, 0x2001, 1000 + i, 1500, true));
        }
        AnalysisReport r = c.analyze();
        Finding f = only(r, PathMtuReportedDetector.ID);
        assertEquals(Severity.WARNING, f.severity());
        assertTrue(f.summary().startsWith("192.0.2.254 reported MTU 1400 for ESP 192.0.2.1 > 198.51.100.2 spi "
                + "0x00002001 in 1 ICMP fragmentation-needed (first #" + tooBig + ")"), f.summary());
        assertTrue(f.summary().contains("went on sending 4 packets larger than that"), f.summary());
        assertFalse(ids(r).contains(PmtuBlackHoleDetector.ID), "reported: no black hole");
        assertEquals(1400, r.icmpErrors().getFirst().mtu());
        assertTrue(big.size() == 5);
    }

    @Test
    void aPacketTooBigQuotingIkeWhoseSenderThenFitsIsInformation() {
        SyntheticCapture c = new SyntheticCapture();
        healthyIke(c, A6, B6, 500, 0);
        byte[] big = c.udp(A6, B6, 500, 500, SyntheticCapture.protectedMessage(SPI_I, SPI_R,
                ExchangeType.CREATE_CHILD_SA, true, false, 2, 33, 1400));
        long sent = c.add(1, big);
        long ptb = c.add(1.001, SyntheticCapture.tooBig("2001:db8::1", 1280, big));
        AnalysisReport r = c.analyze();
        Finding f = only(r, PathMtuReportedDetector.ID);
        assertEquals(Severity.INFO, f.severity());
        assertEquals(List.of(sent, ptb), f.packets());
        assertTrue(f.summary().contains("2001:db8::1 reported MTU 1280 for IKE 2001:db8::be6b:d879[500] > "
                + "2001:db8:f:608::2[500]"), f.summary());
    }

    @Test
    void ikeCompleteButEspOnlyOneWayIsEspBlocked() {
        SyntheticCapture c = new SyntheticCapture();
        long authResponse = healthyIke(c, A4, B4, 500, 0);
        List<Long> esp = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            esp.add(c.add(1 + i, c.rawEsp(A4, B4, 0x3001, i, 120, true)));
        }
        AnalysisReport r = c.analyze();
        Finding f = only(r, EspBlockedDetector.ID);
        assertEquals(Severity.ERROR, f.severity());
        assertTrue(f.packets().contains(authResponse));
        assertTrue(f.packets().containsAll(esp));
        assertTrue(f.summary().contains("ESP crossed in one direction only: 5 packets from 192.0.2.1 to "
                + "198.51.100.2, none from 198.51.100.2 to 192.0.2.1"), f.summary());
    }

    @Test
    void ikeThatKeepsAnsweringWithNoEspAtAllIsEspBlocked() {
        SyntheticCapture c = new SyntheticCapture();
        healthyIke(c, A4, B4, 500, 0);
        for (int id = 2; id <= 3; id++) {
            c.add(10 * id, c.udp(A4, B4, 500, 500, SyntheticCapture.protectedMessage(SPI_I, SPI_R,
                    ExchangeType.INFORMATIONAL, true, false, id, 0, 64)));
            c.add(10 * id + 0.01, c.udp(B4, A4, 500, 500, SyntheticCapture.protectedMessage(SPI_I, SPI_R,
                    ExchangeType.INFORMATIONAL, false, true, id, 0, 64)));
        }
        Finding f = only(c.analyze(), EspBlockedDetector.ID);
        assertEquals(Severity.WARNING, f.severity());
        assertTrue(f.summary().endsWith("but no ESP crossed at all"), f.summary());
    }

    @Test
    void solicitationsForAnIpsecPeerWithoutAdvertisementAreNdUnanswered() {
        SyntheticCapture c = new SyntheticCapture();
        c.add(0, c.udp(A6, B6, 500, 500, SyntheticCapture.ikeSaInitRequest(SPI_I, A6, 500, B6, 500, true)));
        List<Long> ns = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ns.add(c.add(1 + i, SyntheticCapture.neighborDiscovery(135, A6, "ff02::1:ff00:2", B6)));
        }
        // answered ones and duplicate address detection are fine
        c.add(5, SyntheticCapture.neighborDiscovery(135, A6, "ff02::1:ff00:1", "2001:db8::1"));
        c.add(5.001, SyntheticCapture.neighborDiscovery(136, "2001:db8::1", A6, "2001:db8::1"));
        c.add(6, SyntheticCapture.neighborDiscovery(135, "::", "ff02::1:ff00:9", "2001:db8::9"));
        c.add(6.5, SyntheticCapture.neighborDiscovery(135, "::", "ff02::1:ff00:9", "2001:db8::9"));
        AnalysisReport r = c.analyze();
        Finding f = only(r, NdUnansweredDetector.ID);
        assertEquals(Severity.WARNING, f.severity());
        assertEquals(ns, f.packets());
        assertTrue(f.summary().startsWith(A6 + " asked 3 times for the link-layer address of " + B6), f.summary());
    }

    @Test
    void anRfc7383FragmentedMessageIsListedWithItsFragments() {
        SyntheticCapture c = new SyntheticCapture();
        healthyIke(c, A4, B4, 500, 0);
        for (int n = 1; n <= 3; n++) {
            c.add(1, c.udp(A4, B4, 4500, 4500, nonEspMarker(SyntheticCapture.protectedFragment(SPI_I, SPI_R,
                    ExchangeType.CREATE_CHILD_SA, true, false, 2, 33, n, 3, 500))));
        }
        c.add(1.1, c.udp(B4, A4, 4500, 4500, nonEspMarker(SyntheticCapture.protectedMessage(SPI_I, SPI_R,
                ExchangeType.CREATE_CHILD_SA, false, true, 2, 33, 300))));
        AnalysisReport r = c.analyze();
        IkeSaRecord sa = r.ikeSas().getFirst();
        assertTrue(sa.ikeFragmentsUsed());
        assertTrue(sa.initiatorFragmentationSupported() && sa.responderFragmentationSupported());
        assertEquals("SKF{1/3 SA …}", PayloadChain.text(sa.messages().get(4).datagram(), null));
        assertEquals("SKF{2/3}", PayloadChain.text(sa.messages().get(5).datagram(), null));
        assertEquals(List.of(), ids(r));
        assertTrue(TextReport.render(r).contains("CREATE_CHILD_SA request (I) msgid 2 192.0.2.1[4500] > "
                + "198.51.100.2[4500] non-ESP marker"), TextReport.render(r));
    }

    @Test
    void espInUdpGsoSuperPacketsAreCountedPerSegment() {
        SyntheticCapture c = new SyntheticCapture();
        int segment = 1400;
        byte[] run = new byte[segment * 3 + 500];
        for (int i = 0; i < 4; i++) {
            byte[] esp = c.esp(0x4001, 10 + i, Math.min(segment, run.length - i * segment) - 8);
            System.arraycopy(esp, 0, run, i * segment, esp.length);
        }
        c.add(0, c.udpEsp(A4, 4500, B4, 4500, 0x4001, 9, 300, false));
        c.add(0.001, c.udp(A4, B4, 4500, 4500, run));
        c.add(0.002, c.udpEsp(A4, 4500, B4, 4500, 0x4001, 14, 300, false));
        AnalysisReport r = c.analyze();
        EspFlow f = r.espFlows().getFirst();
        assertEquals(6, f.packets());
        assertEquals(1, f.gsoSuperPackets());
        assertEquals(0, f.sequences().missing());
        assertEquals(14, f.sequences().highest());
        assertEquals(20 + 8 + segment, f.maxSize());
    }

    @Test
    void ikev1MainModeIsDecodedToItsPayloadChainAndAnUnansweredOneIsReported() {
        SyntheticCapture c = new SyntheticCapture();
        byte[] mm = new byte[28 + 4 + 48 + 4 + 16];
        org.ipsec4j.wire.BigEndian.put64(mm, 0, 0x1122334455667788L);
        mm[16] = 1; // SA
        mm[17] = 0x10; // version 1.0
        mm[18] = 2; // Identity Protection (Main Mode)
        org.ipsec4j.wire.BigEndian.put32(mm, 24, mm.length);
        mm[28] = 13; // next: VID
        org.ipsec4j.wire.BigEndian.put16(mm, 30, 52);
        mm[80] = 0;
        org.ipsec4j.wire.BigEndian.put16(mm, 82, 20);
        for (double t : new double[] {0, 10, 20}) {
            c.add(t, c.udp(A4, B4, 500, 500, mm));
        }
        AnalysisReport r = c.analyze();
        IkeSaRecord sa = r.ikeSas().getFirst();
        assertEquals(1, sa.majorVersion());
        assertEquals("SA VID", PayloadChain.text(sa.messages().getFirst().datagram(), null));
        Finding f = only(r, IkeNoResponseDetector.ID);
        assertTrue(f.summary().contains("Main Mode from 192.0.2.1[500] to 198.51.100.2[500] was sent 3 times"), f.summary());
    }

    @Test
    void theTablesStayBoundedWhateverTheNumberOfFlows() {
        SyntheticCapture c = new SyntheticCapture();
        for (int i = 0; i < 5000; i++) {
            c.add(i * 0.0001, c.rawEsp(A4, B4, 0x10000 + i, 1, 100, true));
            c.add(i * 0.0001, c.ip(A4, B4, IpProtocol.UDP, false, new byte[8]));
        }
        CaptureAnalyzer.Limits small = new CaptureAnalyzer.Limits(16, 4, 64, 10, 16, 4, 64, 4, 16, 4);
        AnalysisReport r = SyntheticCapture.analyze(c.pcapng(), small, KeySource.NONE);
        assertEquals(5000, r.espFlowCount());
        assertEquals(10, r.espFlows().size());
        assertEquals(10000, r.packets());
    }

    @Test
    void aFragmentTrainWithAHoleSaysWhichBytesNeverArrived() {
        SyntheticCapture c = new SyntheticCapture();
        List<byte[]> f = c.fragments(c.udp(A4, B4, 4500, 4500, nonEspMarker(SyntheticCapture.protectedMessage(SPI_I,
                SPI_R, ExchangeType.IKE_AUTH, true, false, 1, 35, 3100))), 1500);
        assertEquals(3, f.size());
        c.add(0, f.get(0));
        c.add(0.001, f.get(2));
        List<byte[]> g = c.fragments(c.udp(A4, B4, 4500, 4500, new byte[3000]), 1500);
        c.add(1, g.get(0));
        c.add(40, c.udp(A4, B4, 1, 2, new byte[10])); // 39 s later: the second train has timed out
        AnalysisReport r = c.analyze();
        assertEquals(2, r.fragmentTrainsIncomplete(), TextReport.render(r));
        FragmentTrain first = r.fragmentTrains().stream().filter(t -> t.ike() != null).findFirst().orElseThrow();
        assertEquals(FragmentTrain.State.TIMED_OUT, first.state());
        assertEquals(List.of(1480, 2960), first.missingRanges().stream().map(h -> List.of(h[0], h[1])).findFirst()
                .orElseThrow());
        assertEquals("IKE_AUTH", IkeNames.exchange(2, first.ike().datagram().exchangeType()),
                "known from its first fragment");
        FragmentTrain second = r.fragmentTrains().stream().filter(t -> t.ike() == null).findFirst().orElseThrow();
        assertEquals(-1, second.missingRanges().getFirst()[1], "the last fragment never came");
        assertTrue(TextReport.render(r).contains("missing bytes 1480-2960"), TextReport.render(r));
    }

    @Test
    void theSamePacketsOnTwoInterfacesAreTwoSightingsNotReplays() {
        SyntheticCapture c = new SyntheticCapture();
        int other = c.addInterface("eth1");
        healthyIke(c, A4, B4, 500, 0);
        for (int i = 1; i <= 100; i++) {
            byte[] out = c.rawEsp(A4, B4, 0x5001, i, 200, true);
            byte[] back = c.rawEsp(B4, A4, 0x5002, i, 200, true);
            c.add(1 + i * 0.01, 0, out);
            c.add(1 + i * 0.01 + 0.0001, other, out);
            c.add(1 + i * 0.01 + 0.005, other, back);
            c.add(1 + i * 0.01 + 0.0051, 0, back);
        }
        AnalysisReport r = c.analyze();
        assertEquals(List.of(), warnings(r), TextReport.render(r));
        assertEquals(4, r.espFlowCount(), "two SPIs, each at two points");
        assertTrue(r.espFlows().stream().allMatch(f -> f.packets() == 100 && f.sequences().replayed() == 0));
        assertEquals(2, r.points().size());
        assertTrue(TextReport.render(r).contains("ESP spi 0x00005001 192.0.2.1 > 198.51.100.2 [eth1]: 100 packets"),
                TextReport.render(r));
    }
}
