package org.ipsec4j.wire.pcap;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Builds IPv4/UDP and IPv6/UDP packets with correct checksums, and link-layer frames around them, byte by
 * byte. The project's IP views live elsewhere; these tests must not depend on them.
 */
final class TestFrames {

    static final byte[] V4_SRC = {(byte) 192, 0, 2, 1};
    static final byte[] V4_DST = {(byte) 198, 51, 100, 7};
    static final byte[] V6_SRC = v6("2001:db8::1");
    static final byte[] V6_DST = v6("2001:db8:ffff::2");

    private TestFrames() {}

    static byte[] v6(String text) {
        try {
            return java.net.InetAddress.getByName(text).getAddress();
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** IPv4 (RFC 791, 20-byte header) carrying UDP (RFC 768), both checksums filled in. */
    static byte[] ipv4Udp(byte[] source, byte[] destination, int sourcePort, int destinationPort, byte[] payload) {
        int udpLength = 8 + payload.length;
        ByteBuffer b = ByteBuffer.allocate(20 + udpLength);
        b.put((byte) 0x45).put((byte) 0).putShort((short) (20 + udpLength))
                .putShort((short) 0x1234).putShort((short) 0x4000) // DF
                .put((byte) 64).put((byte) 17).putShort((short) 0)
                .put(source).put(destination);
        b.putShort(10, (short) checksum(b.array(), 0, 20, 0));
        b.putShort((short) sourcePort).putShort((short) destinationPort).putShort((short) udpLength).putShort((short) 0)
                .put(payload);
        long pseudo = sum(source) + sum(destination) + 17 + udpLength;
        int udpChecksum = checksum(b.array(), 20, udpLength, pseudo);
        b.putShort(26, (short) (udpChecksum == 0 ? 0xFFFF : udpChecksum));
        return b.array();
    }

    /** IPv6 (RFC 8200) carrying UDP, with the mandatory UDP checksum over the RFC 8200 §8.1 pseudo-header. */
    static byte[] ipv6Udp(byte[] source, byte[] destination, int sourcePort, int destinationPort, byte[] payload) {
        int udpLength = 8 + payload.length;
        ByteBuffer b = ByteBuffer.allocate(40 + udpLength);
        b.putInt(0x6000_0000).putShort((short) udpLength).put((byte) 17).put((byte) 64)
                .put(source).put(destination)
                .putShort((short) sourcePort).putShort((short) destinationPort).putShort((short) udpLength)
                .putShort((short) 0).put(payload);
        long pseudo = sum(source) + sum(destination) + udpLength + 17;
        int udpChecksum = checksum(b.array(), 40, udpLength, pseudo);
        b.putShort(46, (short) (udpChecksum == 0 ? 0xFFFF : udpChecksum));
        return b.array();
    }

    private static long sum(byte[] bytes) {
        long s = 0;
        for (int i = 0; i < bytes.length; i += 2) {
            s += ((bytes[i] & 0xFF) << 8) | (i + 1 < bytes.length ? bytes[i + 1] & 0xFF : 0);
        }
        return s;
    }

    /** The Internet checksum (RFC 1071) of {@code b[off, off+len)} plus an initial sum. */
    static int checksum(byte[] b, int off, int len, long initial) {
        long s = initial;
        for (int i = 0; i < len; i += 2) {
            s += ((b[off + i] & 0xFF) << 8) | (i + 1 < len ? b[off + i + 1] & 0xFF : 0);
        }
        while ((s >>> 16) != 0) {
            s = (s & 0xFFFF) + (s >>> 16);
        }
        return (int) (~s & 0xFFFF);
    }

    static int etherTypeOf(byte[] ipPacket) {
        return (ipPacket[0] & 0xF0) == 0x60 ? 0x86DD : 0x0800;
    }

    /** Ethernet II, with an 802.1Q tag per VLAN id given (outermost first; the first uses TPID 0x88a8 if QinQ). */
    static byte[] ethernet(byte[] ipPacket, int... vlanIds) {
        ByteBuffer b = ByteBuffer.allocate(14 + 4 * vlanIds.length + ipPacket.length);
        b.put(new byte[] {0x02, 0, 0, 0, 0, 0x02}).put(new byte[] {0x02, 0, 0, 0, 0, 0x01});
        for (int i = 0; i < vlanIds.length; i++) {
            b.putShort((short) (i == 0 && vlanIds.length > 1 ? 0x88A8 : 0x8100)).putShort((short) vlanIds[i]);
        }
        return b.putShort((short) etherTypeOf(ipPacket)).put(ipPacket).array();
    }

    /** LINKTYPE_LINUX_SLL header (16 bytes), as tcpdump -i any wrote before libpcap 1.10. */
    static byte[] sll(int packetType, byte[] ipPacket) {
        return ByteBuffer.allocate(16 + ipPacket.length)
                .putShort((short) packetType).putShort((short) 1).putShort((short) 6)
                .put(new byte[] {0x02, 0, 0, 0, 0, 0x01, 0, 0})
                .putShort((short) etherTypeOf(ipPacket)).put(ipPacket).array();
    }

    /** LINKTYPE_LINUX_SLL2 header (20 bytes), as tcpdump -i any writes since libpcap 1.10. */
    static byte[] sll2(int ifIndex, int packetType, byte[] ipPacket) {
        return ByteBuffer.allocate(20 + ipPacket.length)
                .putShort((short) etherTypeOf(ipPacket)).putShort((short) 0).putInt(ifIndex)
                .putShort((short) 1).put((byte) packetType).put((byte) 6)
                .put(new byte[] {0x02, 0, 0, 0, 0, 0x01, 0, 0})
                .put(ipPacket).array();
    }

    /** LINKTYPE_NFLOG with a prefix TLV and a payload TLV, TLV headers little-endian. */
    static byte[] nflog(byte[] ipPacket) {
        return nflog(ipPacket, ByteOrder.LITTLE_ENDIAN);
    }

    /** LINKTYPE_NFLOG with TLV headers in the given order, as a host of that order writes them. */
    static byte[] nflog(byte[] ipPacket, ByteOrder tlvOrder) {
        byte[] prefix = "ipsec4j\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        int payloadTlv = 4 + ipPacket.length;
        ByteBuffer b = ByteBuffer.allocate(4 + 4 + prefix.length + LinkLayer.align4(payloadTlv));
        b.put((byte) ((ipPacket[0] & 0xF0) == 0x60 ? 10 : 2)).put((byte) 0).putShort((short) 7);
        b.order(tlvOrder);
        b.putShort((short) (4 + prefix.length)).putShort((short) 10).put(prefix); // NFULA_PREFIX
        b.putShort((short) payloadTlv).putShort((short) 9).put(ipPacket); // NFULA_PAYLOAD
        return b.array();
    }

    /** The frame of the given link type around an IP packet. */
    static byte[] frame(LinkType linkType, byte[] ipPacket) {
        return switch (linkType) {
            case ETHERNET -> ethernet(ipPacket);
            case LINUX_SLL -> sll(4, ipPacket);
            case LINUX_SLL2 -> sll2(3, 0, ipPacket);
            case RAW, IPV4, IPV6 -> ipPacket.clone();
            case NFLOG -> nflog(ipPacket);
        };
    }

    /** An IP packet a link type can carry: IPv6 for IPV6, IPv4 otherwise unless {@code preferV6}. */
    static byte[] ipPacketFor(LinkType linkType, boolean preferV6, int destinationPort) {
        boolean v6 = linkType == LinkType.IPV6 || (preferV6 && linkType != LinkType.IPV4);
        byte[] payload = ("payload to " + destinationPort).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        return v6 ? ipv6Udp(V6_SRC, V6_DST, 40000, destinationPort, payload)
                : ipv4Udp(V4_SRC, V4_DST, 40000, destinationPort, payload);
    }
}
