package org.ipsec4j.daemon.loop;

import java.io.IOException;
import java.net.InetAddress;
import java.net.StandardProtocolFamily;
import java.util.IdentityHashMap;
import java.util.Map;

import org.ipsec4j.esp.OutboundResult;
import org.ipsec4j.esp.sad.SecurityAssociation;
import org.ipsec4j.linux.SocketEndpoint;
import org.ipsec4j.linux.UdpSocket;
import org.ipsec4j.wire.Ipv6Packet;

/**
 * Whether an IPv6 raw AH socket without IPV6_HDRINCL (Linux before 4.5) would send the header the ICV covered.
 * The kernel writes version 6, the payload length of what it is given, the socket's protocol (51) as next
 * header, the destination we name, and a source address it picks by routing; traffic class, flow label and hop
 * limit are mutable for AH (RFC 4302 §3.3.3.1.2), the rest is not. So the data plane's packet must have the AH
 * right after the fixed header (no extension headers the kernel would not write), and the kernel's choice of
 * source must be the SA's address: asked once per SA with a connected UDP socket carrying our mark.
 */
final class KernelIpv6HeaderCheck {

    private static final int DISCARD_PORT = 9;

    private final int mark;
    private final Map<SecurityAssociation, Boolean> sourceMatches = new IdentityHashMap<>();

    KernelIpv6HeaderCheck(int mark) {
        this.mark = mark;
    }

    /** Null if the kernel's header would be the covered one, else why not. */
    String mismatch(OutboundResult r) {
        if (r.payloadOffset() - r.packetOffset() != Ipv6Packet.HEADER_LENGTH) {
            return "extension headers before the AH, which the kernel would not write";
        }
        SecurityAssociation sa = r.sa();
        Boolean matches = sourceMatches.get(sa);
        if (matches == null) {
            if (sourceMatches.size() > 1024) {
                sourceMatches.clear(); // SAs come and go with reloads
            }
            matches = kernelSource(sa.remoteAddress().toInetAddress()).equals(sa.localAddress().toInetAddress());
            sourceMatches.put(sa, matches);
        }
        return matches ? null : "the kernel would send from another source address than the SA's "
                + sa.localAddress();
    }

    private InetAddress kernelSource(InetAddress destination) {
        try (UdpSocket probe = UdpSocket.open(StandardProtocolFamily.INET6)) {
            probe.setMark(mark);
            probe.connect(SocketEndpoint.of(destination, DISCARD_PORT)); // a route lookup; nothing is sent
            return probe.localEndpoint().address();
        } catch (IOException e) {
            return InetAddress.getLoopbackAddress();
        }
    }
}
