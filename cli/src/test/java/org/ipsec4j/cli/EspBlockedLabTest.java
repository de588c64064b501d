package org.ipsec4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.ipsec4j.lab.BackgroundProcess;
import org.ipsec4j.lab.CommandResult;
import org.ipsec4j.lab.Firewall;
import org.ipsec4j.lab.IpVersion;
import org.ipsec4j.lab.Lab;
import org.ipsec4j.lab.junit.UsesLab;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * ESP blocked while IKE passes (issue 5 §4, seed 004): a router between two ipsec4j daemons with iptables
 * rules that let IKE through and drop ESP.
 * <ul>
 *   <li>IKE on UDP 500 and on UDP 4500 when its first four payload bytes are zero (the non-ESP marker: an
 *       iptables u32 match) pass; IP protocol 50 and ESP in UDP are dropped. The tunnel (ESP in UDP) comes up and
 *       answers every liveness check, yet carries nothing: within a minute {@code status} (text and JSON) and the
 *       log name the ESP path failure and its likely cause.</li>
 *   <li>Only IP protocol 50 is dropped: the tunnel on raw ESP moves to UDP encapsulation on its own, under a new
 *       IKE SA with NAT detection faked (the peer follows as any RFC 7296 peer would), without going down, and
 *       the pings flow again.</li>
 * </ul>
 */
@UsesLab
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class EspBlockedLabTest {

    /** The router's rules: IKE passes (UDP 500; UDP 4500 with a zero non-ESP marker), ESP in UDP does not. */
    static void dropEspInUdp(Firewall filter) {
        for (String direction : List.of("--dport", "--sport")) {
            filter.append("FORWARD", "-p", "udp", direction, "4500", "-m", "u32", "--u32", "0>>22&0x3C@8=0", "-j",
                    "ACCEPT");
            filter.append("FORWARD", "-p", "udp", direction, "4500", "-j", "DROP");
        }
    }

    static void dropRawEsp(Firewall filter) {
        filter.append("FORWARD", "-p", "esp", "-j", "DROP");
    }

    @Test
    void espInUdpFilteredByContentIsReportedWithinAMinute(Lab lab) {
        RoutedIkeLab net = new RoutedIkeLab(lab);
        Firewall filter = net.router.firewall(IpVersion.V4);
        dropRawEsp(filter);
        dropEspInUdp(filter);
        DaemonProcess right = net.start(net.right, "right", RoutedIkeLab.Conf.right().set(c -> c.encap = "yes"),
                List.of());
        DaemonProcess left = net.start(net.left, "left", RoutedIkeLab.Conf.left().set(c -> {
            c.encap = "yes";
            c.startAction = "start";
            c.dpdDelay = "5s";
        }), List.of());
        RoutedIkeLab.await(left, Duration.ofSeconds(20), "the tunnel comes up", RoutedIkeLab::childInstalled);
        long start = System.nanoTime();
        BackgroundProcess ping = net.left.start("ping", "-n", "-i", "0.5", "-I", RoutedIkeLab.LEFT_INNER,
                RoutedIkeLab.RIGHT_INNER);

        Map<String, Object> status = RoutedIkeLab.await(left, Duration.ofSeconds(60), "an ESP path failure in status",
                s -> "failed".equals(child(s).get("esp_path")));
        long seconds = (System.nanoTime() - start) / 1_000_000_000L;
        assertTrue(seconds <= 60, "reported after " + seconds + " s");
        String failure = (String) child(status).get("esp_path_failure");
        assertTrue(failure.startsWith("ESP in UDP (port 4500) to " + RoutedIkeLab.RIGHT) && failure.contains(
                "while IKE on UDP 4500 is answered on the same port") && failure.contains("by content"), failure);
        String text = left.request("status").body();
        assertTrue(text.contains("      ESP path FAILED: ESP in UDP (port 4500) to " + RoutedIkeLab.RIGHT), text);
        assertTrue(left.stderr().contains("ike: ESP_PATH_FAILED lab["), left.stderr());
        // The IKE SA lives on: IKE passes, and nothing could be changed for ESP in UDP.
        assertEquals("ESTABLISHED", RoutedIkeLab.onlyEstablished(status).get("state"));
        assertTrue(filter.rule("FORWARD", "-p esp").packets() == 0, "no raw ESP was tried");
        assertTrue(filter.rules("FORWARD").stream().anyMatch(r -> r.spec().contains("--dport 4500 -j DROP")
                && r.packets() > 0), "ESP in UDP was dropped: " + filter.rules("FORWARD"));
        ping.stop();
        assertEquals(0, left.stop(), left.stderr());
        assertEquals(0, right.stop(), right.stderr());
    }

    @Test
    void rawEspDroppedMovesTheTunnelToUdpEncapsulation(Lab lab) {
        RoutedIkeLab net = new RoutedIkeLab(lab);
        Firewall filter = net.router.firewall(IpVersion.V4);
        dropRawEsp(filter);
        DaemonProcess right = net.start(net.right, "right", RoutedIkeLab.Conf.right(), List.of());
        DaemonProcess left = net.start(net.left, "left", RoutedIkeLab.Conf.left().set(c -> c.startAction = "start"),
                List.of());
        Map<String, Object> before = RoutedIkeLab.await(left, Duration.ofSeconds(20), "the tunnel comes up",
                RoutedIkeLab::childInstalled);
        Map<String, Object> firstSa = RoutedIkeLab.onlyEstablished(before);
        assertEquals(false, firstSa.get("udp_encapsulation"), "no NAT: raw ESP to begin with");
        long start = System.nanoTime();
        BackgroundProcess ping = net.left.start("ping", "-n", "-i", "0.5", "-I", RoutedIkeLab.LEFT_INNER,
                RoutedIkeLab.RIGHT_INNER);

        Map<String, Object> after = RoutedIkeLab.await(left, Duration.ofSeconds(90), "a new IKE SA in UDP",
                s -> RoutedIkeLab.childInstalled(s) && MinimalJson.array(s.get("ike_sas")).size() == 1
                        && Boolean.TRUE.equals(MinimalJson.object(MinimalJson.array(s.get("ike_sas")).getFirst())
                        .get("udp_encapsulation")));
        long seconds = (System.nanoTime() - start) / 1_000_000_000L;
        Map<String, Object> sa = RoutedIkeLab.onlyEstablished(after);
        assertNotEquals(firstSa.get("initiator_spi"), sa.get("initiator_spi"));
        assertEquals(4500L, sa.get("local_port"));
        assertEquals(true, sa.get("nat_fake"));
        assertTrue(left.stderr().contains("ike: ESP_PATH_FAILED lab[") && left.stderr().contains(
                "a firewall or NAT on the path likely drops IP protocol 50; moving the Child SAs to ESP in UDP"),
                left.stderr());
        assertTrue(left.stderr().contains("ike: ESP_PATH_REPAIR lab["), left.stderr());
        assertTrue(!left.stderr().contains("PEER_DEAD"), "the IKE SA was replaced, never declared dead");
        assertTrue(seconds <= 60, "repaired after " + seconds + " s");

        // Traffic flows again, in UDP, and the peer followed: one IKE SA there too, encapsulated.
        int replies = (int) ping.stdoutLines().stream().filter(l -> l.contains(" bytes from ")).count();
        RoutedIkeLab.sleep(2000);
        ping.stop();
        int later = (int) ping.stdoutLines().stream().filter(l -> l.contains(" bytes from ")).count();
        assertTrue(later > replies, "ping replies again: " + String.join("\n", ping.stdoutLines()));
        CommandResult more = net.left.exec("ping", "-n", "-c", "3", "-i", "0.2", "-W", "2", "-I",
                RoutedIkeLab.LEFT_INNER, RoutedIkeLab.RIGHT_INNER);
        assertTrue(more.succeeded(), more.stdout());
        Map<String, Object> peer = RoutedIkeLab.onlyEstablished(right.statusJson());
        assertEquals(true, peer.get("udp_encapsulation"));
        assertEquals(true, peer.get("nat_remote"), "the peer believes us behind a NAT");
        assertEquals("ok", child(left.statusJson()).get("esp_path"));
        assertTrue(filter.rule("FORWARD", "-p esp").packets() > 0, "raw ESP was dropped");
        assertEquals(0, left.stop(), left.stderr());
        assertEquals(0, right.stop(), right.stderr());
    }

    static Map<String, Object> child(Map<String, Object> status) {
        return MinimalJson.object(MinimalJson.array(RoutedIkeLab.onlyEstablished(status).get("child_sas")).getFirst());
    }
}
