package org.ipsec4j.daemon.config.setkey;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The all-or-nothing contract: nothing reaches check or apply unless the whole file is good. */
class SetkeyLoaderTest {

    private static final String GOOD = """
            flush;
            spdflush;
            add 192.0.2.1 192.0.2.2 esp 0x1000 -m tunnel -E aes-gcm-16 0x%s;
            spdadd 10.1.0.0/16 10.2.0.0/16 any -P out ipsec esp/tunnel/192.0.2.1-192.0.2.2/require;
            """.formatted("77".repeat(20));

    /** Records what the daemon side would see; {@code refuse} makes check fail. */
    private static final class RecordingLoader implements SetkeyLoader {
        final List<String> calls = new ArrayList<>();
        boolean refuse;
        SetkeyFile applied;

        @Override
        public void check(SetkeyFile file) throws SetkeyException {
            calls.add("check");
            if (refuse) {
                throw new SetkeyException(file.fileName(), file.positionOf(2), "SPI 0x1000 to 192.0.2.2 is in use");
            }
        }

        @Override
        public void apply(SetkeyFile file) {
            calls.add("apply");
            applied = file;
        }
    }

    @Test
    void goodFileIsCheckedThenApplied() throws SetkeyException {
        RecordingLoader loader = new RecordingLoader();
        SetkeyFile file = loader.load(GOOD, "good.conf");
        assertEquals(List.of("check", "apply"), loader.calls);
        assertEquals(4, loader.applied.statements().size());
        assertEquals(file, loader.applied);
    }

    @Test
    void syntaxErrorReachesNeither() {
        RecordingLoader loader = new RecordingLoader();
        SetkeyException error = assertThrows(SetkeyException.class,
                () -> loader.load(GOOD + "add 192.0.2.1 192.0.2.2 esp 0x1001 -E aes-gcm-16 0x00;", "bad.conf"));
        assertEquals(5, error.line());
        assertEquals(List.of(), loader.calls);
    }

    @Test
    void validationErrorReachesNeither() {
        RecordingLoader loader = new RecordingLoader();
        String again = "add 192.0.2.7 192.0.2.2 esp 4096 -E aes-gcm-16 0x" + "88".repeat(20) + ";";
        SetkeyException error = assertThrows(SetkeyException.class, () -> loader.load(GOOD + again, "twice.conf"));
        assertEquals(5, error.line());
        assertTrue(error.problem().contains("already added at line 3"), error.getMessage());
        assertEquals(List.of(), loader.calls);
    }

    @Test
    void refusedCheckIsNotApplied() {
        RecordingLoader loader = new RecordingLoader();
        loader.refuse = true;
        SetkeyException error = assertThrows(SetkeyException.class, () -> loader.load(GOOD, "busy.conf"));
        assertEquals("busy.conf:3:1: SPI 0x1000 to 192.0.2.2 is in use", error.getMessage());
        assertEquals(List.of("check"), loader.calls);
    }

    @Test
    void loadsFromAFile(@TempDir Path directory) throws IOException, SetkeyException {
        Path path = directory.resolve("ipsec.conf");
        Files.writeString(path, GOOD);
        RecordingLoader loader = new RecordingLoader();
        SetkeyFile file = loader.load(path);
        assertEquals(path.toString(), file.fileName());
        assertEquals(List.of("check", "apply"), loader.calls);
    }

    @Test
    void bytesThatAreNotUtf8AreAnErrorAtTheirPosition(@TempDir Path directory) throws IOException {
        Path path = directory.resolve("latin1.conf");
        byte[] text = "flush;\n# caf\u00e9\nspd".getBytes(StandardCharsets.UTF_8);
        byte[] bytes = new byte[text.length + 1];
        System.arraycopy(text, 0, bytes, 0, text.length);
        bytes[text.length] = (byte) 0xE9; // Latin-1 é
        Files.write(path, bytes);
        RecordingLoader loader = new RecordingLoader();
        SetkeyException error = assertThrows(SetkeyException.class, () -> loader.load(path));
        assertEquals(3, error.line());
        assertEquals(4, error.column());
        assertTrue(error.problem().startsWith("bytes that are not UTF-8"), error.getMessage());
        assertEquals(List.of(), loader.calls);
    }

    @Test
    void hugeFilesAreRefusedBeforeReading(@TempDir Path directory) throws IOException {
        Path path = directory.resolve("huge.conf");
        Files.write(path, new byte[SetkeyFile.MAX_FILE_BYTES + 1]);
        RecordingLoader loader = new RecordingLoader();
        IOException error = assertThrows(IOException.class, () -> loader.load(path));
        assertTrue(error.getMessage().contains("larger than"), error.getMessage());
        assertEquals(List.of(), loader.calls);
    }
}
