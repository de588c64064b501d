package org.ipsec4j.daemon.ike;

import java.net.InetAddress;
import java.util.function.Consumer;

import org.ipsec4j.daemon.dump.TunnelDumps;
import org.ipsec4j.daemon.config.SocketUnavailableException;
import org.ipsec4j.daemon.loop.DataPlaneGate;
import org.ipsec4j.daemon.loop.OuterSocketSet;
import org.ipsec4j.esp.DataPlane;
import org.ipsec4j.ike.kernel.DataPlaneKernel;
import org.ipsec4j.linux.SocketEndpoint;

/**
 * IKE as the daemon runs it: the {@link IkeService} over the data plane ({@link DataPlaneKernel} behind the
 * gate) and its {@link IkeSockets}. Messages on the NAT-traversal port reach it through {@link #receive}, which
 * the data plane's inbound threads call.
 */
public final class IkeRuntime implements AutoCloseable {

    private final IkeService service;
    private final IkeSockets sockets;

    private IkeRuntime(IkeService service, IkeSockets sockets) {
        this.service = service;
        this.sockets = sockets;
    }

    /**
     * Opens the IKE sockets and starts the IKE thread.
     *
     * @param plane any data plane over the daemon's SAD and SPD (they are shared)
     * @throws SocketUnavailableException port 500 or 4500 is taken, or a raw ESP socket refused
     */
    public static IkeRuntime start(IkeConfiguration configuration, DataPlane plane, DataPlaneGate gate,
            OuterSocketSet outer, IkeService.NetworkListener network, Consumer<String> log)
            throws SocketUnavailableException {
        return start(configuration, plane, gate, outer, network, new TunnelDumps(log), log);
    }

    /** As above, with the daemon's tunnel dumps. */
    public static IkeRuntime start(IkeConfiguration configuration, DataPlane plane, DataPlaneGate gate,
            OuterSocketSet outer, IkeService.NetworkListener network, TunnelDumps dumps, Consumer<String> log)
            throws SocketUnavailableException {
        IkeService[] service = new IkeService[1];
        IkeSockets sockets = IkeSockets.open(outer, gate, plane, d -> {
            IkeService s = service[0];
            if (s != null) {
                s.receive(d);
            }
        }, log);
        GatedKernel kernel = new GatedKernel(new DataPlaneKernel(plane, System::nanoTime), gate);
        service[0] = IkeService.start(configuration, kernel, sockets, network, dumps, log, kernel::holdsChanged);
        IkeService started = service[0];
        plane.setIkeSaCheck(started::isLiveIkeSa); // for ICMP quoting IKE messages on port 500 (IkeSockets)
        return new IkeRuntime(service[0], sockets);
    }

    public IkeService service() {
        return service;
    }

    /** An IKE message that arrived on the NAT-traversal socket (marker removed). */
    public void receive(SocketEndpoint source, InetAddress local, int localPort, byte[] message) {
        service.receive(IkeSockets.datagram(source, local, localPort, message));
    }

    /** Deletes the IKE SAs (telling the peers), stops the IKE thread, closes port 500. */
    @Override
    public void close() {
        service.close();
        sockets.close();
    }
}
