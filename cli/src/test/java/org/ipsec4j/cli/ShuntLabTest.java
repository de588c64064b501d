package org.ipsec4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.ipsec4j.lab.CommandResult;
import org.ipsec4j.lab.Lab;
import org.ipsec4j.lab.PacketCapture;
import org.ipsec4j.lab.junit.UsesLab;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Bypasses and drops in swanctl terms (issue 5 §3): children with {@code mode = pass} or {@code mode = drop} and
 * {@code start_action = trap} are shunt policies, ahead of every tunnel. Left sends everything (0.0.0.0/0)
 * through the tunnel, except the router's address (a pass shunt: in the clear, by the main table) and 10.0.9.0/24
 * (a drop shunt: dropped, never on the wire, although the main table has a route for it).
 */
@UsesLab
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ShuntLabTest {

    @Test
    void passAndDropShuntsWinOverTheTunnel(Lab lab) {
        RoutedIkeLab net = new RoutedIkeLab(lab);
        RoutedIkeLab.Conf leftConf = RoutedIkeLab.Conf.left().set(c -> {
            c.remoteTs = "0.0.0.0/0";
            c.startAction = "start";
            c.children.add("""
                    router {
                      local_ts = 0.0.0.0/0
                      remote_ts = 198.51.100.254/32
                      mode = pass
                      start_action = trap
                    }
                    blocked {
                      local_ts = 0.0.0.0/0
                      remote_ts = 10.0.9.0/24
                      mode = drop
                      start_action = trap
                    }
                    """);
        });
        RoutedIkeLab.Conf rightConf = RoutedIkeLab.Conf.right().set(c -> c.localTs = "0.0.0.0/0");
        DaemonProcess right = net.start(net.right, "right", rightConf, List.of());
        DaemonProcess left = net.start(net.left, "left", leftConf, List.of());
        RoutedIkeLab.await(left, Duration.ofSeconds(20), "the tunnel comes up", RoutedIkeLab::childInstalled);
        PacketCapture clear = net.leftLink.a().capture(net.directory.resolve("clear.pcap"), "icmp");

        CommandResult tunneled = net.left.exec("ping", "-n", "-c", "2", "-i", "0.2", "-W", "2", "-I",
                RoutedIkeLab.LEFT_INNER, RoutedIkeLab.RIGHT_INNER);
        assertTrue(tunneled.succeeded(), tunneled.stdout());
        CommandResult passed = net.left.exec("ping", "-n", "-c", "2", "-i", "0.2", "-W", "2", "-I",
                RoutedIkeLab.LEFT, "198.51.100.254");
        assertTrue(passed.succeeded(), () -> passed.stdout() + "\n" + left.stderr());
        CommandResult dropped = net.left.exec("ping", "-n", "-c", "2", "-i", "0.2", "-W", "1", "-I",
                RoutedIkeLab.LEFT, "10.0.9.1");
        assertFalse(dropped.succeeded(), dropped.stdout());
        clear.stop();
        String summary = net.left.exec("tcpdump", "-n", "-r", clear.file().toString()).stdout();
        assertTrue(summary.contains("192.0.2.1 > 198.51.100.254: ICMP echo request"), summary);
        assertTrue(summary.contains("198.51.100.254 > 192.0.2.1: ICMP echo reply"), summary);
        assertFalse(summary.contains("10.0.9.1"), "the drop shunt kept it off the wire: " + summary);
        assertFalse(summary.contains(RoutedIkeLab.RIGHT_INNER), "tunneled pings are not in the clear: " + summary);

        Map<String, Object> status = left.statusJson();
        List<Map<String, Object>> shunts = MinimalJson.array(status.get("fail_closed")).stream()
                .map(MinimalJson::object).filter(s -> ((String) s.get("name")).startsWith("shunt ")).toList();
        assertEquals(2, shunts.size(), shunts.toString());
        assertEquals("bypass", shunts.get(0).get("action"));
        assertTrue((Long) shunts.get(0).get("hits") >= 2, shunts.toString());
        assertEquals("discard", shunts.get(1).get("action"));
        assertTrue((Long) shunts.get(1).get("hits") >= 2, shunts.toString());
        assertTrue(left.request("status").body().contains("  shunt lab/blocked: out 0.0.0.0/0 <-> 10.0.9.0/24 any  "
                + "discard  hits "), left.request("status").body());
        assertEquals(0, left.stop(), left.stderr());
        assertEquals(0, right.stop(), right.stderr());
    }
}
