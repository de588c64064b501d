package org.ipsec4j.daemon.loop;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import org.ipsec4j.daemon.config.OuterSocket;
import org.ipsec4j.daemon.config.SocketUnavailableException;
import org.ipsec4j.esp.selector.IpFamily;
import org.ipsec4j.linux.InetDatagramSocket;
import org.ipsec4j.linux.PathMtuDiscovery;
import org.ipsec4j.linux.RawIpSocket;
import org.ipsec4j.linux.SocketEndpoint;
import org.ipsec4j.linux.UdpSocket;

/**
 * The daemon's outer sockets, opened as the configuration needs them and kept open until the daemon stops:
 * UDP on the NAT-T port for ESP in UDP (RFC 3948), raw protocol-50 sockets for plain ESP and raw protocol-51
 * sockets for AH, per family. Each carries the firewall mark that keeps its packets out of the tunnel's routing
 * table ({@code SO_MARK}), and reports the destination address (pktinfo) and the TOS / traffic class of what it
 * receives, which the SAD lookup and RFC 6040 decapsulation use.
 *
 * <p>Which sockets send our own IP header: IPv4 raw sockets always (IP_HDRINCL: the data plane's DSCP, ECN and
 * identification go out as they are, and AH covers the identification); IPv6 raw AH sockets with IPV6_HDRINCL
 * where the kernel has it (4.5+; {@value #IPV6_HDRINCL_PROPERTY}{@code =false} turns it off, to test the
 * fallback), else the kernel writes the header and the outbound thread checks it would be the one AH covered.
 *
 * <p>A new socket is announced to {@code onOpen}, which starts its receiving thread.
 */
public final class OuterSocketSet implements AutoCloseable {

    /** System property: {@code false} keeps IPV6_HDRINCL off on IPv6 AH sockets (tests of the fallback). */
    public static final String IPV6_HDRINCL_PROPERTY = "ipsec4j.ipv6.hdrincl";

    /** Room for bursts while the receiving thread is busy: about 3000 full-size packets. */
    private static final int SOCKET_BUFFER_BYTES = 4 << 20;

    private final int mark;
    private final Consumer<String> log;
    private final Consumer<Opened> onOpen;
    private final Map<OuterSocket, InetDatagramSocket> sockets = new LinkedHashMap<>();
    private final Map<IpFamily, RawIpSocket> bypass = new LinkedHashMap<>();
    private final Set<OuterSocket> headerIncluded = new HashSet<>();
    private boolean closed;

    /** A socket just opened, and what it is for. */
    public record Opened(OuterSocket purpose, InetDatagramSocket socket) {}

    public OuterSocketSet(int mark, Consumer<String> log, Consumer<Opened> onOpen) {
        this.mark = mark;
        this.log = log;
        this.onOpen = onOpen;
    }

    /** The firewall mark on the daemon's own sockets. */
    public int mark() {
        return mark;
    }

    /** Opens whichever of {@code needed} is not open yet. */
    public synchronized void ensureOpen(Set<OuterSocket> needed) throws SocketUnavailableException {
        if (closed) {
            throw new SocketUnavailableException(needed.iterator().next(), "the daemon is stopping", null);
        }
        for (OuterSocket purpose : needed) {
            if (!sockets.containsKey(purpose)) {
                InetDatagramSocket socket = open(purpose);
                sockets.put(purpose, socket);
                log.accept("listening: " + purpose + ", marked 0x" + Integer.toHexString(mark));
                onOpen.accept(new Opened(purpose, socket));
            }
        }
    }

    private InetDatagramSocket open(OuterSocket purpose) throws SocketUnavailableException {
        StandardProtocolFamily family = javaFamily(purpose.family());
        InetDatagramSocket socket = null;
        try {
            if (purpose.isUdp()) {
                socket = UdpSocket.open(family);
                socket.setMark(mark);
                socket.setReceivePacketInfo(true);
                socket.setReceiveTrafficClass(true);
                socket.setReceiveErrors(true); // ICMP quoting our packets: path MTU (InboundLoop)
                socket.setReceiveBufferSize(SOCKET_BUFFER_BYTES);
                socket.setSendBufferSize(SOCKET_BUFFER_BYTES);
                socket.bind(SocketEndpoint.any(family, purpose.udpPort()));
                // Runs of datagrams from one peer come up as one (cut apart again by the inbound loop).
                ((UdpSocket) socket).setGenericReceiveOffload(true);
                if (family == StandardProtocolFamily.INET) {
                    // DF on every ESP packet this socket sends (those whose DF must be clear leave through the raw
                    // socket): Linux's default sets it only on a datagram no larger than the route's MTU, so a
                    // UDP_SEGMENT batch, larger as a whole, would leave with DF clear on every segment. PROBE also
                    // keeps the kernel's own path MTU out of it: the data plane sizes packets to the SA's. IKE
                    // messages sent here switch to the default for their send (IkeSockets).
                    socket.setPathMtuDiscovery(PathMtuDiscovery.PROBE);
                }
            } else {
                RawIpSocket raw = RawIpSocket.open(family, purpose.ipProtocol());
                socket = raw;
                raw.setMark(mark);
                raw.setReceivePacketInfo(true);
                raw.setReceiveTrafficClass(true);
                raw.setReceiveErrors(true);
                raw.setReceiveBufferSize(SOCKET_BUFFER_BYTES);
                raw.setSendBufferSize(SOCKET_BUFFER_BYTES);
                if (family == StandardProtocolFamily.INET) {
                    raw.setHeaderIncluded(true); // our outer header: DSCP, ECN and identification as we set them
                    headerIncluded.add(purpose);
                } else if (purpose.kind() == OuterSocket.Kind.RAW_AH) {
                    includeIpv6Header(raw, purpose);
                }
            }
            return socket;
        } catch (IOException e) {
            if (socket != null) {
                socket.close();
            }
            String reason = e.getMessage();
            if (reason != null && reason.contains("EADDRINUSE")) {
                reason = "UDP port " + purpose.udpPort() + " is in use by another program";
            }
            throw new SocketUnavailableException(purpose, "cannot open " + purpose + ": " + reason, e);
        }
    }

    /** AH covers the IPv6 header (RFC 4302 §3.3.3.1.2): send ours, where the kernel lets us (Linux 4.5+). */
    private void includeIpv6Header(RawIpSocket raw, OuterSocket purpose) {
        if (!Boolean.parseBoolean(System.getProperty(IPV6_HDRINCL_PROPERTY, "true"))) {
            log.accept(purpose + ": IPV6_HDRINCL off (" + IPV6_HDRINCL_PROPERTY + "=false); the kernel writes the "
                    + "IPv6 header, checked against what AH covers");
            return;
        }
        try {
            raw.setHeaderIncluded(true);
            headerIncluded.add(purpose);
        } catch (IOException e) {
            log.accept(purpose + ": no IPV6_HDRINCL (" + e.getMessage() + "); the kernel writes the IPv6 header, "
                    + "checked against what AH covers");
        }
    }

    /** Whether the socket for {@code purpose} sends the data plane's whole packet, IP header included. */
    public synchronized boolean sendsOwnHeader(OuterSocket purpose) {
        return headerIncluded.contains(purpose);
    }

    /** The socket for {@code purpose}, or null if it is not open. */
    public synchronized InetDatagramSocket socket(OuterSocket purpose) {
        return sockets.get(purpose);
    }

    /** The UDP socket for ESP in UDP on a local port, or null. */
    public synchronized UdpSocket udp(IpFamily family, int port) {
        return (UdpSocket) sockets.get(OuterSocket.udp(family, port));
    }


    /**
     * A raw IPPROTO_RAW socket (the header included, for IPv6 too) that sends packets the SPD says to bypass,
     * in the clear, by the main routing table: they came out of the tunnel device, and the mark keeps them from
     * going back in.
     */
    public synchronized RawIpSocket bypass(IpFamily family) throws IOException {
        RawIpSocket socket = bypass.get(family);
        if (socket == null) {
            socket = RawIpSocket.open(javaFamily(family), 255);
            socket.setMark(mark);
            bypass.put(family, socket);
        }
        return socket;
    }

    public synchronized List<InetDatagramSocket> all() {
        return List.copyOf(sockets.values());
    }

    static StandardProtocolFamily javaFamily(IpFamily family) {
        return family == IpFamily.IPV4 ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6;
    }

    /** Closes every socket, which ends the threads receiving on them. */
    @Override
    public synchronized void close() {
        closed = true;
        sockets.values().forEach(InetDatagramSocket::close);
        bypass.values().forEach(InetDatagramSocket::close);
    }
}
