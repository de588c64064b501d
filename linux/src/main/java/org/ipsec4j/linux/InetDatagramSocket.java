package org.ipsec4j.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.ipsec4j.linux.LinuxConstants.AF_INET;
import static org.ipsec4j.linux.LinuxConstants.AF_INET6;
import static org.ipsec4j.linux.LinuxConstants.MSG_DONTWAIT;
import static org.ipsec4j.linux.LinuxConstants.MSG_ERRQUEUE;
import static org.ipsec4j.linux.LinuxConstants.POLLERR;
import static org.ipsec4j.linux.LinuxConstants.POLLIN;
import static org.ipsec4j.linux.LinuxConstants.POLLOUT;
import static org.ipsec4j.linux.LinuxConstants.SOCK_CLOEXEC;
import static org.ipsec4j.linux.LinuxConstants.SOCK_NONBLOCK;
import static org.ipsec4j.linux.LinuxConstants.SOL_IP;
import static org.ipsec4j.linux.LinuxConstants.SOL_IPV6;
import static org.ipsec4j.linux.LinuxConstants.SOL_SOCKET;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.StandardProtocolFamily;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.InterruptedByTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;

/**
 * What UDP and raw IP sockets share: binding, the options a VPN gateway needs (firewall mark, path-MTU
 * discovery, packet info, error queue, buffer sizes, traffic class), and datagram I/O one at a time or a
 * {@link DatagramBatch} per system call (recvmmsg(2), sendmmsg(2)).
 *
 * <p>The socket is non-blocking underneath; "blocking" calls wait in poll(2) and {@link #close()} wakes them with
 * {@link AsynchronousCloseException}. Single-datagram calls on {@code byte[]} go straight between the array and
 * the kernel. One receiving and one sending thread may use a socket at the same time. An IPv6 socket is IPv6
 * only (IPV6_V6ONLY): no IPv4-mapped addresses.
 */
public abstract sealed class InetDatagramSocket implements AutoCloseable permits UdpSocket, RawIpSocket {

    private static final int ERROR_PAYLOAD_LIMIT = 2048;
    private static final int ERROR_CONTROL_SPACE = 256;

    final NativeDescriptor descriptor;
    private final StandardProtocolFamily family;
    private final HeapSlices sendSlices = new HeapSlices();
    private final HeapSlices receiveSlices = new HeapSlices();
    private volatile boolean receivingErrors;

    InetDatagramSocket(NativeDescriptor descriptor, StandardProtocolFamily family) {
        this.descriptor = descriptor;
        this.family = family;
    }

    /**
     * socket(2), non-blocking and close-on-exec; IPv6 UDP sockets made IPv6-only (raw IPv6 sockets are anyway,
     * and refuse the option once bound to their protocol).
     */
    static NativeDescriptor openSocket(StandardProtocolFamily family, int type, int protocol, String description)
            throws IOException {
        int domain = domain(family);
        int fd = ErrnoException.check("socket(" + description + ")",
                LibC.socket(domain, type | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol));
        NativeDescriptor descriptor = NativeDescriptor.adopt(fd, description);
        if (family == StandardProtocolFamily.INET6 && type == LinuxConstants.SOCK_DGRAM) {
            try {
                setIntOption(descriptor, SOL_IPV6, LinuxConstants.IPV6_V6ONLY, 1, "IPV6_V6ONLY");
            } catch (IOException e) {
                descriptor.close();
                throw e;
            }
        }
        return descriptor;
    }

    static int domain(StandardProtocolFamily family) {
        return switch (Objects.requireNonNull(family, "family")) {
            case INET -> AF_INET;
            case INET6 -> AF_INET6;
            default -> throw new IllegalArgumentException("IP sockets are INET or INET6, not " + family);
        };
    }

    public StandardProtocolFamily family() {
        return family;
    }

    public boolean isOpen() {
        return descriptor.isOpen();
    }

    // ---- setup ----

    /**
     * bind(2) to a local address and port (for raw sockets the port is ignored: the socket then receives only
     * packets to that address).
     *
     * @throws ErrnoException e.g. {@code bind(0.0.0.0:4500): Address already in use (EADDRINUSE, errno 98)}
     */
    public void bind(SocketEndpoint local) throws IOException {
        requireFamily(local);
        descriptor.begin();
        try {
            byte[] name = local.sockaddr();
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment address = arena.allocate(name.length, 4);
                MemorySegment.copy(name, 0, address, JAVA_BYTE, 0, name.length);
                ErrnoException.check("bind(" + local + ")", LibC.bind(descriptor.fd(), address, name.length));
            }
        } finally {
            descriptor.end();
        }
        descriptor.describeAs(descriptor.description() + " " + localEndpoint());
    }

    /**
     * connect(2): fixes the peer. The socket then receives only from it, and {@link #pathMtu()} reports the path
     * MTU the kernel knows towards it. Sends may still name another destination.
     */
    public void connect(SocketEndpoint peer) throws IOException {
        requireFamily(peer);
        descriptor.begin();
        try (Arena arena = Arena.ofConfined()) {
            byte[] name = peer.sockaddr();
            MemorySegment address = arena.allocate(name.length, 4);
            MemorySegment.copy(name, 0, address, JAVA_BYTE, 0, name.length);
            ErrnoException.check("connect(" + peer + ")", LibC.connect(descriptor.fd(), address, name.length));
        } finally {
            descriptor.end();
        }
    }

    /**
     * IP_MTU / IPV6_MTU: the path MTU the kernel currently uses towards the {@linkplain #connect connected} peer,
     * lowered by the "fragmentation needed" / "packet too big" messages it has seen.
     *
     * @throws ErrnoException ENOTCONN if the socket is not connected
     */
    public int pathMtu() throws IOException {
        return family == StandardProtocolFamily.INET
                ? intOption(SOL_IP, LinuxConstants.IP_MTU, "IP_MTU")
                : intOption(SOL_IPV6, LinuxConstants.IPV6_MTU, "IPV6_MTU");
    }

    /** The bound address and port (getsockname(2)): the kernel-chosen port after binding to port 0. */
    public SocketEndpoint localEndpoint() throws IOException {
        descriptor.begin();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment address = arena.allocate(SockAddr.MAX_LENGTH, 4);
            MemorySegment length = arena.allocate(JAVA_INT);
            length.set(JAVA_INT, 0, SockAddr.MAX_LENGTH);
            ErrnoException.check("getsockname", LibC.getsockname(descriptor.fd(), address, length));
            return SockAddr.decode(address, 0);
        } finally {
            descriptor.end();
        }
    }

    /**
     * SO_MARK: tags every packet this socket sends with a firewall mark, which {@code ip rule fwmark}
     * ({@link RoutingRule#fwmark}) and iptables can match; how a VPN routes its own encapsulated packets outside
     * its tunnel. Needs CAP_NET_ADMIN.
     */
    public void setMark(int mark) throws IOException {
        setIntOption(SOL_SOCKET, LinuxConstants.SO_MARK, mark, "SO_MARK");
    }

    /** IP_MTU_DISCOVER / IPV6_MTU_DISCOVER: whether DF is set and how the path MTU is used. */
    public void setPathMtuDiscovery(PathMtuDiscovery mode) throws IOException {
        if (family == StandardProtocolFamily.INET) {
            setIntOption(SOL_IP, LinuxConstants.IP_MTU_DISCOVER, mode.value, "IP_MTU_DISCOVER");
        } else {
            setIntOption(SOL_IPV6, LinuxConstants.IPV6_MTU_DISCOVER, mode.value, "IPV6_MTU_DISCOVER");
        }
    }

    /**
     * IP_PKTINFO / IPV6_RECVPKTINFO: report with each received datagram the address it was sent to and the
     * interface it came in on ({@link DatagramBatch#localAddress}, {@link DatagramBatch#interfaceIndex}).
     */
    public void setReceivePacketInfo(boolean on) throws IOException {
        if (family == StandardProtocolFamily.INET) {
            setIntOption(SOL_IP, LinuxConstants.IP_PKTINFO, on ? 1 : 0, "IP_PKTINFO");
        } else {
            setIntOption(SOL_IPV6, LinuxConstants.IPV6_RECVPKTINFO, on ? 1 : 0, "IPV6_RECVPKTINFO");
        }
    }

    /**
     * IP_RECVERR / IPV6_RECVERR: queue ICMP errors about our datagrams (port unreachable, fragmentation needed,
     * packet too big, ...) and local send errors on the socket's error queue, read with
     * {@link #tryReceiveError()}. While an error is queued, {@link #receive(DatagramBatch)} may return 0.
     */
    public void setReceiveErrors(boolean on) throws IOException {
        if (family == StandardProtocolFamily.INET) {
            setIntOption(SOL_IP, LinuxConstants.IP_RECVERR, on ? 1 : 0, "IP_RECVERR");
        } else {
            setIntOption(SOL_IPV6, LinuxConstants.IPV6_RECVERR, on ? 1 : 0, "IPV6_RECVERR");
        }
        receivingErrors = on;
    }

    /**
     * IP_RECVTOS / IPV6_RECVTCLASS: report the TOS / traffic class byte of each received packet
     * ({@link DatagramBatch#trafficClass}), e.g. the outer ECN bits for RFC 6040 decapsulation.
     */
    public void setReceiveTrafficClass(boolean on) throws IOException {
        if (family == StandardProtocolFamily.INET) {
            setIntOption(SOL_IP, LinuxConstants.IP_RECVTOS, on ? 1 : 0, "IP_RECVTOS");
        } else {
            setIntOption(SOL_IPV6, LinuxConstants.IPV6_RECVTCLASS, on ? 1 : 0, "IPV6_RECVTCLASS");
        }
    }

    /** IP_TOS / IPV6_TCLASS: the DSCP and ECN bits of every packet sent (per packet: {@link DatagramBatch#add(byte[], int, int, SocketEndpoint, int)}). */
    public void setTrafficClass(int trafficClass) throws IOException {
        if (family == StandardProtocolFamily.INET) {
            setIntOption(SOL_IP, LinuxConstants.IP_TOS, trafficClass, "IP_TOS");
        } else {
            setIntOption(SOL_IPV6, LinuxConstants.IPV6_TCLASS, trafficClass, "IPV6_TCLASS");
        }
    }

    /**
     * The receive buffer size in bytes: SO_RCVBUFFORCE (beyond net.core.rmem_max; needs CAP_NET_ADMIN), falling
     * back to SO_RCVBUF. The kernel doubles the value for its bookkeeping; {@link #receiveBufferSize()} shows it.
     */
    public void setReceiveBufferSize(int bytes) throws IOException {
        setBufferSize(LinuxConstants.SO_RCVBUFFORCE, LinuxConstants.SO_RCVBUF, bytes, "SO_RCVBUF");
    }

    /** The send buffer size in bytes, as {@link #setReceiveBufferSize}. */
    public void setSendBufferSize(int bytes) throws IOException {
        setBufferSize(LinuxConstants.SO_SNDBUFFORCE, LinuxConstants.SO_SNDBUF, bytes, "SO_SNDBUF");
    }

    private void setBufferSize(int force, int plain, int bytes, String name) throws IOException {
        try {
            setIntOption(SOL_SOCKET, force, bytes, name + "FORCE");
        } catch (ErrnoException e) {
            setIntOption(SOL_SOCKET, plain, bytes, name);
        }
    }

    public int receiveBufferSize() throws IOException {
        return intOption(SOL_SOCKET, LinuxConstants.SO_RCVBUF, "SO_RCVBUF");
    }

    public int sendBufferSize() throws IOException {
        return intOption(SOL_SOCKET, LinuxConstants.SO_SNDBUF, "SO_SNDBUF");
    }

    /**
     * SO_REUSEPORT, before {@link #bind}: several sockets may bind the same address and port, and the kernel
     * spreads incoming flows over them, one receiving thread each.
     */
    public void setReusePort(boolean on) throws IOException {
        setIntOption(SOL_SOCKET, LinuxConstants.SO_REUSEPORT, on ? 1 : 0, "SO_REUSEPORT");
    }

    /** SO_BINDTODEVICE: send and receive only through this interface. Needs CAP_NET_RAW. */
    public void bindToDevice(String interfaceName) throws IOException {
        byte[] name = (interfaceName + "\0").getBytes(StandardCharsets.UTF_8);
        descriptor.begin();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(name.length);
            MemorySegment.copy(name, 0, value, JAVA_BYTE, 0, name.length);
            ErrnoException.check("setsockopt(SO_BINDTODEVICE, " + interfaceName + ")",
                    LibC.setsockopt(descriptor.fd(), SOL_SOCKET, LinuxConstants.SO_BINDTODEVICE, value, name.length));
        } finally {
            descriptor.end();
        }
    }

    void setIntOption(int level, int name, int value, String label) throws IOException {
        setIntOption(descriptor, level, name, value, label);
    }

    static void setIntOption(NativeDescriptor descriptor, int level, int name, int value, String label)
            throws IOException {
        descriptor.begin();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment option = arena.allocate(JAVA_INT);
            option.set(JAVA_INT, 0, value);
            ErrnoException.check("setsockopt(" + label + ", " + value + ")",
                    LibC.setsockopt(descriptor.fd(), level, name, option, 4));
        } finally {
            descriptor.end();
        }
    }

    int intOption(int level, int name, String label) throws IOException {
        descriptor.begin();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment option = arena.allocate(JAVA_INT);
            MemorySegment length = arena.allocate(JAVA_INT);
            length.set(JAVA_INT, 0, 4);
            ErrnoException.check("getsockopt(" + label + ")",
                    LibC.getsockopt(descriptor.fd(), level, name, option, length));
            return option.get(JAVA_INT, 0);
        } finally {
            descriptor.end();
        }
    }

    // ---- one datagram at a time ----

    /**
     * Sends one datagram, straight from the array (sendto(2)); waits only if the send buffer is full.
     *
     * @throws ErrnoException e.g. EMSGSIZE when larger than the path MTU with {@link PathMtuDiscovery#DO}
     */
    public void send(byte[] buf, int off, int len, SocketEndpoint destination) throws IOException {
        Objects.checkFromIndexSize(off, len, buf.length);
        requireFamily(destination);
        descriptor.begin();
        try {
            MemorySegment data = sendSlices.from(buf, off);
            MemorySegment name = destination.sockaddrSegment();
            while (true) {
                long sent = LibC.sendtoHeap(descriptor.fd(), data, len, MSG_DONTWAIT, name, (int) name.byteSize());
                if (sent >= 0) {
                    return;
                }
                if (sent == -Errno.EAGAIN) {
                    descriptor.await(POLLOUT, -1);
                } else if (sent != -Errno.EINTR) {
                    throw new ErrnoException("sendto(" + destination + ", " + len + " bytes)", (int) -sent);
                }
            }
        } finally {
            descriptor.end();
        }
    }

    /**
     * Receives one datagram into {@code buf[off..off+len)} (cut if longer), waiting for it.
     *
     * @return its length
     */
    public int receive(byte[] buf, int off, int len) throws IOException {
        return receive(buf, off, len, -1);
    }

    /** As {@link #receive(byte[], int, int)}, waiting at most {@code timeout} ({@link InterruptedByTimeoutException}). */
    public int receive(byte[] buf, int off, int len, Duration timeout) throws IOException {
        return receive(buf, off, len, timeout.toNanos());
    }

    private int receive(byte[] buf, int off, int len, long timeoutNanos) throws IOException {
        Objects.checkFromIndexSize(off, len, buf.length);
        descriptor.begin();
        try {
            MemorySegment data = receiveSlices.from(buf, off);
            while (true) {
                long n = LibC.recvfromHeap(descriptor.fd(), data, len, MSG_DONTWAIT, MemorySegment.NULL,
                        MemorySegment.NULL);
                if (n >= 0) {
                    return (int) n;
                }
                if (n == -Errno.EAGAIN || receivingErrors && Errno.isAsynchronousNetworkError((int) -n)) {
                    awaitDatagram(timeoutNanos);
                } else if (n != -Errno.EINTR) {
                    throw new ErrnoException("recvfrom(" + descriptor.description() + ")", (int) -n);
                }
            }
        } finally {
            descriptor.end();
        }
    }

    /** Waits for a datagram, not returning for queued errors (which are for {@link #tryReceiveError}). */
    private void awaitDatagram(long timeoutNanos) throws IOException {
        long deadline = System.nanoTime() + timeoutNanos;
        while (true) {
            int revents = descriptor.await(POLLIN, timeoutNanos < 0 ? -1 : Math.max(0, deadline - System.nanoTime()));
            if ((revents & POLLIN) != 0) {
                return;
            }
            if ((revents & POLLERR) != 0) {
                // Only an error is pending; the caller of a single receive does not want it. Sleep briefly so an
                // unread error queue does not spin this thread.
                Thread.onSpinWait();
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new ClosedChannelException();
                }
            }
        }
    }

    // ---- batches ----

    /**
     * Sends every slot of the batch with as few sendmmsg(2) calls as the kernel allows (one, unless the send
     * buffer fills). A slot the kernel refuses (EMSGSIZE over the path MTU, EPERM from a firewall, ...) is
     * skipped and its errno recorded ({@link DatagramBatch#error}); it is not thrown.
     *
     * @return the number of slots sent
     */
    public int send(DatagramBatch batch) throws IOException {
        int count = batch.count();
        int sent = 0;
        descriptor.begin();
        try {
            int next = 0;
            while (next < count) {
                int n = LibC.sendmmsg(descriptor.fd(), batch.headersFrom(next), count - next, MSG_DONTWAIT);
                if (n > 0) {
                    next += n;
                    sent += n;
                } else if (n == -Errno.EAGAIN || n == 0) {
                    descriptor.await(POLLOUT, -1);
                } else if (n != -Errno.EINTR) {
                    batch.failed(next, -n); // sendmmsg(2): the first message of this call failed; skip it
                    next++;
                }
            }
            return sent;
        } finally {
            descriptor.end();
        }
    }

    /**
     * Receives into the batch with one recvmmsg(2): waits for the first datagram, then takes whatever else is
     * queued, up to the batch's capacity.
     *
     * @return the number of slots filled; 0 if woken by a queued error only (see {@link #setReceiveErrors})
     */
    public int receive(DatagramBatch batch) throws IOException {
        return receive(batch, -1, true);
    }

    /** As {@link #receive(DatagramBatch)}, waiting at most {@code timeout} ({@link InterruptedByTimeoutException}). */
    public int receive(DatagramBatch batch, Duration timeout) throws IOException {
        return receive(batch, timeout.toNanos(), true);
    }

    /** As {@link #receive(DatagramBatch)} without waiting: 0 if nothing is queued. */
    public int tryReceive(DatagramBatch batch) throws IOException {
        return receive(batch, 0, false);
    }

    private int receive(DatagramBatch batch, long timeoutNanos, boolean wait) throws IOException {
        batch.prepareReceive();
        descriptor.begin();
        try {
            while (true) {
                int n = LibC.recvmmsg(descriptor.fd(), batch.headersFrom(0), batch.capacity(), MSG_DONTWAIT);
                if (n >= 0) {
                    batch.received(n);
                    return n;
                }
                if (n == -Errno.EAGAIN) {
                    if (!wait) {
                        batch.received(0);
                        return 0;
                    }
                    int revents = descriptor.await(POLLIN, timeoutNanos);
                    if ((revents & POLLIN) == 0 && (revents & POLLERR) != 0) {
                        batch.received(0);
                        return 0;
                    }
                } else if (Errno.isAsynchronousNetworkError(-n)) {
                    batch.received(0); // an ICMP error was reported in place of data; details on the error queue
                    return 0;
                } else if (n != -Errno.EINTR) {
                    throw new ErrnoException("recvmmsg(" + descriptor.description() + ")", -n);
                }
            }
        } finally {
            descriptor.end();
        }
    }

    // ---- error queue ----

    /**
     * Takes the oldest entry of the socket's error queue (recvmsg(2) with MSG_ERRQUEUE), or returns null if it is
     * empty. Needs {@link #setReceiveErrors}. Allocates: errors are rare.
     */
    public SocketError tryReceiveError() throws IOException {
        descriptor.begin();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment payload = arena.allocate(ERROR_PAYLOAD_LIMIT, 8);
            MemorySegment name = arena.allocate(DatagramBatch.NAME_STRIDE, 8);
            MemorySegment control = arena.allocate(ERROR_CONTROL_SPACE, 8);
            MemorySegment iovec = arena.allocate(DatagramBatch.IOVEC_SIZE, 8);
            iovec.set(ADDRESS, 0, payload);
            iovec.set(JAVA_LONG, 8, ERROR_PAYLOAD_LIMIT);
            MemorySegment message = arena.allocate(DatagramBatch.MSGHDR_SIZE, 8);
            message.set(ADDRESS, DatagramBatch.MSG_NAME, name);
            message.set(JAVA_INT, DatagramBatch.MSG_NAMELEN, SockAddr.MAX_LENGTH);
            message.set(ADDRESS, DatagramBatch.MSG_IOV, iovec);
            message.set(JAVA_LONG, DatagramBatch.MSG_IOVLEN, 1);
            message.set(ADDRESS, DatagramBatch.MSG_CONTROL, control);
            message.set(JAVA_LONG, DatagramBatch.MSG_CONTROLLEN, ERROR_CONTROL_SPACE);
            long n;
            do {
                n = LibC.recvmsg(descriptor.fd(), message, MSG_ERRQUEUE | MSG_DONTWAIT);
            } while (n == -Errno.EINTR);
            if (n == -Errno.EAGAIN) {
                return null;
            }
            ErrnoException.check("recvmsg(MSG_ERRQUEUE, " + descriptor.description() + ")", n);
            byte[] data = payload.asSlice(0, Math.min(n, ERROR_PAYLOAD_LIMIT)).toArray(JAVA_BYTE);
            SocketEndpoint destination = message.get(JAVA_INT, DatagramBatch.MSG_NAMELEN) > 0
                    ? SockAddr.decode(name, 0) : null;
            return parseExtendedError(control, message.get(JAVA_LONG, DatagramBatch.MSG_CONTROLLEN), destination, data);
        } finally {
            descriptor.end();
        }
    }

    private static SocketError parseExtendedError(MemorySegment control, long controlLength,
                                                  SocketEndpoint destination, byte[] payload) throws IOException {
        long offset = 0;
        while (offset + DatagramBatch.CMSG_HEADER <= controlLength) {
            long length = control.get(JAVA_LONG, offset);
            int level = control.get(JAVA_INT, offset + 8);
            int type = control.get(JAVA_INT, offset + 12);
            if (length < DatagramBatch.CMSG_HEADER || offset + length > controlLength) {
                break;
            }
            if (level == SOL_IP && type == LinuxConstants.IP_RECVERR
                    || level == SOL_IPV6 && type == LinuxConstants.IPV6_RECVERR) {
                // struct sock_extended_err { u32 ee_errno; u8 ee_origin, ee_type, ee_code, ee_pad; u32 ee_info;
                // u32 ee_data; } followed by the offender's sockaddr (SO_EE_OFFENDER)
                long data = offset + DatagramBatch.CMSG_HEADER;
                int errno = control.get(JAVA_INT, data);
                SocketError.Origin origin = SocketError.Origin.of(control.get(JAVA_BYTE, data + 4) & 0xFF);
                int icmpType = control.get(JAVA_BYTE, data + 5) & 0xFF;
                int icmpCode = control.get(JAVA_BYTE, data + 6) & 0xFF;
                int info = control.get(JAVA_INT, data + 8);
                boolean hasOffender = length >= DatagramBatch.CMSG_HEADER + 16 + 4;
                java.net.InetAddress offender = hasOffender ? SockAddr.address(control, data + 16) : null;
                return new SocketError(errno, origin, icmpType, icmpCode, info, offender, destination, payload);
            }
            offset += (length + 7) & ~7L;
        }
        throw new IOException("error queue entry without IP_RECVERR/IPV6_RECVERR control message");
    }

    // ---- closing ----

    /** Closes the socket; threads waiting in a receive or send get {@link AsynchronousCloseException}. */
    @Override
    public void close() {
        descriptor.close();
    }

    private void requireFamily(SocketEndpoint endpoint) {
        if (endpoint.family() != family) {
            throw new IllegalArgumentException(endpoint + " is not an " + family + " address; this socket is " + family);
        }
    }

    @Override
    public String toString() {
        return descriptor.toString();
    }
}
