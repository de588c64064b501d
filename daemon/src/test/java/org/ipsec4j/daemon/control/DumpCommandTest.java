package org.ipsec4j.daemon.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.ipsec4j.daemon.control.ControlProtocol.DumpCommand;
import org.junit.jupiter.api.Test;

class DumpCommandTest {

    @Test
    void requestLinesRoundTrip() {
        for (DumpCommand c : new DumpCommand[] {
            new DumpCommand("home", Path.of("/var/tmp/dumps"), false),
            new DumpCommand("home", Path.of("/var/tmp/with blanks/in it"), true),
            new DumpCommand("home", null, false)}) {
            assertEquals(c, DumpCommand.parse(c.requestLine()), c.requestLine());
        }
        assertEquals("dump home rekey dir /d", new DumpCommand("home", Path.of("/d"), true).requestLine());
        assertEquals("dump home stop", new DumpCommand("home", null, false).requestLine());
    }

    @Test
    void otherRequestsAreNotDumpCommands() {
        assertNull(DumpCommand.parse("status"));
        assertNull(DumpCommand.parse("down home"));
        assertNull(DumpCommand.parse("dumpling"));
    }

    @Test
    void badArgumentsSayWhatIsExpected() {
        for (String bad : new String[] {"dump", "dump home", "dump home dir ", "dump home rekey stop",
            "dump home start /d", "dump home rekey"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DumpCommand.parse(bad),
                    bad);
            assertTrue(e.getMessage().contains("dump NAME [rekey] dir DIRECTORY | dump NAME stop"), e.getMessage());
        }
        assertEquals("the dump directory must be an absolute path, not 'relative/dir'",
                assertThrows(IllegalArgumentException.class, () -> DumpCommand.parse("dump home dir relative/dir"))
                        .getMessage());
        assertThrows(IllegalArgumentException.class, () -> new DumpCommand("two words", Path.of("/d"), false));
        assertTrue(ControlProtocol.MAX_REQUEST_BYTES > 4096, "a PATH_MAX path fits a request line");
    }
}
