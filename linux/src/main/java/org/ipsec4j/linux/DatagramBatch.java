package org.ipsec4j.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.ipsec4j.linux.LinuxConstants.AF_INET;
import static org.ipsec4j.linux.LinuxConstants.AF_INET6;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.util.Objects;

/**
 * A reusable set of datagram slots in native memory for one recvmmsg(2) or sendmmsg(2) call: per slot a
 * {@code struct mmsghdr}, one {@code struct iovec}, a peer sockaddr, a control-message area and a packet buffer,
 * all allocated once and wired together at construction, so a receive or send allocates nothing.
 *
 * <p><b>Receiving</b> ({@link InetDatagramSocket#receive(DatagramBatch)}): afterwards {@link #count()} slots hold
 * datagrams; read their {@link #length}, bytes ({@link #copy}, {@link #data}), {@link #source} address and
 * port, the local address they were sent to and the interface they came in on (with
 * {@link InetDatagramSocket#setReceivePacketInfo}), and for UDP GRO the {@link #segmentSize}.
 *
 * <p><b>Sending</b>: {@link #clear()}, then {@link #add} datagrams (copied in), then
 * {@link InetDatagramSocket#send(DatagramBatch)}. With UDP generic segmentation offload one slot may carry many
 * equal-size datagrams for the same peer, cut by the kernel (or the NIC): {@link #addSegments} for a prepared
 * run, {@link #addCoalescing} to merge consecutive datagrams automatically.
 *
 * <p>Not thread-safe: one batch per thread. {@link #close()} frees the native memory.
 */
public final class DatagramBatch implements AutoCloseable {

    /** Most datagrams one UDP_SEGMENT send may carry (UDP_MAX_SEGMENTS was 64 before Linux 6.9ish; portable). */
    public static final int MAX_GSO_SEGMENTS = 64;
    /** Largest UDP payload over IPv4: 65535 - 20 (IP) - 8 (UDP). */
    public static final int MAX_UDP_PAYLOAD = 65_507;

    // struct mmsghdr { struct msghdr msg_hdr; unsigned int msg_len; } (sys/socket.h; x86-64 offsets, gcc-checked)
    static final int MMSGHDR_SIZE = 64;
    static final int MSG_NAME = 0;
    static final int MSG_NAMELEN = 8;
    static final int MSG_IOV = 16;
    static final int MSG_IOVLEN = 24;
    static final int MSG_CONTROL = 32;
    static final int MSG_CONTROLLEN = 40;
    static final int MSG_FLAGS = 48;
    static final int MSG_LEN = 56;
    static final int MSGHDR_SIZE = 56;
    static final int IOVEC_SIZE = 16;
    static final int NAME_STRIDE = 32;
    /** Per slot: room for pktinfo (40), GRO/GSO size (24), TOS/TCLASS (24), with spare. */
    static final int CONTROL_STRIDE = 128;
    // struct cmsghdr { size_t cmsg_len; int cmsg_level; int cmsg_type; } data 8-aligned after it
    static final int CMSG_HEADER = 16;

    private final Arena arena;
    private final int capacity;
    private final int bufferSize;
    private final MemorySegment headers;
    private final MemorySegment[] headersFrom;
    private final MemorySegment iovecs;
    private final MemorySegment names;
    private final MemorySegment controls;
    private final MemorySegment buffers;

    private int count;
    private final int[] lengths;
    private final int[] messageFlags;
    /** Receive: GRO segment size (0 if a single datagram). Send: GSO segment size (0 if none). */
    private final int[] segmentSizes;
    private final int[] segmentCounts;
    private final int[] interfaceIndexes;
    /** Receive: offset in the slot's control area of the pktinfo destination address, or -1. */
    private final int[] localAddressOffsets;
    private final int[] localAddressFamilies;
    private final int[] errors;
    /** Receive: the IP TOS / traffic class byte (with IP_RECVTOS), or -1. Send: the one to set, or -1. */
    private final int[] trafficClasses;
    private final SocketEndpoint[] destinations;
    private final boolean[] sealed;

    /**
     * @param capacity   slots: datagrams per system call (32 to 64 is plenty)
     * @param bufferSize bytes per slot: the largest datagram (e.g. 2048), or up to 65535 to receive UDP GRO
     *                   runs or send GSO runs
     */
    public static DatagramBatch allocate(int capacity, int bufferSize) {
        return new DatagramBatch(capacity, bufferSize);
    }

    private DatagramBatch(int capacity, int bufferSize) {
        if (capacity < 1 || capacity > 1024) {
            throw new IllegalArgumentException("capacity must be within 1..1024 (UIO_MAXIOV): " + capacity);
        }
        if (bufferSize < 1 || bufferSize > 65_535) {
            throw new IllegalArgumentException("buffer size must be within 1..65535: " + bufferSize);
        }
        this.capacity = capacity;
        this.bufferSize = bufferSize;
        // Shared, not confined: a batch is often made by one thread and used by the I/O thread it starts.
        arena = Arena.ofShared();
        headers = arena.allocate((long) MMSGHDR_SIZE * capacity, 64);
        iovecs = arena.allocate((long) IOVEC_SIZE * capacity, 64);
        names = arena.allocate((long) NAME_STRIDE * capacity, 64);
        controls = arena.allocate((long) CONTROL_STRIDE * capacity, 64);
        long stride = bufferStride();
        buffers = arena.allocate(stride * capacity, 64);
        headersFrom = new MemorySegment[capacity];
        for (int i = 0; i < capacity; i++) {
            long header = (long) MMSGHDR_SIZE * i;
            headersFrom[i] = headers.asSlice(header);
            iovecs.set(ADDRESS, (long) IOVEC_SIZE * i, buffers.asSlice(stride * i, bufferSize));
            iovecs.set(JAVA_LONG, (long) IOVEC_SIZE * i + 8, bufferSize);
            headers.set(ADDRESS, header + MSG_NAME, names.asSlice((long) NAME_STRIDE * i, NAME_STRIDE));
            headers.set(ADDRESS, header + MSG_IOV, iovecs.asSlice((long) IOVEC_SIZE * i, IOVEC_SIZE));
            headers.set(JAVA_LONG, header + MSG_IOVLEN, 1);
            headers.set(ADDRESS, header + MSG_CONTROL, controls.asSlice((long) CONTROL_STRIDE * i, CONTROL_STRIDE));
        }
        lengths = new int[capacity];
        messageFlags = new int[capacity];
        segmentSizes = new int[capacity];
        segmentCounts = new int[capacity];
        interfaceIndexes = new int[capacity];
        localAddressOffsets = new int[capacity];
        localAddressFamilies = new int[capacity];
        errors = new int[capacity];
        trafficClasses = new int[capacity];
        destinations = new SocketEndpoint[capacity];
        sealed = new boolean[capacity];
    }

    private long bufferStride() {
        return (bufferSize + 63L) & ~63L;
    }

    public int capacity() {
        return capacity;
    }

    public int bufferSize() {
        return bufferSize;
    }

    /** Slots in use: datagrams received, or slots added for sending. */
    public int count() {
        return count;
    }

    public boolean isFull() {
        return count == capacity;
    }

    // ---- receiving ----

    /** Makes every slot ready to receive into (lengths the kernel overwrites on each call). */
    void prepareReceive() {
        count = 0;
        for (int i = 0; i < capacity; i++) {
            long header = (long) MMSGHDR_SIZE * i;
            headers.set(JAVA_INT, header + MSG_NAMELEN, SockAddr.MAX_LENGTH);
            headers.set(JAVA_LONG, header + MSG_CONTROLLEN, CONTROL_STRIDE);
            headers.set(JAVA_INT, header + MSG_FLAGS, 0);
            iovecs.set(JAVA_LONG, (long) IOVEC_SIZE * i + 8, bufferSize);
        }
    }

    /** Records the outcome of a recvmmsg that filled {@code received} slots. */
    void received(int received) {
        count = received;
        for (int i = 0; i < received; i++) {
            long header = (long) MMSGHDR_SIZE * i;
            lengths[i] = headers.get(JAVA_INT, header + MSG_LEN);
            messageFlags[i] = headers.get(JAVA_INT, header + MSG_FLAGS);
            segmentSizes[i] = 0;
            interfaceIndexes[i] = 0;
            localAddressOffsets[i] = -1;
            trafficClasses[i] = -1;
            errors[i] = 0;
            parseControl(i, headers.get(JAVA_LONG, header + MSG_CONTROLLEN));
        }
    }

    private void parseControl(int slot, long controlLength) {
        long base = (long) CONTROL_STRIDE * slot;
        long offset = 0;
        while (offset + CMSG_HEADER <= controlLength) {
            long length = controls.get(JAVA_LONG, base + offset);
            int level = controls.get(JAVA_INT, base + offset + 8);
            int type = controls.get(JAVA_INT, base + offset + 12);
            if (length < CMSG_HEADER || offset + length > controlLength) {
                return;
            }
            long data = base + offset + CMSG_HEADER;
            if (level == LinuxConstants.SOL_IP && type == LinuxConstants.IP_PKTINFO) {
                // struct in_pktinfo { int ipi_ifindex; struct in_addr ipi_spec_dst; struct in_addr ipi_addr; }
                interfaceIndexes[slot] = controls.get(JAVA_INT, data);
                localAddressOffsets[slot] = (int) (data + 8 - base);
                localAddressFamilies[slot] = AF_INET;
            } else if (level == LinuxConstants.SOL_IPV6 && type == LinuxConstants.IPV6_PKTINFO) {
                // struct in6_pktinfo { struct in6_addr ipi6_addr; int ipi6_ifindex; }
                interfaceIndexes[slot] = controls.get(JAVA_INT, data + 16);
                localAddressOffsets[slot] = (int) (data - base);
                localAddressFamilies[slot] = AF_INET6;
            } else if (level == LinuxConstants.SOL_UDP && type == LinuxConstants.UDP_GRO) {
                segmentSizes[slot] = controls.get(JAVA_INT, data);
            } else if (level == LinuxConstants.SOL_IP && type == LinuxConstants.IP_TOS) {
                trafficClasses[slot] = controls.get(JAVA_BYTE, data) & 0xFF; // a single byte (ip_cmsg_recv_tos)
            } else if (level == LinuxConstants.SOL_IPV6 && type == LinuxConstants.IPV6_TCLASS) {
                trafficClasses[slot] = controls.get(JAVA_INT, data) & 0xFF;
            }
            offset += (length + 7) & ~7L;
        }
    }

    /** Bytes of slot {@code i}'s datagram (all of a GRO run; at most {@link #bufferSize()}). */
    public int length(int i) {
        Objects.checkIndex(i, count);
        return Math.min(lengths[i], bufferSize);
    }

    /** Whether the datagram was longer than the buffer and got cut (MSG_TRUNC). */
    public boolean truncated(int i) {
        Objects.checkIndex(i, count);
        return (messageFlags[i] & LinuxConstants.MSG_TRUNC) != 0;
    }

    /** The datagram in native memory (valid until the next receive; makes a slice object). */
    public MemorySegment data(int i) {
        return buffer(i).asSlice(0, length(i));
    }

    /** Copies the datagram to {@code dst[off..]}; returns its length. */
    public int copy(int i, byte[] dst, int off) {
        int length = length(i);
        MemorySegment.copy(buffers, JAVA_BYTE, bufferStride() * i, dst, off, length);
        return length;
    }

    /** The sender's port (0 for raw sockets). */
    public int sourcePort(int i) {
        Objects.checkIndex(i, count);
        return SockAddr.port(names, (long) NAME_STRIDE * i);
    }

    /** The sender's address and port; allocates (see {@link #sourceEquals} for a comparison that does not). */
    public SocketEndpoint source(int i) {
        Objects.checkIndex(i, count);
        return SockAddr.decode(names, (long) NAME_STRIDE * i);
    }

    /** The sender's IPv4 address as an int (for an IPv4 socket), without allocating. */
    public int sourceIpv4(int i) {
        Objects.checkIndex(i, count);
        return Integer.reverseBytes(names.get(JAVA_INT, (long) NAME_STRIDE * i + 4));
    }

    /** Whether slot {@code i} came from {@code endpoint} (address, port, for IPv6 also the scope), allocation-free. */
    public boolean sourceEquals(int i, SocketEndpoint endpoint) {
        Objects.checkIndex(i, count);
        long base = (long) NAME_STRIDE * i;
        byte[] expected = endpoint.sockaddr();
        int family = SockAddr.family(names, base);
        boolean v4 = expected.length == SockAddr.IPV4_LENGTH;
        if (family != (v4 ? AF_INET : AF_INET6)) {
            return false;
        }
        int compared = v4 ? 8 : SockAddr.IPV6_LENGTH; // IPv4: family, port, address
        for (int b = 2; b < compared; b++) {
            if (!v4 && b >= 4 && b < 8) {
                continue; // flow info
            }
            if (names.get(JAVA_BYTE, base + b) != expected[b]) {
                return false;
            }
        }
        return true;
    }

    /**
     * The address the datagram was sent to (its IP destination: one of ours, or a multicast/broadcast address),
     * from IP_PKTINFO / IPV6_PKTINFO; null unless {@link InetDatagramSocket#setReceivePacketInfo} is on.
     */
    public InetAddress localAddress(int i) {
        Objects.checkIndex(i, count);
        int offset = localAddressOffsets[i];
        if (offset < 0) {
            return null;
        }
        int length = localAddressFamilies[i] == AF_INET ? 4 : 16;
        return SockAddr.rawAddress(controls.asSlice((long) CONTROL_STRIDE * i + offset, length).toArray(JAVA_BYTE));
    }

    /** The local IPv4 destination address as an int, or 0 if unknown. */
    public int localIpv4(int i) {
        Objects.checkIndex(i, count);
        int offset = localAddressOffsets[i];
        if (offset < 0 || localAddressFamilies[i] != AF_INET) {
            return 0;
        }
        return Integer.reverseBytes(controls.get(JAVA_INT, (long) CONTROL_STRIDE * i + offset));
    }

    /** The index of the interface the datagram came in on (pktinfo), or 0 if unknown. */
    public int interfaceIndex(int i) {
        Objects.checkIndex(i, count);
        return interfaceIndexes[i];
    }

    /**
     * With UDP GRO ({@link UdpSocket#setGenericReceiveOffload}): the size of each datagram coalesced into this
     * slot (the last may be shorter), or 0 if the slot holds one datagram.
     */
    public int segmentSize(int i) {
        Objects.checkIndex(i, count);
        return segmentSizes[i];
    }

    /**
     * The TOS byte (IPv4) or traffic class (IPv6) of the received packet, DSCP and ECN, as it arrived: what
     * RFC 6040 decapsulation needs from the outer header. -1 unless
     * {@link InetDatagramSocket#setReceiveTrafficClass} is on.
     */
    public int trafficClass(int i) {
        Objects.checkIndex(i, count);
        return trafficClasses[i];
    }

    /** How many datagrams slot {@code i} holds: 1, or more for a GRO run. */
    public int datagramsIn(int i) {
        int size = segmentSize(i);
        int length = length(i);
        return size == 0 || length == 0 ? 1 : (length + size - 1) / size;
    }

    // ---- sending ----

    /** Empties the batch for filling with {@link #add}. */
    public void clear() {
        count = 0;
    }

    /** The packet buffer of slot {@code i} (its whole capacity), e.g. to encrypt into before {@link #add(int, SocketEndpoint)}. */
    public MemorySegment buffer(int i) {
        Objects.checkIndex(i, capacity);
        return buffers.asSlice(bufferStride() * i, bufferSize);
    }

    /**
     * Adds a datagram to send to {@code destination}, copying {@code src[off..off+len)} into the next slot.
     *
     * @return false if the batch is full (nothing added)
     */
    public boolean add(byte[] src, int off, int len, SocketEndpoint destination) {
        return addSegments(src, off, len, 0, destination, -1);
    }

    /**
     * As {@link #add(byte[], int, int, SocketEndpoint)}, with the packet's TOS / traffic class byte (DSCP and
     * ECN; an IP_TOS or IPV6_TCLASS control message), e.g. copied from the inner packet; -1 for the socket's.
     */
    public boolean add(byte[] src, int off, int len, SocketEndpoint destination, int trafficClass) {
        return addSegments(src, off, len, 0, destination, trafficClass);
    }

    /**
     * Adds one slot whose {@code len} bytes the kernel sends as datagrams of {@code segmentSize} bytes each (the
     * last may be shorter) with UDP_SEGMENT; at most {@link #MAX_GSO_SEGMENTS} of them. 0 means one datagram.
     *
     * @return false if the batch is full
     */
    public boolean addSegments(byte[] src, int off, int len, int segmentSize, SocketEndpoint destination) {
        return addSegments(src, off, len, segmentSize, destination, -1);
    }

    /** As {@link #addSegments(byte[], int, int, int, SocketEndpoint)}, with a TOS / traffic class or -1. */
    public boolean addSegments(byte[] src, int off, int len, int segmentSize, SocketEndpoint destination,
                               int trafficClass) {
        Objects.checkFromIndexSize(off, len, src.length);
        checkLength(len);
        if (count == capacity) {
            return false;
        }
        int slot = count;
        MemorySegment.copy(src, off, buffers, JAVA_BYTE, bufferStride() * slot, len);
        commit(slot, len, segmentSize, destination, trafficClass);
        return true;
    }

    /**
     * Adds a datagram whose bytes are already in {@link #buffer(int) buffer(count())}.
     *
     * @return false if the batch is full
     */
    public boolean add(int len, SocketEndpoint destination) {
        checkLength(len);
        if (count == capacity) {
            return false;
        }
        commit(count, len, 0, destination, -1);
        return true;
    }

    /**
     * Adds a datagram, appending it to the previous slot as one more GSO segment when it can go along: same
     * destination, the previous slot's datagrams all this size or longer than this one is (only the last may be
     * shorter), room in the buffer, fewer than {@link #MAX_GSO_SEGMENTS}. Otherwise it starts a new slot. For
     * UDP sockets only: the kernel cuts the runs (Linux 4.18+; needs checksum offload on the way out, which
     * veth and common NICs have).
     *
     * @return false if it needed a new slot and the batch is full
     */
    public boolean addCoalescing(byte[] src, int off, int len, SocketEndpoint destination) {
        return addCoalescing(src, off, len, destination, -1);
    }

    /** As {@link #addCoalescing(byte[], int, int, SocketEndpoint)}; a run shares one TOS / traffic class. */
    public boolean addCoalescing(byte[] src, int off, int len, SocketEndpoint destination, int trafficClass) {
        Objects.checkFromIndexSize(off, len, src.length);
        checkLength(len);
        if (count > 0 && len > 0) {
            int last = count - 1;
            int size = segmentSizes[last] == 0 ? lengths[last] : segmentSizes[last];
            if (!sealed[last] && len <= size && trafficClasses[last] == trafficClass
                    && destinations[last].equals(destination)
                    && segmentCounts[last] < MAX_GSO_SEGMENTS && lengths[last] + len <= Math.min(bufferSize, MAX_UDP_PAYLOAD)) {
                MemorySegment.copy(src, off, buffers, JAVA_BYTE, bufferStride() * last + lengths[last], len);
                lengths[last] += len;
                segmentCounts[last]++;
                segmentSizes[last] = size;
                sealed[last] = len < size; // a shorter datagram must be the last of the run
                writeMessage(last);
                return true;
            }
        }
        return addSegments(src, off, len, 0, destination, trafficClass);
    }

    private void checkLength(int len) {
        if (len > bufferSize) {
            throw new IllegalArgumentException("datagram of " + len + " bytes exceeds the slot size " + bufferSize);
        }
    }

    private void commit(int slot, int len, int segmentSize, SocketEndpoint destination, int trafficClass) {
        if (segmentSize < 0 || segmentSize > 0xFFFF) {
            throw new IllegalArgumentException("segment size out of range: " + segmentSize);
        }
        if (trafficClass < -1 || trafficClass > 0xFF) {
            throw new IllegalArgumentException("traffic class must be a byte or -1: " + trafficClass);
        }
        trafficClasses[slot] = trafficClass;
        lengths[slot] = len;
        segmentSizes[slot] = segmentSize >= len ? 0 : segmentSize;
        segmentCounts[slot] = segmentSize == 0 ? 1 : Math.max(1, (len + segmentSize - 1) / segmentSize);
        if (segmentCounts[slot] > MAX_GSO_SEGMENTS) {
            throw new IllegalArgumentException(len + " bytes in segments of " + segmentSize + " exceed "
                    + MAX_GSO_SEGMENTS + " segments");
        }
        destinations[slot] = Objects.requireNonNull(destination, "destination");
        sealed[slot] = segmentSizes[slot] > 0 && len % segmentSizes[slot] != 0; // ends with a short segment
        errors[slot] = 0;
        byte[] name = destination.sockaddr();
        MemorySegment.copy(name, 0, names, JAVA_BYTE, (long) NAME_STRIDE * slot, name.length);
        writeMessage(slot);
        count = slot + 1;
    }

    /**
     * Fills slot's msghdr for sending: name length, data length, and control messages: UDP_SEGMENT for a run,
     * IP_TOS / IPV6_TCLASS for a traffic class (each CMSG_SPACE(4) = 24 bytes at most).
     */
    private void writeMessage(int slot) {
        long header = (long) MMSGHDR_SIZE * slot;
        byte[] name = destinations[slot].sockaddr();
        headers.set(JAVA_INT, header + MSG_NAMELEN, name.length);
        iovecs.set(JAVA_LONG, (long) IOVEC_SIZE * slot + 8, lengths[slot]);
        headers.set(JAVA_INT, header + MSG_FLAGS, 0);
        long control = (long) CONTROL_STRIDE * slot;
        long controlLength = 0;
        if (segmentSizes[slot] > 0 && segmentCounts[slot] > 1) {
            controls.set(JAVA_LONG, control, CMSG_HEADER + 2); // CMSG_LEN(sizeof(uint16_t))
            controls.set(JAVA_INT, control + 8, LinuxConstants.SOL_UDP);
            controls.set(JAVA_INT, control + 12, LinuxConstants.UDP_SEGMENT);
            controls.set(JAVA_SHORT, control + CMSG_HEADER, (short) segmentSizes[slot]);
            controlLength += CMSG_HEADER + 8; // CMSG_SPACE(2)
        }
        if (trafficClasses[slot] >= 0) {
            boolean v4 = name.length == SockAddr.IPV4_LENGTH;
            long at = control + controlLength;
            controls.set(JAVA_LONG, at, CMSG_HEADER + 4); // CMSG_LEN(sizeof(int)); ip_cmsg_send takes an int
            controls.set(JAVA_INT, at + 8, v4 ? LinuxConstants.SOL_IP : LinuxConstants.SOL_IPV6);
            controls.set(JAVA_INT, at + 12, v4 ? LinuxConstants.IP_TOS : LinuxConstants.IPV6_TCLASS);
            controls.set(JAVA_INT, at + CMSG_HEADER, trafficClasses[slot]);
            controlLength += CMSG_HEADER + 8; // CMSG_SPACE(4)
        }
        headers.set(JAVA_LONG, header + MSG_CONTROLLEN, controlLength);
    }

    /** Datagrams the slots hold, counting each GSO segment. */
    public int datagramCount() {
        int total = 0;
        for (int i = 0; i < count; i++) {
            total += segmentCounts[i];
        }
        return total;
    }

    /** Datagrams in send slot {@code i} (1, or the segments of a GSO run). */
    public int segmentsIn(int i) {
        Objects.checkIndex(i, count);
        return segmentCounts[i];
    }

    /** After a send: the errno that made the kernel refuse slot {@code i} (e.g. EMSGSIZE), or 0 if it was sent. */
    public int error(int i) {
        Objects.checkIndex(i, count);
        return errors[i];
    }

    void failed(int slot, int errno) {
        errors[slot] = errno;
    }

    /** The mmsghdr array from slot {@code first} on, for sendmmsg/recvmmsg. */
    MemorySegment headersFrom(int first) {
        return headersFrom[first];
    }

    /** Frees the native memory; the batch must not be in use by a socket call. */
    @Override
    public void close() {
        arena.close();
    }
}
