package org.ipsec4j.daemon.loop;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.locks.Lock;
import java.util.function.Consumer;

import org.ipsec4j.daemon.config.OuterSocket;
import org.ipsec4j.daemon.dump.TunnelDump;
import org.ipsec4j.daemon.dump.TunnelDumps;
import org.ipsec4j.esp.DataPlane;
import org.ipsec4j.esp.InboundMetadata;
import org.ipsec4j.esp.InboundResult;
import org.ipsec4j.esp.PathMtuResult;
import org.ipsec4j.esp.sad.PathMtuOutcome;
import org.ipsec4j.esp.selector.IpAddress;
import org.ipsec4j.esp.selector.IpFamily;
import org.ipsec4j.wire.IpProtocol;
import org.ipsec4j.linux.DatagramBatch;
import org.ipsec4j.linux.InetDatagramSocket;
import org.ipsec4j.linux.SocketError;
import org.ipsec4j.linux.TunDevice;

/**
 * An inbound thread (RFC 4301 §5.2), one per outer socket: receives a batch with one recvmmsg(2) (UDP
 * generic receive offload may pack a run of datagrams from one peer into a slot; they are cut apart here),
 * runs each datagram through the inbound {@link DataPlane} and writes the inner packets to the TUN device.
 * Where several sockets exist their threads share the inbound data plane under one lock, so each inbound SA's
 * codec and replay window see one thread at a time, and the TUN device one writer.
 */
public final class InboundLoop implements Runnable {

    static final int SLOTS = 32;

    private final OuterSocket purpose;
    private final InetDatagramSocket socket;
    private final TunDevice tun;
    private final DataPlane plane;
    private final Lock planeLock;
    private final DataPlaneGate gate;
    private final Consumer<String> log;
    private final DropLog drops;
    private final RateLimitedLog ike;
    private final RateLimitedLog problems;
    private final RateLimitedLog pathMtuLog;
    private final PathMtuResult pathMtuResult = new PathMtuResult();
    private final DatagramBatch batch = DatagramBatch.allocate(SLOTS, 65_535);
    private final byte[] buffer = new byte[DataPlane.HEADROOM + 65_535 + DataPlane.TAILROOM];
    private final InboundMetadata metadata = new InboundMetadata();
    private final InboundResult result = new InboundResult();
    private final byte[] address = new byte[16];
    /** With a virtio-net header on the device: joins TCP segments into super-packets; else null. */
    private final TcpCoalescer coalescer;
    /** IKE messages on the NAT-traversal port go here; null when the daemon runs no IKE (manual keys only). */
    private final IkeReceiver ikeReceiver;
    /** The batch slot being processed (IKE messages need its addresses). */
    private int slot;
    /** The tunnel dumps, or null; {@link #dumping} is what runs during the current batch. */
    private final TunnelDumps dumps;
    private TunnelDump[] dumping = new TunnelDump[0];
    /** While a dump runs: the datagram before the data plane decrypts it in place. */
    private byte[] wireCopy;

    public InboundLoop(OuterSocket purpose, InetDatagramSocket socket, TunDevice tun, DataPlane plane, Lock planeLock,
            DataPlaneGate gate, Consumer<String> log) {
        this(purpose, socket, tun, plane, planeLock, gate, null, log);
    }

    /** @param ikeReceiver takes the IKE messages of a UDP socket; null: they are logged and dropped */
    public InboundLoop(OuterSocket purpose, InetDatagramSocket socket, TunDevice tun, DataPlane plane, Lock planeLock,
            DataPlaneGate gate, IkeReceiver ikeReceiver, Consumer<String> log) {
        this(purpose, socket, tun, plane, planeLock, gate, ikeReceiver, null, log);
    }

    /** @param dumps the tunnel dumps whose connections' packets this thread copies out, or null */
    public InboundLoop(OuterSocket purpose, InetDatagramSocket socket, TunDevice tun, DataPlane plane, Lock planeLock,
            DataPlaneGate gate, IkeReceiver ikeReceiver, TunnelDumps dumps, Consumer<String> log) {
        this.dumps = dumps;
        this.ikeReceiver = ikeReceiver;
        this.purpose = purpose;
        this.socket = socket;
        this.tun = tun;
        this.plane = plane;
        this.planeLock = planeLock;
        this.gate = gate;
        this.log = log;
        this.drops = new DropLog("inbound", log);
        this.ike = new RateLimitedLog(log, DropLog.INTERVAL_NANOS);
        this.problems = new RateLimitedLog(log, DropLog.INTERVAL_NANOS);
        this.pathMtuLog = new RateLimitedLog(log, DropLog.INTERVAL_NANOS);
        this.coalescer = tun.headerLength() > 0 ? new TcpCoalescer(tun::write) : null;
    }

    @Override
    public void run() {
        try {
            while (true) {
                int received = socket.receive(batch);
                if (received == 0) {
                    pathMtuReports(); // woken by an ICMP error about an earlier send
                    continue;
                }
                gate.enter();
                planeLock.lock();
                try {
                    long now = System.nanoTime();
                    if (dumps != null) {
                        dumping = dumps.active(); // one volatile read per batch; empty while no dump runs
                    }
                    for (int i = 0; i < received; i++) {
                        slot(i, now);
                    }
                    if (coalescer != null) {
                        flushJoined(now);
                    }
                } finally {
                    planeLock.unlock();
                    gate.exit();
                }
            }
        } catch (ClosedChannelException e) {
            // The socket was closed: the daemon is stopping.
        } catch (IOException | RuntimeException e) {
            log.accept("inbound thread for " + purpose + " stopped: " + e);
        } finally {
            batch.close();
        }
    }

    /**
     * Takes the socket's queued errors (IP_RECVERR): each "fragmentation needed" / "packet too big" that quotes
     * one of our packets goes to the data plane, which checks the quote and lowers the SA's path MTU. Errors are
     * rare, so allocating here is fine.
     */
    private void pathMtuReports() throws IOException {
        for (int i = 0; i < 64; i++) {
            SocketError error = socket.tryReceiveError();
            if (error == null) {
                return;
            }
            if (!error.isPacketTooBig() || error.origin() == SocketError.Origin.LOCAL
                    || error.originalDestination() == null) {
                continue; // our own send over the kernel's MTU, port unreachable, ...: not a path report
            }
            gate.enter();
            planeLock.lock();
            try {
                long now = System.nanoTime();
                PathMtuResult r = report(error, now);
                String from = error.offender() == null ? "?" : error.offender().getHostAddress();
                if (r.outcome() == PathMtuOutcome.UPDATED) {
                    pathMtuLog.log("path MTU towards " + error.originalDestination().address().getHostAddress()
                            + " now " + r.pathMtu() + " (ICMP from " + from + "), SA 0x"
                            + String.format("%08x", r.sa().spi()) + (r.updatedSas() > 1 ? " and " + (r.updatedSas() - 1)
                            + " more" : "") + ": inner packets up to " + r.sa().largestInnerPacket(r.pathMtu()), now);
                } else {
                    pathMtuLog.log("ICMP from " + from + " reporting MTU " + error.mtu() + " for "
                            + error.originalDestination() + " not applied: " + r.outcome(), now);
                }
            } finally {
                planeLock.unlock();
                gate.exit();
            }
        }
    }

    private PathMtuResult report(SocketError error, long now) {
        byte[] quote = error.payload();
        IpAddress remote = IpAddress.of(error.originalDestination().address());
        int mtu = error.mtu();
        if (purpose.isUdp()) {
            // A UDP socket's queue holds the quoted UDP payload; the ports are ours and the destination's.
            return plane.pathMtuReported(null, remote, IpProtocol.UDP, purpose.udpPort(),
                    error.originalDestination().port(), quote, 0, quote.length, mtu, now, pathMtuResult);
        }
        if (purpose.family() == IpFamily.IPV4) {
            return plane.pathMtuReported(quote, 0, quote.length, mtu, now, pathMtuResult); // IP_HDRINCL: from the header
        }
        return plane.pathMtuReported(null, remote, purpose.ipProtocol(), 0, 0, quote, 0, quote.length, mtu, now,
                pathMtuResult);
    }

    private void slot(int i, long now) throws ClosedChannelException {
        slot = i;
        int length = batch.copy(i, buffer, DataPlane.HEADROOM);
        if (purpose.isUdp()) {
            setUdpMetadata(i);
            int size = batch.segmentSize(i);
            if (size == 0) {
                size = length;
            }
            // A GRO run: datagrams of `size` bytes back to back, the last maybe shorter. Each is processed where
            // it lies; the bytes before it (its headroom) belong to datagrams already delivered.
            for (int start = 0; start < length; start += size) {
                int datagram = Math.min(size, length - start);
                processAndDeliver(DataPlane.HEADROOM + start, datagram, now);
            }
        } else {
            if (purpose.family() == IpFamily.IPV6) {
                setIpv6Metadata(i, 0, 0); // IPv6 raw sockets hand over ESP or AH without the IP header
            }
            processAndDeliver(DataPlane.HEADROOM, length, now);
        }
    }

    private void processAndDeliver(int off, int len, long now) throws ClosedChannelException {
        if (dumping.length == 0) {
            deliver(process(off, len, now), now);
            return;
        }
        if (wireCopy == null) {
            wireCopy = new byte[65_535];
        }
        System.arraycopy(buffer, off, wireCopy, 0, len);
        InboundResult r = process(off, len, now);
        dump(len, r);
        deliver(r, now);
    }

    /** Copies an ESP packet of a dumped connection, as it arrived, and what it carried, into the dump. */
    private void dump(int len, InboundResult r) {
        int spiAt;
        if (purpose.isUdp()) {
            boolean esp = len >= 8 && (wireCopy[0] | wireCopy[1] | wireCopy[2] | wireCopy[3]) != 0;
            spiAt = esp ? 0 : -1;
        } else if (purpose.family() == IpFamily.IPV4) {
            int ihl = (wireCopy[0] & 0x0F) * 4;
            spiAt = len >= ihl + 8 && (wireCopy[9] & 0xFF) == IpProtocol.ESP ? ihl : -1;
        } else {
            spiAt = purpose.ipProtocol() == IpProtocol.ESP && len >= 8 ? 0 : -1;
        }
        if (spiAt < 0) {
            return;
        }
        int spi = (wireCopy[spiAt] & 0xFF) << 24 | (wireCopy[spiAt + 1] & 0xFF) << 16
                | (wireCopy[spiAt + 2] & 0xFF) << 8 | wireCopy[spiAt + 3] & 0xFF;
        TunnelDump d = TunnelDumps.forSpi(dumping, spi);
        if (d == null) {
            return;
        }
        if (!purpose.isUdp() && purpose.family() == IpFamily.IPV4) {
            d.esp(wireCopy, 0, len); // the raw IPv4 socket gave the whole packet
        } else {
            IpAddress source = IpAddress.of(batch.source(slot).address());
            InetAddress local = batch.localAddress(slot);
            IpAddress destination = local != null ? IpAddress.of(local)
                    : r != null && r.sa() != null ? r.sa().localAddress() : IpAddress.zero(source.family());
            if (purpose.isUdp()) {
                d.espReceived(source, batch.sourcePort(slot), destination, purpose.udpPort(), wireCopy, 0, len);
            } else {
                d.espReceived(source, -1, destination, -1, wireCopy, 0, len);
            }
        }
        if (r != null && r.action() == InboundResult.Action.DELIVER) {
            d.inner(r.buffer(), r.offset(), r.length());
        }
    }

    private InboundResult process(int off, int len, long now) {
        try {
            if (purpose.isUdp()) {
                return plane.processInboundUdp(buffer, off, len, metadata, now, result);
            }
            if (purpose.family() == IpFamily.IPV4) {
                return plane.processInboundPacket(buffer, off, len, now, result); // IPv4 raw: header included
            }
            return plane.processInboundRaw(buffer, off, len, purpose.ipProtocol(), metadata, now, result);
        } catch (RuntimeException e) {
            problems.log("inbound datagram of " + len + " bytes not processed: " + e, now);
            return null;
        }
    }

    private void deliver(InboundResult r, long now) throws ClosedChannelException {
        if (r == null) {
            return;
        }
        switch (r.action()) {
            case DELIVER -> {
                try {
                    if (coalescer != null) {
                        coalescer.add(r.buffer(), r.offset(), r.length());
                    } else {
                        tun.write(r.buffer(), r.offset(), r.length());
                    }
                } catch (ClosedChannelException e) {
                    throw e;
                } catch (IOException e) {
                    problems.log("writing a " + r.length() + "-byte packet to " + tun.name() + " failed: "
                            + e.getMessage(), now);
                }
            }
            case IKE -> ike(r, now);
            case KEEPALIVE -> { }
            case DROP -> drops.dropped(r.dropReason(), r.sa(), now);
        }
    }

    private void ike(InboundResult r, long now) {
        if (ikeReceiver == null) {
            ike.log("IKE message of " + r.length() + " bytes ignored: no IKE configuration (manual keys only; "
                    + "start the daemon with --conf to answer IKE)", now);
            return;
        }
        byte[] message = java.util.Arrays.copyOfRange(r.buffer(), r.offset(), r.offset() + r.length());
        ikeReceiver.receive(batch.source(slot), batch.localAddress(slot), purpose.udpPort(), message);
    }

    private void flushJoined(long now) throws ClosedChannelException {
        try {
            coalescer.flush();
        } catch (ClosedChannelException e) {
            throw e;
        } catch (IOException e) {
            problems.log("writing joined TCP segments to " + tun.name() + " failed: " + e.getMessage(), now);
        }
    }

    private void setUdpMetadata(int i) {
        if (purpose.family() == IpFamily.IPV4) {
            putInt(address, 0, batch.sourceIpv4(i));
            metadata.source(IpFamily.IPV4, address, 0, batch.sourcePort(i));
            int local = batch.localIpv4(i);
            if (local != 0) {
                putInt(address, 0, local);
                metadata.destination(address, 0, purpose.udpPort());
            } else {
                metadata.destinationPort(purpose.udpPort());
            }
        } else {
            setIpv6Metadata(i, batch.sourcePort(i), purpose.udpPort());
        }
        metadata.trafficClass(batch.trafficClass(i)); // for RFC 6040 decapsulation: DSCP and ECN as they arrived
    }

    private void setIpv6Metadata(int i, int sourcePort, int localPort) {
        byte[] source = batch.source(i).address().getAddress();
        metadata.source(IpFamily.IPV6, source, 0, sourcePort);
        InetAddress local = batch.localAddress(i);
        if (local != null) {
            metadata.destination(local.getAddress(), 0, localPort);
        } else {
            metadata.destinationPort(localPort);
        }
        metadata.trafficClass(batch.trafficClass(i));
    }

    private static void putInt(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }
}
