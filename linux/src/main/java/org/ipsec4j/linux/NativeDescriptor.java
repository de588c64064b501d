package org.ipsec4j.linux;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.ipsec4j.linux.LinuxConstants.EFD_CLOEXEC;
import static org.ipsec4j.linux.LinuxConstants.EFD_NONBLOCK;
import static org.ipsec4j.linux.LinuxConstants.POLLIN;
import static org.ipsec4j.linux.LinuxConstants.POLLNVAL;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.InterruptedByTimeoutException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A non-blocking file descriptor with a clean way to stop the threads that wait on it.
 *
 * <p>Closing a descriptor does not wake a thread blocked in read(2) or poll(2) on it, and closing it while
 * another thread is about to use the number risks that thread reading a file opened meanwhile under the same
 * number. So: the descriptor is non-blocking, every operation runs between {@link #begin()} and {@link #end()},
 * and waiting happens in poll(2) on the descriptor together with a private eventfd(2). {@link #close()} marks the
 * descriptor closing, signals the eventfd (which stays readable, so every present and future waiter wakes up and
 * throws {@link AsynchronousCloseException}), and the number is closed by whichever of {@code close()} and the
 * last {@code end()} comes later.
 */
final class NativeDescriptor {

    private static final int CLOSING = 1 << 30;
    private static final long CLOSE_WAIT_MILLIS = 2000;

    private final int fd;
    private final int wakeFd;
    private volatile String description;
    /** Operations in progress, plus {@link #CLOSING} once close() was called. */
    private final AtomicInteger state = new AtomicInteger();
    private final AtomicBoolean released = new AtomicBoolean();
    private final CountDownLatch releasedLatch = new CountDownLatch(1);

    private NativeDescriptor(int fd, int wakeFd, String description) {
        this.fd = fd;
        this.wakeFd = wakeFd;
        this.description = description;
    }

    /**
     * Takes ownership of {@code fd}, which must be non-blocking; closes it if the eventfd cannot be made.
     *
     * @param description what it is, for messages: {@code "tun0"}, {@code "UDP socket"}
     */
    static NativeDescriptor adopt(int fd, String description) throws ErrnoException {
        int wake = LibC.eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (wake < 0) {
            LibC.close(fd);
            throw new ErrnoException("eventfd", -wake);
        }
        return new NativeDescriptor(fd, wake, description);
    }

    int fd() {
        return fd;
    }

    String description() {
        return description;
    }

    void describeAs(String newDescription) {
        description = newDescription;
    }

    boolean isOpen() {
        return (state.get() & CLOSING) == 0;
    }

    /** Marks an operation in progress; the descriptor number stays valid until {@link #end()}. */
    void begin() throws ClosedChannelException {
        int s;
        do {
            s = state.get();
            if ((s & CLOSING) != 0) {
                throw new ClosedChannelException();
            }
        } while (!state.compareAndSet(s, s + 1));
    }

    void end() {
        if (state.decrementAndGet() == CLOSING) {
            release();
        }
    }

    /**
     * Waits in poll(2) until the descriptor reports one of {@code events} (or an error condition), the descriptor
     * is closed, or the timeout passes. Call it between {@link #begin()} and {@link #end()}.
     *
     * @param timeoutNanos how long to wait; negative waits without limit
     * @return the {@code revents} of the descriptor
     * @throws AsynchronousCloseException     if the descriptor was closed meanwhile
     * @throws InterruptedByTimeoutException  if the timeout passed
     */
    int await(short events, long timeoutNanos) throws IOException {
        MemorySegment fds = LibC.scratch().pollFds;
        long deadline = timeoutNanos < 0 ? 0 : System.nanoTime() + timeoutNanos;
        while (true) {
            fds.set(JAVA_INT, LibC.PollFd.FD, fd);
            fds.set(JAVA_SHORT, LibC.PollFd.EVENTS, events);
            fds.set(JAVA_SHORT, LibC.PollFd.REVENTS, (short) 0);
            fds.set(JAVA_INT, LibC.PollFd.SIZE + LibC.PollFd.FD, wakeFd);
            fds.set(JAVA_SHORT, LibC.PollFd.SIZE + LibC.PollFd.EVENTS, POLLIN);
            fds.set(JAVA_SHORT, LibC.PollFd.SIZE + LibC.PollFd.REVENTS, (short) 0);
            int timeoutMillis = -1;
            if (timeoutNanos >= 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new InterruptedByTimeoutException();
                }
                timeoutMillis = (int) Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(left + 999_999));
            }
            int ready = LibC.poll(fds, 2, timeoutMillis);
            if (ready == -Errno.EINTR) {
                continue;
            }
            ErrnoException.check("poll(" + description + ")", ready);
            if (!isOpen() || fds.get(JAVA_SHORT, LibC.PollFd.SIZE + LibC.PollFd.REVENTS) != 0) {
                throw new AsynchronousCloseException();
            }
            if (ready > 0) {
                short revents = fds.get(JAVA_SHORT, LibC.PollFd.REVENTS);
                if ((revents & POLLNVAL) != 0) {
                    throw new ErrnoException("poll(" + description + ")", Errno.EBADF);
                }
                return revents;
            }
        }
    }

    /**
     * Closes the descriptor: wakes every thread waiting in {@link #await}, and returns once the number is closed
     * (at once if no operation is in progress; otherwise when the last one ends, waiting up to two seconds for
     * that). Idempotent.
     */
    void close() {
        int s;
        do {
            s = state.get();
            if ((s & CLOSING) != 0) {
                awaitRelease();
                return;
            }
        } while (!state.compareAndSet(s, s | CLOSING));
        signalWake();
        if (state.get() == CLOSING) {
            release();
        }
        awaitRelease();
    }

    private void signalWake() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment one = arena.allocate(JAVA_LONG);
            one.set(JAVA_LONG, 0, 1L);
            LibC.write(wakeFd, one, 8); // eventfd(2): adds 1 to the counter; it stays readable from now on
        }
    }

    private void awaitRelease() {
        try {
            releasedLatch.await(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void release() {
        if (released.compareAndSet(false, true)) {
            LibC.close(fd);
            LibC.close(wakeFd);
            releasedLatch.countDown();
        }
    }

    @Override
    public String toString() {
        return description + " (fd " + fd + (isOpen() ? ")" : ", closed)");
    }
}
