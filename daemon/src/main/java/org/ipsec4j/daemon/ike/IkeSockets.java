package org.ipsec4j.daemon.ike;

import java.io.IOException;
import java.net.InetAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import org.ipsec4j.daemon.config.OuterSocket;
import org.ipsec4j.daemon.config.SocketUnavailableException;
import org.ipsec4j.daemon.loop.DataPlaneGate;
import org.ipsec4j.daemon.loop.OuterSocketSet;
import org.ipsec4j.daemon.loop.RateLimitedLog;
import org.ipsec4j.esp.DataPlane;
import org.ipsec4j.esp.PathMtuResult;
import org.ipsec4j.esp.selector.IpAddress;
import org.ipsec4j.esp.selector.IpFamily;
import org.ipsec4j.ike.sa.Endpoint;
import org.ipsec4j.ike.sa.IkeDatagram;
import org.ipsec4j.linux.DatagramBatch;
import org.ipsec4j.linux.ErrnoException;
import org.ipsec4j.linux.InetDatagramSocket;
import org.ipsec4j.linux.PathMtuDiscovery;
import org.ipsec4j.linux.SocketEndpoint;
import org.ipsec4j.linux.SocketError;
import org.ipsec4j.wire.IpProtocol;
import org.ipsec4j.linux.UdpSocket;

/**
 * IKE's sockets. UDP 500 is IKE's own, with a receiving thread per family. UDP 4500 is the data plane's
 * ESP-in-UDP socket, shared as RFC 3948 intends: IKE messages on it arrive through the data plane's inbound
 * thread (non-ESP marker, {@code InboundResult.Action.IKE}) and leave from here with the marker in front. The
 * raw ESP sockets are opened too, for Child SAs negotiated without UDP encapsulation. All carry the daemon's
 * firewall mark, so IKE never loops into the tunnel.
 *
 * <p>IPv4 is required; IPv6 is opened where the system has it and otherwise logged.
 */
final class IkeSockets implements IkeTransport, AutoCloseable {

    static final int IKE_PORT = 500;
    static final int NAT_T_PORT = 4500;
    private static final int SLOTS = 8;
    private static final int MAX_MESSAGE = 65_535;

    private final OuterSocketSet outer;
    private final DataPlaneGate gate;
    /** Takes path MTU reports quoting IKE messages from port 500 (under the gate: its packet threads use it too). */
    private final DataPlane plane;
    private final PathMtuResult pathMtuResult = new PathMtuResult();
    private final RateLimitedLog pathMtuLog;
    private final Consumer<String> log;
    private final Map<IpFamily, UdpSocket> ikePort = new EnumMap<>(IpFamily.class);
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean closed;

    private IkeSockets(OuterSocketSet outer, DataPlaneGate gate, DataPlane plane, Consumer<String> log) {
        this.outer = outer;
        this.gate = gate;
        this.plane = plane;
        this.log = log;
        this.pathMtuLog = new RateLimitedLog(log, 10_000_000_000L);
    }

    /**
     * Opens the sockets and starts receiving on port 500.
     *
     * @throws SocketUnavailableException an IPv4 socket cannot be opened (a port in use), one line
     */
    static IkeSockets open(OuterSocketSet outer, DataPlaneGate gate, DataPlane plane, Consumer<IkeDatagram> receiver,
            Consumer<String> log) throws SocketUnavailableException {
        IkeSockets sockets = new IkeSockets(outer, gate, plane, log);
        try {
            sockets.openFamily(IpFamily.IPV4, receiver, true);
            sockets.openFamily(IpFamily.IPV6, receiver, false);
            return sockets;
        } catch (SocketUnavailableException | RuntimeException e) {
            sockets.close();
            throw e;
        }
    }

    private void openFamily(IpFamily family, Consumer<IkeDatagram> receiver, boolean required)
            throws SocketUnavailableException {
        String f = family == IpFamily.IPV4 ? "IPv4" : "IPv6";
        OuterSocket ike = OuterSocket.udp(family, IKE_PORT);
        UdpSocket socket = null;
        try {
            socket = UdpSocket.open(family == IpFamily.IPV4 ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6);
            socket.setMark(outer.mark());
            socket.setReceivePacketInfo(true);
            socket.setReceiveErrors(true); // "fragmentation needed" quoting our IKE messages: the path's MTU
            socket.bind(SocketEndpoint.any(socket.family(), IKE_PORT));
        } catch (IOException e) {
            if (socket != null) {
                socket.close();
            }
            String reason = e instanceof ErrnoException errno && errno.getMessage().contains("EADDRINUSE")
                    ? "UDP port 500 is in use by another program (another IKE daemon?)" : e.getMessage();
            if (required) {
                throw new SocketUnavailableException(ike, "cannot open UDP port 500 (" + f + ") for IKE: " + reason, e);
            }
            log.accept("ike: no " + f + " (" + reason + "); IKE over IPv4 only");
            return;
        }
        try {
            outer.ensureOpen(Set.of(OuterSocket.udp(family, NAT_T_PORT)));
            outer.ensureOpen(Set.of(OuterSocket.rawEsp(family)));
        } catch (SocketUnavailableException e) {
            if (required) {
                socket.close();
                throw e;
            }
            log.accept("ike: " + e.getMessage() + "; IKE over IPv4 only");
            socket.close();
            return;
        }
        ikePort.put(family, socket);
        log.accept("listening: IKE on UDP port 500 and 4500 (" + f + "), marked 0x" + Integer.toHexString(outer.mark()));
        UdpSocket receiving = socket;
        threads.add(Thread.ofPlatform().name("ipsec4j-ike-" + f.toLowerCase()).daemon()
                .start(() -> receive(receiving, receiver)));
    }

    private void receive(UdpSocket socket, Consumer<IkeDatagram> receiver) {
        try (DatagramBatch batch = DatagramBatch.allocate(SLOTS, MAX_MESSAGE)) {
            while (true) {
                int n = socket.receive(batch);
                if (n == 0) {
                    pathMtuReports(socket);
                }
                for (int i = 0; i < n; i++) {
                    if (batch.truncated(i)) {
                        continue; // larger than any IKE message may be; nothing to parse
                    }
                    byte[] data = new byte[batch.length(i)];
                    batch.copy(i, data, 0);
                    receiver.accept(datagram(batch.source(i), batch.localAddress(i), IKE_PORT, data));
                }
            }
        } catch (ClosedChannelException e) {
            // closed: the daemon is stopping
        } catch (IOException | RuntimeException e) {
            if (!closed) {
                log.accept("ike: receiving on UDP port 500 stopped: " + e);
            }
        }
    }

    /**
     * ICMP errors about our IKE messages on port 500 (IP_RECVERR): a "fragmentation needed" / "packet too big"
     * goes to the data plane, which checks the quoted IKE SPIs against the live IKE SAs and lowers the path MTU
     * of the Child SAs between the same addresses.
     */
    private void pathMtuReports(UdpSocket socket) throws IOException {
        for (int i = 0; i < 16; i++) {
            SocketError error = socket.tryReceiveError();
            if (error == null) {
                return;
            }
            if (!error.isPacketTooBig() || error.origin() == SocketError.Origin.LOCAL
                    || error.originalDestination() == null) {
                continue;
            }
            byte[] quote = error.payload();
            IpAddress remote = IpAddress.of(error.originalDestination().address());
            long now = System.nanoTime();
            PathMtuResult[] result = new PathMtuResult[1];
            gate.exclusively(() -> result[0] = plane.pathMtuReported(null, remote, IpProtocol.UDP, IKE_PORT,
                    error.originalDestination().port(), quote, 0, quote.length, error.mtu(), now, pathMtuResult));
            pathMtuLog.log("ike: ICMP reporting MTU " + error.mtu() + " for an IKE message to " + remote + ": "
                    + result[0], now);
        }
    }

    /** The engine's view of a received message: our end (address unknown: the family's any), the peer's end. */
    static IkeDatagram datagram(SocketEndpoint source, InetAddress local, int localPort, byte[] message) {
        IpAddress peer = IpAddress.of(source.address());
        IpAddress us = local != null ? IpAddress.of(local) : IpAddress.zero(peer.family());
        return new IkeDatagram(new Endpoint(us, localPort), new Endpoint(peer, source.port()), message);
    }

    /** Sends from our port 500 or 4500 (then with the non-ESP marker, RFC 3948 §2.2) to the peer's end. */
    @Override
    public void send(IkeDatagram d) throws IOException {
        IpFamily family = d.remote().address().family();
        int port = d.local().port();
        InetDatagramSocket socket = port == IKE_PORT ? ikePort.get(family) : outer.udp(family, port);
        if (socket == null) {
            throw new IOException("no UDP port " + port + " socket for " + (family == IpFamily.IPV4 ? "IPv4" : "IPv6"));
        }
        byte[] data = d.data();
        if (d.needsNonEspMarker()) {
            byte[] marked = new byte[4 + data.length];
            System.arraycopy(data, 0, marked, 4, data.length);
            data = marked;
        }
        if (d.dontFragment()) {
            sendUnfragmented(d, data);
            return;
        }
        SocketEndpoint to = SocketEndpoint.of(d.remote().address().toInetAddress(), d.remote().port());
        if (port == IKE_PORT) {
            socket.send(data, 0, data.length, to);
            return;
        }
        // The NAT-T socket is the data plane's: send while its packet threads wait, as its timer does. Its IPv4
        // socket sets DF on everything (OuterSocketSet); an IKE message takes the kernel's default for its send, so
        // that one too large for the link is fragmented by IP, as on port 500, rather than refused.
        byte[] bytes = data;
        boolean v4 = family == IpFamily.IPV4;
        IOException[] failed = new IOException[1];
        gate.exclusively(() -> {
            try {
                if (v4) {
                    socket.setPathMtuDiscovery(PathMtuDiscovery.WANT);
                }
                try {
                    socket.send(bytes, 0, bytes.length, to);
                } finally {
                    if (v4) {
                        socket.setPathMtuDiscovery(PathMtuDiscovery.PROBE);
                    }
                }
            } catch (IOException e) {
                failed[0] = e;
            }
        });
        if (failed[0] != null) {
            throw failed[0];
        }
    }

    /**
     * A path MTU probe: one IP packet of exactly its size, DF set (IPv6 routers never fragment), never fragmented
     * here. It leaves whole, header included, through the daemon's marked raw socket (the kernel refuses with
     * EMSGSIZE what exceeds the interface MTU, rather than fragmenting it), from the IKE port it belongs to, so
     * that the answer comes back to that port like any other.
     */
    private void sendUnfragmented(IkeDatagram d, byte[] payload) throws IOException {
        IpFamily family = d.remote().address().family();
        IpAddress source = d.local().address();
        if (source.equals(IpAddress.zero(family))) {
            throw new IOException("no local address to send a path MTU probe from (" + d + ")");
        }
        boolean v4 = family == IpFamily.IPV4;
        int headers = (v4 ? 20 : 40) + 8;
        byte[] packet = new byte[headers + payload.length];
        System.arraycopy(payload, 0, packet, headers, payload.length);
        if (v4) {
            org.ipsec4j.wire.UdpDatagram.writeIpv4(packet, 0, source.ipv4Value(), d.remote().address().ipv4Value(),
                    d.local().port(), d.remote().port(), 64, 0, true, payload.length);
        } else {
            org.ipsec4j.wire.UdpDatagram.writeIpv6(packet, 0, source.toBytes(), 0, d.remote().address().toBytes(), 0,
                    d.local().port(), d.remote().port(), 64, payload.length);
        }
        outer.bypass(family).send(packet, 0, packet.length,
                SocketEndpoint.of(d.remote().address().toInetAddress(), 0));
    }

    @Override
    public void close() {
        closed = true;
        ikePort.values().forEach(InetDatagramSocket::close);
        for (Thread t : threads) {
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
