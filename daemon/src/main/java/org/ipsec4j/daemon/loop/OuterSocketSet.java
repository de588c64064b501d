package org.ipsec4j.daemon.loop;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import org.ipsec4j.daemon.config.OuterSocket;
import org.ipsec4j.daemon.config.SocketUnavailableException;
import org.ipsec4j.esp.selector.IpFamily;
import org.ipsec4j.linux.InetDatagramSocket;
import org.ipsec4j.linux.RawIpSocket;
import org.ipsec4j.linux.SocketEndpoint;
import org.ipsec4j.linux.UdpSocket;

/**
 * The daemon's outer sockets, opened as the configuration needs them and kept open until the daemon stops:
 * UDP on the NAT-T port for ESP in UDP (RFC 3948) and raw protocol-50 sockets for plain ESP, per family. Each
 * carries the firewall mark that keeps its packets out of the tunnel's routing table ({@code SO_MARK}), and
 * reports the destination address of what it receives (pktinfo), which the SAD lookup uses.
 *
 * <p>A new socket is announced to {@code onOpen}, which starts its receiving thread.
 */
public final class OuterSocketSet implements AutoCloseable {

    /** Room for bursts while the receiving thread is busy: about 3000 full-size packets. */
    private static final int SOCKET_BUFFER_BYTES = 4 << 20;

    private final int mark;
    private final Consumer<String> log;
    private final Consumer<Opened> onOpen;
    private final Map<OuterSocket, InetDatagramSocket> sockets = new LinkedHashMap<>();
    private final Map<IpFamily, RawIpSocket> bypass = new LinkedHashMap<>();
    private boolean closed;

    /** A socket just opened, and what it is for. */
    public record Opened(OuterSocket purpose, InetDatagramSocket socket) {}

    public OuterSocketSet(int mark, Consumer<String> log, Consumer<Opened> onOpen) {
        this.mark = mark;
        this.log = log;
        this.onOpen = onOpen;
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
                socket.setReceiveBufferSize(SOCKET_BUFFER_BYTES);
                socket.setSendBufferSize(SOCKET_BUFFER_BYTES);
                socket.bind(SocketEndpoint.any(family, purpose.udpPort()));
                // Runs of datagrams from one peer come up as one (cut apart again by the inbound loop).
                ((UdpSocket) socket).setGenericReceiveOffload(true);
            } else {
                RawIpSocket raw = RawIpSocket.open(family, RawIpSocket.ESP);
                socket = raw;
                raw.setMark(mark);
                raw.setReceivePacketInfo(true);
                raw.setReceiveBufferSize(SOCKET_BUFFER_BYTES);
                raw.setSendBufferSize(SOCKET_BUFFER_BYTES);
                if (family == StandardProtocolFamily.INET) {
                    raw.setHeaderIncluded(true); // our outer header: DSCP and ECN as the data plane set them
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

    /** The UDP socket for ESP in UDP on a local port, or null. */
    public synchronized UdpSocket udp(IpFamily family, int port) {
        return (UdpSocket) sockets.get(OuterSocket.udp(family, port));
    }

    /** The raw ESP socket of a family, or null. */
    public synchronized RawIpSocket rawEsp(IpFamily family) {
        return (RawIpSocket) sockets.get(OuterSocket.rawEsp(family));
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
