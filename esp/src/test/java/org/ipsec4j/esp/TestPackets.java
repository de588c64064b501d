package org.ipsec4j.esp;

import org.ipsec4j.esp.selector.IpAddress;
import org.ipsec4j.wire.Icmpv4Message;
import org.ipsec4j.wire.Icmpv6Message;
import org.ipsec4j.wire.IpProtocol;
import org.ipsec4j.wire.Ipv4Packet;
import org.ipsec4j.wire.Ipv6Packet;
import org.ipsec4j.wire.TcpSegment;
import org.ipsec4j.wire.UdpDatagram;

/** Inner packets for tests, built with the wire builders at {@code buf[off]}; each returns its length. */
public final class TestPackets {

    private TestPackets() {}

    /** Room for any packet with generous headroom (use offset {@link #OFFSET}) and tailroom. */
    public static byte[] buffer() {
        return new byte[OFFSET + 65535 + 256];
    }

    public static final int OFFSET = 256;

    private static void fill(byte[] buf, int off, int len, int seed) {
        for (int i = 0; i < len; i++) {
            buf[off + i] = (byte) (seed + i * 7);
        }
    }

    public static int udp(byte[] buf, int off, String src, String dst, int sport, int dport, int payloadLength) {
        IpAddress s = IpAddress.parse(src);
        IpAddress d = IpAddress.parse(dst);
        if (s.family() != d.family()) {
            throw new IllegalArgumentException("mixed families");
        }
        if (s.family() == org.ipsec4j.esp.selector.IpFamily.IPV4) {
            fill(buf, off + 28, payloadLength, sport);
            return UdpDatagram.writeIpv4(buf, off, s.ipv4Value(), d.ipv4Value(), sport, dport, 64, 0x1234, true,
                    payloadLength);
        }
        fill(buf, off + 48, payloadLength, sport);
        return UdpDatagram.writeIpv6(buf, off, s.toBytes(), 0, d.toBytes(), 0, sport, dport, 64, payloadLength);
    }

    public static int tcp(byte[] buf, int off, String src, String dst, int sport, int dport, int payloadLength) {
        IpAddress s = IpAddress.parse(src);
        IpAddress d = IpAddress.parse(dst);
        if (s.family() == org.ipsec4j.esp.selector.IpFamily.IPV4) {
            int total = 20 + 20 + payloadLength;
            Ipv4Packet.writeHeader(buf, off, 0, total, 7, true, 64, IpProtocol.TCP, s.ipv4Value(), d.ipv4Value());
            TcpSegment.writeHeader(buf, off + 20, sport, dport, 1000, 0, TcpSegment.ACK, 65535, null, 0, 0);
            fill(buf, off + 40, payloadLength, dport);
            Ipv4Packet ip = Ipv4Packet.parse(buf, off, total);
            TcpSegment.parse(buf, off + 20, 20 + payloadLength).updateChecksum(ip);
            return total;
        }
        int total = 40 + 20 + payloadLength;
        Ipv6Packet.writeHeader(buf, off, 0, 0, 20 + payloadLength, IpProtocol.TCP, 64, s.toBytes(), 0, d.toBytes(), 0);
        TcpSegment.writeHeader(buf, off + 40, sport, dport, 1000, 0, TcpSegment.ACK, 65535, null, 0, 0);
        fill(buf, off + 60, payloadLength, dport);
        Ipv6Packet ip = Ipv6Packet.parse(buf, off, total);
        TcpSegment.parse(buf, off + 40, 20 + payloadLength).updateChecksum(ip);
        return total;
    }

    /** An echo request (ICMP or ICMPv6 by family) with {@code dataLength} bytes of data. */
    public static int ping(byte[] buf, int off, String src, String dst, int sequence, int dataLength) {
        IpAddress s = IpAddress.parse(src);
        IpAddress d = IpAddress.parse(dst);
        if (s.family() == org.ipsec4j.esp.selector.IpFamily.IPV4) {
            fill(buf, off + 28, dataLength, sequence);
            return Icmpv4Message.writeEchoPacket(buf, off, s.ipv4Value(), d.ipv4Value(), 64,
                    Icmpv4Message.TYPE_ECHO_REQUEST, 0x77, sequence, dataLength);
        }
        fill(buf, off + 48, dataLength, sequence);
        return Icmpv6Message.writeEchoPacket(buf, off, s.toBytes(), 0, d.toBytes(), 0, 64,
                Icmpv6Message.TYPE_ECHO_REQUEST, 0x77, sequence, dataLength);
    }

    /** An ICMPv6 message of any type with a zeroed body of {@code bodyLength} bytes after the 4-byte header. */
    public static int icmpv6(byte[] buf, int off, String src, String dst, int type, int code, int bodyLength) {
        int icmpLength = 4 + bodyLength;
        Ipv6Packet.writeHeader(buf, off, 0, 0, icmpLength, IpProtocol.ICMPV6, 255, IpAddress.parse(src).toBytes(), 0,
                IpAddress.parse(dst).toBytes(), 0);
        buf[off + 40] = (byte) type;
        buf[off + 41] = (byte) code;
        java.util.Arrays.fill(buf, off + 42, off + 44 + bodyLength, (byte) 0);
        Ipv6Packet ip = Ipv6Packet.parse(buf, off, 40 + icmpLength);
        Icmpv6Message.parse(buf, off + 40, icmpLength).updateChecksum(ip);
        return 40 + icmpLength;
    }

    /** A non-first IPv4 fragment (offset in bytes) of the given protocol with {@code dataLength} bytes. */
    public static int ipv4Fragment(byte[] buf, int off, String src, String dst, int protocol, int offsetBytes,
                                   boolean more, int dataLength) {
        int total = 20 + dataLength;
        Ipv4Packet.writeHeader(buf, off, 0, total, 99, (more ? 0x2000 : 0) | (offsetBytes >>> 3), 64, protocol,
                IpAddress.parse(src).ipv4Value(), IpAddress.parse(dst).ipv4Value(), null, 0, 0);
        fill(buf, off + 20, dataLength, 3);
        return total;
    }

    /** A non-first IPv6 fragment of the given next header with {@code dataLength} bytes. */
    public static int ipv6Fragment(byte[] buf, int off, String src, String dst, int nextHeader, int offsetBytes,
                                   boolean more, int dataLength) {
        Ipv6Packet.writeHeader(buf, off, 0, 0, 8 + dataLength, IpProtocol.IPV6_FRAG, 64,
                IpAddress.parse(src).toBytes(), 0, IpAddress.parse(dst).toBytes(), 0);
        Ipv6Packet.writeFragmentHeader(buf, off + 40, nextHeader, offsetBytes, more, 0x5555);
        fill(buf, off + 48, dataLength, 5);
        return 48 + dataLength;
    }
}
