package org.ipsec4j.cli.firewall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.InetAddress;
import java.util.List;

/** Builds tunnels and runs checks for the firewall-check tests; finds results by probe id. */
final class Checks {

    static final String V4_LOCAL = "192.0.2.1";
    static final String V4_PEER = "198.51.100.1";
    /** Seed 000's two hosts: the firewall is on 2001:db8:f:608::2, the sender 2001:db8::be6b:d879. */
    static final String V6_LOCAL = "2001:db8:f:608::2";
    static final String V6_PEER = "2001:db8::be6b:d879";

    private Checks() {
    }

    /** A tunnel as the command builds it by default: ESP in UDP, either side starts, firewall on the local host. */
    static Tunnel tunnel(String local, String peer) {
        return tunnel(local, peer, false, true, Tunnel.Position.LOCAL_HOST, Tunnel.Initiator.BOTH);
    }

    static Tunnel tunnel(String local, String peer, boolean ah, boolean udp, Tunnel.Position position,
            Tunnel.Initiator initiator) {
        InetAddress l = InetAddress.ofLiteral(local);
        boolean v4 = Family.of(l) == Family.IPV4;
        return new Tunnel(l, InetAddress.ofLiteral(peer), ah, udp, position, "eth1", "eth0", initiator, false,
                InetAddress.ofLiteral(v4 ? "203.0.113.1" : "2001:db8:ffff::1"),
                InetAddress.ofLiteral(v4 ? "203.0.113.2" : "2001:db8:ffff::2"), InetAddress.ofLiteral("fe80::1"),
                InetAddress.ofLiteral("fe80::2"));
    }

    static Tunnel withIkeFragmentation(Tunnel t) {
        return new Tunnel(t.local(), t.peer(), t.ah(), t.udpEncapsulation(), t.position(), t.localInterface(),
                t.peerInterface(), t.initiator(), true, t.icmpFromPeerSide(), t.icmpFromLocalSide(), t.neighbour(),
                t.linkLocal());
    }

    static Tunnel withInterfaces(Tunnel t, String local, String peer) {
        return new Tunnel(t.local(), t.peer(), t.ah(), t.udpEncapsulation(), t.position(), local, peer, t.initiator(),
                t.ikeFragmentation(), t.icmpFromPeerSide(), t.icmpFromLocalSide(), t.neighbour(), t.linkLocal());
    }

    static FirewallCheck.Report check(RulesetFormat format, Tunnel tunnel, String... lines) {
        try {
            return FirewallCheck.check(format.parse(List.of(lines), tunnel), tunnel);
        } catch (RulesetSyntaxException e) {
            throw new AssertionError(e.describe(), e);
        }
    }

    static FirewallCheck.Report iptables(Tunnel tunnel, String... lines) {
        return check(RulesetFormat.IPTABLES, tunnel, lines);
    }

    static RulesetSyntaxException syntaxError(RulesetFormat format, Tunnel tunnel, String... lines) {
        try {
            format.parse(List.of(lines), tunnel);
        } catch (RulesetSyntaxException e) {
            return e;
        }
        return fail("no syntax error");
    }

    static FirewallCheck.Result result(FirewallCheck.Report report, String id) {
        return report.results().stream().filter(r -> r.probe().id().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("no probe " + id + " in "
                        + report.results().stream().map(r -> r.probe().id()).toList()));
    }

    /** The probe's fate and the line that decided it (0: a policy or default the input does not spell out). */
    static void assertDecided(FirewallCheck.Report report, String id, Fate fate, int line) {
        FirewallCheck.Result r = result(report, id);
        assertEquals(fate, r.decision().fate(), () -> id + ": " + r.decision());
        assertEquals(line, r.decision().decidedBy().line(), () -> id + ": " + r.decision().decidedBy().describe());
    }

    static List<String> blocked(FirewallCheck.Report report) {
        return report.results().stream().filter(r -> !r.passed()).map(r -> r.probe().id()).toList();
    }

    static List<String> rules(FirewallCheck.Report report) {
        return report.fixes().stream().map(f -> f.fix().rule()).toList();
    }

    static void assertAllPass(FirewallCheck.Report report) {
        assertEquals(List.of(), blocked(report), () -> ReportText.render(report, "test"));
        assertEquals("ok", report.verdict());
        assertTrue(report.fixes().isEmpty());
    }
}
