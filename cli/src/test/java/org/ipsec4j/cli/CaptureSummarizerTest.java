package org.ipsec4j.cli;

import static org.ipsec4j.cli.TestCaptures.Frame;
import static org.ipsec4j.cli.TestCaptures.pcap;
import static org.ipsec4j.cli.TestCaptures.summarize;
import static org.ipsec4j.cli.TestCaptures.summarizeRaw;
import static org.ipsec4j.cli.TestPackets.FLAG_INITIATOR;
import static org.ipsec4j.cli.TestPackets.FLAG_RESPONSE;
import static org.ipsec4j.cli.TestPackets.IKE_AUTH;
import static org.ipsec4j.cli.TestPackets.IKE_SA_INIT;
import static org.ipsec4j.cli.TestPackets.esp;
import static org.ipsec4j.cli.TestPackets.ike;
import static org.ipsec4j.cli.TestPackets.nonEspMarker;
import static org.ipsec4j.cli.TestPackets.udp4;
import static org.ipsec4j.cli.TestPackets.udp6;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.ipsec4j.wire.Icmpv4Message;
import org.ipsec4j.wire.Icmpv6Message;
import org.ipsec4j.wire.IpProtocol;
import org.ipsec4j.wire.frag.Fragmenter;
import org.ipsec4j.wire.pcap.LinkType;
import org.junit.jupiter.api.Test;

/** The summary lines, built from captures written with the wire builders, checked whole. */
class CaptureSummarizerTest {

    static final String V6_A = "2001:db8::be6b:d879";
    static final String V6_B = "2001:db8:f:608::2";
    static final long IKE_ISPI = 0x55fa7f39522011efL;
    static final long IKE_RSPI = 0xf8259707aad5f995L;
    static final String IKE_SPIS = "ispi 55fa7f39522011ef rspi f8259707aad5f995";

    static void assertLines(List<String> actual, String... expected) {
        assertEquals(List.of(expected), actual);
    }

    /** Seed 000: an IKE_AUTH too big for the path, in two IPv6 fragments; the firewall rejects the second. */
    static List<byte[]> seed000Packets() {
        byte[] ikeAuth = nonEspMarker(ike(IKE_ISPI, IKE_RSPI, IKE_AUTH, FLAG_INITIATOR, 1, 1596));
        byte[] datagram = udp6(V6_A, V6_B, 4500, 4500, ikeAuth);
        List<byte[]> fragments = new Fragmenter().fragmentIpv6(datagram, 0, datagram.length, 1280, 0x5efa507c);
        byte[] portUnreachable = TestPackets.icmpv6Error(V6_B, Icmpv6Message.TYPE_DESTINATION_UNREACHABLE,
                Icmpv6Message.CODE_PORT_UNREACHABLE, 0, fragments.get(1));
        return List.of(fragments.get(0), fragments.get(1), portUnreachable);
    }

    static final String[] SEED_000_LINES = {
        "1 0.000000 IP6 2001:db8::be6b:d879 > 2001:db8:f:608::2 frag id 0x5efa507c off 0 len 1232 MF, UDP 4500 > 4500"
            + " len 1600 ipsec-nat-t: non-ESP marker, IKEv2 IKE_AUTH initiator request msgid 1 " + IKE_SPIS + " len 1596",
        "2 0.000025 IP6 2001:db8::be6b:d879 > 2001:db8:f:608::2 frag id 0x5efa507c off 1232 len 376, non-initial"
            + " fragment of UDP",
        "3 0.000150 IP6 2001:db8:f:608::2 > 2001:db8::be6b:d879 ICMP6 port unreachable, quoting: IP6"
            + " 2001:db8::be6b:d879 > 2001:db8:f:608::2 frag id 0x5efa507c off 1232 len 376, non-initial fragment of UDP",
        "3 packets, 2 fragments, 1 ICMP error, 0 malformed"};

    static byte[] seed000Capture() {
        List<byte[]> p = seed000Packets();
        // The times of seed 000's tcpdump lines: .311572, .311597, .311722.
        return pcap(LinkType.RAW, List.of(new Frame(0, p.get(0)), new Frame(25, p.get(1)), new Frame(150, p.get(2))));
    }

    @Test
    void ipv6FragmentsAndThePortUnreachableOfSeed000() {
        assertLines(summarize(seed000Capture()), SEED_000_LINES);
    }

    @Test
    void ipv4FragmentsOfAUdpDatagram() {
        byte[] ikeAuth = nonEspMarker(ike(IKE_ISPI, IKE_RSPI, IKE_AUTH, FLAG_INITIATOR, 1, 2996));
        byte[] datagram = udp4("192.0.2.1", "198.51.100.7", 4500, 4500, false, 0x1a2b, ikeAuth);
        List<byte[]> fragments = new Fragmenter().fragmentIpv4(datagram, 0, datagram.length, 1500);
        assertLines(summarizeRaw(fragments.toArray(byte[][]::new)),
                "1 0.000000 IP 192.0.2.1 > 198.51.100.7 frag id 0x1a2b off 0 len 1480 MF, UDP 4500 > 4500 len 3000"
                        + " ipsec-nat-t: non-ESP marker, IKEv2 IKE_AUTH initiator request msgid 1 " + IKE_SPIS
                        + " len 2996",
                "2 0.000001 IP 192.0.2.1 > 198.51.100.7 frag id 0x1a2b off 1480 len 1480 MF, non-initial fragment of UDP",
                "3 0.000002 IP 192.0.2.1 > 198.51.100.7 frag id 0x1a2b off 2960 len 48, non-initial fragment of UDP",
                "3 packets, 3 fragments, 0 ICMP errors, 0 malformed");
    }

    @Test
    void reassemblyTimeExceededQuotesTheFirstFragment() {
        byte[] ikeAuth = nonEspMarker(ike(IKE_ISPI, IKE_RSPI, IKE_AUTH, FLAG_INITIATOR, 1, 2996));
        byte[] datagram = udp4("192.0.2.1", "198.51.100.7", 4500, 4500, false, 0x1a2b, ikeAuth);
        byte[] first = new Fragmenter().fragmentIpv4(datagram, 0, datagram.length, 1500).getFirst();
        byte[] v4Error = TestPackets.icmpv4Error("198.51.100.7", Icmpv4Message.TYPE_TIME_EXCEEDED,
                Icmpv4Message.CODE_REASSEMBLY_TIME_EXCEEDED, 0, first);
        byte[] v6Error = TestPackets.icmpv6Error(V6_B, Icmpv6Message.TYPE_TIME_EXCEEDED, 1, 0,
                seed000Packets().getFirst());
        assertLines(summarizeRaw(v4Error, v6Error),
                "1 0.000000 IP 198.51.100.7 > 192.0.2.1 ICMP reassembly time exceeded, quoting: IP 192.0.2.1 >"
                        + " 198.51.100.7 frag id 0x1a2b off 0 len 1480 MF, UDP 4500 > 4500 len 3000 ipsec-nat-t:"
                        + " non-ESP marker, IKEv2 IKE_AUTH initiator request msgid 1 " + IKE_SPIS + " len 2996",
                "2 0.000001 IP6 2001:db8:f:608::2 > 2001:db8::be6b:d879 ICMP6 reassembly time exceeded, quoting: IP6"
                        + " 2001:db8::be6b:d879 > 2001:db8:f:608::2 frag id 0x5efa507c off 0 len 1232 MF, UDP 4500 >"
                        + " 4500 len 1600 ipsec-nat-t: non-ESP marker, IKEv2 IKE_AUTH initiator request msgid 1 "
                        + IKE_SPIS + " len 1596",
                "2 packets, 0 fragments, 2 ICMP errors, 0 malformed");
    }

    @Test
    void fragmentationNeededQuotingEspInUdp() {
        byte[] original = udp4("192.0.2.1", "198.51.100.7", 4500, 4500, true, 0x77, esp(0x0badcafe, 7, 1392));
        byte[] error = TestPackets.icmpv4Error("203.0.113.1", Icmpv4Message.TYPE_DESTINATION_UNREACHABLE,
                Icmpv4Message.CODE_FRAGMENTATION_NEEDED, 1400, original);
        assertLines(summarizeRaw(original, error),
                "1 0.000000 IP 192.0.2.1 > 198.51.100.7 DF UDP 4500 > 4500 len 1400 ipsec-nat-t: ESP spi 0x0badcafe"
                        + " seq 7",
                "2 0.000001 IP 203.0.113.1 > 192.0.2.1 ICMP fragmentation needed, mtu 1400, quoting: IP 192.0.2.1 >"
                        + " 198.51.100.7 DF UDP 4500 > 4500 len 1400 ipsec-nat-t: ESP spi 0x0badcafe seq 7",
                "2 packets, 0 fragments, 1 ICMP error, 0 malformed");
    }

    @Test
    void fragmentationNeededFromARouterOlderThanRfc1191QuotingPlainUdp() {
        byte[] original = udp4("192.0.2.1", "198.51.100.7", 33434, 53, true, 1, new byte[1200]);
        byte[] error = TestPackets.icmpv4Error("203.0.113.1", Icmpv4Message.TYPE_DESTINATION_UNREACHABLE,
                Icmpv4Message.CODE_FRAGMENTATION_NEEDED, 0, original);
        assertLines(summarizeRaw(error),
                "1 0.000000 IP 203.0.113.1 > 192.0.2.1 ICMP fragmentation needed, no mtu given (pre-RFC 1191 router),"
                        + " quoting: IP 192.0.2.1 > 198.51.100.7 DF UDP 33434 > 53 len 1200",
                "1 packet, 0 fragments, 1 ICMP error, 0 malformed");
    }

    @Test
    void packetTooBigQuotingEspInUdp() {
        byte[] original = udp6("2001:db8::1", "2001:db8::2", 4500, 4500, esp(0xc0ffee01, 42, 1584));
        byte[] error = TestPackets.icmpv6Error("2001:db8:ffff::1", Icmpv6Message.TYPE_PACKET_TOO_BIG, 0, 1280,
                original);
        assertLines(summarizeRaw(error),
                "1 0.000000 IP6 2001:db8:ffff::1 > 2001:db8::1 ICMP6 packet too big, mtu 1280, quoting: IP6"
                        + " 2001:db8::1 > 2001:db8::2 UDP 4500 > 4500 len 1592 ipsec-nat-t: ESP spi 0xc0ffee01 seq 42",
                "1 packet, 0 fragments, 1 ICMP error, 0 malformed");
    }

    @Test
    void portUnreachableQuotingIkeSaInit() {
        byte[] init = udp4("192.0.2.1", "198.51.100.7", 500, 500, false, 0x1234,
                ike(0x1122334455667788L, 0, IKE_SA_INIT, FLAG_INITIATOR, 0, 300));
        byte[] error = TestPackets.icmpv4Error("198.51.100.7", Icmpv4Message.TYPE_DESTINATION_UNREACHABLE,
                Icmpv4Message.CODE_PORT_UNREACHABLE, 0, init);
        byte[] v6 = udp6("2001:db8::1", "2001:db8::2", 500, 500,
                ike(0x1122334455667788L, 0, IKE_SA_INIT, FLAG_INITIATOR, 0, 300));
        byte[] v6Error = TestPackets.icmpv6Error("2001:db8::2", Icmpv6Message.TYPE_DESTINATION_UNREACHABLE,
                Icmpv6Message.CODE_PORT_UNREACHABLE, 0, v6);
        assertLines(summarizeRaw(init, error, v6Error),
                "1 0.000000 IP 192.0.2.1 > 198.51.100.7 UDP 500 > 500 len 300 isakmp: IKEv2 IKE_SA_INIT initiator"
                        + " request msgid 0 ispi 1122334455667788 rspi 0000000000000000 len 300",
                "2 0.000001 IP 198.51.100.7 > 192.0.2.1 ICMP port unreachable, quoting: IP 192.0.2.1 > 198.51.100.7"
                        + " UDP 500 > 500 len 300 isakmp: IKEv2 IKE_SA_INIT initiator request msgid 0"
                        + " ispi 1122334455667788 rspi 0000000000000000 len 300",
                "3 0.000002 IP6 2001:db8::2 > 2001:db8::1 ICMP6 port unreachable, quoting: IP6 2001:db8::1 >"
                        + " 2001:db8::2 UDP 500 > 500 len 300 isakmp: IKEv2 IKE_SA_INIT initiator request msgid 0"
                        + " ispi 1122334455667788 rspi 0000000000000000 len 300",
                "3 packets, 0 fragments, 2 ICMP errors, 0 malformed");
    }

    @Test
    void quotesOfOnlyEightBytesShowPortsAndWhatIsThere() {
        // RFC 792 routers quote the IP header and the first 8 bytes only.
        byte[] syn = TestPackets.tcp4("192.0.2.1", "198.51.100.7", 40000, 443, 1000, 0, 0x02, 1460, 0);
        byte[] esp = udp4("192.0.2.1", "198.51.100.7", 4500, 4500, true, 1, esp(0x0badcafe, 7, 100));
        byte[] ike = udp4("192.0.2.1", "198.51.100.7", 500, 500, true, 1,
                ike(IKE_ISPI, IKE_RSPI, IKE_AUTH, FLAG_INITIATOR, 1, 300));
        assertLines(summarizeRaw(
                        TestPackets.icmpv4ErrorQuoting("203.0.113.1", 11, 0, 0, syn, 28),
                        TestPackets.icmpv4ErrorQuoting("203.0.113.1", 3, 13, 0, esp, 28),
                        TestPackets.icmpv4ErrorQuoting("203.0.113.1", 3, 13, 0, esp, 32),
                        TestPackets.icmpv4ErrorQuoting("203.0.113.1", 3, 13, 0, ike, 44)),
                "1 0.000000 IP 203.0.113.1 > 192.0.2.1 ICMP time exceeded in transit, quoting: IP 192.0.2.1 >"
                        + " 198.51.100.7 DF TCP 40000 > 443 seq 1000 (header cut after 8 bytes)",
                "2 0.000001 IP 203.0.113.1 > 192.0.2.1 ICMP communication administratively prohibited, quoting: IP"
                        + " 192.0.2.1 > 198.51.100.7 DF UDP 4500 > 4500 len 108 ipsec-nat-t",
                "3 0.000002 IP 203.0.113.1 > 192.0.2.1 ICMP communication administratively prohibited, quoting: IP"
                        + " 192.0.2.1 > 198.51.100.7 DF UDP 4500 > 4500 len 108 ipsec-nat-t: ESP spi 0x0badcafe"
                        + " (header cut after 4 bytes)",
                "4 0.000003 IP 203.0.113.1 > 192.0.2.1 ICMP communication administratively prohibited, quoting: IP"
                        + " 192.0.2.1 > 198.51.100.7 DF UDP 500 > 500 len 300 isakmp: IKE " + IKE_SPIS
                        + " (header cut after 16 bytes)",
                "4 packets, 0 fragments, 4 ICMP errors, 0 malformed");
    }

    @Test
    void ikeBehindTheNonEspMarkerNatKeepaliveAndEspInUdp() {
        byte[] ikeAuth = udp4("192.0.2.1", "198.51.100.7", 61234, 4500, true, 1,
                nonEspMarker(ike(IKE_ISPI, IKE_RSPI, IKE_AUTH, FLAG_RESPONSE, 1, 300)));
        byte[] keepalive = udp4("192.0.2.1", "198.51.100.7", 61234, 4500, false, 2, new byte[] {(byte) 0xFF});
        byte[] espInUdp = udp4("198.51.100.7", "192.0.2.1", 4500, 61234, true, 3, esp(0x00000101, 1, 92));
        byte[] tooShort = udp4("192.0.2.1", "198.51.100.7", 4500, 4500, false, 4, new byte[] {0, 0});
        assertLines(summarizeRaw(ikeAuth, keepalive, espInUdp, tooShort),
                "1 0.000000 IP 192.0.2.1 > 198.51.100.7 DF UDP 61234 > 4500 len 304 ipsec-nat-t: non-ESP marker, IKEv2"
                        + " IKE_AUTH responder response msgid 1 " + IKE_SPIS + " len 300",
                "2 0.000001 IP 192.0.2.1 > 198.51.100.7 UDP 61234 > 4500 len 1 ipsec-nat-t: NAT-keepalive",
                "3 0.000002 IP 198.51.100.7 > 192.0.2.1 DF UDP 4500 > 61234 len 100 ipsec-nat-t: ESP spi 0x00000101"
                        + " seq 1",
                "4 0.000003 IP 192.0.2.1 > 198.51.100.7 UDP 4500 > 4500 len 2 ipsec-nat-t: 2 bytes, neither"
                        + " NAT-keepalive, IKE nor ESP",
                "4 packets, 0 fragments, 0 ICMP errors, 0 malformed");
    }

    @Test
    void espAndAhOverIpv4AndIpv6() {
        byte[] esp4 = TestPackets.ipv4("192.0.2.1", "198.51.100.7", IpProtocol.ESP, true, esp(0x0badcafe, 7, 108));
        byte[] esp6 = TestPackets.ipv6("2001:db8::1", "2001:db8::2", IpProtocol.ESP, esp(0x1000, -1, 64));
        byte[] udp = new byte[12];
        org.ipsec4j.wire.UdpDatagram.writeHeader(udp, 0, 53, 53, 4);
        byte[] ah4 = TestPackets.ipv4("192.0.2.1", "198.51.100.7", IpProtocol.AH, false,
                TestPackets.ah(IpProtocol.UDP, 0x100, 5, udp));
        byte[] ah6 = TestPackets.ipv6("2001:db8::1", "2001:db8::2", IpProtocol.AH,
                TestPackets.ah(IpProtocol.UDP, 0x100, 5, udp));
        assertLines(summarizeRaw(esp4, esp6, ah4, ah6),
                "1 0.000000 IP 192.0.2.1 > 198.51.100.7 DF ESP spi 0x0badcafe seq 7 len 116",
                "2 0.000001 IP6 2001:db8::1 > 2001:db8::2 ESP spi 0x00001000 seq 4294967295 len 72",
                "3 0.000002 IP 192.0.2.1 > 198.51.100.7 AH spi 0x00000100 seq 5 UDP 53 > 53 len 4",
                "4 0.000003 IP6 2001:db8::1 > 2001:db8::2 AH spi 0x00000100 seq 5 UDP 53 > 53 len 4",
                "4 packets, 0 fragments, 0 ICMP errors, 0 malformed");
    }

    @Test
    void tcpFlagsSequenceNumbersAndMss() {
        assertLines(summarizeRaw(
                        TestPackets.tcp4("192.0.2.1", "198.51.100.7", 40000, 443, 1000, 0, 0x02, 1460, 0),
                        TestPackets.tcp4("198.51.100.7", "192.0.2.1", 443, 40000, -5000, 1001, 0x12, 1360, 0),
                        TestPackets.tcp4("192.0.2.1", "198.51.100.7", 40000, 443, 1001, -4999, 0x18, -1, 100),
                        TestPackets.tcp4("192.0.2.1", "198.51.100.7", 40000, 443, 1101, 0, 0x04, -1, 0),
                        TestPackets.tcp4("192.0.2.1", "198.51.100.7", 40000, 443, 1101, 0, 0xC2, -1, 0)),
                "1 0.000000 IP 192.0.2.1 > 198.51.100.7 DF TCP 40000 > 443 [S] seq 1000 mss 1460 len 0",
                "2 0.000001 IP 198.51.100.7 > 192.0.2.1 DF TCP 443 > 40000 [S.] seq 4294962296 ack 1001 mss 1360 len 0",
                "3 0.000002 IP 192.0.2.1 > 198.51.100.7 DF TCP 40000 > 443 [P.] seq 1001 ack 4294962297 len 100",
                "4 0.000003 IP 192.0.2.1 > 198.51.100.7 DF TCP 40000 > 443 [R] seq 1101 len 0",
                "5 0.000004 IP 192.0.2.1 > 198.51.100.7 DF TCP 40000 > 443 [SEW] seq 1101 len 0",
                "5 packets, 0 fragments, 0 ICMP errors, 0 malformed");
    }

    @Test
    void icmpEchoAndNeighborDiscovery() {
        assertLines(summarizeRaw(
                        TestPackets.echo4("192.0.2.1", "198.51.100.7", Icmpv4Message.TYPE_ECHO_REQUEST, 4660, 1),
                        TestPackets.echo4("198.51.100.7", "192.0.2.1", Icmpv4Message.TYPE_ECHO_REPLY, 4660, 1),
                        TestPackets.neighborSolicitation("fe80::1", "ff02::1:ff00:2", "2001:db8::2", TestPackets.MAC_A),
                        TestPackets.neighborAdvertisement("2001:db8::2", "fe80::1", "2001:db8::2", 0x60),
                        TestPackets.neighborAdvertisement("fe80::2", "ff02::1", "fe80::2", 0)),
                "1 0.000000 IP 192.0.2.1 > 198.51.100.7 ICMP echo request, id 4660, seq 1",
                "2 0.000001 IP 198.51.100.7 > 192.0.2.1 ICMP echo reply, id 4660, seq 1",
                "3 0.000002 IP6 fe80::1 > ff02::1:ff00:2 ICMP6 neighbor solicitation, target 2001:db8::2",
                "4 0.000003 IP6 2001:db8::2 > fe80::1 ICMP6 neighbor advertisement, target 2001:db8::2,"
                        + " flags [solicited, override]",
                "5 0.000004 IP6 fe80::2 > ff02::1 ICMP6 neighbor advertisement, target fe80::2",
                "5 packets, 0 fragments, 0 ICMP errors, 0 malformed");
    }

    @Test
    void badIpv4HeaderChecksumIsMarked() {
        byte[] packet = udp4("192.0.2.1", "198.51.100.7", 4500, 4500, true, 9, new byte[] {(byte) 0xFF});
        int right = ((packet[10] & 0xFF) << 8) | (packet[11] & 0xFF);
        packet[10] = (byte) 0xde;
        packet[11] = (byte) 0xad;
        assertLines(summarizeRaw(packet),
                "1 0.000000 IP 192.0.2.1 > 198.51.100.7 [bad header checksum 0xdead, should be 0x"
                        + String.format("%04x", right) + "] DF UDP 4500 > 4500 len 1 ipsec-nat-t: NAT-keepalive",
                "1 packet, 0 fragments, 0 ICMP errors, 0 malformed");
    }

    @Test
    void malformedPacketsGetOneLineNamingFieldAndOffsetAndTheSummaryGoesOn() {
        byte[] udpTooLong = udp4("192.0.2.1", "198.51.100.7", 4500, 4500, false, 9, new byte[4]);
        udpTooLong[24] = 0x23; // UDP length 0x2328 = 9000
        udpTooLong[25] = 0x28;
        byte[] totalTooLong = udp4("192.0.2.1", "198.51.100.7", 53, 53, false, 9, new byte[12]);
        totalTooLong[2] = 0x05; // total length 1500, 40 bytes present
        totalTooLong[3] = (byte) 0xdc;
        new org.ipsec4j.wire.Ipv4Packet().wrapQuoted(totalTooLong, 0, 40).updateHeaderChecksum();
        byte[] payloadTooLong = udp6("2001:db8::1", "2001:db8::2", 53, 53, new byte[4]);
        payloadTooLong[4] = 0x01; // payload length 256, 12 present
        payloadTooLong[5] = 0x00;
        byte[] badQuote = TestPackets.icmpv4Error("203.0.113.1", 3, 3, 0,
                udp4("192.0.2.1", "198.51.100.7", 53, 53, false, 9, new byte[4]));
        badQuote[28] = 0x55; // the quoted header says version 5
        byte[] fine = udp4("192.0.2.1", "198.51.100.7", 4500, 4500, false, 2, new byte[] {(byte) 0xFF});
        assertLines(summarizeRaw(udpTooLong, totalTooLong, payloadTooLong, badQuote, new byte[] {0x45, 0}, fine),
                "1 0.000000 IP 192.0.2.1 > 198.51.100.7 UDP [malformed: udp.length at frame offset 24: length 9000"
                        + " outside 8..12 (the IP payload)]",
                "2 0.000001 IP [malformed: ipv4.totalLength at frame offset 2: total length 1500 > 40 bytes present]",
                "3 0.000002 IP6 [malformed: ipv6.payloadLength at frame offset 4: payload length 256 > 12 bytes"
                        + " present]",
                "4 0.000003 IP 203.0.113.1 > 192.0.2.1 ICMP port unreachable, quoting: IP [malformed: ipv4.version at"
                        + " frame offset 28: version 5, expected 4]",
                "5 0.000004 IP [malformed: ipv4.header at frame offset 0: need 20 bytes, have 2]",
                "6 0.000005 IP 192.0.2.1 > 198.51.100.7 UDP 4500 > 4500 len 1 ipsec-nat-t: NAT-keepalive",
                "6 packets, 0 fragments, 1 ICMP error, 5 malformed");
    }

    @Test
    void packetsCutAtTheSnapshotLengthShowWhatWasCaptured() {
        byte[] espInUdp = udp4("192.0.2.1", "198.51.100.7", 4500, 4500, true, 0x77, esp(0x0badcafe, 7, 1392));
        assertLines(summarize(pcap(LinkType.RAW, 68, TestCaptures.spaced(espInUdp))),
                "1 0.000000 IP 192.0.2.1 > 198.51.100.7 DF UDP 4500 > 4500 len 1400 ipsec-nat-t: ESP spi 0x0badcafe"
                        + " seq 7 [captured 68 of 1428 bytes]",
                "1 packet, 0 fragments, 0 ICMP errors, 0 malformed");
        assertLines(summarize(pcap(LinkType.RAW, 24, TestCaptures.spaced(espInUdp))),
                "1 0.000000 IP 192.0.2.1 > 198.51.100.7 DF UDP [cut short: udp.header at frame offset 20: need 8"
                        + " bytes, have 4] [captured 24 of 1428 bytes]",
                "1 packet, 0 fragments, 0 ICMP errors, 0 malformed");
    }

    @Test
    void nonIpFramesSayWhatTheyAre() {
        assertLines(summarize(pcap(LinkType.ETHERNET, TestCaptures.spaced(TestPackets.ethernetOther(0x0806, 28)))),
                "1 0.000000 non-IP ethertype 0x0806 len 28",
                "1 packet, 0 fragments, 0 ICMP errors, 0 malformed");
    }

    @Test
    void otherProtocolsShowTheirNameAndLength() {
        assertLines(summarizeRaw(
                        TestPackets.ipv4("192.0.2.1", "198.51.100.7", IpProtocol.GRE, false, new byte[24]),
                        TestPackets.ipv4("192.0.2.1", "198.51.100.7", 253, false, new byte[10]),
                        TestPackets.ipv6("2001:db8::1", "2001:db8::2", IpProtocol.IPV6_NONXT, new byte[0])),
                "1 0.000000 IP 192.0.2.1 > 198.51.100.7 GRE len 24",
                "2 0.000001 IP 192.0.2.1 > 198.51.100.7 protocol 253 len 10",
                "3 0.000002 IP6 2001:db8::1 > 2001:db8::2 no next header",
                "3 packets, 0 fragments, 0 ICMP errors, 0 malformed");
    }

    @Test
    void relativeTimes() {
        assertEquals("0.000000", time(0));
        assertEquals("0.000000", time(999));
        assertEquals("0.000025", time(25_000));
        assertEquals("1.500000", time(1_500_000_000L));
        assertEquals("3600.000001", time(3_600_000_001_000L));
        assertEquals("-0.000012", time(-12_000));
    }

    private static String time(long nanos) {
        StringBuilder sb = new StringBuilder();
        CaptureSummarizer.appendRelativeTime(sb, nanos);
        return sb.toString();
    }
}
