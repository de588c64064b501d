package org.ipsec4j.linux;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.ipsec4j.linux.LinuxConstants.O_CLOEXEC;
import static org.ipsec4j.linux.LinuxConstants.O_NONBLOCK;
import static org.ipsec4j.linux.LinuxConstants.O_RDWR;
import static org.ipsec4j.linux.LinuxConstants.POLLIN;
import static org.ipsec4j.linux.LinuxConstants.POLLOUT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.InterruptedByTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;

/**
 * A TUN device (Documentation/networking/tuntap.rst): IP packets the kernel routes to the interface are
 * {@linkplain #read read} here, packets {@linkplain #write written} here enter the kernel as if received on it.
 *
 * <p>The device lives in the network namespace of the thread that opened it (see {@link NetworkNamespace}) and
 * disappears when its last queue is closed. It is opened IFF_TUN | IFF_NO_PI: a packet starts with its IP
 * header, or with a {@link VirtioNetHeader} first when {@link TunOptions#virtioNetHeader()} is on.
 *
 * <p>Reads and writes on a {@code byte[]} go straight between the array and the kernel (a critical native call
 * on the non-blocking descriptor; no copy, no allocation once the array has been seen). When no packet is
 * queued, a reader waits in poll(2); {@link #close()} from any thread wakes it with
 * {@link AsynchronousCloseException}. One reading and one writing thread may use a device at the same time.
 */
public final class TunDevice implements AutoCloseable {

    // linux/if_tun.h (ioctl numbers are _IOW('T', n, int); checked with gcc)
    private static final long TUNSETIFF = 0x400454caL;
    private static final long TUNSETOFFLOAD = 0x400454d0L;
    private static final long TUNSETVNETHDRSZ = 0x400454d8L;
    private static final short IFF_TUN = 0x0001;
    private static final short IFF_MULTI_QUEUE = 0x0100;
    private static final short IFF_NO_PI = 0x1000;
    private static final short IFF_VNET_HDR = 0x4000;
    /** struct ifreq: char ifr_name[16], then a union whose first member is short ifr_flags; 40 bytes (net/if.h). */
    private static final int IFREQ_SIZE = 40;
    private static final int IFREQ_FLAGS = 16;
    private static final String CLONE_DEVICE = "/dev/net/tun";

    private final NativeDescriptor descriptor;
    private final String name;
    private final TunOptions options;
    private final HeapSlices readSlices = new HeapSlices();
    private final HeapSlices writeSlices = new HeapSlices();

    private TunDevice(NativeDescriptor descriptor, String name, TunOptions options) {
        this.descriptor = descriptor;
        this.name = name;
        this.options = options;
    }

    /** A single-queue device named by the kernel ({@code tun0}, {@code tun1}, ...). */
    public static TunDevice open() throws IOException {
        return open(TunOptions.defaults());
    }

    /** A single-queue device with this name. */
    public static TunDevice open(String name) throws IOException {
        return open(TunOptions.defaults().withName(name));
    }

    /**
     * Creates the device (or attaches a queue to an existing multi-queue device of that name) in the calling
     * thread's network namespace.
     *
     * @throws ErrnoException naming TUNSETIFF and the errno, e.g. EINVAL for a name the kernel refuses
     *                        ("a/b"), EBUSY if a single-queue device of that name is open already
     */
    public static TunDevice open(TunOptions options) throws IOException {
        Objects.requireNonNull(options, "options");
        int fd;
        try (Arena arena = Arena.ofConfined()) {
            fd = ErrnoException.check("open(" + CLONE_DEVICE + ")",
                    LibC.open(arena.allocateFrom(CLONE_DEVICE), O_RDWR | O_NONBLOCK | O_CLOEXEC, 0));
        }
        String label = options.name() == null ? "TUNSETIFF" : "TUNSETIFF(" + options.name() + ")";
        NativeDescriptor descriptor = NativeDescriptor.adopt(fd, "tun");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ifreq = arena.allocate(IFREQ_SIZE, 8);
            if (options.name() != null) {
                byte[] nameBytes = options.name().getBytes(StandardCharsets.UTF_8);
                MemorySegment.copy(nameBytes, 0, ifreq, JAVA_BYTE, 0, nameBytes.length);
            }
            short flags = (short) (IFF_TUN | IFF_NO_PI);
            if (options.multiQueue()) {
                flags |= IFF_MULTI_QUEUE;
            }
            if (options.virtioNetHeader()) {
                flags |= IFF_VNET_HDR;
            }
            ifreq.set(JAVA_SHORT, IFREQ_FLAGS, flags);
            ErrnoException.check(label, LibC.ioctl(fd, TUNSETIFF, ifreq));
            String actualName = ifreq.getString(0, StandardCharsets.UTF_8);
            if (options.virtioNetHeader()) {
                MemorySegment size = arena.allocate(JAVA_INT);
                size.set(JAVA_INT, 0, VirtioNetHeader.LENGTH);
                ErrnoException.check("TUNSETVNETHDRSZ(" + actualName + ")", LibC.ioctl(fd, TUNSETVNETHDRSZ, size));
                // The argument is the TUN_F_* bit set itself, not a pointer to it (drivers/net/tun.c).
                ErrnoException.check("TUNSETOFFLOAD(" + actualName + ", " + options.offloads() + ")",
                        LibC.ioctl(fd, TUNSETOFFLOAD, MemorySegment.ofAddress(options.offloadBits())));
            }
            descriptor.describeAs(actualName);
            return new TunDevice(descriptor, actualName, options.withName(actualName));
        } catch (IOException | RuntimeException e) {
            descriptor.close();
            throw e;
        }
    }

    /**
     * Opens one more queue of this multi-queue device, for another reading thread; the kernel spreads flows
     * over the queues. Must be called from a thread in the device's network namespace (otherwise the kernel
     * creates a new device of the same name there).
     */
    public TunDevice attachQueue() throws IOException {
        if (!options.multiQueue()) {
            throw new IllegalStateException(name + " was not opened with multiQueue");
        }
        return open(options);
    }

    /** The interface name, e.g. {@code tun0}. */
    public String name() {
        return name;
    }

    /** The options it was opened with, the name filled in. */
    public TunOptions options() {
        return options;
    }

    /** Bytes in front of every packet: {@link VirtioNetHeader#LENGTH} or 0. */
    public int headerLength() {
        return options.virtioNetHeader() ? VirtioNetHeader.LENGTH : 0;
    }

    public boolean isOpen() {
        return descriptor.isOpen();
    }

    /**
     * Reads the next packet into {@code buf[off..off+len)}, waiting until one is queued.
     *
     * @return the packet length (with the virtio-net header, if on); a packet longer than {@code len} is cut
     * @throws AsynchronousCloseException if the device is closed while waiting
     * @throws ClosedChannelException     if it was closed already
     */
    public int read(byte[] buf, int off, int len) throws IOException {
        return read(buf, off, len, -1);
    }

    /**
     * As {@link #read(byte[], int, int)}, waiting at most {@code timeout}.
     *
     * @throws InterruptedByTimeoutException if no packet came in time
     */
    public int read(byte[] buf, int off, int len, Duration timeout) throws IOException {
        return read(buf, off, len, timeout.toNanos());
    }

    /** The next packet if one is queued, else 0 at once: for draining the queue after a blocking read. */
    public int tryRead(byte[] buf, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, buf.length);
        descriptor.begin();
        try {
            long n = LibC.readHeap(descriptor.fd(), readSlices.from(buf, off), len);
            if (n == -Errno.EAGAIN || n == -Errno.EINTR) {
                return 0;
            }
            return (int) ErrnoException.check("read(" + name + ")", n);
        } finally {
            descriptor.end();
        }
    }

    private int read(byte[] buf, int off, int len, long timeoutNanos) throws IOException {
        Objects.checkFromIndexSize(off, len, buf.length);
        descriptor.begin();
        try {
            MemorySegment target = readSlices.from(buf, off);
            while (true) {
                long n = LibC.readHeap(descriptor.fd(), target, len);
                if (n >= 0) {
                    return (int) n;
                }
                if (n == -Errno.EAGAIN) {
                    descriptor.await(POLLIN, timeoutNanos);
                } else if (n != -Errno.EINTR) {
                    throw new ErrnoException("read(" + name + ")", (int) -n);
                }
            }
        } finally {
            descriptor.end();
        }
    }

    /** Reads the next packet into native memory, waiting until one is queued; returns its length. */
    public int read(MemorySegment buffer) throws IOException {
        descriptor.begin();
        try {
            while (true) {
                long n = LibC.read(descriptor.fd(), buffer, buffer.byteSize());
                if (n >= 0) {
                    return (int) n;
                }
                if (n == -Errno.EAGAIN) {
                    descriptor.await(POLLIN, -1);
                } else if (n != -Errno.EINTR) {
                    throw new ErrnoException("read(" + name + ")", (int) -n);
                }
            }
        } finally {
            descriptor.end();
        }
    }

    /**
     * Hands one packet ({@code buf[off..off+len)}, with the virtio-net header if on) to the kernel as if it
     * arrived on this interface.
     *
     * @throws ErrnoException e.g. EINVAL for a packet the kernel cannot parse, EIO if the interface is down
     */
    public void write(byte[] buf, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, buf.length);
        descriptor.begin();
        try {
            MemorySegment source = writeSlices.from(buf, off);
            while (true) {
                long n = LibC.writeHeap(descriptor.fd(), source, len);
                if (n >= 0) {
                    return;
                }
                if (n == -Errno.EAGAIN) {
                    descriptor.await(POLLOUT, -1);
                } else if (n != -Errno.EINTR) {
                    throw new ErrnoException("write(" + name + ", " + len + " bytes)", (int) -n);
                }
            }
        } finally {
            descriptor.end();
        }
    }

    /** As {@link #write(byte[], int, int)}, from native memory. */
    public void write(MemorySegment packet) throws IOException {
        descriptor.begin();
        try {
            while (true) {
                long n = LibC.write(descriptor.fd(), packet, packet.byteSize());
                if (n >= 0) {
                    return;
                }
                if (n == -Errno.EAGAIN) {
                    descriptor.await(POLLOUT, -1);
                } else if (n != -Errno.EINTR) {
                    throw new ErrnoException("write(" + name + ", " + packet.byteSize() + " bytes)", (int) -n);
                }
            }
        } finally {
            descriptor.end();
        }
    }

    /**
     * Closes this queue; a thread waiting in {@link #read} gets {@link AsynchronousCloseException}. The device
     * goes away with its last queue. Idempotent.
     */
    @Override
    public void close() {
        descriptor.close();
    }

    @Override
    public String toString() {
        return "TunDevice[" + name + (options.multiQueue() ? ", multi-queue" : "")
                + (options.virtioNetHeader() ? ", vnet " + options.offloads() : "") + (isOpen() ? "" : ", closed") + "]";
    }
}
