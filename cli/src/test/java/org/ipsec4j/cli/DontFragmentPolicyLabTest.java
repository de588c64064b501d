package org.ipsec4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.ipsec4j.lab.BackgroundProcess;
import org.ipsec4j.lab.CommandResult;
import org.ipsec4j.lab.Lab;
import org.ipsec4j.lab.PacketCapture;
import org.ipsec4j.lab.junit.UsesLab;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 5 §1, the outer DF bit per connection (seeds 003 and 004, Cisco's {@code crypto ipsec df-bit}): two
 * ipsec4j daemons on swanctl.conf files with {@code df_bit} (or strongSwan's {@code copy_df}) in the child,
 * ESP in UDP over IPv4. Pings with and without DF cross the tunnel; the capture of the outer link shows the
 * DF bit of each ESP packet as the policy says. DF-clear packets go out through the daemon's raw socket, as
 * the UDP socket's kernel would set DF on its own.
 */
@UsesLab
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DontFragmentPolicyLabTest {

    @ParameterizedTest(name = "{0}: outer DF {1} {2} for inner DF, no DF")
    @CsvSource({
            "'',                 true,  false",
            "df_bit = copy,      true,  false",
            "df_bit = set,       true,  true",
            "df_bit = clear,     false, false",
            "copy_df = no,       false, false",
    })
    void outerDontFragmentFollowsTheChildSetting(String setting, boolean withDf, boolean withoutDf, Lab lab) {
        TunnelLab tunnel = new TunnelLab(lab);
        try (Daemons daemons = Daemons.up(tunnel, setting)) {
            DaemonProcess left = daemons.left();
            DaemonProcess right = daemons.right();
            Path file = tunnel.directory.resolve("outer.pcap");
            PacketCapture capture = tunnel.link.a().capture(file, "udp", "port", "4500");
            ping(tunnel, "do", left, right);
            ping(tunnel, "dont", left, right);
            capture.stop();
            List<Boolean> requests = OuterPackets.read(file).from(TunnelLab.Outer.V4.left).stream()
                    .map(OuterPackets.OuterPacket::dontFragment).toList();
            assertEquals(List.of(withDf, withDf, withoutDf, withoutDf), requests,
                    "outer DF of the four echo requests (two with DF, two without), '" + setting + "'");
        }
    }

    /**
     * Bulk TCP: the daemon sends its ESP in UDP_SEGMENT runs, which the capture on the veth sees whole (longer than
     * the link's MTU, cut into segments on the way out). Under the default {@code df_bit = copy} every one carries
     * DF, the runs too: Linux's default socket setting would clear DF on a run, since a run as a whole is larger
     * than the route's MTU.
     */
    @Test
    void bulkTransferKeepsDfOnEveryEspPacketBatchedOrNot(Lab lab) {
        TunnelLab tunnel = new TunnelLab(lab);
        try (Daemons daemons = Daemons.up(tunnel, "")) {
            DaemonProcess left = daemons.left();
            Path file = tunnel.directory.resolve("bulk.pcap");
            PacketCapture capture = tunnel.link.a().capture(file, 96, "udp", "port", "4500");
            BackgroundProcess server = tunnel.right.start("iperf3", "-s", "-1", "--forceflush", "-B", TunnelLab.RIGHT_INNER);
            server.awaitStdoutLine("Server listening", Duration.ofSeconds(10));
            CommandResult iperf = tunnel.left.exec(Duration.ofSeconds(30), "iperf3", "-c", TunnelLab.RIGHT_INNER,
                    "-B", TunnelLab.LEFT_INNER, "-t", "2");
            capture.stop();
            assertTrue(iperf.succeeded(), () -> "iperf3 through the tunnel failed:\n" + iperf.stdout()
                    + iperf.stderr() + "\nleft:\n" + left.stderr());
            List<OuterPackets.OuterPacket> sent = OuterPackets.read(file).from(TunnelLab.Outer.V4.left);
            long runs = sent.stream().filter(p -> p.length() > 1500).count();
            List<OuterPackets.OuterPacket> withoutDf = sent.stream().filter(p -> !p.dontFragment()).toList();
            System.out.printf("bulk ESP in UDP from left: %d packets or runs captured, %d runs, %d without DF%n",
                    sent.size(), runs, withoutDf.size());
            assertTrue(sent.size() > 100, "ESP captured: " + sent.size());
            assertTrue(runs > 0, "the daemon sent UDP_SEGMENT runs (none seen: nothing here tests them)");
            assertEquals(List.of(), withoutDf.stream().limit(5).toList(), withoutDf.size() + " of " + sent.size()
                    + " ESP packets (" + runs + " runs) left without DF");
        }
    }

    /** Two daemons, ESP in UDP over IPv4, with {@code setting} (a line, or "") in both children; left brought it up. */
    private record Daemons(DaemonProcess left, DaemonProcess right) implements AutoCloseable {

        static Daemons up(TunnelLab tunnel, String setting) {
            IkeLab.Options options = IkeLab.Options.plain().withEncap();
            String child = "esp_proposals = aes128gcm16";
            Path leftConf = tunnel.write("left.swanctl.conf", IkeLab.left(options).replace(child, child
                    + "\n        " + setting));
            Path rightConf = tunnel.write("right.swanctl.conf", IkeLab.right(options).replace(child, child
                    + "\n        " + setting));
            DaemonProcess right = DaemonProcess.launchDaemon(tunnel.right, tunnel.control("right"),
                    List.of("-Xmx256m"), "--conf", rightConf.toString());
            Daemons daemons = new Daemons(null, right);
            try {
                daemons = new Daemons(DaemonProcess.launchDaemon(tunnel.left, tunnel.control("left"),
                        List.of("-Xmx256m"), "--conf", leftConf.toString()), right);
                DaemonProcess left = daemons.left();
                right.awaitReady();
                left.awaitReady();
                DaemonLifecycleLabTest.Result up = DaemonLifecycleLabTest.run("up", "lab", "--control",
                        left.control().toString());
                assertEquals(0, up.exitCode(), () -> up + "\nleft:\n" + left.stderr() + "\nright:\n"
                        + right.stderr());
                return daemons;
            } catch (RuntimeException | Error e) {
                daemons.close();
                throw e;
            }
        }

        @Override
        public void close() {
            try {
                if (left != null) {
                    left.close();
                }
            } finally {
                right.close();
            }
        }
    }

    private static void ping(TunnelLab tunnel, String pmtuDiscovery, DaemonProcess left, DaemonProcess right) {
        CommandResult ping = tunnel.left.exec(Duration.ofSeconds(15), "ping", "-n", "-c", "2", "-i", "0.2", "-W", "2",
                "-M", pmtuDiscovery, "-s", "600", "-I", TunnelLab.LEFT_INNER, TunnelLab.RIGHT_INNER);
        assertTrue(ping.succeeded(), () -> "ping -M " + pmtuDiscovery + " failed:\n" + ping.stdout() + ping.stderr()
                + "\nleft:\n" + left.stderr() + "\nright:\n" + right.stderr());
    }
}
