package org.ipsec4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.ipsec4j.lab.BackgroundProcess;
import org.ipsec4j.lab.CommandResult;
import org.ipsec4j.lab.Lab;
import org.ipsec4j.lab.junit.UsesLab;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Two ipsec4j daemons negotiate with IKEv2 and a pre-shared key, from swanctl.conf files, and carry ping and TCP:
 * status shows the same SPIs on both sides, rekey and down do what they say on both, a wrong key is an
 * AUTHENTICATION_FAILED line with no SA and a daemon that carries on, and a virtual IP from a pool ends up on the
 * client's TUN device as the source of its tunnel traffic.
 */
@UsesLab
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class IkeTunnelLabTest {

    @ParameterizedTest(name = "encap = {0}, {1} outer")
    @CsvSource({"false, V4", "true, V4", "false, V6"})
    void pskTunnelCarriesPingAndTcpWithMatchingSpis(boolean encap, TunnelLab.Outer outer, Lab lab) {
        TunnelLab tunnel = new TunnelLab(lab);
        IkeLab.Options options = (encap ? IkeLab.Options.plain().withEncap() : IkeLab.Options.plain()).over(outer);
        DaemonProcess[] daemons = IkeLab.startPair(tunnel, options);
        DaemonProcess left = daemons[0];
        DaemonProcess right = daemons[1];

        DaemonLifecycleLabTest.Result up = DaemonLifecycleLabTest.run("up", "lab", "--control",
                left.control().toString());
        assertEquals(0, up.exitCode(), () -> up + "\nleft:\n" + left.stderr() + "\nright:\n" + right.stderr());
        assertTrue(up.out().contains("ike: IKE_SA_ESTABLISHED lab["), up.out());
        assertTrue(up.out().contains("ike: CHILD_SA_INSTALLED lab["), up.out());
        assertTrue(up.out().endsWith("lab/net is up\n"), up.out());

        ping(tunnel, left, right);
        BackgroundProcess server = tunnel.right.start("iperf3", "-s", "-1", "--forceflush", "-B", TunnelLab.RIGHT_INNER);
        server.awaitStdoutLine("Server listening", Duration.ofSeconds(10));
        CommandResult iperf = tunnel.left.exec(Duration.ofSeconds(30), "iperf3", "-c", TunnelLab.RIGHT_INNER, "-B",
                TunnelLab.LEFT_INNER, "-t", "2", "-J");
        assertTrue(iperf.succeeded(), () -> "TCP through the tunnel failed:\n" + iperf.stdout() + iperf.stderr()
                + "\nleft:\n" + left.stderr() + "\nright:\n" + right.stderr());

        Map<String, Object> leftSa = onlyIkeSa(left.statusJson());
        Map<String, Object> rightSa = onlyIkeSa(right.statusJson());
        assertEquals("ESTABLISHED", leftSa.get("state"));
        assertEquals("ESTABLISHED", rightSa.get("state"));
        assertEquals(leftSa.get("initiator_spi"), rightSa.get("initiator_spi"));
        assertEquals(leftSa.get("responder_spi"), rightSa.get("responder_spi"));
        assertEquals(true, leftSa.get("initiator"));
        assertEquals(false, rightSa.get("initiator"));
        assertEquals(IkeLab.LEFT_ID, leftSa.get("local_id"));
        assertEquals(IkeLab.RIGHT_ID, leftSa.get("remote_id"));
        assertEquals(outer.left, leftSa.get("local_host"));
        assertEquals(outer.right, leftSa.get("remote_host"));
        assertEquals(encap ? 4500L : 500L, leftSa.get("local_port"));
        assertEquals(encap, leftSa.get("udp_encapsulation"));
        if (!encap) {
            assertEquals(false, leftSa.get("nat_local"));
            assertEquals(false, leftSa.get("nat_remote"));
        }
        assertTrue(((String) leftSa.get("algorithms")).contains("AES_GCM_16_128"), leftSa.toString());

        Map<String, Object> leftChild = onlyChild(leftSa);
        Map<String, Object> rightChild = onlyChild(rightSa);
        assertEquals("INSTALLED", leftChild.get("state"));
        assertEquals(leftChild.get("spi_in"), rightChild.get("spi_out"));
        assertEquals(leftChild.get("spi_out"), rightChild.get("spi_in"));
        assertTrue(((String) leftChild.get("spi_in")).matches("[0-9a-f]{8}"), leftChild.toString());
        assertEquals(List.of("10.0.1.0/24"), leftChild.get("local_ts"));
        assertEquals(List.of("10.0.2.0/24"), leftChild.get("remote_ts"));
        assertEquals(encap, leftChild.get("udp_encapsulation"));
        assertTrue((Long) leftChild.get("packets_out") > 100, "TCP went out through the child: " + leftChild);
        assertEquals(leftChild.get("packets_out"), rightChild.get("packets_in"));
        assertEquals(leftChild.get("bytes_out"), rightChild.get("bytes_in"));

        Map<String, Object> daemon = MinimalJson.object(left.statusJson().get("daemon"));
        long mtu = outer == TunnelLab.Outer.V4 ? (encap ? 1438L : 1446L) : 1426L;
        assertEquals(mtu, daemon.get("tunnel_mtu"), "the MTU fits the Child SA's overhead");
        String text = left.request("status").body();
        assertTrue(text.contains("  lab: ESTABLISHED, IKEv2, " + leftSa.get("initiator_spi") + "_i* "
                + leftSa.get("responder_spi") + "_r\n"), text);
        assertTrue(text.contains("      in  " + leftChild.get("spi_in") + ", "), text);
        assertTrue(text.contains("      out " + leftChild.get("spi_out") + ", "), text);

        // A Child SA rekey: new SPIs on both sides, traffic goes on.
        DaemonLifecycleLabTest.Result rekey = DaemonLifecycleLabTest.run("rekey", "lab", "--child", "net",
                "--control", left.control().toString());
        assertEquals(0, rekey.exitCode(), () -> rekey + "\nleft:\n" + left.stderr());
        ping(tunnel, left, right);
        Map<String, Object> rekeyed = onlyChild(onlyIkeSa(left.statusJson()));
        assertNotEquals(leftChild.get("spi_in"), rekeyed.get("spi_in"));
        assertEquals(rekeyed.get("spi_in"), onlyChild(onlyIkeSa(right.statusJson())).get("spi_out"));

        DaemonLifecycleLabTest.Result down = DaemonLifecycleLabTest.run("down", "lab", "--control",
                left.control().toString());
        assertEquals(0, down.exitCode(), () -> down + "\nleft:\n" + left.stderr());
        assertTrue(down.out().contains("ike: IKE_SA_DELETED lab["), down.out());
        assertEquals(List.of(), MinimalJson.array(left.statusJson().get("ike_sas")));
        awaitNoIkeSa(right);
        assertEquals("", tunnelRoutes(tunnel.left), "the route went along");
        CommandResult after = tunnel.left.exec("ping", "-n", "-c", "1", "-W", "1", "-I", TunnelLab.LEFT_INNER,
                TunnelLab.RIGHT_INNER);
        assertFalse(after.succeeded(), "no tunnel, no ping");

        assertEquals(0, left.stop(), left.stderr());
        assertEquals(0, right.stop(), right.stderr());
    }

    @Test
    void aWrongPreSharedKeyFailsCleanlyAndTheDaemonsCarryOn(Lab lab) {
        TunnelLab tunnel = new TunnelLab(lab);
        DaemonProcess[] daemons = IkeLab.startPair(tunnel, IkeLab.Options.plain().withSecrets(IkeLab.PSK,
                "another pre-shared key entirely"));
        DaemonProcess left = daemons[0];
        DaemonProcess right = daemons[1];
        DaemonLifecycleLabTest.Result up = DaemonLifecycleLabTest.run("up", "lab", "--control",
                left.control().toString());
        assertEquals(1, up.exitCode(), up.toString());
        assertTrue(up.err().startsWith("ipsec4j up: lab: AUTHENTICATION_FAILED"), up.toString());
        right.process().awaitStderrLine("ike: AUTHENTICATION_FAILED lab[", Duration.ofSeconds(5)); // its log may lag
        assertTrue(left.stderr().lines().anyMatch(l -> l.contains("ike: AUTHENTICATION_FAILED lab[")), left.stderr());
        assertEquals(List.of(), MinimalJson.array(left.statusJson().get("ike_sas")));
        awaitNoIkeSa(right);
        // Fail closed: what 'up' asked to protect stays held (dropped, never sent in the clear) until 'down'.
        assertEquals("10.0.2.0/24 dev ipsec4j0 scope link src 10.0.1.1 \nprohibit 10.0.2.0/24 metric 65535",
                tunnelRoutes(tunnel.left));
        DaemonLifecycleLabTest.Result down = DaemonLifecycleLabTest.run("down", "lab", "--control",
                left.control().toString());
        assertEquals(1, down.exitCode(), down.toString());
        assertTrue(down.err().contains("lab has no IKE SA"), down.toString());
        assertEquals("", tunnelRoutes(tunnel.left), "down released the hold");
        assertTrue(left.process().isAlive() && right.process().isAlive());
        assertTrue(left.request("version").ok());
        assertEquals(0, left.stop(), left.stderr());
        assertEquals(0, right.stop(), right.stderr());
    }

    @Test
    void aVirtualIpFromThePoolIsTheClientsTunnelSource(Lab lab) {
        TunnelLab tunnel = new TunnelLab(lab);
        DaemonProcess[] daemons = IkeLab.startPair(tunnel, IkeLab.Options.plain().withVirtualIp().startingLeft());
        DaemonProcess left = daemons[0];
        DaemonProcess right = daemons[1];
        awaitChild(left);
        Map<String, Object> leftSa = onlyIkeSa(left.statusJson());
        assertEquals("10.3.0.1", leftSa.get("local_virtual_ip"), leftSa.toString());
        Map<String, Object> rightSa = onlyIkeSa(right.statusJson());
        assertEquals("10.3.0.1", rightSa.get("remote_virtual_ip"), rightSa.toString());
        assertEquals(List.of("10.3.0.1"), onlyChild(leftSa).get("local_ts"));
        String address = tunnel.left.ip("addr", "show", "dev", "ipsec4j0").stdout();
        assertTrue(address.contains("inet 10.3.0.1/32"), address);
        String route = tunnel.left.ip("route", "show", "table", "4500").stdout().strip();
        assertEquals("10.0.2.0/24 dev ipsec4j0 scope link src 10.3.0.1 \nprohibit 10.0.2.0/24 metric 65535", route);
        CommandResult ping = tunnel.left.exec("ping", "-n", "-c", "2", "-i", "0.3", "-W", "2", TunnelLab.RIGHT_INNER);
        assertTrue(ping.succeeded(), () -> ping.stdout() + ping.stderr() + "\nleft:\n" + left.stderr() + "\nright:\n"
                + right.stderr());
        assertEquals(0, left.stop(), left.stderr());
        awaitNoIkeSa(right); // the stopping client said goodbye
        assertEquals(0, right.stop(), right.stderr());
    }

    private static void ping(TunnelLab tunnel, DaemonProcess left, DaemonProcess right) {
        CommandResult ping = tunnel.left.exec("ping", "-n", "-c", "3", "-i", "0.2", "-W", "2", "-I",
                TunnelLab.LEFT_INNER, TunnelLab.RIGHT_INNER);
        assertTrue(ping.succeeded(), () -> "ping through the tunnel failed:\n" + ping.stdout() + ping.stderr()
                + "\nleft:\n" + left.stderr() + "\nright:\n" + right.stderr());
    }

    /** The routes in the tunnel's table (which the kernel deletes with its last route). */
    static String tunnelRoutes(org.ipsec4j.lab.Namespace namespace) {
        CommandResult routes = namespace.exec("ip", "route", "show", "table", "4500");
        return routes.succeeded() ? routes.stdout().strip() : "";
    }

    static Map<String, Object> onlyIkeSa(Map<String, Object> status) {
        List<Object> sas = MinimalJson.array(status.get("ike_sas"));
        assertEquals(1, sas.size(), "one IKE SA: " + sas);
        return MinimalJson.object(sas.getFirst());
    }

    static Map<String, Object> onlyChild(Map<String, Object> ikeSa) {
        List<Object> children = MinimalJson.array(ikeSa.get("child_sas"));
        assertEquals(1, children.size(), "one Child SA: " + children);
        return MinimalJson.object(children.getFirst());
    }

    static void awaitNoIkeSa(DaemonProcess daemon) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!MinimalJson.array(daemon.statusJson().get("ike_sas")).isEmpty()) {
            assertTrue(System.nanoTime() < deadline, "the IKE SA went away: " + daemon.statusJson() + "\n"
                    + daemon.stderr());
            sleep(100);
        }
    }

    static void awaitChild(DaemonProcess daemon) {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (true) {
            List<Object> sas = MinimalJson.array(daemon.statusJson().get("ike_sas"));
            if (!sas.isEmpty() && !MinimalJson.array(MinimalJson.object(sas.getFirst()).get("child_sas")).isEmpty()) {
                return;
            }
            assertTrue(System.nanoTime() < deadline, "a Child SA came up: " + daemon.stderr());
            sleep(100);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
