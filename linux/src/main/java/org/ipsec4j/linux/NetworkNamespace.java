package org.ipsec4j.linux;

import static org.ipsec4j.linux.LinuxConstants.CLONE_NEWNET;
import static org.ipsec4j.linux.LinuxConstants.O_CLOEXEC;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A network namespace, named as by {@code ip netns add NAME} (a bind mount under {@code /var/run/netns}), in
 * which code can open devices and sockets.
 *
 * <p>setns(2) switches the namespace of the calling OS thread only. {@link #call} therefore runs the task on a
 * new platform thread that enters the namespace first and ends afterwards, so no thread of the JVM is left in
 * a foreign namespace. What the task opens stays in the namespace for its whole life, whichever thread uses it
 * later: a socket, a netlink socket and a TUN device belong to the namespace they were created in. That is
 * why the tests open everything through here and then do I/O from ordinary threads.
 */
public final class NetworkNamespace {

    /** Where {@code ip netns} keeps its named namespaces. */
    public static final Path NAMED_NAMESPACES = Path.of("/var/run/netns");

    private final Path path;

    private NetworkNamespace(Path path) {
        this.path = path;
    }

    /** The namespace {@code ip netns add name} created. */
    public static NetworkNamespace named(String name) {
        if (name.isEmpty() || name.contains("/")) {
            throw new IllegalArgumentException("not a namespace name: '" + name + "'");
        }
        return new NetworkNamespace(NAMED_NAMESPACES.resolve(name));
    }

    /** The namespace a file refers to, e.g. {@code /proc/1234/ns/net}. */
    public static NetworkNamespace at(Path path) {
        return new NetworkNamespace(Objects.requireNonNull(path, "path"));
    }

    public Path path() {
        return path;
    }

    /** Code to run inside the namespace. */
    @FunctionalInterface
    public interface Task<T> {
        T run() throws IOException;
    }

    /**
     * Runs {@code task} on a fresh platform thread inside this namespace and returns its result, waiting for it.
     * Exceptions of the task are rethrown here (with this call's stack as a suppressed exception).
     *
     * @throws ErrnoException naming setns or open if the namespace cannot be entered
     */
    public <T> T call(Task<T> task) throws IOException {
        if (!Files.exists(path)) {
            throw new ErrnoException("open(" + path + ")", Errno.ENOENT);
        }
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread thread = Thread.ofPlatform().name("netns " + path.getFileName()).unstarted(() -> {
            try {
                enterOnThisThread();
                result.set(task.run());
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        thread.start();
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true; // the task must finish anyway: it may hold open descriptors
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        Throwable t = failure.get();
        if (t != null) {
            t.addSuppressed(new Exception("rethrown by NetworkNamespace.call on " + Thread.currentThread().getName()));
            switch (t) {
                case IOException io -> throw io;
                case RuntimeException runtime -> throw runtime;
                case Error error -> throw error;
                default -> throw new IOException(t);
            }
        }
        return result.get();
    }

    /** As {@link #call}, without a result. */
    public void run(IoRunnable task) throws IOException {
        call(() -> {
            task.run();
            return null;
        });
    }

    @FunctionalInterface
    public interface IoRunnable {
        void run() throws IOException;
    }

    private void enterOnThisThread() throws ErrnoException {
        int fd;
        try (Arena arena = Arena.ofConfined()) {
            fd = ErrnoException.check("open(" + path + ")",
                    LibC.open(arena.allocateFrom(path.toString()), O_CLOEXEC, 0)); // O_RDONLY is 0
        }
        try {
            ErrnoException.check("setns(" + path + ", CLONE_NEWNET)", LibC.setns(fd, CLONE_NEWNET));
        } finally {
            LibC.close(fd);
        }
    }

    @Override
    public String toString() {
        return "NetworkNamespace[" + path + "]";
    }
}
