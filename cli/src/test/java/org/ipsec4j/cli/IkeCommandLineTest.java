package org.ipsec4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The up, down, rekey and dump commands' arguments, without a daemon. */
class IkeCommandLineTest {

    @TempDir
    Path directory;

    private String control() {
        return directory.resolve("nobody.sock").toString();
    }

    @Test
    void withoutADaemonTheExitCodeIsThree() {
        for (String[] command : new String[][] {{"up", "home"}, {"down", "home"}, {"rekey", "home"},
            {"rekey", "home", "--child", "net"}, {"up", "home", "--child", "net", "--timeout", "5"},
            {"dump", "home", "--dir", "/tmp/d"}, {"dump", "home", "--stop"}}) {
            String[] arguments = java.util.stream.Stream.concat(java.util.Arrays.stream(command),
                    java.util.stream.Stream.of("--control", control())).toArray(String[]::new);
            DaemonLifecycleLabTest.Result r = DaemonLifecycleLabTest.run(arguments);
            assertEquals(StatusCommand.EXIT_NO_DAEMON, r.exitCode(), r.toString());
            assertTrue(r.err().startsWith("ipsec4j " + command[0] + ": no control socket at "), r.err());
        }
    }

    @Test
    void wrongUsageIsExitCodeTwo() {
        DaemonLifecycleLabTest.Result both = DaemonLifecycleLabTest.run("rekey", "home", "--child", "net", "--ike",
                "--control", control());
        assertEquals(2, both.exitCode(), both.toString());
        assertTrue(both.err().contains("mutually exclusive"), both.err());

        DaemonLifecycleLabTest.Result blank = DaemonLifecycleLabTest.run("up", "two words", "--control", control());
        assertEquals(2, blank.exitCode(), blank.toString());
        assertTrue(blank.err().contains("a connection name is 1..64 printable characters without blanks"),
                blank.err());

        DaemonLifecycleLabTest.Result timeout = DaemonLifecycleLabTest.run("down", "home", "--timeout", "0",
                "--control", control());
        assertEquals(2, timeout.exitCode(), timeout.toString());
        assertTrue(timeout.err().contains("a timeout is 1..3600 seconds"), timeout.err());

        DaemonLifecycleLabTest.Result missing = DaemonLifecycleLabTest.run("up", "--control", control());
        assertEquals(2, missing.exitCode(), missing.toString());
        assertTrue(missing.err().contains("Missing required parameter: 'NAME'"), missing.err());

        for (String[] dump : new String[][] {{"dump", "home"}, {"dump", "home", "--dir", "/d", "--stop"},
            {"dump", "home", "--stop", "--rekey"}}) {
            String[] arguments = java.util.stream.Stream.concat(java.util.Arrays.stream(dump),
                    java.util.stream.Stream.of("--control", control())).toArray(String[]::new);
            DaemonLifecycleLabTest.Result r = DaemonLifecycleLabTest.run(arguments);
            assertEquals(2, r.exitCode(), r.toString());
            assertTrue(r.err().contains("--dir"), r.err());
        }
    }

    @Test
    void helpNamesTheCommands() {
        DaemonLifecycleLabTest.Result help = DaemonLifecycleLabTest.run("--help");
        assertEquals(0, help.exitCode());
        for (String command : new String[] {"up", "down", "rekey", "status", "reload", "daemon", "dump"}) {
            assertTrue(help.out().contains("  " + command), command + " in\n" + help.out());
        }
        DaemonLifecycleLabTest.Result daemon = DaemonLifecycleLabTest.run("daemon", "--help");
        assertTrue(daemon.out().contains("--conf=FILE"), daemon.out());
        assertTrue(daemon.out().contains("--setkey=FILE"), daemon.out());
    }
}
