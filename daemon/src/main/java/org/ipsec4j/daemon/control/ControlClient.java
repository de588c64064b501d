package org.ipsec4j.daemon.control;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Sends one request to a running daemon's control socket ({@code ipsec4j status}, tests). */
public final class ControlClient {

    /** A status response is a few KB per SA; more than this is not a daemon talking. */
    private static final int MAX_RESPONSE_BYTES = 64 << 20;

    private ControlClient() {}

    /**
     * @throws IOException with a one-line message when no daemon listens at {@code path}
     */
    public static ControlResponse request(Path path, String request) throws IOException {
        if (!Files.exists(path)) {
            throw new IOException("no control socket at " + path + " (is ipsec4j daemon running? --control "
                    + "names another socket)");
        }
        SocketChannel channel;
        try {
            channel = SocketChannel.open(UnixDomainSocketAddress.of(path));
        } catch (java.net.ConnectException e) {
            throw new IOException("nothing listens on " + path + " (the daemon is not running)");
        } catch (java.net.SocketException e) {
            throw new IOException("cannot connect to " + path + ": " + e.getMessage());
        }
        try (channel) {
            ByteBuffer line = ByteBuffer.wrap((request + "\n").getBytes(StandardCharsets.UTF_8));
            while (line.hasRemaining()) {
                channel.write(line);
            }
            channel.shutdownOutput();
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            ByteBuffer buffer = ByteBuffer.allocate(8192);
            while (channel.read(buffer.clear()) >= 0) {
                response.write(buffer.array(), 0, buffer.position());
                if (response.size() > MAX_RESPONSE_BYTES) {
                    throw new IOException("the response from " + path + " is larger than " + MAX_RESPONSE_BYTES
                            + " bytes");
                }
            }
            if (response.size() == 0) {
                throw new IOException("the daemon at " + path + " closed the connection without answering");
            }
            return ControlResponse.decode(response.toString(StandardCharsets.UTF_8));
        }
    }
}
