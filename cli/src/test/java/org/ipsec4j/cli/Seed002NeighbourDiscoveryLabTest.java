package org.ipsec4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.ipsec4j.lab.IpVersion;
import org.ipsec4j.lab.Lab;
import org.ipsec4j.lab.Link;
import org.ipsec4j.lab.Namespace;
import org.ipsec4j.lab.PacketCapture;
import org.ipsec4j.lab.junit.UsesLab;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Seed 002: a host-to-host IPv6 tunnel that protects everything between two hosts on one link (traffic selectors
 * each host's own /128, all protocols, so the ICMPv6 neighbour discovery between them falls under the policy),
 * and one host reboots. Its daemon is killed (SIGKILL), what a reboot clears goes too (the routing rule and table
 * the daemon left, its control socket under /run) and both neighbour caches are flushed; the daemon starts again
 * on the same configuration and the tunnel must be back within seconds with nobody's help: the IKE SA
 * established, ping6 answered both ways through it, ESP on the link, no echo in the clear.
 *
 * <p>With a kernel IPsec the policy traps the neighbour advertisement the other host answers the rebooted one's
 * solicitation with, so the rebooted host never learns where its peer is and its IKE_SA_INIT never leaves. The
 * control case puts that trap in by hand (an ip6tables rule on the host that did not reboot drops its neighbour
 * advertisements to the rebooted one) and shows that the lab does depend on neighbour discovery: the tunnel does
 * not come back within the same deadline. ipsec4j takes traffic into its policies by routing it into its TUN
 * device, and Linux sends neighbour discovery straight out of the link's device without a routing lookup, so
 * neither the routing rule nor the tunnel route can catch it: with the built-in ND bypass switched off
 * ({@code --bypass ike}) the tunnel comes back all the same, and no ND message ever reaches the data plane. What
 * the bypass does decide shows with a solicitation that is routed (sent from an application's raw socket): by
 * default it leaves in the clear, with {@code --bypass ike} it is tunnelled.
 *
 * <p>Last, the rebooted host must be fail closed again: its state directory still lists the prohibit route the
 * reboot took, and the daemon puts it back, so that a second crash refuses the ping instead of sending it in the
 * clear (the echo capture on the link runs to the end).
 */
@UsesLab
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class Seed002NeighbourDiscoveryLabTest {

    static final String LEFT6 = "2001:db8:2::1";
    static final String RIGHT6 = "2001:db8:2::2";
    /** How long the tunnel is given to come back after the restarted daemon says it is ready. */
    static final Duration RECOVERY = Duration.ofSeconds(20);
    private static final int TABLE = org.ipsec4j.daemon.DaemonOptions.DEFAULT_TABLE;
    /** Neighbour solicitations and advertisements (RFC 4861 §4.3, §4.4), no extension headers before them. */
    private static final String ND = "icmp6 and (ip6[40] == 135 or ip6[40] == 136)";

    enum Case {
        /** The daemons as they run by default ({@code --bypass ike,nd}). */
        DEFAULT(List.of(), true, false, true),
        /** The built-in ND bypass off on both daemons: the tunnel still comes back (see the class comment). */
        ND_NOT_BYPASSED(List.of("--bypass", "ike"), false, false, true),
        /** The control: right's neighbour advertisements to left dropped, as seed 002's kernel trap does. */
        ADVERTISEMENTS_TRAPPED(List.of(), true, true, false);

        final List<String> daemonArguments;
        final boolean bypassesNd;
        final boolean trapAdvertisements;
        final boolean recovers;

        Case(List<String> daemonArguments, boolean bypassesNd, boolean trapAdvertisements, boolean recovers) {
            this.daemonArguments = daemonArguments;
            this.bypassesNd = bypassesNd;
            this.trapAdvertisements = trapAdvertisements;
            this.recovers = recovers;
        }
    }

    @ParameterizedTest
    @EnumSource(Case.class)
    void aRebootedHostGetsItsHostToHostTunnelBack(Case c, Lab lab) throws IOException {
        Namespace left = lab.host("left");
        Namespace right = lab.host("right");
        Link link = lab.link(left, right);
        link.a().addAddress(LEFT6 + "/64");
        link.b().addAddress(RIGHT6 + "/64");
        Path directory = Files.createTempDirectory("ipsec4j-seed002-");
        List<String> jvm = List.of(RoutedIkeLab.QUICK_RETRANSMITS);
        String[] arguments = c.daemonArguments.toArray(String[]::new);
        // Left boots and brings the tunnel up; right's traffic to left brings it up when there is none.
        RoutedIkeLab.Conf leftConf = hostToHost(RoutedIkeLab.Conf.left(), LEFT6, RIGHT6, "start");
        RoutedIkeLab.Conf rightConf = hostToHost(RoutedIkeLab.Conf.right(), RIGHT6, LEFT6, "trap");

        PacketCapture clear = link.b().capture(directory.resolve("clear.pcap"),
                "icmp6 and (ip6[40] == 128 or ip6[40] == 129)");
        DaemonProcess rightDaemon = RoutedIkeLab.start(right, directory, "right", rightConf, jvm, arguments);
        DaemonProcess leftDaemon = RoutedIkeLab.start(left, directory, "left", leftConf, jvm, arguments);
        RoutedIkeLab.await(leftDaemon, RECOVERY, "the tunnel comes up", RoutedIkeLab::childInstalled);
        assertTrue(pingsBothWays(left, right), () -> "ping6 through the new tunnel\nleft:\n" + leftDaemon.stderr()
                + "\nright:\n" + rightDaemon.stderr());

        // The reboot: the daemon dies with the host, and with it everything the kernel held for it.
        leftDaemon.kill();
        String leftovers = forgetWhatARebootForgets(left, directory.resolve("left.sock"));
        assertTrue(leftovers.contains("prohibit " + RIGHT6), "the killed daemon left its fail-closed route:\n"
                + leftovers);
        for (Namespace host : List.of(left, right)) {
            host.ip("-6", "neigh", "flush", "all");
        }
        if (c.trapAdvertisements) {
            right.firewall(IpVersion.V6).append("OUTPUT", "-o", link.b().interfaceName(), "-d", LEFT6,
                    "-p", "ipv6-icmp", "--icmpv6-type", "neighbour-advertisement", "-j", "DROP");
        }
        PacketCapture esp = link.b().capture(directory.resolve("esp.pcap"), "esp or udp port 4500");
        PacketCapture linkNd = link.b().capture(directory.resolve("nd-link.pcap"), ND);
        // Right's TUN device lives through left's reboot: any ND message routed into its policies shows here.
        PacketCapture tunnelNd = right.capture(org.ipsec4j.daemon.DaemonOptions.DEFAULT_TUN,
                directory.resolve("nd-tun.pcap"), ND);

        long bootNanos = System.nanoTime();
        DaemonProcess rebooted = RoutedIkeLab.start(left, directory, "left", leftConf, jvm, arguments);
        long readyNanos = System.nanoTime();
        long backNanos = awaitRecovery(left, right, rebooted, readyNanos + RECOVERY.toNanos());
        esp.stop();
        linkNd.stop();
        tunnelNd.stop();
        String neighbours = left.ip("-6", "neigh", "show").stdout();
        System.out.printf("seed 002 %s: daemon ready %d ms after its start; tunnel back %s; left's neighbours: %s%n",
                c, (readyNanos - bootNanos) / 1_000_000, backNanos < 0 ? "not within " + RECOVERY.toSeconds() + " s"
                        : (backNanos - readyNanos) / 1_000_000 + " ms after ready, "
                        + (backNanos - bootNanos) / 1_000_000 + " ms after the start",
                neighbours.strip().replace('\n', ';'));

        if (c.recovers) {
            assertTrue(backNanos >= 0, () -> "the tunnel is not back within " + RECOVERY.toSeconds()
                    + " s of the restart\nleft's neighbours: " + neighbours + "\nleft:\n" + rebooted.stderr()
                    + "\nright:\n" + rightDaemon.stderr());
            RoutedIkeLab.onlyEstablished(rightDaemon.statusJson()); // INITIAL_CONTACT replaced the dead one's SA
            assertTrue(esp.packetsCaptured() > 0, "ESP on the link after the restart");
            // The flushed caches were filled by ND on the link, past the policies: never routed into a TUN device,
            // so never seen by the data plane, whose built-in bypass thus has nothing to do.
            assertTrue(linkNd.packetsCaptured() >= 2, () -> "ND on the link:\n" + linkNd.tcpdumpOutput());
            assertEquals(0, tunnelNd.packetsCaptured(), () -> "ND in right's TUN:\n" + tunnelNd.tcpdumpOutput());
            for (DaemonProcess daemon : List.of(rebooted, rightDaemon)) {
                Map<String, Object> global = MinimalJson.object(daemon.statusJson().get("global"));
                assertEquals(0L, global.get("bypassed"), "nothing let through by a built-in bypass: " + global);
            }
            routedSolicitation(c, left, right, link, directory, rebooted);
            // Fail closed again, though the reboot took the prohibit route its state directory still lists: a
            // second crash refuses the traffic instead of sending it in the clear by the main table.
            String table = left.ip("-6", "route", "show", "table", Integer.toString(TABLE)).stdout();
            assertTrue(table.contains("prohibit " + RIGHT6), () -> "the prohibit route is back:\n" + table
                    + "\nleft:\n" + rebooted.stderr());
            rebooted.kill();
            assertFalse(ping(left, LEFT6, RIGHT6), "with the daemon gone the ping is refused");
        } else {
            assertTrue(backNanos < 0, "with its advertisements trapped the tunnel should not come back");
            assertTrue(neighbours.contains(RIGHT6 + " dev " + link.a().interfaceName())
                    && !neighbours.contains("lladdr"), "left never learns right's link-layer address: " + neighbours);
            assertEquals(0, esp.packetsCaptured(), "no ESP without the neighbour: " + esp.tcpdumpOutput());
            // Take the trap away and the tunnel comes back by itself: neighbour discovery was all that was missing.
            right.firewall(IpVersion.V6).flush("OUTPUT");
            long freedNanos = System.nanoTime();
            long back = awaitRecovery(left, right, rebooted, freedNanos + RECOVERY.toNanos());
            assertTrue(back >= 0, () -> "the tunnel is not back within " + RECOVERY.toSeconds() + " s of the trap's "
                    + "removal\nleft:\n" + rebooted.stderr() + "\nright:\n" + rightDaemon.stderr());
            System.out.printf("seed 002 %s: tunnel back %d ms after the trap went%n", c,
                    (back - freedNanos) / 1_000_000);
        }
        clear.stop();
        assertEquals(0, clear.packetsCaptured(), () -> "echo in the clear on the link:\n" + clear.tcpdumpOutput());
        if (!c.recovers) {
            assertEquals(0, rebooted.stop(), rebooted.stderr());
        }
        assertEquals(0, rightDaemon.stop(), rightDaemon.stderr());
    }

    /**
     * What the built-in ND bypass is for: a neighbour solicitation that is routed, as an application's would be,
     * meets the host-to-host policy in left's data plane. With the bypass it leaves in the clear, as ND must
     * (RFC 4861 §7.1.2: a receiver takes it only with hop limit 255, so never through a tunnel of a kernel
     * IPsec), without it it is tunnelled and comes out of right's TUN device.
     */
    private static void routedSolicitation(Case c, Namespace left, Namespace right, Link link, Path directory,
            DaemonProcess leftDaemon) {
        String routed = "icmp6 and ip6[40] == 135 and ip6[60:4] == 0x99"; // the target below, not the kernel's
        PacketCapture clear = link.b().capture(directory.resolve("routed-nd-link.pcap"), routed);
        PacketCapture tunnelled = right.capture(org.ipsec4j.daemon.DaemonOptions.DEFAULT_TUN,
                directory.resolve("routed-nd-tun.pcap"), routed);
        long bypassedBefore = bypassed(leftDaemon);
        left.runJava(Duration.ofSeconds(30), RoutedNeighbourSolicitation.class, LEFT6, RIGHT6, "2001:db8:2::99")
                .orThrow();
        clear.stop();
        tunnelled.stop();
        assertEquals(c.bypassesNd ? 1 : 0, clear.packetsCaptured(), "in the clear on the link");
        assertEquals(c.bypassesNd ? 0 : 1, tunnelled.packetsCaptured(), "through the tunnel");
        assertEquals(c.bypassesNd ? 1 : 0, bypassed(leftDaemon) - bypassedBefore, "left's built-in bypass");
    }

    private static long bypassed(DaemonProcess daemon) {
        return (Long) MinimalJson.object(daemon.statusJson().get("global")).get("bypassed");
    }

    /** Host to host: the selectors are the two addresses themselves, /128, every protocol. */
    private static RoutedIkeLab.Conf hostToHost(RoutedIkeLab.Conf conf, String local, String remote,
            String startAction) {
        return conf.set(x -> {
            x.localAddrs = local;
            x.remoteAddrs = remote;
            x.localTs = local + "/128";
            x.remoteTs = remote + "/128";
            x.startAction = startAction;
            x.keyingtries = "0";
        });
    }

    /**
     * What a reboot takes away with the killed daemon (the kernel removed its TUN device and the routes through
     * it already): the routing rule and the fail-closed routes in its table, and its control socket (/run is a
     * tmpfs). The state directory is on disk and stays. Returns what was there.
     */
    private static String forgetWhatARebootForgets(Namespace host, Path control) throws IOException {
        String leftovers = host.ip("-6", "route", "show", "table", "all").stdout()
                + host.ip("-6", "rule", "show").stdout() + host.ip("-4", "rule", "show").stdout();
        for (String family : List.of("-4", "-6")) {
            while (host.ip(family, "rule", "show", "table", Integer.toString(TABLE)).stdout().contains("lookup")) {
                host.ip(family, "rule", "del", "table", Integer.toString(TABLE));
            }
            host.exec("ip", family, "route", "flush", "table", Integer.toString(TABLE)); // fails if empty: fine
        }
        Files.deleteIfExists(control);
        assertEquals("", host.ip("-6", "route", "show", "table", Integer.toString(TABLE)).stdout().strip());
        return leftovers;
    }

    /**
     * Polls until left's daemon has its Child SA and ping6 is answered both ways, and returns when; -1 if not
     * by {@code deadlineNanos}.
     */
    private static long awaitRecovery(Namespace left, Namespace right, DaemonProcess daemon, long deadlineNanos) {
        while (System.nanoTime() < deadlineNanos) {
            if (RoutedIkeLab.childInstalled(daemon.statusJson()) && pingsBothWays(left, right)) {
                return System.nanoTime();
            }
            RoutedIkeLab.sleep(100);
        }
        return -1;
    }

    private static boolean pingsBothWays(Namespace left, Namespace right) {
        return ping(left, LEFT6, RIGHT6) && ping(right, RIGHT6, LEFT6);
    }

    private static boolean ping(Namespace from, String source, String destination) {
        return from.exec(Duration.ofSeconds(5), "ping", "-n", "-c", "1", "-W", "1", "-I", source, destination)
                .succeeded();
    }
}
