package org.ipsec4j.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.ipsec4j.lab.Lab;
import org.ipsec4j.lab.junit.UsesLab;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Entering a namespace switches only the task's own thread; exceptions come back to the caller. */
@UsesLab
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class NetworkNamespaceTest {

    private static String currentThreadNamespace() throws IOException {
        return Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString(); // "net:[4026531840]"
    }

    @Test
    void onlyTheTaskThreadEntersAndTheCallerStaysWhereItWas(Lab lab) throws Exception {
        NetworkNamespace netns = NetworkNamespace.named(lab.host("enter").netnsName());
        String before = currentThreadNamespace();
        String inside = netns.call(NetworkNamespaceTest::currentThreadNamespace);
        assertNotEquals(before, inside);
        assertEquals(inside, netns.call(NetworkNamespaceTest::currentThreadNamespace), "the same namespace each time");
        assertEquals(before, currentThreadNamespace());
        // A socket opened inside stays there: its namespace is the task's, not the thread's that uses it later.
        try (UdpSocket socket = netns.call(() -> UdpSocket.openBound(SocketEndpoint.of("127.0.0.1", 0)))) {
            assertTrue(socket.localEndpoint().port() > 0);
        }
    }

    @Test
    void exceptionsOfTheTaskReachTheCaller(Lab lab) {
        NetworkNamespace netns = NetworkNamespace.named(lab.host("throw").netnsName());
        ErrnoException io = assertThrows(ErrnoException.class, () -> netns.call(() -> {
            throw new ErrnoException("test", Errno.EIO);
        }));
        assertEquals(Errno.EIO, io.errno());
        assertTrue(io.getSuppressed().length > 0, "marks where it was rethrown");
        assertThrows(UncheckedIOException.class, () -> netns.run(() -> {
            throw new UncheckedIOException(new IOException("unchecked"));
        }));
        assertThrows(IllegalArgumentException.class, () -> NetworkNamespace.named("a/b"));
    }
}
