package org.ipsec4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.ipsec4j.lab.CommandResult;
import org.ipsec4j.lab.Lab;
import org.ipsec4j.lab.junit.UsesLab;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Routing sanity (issue 5 §3, seed 004's recursive routing): IKE-negotiated tunnels whose remote traffic
 * selector covers the peer's own outer address — everything (0.0.0.0/0, ::/0), or the peer itself (host to
 * host, dynamic selectors) — keep working: the daemons' own IKE and ESP packets are marked and routed by the main
 * table, never into the tunnel, so the tunnel comes up, carries traffic (also to the peer's outer address), and
 * its Child SA and IKE SA rekey through it.
 */
@UsesLab
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RoutingSanityLabTest {

    enum Case {
        /** Left sends everything through the tunnel; right offers everything. */
        EVERYTHING_V4("10.0.1.0/24", "0.0.0.0/0", "tunnel", RoutedIkeLab.LEFT, RoutedIkeLab.RIGHT,
                RoutedIkeLab.LEFT_INNER, RoutedIkeLab.RIGHT),
        EVERYTHING_V6("fd00:1::/64", "::/0", "tunnel", RoutedIkeLab.LEFT6, RoutedIkeLab.RIGHT6,
                RoutedIkeLab.LEFT_INNER6, RoutedIkeLab.RIGHT6),
        /** Host to host, transport mode: the selectors are the IKE addresses themselves. */
        HOST_TO_HOST_V4("dynamic", "dynamic", "transport", RoutedIkeLab.LEFT, RoutedIkeLab.RIGHT, RoutedIkeLab.LEFT,
                RoutedIkeLab.RIGHT),
        HOST_TO_HOST_V6("dynamic", "dynamic", "transport", RoutedIkeLab.LEFT6, RoutedIkeLab.RIGHT6,
                RoutedIkeLab.LEFT6, RoutedIkeLab.RIGHT6);

        final String leftTs;
        final String rightTs;
        final String mode;
        final String leftOuter;
        final String rightOuter;
        /** Pinged from and to: through the tunnel, and the peer's own outer address at that. */
        final String from;
        final String to;

        Case(String leftTs, String rightTs, String mode, String leftOuter, String rightOuter, String from, String to) {
            this.leftTs = leftTs;
            this.rightTs = rightTs;
            this.mode = mode;
            this.leftOuter = leftOuter;
            this.rightOuter = rightOuter;
            this.from = from;
            this.to = to;
        }
    }

    @ParameterizedTest
    @EnumSource(Case.class)
    void aTunnelCoveringThePeersOwnAddressKeepsWorking(Case c, Lab lab) {
        RoutedIkeLab net = new RoutedIkeLab(lab);
        RoutedIkeLab.Conf leftConf = RoutedIkeLab.Conf.left().set(x -> {
            x.localAddrs = c.leftOuter;
            x.remoteAddrs = c.rightOuter;
            x.localTs = c.leftTs;
            x.remoteTs = c.rightTs;
            x.mode = c.mode;
            x.startAction = "start";
        });
        RoutedIkeLab.Conf rightConf = RoutedIkeLab.Conf.right().set(x -> {
            x.localAddrs = c.rightOuter;
            x.remoteAddrs = c.leftOuter;
            x.localTs = c.rightTs;
            x.remoteTs = c.leftTs;
            x.mode = c.mode;
        });
        DaemonProcess right = net.start(net.right, "right", rightConf, List.of());
        DaemonProcess left = net.start(net.left, "left", leftConf, List.of());
        RoutedIkeLab.await(left, Duration.ofSeconds(20), "the tunnel comes up", RoutedIkeLab::childInstalled);
        String route = net.left.ip(c.to.contains(":") ? "-6" : "-4", "route", "show", "table", "4500").stdout();
        assertTrue(route.contains("dev ipsec4j0"), "a tunnel route that covers the peer: " + route);

        ping(net, c, left, right);
        Map<String, Object> child = child(left);
        assertTrue((Long) child.get("packets_out") >= 3 && (Long) child.get("packets_in") >= 3, child.toString());

        // IKE itself runs past the tunnel's route: a Child SA rekey and an IKE SA rekey go through.
        for (List<String> rekey : List.of(List.of("--child", "net"), List.of("--ike"))) {
            List<String> args = new java.util.ArrayList<>(List.of("rekey", "lab"));
            args.addAll(rekey);
            args.addAll(List.of("--control", left.control().toString()));
            DaemonLifecycleLabTest.Result r = DaemonLifecycleLabTest.run(args.toArray(String[]::new));
            assertEquals(0, r.exitCode(), () -> r + "\nleft:\n" + left.stderr() + "\nright:\n" + right.stderr());
        }
        ping(net, c, left, right);
        assertEquals(0, left.stop(), left.stderr());
        assertEquals(0, right.stop(), right.stderr());
    }

    private static void ping(RoutedIkeLab net, Case c, DaemonProcess left, DaemonProcess right) {
        CommandResult ping = net.left.exec(Duration.ofSeconds(20), "ping", "-n", "-c", "3", "-i", "0.2", "-W", "2",
                "-I", c.from, c.to);
        assertTrue(ping.succeeded(), () -> "ping " + c.to + " through the tunnel failed:\n" + ping.stdout()
                + ping.stderr() + "\nleft:\n" + left.stderr() + "\nright:\n" + right.stderr());
    }

    private static Map<String, Object> child(DaemonProcess daemon) {
        Map<String, Object> sa = RoutedIkeLab.onlyEstablished(daemon.statusJson());
        return MinimalJson.object(MinimalJson.array(sa.get("child_sas")).getFirst());
    }
}
