package org.ipsec4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.ipsec4j.lab.CommandResult;
import org.ipsec4j.lab.Lab;
import org.ipsec4j.lab.junit.UsesLab;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The daemon with a swanctl.conf: configuration errors at start and on reload name the file, line and column;
 * a reload keeps unchanged connections and their SAs; a daemon with both --setkey and --conf carries both kinds
 * of SAs, and a setkey reload leaves IKE's alone; IKE commands to a daemon without IKE say so.
 */
@UsesLab
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class IkeDaemonLabTest {

    @Test
    void configurationErrorsNameFileLineAndColumn(Lab lab) {
        TunnelLab tunnel = new TunnelLab(lab);
        String good = IkeLab.left(IkeLab.Options.plain());

        Path syntax = tunnel.write("syntax.conf", good.replace("proposals = aes128gcm16-prfsha256-x25519",
                "proposals = aes128gcm16-prfsha256-x25519-md5"));
        DaemonProcess bad = DaemonProcess.launchDaemon(tunnel.left, tunnel.control("left"), List.of(), "--conf",
                syntax.toString());
        assertEquals(DaemonCommand.EXIT_CONFIGURATION, bad.process().waitFor(Duration.ofSeconds(30)));
        String line = bad.stderr().strip();
        assertTrue(line.startsWith("ipsec4j daemon: " + syntax + ":5:"), line);
        assertTrue(line.contains("connections.lab.proposals"), line);
        assertEquals(1, bad.stderr().lines().count(), bad.stderr());

        Path translation = tunnel.write("translation.conf", good.replace("start_action = none",
                "close_action = start"));
        DaemonProcess refused = DaemonProcess.launchDaemon(tunnel.left, tunnel.control("left"), List.of(), "--conf",
                translation.toString());
        assertEquals(DaemonCommand.EXIT_CONFIGURATION, refused.process().waitFor(Duration.ofSeconds(30)));
        assertEquals("ipsec4j daemon: " + translation + ":20:9: connections.lab.children.net.close_action: "
                + "close_action = start is not supported by ipsec4j (only none)\n", refused.stderr());

        Path missing = tunnel.directory.resolve("missing.conf");
        DaemonProcess none = DaemonProcess.launchDaemon(tunnel.left, tunnel.control("left"), List.of(), "--conf",
                missing.toString());
        assertEquals(DaemonCommand.EXIT_CONFIGURATION, none.process().waitFor(Duration.ofSeconds(30)));
        assertEquals("ipsec4j daemon: cannot read swanctl file " + missing + ": no such file\n", none.stderr());

        DaemonLifecycleLabTest.Result neither = DaemonLifecycleLabTest.run("daemon", "--control",
                tunnel.control("left").toString());
        assertEquals(2, neither.exitCode(), neither.toString());
        assertTrue(neither.err().contains("give a setkey file (--setkey), a swanctl.conf (--conf) or both"),
                neither.err());
        assertFalse(tunnel.left.ip("link").stdout().contains("ipsec4j0"), "nothing left behind");
    }

    @Test
    void aReloadKeepsUnchangedConnectionsAndRefusesABadFile(Lab lab) throws Exception {
        TunnelLab tunnel = new TunnelLab(lab);
        DaemonProcess[] daemons = IkeLab.startPair(tunnel, IkeLab.Options.plain().startingLeft());
        DaemonProcess left = daemons[0];
        DaemonProcess right = daemons[1];
        IkeTunnelLabTest.awaitChild(left);
        Map<String, Object> before = IkeTunnelLabTest.onlyIkeSa(left.statusJson());

        Path conf = tunnel.directory.resolve("left.swanctl.conf");
        String good = Files.readString(conf);
        String bad = good.replace("local_ts = 10.0.1.0/24", "local_ts = 10.0.1.0/33");
        Files.writeString(conf, bad);
        DaemonLifecycleLabTest.Result refused = DaemonLifecycleLabTest.run("reload", "--control",
                left.control().toString());
        assertEquals(1, refused.exitCode(), refused.toString());
        assertTrue(refused.err().startsWith("ipsec4j reload: " + conf + ":17:"), refused.err());
        assertTrue(left.stderr().contains("reload refused, configuration unchanged: " + conf + ":17:"), left.stderr());

        // The same connection and one more: the running IKE SA stays as it is.
        String first = good.substring(good.indexOf("  lab {"), good.indexOf("}\nsecrets"));
        String lab2 = first.replace("  lab {", "  lab2 {").replace("start_action = start", "start_action = none");
        Files.writeString(conf, good.replace("connections {\n", "connections {\n" + lab2));
        DaemonLifecycleLabTest.Result reloaded = DaemonLifecycleLabTest.run("reload", "--control",
                left.control().toString());
        assertEquals(0, reloaded.exitCode(), reloaded + "\n" + left.stderr());
        assertEquals("reloaded " + conf + ": 2 IKE connections (1 unchanged, 0 changed, 1 added, 0 removed)\n",
                reloaded.out());
        Map<String, Object> after = IkeTunnelLabTest.onlyIkeSa(left.statusJson());
        assertEquals(before.get("initiator_spi"), after.get("initiator_spi"));
        assertEquals(IkeTunnelLabTest.onlyChild(before).get("spi_in"), IkeTunnelLabTest.onlyChild(after).get("spi_in"));
        CommandResult ping = tunnel.left.exec("ping", "-n", "-c", "2", "-i", "0.2", "-W", "2", "-I",
                TunnelLab.LEFT_INNER, TunnelLab.RIGHT_INNER);
        assertTrue(ping.succeeded(), ping.stdout() + ping.stderr());
        assertEquals(0, left.stop(), left.stderr());
        assertEquals(0, right.stop(), right.stderr());
    }

    /**
     * Manual SAs for 10.0.1.0/24 - 10.0.2.0/24 and an IKE child between the two hosts themselves, in one daemon on
     * each side: both carry pings, also after the setkey file is reloaded.
     */
    @Test
    void setkeyAndIkeSideBySide(Lab lab) throws Exception {
        TunnelLab tunnel = new TunnelLab(lab);
        Path setkey = tunnel.write("tunnel.setkey", new TunnelLab.Setup(TunnelLab.Outer.V4, TunnelLab.Mode.TUNNEL,
                TunnelLab.Encapsulation.UDP).setkey());
        IkeLab.Options options = IkeLab.Options.plain();
        String hostToHost = "local_ts = dynamic\n        remote_ts = dynamic";
        Path leftConf = tunnel.write("left.swanctl.conf", IkeLab.left(options)
                .replace("local_ts = 10.0.1.0/24\n        remote_ts = 10.0.2.0/24", hostToHost));
        Path rightConf = tunnel.write("right.swanctl.conf", IkeLab.right(options)
                .replace("local_ts = 10.0.2.0/24\n        remote_ts = 10.0.1.0/24", hostToHost));
        DaemonProcess right = DaemonProcess.launchDaemon(tunnel.right, tunnel.control("right"), List.of("-Xmx256m"),
                "--setkey", setkey.toString(), "--conf", rightConf.toString());
        DaemonProcess left = DaemonProcess.launchDaemon(tunnel.left, tunnel.control("left"), List.of("-Xmx256m"),
                "--setkey", setkey.toString(), "--conf", leftConf.toString());
        right.awaitReady();
        left.awaitReady();
        assertTrue(left.stderr().contains("ready: 2 SAs, 2 policies from " + setkey + "; 1 IKE connections from "
                + leftConf), left.stderr());
        DaemonLifecycleLabTest.Result up = DaemonLifecycleLabTest.run("up", "lab", "--control",
                left.control().toString());
        assertEquals(0, up.exitCode(), up + "\n" + left.stderr() + "\n" + right.stderr());
        Map<String, Object> child = IkeTunnelLabTest.onlyChild(IkeTunnelLabTest.onlyIkeSa(left.statusJson()));
        assertEquals(List.of("192.0.2.1"), child.get("local_ts"));
        assertEquals(List.of("192.0.2.2"), child.get("remote_ts"));

        pingBoth(tunnel, child, left);
        DaemonLifecycleLabTest.Result reloaded = DaemonLifecycleLabTest.run("reload", "--control",
                left.control().toString());
        assertEquals(0, reloaded.exitCode(), reloaded.toString());
        assertEquals("reloaded " + setkey + ": 2 SAs, 2 policies\nreloaded " + leftConf + ": 1 IKE connections "
                + "(1 unchanged, 0 changed, 0 added, 0 removed)\n", reloaded.out());
        pingBoth(tunnel, child, left);

        Map<String, Object> status = left.statusJson();
        assertTrue((Long) DaemonProcess.sa(status, TunnelLab.SPI_LEFT_TO_RIGHT).get("packets") >= 4);
        assertEquals(0, left.stop(), left.stderr());
        assertEquals(0, right.stop(), right.stderr());
    }

    private static void pingBoth(TunnelLab tunnel, Map<String, Object> child, DaemonProcess left) {
        long before = (Long) IkeTunnelLabTest.onlyChild(IkeTunnelLabTest.onlyIkeSa(left.statusJson()))
                .get("packets_out");
        CommandResult inner = tunnel.left.exec("ping", "-n", "-c", "2", "-i", "0.2", "-W", "2", "-I",
                TunnelLab.LEFT_INNER, TunnelLab.RIGHT_INNER);
        assertTrue(inner.succeeded(), inner.stdout() + inner.stderr() + left.stderr());
        CommandResult outer = tunnel.left.exec("ping", "-n", "-c", "2", "-i", "0.2", "-W", "2", "192.0.2.2");
        assertTrue(outer.succeeded(), outer.stdout() + outer.stderr() + left.stderr());
        long after = (Long) IkeTunnelLabTest.onlyChild(IkeTunnelLabTest.onlyIkeSa(left.statusJson()))
                .get("packets_out");
        assertTrue(after >= before + 2, "the host-to-host pings went through the IKE child " + child.get("spi_out"));
    }

    @Test
    void portFiveHundredInUseIsTheSystemsRefusal(Lab lab) {
        TunnelLab tunnel = new TunnelLab(lab);
        Path conf = tunnel.write("left.swanctl.conf", IkeLab.left(IkeLab.Options.plain()));
        DaemonProcess first = DaemonProcess.launchDaemon(tunnel.left, tunnel.control("first"), List.of(), "--conf",
                conf.toString());
        first.awaitReady();
        DaemonProcess second = DaemonProcess.launchDaemon(tunnel.left, tunnel.control("second"), List.of(), "--conf",
                conf.toString(), "--tun", "second0", "--table", "4600", "--fwmark", "0x4600");
        assertEquals(DaemonCommand.EXIT_SYSTEM, second.process().waitFor(Duration.ofSeconds(30)));
        assertEquals("ipsec4j daemon: cannot open UDP port 500 (IPv4) for IKE: UDP port 500 is in use by another "
                + "program (another IKE daemon?)", second.stderr().lines().toList().getLast());
        assertFalse(tunnel.left.ip("link").stdout().contains("second0"), "the refused daemon took its TUN device down");
        assertTrue(first.request("version").ok());
        assertEquals(0, first.stop(), first.stderr());
    }

    @Test
    void ikeCommandsNeedIke(Lab lab) {
        TunnelLab tunnel = new TunnelLab(lab);
        Path setkey = tunnel.write("tunnel.setkey", DaemonLifecycleLabTest.SETUP.setkey());
        DaemonProcess left = DaemonProcess.start(tunnel.left, setkey, tunnel.control("left"));
        DaemonLifecycleLabTest.Result up = DaemonLifecycleLabTest.run("up", "lab", "--control",
                left.control().toString());
        assertEquals(1, up.exitCode());
        assertEquals("ipsec4j up: this daemon runs without IKE (start it with --conf FILE, a swanctl.conf)\n",
                up.err());
        assertEquals(0, left.stop(), left.stderr());

        DaemonLifecycleLabTest.Result noDaemon = DaemonLifecycleLabTest.run("down", "lab", "--control",
                left.control().toString());
        assertEquals(StatusCommand.EXIT_NO_DAEMON, noDaemon.exitCode());
    }
}
