package org.ipsec4j.daemon.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControlServerTest {

    @TempDir
    Path directory;

    private final List<String> log = new CopyOnWriteArrayList<>();

    private static ControlResponse echo(String request) {
        return request.equals("fail") ? ControlResponse.error("asked to fail") : ControlResponse.ok("you said "
                + request + "\n");
    }

    @Test
    void answersOneRequestPerConnectionWithAnOwnerOnlySocket() throws IOException {
        Path path = directory.resolve("control.sock");
        try (ControlServer server = ControlServer.start(path, ControlServerTest::echo, log::add)) {
            assertEquals(path, server.path());
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(path)));
            assertEquals(ControlResponse.ok("you said status\n"), ControlClient.request(path, "status"));
            assertEquals(ControlResponse.error("asked to fail"), ControlClient.request(path, "fail"));
            assertEquals(ControlResponse.ok("you said status json\n"), ControlClient.request(path, "  status json "));
        }
        assertFalse(Files.exists(path), "close removes the socket file");
    }

    @Test
    void createsAMissingDirectoryForOwnerOnly() throws IOException {
        Path path = directory.resolve("run/ipsec4j/control.sock");
        try (ControlServer server = ControlServer.start(path, ControlServerTest::echo, log::add)) {
            assertEquals(path, server.path());
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(path.getParent())));
        }
    }

    @Test
    void removesAStaleSocketButNotALiveOneOrAFile() throws IOException {
        Path path = directory.resolve("control.sock");
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(path));
        } // closed: the file stays, nobody listens
        assertTrue(Files.exists(path));
        try (ControlServer server = ControlServer.start(path, ControlServerTest::echo, log::add)) {
            assertEquals(path, server.path());
            assertTrue(log.contains("removed stale control socket " + path), log.toString());
            IOException live = assertThrows(IOException.class,
                    () -> ControlServer.start(path, ControlServerTest::echo, log::add));
            assertEquals("another ipsec4j daemon is listening on " + path, live.getMessage());
            assertEquals(ControlResponse.ok("you said still here\n"), ControlClient.request(path, "still here"));
        }
        Path file = directory.resolve("not-a-socket");
        Files.writeString(file, "keep me");
        IOException notSocket = assertThrows(IOException.class,
                () -> ControlServer.start(file, ControlServerTest::echo, log::add));
        assertTrue(notSocket.getMessage().contains("is not a socket"), notSocket.getMessage());
        assertEquals("keep me", Files.readString(file));
    }

    @Test
    void refusesOverlongAndBinaryRequests() throws IOException {
        Path path = directory.resolve("control.sock");
        try (ControlServer server = ControlServer.start(path, ControlServerTest::echo, log::add)) {
            assertEquals(path, server.path());
            String tooLong = "error a request is one line of at most " + ControlProtocol.MAX_REQUEST_BYTES + " bytes\n";
            assertEquals(tooLong, raw(path, "x".repeat(10_000) + "\n"));
            assertEquals(tooLong, raw(path, "sta\u0001tus\n"));
            assertEquals("ok\nyou said status\n", raw(path, "status"), "end of stream ends the line too");
        }
    }

    @Test
    void clientSaysWhenNoDaemonRuns() {
        Path path = directory.resolve("missing.sock");
        IOException e = assertThrows(IOException.class, () -> ControlClient.request(path, "status"));
        assertTrue(e.getMessage().startsWith("no control socket at " + path), e.getMessage());
    }

    private static String raw(Path path, String request) throws IOException {
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
            ByteBuffer out = ByteBuffer.wrap(request.getBytes(StandardCharsets.UTF_8));
            while (out.hasRemaining()) {
                channel.write(out);
            }
            channel.shutdownOutput();
            ByteBuffer in = ByteBuffer.allocate(4096);
            while (channel.read(in) >= 0) {
                if (!in.hasRemaining()) {
                    break;
                }
            }
            return new String(in.array(), 0, in.position(), StandardCharsets.UTF_8);
        }
    }
}
