package org.ipsec4j.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * The C library calls this module makes, bound through the FFM linker, and nothing else.
 *
 * <p>Every call returns what the C function returns, except that a failure comes back as {@code -errno}
 * (kernel style) instead of {@code -1}: errno is captured right after the call
 * ({@link Linker.Option#captureCallState}), so callers can tell {@code EAGAIN} from a real error without an
 * exception on the hot path. {@link ErrnoException#check} turns a negative result into an exception naming
 * the call.
 *
 * <p>The {@code ...Heap} variants are {@linkplain Linker.Option#critical(boolean) critical} calls that may take
 * heap segments (a {@code byte[]} seen through {@link MemorySegment#ofArray(byte[])}), so packet bytes go
 * between the kernel and a Java array without a copy. The GC cannot run while such a call is in progress, so
 * they are only used on non-blocking descriptors, where the call returns at once.
 *
 * <p>Layouts are x86-64/aarch64 Linux (LP64): {@code size_t}, {@code ssize_t} and {@code long} are 64 bits.
 */
final class LibC {

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LOOKUP = LINKER.defaultLookup();
    private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final long ERRNO_OFFSET =
            CAPTURE_LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");
    private static final Linker.Option HEAP = Linker.Option.critical(true);

    /** Per-thread native scratch memory: the errno capture area and a two-entry {@code struct pollfd[]}. */
    static final class Scratch {
        final MemorySegment callState;
        final MemorySegment pollFds;

        private Scratch() {
            // Freed with the thread's ThreadLocal map; a few dozen bytes per I/O thread.
            Arena arena = Arena.ofAuto();
            callState = arena.allocate(CAPTURE_LAYOUT);
            pollFds = arena.allocate(2 * PollFd.SIZE, 8);
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    static Scratch scratch() {
        return SCRATCH.get();
    }

    // int open(const char *path, int flags, ... /* mode_t */)   -- open(2)
    private static final MethodHandle OPEN = handle("open",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), ERRNO, Linker.Option.firstVariadicArg(2));
    // int close(int fd)   -- close(2)
    private static final MethodHandle CLOSE = handle("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT), ERRNO);
    // ssize_t read(int fd, void *buf, size_t count), ssize_t write(int fd, const void *buf, size_t count)
    private static final FunctionDescriptor READ_WRITE = FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG);
    private static final MethodHandle READ = handle("read", READ_WRITE, ERRNO);
    private static final MethodHandle WRITE = handle("write", READ_WRITE, ERRNO);
    private static final MethodHandle READ_HEAP = handle("read", READ_WRITE, ERRNO, HEAP);
    private static final MethodHandle WRITE_HEAP = handle("write", READ_WRITE, ERRNO, HEAP);
    // int ioctl(int fd, unsigned long request, ... /* void *argp */)   -- ioctl(2)
    private static final MethodHandle IOCTL = handle("ioctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), ERRNO, Linker.Option.firstVariadicArg(2));
    // int eventfd(unsigned int initval, int flags)   -- eventfd(2)
    private static final MethodHandle EVENTFD = handle("eventfd",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), ERRNO);
    // int poll(struct pollfd *fds, nfds_t nfds, int timeout)   -- poll(2)
    private static final MethodHandle POLL = handle("poll",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT), ERRNO);
    // int setns(int fd, int nstype)   -- setns(2)
    private static final MethodHandle SETNS = handle("setns",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), ERRNO);
    // int socket(int domain, int type, int protocol)   -- socket(2)
    private static final MethodHandle SOCKET = handle("socket",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), ERRNO);
    // int bind(int sockfd, const struct sockaddr *addr, socklen_t addrlen)   -- bind(2); connect(2) alike
    private static final FunctionDescriptor FD_ADDR_LEN = FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle BIND = handle("bind", FD_ADDR_LEN, ERRNO);
    private static final MethodHandle CONNECT = handle("connect", FD_ADDR_LEN, ERRNO);
    // int getsockname(int sockfd, struct sockaddr *addr, socklen_t *addrlen)   -- getsockname(2)
    private static final MethodHandle GETSOCKNAME = handle("getsockname",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS), ERRNO);
    // int setsockopt(int fd, int level, int name, const void *val, socklen_t len)   -- setsockopt(2)
    private static final MethodHandle SETSOCKOPT = handle("setsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), ERRNO);
    // int getsockopt(int fd, int level, int name, void *val, socklen_t *len)   -- getsockopt(2)
    private static final MethodHandle GETSOCKOPT = handle("getsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS), ERRNO);
    // ssize_t sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *to, socklen_t tolen)
    private static final FunctionDescriptor SENDTO_DESCRIPTOR =
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle SENDTO = handle("sendto", SENDTO_DESCRIPTOR, ERRNO);
    private static final MethodHandle SENDTO_HEAP = handle("sendto", SENDTO_DESCRIPTOR, ERRNO, HEAP);
    // ssize_t recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *from, socklen_t *fromlen)
    private static final FunctionDescriptor RECVFROM_DESCRIPTOR =
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS);
    private static final MethodHandle RECVFROM = handle("recvfrom", RECVFROM_DESCRIPTOR, ERRNO);
    private static final MethodHandle RECVFROM_HEAP = handle("recvfrom", RECVFROM_DESCRIPTOR, ERRNO, HEAP);
    // ssize_t sendmsg(int fd, const struct msghdr *msg, int flags), recvmsg alike   -- sendmsg(2), recvmsg(2)
    private static final FunctionDescriptor MSG_DESCRIPTOR = FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle SENDMSG = handle("sendmsg", MSG_DESCRIPTOR, ERRNO);
    private static final MethodHandle RECVMSG = handle("recvmsg", MSG_DESCRIPTOR, ERRNO);
    // int sendmmsg(int fd, struct mmsghdr *msgvec, unsigned int vlen, int flags)   -- sendmmsg(2)
    private static final MethodHandle SENDMMSG = handle("sendmmsg",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), ERRNO);
    // int recvmmsg(int fd, struct mmsghdr *msgvec, unsigned int vlen, int flags, struct timespec *timeout)
    private static final MethodHandle RECVMMSG = handle("recvmmsg",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS), ERRNO);
    // const char *strerrorname_np(int errnum), strerrordesc_np alike (glibc 2.32+; thread-safe, static strings)
    private static final MethodHandle STRERRORNAME = optionalHandle("strerrorname_np",
            FunctionDescriptor.of(ADDRESS, JAVA_INT));
    private static final MethodHandle STRERRORDESC = optionalHandle("strerrordesc_np",
            FunctionDescriptor.of(ADDRESS, JAVA_INT));

    private LibC() {
    }

    private static MethodHandle handle(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        MemorySegment symbol = LOOKUP.find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("C library has no " + name));
        return LINKER.downcallHandle(symbol, descriptor, options);
    }

    private static MethodHandle optionalHandle(String name, FunctionDescriptor descriptor) {
        return LOOKUP.find(name).map(symbol -> LINKER.downcallHandle(symbol, descriptor)).orElse(null);
    }

    private static int errno(MemorySegment callState) {
        return callState.get(JAVA_INT, ERRNO_OFFSET);
    }

    private static int result(int value, MemorySegment callState) {
        return value == -1 ? -errno(callState) : value;
    }

    private static long result(long value, MemorySegment callState) {
        return value == -1 ? -errno(callState) : value;
    }

    private static AssertionError linkageFailure(Throwable t) {
        // invokeExact with the exact types cannot throw anything checked; anything else is a bug here.
        return new AssertionError("native call failed to run", t);
    }

    static int open(MemorySegment path, int flags, int mode) {
        MemorySegment state = SCRATCH.get().callState;
        try {
            return result((int) OPEN.invokeExact(state, path, flags, mode), state);
        } catch (Throwable t) {
            throw linkageFailure(t);
        }
    }

    static int close(int fd) {
        MemorySegment state = SCRATCH.get().callState;
        try {
            return result((int) CLOSE.invokeExact(state, fd), state);
        } catch (Throwable t) {
            throw linkageFailure(t);
        }
    }

    static long read(int fd, MemorySegment buffer, long count) {
        MemorySegment state = SCRATCH.get().callState;
        try {
            return result((long) READ.invokeExact(state, fd, buffer, count), state);
        } catch (Throwable t) {
            throw linkageFailure(t);
        }
    }

    static long write(int fd, MemorySegment buffer, long count) {
        MemorySegment state = SCRATCH.get().callState;
        try {
            return result((long) WRITE.invokeExact(state, fd, buffer, count), state);
        } catch (Throwable t) {
            throw linkageFailure(t);
        }
    }

    /** read(2) into a heap or native segment; only for non-blocking descriptors. */
    static long readHeap(int fd, MemorySegment buffer, long count) {
        MemorySegment state = SCRATCH.get().callState;
        try {
            return result((long) READ_HEAP.invokeExact(state, fd, buffer, count), state);
        } catch (Throwable t) {
            throw linkageFailure(t);
        }
    }

    /** write(2) from a heap or native segment; only for non-blocking descriptors. */
    static long writeHeap(int fd, MemorySegment buffer, long count) {
        MemorySegment state = SCRATCH.get().callState;
        try {
            return result((long) WRITE_HEAP.invokeExact(state, fd, buffer, count), state);
        } catch (Throwable t) {
            throw linkageFailure(t);
        }
    }

    static int ioctl(int fd, long request, MemorySegment argument) {
        MemorySegment state = SCRATCH.get().callState;
        try {
            return result((int) IOCTL.invokeExact(state, fd, request, argument), state);
        } catch (Throwable t) {
            throw linkageFailure(t);
        }
    }

    static int eventfd(int initialValue, int flags) {
        MemorySegment state = SCRATCH.get().callState;
        try {
            return result((int) EVENTFD.invokeExact(state, initialValue, flags), state);
        } catch (Throwable t) {
            throw linkageFailure(t);
        }
    }

    static int poll(MemorySegment fds, long count, int timeoutMillis) {
        MemorySegment state = SCRATCH.get().callState;
        try {
            return result((int) POLL.invokeExact(state, fds, count, timeoutMillis), state);
        } catch (Throwable t) {
            throw linkageFailure(t);
        }
    }

    static int setns(int fd, int namespaceType) {
        MemorySegment state = SCRATCH.get().callState;
        try {
            return result((int) SETNS.invokeExact(state, fd, namespaceType), state);
        } catch (Throwable t) {
            throw linkageFailure(t);
        }
    }

    static int socket(int domain, int type, int protocol) {
        MemorySegment state = SCRATCH.get().callState;
        try {
            return result((int) SOCKET.invokeExact(state, domain, type, protocol), state);
        } catch (Throwable t) {
            throw linkageFailure(t);
        }
    }

    static int bind(int fd, MemorySegment address, int length) {
        MemorySegment state = SCRATCH.get().callState;
        try {
            return result((int) BIND.invokeExact(state, fd, address, length), state);
        } catch (Throwable t) {
            throw linkageFailure(t);
        }
    }

    static int connect(int fd, MemorySegment address, int length) {
        MemorySegment state = SCRATCH.get().callState;
        try {
            return result((int) CONNECT.invokeExact(state, fd, address, length), state);
        } catch (Throwable t) {
            throw linkageFailure(t);
        }
    }

    static int getsockname(int fd, MemorySegment address, MemorySegment length) {
        MemorySegment state = SCRATCH.get().callState;
        try {
            return result((int) GETSOCKNAME.invokeExact(state, fd, address, length), state);
        } catch (Throwable t) {
            throw linkageFailure(t);
        }
    }

    static int setsockopt(int fd, int level, int name, MemorySegment value, int length) {
        MemorySegment state = SCRATCH.get().callState;
        try {
            return result((int) SETSOCKOPT.invokeExact(state, fd, level, name, value, length), state);
        } catch (Throwable t) {
            throw linkageFailure(t);
        }
    }

    static int getsockopt(int fd, int level, int name, MemorySegment value, MemorySegment length) {
        MemorySegment state = SCRATCH.get().callState;
        try {
            return result((int) GETSOCKOPT.invokeExact(state, fd, level, name, value, length), state);
        } catch (Throwable t) {
            throw linkageFailure(t);
        }
    }

    static long sendto(int fd, MemorySegment buffer, long length, int flags, MemorySegment to, int toLength) {
        MemorySegment state = SCRATCH.get().callState;
        try {
            return result((long) SENDTO.invokeExact(state, fd, buffer, length, flags, to, toLength), state);
        } catch (Throwable t) {
            throw linkageFailure(t);
        }
    }

    /** sendto(2) with heap or native segments; only with {@code MSG_DONTWAIT} or on non-blocking sockets. */
    static long sendtoHeap(int fd, MemorySegment buffer, long length, int flags, MemorySegment to, int toLength) {
        MemorySegment state = SCRATCH.get().callState;
        try {
            return result((long) SENDTO_HEAP.invokeExact(state, fd, buffer, length, flags, to, toLength), state);
        } catch (Throwable t) {
            throw linkageFailure(t);
        }
    }

    static long recvfrom(int fd, MemorySegment buffer, long length, int flags, MemorySegment from,
                         MemorySegment fromLength) {
        MemorySegment state = SCRATCH.get().callState;
        try {
            return result((long) RECVFROM.invokeExact(state, fd, buffer, length, flags, from, fromLength), state);
        } catch (Throwable t) {
            throw linkageFailure(t);
        }
    }

    /** recvfrom(2) with heap or native segments; only with {@code MSG_DONTWAIT} or on non-blocking sockets. */
    static long recvfromHeap(int fd, MemorySegment buffer, long length, int flags, MemorySegment from,
                             MemorySegment fromLength) {
        MemorySegment state = SCRATCH.get().callState;
        try {
            return result((long) RECVFROM_HEAP.invokeExact(state, fd, buffer, length, flags, from, fromLength),
                    state);
        } catch (Throwable t) {
            throw linkageFailure(t);
        }
    }

    static long sendmsg(int fd, MemorySegment message, int flags) {
        MemorySegment state = SCRATCH.get().callState;
        try {
            return result((long) SENDMSG.invokeExact(state, fd, message, flags), state);
        } catch (Throwable t) {
            throw linkageFailure(t);
        }
    }

    static long recvmsg(int fd, MemorySegment message, int flags) {
        MemorySegment state = SCRATCH.get().callState;
        try {
            return result((long) RECVMSG.invokeExact(state, fd, message, flags), state);
        } catch (Throwable t) {
            throw linkageFailure(t);
        }
    }

    static int sendmmsg(int fd, MemorySegment messages, int count, int flags) {
        MemorySegment state = SCRATCH.get().callState;
        try {
            return result((int) SENDMMSG.invokeExact(state, fd, messages, count, flags), state);
        } catch (Throwable t) {
            throw linkageFailure(t);
        }
    }

    static int recvmmsg(int fd, MemorySegment messages, int count, int flags) {
        MemorySegment state = SCRATCH.get().callState;
        try {
            return result((int) RECVMMSG.invokeExact(state, fd, messages, count, flags, MemorySegment.NULL), state);
        } catch (Throwable t) {
            throw linkageFailure(t);
        }
    }

    /** "EADDRINUSE" for 98, or null when the C library cannot say (glibc before 2.32, unknown numbers). */
    static String errnoName(int errno) {
        return cString(STRERRORNAME, errno);
    }

    /** "Address already in use" for 98, or null when the C library cannot say. */
    static String errnoDescription(int errno) {
        return cString(STRERRORDESC, errno);
    }

    private static String cString(MethodHandle function, int errno) {
        if (function == null) {
            return null;
        }
        try {
            MemorySegment text = (MemorySegment) function.invokeExact(errno);
            return text.equals(MemorySegment.NULL) ? null : text.reinterpret(256).getString(0);
        } catch (Throwable t) {
            throw linkageFailure(t);
        }
    }

    /** Size of {@code struct pollfd}: int fd; short events; short revents (poll(2)). */
    static final class PollFd {
        static final int SIZE = 8;
        static final int FD = 0;
        static final int EVENTS = 4;
        static final int REVENTS = 6;

        private PollFd() {
        }
    }
}
