package org.ipsec4j.cli.firewall;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

import org.ipsec4j.wire.Icmpv4Message;
import org.ipsec4j.wire.Icmpv6Message;
import org.ipsec4j.wire.InternetChecksum;
import org.ipsec4j.wire.IpProtocol;
import org.ipsec4j.wire.Ipv4Packet;
import org.ipsec4j.wire.Ipv6Packet;
import org.ipsec4j.wire.UdpDatagram;

/**
 * The real packets of a probe, built with the wire module: IKE (a non-ESP marker on 4500), ESP, AH, IP fragment
 * trains of a large IKE_AUTH datagram, ICMP fragmentation-needed / packet-too-big quoting the tunnel's own
 * packets, and neighbour discovery.
 */
final class ProbePackets {

    /** An unfragmented IKE message's UDP payload. */
    static final int IKE_PAYLOAD = 300;
    /** A large IKE_AUTH's UDP payload: crosses as two fragments (seed 000's 1600 bytes). */
    static final int LARGE_PAYLOAD = 1600;
    /** Fragmentable bytes in the first fragment: UDP header and data (seed 000's 1232). */
    static final int FIRST_FRAGMENT_DATA = 1232;

    private ProbePackets() {
    }

    /** The whole datagram of a probe (a fragment probe's whole datagram). */
    static byte[] whole(Packet p) {
        int payload = p.fragment() != Fragment.NONE ? LARGE_PAYLOAD : IKE_PAYLOAD;
        return switch (p.protocol()) {
            case Protocols.UDP -> udp(p.source(), p.destination(), p.sourcePort() < 0 ? 4500 : p.sourcePort(),
                    p.destinationPort() < 0 ? 4500 : p.destinationPort(), payload, p.hopLimit());
            case Protocols.ESP -> ip(p.source(), p.destination(), Protocols.ESP, esp(), p.hopLimit(), 0x1111);
            case Protocols.AH -> ip(p.source(), p.destination(), Protocols.AH, ah(p.family()), p.hopLimit(), 0x1112);
            default -> throw new IllegalArgumentException("no whole packet for " + p);
        };
    }

    /** The length the firewall counts for a reassembled large datagram (IPv6: without a fragment header). */
    static int largeDatagramLength(Family family) {
        return (family == Family.IPV4 ? 20 : 40) + 8 + LARGE_PAYLOAD;
    }

    /**
     * The two fragments of a probe's large datagram (first: UDP header and 1224 bytes; later: the rest).
     *
     * @param p the whole datagram's headers (ports included)
     */
    static List<byte[]> fragments(Packet p, int identification) {
        Packet w = new Packet(p.family(), p.source(), p.destination(), p.protocol(), p.protocol(), Fragment.FIRST,
                p.sourcePort(), p.destinationPort(), -1, -1, p.hopLimit(), null, null, null, 0);
        byte[] datagram = whole(w);
        boolean v4 = p.family() == Family.IPV4;
        int header = v4 ? Ipv4Packet.MIN_HEADER_LENGTH : Ipv6Packet.HEADER_LENGTH;
        byte[] data = Arrays.copyOfRange(datagram, header, datagram.length); // UDP header and payload
        byte[] first = fragment(p, Arrays.copyOfRange(data, 0, FIRST_FRAGMENT_DATA), 0, true, identification);
        byte[] later = fragment(p, Arrays.copyOfRange(data, FIRST_FRAGMENT_DATA, data.length), FIRST_FRAGMENT_DATA,
                false, identification);
        return List.of(first, later);
    }

    private static byte[] fragment(Packet p, byte[] data, int offset, boolean more, int identification) {
        if (p.family() == Family.IPV4) {
            byte[] out = new byte[Ipv4Packet.MIN_HEADER_LENGTH + data.length];
            Ipv4Packet.writeHeader(out, 0, 0, out.length, identification, (more ? 0x2000 : 0) | offset / 8,
                    p.hopLimit(), IpProtocol.UDP, v4(p.source()), v4(p.destination()), null, 0, 0);
            System.arraycopy(data, 0, out, Ipv4Packet.MIN_HEADER_LENGTH, data.length);
            return out;
        }
        byte[] out = new byte[Ipv6Packet.HEADER_LENGTH + Ipv6Packet.FRAGMENT_HEADER_LENGTH + data.length];
        Ipv6Packet.writeHeader(out, 0, 0, 0, Ipv6Packet.FRAGMENT_HEADER_LENGTH + data.length, Protocols.IPV6_FRAGMENT,
                p.hopLimit(), p.source().getAddress(), 0, p.destination().getAddress(), 0);
        Ipv6Packet.writeFragmentHeader(out, Ipv6Packet.HEADER_LENGTH, IpProtocol.UDP, offset, more, identification);
        System.arraycopy(data, 0, out, Ipv6Packet.HEADER_LENGTH + Ipv6Packet.FRAGMENT_HEADER_LENGTH, data.length);
        return out;
    }

    /** A UDP datagram; a payload on 4500 starts with the non-ESP marker (four zero bytes, RFC 3948 §2.2). */
    static byte[] udp(InetAddress src, InetAddress dst, int sport, int dport, int payload, int hopLimit) {
        byte[] data = new byte[payload];
        if (dport != 4500) {
            Arrays.fill(data, (byte) 0x2a);
        } else {
            Arrays.fill(data, 4, payload, (byte) 0x2a);
        }
        if (Family.of(src) == Family.IPV4) {
            byte[] out = new byte[28 + payload];
            System.arraycopy(data, 0, out, 28, payload);
            UdpDatagram.writeIpv4(out, 0, v4(src), v4(dst), sport, dport, hopLimit, 0x2222, false, payload);
            return out;
        }
        byte[] out = new byte[48 + payload];
        System.arraycopy(data, 0, out, 48, payload);
        UdpDatagram.writeIpv6(out, 0, src.getAddress(), 0, dst.getAddress(), 0, sport, dport, hopLimit, payload);
        return out;
    }

    /** SPI 0x00c0ffee, sequence 1, then ciphertext-looking bytes. */
    private static byte[] esp() {
        byte[] out = new byte[100];
        ByteBuffer.wrap(out).putInt(0x00c0ffee).putInt(1);
        Arrays.fill(out, 8, out.length, (byte) 0x5a);
        return out;
    }

    /** An AH header with a 16-byte ICV over an empty next header, then 64 bytes. */
    private static byte[] ah(Family family) {
        int ahLength = family == Family.IPV4 ? 28 : 32;
        byte[] out = new byte[ahLength + 64];
        out[0] = 59; // no next header
        out[1] = (byte) (ahLength / 4 - 2);
        ByteBuffer.wrap(out, 4, 8).putInt(0x00c0ffef).putInt(1);
        return out;
    }

    static byte[] ip(InetAddress src, InetAddress dst, int protocol, byte[] payload, int hopLimit, int id) {
        if (Family.of(src) == Family.IPV4) {
            byte[] out = new byte[20 + payload.length];
            Ipv4Packet.writeHeader(out, 0, 0, out.length, id, false, hopLimit, protocol, v4(src), v4(dst));
            System.arraycopy(payload, 0, out, 20, payload.length);
            return out;
        }
        byte[] out = new byte[40 + payload.length];
        Ipv6Packet.writeHeader(out, 0, 0, 0, payload.length, protocol, hopLimit, src.getAddress(), 0, dst.getAddress(), 0);
        System.arraycopy(payload, 0, out, 40, payload.length);
        return out;
    }

    /** An ICMP fragmentation-needed (MTU 1400) or ICMPv6 packet-too-big (MTU 1280) quoting {@code quoted}. */
    static byte[] tooBig(InetAddress router, byte[] quoted) {
        byte[] out = new byte[1280];
        if (Family.of(router) == Family.IPV4) {
            int n = Icmpv4Message.writeFragmentationNeeded(out, 0, v4(router), 0x3333, 1400,
                    new Ipv4Packet().wrapQuoted(quoted, 0, quoted.length));
            return Arrays.copyOf(out, n);
        }
        int n = Icmpv6Message.writePacketTooBig(out, 0, router.getAddress(), 0, 1280,
                Ipv6Packet.parse(quoted, 0, quoted.length));
        return Arrays.copyOf(out, n);
    }

    /**
     * Neighbour discovery (RFC 4861 §4): a solicitation or advertisement for {@code target}, a router
     * solicitation or advertisement; hop limit 255.
     */
    static byte[] neighbourDiscovery(InetAddress src, InetAddress dst, int type, InetAddress target, byte[] mac) {
        int body = switch (type) {
            case IcmpTypeNames.V6_ROUTER_SOLICITATION -> 8 + 8;
            case IcmpTypeNames.V6_ROUTER_ADVERTISEMENT -> 16 + 8;
            default -> 24 + 8;
        };
        byte[] out = new byte[40 + body];
        Ipv6Packet.writeHeader(out, 0, 0, 0, body, IpProtocol.ICMPV6, 255, src.getAddress(), 0, dst.getAddress(), 0);
        out[40] = (byte) type;
        int options = 40 + 8;
        switch (type) {
            case IcmpTypeNames.V6_ROUTER_ADVERTISEMENT -> {
                out[44] = 64; // current hop limit
                out[46] = 0;  // router lifetime 0: not a default router, so the namespace's routes stay as they are
                options = 40 + 16;
            }
            case IcmpTypeNames.V6_NEIGHBOUR_SOLICITATION, IcmpTypeNames.V6_NEIGHBOUR_ADVERTISEMENT -> {
                if (type == IcmpTypeNames.V6_NEIGHBOUR_ADVERTISEMENT) {
                    out[44] = (byte) 0x60; // solicited, override
                }
                System.arraycopy(target.getAddress(), 0, out, 48, 16);
                options = 40 + 24;
            }
            default -> { }
        }
        out[options] = (byte) (type == IcmpTypeNames.V6_NEIGHBOUR_ADVERTISEMENT ? 2 : 1); // target / source lladdr
        out[options + 1] = 1;
        System.arraycopy(mac, 0, out, options + 2, 6);
        int pseudo = InternetChecksum.pseudoHeaderSumV6(out, 8, 24, IpProtocol.ICMPV6, body);
        int checksum = InternetChecksum.fold(InternetChecksum.sum(out, 40, body, pseudo));
        out[42] = (byte) (checksum >>> 8);
        out[43] = (byte) checksum;
        return out;
    }

    static int v4(InetAddress a) {
        return ByteBuffer.wrap(a.getAddress()).getInt();
    }
}
