package org.ipsec4j.bench;

import java.util.Random;

import org.ipsec4j.wire.Icmpv4Message;
import org.ipsec4j.wire.Icmpv6Message;
import org.ipsec4j.wire.IpProtocol;
import org.ipsec4j.wire.Ipv4Packet;
import org.ipsec4j.wire.Ipv6Packet;
import org.ipsec4j.wire.TcpSegment;
import org.ipsec4j.wire.UdpDatagram;

/**
 * Packets the benchmarks run over, built once in {@code @Setup} with the wire builders (documentation
 * addresses, RFC 5737 / RFC 3849). Payload bytes come from a seeded generator so every run sees the same bytes.
 */
final class SamplePackets {

    static final int SOURCE_V4 = Ipv4Packet.parseAddress("192.0.2.1");
    static final int DESTINATION_V4 = Ipv4Packet.parseAddress("198.51.100.7");
    static final int ROUTER_V4 = Ipv4Packet.parseAddress("203.0.113.254");
    static final byte[] SOURCE_V6 = Ipv6Packet.parseAddress("2001:db8::be6b:d879");
    static final byte[] DESTINATION_V6 = Ipv6Packet.parseAddress("2001:db8:f:608::2");
    static final byte[] ROUTER_V6 = Ipv6Packet.parseAddress("2001:db8:ffff::1");

    /** NAT-T port (RFC 3948): what the gateway's outer packets and the quotes in ICMP errors carry. */
    static final int NAT_T_PORT = 4500;

    /** A Linux SYN's options: MSS 1460, SACK permitted, timestamps, NOP, window scale 7 (20 bytes). */
    private static final byte[] SYN_OPTIONS = {
            2, 4, 0x05, (byte) 0xB4,
            4, 2,
            8, 10, 0x37, (byte) 0xC0, 0x41, (byte) 0xC5, 0, 0, 0, 0,
            1,
            3, 3, 7};

    private SamplePackets() {}

    static void fillRandom(byte[] b, int off, int len, long seed) {
        byte[] r = new byte[len];
        new Random(seed).nextBytes(r);
        System.arraycopy(r, 0, b, off, len);
    }

    /** An IPv4 packet of {@code totalLength} bytes carrying UDP 4500 -> 4500, both checksums right. */
    static byte[] ipv4Udp(int totalLength, int identification, boolean dontFragment) {
        byte[] p = new byte[totalLength];
        int payload = totalLength - Ipv4Packet.MIN_HEADER_LENGTH - UdpDatagram.HEADER_LENGTH;
        fillRandom(p, Ipv4Packet.MIN_HEADER_LENGTH + UdpDatagram.HEADER_LENGTH, payload, totalLength);
        UdpDatagram.writeIpv4(p, 0, SOURCE_V4, DESTINATION_V4, NAT_T_PORT, NAT_T_PORT, 64, identification,
                dontFragment, payload);
        return p;
    }

    /** An IPv6 packet of {@code totalLength} bytes carrying UDP 4500 -> 4500, checksum right, no extensions. */
    static byte[] ipv6Udp(int totalLength) {
        byte[] p = new byte[totalLength];
        int payload = totalLength - Ipv6Packet.HEADER_LENGTH - UdpDatagram.HEADER_LENGTH;
        fillRandom(p, Ipv6Packet.HEADER_LENGTH + UdpDatagram.HEADER_LENGTH, payload, totalLength);
        UdpDatagram.writeIpv6(p, 0, SOURCE_V6, 0, DESTINATION_V6, 0, NAT_T_PORT, NAT_T_PORT, 64, payload);
        return p;
    }

    /**
     * The first 1280-byte fragment of a 3000-byte UDP datagram behind a hop-by-hop header, a destination
     * options header and the fragment header (offset 0, M set): 40 + 8 + 8 + 8, then the UDP header.
     */
    static byte[] ipv6ExtensionChainFirstFragment() {
        int total = Ipv6Packet.MIN_MTU;
        byte[] p = new byte[total];
        fillRandom(p, 72, total - 72, 3);
        Ipv6Packet.writeHeader(p, 0, 0, 0x12345, total - Ipv6Packet.HEADER_LENGTH, IpProtocol.HOPOPT, 64,
                SOURCE_V6, 0, DESTINATION_V6, 0);
        // Hop-by-hop and destination options, each 8 bytes: next header, length 0, one PadN of 4 bytes.
        byte[] padded = {0, 0, 1, 4, 0, 0, 0, 0};
        System.arraycopy(padded, 0, p, 40, 8);
        p[40] = (byte) IpProtocol.IPV6_OPTS;
        System.arraycopy(padded, 0, p, 48, 8);
        p[48] = (byte) IpProtocol.IPV6_FRAG;
        Ipv6Packet.writeFragmentHeader(p, 56, IpProtocol.UDP, 0, true, 0x0BADCAFE);
        UdpDatagram.writeHeader(p, 64, NAT_T_PORT, NAT_T_PORT, 3000);
        return p;
    }

    /** An IPv4 TCP SYN (20 + 20 + 20 bytes of Linux-style options), MSS 1460, checksum right. */
    static byte[] ipv4TcpSyn() {
        int total = Ipv4Packet.MIN_HEADER_LENGTH + TcpSegment.MIN_HEADER_LENGTH + SYN_OPTIONS.length;
        byte[] p = new byte[total];
        Ipv4Packet.writeHeader(p, 0, 0, total, 0x81BC, true, 64, IpProtocol.TCP, SOURCE_V4, DESTINATION_V4);
        TcpSegment.writeHeader(p, Ipv4Packet.MIN_HEADER_LENGTH, 39174, 443, 0xDB957C03, 0, TcpSegment.SYN,
                64240, SYN_OPTIONS, 0, SYN_OPTIONS.length);
        Ipv4Packet ip = Ipv4Packet.parse(p, 0, total);
        TcpSegment.parse(p, ip.payloadOffset(), ip.payloadLength()).updateChecksum(ip);
        return p;
    }

    /**
     * ICMP "fragmentation needed" (MTU 1400) from a router, quoting a 1500-byte DF UDP 4500 packet: 576 bytes,
     * 548 of them quote.
     */
    static byte[] icmpv4FragmentationNeeded() {
        byte[] original = ipv4Udp(1500, 0x4242, true);
        byte[] out = new byte[Icmpv4Message.MAX_ERROR_DATAGRAM];
        int n = Icmpv4Message.writeFragmentationNeeded(out, 0, ROUTER_V4, 7, 1400,
                Ipv4Packet.parse(original, 0, original.length));
        return java.util.Arrays.copyOf(out, n);
    }

    /** ICMPv6 Packet Too Big (MTU 1400) quoting a 1500-byte UDP 4500 packet: 1280 bytes, 1232 of them quote. */
    static byte[] icmpv6PacketTooBig() {
        byte[] original = ipv6Udp(1500);
        byte[] out = new byte[Ipv6Packet.MIN_MTU];
        int n = Icmpv6Message.writePacketTooBig(out, 0, ROUTER_V6, 0, 1400,
                Ipv6Packet.parse(original, 0, original.length));
        return java.util.Arrays.copyOf(out, n);
    }
}
