package org.ipsec4j.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ipsec4j.lab.junit.UsesLab;
import org.ipsec4j.lab.traffic.ReceivedDatagram;
import org.ipsec4j.lab.traffic.UdpSender;
import org.ipsec4j.lab.traffic.UdpSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The lab itself: routing, per-link MTU, NAT, loss, error reporting and teardown. */
@UsesLab
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LabTest {

    /** a --(192.0.2.0/24, 2001:db8:1::/64)-- r --(198.51.100.0/24, 2001:db8:2::/64)-- b */
    private record RoutedPair(Namespace a, Namespace r, Namespace b, Link ar, Link rb) {

        static RoutedPair build(Lab lab, int mtuAtoR, int mtuRtoB) {
            Namespace a = lab.host("a");
            Namespace r = lab.router("r");
            Namespace b = lab.host("b");
            Link ar = lab.link(a, r, mtuAtoR);
            Link rb = lab.link(r, b, mtuRtoB);
            ar.a().addAddress("192.0.2.2/24").addAddress("2001:db8:1::2/64");
            ar.b().addAddress("192.0.2.1/24").addAddress("2001:db8:1::1/64");
            rb.a().addAddress("198.51.100.1/24").addAddress("2001:db8:2::1/64");
            rb.b().addAddress("198.51.100.2/24").addAddress("2001:db8:2::2/64");
            a.setDefaultRoute("192.0.2.1");
            a.setDefaultRoute("2001:db8:1::1");
            b.setDefaultRoute("198.51.100.1");
            b.setDefaultRoute("2001:db8:2::1");
            return new RoutedPair(a, r, b, ar, rb);
        }
    }

    @Test
    void pingCrossesTheRouterOverIpv4AndIpv6(Lab lab) {
        RoutedPair net = RoutedPair.build(lab, 1500, 1500);

        CommandResult v4 = net.a().ping("198.51.100.2").orThrow();
        CommandResult v6 = net.a().ping("2001:db8:2::2").orThrow();

        assertTrue(v4.stdout().contains("1 received"), v4.stdout());
        assertTrue(v6.stdout().contains("1 received"), v6.stdout());
        // One hop less than the sender's 64: it went through r's forwarding.
        assertTrue(v4.stdout().contains("ttl=63"), v4.stdout());
        assertTrue(v6.stdout().contains("ttl=63"), v6.stdout());
    }

    @Test
    void eachLinkEnforcesItsOwnMtu(Lab lab) {
        RoutedPair net = RoutedPair.build(lab, 1400, 1280);
        assertEquals(1400, net.ar().a().mtu());
        assertEquals(1280, net.rb().b().mtu());

        // a's own link: 1400-byte packets leave, 1401-byte ones with DF are refused by a's kernel.
        net.a().ping("192.0.2.1", "-M", "do", "-s", "1372").orThrow();
        CommandResult tooBigForA = net.a().ping("192.0.2.1", "-M", "do", "-s", "1373");
        assertFalse(tooBigForA.succeeded(), tooBigForA.stdout());
        assertTrue((tooBigForA.stdout() + tooBigForA.stderr()).contains("mtu=1400"), tooBigForA.toString());

        // The r-b link: r forwards 1280 bytes and answers anything bigger with "fragmentation needed".
        net.a().ping("198.51.100.2", "-M", "do", "-s", "1252").orThrow();
        CommandResult v4 = net.a().ping("198.51.100.2", "-M", "do", "-s", "1253");
        assertFalse(v4.succeeded(), v4.stdout());
        assertTrue(v4.stdout().contains("Frag needed and DF set (mtu = 1280)"), v4.stdout());

        net.a().ping("2001:db8:2::2", "-M", "do", "-s", "1232").orThrow();
        CommandResult v6 = net.a().ping("2001:db8:2::2", "-M", "do", "-s", "1233");
        assertFalse(v6.succeeded(), v6.stdout());
        assertTrue(v6.stdout().contains("Packet too big: mtu=1280"), v6.stdout());
    }

    @Test
    void natRouterRewritesTheSourceAddress(Lab lab) {
        Namespace inside = lab.host("inside");
        Namespace nat = lab.router("nat");
        Namespace server = lab.host("server");
        Link lan = lab.link(inside, nat);
        Link wan = lab.link(nat, server);
        lan.a().addAddress("10.0.0.2/24");
        lan.b().addAddress("10.0.0.1/24");
        wan.a().addAddress("203.0.113.1/24");
        wan.b().addAddress("203.0.113.2/24");
        inside.setDefaultRoute("10.0.0.1");
        // The server has no route back to 10.0.0.0/24: only the NAT makes replies possible.
        nat.masquerade(wan.a());
        nat.setUdpConntrackTimeout(Duration.ofSeconds(5));
        assertEquals("5", nat.sysctlValue("net.netfilter.nf_conntrack_udp_timeout"));

        BackgroundProcess sink = server.startJava(UdpSink.class, "203.0.113.2", "5000", "10000", "1");
        sink.awaitStderrLine("listening on", Duration.ofSeconds(10));
        inside.runJava(Duration.ofSeconds(20), UdpSender.class, "203.0.113.2", "5000", "100").orThrow();
        sink.waitFor(Duration.ofSeconds(15));

        List<ReceivedDatagram> received = sink.stdoutLines().stream().map(ReceivedDatagram::parse).toList();
        assertEquals(1, received.size(), received::toString);
        assertEquals(100, received.getFirst().length());
        assertEquals(wan.a().address(IpVersion.V4), received.getFirst().source(),
                "the server should see the router's outside address");
        assertEquals(1, nat.firewall(IpVersion.V4, "nat").rule("POSTROUTING", "-j MASQUERADE").packets());
    }

    @Test
    void randomEgressLossDropsPacketsAndNetemSupportIsReported(Lab lab) {
        Namespace a = lab.host("a");
        Namespace b = lab.host("b");
        Link ab = lab.link(a, b);
        ab.a().addAddress("192.0.2.1/24");
        ab.b().addAddress("192.0.2.2/24");

        ab.a().setEgressLoss(1.0);
        assertFalse(a.ping("192.0.2.2", "-W", "1").succeeded(), "all of a's packets should be dropped");
        ab.a().setEgressLoss(0.0);
        a.ping("192.0.2.2").orThrow();

        ab.a().setEgressLoss(0.5);
        CommandResult burst = a.exec("ping", "-4", "-n", "-q", "-c", "200", "-i", "0.002", "-W", "1", "192.0.2.2");
        Matcher m = Pattern.compile("(\\d+) received").matcher(burst.stdout());
        assertTrue(m.find(), burst.stdout());
        int received = Integer.parseInt(m.group(1));
        // Binomial(200, 0.5): outside [50, 150] has a probability below 1e-12.
        assertTrue(received >= 50 && received <= 150, "received " + received + " of 200 at 50% loss");

        NetemSupport netem = lab.netemSupport();
        System.out.println("netem: " + netem);
        assertFalse(netem.detail().isBlank());
        if (netem.available()) {
            ab.a().netem("delay", "1ms");
        } else {
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                    () -> ab.a().netem("delay", "1ms"));
            assertTrue(e.getMessage().contains("no netem"), e.getMessage());
        }
    }

    @Test
    void failedCommandsReportTheirCommandLineAndStderr(Lab lab) {
        Namespace a = lab.host("a");

        LabCommandException e = assertThrows(LabCommandException.class,
                () -> a.addRoute("198.51.100.0/24", "203.0.113.99"));

        assertTrue(e.getMessage().contains("ip -n " + a.netnsName() + " -4 route add 198.51.100.0/24 via 203.0.113.99"),
                e.getMessage());
        assertFalse(e.result().stderr().isBlank());
        assertTrue(e.getMessage().contains(e.result().stderr().strip()), e.getMessage());
    }

    @Test
    void closeRemovesEveryNamespaceAndEveryProcessInThem() {
        List<String> names;
        long started;
        long daemonized;
        try (Lab lab = Lab.create()) {
            Namespace a = lab.host("a");
            Namespace r = lab.router("r");
            lab.link(a, r);
            names = lab.namespaces().stream().map(Namespace::netnsName).toList();
            assertTrue(Lab.listNamespaces().containsAll(names), Lab.listNamespaces()::toString);
            started = a.start("sleep", "600").pid();
            // A process the lab did not start itself, as a daemonizing peer would leave.
            daemonized = Long.parseLong(r.run("sh", "-c", "sleep 600 >/dev/null 2>&1 & echo $!").stdout().strip());
            assertTrue(ProcessHandle.of(daemonized).isPresent());
        }

        List<String> left = Lab.listNamespaces();
        assertTrue(names.stream().noneMatch(left::contains), "left behind: " + left);
        assertFalse(isRunning(started), "process started by the lab still runs");
        assertFalse(isRunning(daemonized), "daemon left in a namespace still runs");
    }

    /** Running, as opposed to gone or a zombie waiting for a parent that is not us. */
    private static boolean isRunning(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return !stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (IOException e) {
            return false;
        }
    }
}
