package org.ipsec4j.diag.analyze;

import org.ipsec4j.wire.BigEndian;
import org.ipsec4j.wire.Ipv4Packet;
import org.ipsec4j.wire.Ipv6Packet;
import org.ipsec4j.wire.MalformedPacketException;

/**
 * Reads the IP header of a packet with {@code wire}'s views into {@link IpHeaderFields}. One instance per
 * thread; its views are reused.
 */
final class PacketDissector {

    private final Ipv4Packet ipv4 = new Ipv4Packet();
    private final Ipv6Packet ipv6 = new Ipv6Packet();

    /**
     * Fills {@code out} from the IPv4 packet at {@code buf[off, off+len)}.
     *
     * @param cut the bytes may end before the packet does (a snapshot length, an ICMP quote)
     * @throws MalformedPacketException if the header is not valid
     */
    void ipv4(byte[] buf, int off, int len, boolean cut, IpHeaderFields out) {
        Ipv4Packet ip = cut ? ipv4.wrapQuoted(buf, off, len) : ipv4.wrap(buf, off, len);
        out.buffer = buf;
        out.addresses(false, 0, Integer.toUnsignedLong(ip.sourceAddress()), 0,
                Integer.toUnsignedLong(ip.destinationAddress()));
        out.ipOffset = off;
        out.ipLength = ip.totalLength();
        out.dontFragment = ip.dontFragment();
        out.ttl = ip.ttl();
        out.identification = ip.identification();
        out.fragment = ip.isFragment();
        out.fragmentOffset = ip.fragmentOffset();
        out.moreFragments = ip.moreFragments();
        out.protocol = ip.protocol();
        out.transportOffset = ip.payloadOffset();
        out.transportPresent = ip.payloadLength();
        int wire = ip.totalLength() - ip.headerLength();
        out.fragmentDataLength = out.fragment ? wire : 0;
        out.transportWireLength = out.fragment ? -1 : wire;
    }

    /** Like {@link #ipv4} for IPv6, walking the extension-header chain. */
    void ipv6(byte[] buf, int off, int len, boolean cut, IpHeaderFields out) {
        Ipv6Packet ip = cut ? ipv6.wrapQuoted(buf, off, len) : ipv6.wrap(buf, off, len);
        out.buffer = buf;
        int s = ip.sourceOffset();
        int d = ip.destinationOffset();
        out.addresses(true, BigEndian.i64(buf, s), BigEndian.i64(buf, s + 8), BigEndian.i64(buf, d),
                BigEndian.i64(buf, d + 8));
        out.ipOffset = off;
        out.ipLength = ip.totalLength();
        out.dontFragment = true;
        out.ttl = ip.hopLimit();
        out.fragment = ip.isFragment();
        out.identification = ip.fragmentHeaderOffset() >= 0 ? ip.fragmentIdentification() : 0;
        out.fragmentOffset = ip.fragmentOffset();
        out.moreFragments = ip.moreFragments();
        if (out.fragment) {
            out.fragmentDataLength = ip.totalLength() - (ip.fragmentDataOffset() - off);
            out.protocol = ip.fragmentOffset() == 0 && ip.upperLayerProtocol() >= 0 ? ip.upperLayerProtocol()
                    : ip.fragmentNextHeader();
            if (ip.fragmentOffset() == 0 && ip.upperLayerOffset() >= 0) {
                out.transportOffset = ip.upperLayerOffset();
                out.transportPresent = ip.upperLayerLength();
            } else {
                out.transportOffset = ip.fragmentDataOffset();
                out.transportPresent = Math.max(0, ip.end() - ip.fragmentDataOffset());
            }
            out.transportWireLength = -1;
        } else {
            out.fragmentDataLength = 0;
            out.protocol = ip.upperLayerProtocol();
            out.transportOffset = ip.upperLayerOffset();
            out.transportPresent = Math.max(0, ip.upperLayerLength());
            out.transportWireLength = ip.upperLayerOffset() < 0 ? -1
                    : ip.totalLength() - (ip.upperLayerOffset() - off);
        }
    }
}
