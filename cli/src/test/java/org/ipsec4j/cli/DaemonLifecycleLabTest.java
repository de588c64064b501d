package org.ipsec4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.ipsec4j.lab.CommandResult;
import org.ipsec4j.lab.Lab;
import org.ipsec4j.lab.Namespace;
import org.ipsec4j.lab.junit.UsesLab;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/** Starting, reloading and stopping the daemon, and the one-line errors when it cannot start. */
@UsesLab
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DaemonLifecycleLabTest {

    static final TunnelLab.Setup SETUP = new TunnelLab.Setup(TunnelLab.Outer.V4, TunnelLab.Mode.TUNNEL,
            TunnelLab.Encapsulation.UDP);

    @Test
    void aBadSetkeyFileStopsTheStartWithLineAndColumnAndLeavesNothingBehind(Lab lab) {
        TunnelLab tunnel = new TunnelLab(lab);
        Path bad = tunnel.write("bad.setkey", "flush;\nspdflush;\nadd 192.0.2.1 192.0.2.2 esp 0x1001 -m tunel "
                + "-E aes-gcm-16 " + TunnelLab.KEY_LEFT_TO_RIGHT + ";\n");
        DaemonProcess daemon = DaemonProcess.launch(tunnel.left, bad, tunnel.control("left"), List.of());
        assertEquals(DaemonCommand.EXIT_CONFIGURATION, daemon.process().waitFor(Duration.ofSeconds(30)));
        List<String> lines = daemon.stderr().lines().toList();
        assertEquals(1, lines.size(), daemon.stderr());
        assertTrue(lines.getFirst().startsWith("ipsec4j daemon: " + bad + ":3:39: expected a mode after -m (transport, tunnel or any), found 'tunel'"), lines.getFirst());
        assertNothingLeft(tunnel.left, tunnel.control("left"));

        Path missing = tunnel.directory.resolve("missing.setkey");
        DaemonProcess none = DaemonProcess.launch(tunnel.left, missing, tunnel.control("left"), List.of());
        assertEquals(DaemonCommand.EXIT_CONFIGURATION, none.process().waitFor(Duration.ofSeconds(30)));
        assertEquals("ipsec4j daemon: cannot read setkey file " + missing + ": no such file\n", none.stderr());
    }

    @Test
    void aBadReloadIsRefusedAndTheRunningConfigurationStays(Lab lab) throws Exception {
        TunnelLab tunnel = new TunnelLab(lab);
        Path leftFile = tunnel.write("left.setkey", SETUP.setkey());
        Path rightFile = tunnel.write("right.setkey", SETUP.setkey());
        DaemonProcess left = DaemonProcess.start(tunnel.left, leftFile, tunnel.control("left"));
        DaemonProcess right = DaemonProcess.start(tunnel.right, rightFile, tunnel.control("right"));
        ping(tunnel);
        Map<String, Object> before = DaemonProcess.sa(left.statusJson(), TunnelLab.SPI_LEFT_TO_RIGHT);

        String good = Files.readString(leftFile);
        String bad = good.replace("-r 64 -E aes-gcm-16 " + TunnelLab.KEY_RIGHT_TO_LEFT,
                "-E 3des-cbc 0x000102030405060708090a0b0c0d0e0f1011121314151617 -A hmac-sha1 "
                        + "0x0102030405060708090a0b0c0d0e0f1011121314");
        Files.writeString(leftFile, bad);
        Result refused = run("reload", "--control", left.control().toString());
        assertEquals(1, refused.exitCode(), refused.toString());
        assertEquals("ipsec4j reload: " + leftFile + ":4:1: 3des-cbc is a legacy algorithm (RFC 8221), refused unless the "
                + "daemon runs with --allow-legacy\n", refused.err());
        assertFalse(refused.err().contains("000102030405"), "no key in the message");

        ping(tunnel);
        Map<String, Object> after = DaemonProcess.sa(left.statusJson(), TunnelLab.SPI_LEFT_TO_RIGHT);
        assertEquals(before.get("setkey_line"), after.get("setkey_line"));
        assertTrue((Long) after.get("sequence_number") > (Long) before.get("sequence_number"),
                "the same SA carried on: " + before + " then " + after);

        Files.writeString(leftFile, good);
        Result reloaded = run("reload", "--control", left.control().toString());
        assertEquals(0, reloaded.exitCode(), reloaded.toString());
        assertEquals("reloaded " + leftFile + ": 2 SAs, 2 policies\n", reloaded.out());
        ping(tunnel);
        Map<String, Object> kept = DaemonProcess.sa(left.statusJson(), TunnelLab.SPI_LEFT_TO_RIGHT);
        assertTrue((Long) kept.get("sequence_number") > (Long) after.get("sequence_number"),
                "an unchanged SA survives a reload, its sequence number with it: " + kept);
        assertTrue(left.stderr().contains("reload refused, configuration unchanged: " + leftFile + ":4:1: "),
                left.stderr());
        assertEquals(0, left.stop());
        assertEquals(0, right.stop());
    }

    @Test
    void whatTheSystemRefusesIsOneLineAndExitStatusFour(Lab lab) {
        TunnelLab tunnel = new TunnelLab(lab);
        Path file = tunnel.write("tunnel.setkey", SETUP.setkey());
        DaemonProcess first = DaemonProcess.start(tunnel.left, file, tunnel.control("first"), "--on-exit",
                "release");

        // UDP port 4500 is the first daemon's.
        DaemonProcess port = DaemonProcess.launch(tunnel.left, file, tunnel.control("second"), List.of(), "--tun",
                "second0", "--table", "4600", "--fwmark", "0x4600");
        assertEquals(DaemonCommand.EXIT_SYSTEM, port.process().waitFor(Duration.ofSeconds(30)));
        assertEquals("ipsec4j daemon: " + file + ":3:1: cannot open UDP port 4500 (IPv4): UDP port 4500 is in use "
                + "by another program\n", port.stderr());

        // Raw ESP needs no port, but the TUN device name is taken.
        Path raw = tunnel.write("raw.setkey", new TunnelLab.Setup(TunnelLab.Outer.V4, TunnelLab.Mode.TUNNEL,
                TunnelLab.Encapsulation.RAW).setkey());
        DaemonProcess tun = DaemonProcess.launch(tunnel.left, raw, tunnel.control("third"), List.of(), "--encap",
                "none", "--table", "4600", "--fwmark", "0x4600");
        assertEquals(DaemonCommand.EXIT_SYSTEM, tun.process().waitFor(Duration.ofSeconds(30)));
        String tunError = tun.stderr().lines().toList().getLast();
        assertTrue(tunError.startsWith("ipsec4j daemon: cannot create TUN device ipsec4j0: "), tun.stderr());
        assertTrue(tunError.contains("EBUSY"), tunError);

        // The control socket is the first daemon's.
        DaemonProcess control = DaemonProcess.launch(tunnel.left, raw, tunnel.control("first"), List.of(), "--encap",
                "none", "--tun", "fourth0", "--table", "4600", "--fwmark", "0x4600");
        assertEquals(DaemonCommand.EXIT_SYSTEM, control.process().waitFor(Duration.ofSeconds(30)));
        assertEquals("ipsec4j daemon: control socket " + tunnel.control("first") + ": another ipsec4j daemon is "
                + "listening on " + tunnel.control("first"), control.stderr().lines().toList().getLast());
        assertFalse(tunnel.left.ip("link").stdout().contains("fourth0"), "the refused daemon took its TUN device down");

        // The state directory cannot be made: a file is in the way.
        Path blocked = tunnel.write("not-a-directory", "x").resolve("state");
        DaemonProcess state = DaemonProcess.launch(tunnel.left, raw, tunnel.control("fifth"), List.of(), "--encap",
                "none", "--tun", "fifth0", "--table", "4600", "--fwmark", "0x4600", "--state-dir", blocked.toString());
        assertEquals(DaemonCommand.EXIT_SYSTEM, state.process().waitFor(Duration.ofSeconds(30)));
        assertTrue(state.stderr().lines().toList().getLast().startsWith("ipsec4j daemon: state directory " + blocked
                + ": "), state.stderr());

        assertTrue(first.process().isAlive());
        assertEquals(0, first.request("version").ok() ? 0 : 1);
        assertEquals(0, first.stop(), first.stderr());
        assertNothingLeft(tunnel.left, tunnel.control("first"));
    }

    @Test
    void sigtermLeavesTheTunnelFailClosedUnlessToldToRelease(Lab lab) {
        TunnelLab tunnel = new TunnelLab(lab);
        Path file = tunnel.write("tunnel.setkey", SETUP.setkey());
        DaemonProcess left = DaemonProcess.start(tunnel.left, file, tunnel.control("left"));
        String rules = tunnel.left.ip("rule").stdout();
        assertTrue(rules.contains("4500:\tnot from all fwmark 0x4500 lookup 4500"), rules);
        assertTrue(tunnel.left.ip("-6", "rule").stdout().contains("not from all fwmark 0x4500 lookup 4500"));
        assertEquals("10.0.2.0/24 dev ipsec4j0 scope link src 10.0.1.1 \nprohibit 10.0.2.0/24 metric 65535",
                tunnel.left.ip("route", "show", "table", "4500").stdout().strip());
        assertTrue(Files.exists(left.control()));
        assertEquals(0, left.stop(), left.stderr());
        assertTrue(left.stderr().strip().endsWith("stopped; removed ipsec4j0 and its routes and " + left.control()
                + "; kept 1 prohibit route and the rule in table 4500 (fail closed until a daemon runs again; "
                + "--on-exit release removes them)"), left.stderr());
        // The daemon is gone; what the tunnel carried is refused, not sent in the clear by the main table.
        assertFalse(tunnel.left.ip("link").stdout().contains("ipsec4j0"), "TUN device removed");
        assertFalse(Files.exists(left.control()), "control socket removed");
        assertEquals("prohibit 10.0.2.0/24 metric 65535", tunnel.left.ip("route", "show", "table", "4500").stdout()
                .strip());
        assertTrue(tunnel.left.ip("rule").stdout().contains("not from all fwmark 0x4500 lookup 4500"));
        CommandResult ping = tunnel.left.exec("ping", "-n", "-c", "1", "-W", "1", "-I", TunnelLab.LEFT_INNER,
                TunnelLab.RIGHT_INNER);
        assertFalse(ping.succeeded(), ping.stdout());

        // The next daemon takes over (keeping the rule) and, told so, releases everything when it stops.
        DaemonProcess again = DaemonProcess.start(tunnel.left, file, tunnel.control("left"), "--on-exit", "release");
        assertTrue(again.stderr().contains("kept the routing rule a previous daemon left"), again.stderr());
        assertEquals(0, again.stop(), again.stderr());
        assertTrue(again.stderr().strip().endsWith("stopped; removed ipsec4j0, its routes and rules and "
                + again.control()), again.stderr());
        assertNothingLeft(tunnel.left, again.control());
        assertEquals("", IkeTunnelLabTest.tunnelRoutes(tunnel.left));
    }

    @Test
    void statusWithoutADaemonSaysSo(Lab lab) {
        TunnelLab tunnel = new TunnelLab(lab);
        Result status = run("status", "--control", tunnel.control("nobody").toString());
        assertEquals(StatusCommand.EXIT_NO_DAEMON, status.exitCode());
        assertTrue(status.err().startsWith("ipsec4j status: no control socket at " + tunnel.control("nobody")), status.err());
    }

    private static void assertNothingLeft(Namespace namespace, Path control) {
        assertFalse(namespace.ip("link").stdout().contains("ipsec4j0"), "TUN device removed");
        assertFalse(namespace.ip("rule").stdout().contains("fwmark"), "IPv4 rule removed");
        assertFalse(namespace.ip("-6", "rule").stdout().contains("fwmark"), "IPv6 rule removed");
        assertFalse(Files.exists(control), "control socket removed");
    }

    private static void ping(TunnelLab tunnel) {
        CommandResult ping = tunnel.left.exec("ping", "-n", "-c", "2", "-i", "0.2", "-W", "2", "-I",
                TunnelLab.LEFT_INNER, TunnelLab.RIGHT_INNER);
        assertTrue(ping.succeeded(), ping.stdout() + ping.stderr());
    }

    record Result(int exitCode, String out, String err) {}

    static Result run(String... arguments) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = Main.commandLine();
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        int exitCode = commandLine.execute(arguments);
        return new Result(exitCode, out.toString(), err.toString());
    }
}
