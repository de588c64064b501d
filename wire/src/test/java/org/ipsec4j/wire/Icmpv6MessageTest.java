package org.ipsec4j.wire;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Icmpv6MessageTest {

    static final byte[] GATEWAY = Ipv6Packet.parseAddress("2001:db8:ffff::1");

    static Icmpv6Message real(String hex, Ipv6Packet[] ipOut) {
        byte[] b = Hex.bytes(hex);
        Ipv6Packet ip = Ipv6Packet.parse(b, 0, b.length);
        ipOut[0] = ip;
        Icmpv6Message icmp = new Icmpv6Message().wrap(ip);
        assertTrue(icmp.verifyChecksum(ip));
        assertEquals(icmp.checksum(), icmp.computeChecksum(ip));
        return icmp;
    }

    @Test
    void realEchoRequest() {
        Ipv6Packet[] ip = new Ipv6Packet[1];
        Icmpv6Message icmp = real(RealPackets.ICMPV6_ECHO_REQUEST, ip);
        assertEquals(Icmpv6Message.TYPE_ECHO_REQUEST, icmp.type());
        assertEquals(0xa0a6, icmp.checksum());
        assertEquals(0x2dae, icmp.echoIdentifier());
        assertEquals(1, icmp.echoSequence());
        assertEquals(24, icmp.echoDataLength());
        assertFalse(icmp.isError());
        assertEquals(-1, icmp.quotedPacketOffset());
        assertEquals(-1, icmp.mtu());
        ip[0].buffer()[60] ^= 1;
        assertFalse(icmp.verifyChecksum(ip[0]));
    }

    @Test
    void realPortUnreachableQuotesThePacket() {
        Ipv6Packet[] ip = new Ipv6Packet[1];
        Icmpv6Message icmp = real(RealPackets.ICMPV6_PORT_UNREACHABLE, ip);
        assertTrue(icmp.isError());
        assertEquals(Icmpv6Message.TYPE_DESTINATION_UNREACHABLE, icmp.type());
        assertEquals(Icmpv6Message.CODE_PORT_UNREACHABLE, icmp.code());
        assertEquals(48, icmp.quotedPacketOffset());
        assertEquals(59, icmp.quotedPacketLength());
        Ipv6Packet quoted = icmp.quotedPacket(new Ipv6Packet());
        assertEquals("fd00:99::1", Ipv6Packet.formatAddress(quoted.buffer(), quoted.sourceOffset()));
        UdpDatagram udp = new UdpDatagram().wrap(quoted);
        assertEquals(5354, udp.destinationPort());
        assertTrue(udp.verifyChecksum(quoted));
    }

    @Test
    void realRouterSolicitation() {
        Ipv6Packet[] ip = new Ipv6Packet[1];
        Icmpv6Message icmp = real(RealPackets.ICMPV6_ROUTER_SOLICITATION, ip);
        assertEquals(Icmpv6Message.TYPE_ROUTER_SOLICITATION, icmp.type());
        assertEquals(List.of(new Icmpv6Message.Option(1, 48, 8)), icmp.optionList());
        int lla = icmp.sourceLinkLayerAddressOffset();
        assertEquals(50, lla);
        assertEquals(6, icmp.linkLayerAddressLength(lla));
        assertEquals("f2d2dc3be7f3", Hex.of(ip[0].buffer(), lla, 6));
        assertEquals(-1, icmp.targetLinkLayerAddressOffset());
        assertEquals(-1, icmp.targetAddressOffset());
    }

    @Test
    void realNeighborSolicitationAndAdvertisement() {
        Ipv6Packet[] ip = new Ipv6Packet[1];
        Icmpv6Message ns = real(RealPackets.ICMPV6_NEIGHBOR_SOLICITATION, ip);
        assertEquals(Icmpv6Message.TYPE_NEIGHBOR_SOLICITATION, ns.type());
        assertEquals("fe80::f0d2:dcff:fe3b:e7f3", Ipv6Packet.formatAddress(ip[0].buffer(), ns.targetAddressOffset()));
        assertEquals("2a29fc550efb", Hex.of(ip[0].buffer(), ns.sourceLinkLayerAddressOffset(), 6));

        Icmpv6Message na = real(RealPackets.ICMPV6_NEIGHBOR_ADVERTISEMENT, ip);
        assertEquals(Icmpv6Message.TYPE_NEIGHBOR_ADVERTISEMENT, na.type());
        assertTrue(na.solicitedFlag());
        assertFalse(na.routerFlag());
        assertFalse(na.overrideFlag());
        assertEquals(Icmpv6Message.NA_FLAG_SOLICITED, na.neighborAdvertisementFlags());
        assertEquals(List.of(), na.optionList());
        assertEquals(-1, na.sourceLinkLayerAddressOffset());
    }

    /** A router advertisement, built by hand: hop limit 64, M and O set, lifetime 1800, MTU option 1400. */
    static final String ROUTER_ADVERTISEMENT = """
            8600 0000 40c0 0708 0000 7530 0000 03e8
            0101 0200 5e00 0001
            0501 0000 0000 0578
            0304 40c0 0027 8d00 0009 3a80 0000 0000
            2001 0db8 0001 0000 0000 0000 0000 0000""";

    @Test
    void routerAdvertisementFieldsAndOptions() {
        byte[] ra = Hex.bytes(ROUTER_ADVERTISEMENT);
        byte[] b = new byte[40 + ra.length];
        Ipv6Packet.writeHeader(b, 0, 0, 0, ra.length, IpProtocol.ICMPV6, 255,
                Ipv6Packet.parseAddress("fe80::1"), 0, Ipv6Packet.parseAddress("ff02::1"), 0);
        System.arraycopy(ra, 0, b, 40, ra.length);
        Ipv6Packet ip = Ipv6Packet.parse(b, 0, b.length);
        Icmpv6Message icmp = new Icmpv6Message().wrap(ip).updateChecksum(ip);
        assertTrue(icmp.verifyChecksum(ip));
        assertEquals(64, icmp.curHopLimit());
        assertTrue(icmp.managedAddressConfiguration());
        assertTrue(icmp.otherConfiguration());
        assertEquals(1800, icmp.routerLifetime());
        assertEquals(30000, icmp.reachableTime());
        assertEquals(1000, icmp.retransTimer());
        assertEquals(1400, icmp.mtuOption());
        assertEquals(List.of(new Icmpv6Message.Option(1, 56, 8), new Icmpv6Message.Option(5, 64, 8),
                new Icmpv6Message.Option(3, 72, 32)), icmp.optionList());
        assertEquals(58, icmp.sourceLinkLayerAddressOffset());
    }

    @Test
    void rejectsBadNeighborDiscovery() {
        byte[] ra = Hex.bytes(ROUTER_ADVERTISEMENT);
        ra[17] = 0; // source link-layer option of length 0 (RFC 4861 §4.6)
        var e = assertThrows(MalformedPacketException.class, () -> Icmpv6Message.parse(ra, 0, ra.length));
        assertEquals("icmpv6.option.length", e.field());
        assertEquals(17, e.offset());
        byte[] ra2 = Hex.bytes(ROUTER_ADVERTISEMENT);
        ra2[17] = 9;
        e = assertThrows(MalformedPacketException.class, () -> Icmpv6Message.parse(ra2, 0, ra2.length));
        assertEquals("icmpv6.option.length", e.field());
        byte[] ra3 = Hex.bytes(ROUTER_ADVERTISEMENT);
        e = assertThrows(MalformedPacketException.class, () -> Icmpv6Message.parse(ra3, 0, 35));
        assertEquals("icmpv6.option", e.field());
        e = assertThrows(MalformedPacketException.class, () -> Icmpv6Message.parse(ra3, 0, 15));
        assertEquals("icmpv6.length", e.field());
        byte[] redirect = new byte[39];
        redirect[0] = (byte) Icmpv6Message.TYPE_REDIRECT;
        assertThrows(MalformedPacketException.class, () -> Icmpv6Message.parse(redirect, 0, 39));
        byte[] r = Arrays.copyOf(redirect, 40);
        Icmpv6Message redir = Icmpv6Message.parse(r, 0, 40);
        assertEquals(8, redir.targetAddressOffset());
        assertEquals(24, redir.redirectDestinationOffset());
        assertThrows(MalformedPacketException.class, () -> Icmpv6Message.parse(new byte[3], 0, 3));
    }

    static byte[] bigUdpPacket(int total) {
        byte[] p = new byte[total];
        for (int i = 48; i < total; i++) {
            p[i] = (byte) i;
        }
        UdpDatagram.writeIpv6(p, 0, Ipv6Packet.parseAddress("2001:db8:1::10"), 0,
                Ipv6Packet.parseAddress("2001:db8:2::20"), 0, 4500, 4500, 64, total - 48);
        return p;
    }

    @Test
    void packetTooBigQuotesAtMost1280Bytes() {
        byte[] original = bigUdpPacket(1500);
        Ipv6Packet ip = Ipv6Packet.parse(original, 0, original.length);
        assertTrue(Icmpv6Message.mayRespondWithError(ip, Icmpv6Message.TYPE_PACKET_TOO_BIG));
        byte[] out = new byte[1300];
        int len = Icmpv6Message.writePacketTooBig(out, 0, GATEWAY, 0, 1400, ip);
        assertEquals(1280, len);
        Ipv6Packet err = Ipv6Packet.parse(out, 0, len);
        assertEquals("2001:db8:ffff::1", Ipv6Packet.formatAddress(out, err.sourceOffset()));
        assertEquals("2001:db8:1::10", Ipv6Packet.formatAddress(out, err.destinationOffset()));
        Icmpv6Message icmp = new Icmpv6Message().wrap(err);
        assertTrue(icmp.verifyChecksum(err));
        assertEquals(Icmpv6Message.TYPE_PACKET_TOO_BIG, icmp.type());
        assertEquals(1400, icmp.mtu());
        assertEquals(1280 - 48, icmp.quotedPacketLength());
        assertArrayEquals(Arrays.copyOf(original, 1232), Arrays.copyOfRange(out, 48, 1280));
        Ipv6Packet quoted = icmp.quotedPacket(new Ipv6Packet());
        assertTrue(quoted.isTruncated());
        assertEquals(IpProtocol.UDP, quoted.upperLayerProtocol());
        assertFalse(Icmpv6Message.mayRespondWithError(err, Icmpv6Message.TYPE_PACKET_TOO_BIG));
    }

    @Test
    void errorCanBeWrittenOverTheOriginalInPlace() {
        byte[] buf = new byte[1400];
        byte[] original = bigUdpPacket(1300);
        System.arraycopy(original, 0, buf, 4, 1300);
        Ipv6Packet ip = Ipv6Packet.parse(buf, 4, 1300);
        int len = Icmpv6Message.writeDestinationUnreachable(buf, 4, GATEWAY, 0,
                Icmpv6Message.CODE_ADMINISTRATIVELY_PROHIBITED, ip);
        Ipv6Packet err = Ipv6Packet.parse(buf, 4, len);
        assertEquals("2001:db8:1::10", Ipv6Packet.formatAddress(buf, err.destinationOffset()));
        Icmpv6Message icmp = new Icmpv6Message().wrap(err);
        assertTrue(icmp.verifyChecksum(err));
        assertArrayEquals(Arrays.copyOf(original, 1232), Arrays.copyOfRange(buf, 52, 52 + 1232));
    }

    @Test
    void noErrorsAboutMulticastOrErrors() {
        byte[] p = bigUdpPacket(100);
        Ipv6Packet ip = Ipv6Packet.parse(p, 0, p.length);
        ip.setDestination(Ipv6Packet.parseAddress("ff02::1"), 0);
        assertFalse(Icmpv6Message.mayRespondWithError(ip, Icmpv6Message.TYPE_DESTINATION_UNREACHABLE));
        assertTrue(Icmpv6Message.mayRespondWithError(ip, Icmpv6Message.TYPE_PACKET_TOO_BIG), "RFC 4443 §2.4(e.3)");
        ip.setSource(new byte[16], 0);
        assertFalse(Icmpv6Message.mayRespondWithError(ip, Icmpv6Message.TYPE_PACKET_TOO_BIG));
        byte[] echo = Hex.bytes(RealPackets.ICMPV6_ECHO_REQUEST);
        assertTrue(Icmpv6Message.mayRespondWithError(Ipv6Packet.parse(echo, 0, echo.length),
                Icmpv6Message.TYPE_PACKET_TOO_BIG), "informational messages may be answered");
    }

    @Property
    void builtEchoPacketsParseBack(@ForAll @Size(16) byte[] src, @ForAll @Size(16) byte[] dst,
                                   @ForAll boolean reply, @ForAll @IntRange(max = 0xFFFF) int id,
                                   @ForAll @IntRange(max = 0xFFFF) int seq, @ForAll @Size(max = 200) byte[] data) {
        byte[] b = new byte[48 + data.length];
        System.arraycopy(data, 0, b, 48, data.length);
        int type = reply ? Icmpv6Message.TYPE_ECHO_REPLY : Icmpv6Message.TYPE_ECHO_REQUEST;
        int len = Icmpv6Message.writeEchoPacket(b, 0, src, 0, dst, 0, 64, type, id, seq, data.length);
        Ipv6Packet ip = Ipv6Packet.parse(b, 0, len);
        Icmpv6Message icmp = new Icmpv6Message().wrap(ip);
        assertTrue(icmp.verifyChecksum(ip));
        assertEquals(type, icmp.type());
        assertEquals(id, icmp.echoIdentifier());
        assertEquals(seq, icmp.echoSequence());
        assertArrayEquals(data, Arrays.copyOfRange(b, icmp.echoDataOffset(), icmp.echoDataOffset() + data.length));
    }

    @Property
    void builtPacketTooBigQuotesAPrefix(@ForAll @IntRange(min = 48, max = 3000) int total, @ForAll int mtu) {
        byte[] original = bigUdpPacket(total);
        Ipv6Packet ip = Ipv6Packet.parse(original, 0, total);
        byte[] out = new byte[Ipv6Packet.MIN_MTU];
        int len = Icmpv6Message.writePacketTooBig(out, 0, GATEWAY, 0, mtu, ip);
        assertEquals(Math.min(1280, 48 + total), len);
        Ipv6Packet err = Ipv6Packet.parse(out, 0, len);
        Icmpv6Message icmp = new Icmpv6Message().wrap(err);
        assertTrue(icmp.verifyChecksum(err));
        assertEquals(Integer.toUnsignedLong(mtu), icmp.mtu());
        Ipv6Packet quoted = icmp.quotedPacket(new Ipv6Packet());
        assertEquals(total > 1232, quoted.isTruncated());
    }

    @Property(tries = 3000)
    void mutatedMessagesOnlyEverFailAsMalformed(@ForAll @Size(max = 6) List<Integer> positions,
                                                @ForAll @Size(min = 1, max = 6) List<Byte> values,
                                                @ForAll int truncate, @ForAll @IntRange(max = 3) int which) {
        String hex = switch (which) {
            case 0 -> RealPackets.ICMPV6_PORT_UNREACHABLE;
            case 1 -> RealPackets.ICMPV6_NEIGHBOR_SOLICITATION;
            case 2 -> RealPackets.ICMPV6_ROUTER_SOLICITATION;
            default -> RealPackets.ICMPV6_ECHO_REQUEST;
        };
        byte[] b = new Mutation(positions, values, truncate).apply(Hex.bytes(hex));
        Mutation.expectOnlyMalformed(() -> exercise(b));
    }

    @Property(tries = 2000)
    void randomMessagesOnlyEverFailAsMalformed(@ForAll @Size(max = 80) byte[] b, @ForAll @IntRange(min = 128, max = 137) int type) {
        if (b.length > 0 && type >= 133) {
            b[0] = (byte) type;
        }
        Mutation.expectOnlyMalformed(() -> {
            Icmpv6Message icmp = Icmpv6Message.parse(b, 0, b.length);
            icmp.optionList();
            icmp.sourceLinkLayerAddressOffset();
            icmp.mtuOption();
            icmp.quotedPacketLength();
        });
    }

    static void exercise(byte[] b) {
        Ipv6Packet ip = Ipv6Packet.parse(b, 0, b.length);
        Icmpv6Message icmp = new Icmpv6Message().wrap(ip);
        icmp.verifyChecksum(ip);
        icmp.toString();
        icmp.optionList();
        icmp.mtuOption();
        int lla = icmp.sourceLinkLayerAddressOffset();
        if (lla >= 0) {
            icmp.linkLayerAddressLength(lla);
        }
        Icmpv6Message.mayRespondWithError(ip, icmp.type());
        if (icmp.quotedPacketOffset() >= 0) {
            Ipv6Packet quoted = icmp.quotedPacket(new Ipv6Packet());
            quoted.extensionHeaderList();
            Icmpv6Message.mayRespondWithError(quoted, Icmpv6Message.TYPE_PACKET_TOO_BIG);
        }
    }
}
