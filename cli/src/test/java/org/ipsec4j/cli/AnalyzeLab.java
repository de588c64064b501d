package org.ipsec4j.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.ipsec4j.diag.analyze.AnalysisReport;
import org.ipsec4j.diag.analyze.CaptureAnalyzer;
import org.ipsec4j.diag.analyze.Finding;
import org.ipsec4j.diag.analyze.Severity;
import org.ipsec4j.diag.analyze.TextReport;
import org.ipsec4j.lab.BackgroundProcess;
import org.ipsec4j.lab.IpVersion;
import org.ipsec4j.lab.Lab;
import org.ipsec4j.lab.Link;
import org.ipsec4j.lab.LinkEnd;
import org.ipsec4j.lab.Namespace;

/**
 * The hostile networks of the analysis lab tests: two hosts joined through a router {@code r}, whose second
 * link can have a smaller MTU, a firewall or a NAT, with two ipsec4j daemons (or two charons) on them, and the
 * capture the test takes analysed by the command.
 *
 * <pre>
 *   left 192.0.2.1 / 2001:db8:1::1 ---- r ---- right 198.51.100.2 / 2001:db8:2::2
 *        (behind NAT: 10.9.0.1)                 inner 10.0.2.1 (lo)
 *   inner 10.0.1.1 (lo)
 * </pre>
 */
final class AnalyzeLab {

    static final String PSK = "an analysis lab pre-shared key";
    static final String LEFT_ID = "left.analyze.ipsec4j.test";
    static final String RIGHT_ID = "right.analyze.ipsec4j.test";
    static final String LEFT_INNER = "10.0.1.1";
    static final String RIGHT_INNER = "10.0.2.1";
    static final String LEFT_PRIVATE = "10.9.0.1";

    enum Family {
        V4("192.0.2.1", "192.0.2.254", "198.51.100.254", "198.51.100.2", 24),
        V6("2001:db8:1::1", "2001:db8:1::fe", "2001:db8:2::fe", "2001:db8:2::2", 64);

        final String left;
        final String routerLeft;
        final String routerRight;
        final String right;
        final int prefix;

        Family(String left, String routerLeft, String routerRight, String right, int prefix) {
            this.left = left;
            this.routerLeft = routerLeft;
            this.routerRight = routerRight;
            this.right = right;
            this.prefix = prefix;
        }
    }

    final Lab lab;
    final Namespace left;
    final Namespace router;
    final Namespace right;
    final Link leftLink;
    final Link rightLink;
    final Path directory;
    final boolean natted;

    /**
     * @param directory where configuration files, control sockets and captures go: the test's own
     *                  {@code @TempDir}, kept when the test fails
     * @param rightMtu  the MTU of the router-right link
     * @param nat      left sits at 10.9.0.1 behind r, which masquerades it (IPv4 only) with random ports
     */
    AnalyzeLab(Lab lab, Path directory, int rightMtu, boolean nat) {
        this.lab = lab;
        this.directory = directory;
        this.natted = nat;
        left = lab.host("left");
        router = lab.router("r");
        right = lab.host("right");
        leftLink = lab.link(left, router, 1500);
        rightLink = lab.link(router, right, rightMtu);
        Family v4 = Family.V4;
        Family v6 = Family.V6;
        if (nat) {
            leftLink.a().addAddress(LEFT_PRIVATE + "/24");
            leftLink.b().addAddress("10.9.0.254/24");
            left.setDefaultRoute("10.9.0.254");
            masqueradeWithRandomPorts(router, rightLink.a());
        } else {
            leftLink.a().addAddress(v4.left + "/" + v4.prefix);
            leftLink.b().addAddress(v4.routerLeft + "/" + v4.prefix);
            left.setDefaultRoute(v4.routerLeft);
        }
        leftLink.a().addAddress(v6.left + "/" + v6.prefix);
        leftLink.b().addAddress(v6.routerLeft + "/" + v6.prefix);
        rightLink.a().addAddress(v4.routerRight + "/" + v4.prefix).addAddress(v6.routerRight + "/" + v6.prefix);
        rightLink.b().addAddress(v4.right + "/" + v4.prefix).addAddress(v6.right + "/" + v6.prefix);
        left.setDefaultRoute(v6.routerLeft);
        right.setDefaultRoute(v4.routerRight);
        right.setDefaultRoute(v6.routerRight);
        left.ip("addr", "add", LEFT_INNER + "/32", "dev", "lo");
        right.ip("addr", "add", RIGHT_INNER + "/32", "dev", "lo");
    }

    String leftOuter(Family f) {
        return natted && f == Family.V4 ? LEFT_PRIVATE : f.left;
    }

    Path file(String name) {
        return directory.resolve(name);
    }

    Path write(String name, String text) {
        try {
            return Files.writeString(directory.resolve(name), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What varies in the ipsec4j daemons' swanctl.conf. */
    record Options(Family family, boolean encap, boolean leftStarts) {
        static Options of(Family family) {
            return new Options(family, false, false);
        }

        Options withEncap() {
            return new Options(family, true, leftStarts);
        }
    }

    /** Both ipsec4j daemons on their swanctl.conf, ready. */
    DaemonProcess[] startIpsec4j(Options o) {
        String leftConf = swanctl(leftOuter(o.family()), o.family().right, LEFT_ID, RIGHT_ID, "10.0.1.0/24",
                "10.0.2.0/24", o.encap(), o.leftStarts());
        String rightConf = swanctl(o.family().right, natted ? "%any" : leftOuter(o.family()), RIGHT_ID, LEFT_ID,
                "10.0.2.0/24", "10.0.1.0/24", o.encap(), false);
        DaemonProcess r = DaemonProcess.launchDaemon(right, directory.resolve("right.sock"), List.of("-Xmx256m"),
                "--conf", write("right.swanctl.conf", rightConf).toString());
        DaemonProcess l = DaemonProcess.launchDaemon(left, directory.resolve("left.sock"), List.of("-Xmx256m"),
                "--conf", write("left.swanctl.conf", leftConf).toString());
        r.awaitReady();
        l.awaitReady();
        return new DaemonProcess[] {l, r};
    }

    /** Only the left daemon (the right one is missing or unreachable). */
    DaemonProcess startLeftOnly(Options o) {
        String leftConf = swanctl(leftOuter(o.family()), o.family().right, LEFT_ID, RIGHT_ID, "10.0.1.0/24",
                "10.0.2.0/24", o.encap(), false);
        DaemonProcess l = DaemonProcess.launchDaemon(left, directory.resolve("left.sock"), List.of("-Xmx256m"),
                "--conf", write("left.swanctl.conf", leftConf).toString());
        l.awaitReady();
        return l;
    }

    static String swanctl(String local, String remote, String localId, String remoteId, String localTs,
            String remoteTs, boolean encap, boolean start) {
        return """
                connections {
                  lab {
                    local_addrs = %s
                    remote_addrs = %s
                    proposals = aes128gcm16-prfsha256-x25519
                    encap = %s
                    # no path MTU probes: the captures hold exactly the exchanges each test describes
                    pmtu_discovery = no
                    local {
                      auth = psk
                      id = %s
                    }
                    remote {
                      auth = psk
                      id = %s
                    }
                    children {
                      net {
                        local_ts = %s
                        remote_ts = %s
                        esp_proposals = aes128gcm16
                        start_action = %s
                      }
                    }
                  }
                }
                secrets {
                  ike-lab {
                    id-1 = %s
                    id-2 = %s
                    secret = "%s"
                  }
                }
                """.formatted(local, remote, encap ? "yes" : "no", localId, remoteId, localTs, remoteTs,
                start ? "start" : "none", localId, remoteId, PSK);
    }

    /** {@code ipsec4j up lab} on the left daemon. */
    static DaemonLifecycleLabTest.Result up(DaemonProcess left, int timeoutSeconds) {
        return DaemonLifecycleLabTest.run("up", "lab", "--timeout", Integer.toString(timeoutSeconds), "--control",
                left.control().toString());
    }

    static DaemonLifecycleLabTest.Result down(DaemonProcess left) {
        return DaemonLifecycleLabTest.run("down", "lab", "--control", left.control().toString());
    }

    /** Pings the right inner address from the left one; true if any reply came. */
    boolean ping(int count, String... options) {
        List<String> command = new java.util.ArrayList<>(List.of("ping", "-n", "-c", Integer.toString(count), "-i",
                "0.2", "-W", "1", "-I", LEFT_INNER));
        command.addAll(List.of(options));
        command.add(RIGHT_INNER);
        return left.exec(command.toArray(String[]::new)).succeeded();
    }

    // ---- the hostile conditions, shared with the strongSwan peer lab (AnalyzeStrongSwanPeerLabTest) ----

    /** The router masquerades what leaves through {@code outside}, with random source ports (IPv4). */
    static void masqueradeWithRandomPorts(Namespace router, LinkEnd outside) {
        router.firewall(IpVersion.V4, "nat").append("POSTROUTING", "-o", outside.interfaceName(), "-j",
                "MASQUERADE", "--random");
    }

    /**
     * The router drops ESP in UDP from {@code source} (UDP 4500 whose first four payload bytes are not the zero
     * non-ESP marker, RFC 3948 §2.2: an iptables u32 match) and forwards the rest, IKE on 4500 included.
     */
    static void dropEspInUdpFrom(Namespace router, String source) {
        router.firewall(IpVersion.V4).append("FORWARD", "-s", source, "-p", "udp", "--dport", "4500", "-m", "u32",
                "--u32", "0>>22&0x3C@8=1:0xffffffff", "-j", "DROP");
    }

    /** The router's own ICMP "fragmentation needed" never leaves it (seed 003's filter). */
    static void dropFragmentationNeeded(Namespace router) {
        router.firewall(IpVersion.V4).append("OUTPUT", "-p", "icmp", "--icmp-type", "fragmentation-needed", "-j",
                "DROP");
    }

    /**
     * Seed 002 on a lab link: the router knows {@code host}'s link-layer address for good, but its neighbour
     * advertisements towards it never leave (an ip6tables rule standing in for the IPsec policy that traps
     * them), and {@code host} forgets the router's: whatever {@code host} wants to send through the router
     * waits for an answer to its neighbour solicitations that never comes.
     */
    static void advertisementsNeverLeave(Namespace router, LinkEnd towardsHost, String hostAddress) {
        LinkEnd host = towardsHost.peer();
        String hostMac = host.namespace().run("cat", "/sys/class/net/" + host.interfaceName() + "/address").stdout()
                .strip();
        router.ip("-6", "neigh", "replace", hostAddress, "lladdr", hostMac, "dev", towardsHost.interfaceName(), "nud",
                "permanent");
        router.firewall(IpVersion.V6).append("OUTPUT", "-o", towardsHost.interfaceName(), "-p", "ipv6-icmp",
                "--icmpv6-type", "neighbour-advertisement", "-j", "DROP");
        host.namespace().ip("-6", "neigh", "flush", "dev", host.interfaceName());
    }

    /**
     * Seed 004's QoS on the router's way out through {@code dev}: EF-marked packets (outer DSCP 46) queue ahead
     * of the rest, which gets 256 kbit/s (HTB).
     */
    static void expeditedForwardingAhead(Namespace router, String dev) {
        router.run("tc", "qdisc", "add", "dev", dev, "root", "handle", "1:", "htb", "default", "20");
        router.run("tc", "class", "add", "dev", dev, "parent", "1:", "classid", "1:10", "htb", "rate", "100mbit",
                "prio", "0");
        router.run("tc", "class", "add", "dev", dev, "parent", "1:", "classid", "1:20", "htb", "rate", "256kbit",
                "ceil", "256kbit", "prio", "1");
        router.run("tc", "filter", "add", "dev", dev, "parent", "1:", "protocol", "ip", "prio", "1", "u32", "match",
                "ip", "tos", "0xb8", "0xfc", "flowid", "1:10");
    }

    /**
     * Through a tunnel whose gateway copies the inner DSCP outside, behind {@link #expeditedForwardingAhead}: 300
     * best-effort echo requests at once queue at the router, and 60 EF ones overtake them.
     */
    static void bulkOvertakenByExpedited(Namespace from, String fromInner, String toInner) {
        BackgroundProcess bulk = from.start("ping", "-n", "-q", "-l", "300", "-c", "300", "-s", "200", "-w", "6",
                "-I", fromInner, toInner);
        sleep(200);
        from.exec("ping", "-n", "-q", "-c", "60", "-i", "0.01", "-Q", "0xb8", "-W", "1", "-I", fromInner, toInner);
        bulk.waitFor(Duration.ofSeconds(20));
        sleep(1000);
    }

    /** Four seconds of iperf3 TCP from {@code client} to {@code server} through the tunnel, whatever comes of it. */
    static void tcpForFourSeconds(Namespace client, String clientInner, Namespace server, String serverInner) {
        BackgroundProcess iperf = server.start("iperf3", "-s", "-1", "--forceflush", "-B", serverInner);
        try {
            iperf.awaitStdoutLine("Server listening", Duration.ofSeconds(10));
            client.exec(Duration.ofSeconds(20), "iperf3", "-c", serverInner, "-B", clientInner, "-t", "4",
                    "--connect-timeout", "3000");
        } finally {
            iperf.stop();
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        }
    }

    /** The capture analysed as the command analyses it; the command's text output is checked on the way. */
    static Analysis analyze(Path capture) {
        CaptureCommandTest.Result text = CaptureCommandTest.run("analyze", capture.toString());
        if (text.exitCode() != 0) {
            throw new AssertionError("analyze failed (" + text.exitCode() + "): " + text.err());
        }
        try {
            return new Analysis(CaptureAnalyzer.analyze(capture), text.out(), capture);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A report with its text, for assertion messages. */
    record Analysis(AnalysisReport report, String text, Path capture) {

        List<String> ids() {
            return report.findings().stream().map(Finding::id).distinct().toList();
        }

        List<Finding> findings(String id) {
            return report.findings().stream().filter(f -> f.id().equals(id)).toList();
        }

        List<String> warnings() {
            return report.findings().stream().filter(f -> f.severity() != Severity.INFO).map(Finding::id).toList();
        }

        String explain() {
            return capture + "\n" + text;
        }

        @Override
        public String toString() {
            return explain();
        }
    }

    static String render(AnalysisReport r) {
        return TextReport.render(r);
    }
}
