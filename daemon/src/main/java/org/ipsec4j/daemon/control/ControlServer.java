package org.ipsec4j.daemon.control;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The daemon's control socket: a Unix-domain stream socket at a path (default
 * {@link ControlProtocol#DEFAULT_PATH}), mode 0600 so only root talks to it, serving {@link ControlProtocol}
 * requests. Each connection gets a virtual thread and five seconds to send its line.
 *
 * <p>A socket file left by a daemon that died is removed; a live one (it accepts a connection) is an error, as
 * is a path that exists and is not a socket. The socket is bound under a temporary name, given mode 0600 and
 * then renamed into place, so it is never reachable with wider permissions.
 */
public final class ControlServer implements AutoCloseable {

    private static final long CLIENT_DEADLINE_SECONDS = 5;
    private static final long MAX_DISCARDED_BYTES = 1 << 20;

    private final Path path;
    private final ServerSocketChannel channel;
    private final ControlHandler handler;
    private final Consumer<String> log;
    private final ScheduledExecutorService deadlines;
    private final Thread acceptor;
    private volatile boolean closed;

    private ControlServer(Path path, ServerSocketChannel channel, ControlHandler handler, Consumer<String> log) {
        this.path = path;
        this.channel = channel;
        this.handler = handler;
        this.log = log;
        this.deadlines = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("control-deadlines").factory());
        this.acceptor = Thread.ofPlatform().daemon().name("control").unstarted(this::acceptLoop);
    }

    /**
     * Binds the socket and starts serving.
     *
     * @throws IOException with a one-line message: another daemon listens there, the path is not a socket, the
     *                     directory cannot be created
     */
    public static ControlServer start(Path path, ControlHandler handler, Consumer<String> log) throws IOException {
        Path absolute = path.toAbsolutePath();
        Path directory = absolute.getParent();
        if (!Files.isDirectory(directory)) {
            Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------")));
        }
        removeStale(absolute, log);
        Path temporary = directory.resolve("." + absolute.getFileName() + "." + ProcessHandle.current().pid() + ".new");
        Files.deleteIfExists(temporary);
        ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.bind(UnixDomainSocketAddress.of(temporary));
            Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-------"));
            Files.move(temporary, absolute, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            channel.close();
            Files.deleteIfExists(temporary);
            throw e;
        }
        ControlServer server = new ControlServer(absolute, channel, handler, log);
        server.acceptor.start();
        return server;
    }

    private static void removeStale(Path path, Consumer<String> log) throws IOException {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (java.nio.file.NoSuchFileException e) {
            return;
        }
        if (!attributes.isOther()) { // sockets are "other" (neither file, directory nor link)
            throw new IOException(path + " exists and is not a socket; not touching it");
        }
        try {
            SocketChannel.open(UnixDomainSocketAddress.of(path)).close();
        } catch (java.net.SocketException e) { // ECONNREFUSED: nobody listens
            Files.deleteIfExists(path);
            log.accept("removed stale control socket " + path);
            return;
        }
        throw new IOException("another ipsec4j daemon is listening on " + path);
    }

    public Path path() {
        return path;
    }

    private void acceptLoop() {
        while (!closed) {
            SocketChannel client;
            try {
                client = channel.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (!closed) {
                    log.accept("control socket: accept failed: " + e.getMessage());
                }
                return;
            }
            Thread.ofVirtual().name("control-client").start(() -> serve(client));
        }
    }

    private void serve(SocketChannel client) {
        ScheduledFuture<?> deadline = deadlines.schedule(() -> closeQuietly(client), CLIENT_DEADLINE_SECONDS,
                TimeUnit.SECONDS);
        try (client) {
            String request = readLine(client);
            ControlResponse response;
            if (request == null) {
                response = ControlResponse.error("a request is one line of at most "
                        + ControlProtocol.MAX_REQUEST_BYTES + " bytes");
            } else {
                deadline.cancel(false); // a reload may take longer than a client needs to type
                response = handle(request);
            }
            ByteBuffer bytes = ByteBuffer.wrap(response.encode().getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                client.write(bytes);
            }
        } catch (IOException e) {
            // The client went away or missed its deadline; nothing to answer.
        } finally {
            deadline.cancel(false);
        }
    }

    private ControlResponse handle(String request) {
        try {
            return handler.handle(request.strip());
        } catch (RuntimeException e) {
            log.accept("control request '" + request.strip() + "' failed: " + e);
            return ControlResponse.error("internal error: " + e);
        }
    }

    /**
     * The request line without its newline, or null if it is too long or not text. An overlong line is read to
     * its end (up to {@link #MAX_DISCARDED_BYTES}) so that the answer reaches the client instead of a reset.
     */
    private static String readLine(SocketChannel client) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        ByteBuffer buffer = ByteBuffer.allocate(256);
        boolean tooLong = false;
        long total = 0;
        while (total < MAX_DISCARDED_BYTES) {
            buffer.clear();
            int n = client.read(buffer);
            if (n < 0) {
                break;
            }
            total += n;
            for (int i = 0; i < n; i++) {
                byte b = buffer.get(i);
                if (b == '\n') {
                    return tooLong ? null : text(line);
                }
                if (!tooLong) {
                    line.write(b);
                    tooLong = line.size() > ControlProtocol.MAX_REQUEST_BYTES;
                }
            }
        }
        return tooLong || line.size() == 0 ? null : text(line);
    }

    private static String text(ByteArrayOutputStream line) {
        String text = line.toString(StandardCharsets.UTF_8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 && c != '\t' && c != '\r') {
                return null;
            }
        }
        return text;
    }

    private static void closeQuietly(SocketChannel client) {
        try {
            client.close();
        } catch (IOException ignored) {
            // closing to end a stalled client
        }
    }

    /** Stops listening and removes the socket file. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            channel.close();
        } catch (IOException ignored) {
            // going away anyway
        }
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            log.accept("could not remove control socket " + path + ": " + e.getMessage());
        }
        deadlines.shutdownNow();
        try {
            acceptor.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
