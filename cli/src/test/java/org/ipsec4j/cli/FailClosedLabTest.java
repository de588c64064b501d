package org.ipsec4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.ipsec4j.lab.BackgroundProcess;
import org.ipsec4j.lab.Lab;
import org.ipsec4j.lab.PacketCapture;
import org.ipsec4j.lab.junit.UsesLab;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Fail closed (issue 5 §3): a ping stream runs through the tunnel while the peer is killed (no Delete: DPD finds
 * it dead), comes back, and while our own daemon is stopped and started again and killed and started again. The
 * outer link is captured throughout: not one packet with an inner address crosses it in the clear — not while
 * negotiating, not with the peer gone (IKE's holds drop it, and dpd_action = restart brings the tunnel back), not
 * while our daemon is gone (the prohibit routes refuse it). Then the control: a daemon told {@code --on-exit
 * release} leaves nothing, and the same ping does leave in the clear, so the capture would have seen a leak.
 */
@UsesLab
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class FailClosedLabTest {

    private static final Duration UP = Duration.ofSeconds(30);

    @Test
    void noInnerPacketCrossesTheOuterLinkInTheClear(Lab lab) {
        RoutedIkeLab net = new RoutedIkeLab(lab);
        List<String> jvm = List.of(RoutedIkeLab.QUICK_RETRANSMITS);
        RoutedIkeLab.Conf leftConf = RoutedIkeLab.Conf.left().set(c -> {
            c.startAction = "start";
            c.dpdDelay = "2s";
            c.dpdAction = "restart";
            c.keyingtries = "0";
        });
        RoutedIkeLab.Conf rightConf = RoutedIkeLab.Conf.right().set(c -> c.dpdDelay = "2s");
        DaemonProcess right = net.start(net.right, "right", rightConf, jvm);
        PacketCapture clear = net.leftLink.b().capture(net.directory.resolve("clear.pcap"),
                "host " + RoutedIkeLab.LEFT_INNER + " or host " + RoutedIkeLab.RIGHT_INNER);
        PacketCapture esp = net.leftLink.b().capture(net.directory.resolve("esp.pcap"), "esp or udp port 4500");

        DaemonProcess left = net.start(net.left, "left", leftConf, jvm);
        BackgroundProcess ping = net.left.start("ping", "-n", "-i", "0.2", "-I", RoutedIkeLab.LEFT_INNER,
                RoutedIkeLab.RIGHT_INNER);
        RoutedIkeLab.await(left, UP, "the tunnel comes up", RoutedIkeLab::childInstalled);
        int replies = awaitMoreReplies(ping, 0);

        // 1. The peer vanishes without a word: DPD gives up on it; the hold drops the pings meanwhile.
        right.kill();
        left.process().awaitStderrLine("ike: PEER_DEAD lab[", Duration.ofSeconds(30));
        Map<String, Object> held = RoutedIkeLab.await(left, Duration.ofSeconds(10), "pings dropped by the hold",
                s -> holdHits(s) > 0);
        assertTrue(MinimalJson.array(held.get("ike_sas")).stream().map(MinimalJson::object)
                .noneMatch(sa -> "ESTABLISHED".equals(sa.get("state"))), held.toString());
        RoutedIkeLab.sleep(3000); // dpd_action = restart keeps trying; nobody answers
        DaemonProcess right2 = net.start(net.right, "right2", rightConf, jvm);
        assertTrue(right2.stderr().contains("kept the routing rule a previous daemon left"), right2.stderr());
        RoutedIkeLab.await(left, UP, "the tunnel comes back (dpd_action = restart)", RoutedIkeLab::childInstalled);
        replies = awaitMoreReplies(ping, replies);

        // 2. Our daemon restarts (SIGTERM, then start): the prohibit routes hold the prefix meanwhile.
        assertEquals(0, left.stop(), left.stderr());
        assertTrue(left.stderr().contains("kept 1 prohibit route and the rule in table 4500"), left.stderr());
        RoutedIkeLab.sleep(2000);
        left = net.start(net.left, "left", leftConf, jvm);
        RoutedIkeLab.await(left, UP, "the tunnel is back after our restart", RoutedIkeLab::childInstalled);
        replies = awaitMoreReplies(ping, replies);

        // 3. Our daemon is killed (SIGKILL: nothing of its own shutdown runs), then started again.
        left.kill();
        RoutedIkeLab.sleep(2000);
        left = net.start(net.left, "left3", leftConf, jvm, "--on-exit", "release");
        RoutedIkeLab.await(left, UP, "the tunnel is back after SIGKILL", RoutedIkeLab::childInstalled);
        replies = awaitMoreReplies(ping, replies);

        clear.stop();
        esp.stop();
        assertEquals(0, clear.packetsCaptured(), () -> "inner packets in the clear on the outer link:\n"
                + clear.tcpdumpOutput());
        assertTrue(esp.packetsCaptured() > 50, "ESP carried the pings: " + esp.packetsCaptured());

        // The control: with --on-exit release nothing stays, and the same pings do leave in the clear.
        PacketCapture leak = net.leftLink.b().capture(net.directory.resolve("leak.pcap"),
                "host " + RoutedIkeLab.LEFT_INNER + " or host " + RoutedIkeLab.RIGHT_INNER);
        assertEquals(0, left.stop(), left.stderr());
        RoutedIkeLab.sleep(1500);
        leak.stop();
        ping.stop();
        assertTrue(leak.packetsCaptured() > 0, "without the prohibit routes the pings leave in the clear: "
                + leak.tcpdumpOutput());
        assertEquals(0, right2.stop(), right2.stderr());
    }

    /** Waits until ping reports more replies than {@code before}, a few of them; returns the count. */
    private static int awaitMoreReplies(BackgroundProcess ping, int before) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            int now = (int) ping.stdoutLines().stream().filter(l -> l.contains(" bytes from ")).count();
            if (now >= before + 3) {
                return now;
            }
            assertTrue(System.nanoTime() < deadline, "ping replies stayed at " + now + ":\n"
                    + String.join("\n", ping.stdoutLines()));
            RoutedIkeLab.sleep(200);
        }
    }

    private static long holdHits(Map<String, Object> status) {
        return MinimalJson.array(status.get("fail_closed")).stream().map(MinimalJson::object)
                .filter(h -> "hold lab/net".equals(h.get("name"))).mapToLong(h -> (Long) h.get("hits")).sum();
    }
}
