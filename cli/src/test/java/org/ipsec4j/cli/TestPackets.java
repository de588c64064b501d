package org.ipsec4j.cli;

import java.nio.ByteBuffer;

import org.ipsec4j.wire.Icmpv4Message;
import org.ipsec4j.wire.Icmpv6Message;
import org.ipsec4j.wire.IpProtocol;
import org.ipsec4j.wire.Ipv4Packet;
import org.ipsec4j.wire.Ipv6Packet;
import org.ipsec4j.wire.TcpSegment;
import org.ipsec4j.wire.UdpDatagram;

/** Packets and link-layer frames for the capture tests, built with the {@code wire} builders where they exist. */
final class TestPackets {

    static final int IKE_SA_INIT = 34;
    static final int IKE_AUTH = 35;
    static final int FLAG_INITIATOR = 0x08;
    static final int FLAG_RESPONSE = 0x20;

    private TestPackets() {}

    static int v4(String text) {
        return Ipv4Packet.parseAddress(text);
    }

    static byte[] v6(String text) {
        return Ipv6Packet.parseAddress(text);
    }

    // ---- IP and UDP ----

    static byte[] udp4(String src, String dst, int sourcePort, int destinationPort, boolean dontFragment,
                       int identification, byte[] payload) {
        byte[] out = new byte[Ipv4Packet.MIN_HEADER_LENGTH + UdpDatagram.HEADER_LENGTH + payload.length];
        System.arraycopy(payload, 0, out, 28, payload.length);
        UdpDatagram.writeIpv4(out, 0, v4(src), v4(dst), sourcePort, destinationPort, 64, identification,
                dontFragment, payload.length);
        return out;
    }

    static byte[] udp6(String src, String dst, int sourcePort, int destinationPort, byte[] payload) {
        byte[] out = new byte[Ipv6Packet.HEADER_LENGTH + UdpDatagram.HEADER_LENGTH + payload.length];
        System.arraycopy(payload, 0, out, 48, payload.length);
        UdpDatagram.writeIpv6(out, 0, v6(src), 0, v6(dst), 0, sourcePort, destinationPort, 64, payload.length);
        return out;
    }

    /** An IPv4 packet of {@code protocol} around {@code payload}, header checksum right. */
    static byte[] ipv4(String src, String dst, int protocol, boolean dontFragment, byte[] payload) {
        byte[] out = new byte[Ipv4Packet.MIN_HEADER_LENGTH + payload.length];
        Ipv4Packet.writeHeader(out, 0, 0, out.length, 0x4242, dontFragment, 64, protocol, v4(src), v4(dst));
        System.arraycopy(payload, 0, out, Ipv4Packet.MIN_HEADER_LENGTH, payload.length);
        return out;
    }

    static byte[] ipv6(String src, String dst, int nextHeader, byte[] payload) {
        byte[] out = new byte[Ipv6Packet.HEADER_LENGTH + payload.length];
        Ipv6Packet.writeHeader(out, 0, 0, 0, payload.length, nextHeader, 64, v6(src), 0, v6(dst), 0);
        System.arraycopy(payload, 0, out, Ipv6Packet.HEADER_LENGTH, payload.length);
        return out;
    }

    // ---- IPsec payloads ----

    /** An IKE header (RFC 7296 §3.1) whose length field says {@code length}, followed by zeros up to it. */
    static byte[] ike(long initiatorSpi, long responderSpi, int exchange, int flags, int messageId, int length) {
        ByteBuffer b = ByteBuffer.allocate(length);
        b.putLong(initiatorSpi).putLong(responderSpi).put((byte) 46 /* SK */).put((byte) 0x20)
                .put((byte) exchange).put((byte) flags).putInt(messageId).putInt(length);
        return b.array();
    }

    /** The non-ESP marker (RFC 3948 §2.2) in front of an IKE message. */
    static byte[] nonEspMarker(byte[] ike) {
        byte[] out = new byte[4 + ike.length];
        System.arraycopy(ike, 0, out, 4, ike.length);
        return out;
    }

    /** An ESP packet (RFC 4303 §2): SPI, sequence number, then {@code bodyLength} opaque bytes. */
    static byte[] esp(int spi, int sequence, int bodyLength) {
        ByteBuffer b = ByteBuffer.allocate(8 + bodyLength);
        b.putInt(spi).putInt(sequence);
        for (int i = 8; i < b.capacity(); i++) {
            b.put((byte) (i * 7));
        }
        return b.array();
    }

    /** An AH header (RFC 4302 §2) with a 12-byte ICV in front of {@code payload} of protocol {@code nextHeader}. */
    static byte[] ah(int nextHeader, int spi, int sequence, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(24 + payload.length);
        b.put((byte) nextHeader).put((byte) (24 / 4 - 2)).putShort((short) 0).putInt(spi).putInt(sequence)
                .put(new byte[12]).put(payload);
        return b.array();
    }

    // ---- TCP ----

    static byte[] tcp4(String src, String dst, int sourcePort, int destinationPort, int seq, int ack, int flags,
                       int mss, int dataLength) {
        byte[] options = mss < 0 ? new byte[0]
                : new byte[] {TcpSegment.OPTION_MSS, 4, (byte) (mss >>> 8), (byte) mss};
        int headerLength = TcpSegment.MIN_HEADER_LENGTH + options.length;
        byte[] out = new byte[Ipv4Packet.MIN_HEADER_LENGTH + headerLength + dataLength];
        Ipv4Packet.writeHeader(out, 0, 0, out.length, 7, true, 64, IpProtocol.TCP, v4(src), v4(dst));
        TcpSegment.writeHeader(out, 20, sourcePort, destinationPort, seq, ack, flags, 64240, options, 0,
                options.length);
        Ipv4Packet ip = Ipv4Packet.parse(out, 0, out.length);
        TcpSegment.parse(out, 20, out.length - 20).updateChecksum(ip);
        return out;
    }

    // ---- ICMP ----

    static byte[] icmpv4Error(String router, int type, int code, int restOfHeader, byte[] original) {
        byte[] out = new byte[Icmpv4Message.MAX_ERROR_DATAGRAM];
        int length = Icmpv4Message.writeError(out, 0, v4(router), 99, type, code, restOfHeader,
                Ipv4Packet.parse(original, 0, original.length));
        return java.util.Arrays.copyOf(out, length);
    }

    /** An ICMP error quoting only the first {@code quoteLength} bytes of {@code original}, as RFC 792 allows. */
    static byte[] icmpv4ErrorQuoting(String router, int type, int code, int restOfHeader, byte[] original,
                                     int quoteLength) {
        byte[] out = new byte[Icmpv4Message.MAX_ERROR_DATAGRAM];
        int length = Icmpv4Message.writeError(out, 0, v4(router), 99, type, code, restOfHeader,
                new Ipv4Packet().wrapQuoted(original, 0, quoteLength));
        return java.util.Arrays.copyOf(out, length);
    }

    static byte[] icmpv6Error(String router, int type, int code, int restOfHeader, byte[] original) {
        byte[] out = new byte[Ipv6Packet.MIN_MTU];
        int length = Icmpv6Message.writeError(out, 0, v6(router), 0, 64, type, code, restOfHeader,
                Ipv6Packet.parse(original, 0, original.length));
        return java.util.Arrays.copyOf(out, length);
    }

    static byte[] echo4(String src, String dst, int type, int identifier, int sequence) {
        byte[] out = new byte[28 + 56];
        Icmpv4Message.writeEchoPacket(out, 0, v4(src), v4(dst), 64, type, identifier, sequence, 56);
        return out;
    }

    /** A neighbour solicitation (RFC 4861 §4.3) with a source link-layer address option, checksum right. */
    static byte[] neighborSolicitation(String src, String dst, String target, byte[] mac) {
        ByteBuffer icmp = ByteBuffer.allocate(32);
        icmp.put((byte) Icmpv6Message.TYPE_NEIGHBOR_SOLICITATION).put((byte) 0).putShort((short) 0).putInt(0)
                .put(v6(target)).put((byte) Icmpv6Message.OPTION_SOURCE_LINK_LAYER_ADDRESS).put((byte) 1).put(mac);
        return withIcmpv6Checksum(src, dst, icmp.array());
    }

    /** A neighbour advertisement (RFC 4861 §4.4) with the given R/S/O flags, checksum right. */
    static byte[] neighborAdvertisement(String src, String dst, String target, int flags) {
        ByteBuffer icmp = ByteBuffer.allocate(24);
        icmp.put((byte) Icmpv6Message.TYPE_NEIGHBOR_ADVERTISEMENT).put((byte) 0).putShort((short) 0)
                .put((byte) flags).put(new byte[3]).put(v6(target));
        return withIcmpv6Checksum(src, dst, icmp.array());
    }

    static byte[] withIcmpv6Checksum(String src, String dst, byte[] icmp) {
        byte[] packet = ipv6(src, dst, IpProtocol.ICMPV6, icmp);
        packet[7] = (byte) 255; // ND messages travel with hop limit 255 (RFC 4861 §7.1.1)
        Ipv6Packet ip = Ipv6Packet.parse(packet, 0, packet.length);
        Icmpv6Message.parse(packet, 40, icmp.length).updateChecksum(ip);
        return packet;
    }

    // ---- link layers ----

    static final byte[] MAC_A = {0x02, 0, 0, 0, 0, 0x0a};
    static final byte[] MAC_B = {0x02, 0, 0, 0, 0, 0x0b};

    static int etherTypeOf(byte[] ip) {
        return (ip[0] & 0xF0) == 0x60 ? 0x86DD : 0x0800;
    }

    /** An Ethernet II frame, with an 802.1Q tag per VLAN id given (outermost first). */
    static byte[] ethernet(byte[] ip, int... vlanIds) {
        ByteBuffer b = ByteBuffer.allocate(14 + 4 * vlanIds.length + ip.length);
        b.put(MAC_B).put(MAC_A);
        for (int vlan : vlanIds) {
            b.putShort((short) 0x8100).putShort((short) vlan);
        }
        b.putShort((short) etherTypeOf(ip)).put(ip);
        return b.array();
    }

    /** An Ethernet frame of another EtherType (ARP is 0x0806). */
    static byte[] ethernetOther(int etherType, int payloadLength) {
        ByteBuffer b = ByteBuffer.allocate(14 + payloadLength);
        b.put(MAC_B).put(MAC_A).putShort((short) etherType);
        return b.array();
    }

    /** LINKTYPE_LINUX_SLL: packet type, ARPHRD_ETHER, address length 6, address, protocol. */
    static byte[] linuxCooked(byte[] ip, int packetType) {
        ByteBuffer b = ByteBuffer.allocate(16 + ip.length);
        b.putShort((short) packetType).putShort((short) 1).putShort((short) 6).put(MAC_A).putShort((short) 0)
                .putShort((short) etherTypeOf(ip)).put(ip);
        return b.array();
    }

    /** LINKTYPE_LINUX_SLL2: protocol, reserved, interface index, ARPHRD_ETHER, packet type, address. */
    static byte[] linuxCookedV2(byte[] ip, int ifIndex, int packetType) {
        ByteBuffer b = ByteBuffer.allocate(20 + ip.length);
        b.putShort((short) etherTypeOf(ip)).putShort((short) 0).putInt(ifIndex).putShort((short) 1)
                .put((byte) packetType).put((byte) 6).put(MAC_A).putShort((short) 0).put(ip);
        return b.array();
    }

    static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] p : parts) {
            length += p.length;
        }
        ByteBuffer b = ByteBuffer.allocate(length);
        for (byte[] p : parts) {
            b.put(p);
        }
        return b.array();
    }
}
