package org.ipsec4j.esp.selector;

import org.ipsec4j.wire.BigEndian;
import org.ipsec4j.wire.Icmpv4Message;
import org.ipsec4j.wire.Icmpv6Message;
import org.ipsec4j.wire.IpProtocol;
import org.ipsec4j.wire.Ipv4Packet;
import org.ipsec4j.wire.Ipv6Packet;
import org.ipsec4j.wire.MalformedPacketException;
import org.ipsec4j.wire.TcpSegment;
import org.ipsec4j.wire.UdpDatagram;

/**
 * Derives a packet's selector values (RFC 4301 §4.4.1.1) through the wire views: addresses, the next layer
 * protocol after IPv6 extension headers, and ports or ICMP type/code.
 *
 * <p>Non-initial fragments have OPAQUE ports (RFC 4301 §4.4.1 and §7): for IPv4 the protocol field is still
 * known; for IPv6 the fragment header's Next Header is used unless it names another extension header, in
 * which case the protocol is OPAQUE too. First fragments are classified from the transport header they
 * carry.
 *
 * <p>One instance per thread; it keeps the views of the last packet, which callers may reuse
 * ({@link #ipv4()}, {@link #ipv6()}) instead of wrapping the packet again. Allocates nothing per packet.
 */
public final class PacketClassifier {

    private final Ipv4Packet ipv4 = new Ipv4Packet();
    private final Ipv6Packet ipv6 = new Ipv6Packet();
    private final UdpDatagram udp = new UdpDatagram();
    private final TcpSegment tcp = new TcpSegment();
    private final Icmpv4Message icmpv4 = new Icmpv4Message();
    private final Icmpv6Message icmpv6 = new Icmpv6Message();
    private IpFamily lastFamily;

    /**
     * Classifies the IP packet at {@code buf[off .. off+len)}.
     *
     * @param localIsSource true for outbound traffic (local = source), false for inbound (local = destination)
     * @return the packet's family; the matching view ({@link #ipv4()} or {@link #ipv6()}) is wrapped over it
     * @throws MalformedPacketException if the IP header or the transport header needed for the ports is bad
     */
    public IpFamily classify(byte[] buf, int off, int len, boolean localIsSource, PacketSelector out) {
        if (len < 1) {
            throw new MalformedPacketException("ip.version", off, "empty packet");
        }
        int version = (buf[off] & 0xFF) >>> 4;
        lastFamily = null;
        if (version == 4) {
            classifyIpv4(buf, off, len, localIsSource, out);
            return lastFamily = IpFamily.IPV4;
        } else if (version == 6) {
            classifyIpv6(buf, off, len, localIsSource, out);
            return lastFamily = IpFamily.IPV6;
        }
        throw new MalformedPacketException("ip.version", off, "version " + version + " is neither 4 nor 6");
    }

    /** The IPv4 view of the last packet classified, if it was IPv4. */
    public Ipv4Packet ipv4() {
        return ipv4;
    }

    /** The IPv6 view of the last packet classified, if it was IPv6. */
    public Ipv6Packet ipv6() {
        return ipv6;
    }

    public IpFamily lastFamily() {
        return lastFamily;
    }

    private void classifyIpv4(byte[] buf, int off, int len, boolean localIsSource, PacketSelector out) {
        Ipv4Packet ip = ipv4.wrap(buf, off, len);
        long src = Integer.toUnsignedLong(ip.sourceAddress());
        long dst = Integer.toUnsignedLong(ip.destinationAddress());
        if (localIsSource) {
            out.setAddresses(IpFamily.IPV4, 0, src, 0, dst);
        } else {
            out.setAddresses(IpFamily.IPV4, 0, dst, 0, src);
        }
        int protocol = ip.protocol();
        if (ip.fragmentOffset() != 0) {
            out.setProtocol(protocol, PortSelector.OPAQUE_VALUE, PortSelector.OPAQUE_VALUE);
            return;
        }
        setPorts(protocol, buf, ip.payloadOffset(), ip.payloadLength(), ip.moreFragments(), localIsSource, out);
    }

    private void classifyIpv6(byte[] buf, int off, int len, boolean localIsSource, PacketSelector out) {
        Ipv6Packet ip = ipv6.wrap(buf, off, len);
        long srcHigh = BigEndian.i64(buf, ip.sourceOffset());
        long srcLow = BigEndian.i64(buf, ip.sourceOffset() + 8);
        long dstHigh = BigEndian.i64(buf, ip.destinationOffset());
        long dstLow = BigEndian.i64(buf, ip.destinationOffset() + 8);
        if (localIsSource) {
            out.setAddresses(IpFamily.IPV6, srcHigh, srcLow, dstHigh, dstLow);
        } else {
            out.setAddresses(IpFamily.IPV6, dstHigh, dstLow, srcHigh, srcLow);
        }
        int upper = ip.upperLayerProtocol();
        if (upper < 0) {
            // Non-first fragment: the header after the fragment header is not in this packet.
            int next = ip.fragmentNextHeader();
            int protocol = IpProtocol.isIpv6ExtensionHeader(next) ? TrafficSelector.ANY_PROTOCOL : next;
            out.setProtocol(protocol, PortSelector.OPAQUE_VALUE, PortSelector.OPAQUE_VALUE);
            return;
        }
        setPorts(upper, buf, ip.upperLayerOffset(), ip.upperLayerLength(), ip.isFragment(), localIsSource, out);
    }

    private void setPorts(int protocol, byte[] buf, int tOff, int tLen, boolean firstFragment, boolean localIsSource,
                          PacketSelector out) {
        int srcPort;
        int dstPort;
        switch (protocol) {
            case IpProtocol.TCP -> {
                TcpSegment t = tcp.wrap(buf, tOff, tLen);
                srcPort = t.sourcePort();
                dstPort = t.destinationPort();
            }
            case IpProtocol.UDP -> {
                // A first fragment carries the header but not the length the UDP header claims.
                UdpDatagram u = firstFragment ? udp.wrapQuoted(buf, tOff, tLen) : udp.wrap(buf, tOff, tLen);
                srcPort = u.sourcePort();
                dstPort = u.destinationPort();
            }
            case IpProtocol.ICMP -> {
                Icmpv4Message m = icmpv4.wrap(buf, tOff, tLen);
                out.setProtocol(protocol, PortSelector.icmpValue(m.type(), m.code()), PortSelector.OPAQUE_VALUE);
                return;
            }
            case IpProtocol.ICMPV6 -> {
                Icmpv6Message m = icmpv6.wrap(buf, tOff, tLen);
                out.setProtocol(protocol, PortSelector.icmpValue(m.type(), m.code()), PortSelector.OPAQUE_VALUE);
                return;
            }
            case 33, 132, 136 -> {
                // DCCP (RFC 4340 §5.1), SCTP (RFC 9260 §3.1) and UDP-Lite (RFC 3828 §3) start with the two
                // ports like UDP; wire has no view for them, so the four bytes are read here.
                if (tLen < 4) {
                    throw new MalformedPacketException("transport.ports", tOff, "need 4 bytes, have " + tLen);
                }
                srcPort = BigEndian.u16(buf, tOff);
                dstPort = BigEndian.u16(buf, tOff + 2);
            }
            default -> {
                out.setProtocol(protocol, PortSelector.OPAQUE_VALUE, PortSelector.OPAQUE_VALUE);
                return;
            }
        }
        if (localIsSource) {
            out.setProtocol(protocol, srcPort, dstPort);
        } else {
            out.setProtocol(protocol, dstPort, srcPort);
        }
    }
}
