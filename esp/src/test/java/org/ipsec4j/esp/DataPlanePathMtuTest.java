package org.ipsec4j.esp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import org.ipsec4j.esp.TwoPeers.Config;
import org.ipsec4j.esp.TwoPeers.Delivery;
import org.ipsec4j.esp.crypto.EncryptionAlgorithm;
import org.ipsec4j.esp.crypto.EspTransform;
import org.ipsec4j.esp.crypto.IntegrityAlgorithm;
import org.ipsec4j.esp.sad.DontFragmentPolicy;
import org.ipsec4j.esp.sad.PathMtu;
import org.ipsec4j.esp.sad.PathMtuOutcome;
import org.ipsec4j.esp.sad.SecurityAssociation;
import org.ipsec4j.esp.selector.IpAddress;
import org.ipsec4j.esp.selector.IpFamily;
import org.ipsec4j.esp.stats.DropReason;
import org.ipsec4j.wire.Icmpv4Message;
import org.ipsec4j.wire.Icmpv6Message;
import org.ipsec4j.wire.IpProtocol;
import org.ipsec4j.wire.Ipv4Packet;
import org.ipsec4j.wire.Ipv6Packet;
import org.ipsec4j.wire.TcpSegment;
import org.ipsec4j.wire.UdpDatagram;
import org.junit.jupiter.api.Test;

/**
 * Issue 5 §1: per-SA path MTU from ICMP quoting our packets, "fragmentation needed" / "packet too big" to the
 * inner sender with the exact largest inner size, the outer DF policy, prefragmentation and MSS clamping.
 */
class DataPlanePathMtuTest {

    private static final EspTransform AES_SHA1 = new EspTransform(EncryptionAlgorithm.AES_CBC_128,
            IntegrityAlgorithm.HMAC_SHA1_96);
    private static final EspTransform DES3_MD5 = new EspTransform(EncryptionAlgorithm.TRIPLE_DES_CBC,
            IntegrityAlgorithm.HMAC_MD5_96);
    private static final EspTransform GCM = new EspTransform(EncryptionAlgorithm.AES_GCM_16_128, IntegrityAlgorithm.NONE);
    private static final long SECOND = 1_000_000_000L;
    private static final IpAddress GATEWAY_LAN = IpAddress.parse("10.1.0.1");
    private static final String ROUTER = "203.0.113.9";

    // ---- seed 001 §5.6: one computation, the numbers tracepath showed ----

    @Test
    void seed001NumbersComeFromTheTransform() {
        TwoPeers aes = new TwoPeers(Config.tunnel(IpFamily.IPV4, IpFamily.IPV4, true, AES_SHA1));
        TwoPeers des = new TwoPeers(Config.tunnel(IpFamily.IPV4, IpFamily.IPV4, true, DES3_MD5));
        assertEquals(1422, aes.left.outboundSa.largestInnerPacket(1500)); // §5.6.2, AES + SHA1
        assertEquals(1438, des.left.outboundSa.largestInnerPacket(1500)); // §5.6.2, 3DES + MD5
        assertEquals(1238, des.left.outboundSa.largestInnerPacket(1300)); // §5.6.3, the gateway's 1300 link
        assertEquals(942, des.left.outboundSa.largestInnerPacket(1000));  // §5.6.3, the NAT router's 1000 link
        // The exact inverse: one more byte would not fit.
        SecurityAssociation sa = des.left.outboundSa;
        for (int mtu = 600; mtu <= 1500; mtu++) {
            int inner = sa.largestInnerPacket(mtu);
            assertTrue(20 + 8 + DES3_MD5.espLength(inner) <= mtu);
            assertTrue(20 + 8 + DES3_MD5.espLength(inner + 1) > mtu, "mtu " + mtu);
        }
    }

    /** Seed 001 §5.6.3 in memory: link 1300, then the NAT router's "fragmentation needed, MTU 1000". */
    @Test
    void nestedScenarioAnswersTheSenderWith1238Then942() {
        TwoPeers link = new TwoPeers(Config.tunnel(IpFamily.IPV4, IpFamily.IPV4, true, DES3_MD5));
        TwoPeers.Peer left = link.left;
        left.outboundSa.pathMtu().setLinkMtu(1300);
        left.dataPlane.setIcmpSource(IpFamily.IPV4, GATEWAY_LAN);
        long now = 5 * SECOND;

        OutboundResult r = link.send(left, (b, o) -> udpDf(b, o, left.innerHost, link.right.innerHost, 1500), now);
        assertTooBig(r, 1238, GATEWAY_LAN, left.innerHost, 1500);

        r = link.send(left, (b, o) -> udpDf(b, o, left.innerHost, link.right.innerHost, 1238), now);
        assertEquals(OutboundResult.Action.SEND, r.action());
        assertEquals(1296, r.packetLength()); // the seed's "ESP packet with size 1296"
        assertTrue(r.dontFragment(), "DF copied from the inner packet");
        byte[] outer = link.wire(left);
        assertTrue(Ipv4Packet.parse(outer, 0, outer.length).dontFragment());

        // The NAT router cannot forward 1296 bytes into its 1000-byte link.
        byte[] icmp = routerSays(outer, 1000);
        PathMtuResult report = left.dataPlane.icmpReceived(icmp, 0, icmp.length, now, new PathMtuResult());
        assertEquals(PathMtuOutcome.UPDATED, report.outcome(), report.toString());
        assertEquals(left.outboundSa, report.sa());
        assertEquals(1000, left.outboundSa.pathMtu().current());

        r = link.send(left, (b, o) -> udpDf(b, o, left.innerHost, link.right.innerHost, 1238), now + 1);
        assertTooBig(r, 942, GATEWAY_LAN, left.innerHost, 1238);
        r = link.send(left, (b, o) -> udpDf(b, o, left.innerHost, link.right.innerHost, 942), now + 2);
        assertEquals(OutboundResult.Action.SEND, r.action());
        assertTrue(r.packetLength() <= 1000);
        assertEquals(OutboundResult.Action.SEND,
                link.send(left, (b, o) -> udpDf(b, o, left.innerHost, link.right.innerHost, 942), now + 3).action());
        InboundResult in = link.deliver(link.right, link.wire(left), Delivery.SOCKET, now);
        assertEquals(InboundResult.Action.DELIVER, in.action());

        DataPlaneCounters c = left.dataPlane.counters();
        assertEquals(2, c.tooBigSent());
        assertEquals(2, c.outbound().drops(DropReason.PATH_MTU_EXCEEDED));
        assertEquals(2, left.outboundSa.counters().drops(DropReason.PATH_MTU_EXCEEDED));
        assertEquals(1, c.pathMtuReports(PathMtuOutcome.UPDATED));
    }

    @Test
    void seed001AesSha1On1500AnswersWith1422() {
        TwoPeers link = new TwoPeers(Config.tunnel(IpFamily.IPV4, IpFamily.IPV4, true, AES_SHA1));
        link.left.outboundSa.pathMtu().setLinkMtu(1500);
        link.left.dataPlane.setIcmpSource(IpFamily.IPV4, GATEWAY_LAN);
        OutboundResult r = link.send(link.left, (b, o) -> udpDf(b, o, link.left.innerHost, link.right.innerHost, 1500), 0);
        assertTooBig(r, 1422, GATEWAY_LAN, link.left.innerHost, 1500);
        r = link.send(link.left, (b, o) -> udpDf(b, o, link.left.innerHost, link.right.innerHost, 1422), 0);
        assertEquals(OutboundResult.Action.SEND, r.action());
        assertTrue(r.packetLength() <= 1500);
    }

    // ---- quote validation ----

    @Test
    void quotesMustNameALiveOutboundSaWithItsAddressesAndPorts() {
        TwoPeers link = new TwoPeers(Config.tunnel(IpFamily.IPV4, IpFamily.IPV4, true, GCM));
        TwoPeers.Peer left = link.left;
        left.outboundSa.pathMtu().setLinkMtu(1500);
        byte[] outer = sendOne(link, 1200, 0);
        PathMtuResult r = new PathMtuResult();
        DataPlane plane = left.dataPlane;

        byte[] wrongSpi = outer.clone();
        wrongSpi[28] ^= 0x55;
        assertEquals(PathMtuOutcome.NO_SA, plane.pathMtuReported(wrongSpi, 0, wrongSpi.length, 1000, 0, r).outcome());

        byte[] wrongPeer = outer.clone();
        wrongPeer[19] ^= 1; // destination address
        assertEquals(PathMtuOutcome.ADDRESS_MISMATCH, plane.pathMtuReported(wrongPeer, 0, wrongPeer.length, 1000, 0, r).outcome());
        byte[] wrongSource = outer.clone();
        wrongSource[15] ^= 1;
        assertEquals(PathMtuOutcome.ADDRESS_MISMATCH, plane.pathMtuReported(wrongSource, 0, wrongSource.length, 1000, 0, r).outcome());
        byte[] wrongPort = outer.clone();
        wrongPort[23] ^= 1; // UDP destination port
        assertEquals(PathMtuOutcome.ADDRESS_MISMATCH, plane.pathMtuReported(wrongPort, 0, wrongPort.length, 1000, 0, r).outcome());

        // RFC 792 quotes only 8 bytes after the header: the UDP header, no SPI.
        assertEquals(PathMtuOutcome.TRUNCATED, plane.pathMtuReported(outer, 0, 28, 1000, 0, r).outcome());
        // The inbound SA's SPI is not one we send with.
        byte[] inboundSpi = outer.clone();
        writeInt(inboundSpi, 28, TwoPeers.RIGHT_TO_LEFT_SPI);
        assertEquals(PathMtuOutcome.NO_SA, plane.pathMtuReported(inboundSpi, 0, inboundSpi.length, 1000, 0, r).outcome());
        assertEquals(1500, left.outboundSa.pathMtu().current(), "nothing applied");

        // The quote as ICMP carries it: the header and the first bytes suffice.
        assertEquals(PathMtuOutcome.UPDATED, plane.pathMtuReported(outer, 0, 36, 1000, 0, r).outcome());
        assertEquals(1000, r.pathMtu());
        DataPlaneCounters c = plane.counters();
        assertEquals(2, c.pathMtuReports(PathMtuOutcome.NO_SA));
        assertEquals(3, c.pathMtuReports(PathMtuOutcome.ADDRESS_MISMATCH));
        assertEquals(1, c.pathMtuReports(PathMtuOutcome.TRUNCATED));
    }

    @Test
    void rawEspQuotesAndSocketErrorsWork() {
        TwoPeers link = new TwoPeers(Config.tunnel(IpFamily.IPV6, IpFamily.IPV4, false, GCM));
        TwoPeers.Peer left = link.left;
        byte[] outer = sendOne(link, 1400, 0);
        PathMtuResult r = new PathMtuResult();
        // An IPv6 raw ESP socket's error queue: the quote from the ESP header on, the destination known.
        int espOff = Ipv6Packet.HEADER_LENGTH;
        assertEquals(PathMtuOutcome.BELOW_MINIMUM, left.dataPlane.pathMtuReported(null, link.right.gateway, IpProtocol.ESP,
                0, 0, outer, espOff, 8, 1279, 0, r).outcome());
        assertEquals(PathMtuOutcome.UPDATED, left.dataPlane.pathMtuReported(null, link.right.gateway, IpProtocol.ESP, 0, 0,
                outer, espOff, 8, 1280, 0, r).outcome());
        assertEquals(1280, left.outboundSa.pathMtu().current());
        assertEquals(PathMtuOutcome.ADDRESS_MISMATCH, left.dataPlane.pathMtuReported(left.gateway, left.gateway,
                IpProtocol.ESP, 0, 0, outer, espOff, 8, 1300, 0, r).outcome());
        // A whole ICMPv6 packet too big from a router.
        TwoPeers link2 = new TwoPeers(Config.tunnel(IpFamily.IPV6, IpFamily.IPV6, true, GCM));
        byte[] outer2 = sendOne(link2, 1400, 0);
        byte[] icmp = new byte[1400];
        Ipv6Packet quoted = Ipv6Packet.parse(outer2, 0, outer2.length);
        byte[] routerAddress = IpAddress.parse("2001:db8:ff::1").toBytes();
        int n = Icmpv6Message.writePacketTooBig(icmp, 0, routerAddress, 0, 1300, quoted);
        // The error goes to the gateway: write its address as the destination.
        link2.left.gateway.writeTo(icmp, 24);
        Ipv6Packet ip = Ipv6Packet.parse(icmp, 0, n);
        new Icmpv6Message().wrap(ip).updateChecksum(ip);
        assertEquals(PathMtuOutcome.UPDATED, link2.left.dataPlane.icmpReceived(icmp, 0, n, 0, r).outcome());
        assertEquals(1300, link2.left.outboundSa.pathMtu().current());
        icmp[50] ^= 1; // checksum no longer holds
        assertEquals(PathMtuOutcome.MALFORMED, link2.left.dataPlane.icmpReceived(icmp, 0, n, 0, r).outcome());
    }

    @Test
    void udpSocketErrorQueueGivesThePayloadAndPorts() {
        TwoPeers link = new TwoPeers(Config.tunnel(IpFamily.IPV4, IpFamily.IPV4, true, GCM));
        byte[] outer = sendOne(link, 1400, 0);
        PathMtuResult r = new PathMtuResult();
        DataPlane plane = link.left.dataPlane;
        assertEquals(PathMtuOutcome.ADDRESS_MISMATCH, plane.pathMtuReported(null, link.right.gateway, IpProtocol.UDP, 4500,
                4501, outer, 28, 64, 1200, 0, r).outcome());
        assertEquals(PathMtuOutcome.UPDATED, plane.pathMtuReported(null, link.right.gateway, IpProtocol.UDP, 4500, 4500,
                outer, 28, 64, 1200, 0, r).outcome());
        assertEquals(1200, r.pathMtu());
    }

    // ---- floors, direction, rate limit, aging ----

    @Test
    void floorsNotLowerRateLimitAndAging() {
        TwoPeers link = new TwoPeers(Config.tunnel(IpFamily.IPV4, IpFamily.IPV4, true, GCM));
        PathMtu pmtu = link.left.outboundSa.pathMtu();
        pmtu.setLinkMtu(1500);
        byte[] outer = sendOne(link, 1400, 0);
        DataPlane plane = link.left.dataPlane;
        PathMtuResult r = new PathMtuResult();
        long t = 100 * SECOND;
        assertEquals(PathMtuOutcome.BELOW_MINIMUM, plane.pathMtuReported(outer, 0, 64, 575, t, r).outcome());
        assertEquals(PathMtuOutcome.BELOW_MINIMUM, plane.pathMtuReported(outer, 0, 64, 0, t, r).outcome());
        assertEquals(PathMtuOutcome.NOT_LOWER, plane.pathMtuReported(outer, 0, 64, 1500, t, r).outcome());
        assertEquals(PathMtuOutcome.UPDATED, plane.pathMtuReported(outer, 0, 64, 1400, t, r).outcome());
        assertEquals(PathMtuOutcome.NOT_LOWER, plane.pathMtuReported(outer, 0, 64, 1450, t, r).outcome());
        assertEquals(PathMtuOutcome.RATE_LIMITED, plane.pathMtuReported(outer, 0, 64, 1300, t + SECOND / 2, r).outcome());
        assertEquals(1400, pmtu.current());
        assertEquals(PathMtuOutcome.UPDATED, plane.pathMtuReported(outer, 0, 64, 576, t + SECOND, r).outcome());
        assertEquals(576, pmtu.current());
        assertEquals(576, pmtu.current(t + SECOND + PathMtu.AGE_NANOS - 1));
        // RFC 4301 §8.2.2: ten minutes on, the link's value is tried again.
        assertEquals(1500, pmtu.current(t + SECOND + PathMtu.AGE_NANOS));
        assertEquals(1, pmtu.agedOut());
        assertEquals(2, plane.counters().pathMtuReports(PathMtuOutcome.BELOW_MINIMUM));
        assertEquals(1, plane.counters().pathMtuReports(PathMtuOutcome.RATE_LIMITED));
    }

    @Test
    void anAgedValueLetsTheNextPacketThroughWithoutWaitingForAReport() {
        TwoPeers link = new TwoPeers(Config.tunnel(IpFamily.IPV4, IpFamily.IPV4, true, GCM));
        link.left.outboundSa.pathMtu().setLinkMtu(1500);
        link.left.dataPlane.setIcmpSource(IpFamily.IPV4, GATEWAY_LAN);
        byte[] outer = sendOne(link, 1400, 0);
        link.left.dataPlane.pathMtuReported(outer, 0, 64, 1000, 0, new PathMtuResult());
        OutboundResult r = link.send(link.left, (b, o) -> udpDf(b, o, link.left.innerHost, link.right.innerHost, 1400), SECOND);
        assertEquals(OutboundResult.Action.REPLY, r.action());
        r = link.send(link.left, (b, o) -> udpDf(b, o, link.left.innerHost, link.right.innerHost, 1400), PathMtu.AGE_NANOS);
        assertEquals(OutboundResult.Action.SEND, r.action());
    }

    /** IKE's probes (PLPMTUD) set a value that does not age; ICMP may go below it, and it may rise again. */
    @Test
    void aProbedValueLowersThePathMtuWithoutAging() {
        TwoPeers link = new TwoPeers(Config.tunnel(IpFamily.IPV4, IpFamily.IPV4, true, DES3_MD5));
        PathMtu pmtu = link.left.outboundSa.pathMtu();
        pmtu.setLinkMtu(1300);
        link.left.dataPlane.setIcmpSource(IpFamily.IPV4, GATEWAY_LAN);
        pmtu.setProbedMtu(1000);
        assertEquals(1000, pmtu.current());
        OutboundResult r = link.send(link.left, (b, o) -> udpDf(b, o, link.left.innerHost, link.right.innerHost, 1238), 0);
        assertTooBig(r, 942, GATEWAY_LAN, link.left.innerHost, 1238);
        assertEquals(1000, pmtu.current(10 * PathMtu.AGE_NANOS), "IKE confirms it; it does not age");
        assertEquals(0, pmtu.agedOut());

        long t = 20 * PathMtu.AGE_NANOS;
        byte[] outer = sendOne(link, 942, t);
        PathMtuResult report = new PathMtuResult();
        assertEquals(PathMtuOutcome.NOT_LOWER, link.left.dataPlane.pathMtuReported(outer, 0, 64, 1100, t, report).outcome());
        assertEquals(PathMtuOutcome.UPDATED, link.left.dataPlane.pathMtuReported(outer, 0, 64, 900, t, report).outcome());
        assertEquals(900, pmtu.current());
        assertEquals(1000, pmtu.current(t + PathMtu.AGE_NANOS), "the ICMP value ages back to the probed one");

        pmtu.setProbedMtu(1200); // a later search found more
        assertEquals(1200, pmtu.current());
        pmtu.setProbedMtu(400);
        assertEquals(PathMtu.MIN_IPV4, pmtu.current(), "never below the floor");
        pmtu.setProbedMtu(0);
        assertEquals(1300, pmtu.current(), "forgotten: the link's again");

        PathMtu rekeyed = new PathMtu(IpFamily.IPV4);
        pmtu.setProbedMtu(1100);
        rekeyed.setLinkMtu(1300);
        rekeyed.inherit(pmtu);
        assertEquals(1100, rekeyed.probedMtu());
        assertEquals(1100, rekeyed.current());
    }

    @Test
    void aQuotedIkePacketLowersTheSasOnItsPathIfTheIkeSaIsLive() {
        TwoPeers link = new TwoPeers(Config.tunnel(IpFamily.IPV4, IpFamily.IPV4, true, GCM));
        TwoPeers.Peer left = link.left;
        left.outboundSa.pathMtu().setLinkMtu(1500);
        DataPlane plane = left.dataPlane;
        PathMtuResult r = new PathMtuResult();
        // An IKE message from port 4500: the non-ESP marker, then the IKE header's SPIs.
        byte[] ike = new byte[64];
        writeInt(ike, 0, 0x11223344);
        writeInt(ike, 4, 0x55667788);
        writeInt(ike, 8, 0x0A0B0C0D);
        writeInt(ike, 12, 0x01020304);
        byte[] quoted = new byte[200];
        int n = UdpDatagram.writeIpv4(quoted, 0, left.gateway.ipv4Value(), link.right.gateway.ipv4Value(), 4500, 4500,
                64, 9, true, ike.length);
        System.arraycopy(ike, 0, quoted, 28 + 4, ike.length - 4);
        assertEquals(PathMtuOutcome.NO_SA, plane.pathMtuReported(quoted, 0, n, 1100, 0, r).outcome());
        assertTrue(r.quotedIke());
        plane.setIkeSaCheck((i, rr) -> i == 0x1122334455667788L && rr == 0x0A0B0C0D01020304L);
        assertEquals(PathMtuOutcome.UPDATED, plane.pathMtuReported(quoted, 0, n, 1100, 0, r).outcome());
        assertEquals(1, r.updatedSas());
        assertEquals(1100, left.outboundSa.pathMtu().current());
        // Port 500: no marker.
        int m = UdpDatagram.writeIpv4(quoted, 0, left.gateway.ipv4Value(), link.right.gateway.ipv4Value(), 500, 500,
                64, 9, true, 60);
        System.arraycopy(ike, 0, quoted, 28, 60);
        assertEquals(PathMtuOutcome.UPDATED, plane.pathMtuReported(quoted, 0, m, 1000, 2 * SECOND, r).outcome());
        assertEquals(PathMtuOutcome.TRUNCATED, plane.pathMtuReported(quoted, 0, 28 + 10, 900, 4 * SECOND, r).outcome());
    }

    @Test
    void otherIcmpMessagesAreNotOurs() {
        TwoPeers link = new TwoPeers(Config.tunnel(IpFamily.IPV4, IpFamily.IPV4, true, GCM));
        byte[] outer = sendOne(link, 1400, 0);
        byte[] icmp = new byte[700];
        int n = Icmpv4Message.writePortUnreachable(icmp, 0, IpAddress.parse(ROUTER).ipv4Value(), 1,
                Ipv4Packet.parse(outer, 0, outer.length));
        assertEquals(PathMtuOutcome.NOT_OURS,
                link.left.dataPlane.icmpReceived(icmp, 0, n, 0, new PathMtuResult()).outcome());
    }

    // ---- PTB generation ----

    @Test
    void packetTooBigForIpv6AndTheTunnelCarries1280Regardless() {
        TwoPeers link = new TwoPeers(Config.tunnel(IpFamily.IPV6, IpFamily.IPV6, true, AES_SHA1));
        TwoPeers.Peer left = link.left;
        IpAddress source = IpAddress.parse("2001:db8:1::1");
        left.dataPlane.setIcmpSource(IpFamily.IPV6, source);
        left.outboundSa.pathMtu().setLinkMtu(1500);
        int inner = left.outboundSa.largestInnerPacket(1500);
        assertEquals(1406, inner); // 1500 - 40 - 8 - 8 - 16 - 12 = 1416 ciphertext bytes, 16-aligned 1408, less 2
        OutboundResult r = link.send(left, (b, o) -> TestPackets.udp(b, o, left.innerHost, link.right.innerHost, 1, 2,
                1500 - 48), 0);
        assertEquals(OutboundResult.Action.REPLY, r.action(), r.toString());
        Ipv6Packet ip = Ipv6Packet.parse(r.buffer(), r.packetOffset(), r.packetLength());
        assertTrue(source.equalsBytes(r.buffer(), ip.sourceOffset()));
        assertTrue(IpAddress.parse(left.innerHost).equalsBytes(r.buffer(), ip.destinationOffset()));
        Icmpv6Message m = new Icmpv6Message().wrap(ip);
        assertTrue(m.verifyChecksum(ip));
        assertEquals(Icmpv6Message.TYPE_PACKET_TOO_BIG, m.type());
        assertEquals(inner, m.mtu());
        assertEquals(1280, r.packetLength(), "quotes as much as fits in 1280 bytes");

        // The path drops to the IPv6 minimum: less than 1280 fits inside, yet 1280-byte packets still go through.
        left.outboundSa.pathMtu().setLinkMtu(1280);
        r = link.send(left, (b, o) -> TestPackets.udp(b, o, left.innerHost, link.right.innerHost, 1, 2, 1280 - 48), 0);
        assertEquals(OutboundResult.Action.SEND, r.action());
        assertTrue(r.packetLength() > 1280);
        assertEquals(1, left.dataPlane.counters().sentOverPathMtu());
        assertEquals(InboundResult.Action.DELIVER, link.deliver(link.right, link.wire(left), Delivery.SOCKET, 0).action());
        r = link.send(left, (b, o) -> TestPackets.udp(b, o, left.innerHost, link.right.innerHost, 1, 2, 1400), 0);
        assertEquals(OutboundResult.Action.REPLY, r.action());
        assertEquals(1280, r.icmpMtu(), "never below the IPv6 minimum");
    }

    @Test
    void theErrorNeverComesFromTheSendersOwnAddressAndIsRateLimited() {
        TwoPeers link = new TwoPeers(Config.tunnel(IpFamily.IPV4, IpFamily.IPV4, true, GCM));
        TwoPeers.Peer left = link.left;
        left.outboundSa.pathMtu().setLinkMtu(1000);
        // Configured source = the sender (the gateway's own traffic): the SA's outer address instead.
        left.dataPlane.setIcmpSource(IpFamily.IPV4, IpAddress.parse(left.innerHost));
        OutboundResult r = link.send(left, (b, o) -> udpDf(b, o, left.innerHost, link.right.innerHost, 1200), 0);
        assertTooBig(r, left.outboundSa.largestInnerPacket(1000), left.gateway, left.innerHost, 1200);

        // IPv6 inner over IPv4 outer without an IPv6 source: nothing to send it from.
        TwoPeers mixed = new TwoPeers(Config.tunnel(IpFamily.IPV4, IpFamily.IPV6, true, GCM));
        mixed.left.outboundSa.pathMtu().setLinkMtu(1400);
        r = mixed.send(mixed.left, (b, o) -> TestPackets.udp(b, o, mixed.left.innerHost, mixed.right.innerHost, 1, 2,
                1400), 0);
        assertEquals(OutboundResult.Action.DROP, r.action());
        assertEquals(DropReason.PATH_MTU_EXCEEDED, r.dropReason());
        assertEquals(1, mixed.left.dataPlane.counters().tooBigWithoutSource());

        // 1000 per second, bursts of 50.
        TwoPeers burst = new TwoPeers(Config.tunnel(IpFamily.IPV4, IpFamily.IPV4, true, GCM));
        burst.left.outboundSa.pathMtu().setLinkMtu(1000);
        int replies = 0;
        for (int i = 0; i < 60; i++) {
            r = burst.send(burst.left, (b, o) -> udpDf(b, o, burst.left.innerHost, burst.right.innerHost, 1200), 7);
            replies += r.action() == OutboundResult.Action.REPLY ? 1 : 0;
        }
        assertEquals(50, replies);
        assertEquals(10, burst.left.dataPlane.counters().tooBigRateLimited());
        assertEquals(60, burst.left.dataPlane.counters().outbound().drops(DropReason.PATH_MTU_EXCEEDED));
        r = burst.send(burst.left, (b, o) -> udpDf(b, o, burst.left.innerHost, burst.right.innerHost, 1200),
                7 + 2_000_000);
        assertEquals(OutboundResult.Action.REPLY, r.action(), "tokens come back with time");
    }

    @Test
    void noErrorAboutAnIcmpError() {
        TwoPeers link = new TwoPeers(Config.tunnel(IpFamily.IPV4, IpFamily.IPV4, true, GCM));
        link.left.outboundSa.pathMtu().setLinkMtu(600);
        byte[] quoted = new byte[1200];
        int q = udpDf(quoted, 0, link.left.innerHost, link.right.innerHost, 1100);
        OutboundResult r = link.send(link.left, (b, o) -> {
            int n = Icmpv4Message.writeFragmentationNeeded(b, o, IpAddress.parse(link.left.innerHost).ipv4Value(), 3,
                    600, Ipv4Packet.parse(quoted, 0, q));
            // to a host on the other side, DF set
            IpAddress.parse(link.right.innerHost).writeTo(b, o + 16);
            b[o + 6] |= 0x40;
            Ipv4Packet.parse(b, o, n).updateHeaderChecksum();
            return n;
        }, 0);
        assertEquals(OutboundResult.Action.DROP, r.action());
        assertEquals(1, link.left.dataPlane.counters().tooBigSuppressed());
    }

    // ---- DF policy ----

    @Test
    void outerDontFragmentFollowsThePolicy() {
        for (DontFragmentPolicy policy : DontFragmentPolicy.values()) {
            TwoPeers link = new TwoPeers(Config.tunnel(IpFamily.IPV4, IpFamily.IPV4, true, GCM), b -> b.dontFragment(policy));
            for (boolean innerDf : new boolean[] {false, true}) {
                OutboundResult r = link.send(link.left, (b, o) -> {
                    int n = TestPackets.udp(b, o, link.left.innerHost, link.right.innerHost, 1, 2, 500);
                    setDf(b, o, innerDf);
                    return n;
                }, 0);
                boolean expected = switch (policy) {
                    case COPY -> innerDf;
                    case SET -> true;
                    case CLEAR -> false;
                };
                byte[] outer = link.wire(link.left);
                assertEquals(expected, Ipv4Packet.parse(outer, 0, outer.length).dontFragment(), policy + " " + innerDf);
                assertEquals(expected, r.dontFragment());
            }
        }
        // COPY takes IPv6 as DF.
        TwoPeers v6 = new TwoPeers(Config.tunnel(IpFamily.IPV4, IpFamily.IPV6, false, GCM));
        OutboundResult r = v6.send(v6.left, (b, o) -> TestPackets.udp(b, o, v6.left.innerHost, v6.right.innerHost, 1, 2, 100), 0);
        assertTrue(r.dontFragment());
        assertEquals("clear", DontFragmentPolicy.parse("CLEAR").keyword());
    }

    // ---- prefragmentation ----

    @Test
    void tooBigPacketsWithoutDfAreFragmentedBeforeEncryption() {
        TwoPeers link = new TwoPeers(Config.tunnel(IpFamily.IPV4, IpFamily.IPV4, true, DES3_MD5),
                b -> b.dontFragment(DontFragmentPolicy.SET));
        TwoPeers.Peer left = link.left;
        left.outboundSa.pathMtu().setLinkMtu(1000);
        byte[] original = new byte[3000];
        int len = TestPackets.udp(original, 0, left.innerHost, link.right.innerHost, 7, 9, 2972);
        setDf(original, 0, false);
        OutboundResult r = link.send(left, (b, o) -> {
            System.arraycopy(original, 0, b, o, len);
            return len;
        }, 0);
        byte[] payload = new byte[len - 20];
        int fragments = 0;
        int covered = 0;
        while (true) {
            assertEquals(OutboundResult.Action.SEND, r.action(), r.toString());
            assertTrue(r.packetLength() <= 1000, "fragment " + fragments + ": " + r.packetLength());
            assertTrue(r.dontFragment(), "df_bit = set");
            InboundResult in = link.deliver(link.right, link.wire(left), Delivery.SOCKET, 0);
            assertEquals(InboundResult.Action.DELIVER, in.action(), in.toString());
            Ipv4Packet piece = Ipv4Packet.parse(in.buffer(), in.offset(), in.length());
            System.arraycopy(in.buffer(), piece.payloadOffset(), payload, piece.fragmentOffset(), piece.payloadLength());
            covered += piece.payloadLength();
            fragments++;
            assertEquals(r.moreFragments(), piece.moreFragments());
            if (!r.moreFragments()) {
                break;
            }
            r = left.dataPlane.nextFragment(0, left.out);
        }
        assertEquals(4, fragments); // 942-byte fragments carry 920 data bytes: 2980 bytes in 4
        assertEquals(len - 20, covered);
        assertArrayEquals(Arrays.copyOfRange(original, 20, len), payload);
        DataPlaneCounters c = left.dataPlane.counters();
        assertEquals(1, c.prefragmented());
        assertEquals(4, c.fragmentsSent());
        assertEquals(4, c.outbound().packets());
    }

    @Test
    void withoutPrefragmentationTheOuterPacketIsLeftToFragment() {
        TwoPeers link = new TwoPeers(Config.tunnel(IpFamily.IPV4, IpFamily.IPV4, true, GCM),
                b -> b.prefragment(false).dontFragment(DontFragmentPolicy.SET));
        link.left.outboundSa.pathMtu().setLinkMtu(1000);
        OutboundResult r = link.send(link.left, (b, o) -> noDf(b, o, TestPackets.udp(b, o, link.left.innerHost,
                link.right.innerHost, 1, 2, 1400)), 0);
        assertEquals(OutboundResult.Action.SEND, r.action());
        assertFalse(r.dontFragment(), "a packet over the path MTU never goes with DF");
        assertFalse(r.moreFragments());
        assertTrue(r.packetLength() > 1000);
        assertEquals(1, link.left.dataPlane.counters().sentOverPathMtu());
        // Transport mode has no inner header to fragment: the same.
        TwoPeers transport = new TwoPeers(Config.transport(IpFamily.IPV4, false, GCM));
        transport.left.outboundSa.pathMtu().setLinkMtu(1000);
        r = transport.send(transport.left, (b, o) -> noDf(b, o, TestPackets.udp(b, o, transport.left.innerHost,
                transport.right.innerHost, 1, 2, 1400)), 0);
        assertEquals(OutboundResult.Action.SEND, r.action());
    }

    // ---- MSS clamping ----

    @Test
    void synMssIsClampedToThePathBothWays() {
        TwoPeers link = new TwoPeers(Config.tunnel(IpFamily.IPV4, IpFamily.IPV4, true, AES_SHA1));
        TwoPeers.Peer left = link.left;
        TwoPeers.Peer right = link.right;
        left.outboundSa.pathMtu().setLinkMtu(1500);
        OutboundResult r = link.send(left, (b, o) -> syn(b, o, left.innerHost, right.innerHost, 1460), 0);
        assertEquals(OutboundResult.Action.SEND, r.action());
        InboundResult in = link.deliver(right, link.wire(left), Delivery.SOCKET, 0);
        assertEquals(InboundResult.Action.DELIVER, in.action());
        assertEquals(1422 - 40, mssOf(in)); // 1382
        assertEquals(1, left.dataPlane.counters().mssClamped());

        // The path shrinks: new SYNs get the smaller MSS; one already small enough stays as it is.
        byte[] outer = link.wire(left);
        left.dataPlane.pathMtuReported(outer, 0, 64, 1000, 0, new PathMtuResult());
        assertEquals(left.outboundSa.largestInnerPacket(1000) - 40, mssArriving(link, 1460));
        assertEquals(600, mssArriving(link, 600));

        // Inbound: a SYN out of the tunnel is clamped to the path of the SA it came on (right's link 1300 here).
        left.dataPlane.setMssClamping(false);
        right.inboundSa.pathMtu().setLinkMtu(1300);
        assertEquals(right.inboundSa.largestInnerPacket(1300) - 40, mssArriving(link, 1460));
    }

    /**
     * While IKE's first search runs, SYNs both ways are clamped as if the path MTU were the search base; packets
     * are still sized by the link's MTU (no too-big error, no prefragmentation for a 1400-byte packet). Once IKE
     * clears the base, SYNs follow the path again.
     */
    @Test
    void whileIkeSearchesSynsGetTheSearchBaseAndPacketsTheLinksMtu() {
        TwoPeers link = new TwoPeers(Config.tunnel(IpFamily.IPV4, IpFamily.IPV4, true, AES_SHA1));
        TwoPeers.Peer left = link.left;
        TwoPeers.Peer right = link.right;
        left.outboundSa.pathMtu().setLinkMtu(1500);
        left.outboundSa.pathMtu().setSearchBase(1280);
        right.inboundSa.pathMtu().setLinkMtu(1500);
        right.inboundSa.pathMtu().setSearchBase(1280);
        left.dataPlane.setIcmpSource(IpFamily.IPV4, GATEWAY_LAN);

        right.dataPlane.setMssClamping(false); // left's outbound clamp alone
        int searching = left.outboundSa.largestInnerPacket(1280) - 40;
        assertEquals(searching, mssArriving(link, 1460));
        assertTrue(searching < left.outboundSa.largestInnerPacket(1300) - 40, "fits a 1300-byte path");

        OutboundResult r = link.send(left, (b, o) -> udpDf(b, o, left.innerHost, right.innerHost, 1400), 0);
        assertEquals(OutboundResult.Action.SEND, r.action(), "no too-big error for the search base");
        assertTrue(r.packetLength() > 1280 && r.packetLength() <= 1500, r.toString());
        assertEquals(0, left.dataPlane.counters().tooBigSent());
        assertEquals(0, left.dataPlane.counters().prefragmented());
        link.deliver(right, link.wire(left), Delivery.SOCKET, 0);

        // Inbound: what right's host may send back is clamped to right's search base.
        left.dataPlane.setMssClamping(false);
        right.dataPlane.setMssClamping(true);
        assertEquals(right.inboundSa.largestInnerPacket(1280) - 40, mssArriving(link, 1460));

        // The search confirmed 1300: IKE sets it as the probed value and clears the base.
        left.dataPlane.setMssClamping(true);
        right.dataPlane.setMssClamping(false);
        left.outboundSa.pathMtu().setProbedMtu(1300);
        left.outboundSa.pathMtu().setSearchBase(0);
        assertEquals(left.outboundSa.largestInnerPacket(1300) - 40, mssArriving(link, 1460));
    }

    // ---- allocation ----

    @Test
    void clampingSynsAllocatesNothing() {
        TwoPeers link = new TwoPeers(Config.tunnel(IpFamily.IPV4, IpFamily.IPV4, true, AES_SHA1));
        link.left.outboundSa.pathMtu().setLinkMtu(1500);
        link.left.outboundSa.pathMtu().setSearchBase(1280);
        byte[] template = TestPackets.buffer();
        int len = syn(template, TestPackets.OFFSET, link.left.innerHost, link.right.innerHost, 1460);
        long least = leastAllocatedFor2000(link, template, len, OutboundResult.Action.SEND);
        assertEquals(4 * 2000, link.left.dataPlane.counters().mssClamped());
        assertTrue(least < 2000, least + " bytes for 2000 SYNs");
    }

    @Test
    void answeringTooBigPacketsAllocatesNothing() {
        TwoPeers link = new TwoPeers(Config.tunnel(IpFamily.IPV4, IpFamily.IPV4, true, AES_SHA1));
        link.left.outboundSa.pathMtu().setLinkMtu(1300);
        byte[] template = TestPackets.buffer();
        int len = udpDf(template, TestPackets.OFFSET, link.left.innerHost, link.right.innerHost, 1400);
        long least = leastAllocatedFor2000(link, template, len, OutboundResult.Action.REPLY);
        assertTrue(least < 2000, least + " bytes for 2000 replies");
    }

    // ---- helpers ----

    /**
     * Sends the packet in {@code template} out of left 2000 times a round, 2 ms apart (under the too-big rate
     * limit), expecting {@code action} each time; the fewest bytes a round after the first (warm-up) allocated.
     */
    private static long leastAllocatedFor2000(TwoPeers link, byte[] template, int len, OutboundResult.Action action) {
        long least = Long.MAX_VALUE;
        long now = 0;
        for (int round = 0; round < 4; round++) {
            long before = allocated();
            for (int i = 0; i < 2000; i++) {
                System.arraycopy(template, TestPackets.OFFSET, link.left.sendBuffer, TestPackets.OFFSET, len);
                OutboundResult r = link.left.dataPlane.processOutbound(link.left.sendBuffer, TestPackets.OFFSET, len,
                        now, link.left.out);
                now += 2_000_000;
                if (r.action() != action) {
                    throw new AssertionError(r.toString());
                }
            }
            if (round > 0) {
                least = Math.min(least, allocated() - before);
            }
        }
        return least;
    }

    private static long allocated() {
        return ((com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean())
                .getCurrentThreadAllocatedBytes();
    }

    private static void assertTooBig(OutboundResult r, int mtu, IpAddress from, String to, int originalLength) {
        assertEquals(OutboundResult.Action.REPLY, r.action(), r.toString());
        assertEquals(DropReason.PATH_MTU_EXCEEDED, r.dropReason());
        assertEquals(mtu, r.icmpMtu());
        Ipv4Packet ip = Ipv4Packet.parse(r.buffer(), r.packetOffset(), r.packetLength());
        assertEquals(from.ipv4Value(), ip.sourceAddress());
        assertEquals(IpAddress.parse(to).ipv4Value(), ip.destinationAddress());
        Icmpv4Message m = new Icmpv4Message().wrap(ip);
        assertTrue(m.checksumValid());
        assertTrue(m.isFragmentationNeeded());
        assertEquals(mtu, m.nextHopMtu());
        Ipv4Packet quoted = m.quotedPacket(new Ipv4Packet());
        assertEquals(originalLength, quoted.totalLength());
        assertEquals(576, r.packetLength(), "RFC 1812 §4.3.2.3: as much as fits in 576 bytes");
    }

    /** A UDP packet of {@code total} bytes with DF set. */
    static int udpDf(byte[] b, int o, String src, String dst, int total) {
        int n = TestPackets.udp(b, o, src, dst, 33434, 33435, total - 28);
        setDf(b, o, true);
        return n;
    }

    private static int noDf(byte[] b, int o, int len) {
        setDf(b, o, false);
        return len;
    }

    private static void setDf(byte[] b, int o, boolean df) {
        b[o + 6] = (byte) (df ? b[o + 6] | 0x40 : b[o + 6] & ~0x40);
        Ipv4Packet.parse(b, o, ((b[o + 2] & 0xFF) << 8) | (b[o + 3] & 0xFF)).updateHeaderChecksum();
    }

    private static int syn(byte[] b, int o, String src, String dst, int mss) {
        byte[] options = {2, 4, (byte) (mss >>> 8), (byte) mss, 1, 1, 4, 2};
        Ipv4Packet.writeHeader(b, o, 0, 48, 5, true, 64, IpProtocol.TCP, IpAddress.parse(src).ipv4Value(),
                IpAddress.parse(dst).ipv4Value());
        TcpSegment.writeHeader(b, o + 20, 40000, 22, 1, 0, TcpSegment.SYN, 64240, options, 0, options.length);
        TcpSegment.parse(b, o + 20, 28).updateChecksum(Ipv4Packet.parse(b, o, 48));
        return 48;
    }

    /** Sends a SYN with MSS {@code mss} from left's inner host through the tunnel: the MSS right's host gets. */
    private static int mssArriving(TwoPeers link, int mss) {
        link.send(link.left, (b, o) -> syn(b, o, link.left.innerHost, link.right.innerHost, mss), 0);
        return mssOf(link.deliver(link.right, link.wire(link.left), Delivery.SOCKET, 0));
    }

    private static int mssOf(InboundResult in) {
        assertEquals(InboundResult.Action.DELIVER, in.action(), in.toString());
        Ipv4Packet ip = Ipv4Packet.parse(in.buffer(), in.offset(), in.length());
        TcpSegment t = new TcpSegment().wrap(ip);
        assertTrue(t.verifyChecksum(ip), "checksum updated with the MSS");
        return t.mss();
    }

    /** Sends one UDP packet of {@code total} bytes from left and returns the outer packet. */
    private static byte[] sendOne(TwoPeers link, int total, long now) {
        String src = link.left.innerHost;
        String dst = link.right.innerHost;
        OutboundResult r = link.send(link.left, (b, o) -> TestPackets.udp(b, o, src, dst, 1, 2,
                total - (link.config.inner() == IpFamily.IPV4 ? 28 : 48)), now);
        assertEquals(OutboundResult.Action.SEND, r.action(), r.toString());
        return link.wire(link.left);
    }

    /** A router's "fragmentation needed" about {@code outer}, addressed to the gateway that sent it. */
    private static byte[] routerSays(byte[] outer, int mtu) {
        byte[] icmp = new byte[700];
        Ipv4Packet quoted = Ipv4Packet.parse(outer, 0, outer.length);
        int n = Icmpv4Message.writeFragmentationNeeded(icmp, 0, IpAddress.parse(ROUTER).ipv4Value(), 77, mtu, quoted);
        return Arrays.copyOf(icmp, n);
    }

    private static void writeInt(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }
}
