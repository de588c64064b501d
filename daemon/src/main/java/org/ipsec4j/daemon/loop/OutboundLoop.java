package org.ipsec4j.daemon.loop;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

import org.ipsec4j.daemon.config.OuterSocket;
import org.ipsec4j.daemon.dump.TunnelDump;
import org.ipsec4j.daemon.dump.TunnelDumps;
import org.ipsec4j.esp.DataPlane;
import org.ipsec4j.esp.OutboundResult;
import org.ipsec4j.esp.sad.SecurityAssociation;
import org.ipsec4j.esp.sad.SecurityProtocol;
import org.ipsec4j.esp.selector.IpFamily;
import org.ipsec4j.esp.stats.DropReason;
import org.ipsec4j.linux.InetDatagramSocket;
import org.ipsec4j.linux.RawIpSocket;
import org.ipsec4j.linux.SocketEndpoint;
import org.ipsec4j.linux.TunDevice;
import org.ipsec4j.linux.UdpSocket;
import org.ipsec4j.linux.VirtioNetHeader;

/**
 * The outbound thread (RFC 4301 §5.1): reads inner packets from the TUN device, runs them through its own
 * {@link DataPlane} and queues what comes out per socket. It blocks for the first packet, then drains what
 * else the device has queued (up to {@value #BATCH} packets) and sends it all with one sendmmsg(2) per socket,
 * UDP runs coalesced for segmentation offload. Outbound SAs, and so their codecs, are used by this thread
 * only (and by the timer while this thread waits at the gate).
 *
 * <p>The outer header keeps the DSCP and ECN the data plane chose: sockets that write the header themselves
 * get them per packet (IP_TOS / IPV6_TCLASS; a GSO run shares one), raw sockets with IP_HDRINCL / IPV6_HDRINCL
 * send the data plane's header as it is.
 */
public final class OutboundLoop implements Runnable {

    static final int BATCH = 64;
    static final int MAX_PACKET = 65_535;

    private final TunDevice tun;
    private final DataPlane plane;
    private final OuterSocketSet sockets;
    private final DataPlaneGate gate;
    private final Consumer<String> log;
    private final Runnable reservationUsedUp;
    private final DropLog drops;
    private final RateLimitedLog problems;
    private final RateLimitedLog kernelHeaderMismatch;
    private final KernelIpv6HeaderCheck kernelIpv6Header;
    private final byte[] buffer = new byte[DataPlane.HEADROOM + MAX_PACKET + DataPlane.TAILROOM];
    /** Segments cut from a TSO super-packet, one at a time, with the data plane's head- and tailroom. */
    private final byte[] segment = new byte[DataPlane.HEADROOM + MAX_PACKET + DataPlane.TAILROOM];
    /** The virtio-net header in front of each packet read, when the device has offloads; else 0. */
    private final int vnet;
    private long now;
    private final OutboundResult result = new OutboundResult();
    private final Map<OuterSocket, SendQueue> queues = new LinkedHashMap<>();
    private final Map<SecurityAssociation, SocketEndpoint> peers = new IdentityHashMap<>();
    /** The tunnel dumps, or null; {@link #dumping} is what runs during the current batch. */
    private final TunnelDumps dumps;
    private TunnelDump[] dumping = new TunnelDump[0];
    /** While a dump runs: the inner packet before the data plane encrypts it in place. */
    private byte[] innerCopy;
    private Consumer<org.ipsec4j.esp.spd.SecurityPolicy> held = p -> { };
    private final java.util.concurrent.locks.Lock tunWriteLock;
    /** ESP in UDP over IPv4 whose outer DF must stay clear: whole packets through the raw IPv4 socket. */
    private SendQueue dontFragmentClear;

    /** Told of every packet dropped for want of an SA (a fail-closed hold, say): IKE may want to acquire one. */
    public void onHeld(Consumer<org.ipsec4j.esp.spd.SecurityPolicy> callback) {
        this.held = java.util.Objects.requireNonNull(callback, "callback");
    }

    /**
     * @param reservationUsedUp called when an SA's reserved sequence numbers ran out (the timer should extend)
     */
    public OutboundLoop(TunDevice tun, DataPlane plane, OuterSocketSet sockets, DataPlaneGate gate,
            Runnable reservationUsedUp, Consumer<String> log) {
        this(tun, plane, sockets, gate, new java.util.concurrent.locks.ReentrantLock(), reservationUsedUp, null, log);
    }

    /**
     * @param tunWriteLock held by whoever writes into the TUN device (the inbound threads hold it around their
     *                     batches); this thread takes it for the ICMP errors it writes there
     * @param dumps        the tunnel dumps whose connections' packets this thread copies out, or null
     */
    public OutboundLoop(TunDevice tun, DataPlane plane, OuterSocketSet sockets, DataPlaneGate gate,
            java.util.concurrent.locks.Lock tunWriteLock, Runnable reservationUsedUp, TunnelDumps dumps,
            Consumer<String> log) {
        this.dumps = dumps;
        this.tunWriteLock = tunWriteLock;
        this.tun = tun;
        this.plane = plane;
        this.sockets = sockets;
        this.gate = gate;
        this.reservationUsedUp = reservationUsedUp;
        this.log = log;
        this.drops = new DropLog("outbound", log);
        this.problems = new RateLimitedLog(log, DropLog.INTERVAL_NANOS);
        this.kernelHeaderMismatch = new RateLimitedLog(log, DropLog.INTERVAL_NANOS);
        this.kernelIpv6Header = new KernelIpv6HeaderCheck(sockets.mark());
        this.vnet = tun.headerLength();
    }

    @Override
    public void run() {
        try {
            int readOffset = DataPlane.HEADROOM - vnet; // the IP header lands at HEADROOM
            while (true) {
                int length = tun.read(buffer, readOffset, MAX_PACKET + vnet);
                gate.enter();
                try {
                    now = System.nanoTime();
                    if (dumps != null) {
                        dumping = dumps.active(); // one volatile read per batch; empty while no dump runs
                    }
                    int packets = 0;
                    while (length > 0) {
                        read(length - vnet);
                        if (++packets == BATCH) {
                            break;
                        }
                        length = tun.tryRead(buffer, readOffset, MAX_PACKET + vnet);
                    }
                    flush(now);
                } finally {
                    gate.exit();
                }
            }
        } catch (ClosedChannelException e) {
            // The TUN device was closed: the daemon is stopping.
        } catch (IOException | RuntimeException e) {
            log.accept("outbound thread stopped: " + e);
        } finally {
            queues.values().forEach(SendQueue::close);
            if (dontFragmentClear != null) {
                dontFragmentClear.close();
            }
        }
    }

    /** One read from the device: a packet, or with offloads maybe a TCP super-packet to cut first. */
    private void read(int length) {
        if (vnet == 0) {
            process(buffer, DataPlane.HEADROOM, length);
            return;
        }
        int header = DataPlane.HEADROOM - vnet;
        int gso = VirtioNetHeader.gsoType(buffer, header);
        int csumStart = VirtioNetHeader.checksumStart(buffer, header);
        if (gso == VirtioNetHeader.GSO_NONE) {
            if ((VirtioNetHeader.flags(buffer, header) & VirtioNetHeader.FLAG_NEEDS_CHECKSUM) != 0
                    && !TcpSegmenter.completeChecksum(buffer, DataPlane.HEADROOM, length, csumStart,
                            VirtioNetHeader.checksumOffset(buffer, header))) {
                problems.log("a packet from " + tun.name() + " with checksum offsets outside it: dropped", now);
                return;
            }
            process(buffer, DataPlane.HEADROOM, length);
        } else if (gso == VirtioNetHeader.GSO_TCPV4 || gso == VirtioNetHeader.GSO_TCPV6) {
            int segments = TcpSegmenter.segment(buffer, DataPlane.HEADROOM, length, csumStart,
                    VirtioNetHeader.gsoSize(buffer, header), segment, DataPlane.HEADROOM, this::process);
            if (segments < 0) {
                problems.log("a TCP super-packet from " + tun.name() + " that cannot be cut ("
                        + VirtioNetHeader.toString(buffer, header) + "): dropped", now);
            }
        } else {
            problems.log("an offload ipsec4j did not ask for (" + VirtioNetHeader.toString(buffer, header)
                    + "): dropped", now);
        }
    }

    private void process(byte[] packet, int offset, int length) {
        boolean dump = dumping.length > 0;
        if (dump) {
            if (innerCopy == null) {
                innerCopy = new byte[MAX_PACKET];
            }
            System.arraycopy(packet, offset, innerCopy, 0, length);
        }
        OutboundResult r;
        try {
            r = plane.processOutbound(packet, offset, length, now, result);
        } catch (RuntimeException e) {
            problems.log("outbound packet of " + length + " bytes not processed: " + e, now);
            return;
        }
        if (dump && r.action() == OutboundResult.Action.SEND && r.sa() != null) {
            TunnelDump d = TunnelDumps.forSpi(dumping, r.sa().spi());
            if (d != null) {
                d.inner(innerCopy, 0, length);
                d.esp(r.buffer(), r.packetOffset(), r.packetLength());
            }
        }
        try {
            switch (r.action()) {
                case SEND -> {
                    send(r, now);
                    while (r.moreFragments()) { // fragmented before encryption: the rest of the inner packet
                        r = plane.nextFragment(now, result);
                        if (r.action() == OutboundResult.Action.SEND) {
                            if (dump) {
                                dumpEsp(r); // the inner packet went into the dump whole, before fragmenting
                            }
                            send(r, now);
                        } else {
                            drops.dropped(r.dropReason(), r.sa(), now);
                        }
                    }
                }
                case BYPASS -> bypass(r, now);
                case REPLY -> {
                    drops.dropped(r.dropReason(), r.sa(), now);
                    reply(r);
                }
                case DROP -> {
                    drops.dropped(r.dropReason(), r.sa(), now);
                    if (r.dropReason() == DropReason.SEQUENCE_NOT_RESERVED) {
                        reservationUsedUp.run();
                    } else if (r.dropReason() == DropReason.NO_SA && r.policy() != null) {
                        held.accept(r.policy());
                    }
                }
            }
        } catch (ClosedChannelException e) {
            // a socket closed under us: stopping
        } catch (IOException e) {
            problems.log("outbound send failed: " + e.getMessage(), now);
        }
    }

    /** One more ESP packet of a dumped connection (a later fragment of a prefragmented inner packet). */
    private void dumpEsp(OutboundResult r) {
        TunnelDump d = r.sa() == null ? null : TunnelDumps.forSpi(dumping, r.sa().spi());
        if (d != null) {
            d.esp(r.buffer(), r.packetOffset(), r.packetLength());
        }
    }

    private void send(OutboundResult r, long now) throws IOException {
        SecurityAssociation sa = r.sa();
        IpFamily family = sa.localAddress().family();
        OuterSocket purpose = r.udpEncapsulated() ? OuterSocket.udp(family, r.sourcePort())
                : sa.protocol() == SecurityProtocol.AH ? OuterSocket.rawAh(family) : OuterSocket.rawEsp(family);
        SendQueue queue = queue(purpose);
        if (queue == null) {
            return;
        }
        SocketEndpoint peer = peer(sa, r.destinationPort());
        if (r.udpEncapsulated() && family == IpFamily.IPV4 && !r.dontFragment()) {
            // The UDP socket's kernel sets DF by its own rules; a packet whose DF must be clear goes out whole,
            // our header as it is, through the raw socket (RFC 4301 §8.1: the SA's DF policy).
            dontFragmentClear().add(r.buffer(), r.packetOffset(), r.packetLength(), SocketEndpoint.of(
                    sa.remoteAddress().toInetAddress(), 0), -1, now);
            return;
        }
        if (queue.sendsOwnHeader()) {
            queue.add(r.buffer(), r.packetOffset(), r.packetLength(), peer, -1, now);
            return;
        }
        if (sa.protocol() == SecurityProtocol.AH) {
            String mismatch = kernelIpv6Header.mismatch(r);
            if (mismatch != null) {
                sa.counters().recordDrop(DropReason.UNSUPPORTED);
                kernelHeaderMismatch.log("AH packet on SA 0x" + String.format("%08x", sa.spi()) + " dropped: "
                        + mismatch + ", and without IPV6_HDRINCL its ICV would not verify", now);
                return;
            }
        }
        // The kernel writes the IP header (and UDP's): it gets the DSCP and ECN to put there.
        queue.add(r.buffer(), r.payloadOffset(), r.payloadLength(), peer, r.trafficClass(), now);
    }

    private SendQueue dontFragmentClear() throws IOException {
        if (dontFragmentClear == null || !dontFragmentClear.socket().isOpen()) {
            dontFragmentClear = new SendQueue(sockets.bypass(IpFamily.IPV4), false, true, log);
        }
        return dontFragmentClear;
    }

    /**
     * An ICMP "fragmentation needed" / "packet too big" for an inner sender, built by the data plane in front of
     * the dropped packet: into the TUN device, as if it came from the tunnel (with an empty virtio-net header
     * when the device has one: no offload, checksum complete).
     */
    private void reply(OutboundResult r) throws IOException {
        byte[] b = r.buffer();
        int off = r.packetOffset() - vnet;
        java.util.Arrays.fill(b, off, r.packetOffset(), (byte) 0);
        tunWriteLock.lock();
        try {
            tun.write(b, off, r.packetLength() + vnet);
        } finally {
            tunWriteLock.unlock();
        }
    }

    private SendQueue queue(OuterSocket purpose) {
        SendQueue queue = queues.get(purpose);
        if (queue == null || !queue.socket().isOpen()) {
            InetDatagramSocket socket = sockets.socket(purpose);
            if (socket == null) {
                return null; // cannot happen: the loader opens every socket its SAs need first
            }
            queue = new SendQueue(socket, socket instanceof UdpSocket, sockets.sendsOwnHeader(purpose), log);
            queues.put(purpose, queue);
        }
        return queue;
    }

    private SocketEndpoint peer(SecurityAssociation sa, int port) {
        SocketEndpoint endpoint = peers.get(sa);
        if (endpoint == null || endpoint.port() != port) {
            if (peers.size() > 1024) {
                peers.clear(); // SAs come and go with reloads; forget the dead ones now and then
            }
            endpoint = SocketEndpoint.of(sa.remoteAddress().toInetAddress(), port);
            peers.put(sa, endpoint);
        }
        return endpoint;
    }

    /** A packet the SPD lets through in the clear (RFC 4301 §5.1 BYPASS), sent as it is by the main table. */
    private void bypass(OutboundResult r, long now) throws IOException {
        byte[] b = r.buffer();
        int off = r.packetOffset();
        boolean v4 = (b[off] & 0xF0) == 0x40;
        IpFamily family = v4 ? IpFamily.IPV4 : IpFamily.IPV6;
        byte[] destination = v4 ? java.util.Arrays.copyOfRange(b, off + 16, off + 20)
                : java.util.Arrays.copyOfRange(b, off + 24, off + 40);
        RawIpSocket socket = sockets.bypass(family);
        try {
            socket.send(b, off, r.packetLength(), SocketEndpoint.of(InetAddress.getByAddress(destination), 0));
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private void flush(long now) {
        if (dontFragmentClear != null) {
            try {
                dontFragmentClear.flush(now);
            } catch (ClosedChannelException e) {
                // stopping
            } catch (IOException e) {
                problems.log("outbound send failed: " + e.getMessage(), now);
            }
        }
        for (SendQueue queue : queues.values()) {
            try {
                queue.flush(now);
            } catch (ClosedChannelException e) {
                // stopping
            } catch (IOException e) {
                problems.log("outbound send failed: " + e.getMessage(), now);
            }
        }
    }
}
