package org.ipsec4j.daemon.loop;

import java.io.IOException;
import java.util.function.Consumer;

import org.ipsec4j.linux.DatagramBatch;
import org.ipsec4j.linux.ErrnoException;
import org.ipsec4j.linux.InetDatagramSocket;
import org.ipsec4j.linux.SocketEndpoint;

/**
 * Outer packets waiting to go out through one socket with one sendmmsg(2). For UDP, consecutive packets to
 * the same peer of the same size ride in one slot as a UDP_SEGMENT run (GSO): one trip through the kernel's
 * UDP and IP layers for up to 64 datagrams.
 */
final class SendQueue implements AutoCloseable {

    static final int SLOTS = 64;
    private static final int EMSGSIZE = 90;
    private static final int EIO = 5;
    private static final int EINVAL = 22;

    private final InetDatagramSocket socket;
    private final boolean sendsOwnHeader;
    private final DatagramBatch batch;
    private final RateLimitedLog errors;
    private final Consumer<String> log;
    private boolean coalescing;

    /**
     * @param coalescing     a UDP socket: join runs for GSO
     * @param sendsOwnHeader a raw socket with IP_HDRINCL / IPV6_HDRINCL: datagrams are whole IP packets
     */
    SendQueue(InetDatagramSocket socket, boolean coalescing, boolean sendsOwnHeader, Consumer<String> log) {
        this.socket = socket;
        this.sendsOwnHeader = sendsOwnHeader;
        this.coalescing = coalescing;
        this.batch = DatagramBatch.allocate(SLOTS, coalescing ? DatagramBatch.MAX_UDP_PAYLOAD : 65_535);
        this.log = log;
        this.errors = new RateLimitedLog(log, DropLog.INTERVAL_NANOS);
    }

    InetDatagramSocket socket() {
        return socket;
    }

    boolean sendsOwnHeader() {
        return sendsOwnHeader;
    }

    /**
     * Queues a datagram, sending what is queued first if there is no room.
     *
     * @param trafficClass the TOS / traffic class octet for the kernel's header (IP_TOS / IPV6_TCLASS), or -1 for
     *                     the socket's (and for datagrams that carry their own header); a GSO run shares one
     */
    void add(byte[] buf, int off, int len, SocketEndpoint destination, int trafficClass, long nowNanos)
            throws IOException {
        if (!tryAdd(buf, off, len, destination, trafficClass)) {
            flush(nowNanos);
            tryAdd(buf, off, len, destination, trafficClass);
        }
    }

    private boolean tryAdd(byte[] buf, int off, int len, SocketEndpoint destination, int trafficClass) {
        return coalescing ? batch.addCoalescing(buf, off, len, destination, trafficClass)
                : batch.add(buf, off, len, destination, trafficClass);
    }

    boolean isEmpty() {
        return batch.count() == 0;
    }

    /** Sends everything queued. A datagram the kernel refuses is logged (rate-limited) and dropped. */
    void flush(long nowNanos) throws IOException {
        if (batch.count() == 0) {
            return;
        }
        try {
            socket.send(batch);
            report(nowNanos);
        } finally {
            batch.clear();
        }
    }

    private void report(long nowNanos) {
        for (int i = 0; i < batch.count(); i++) {
            int errno = batch.error(i);
            if (errno != 0) {
                if (coalescing && batch.segmentsIn(i) > 1 && (errno == EMSGSIZE || errno == EIO || errno == EINVAL)) {
                    coalescing = false; // the path refuses UDP segmentation offload: one datagram per slot from now
                    log.accept("UDP segmentation offload refused by " + socket + " ("
                            + new ErrnoException("sendmmsg", errno).errnoName() + "); sending datagrams one by one");
                } else {
                    errors.log("send through " + socket + " failed: "
                            + new ErrnoException("sendmmsg", errno).getMessage(), nowNanos);
                }
            }
        }
    }

    @Override
    public void close() {
        batch.close();
    }
}
