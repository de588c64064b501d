package org.ipsec4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.ipsec4j.lab.TunnelDemo;
import org.ipsec4j.lab.junit.UsesLab;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code bin/demo} runs after building: {@link TunnelDemo} with an {@code ipsec4j} command (here one that
 * runs the classes under test). Two daemons on the built-in swanctl.conf files negotiate with IKEv2, the ping
 * goes through, and both statuses show the IKE SA.
 */
@UsesLab
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DemoLabTest {

    @TempDir
    Path directory;

    @Test
    void theDemoBringsItsTunnelUpWithIke() throws Exception {
        Path ipsec4j = directory.resolve("ipsec4j");
        String command = DaemonProcess.command(List.of("-Xmx256m")).stream().map(DemoLabTest::quoted)
                .collect(Collectors.joining(" "));
        Files.writeString(ipsec4j, "#!/bin/sh\nexec " + command + " \"$@\"\n");
        Files.setPosixFilePermissions(ipsec4j, PosixFilePermissions.fromString("rwx------"));

        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        int exit;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            exit = TunnelDemo.run(ipsec4j);
        } finally {
            System.setOut(original);
        }
        String output = captured.toString(StandardCharsets.UTF_8);
        System.out.print(output);
        assertEquals(0, exit, output);
        assertTrue(output.contains("ike: CHILD_SA_INSTALLED demo["), output);
        assertTrue(output.contains("demo/net is up"), output);
        assertTrue(output.contains("3 packets transmitted, 3 received"), output);
        assertTrue(output.contains("  demo: ESTABLISHED, IKEv2, "), output);
        assertTrue(output.contains("_i* "), "the left initiated: " + output);
        assertTrue(output.contains("_r*"), "the right responded: " + output);
        assertTrue(output.contains("AES_GCM_16_128/PRF_HMAC_SHA2_256/CURVE_25519"), output);
        assertTrue(output.contains("TUNNEL-in-UDP, ESP:"), output);
        assertTrue(output.contains("Done: the ping went through the tunnel"), output);
    }

    private static String quoted(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }
}
