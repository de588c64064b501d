package org.ipsec4j.cli.firewall;

import static org.ipsec4j.cli.firewall.Checks.V4_LOCAL;
import static org.ipsec4j.cli.firewall.Checks.V4_PEER;
import static org.ipsec4j.cli.firewall.Checks.V6_LOCAL;
import static org.ipsec4j.cli.firewall.Checks.V6_PEER;
import static org.ipsec4j.cli.firewall.Checks.assertAllPass;
import static org.ipsec4j.cli.firewall.Checks.assertDecided;
import static org.ipsec4j.cli.firewall.Checks.blocked;
import static org.ipsec4j.cli.firewall.Checks.check;
import static org.ipsec4j.cli.firewall.Checks.result;
import static org.ipsec4j.cli.firewall.Checks.rules;
import static org.ipsec4j.cli.firewall.Checks.syntaxError;
import static org.ipsec4j.cli.firewall.Checks.tunnel;
import static org.ipsec4j.cli.firewall.Checks.withInterfaces;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** firewall-check on Cisco ASA/PIX access lists, seed 004's among them. */
class AsaCheckTest {

    /** Seed 004's figure, verbatim: the book removed the addresses. */
    static final String[] SEED_004_AS_PRINTED = {
        "DMZ-PIX-MAIN(config)#show access-list 101",
        "access-list 101; 9 elements",
        "access-list 101 line 1 permit udp host host eq isakmp",
        "access-list 101 line 2 permit udp host eq isakmp host",
        "access-list 101 line 3 permit esp host host",
        "access-list 101 line 3 permit ah host host",
        "DMZ-PIX-MAIN(config)#show access-group",
        "access-group 101 in interface outside"};

    /** The same figure for one remote site, 198.51.100.1, and the campus gateway 192.0.2.1 behind the PIX. */
    static final String[] SEED_004 = {
        "DMZ-PIX-MAIN(config)#show access-list 101",
        "access-list 101; 4 elements",
        "access-list 101 line 1 permit udp host 198.51.100.1 host 192.0.2.1 eq isakmp",
        "access-list 101 line 2 permit udp host 198.51.100.1 eq isakmp host 192.0.2.1",
        "access-list 101 line 3 permit esp host 198.51.100.1 host 192.0.2.1",
        "access-list 101 line 4 permit ah host 198.51.100.1 host 192.0.2.1",
        "DMZ-PIX-MAIN(config)#show access-group",
        "access-group 101 in interface outside"};

    static Tunnel asa(String local, String peer, boolean ah, boolean udp) {
        return withInterfaces(tunnel(local, peer, ah, udp, Tunnel.Position.ROUTER, Tunnel.Initiator.BOTH), "inside",
                "outside");
    }

    @Test
    void seed004AsPrintedIsRefusedAtItsFirstEntryWithTheReason() {
        RulesetSyntaxException e = syntaxError(RulesetFormat.ASA, asa(V4_LOCAL, V4_PEER, false, false),
                SEED_004_AS_PRINTED);
        assertEquals(3, e.line());
        assertEquals("line 3: 'host' needs an address, found 'host' (were the addresses removed from this line?) "
                + "(in: access-list 101 line 1 permit udp host host eq isakmp)", e.describe());
    }

    @Test
    void seed004OpensIkeEspAndAhButFiltersIcmpUnreachables() {
        for (boolean ah : new boolean[] {false, true}) {
            FirewallCheck.Report report = check(RulesetFormat.ASA, asa(V4_LOCAL, V4_PEER, ah, false), SEED_004);
            assertEquals(Tracking.ASA, report.tracking());
            assertEquals(List.of("local-starts.too-big-to-local", "peer-starts.too-big-to-local"), blocked(report));
            assertEquals("degraded", report.verdict());
            assertDecided(report, "peer-starts.ike-sa-init-request", Fate.ACCEPT, 3);
            assertDecided(report, "peer-starts.ipsec-out", Fate.ACCEPT, ah ? 6 : 5);
            // The peer's IKE_AUTH rides the connection its IKE_SA_INIT built.
            assertDecided(report, "peer-starts.ike-auth-request.later-fragment", Fate.ACCEPT, 0);
            // From inside (100) to outside (0) without an access list: permitted by the security levels.
            assertTrue(result(report, "local-starts.ike-sa-init-request").decision().decidedBy().text()
                    .contains("from security level 100 (inside) to 0 (outside) is permitted"));
            FirewallCheck.Result icmp = result(report, "local-starts.too-big-to-local");
            assertTrue(icmp.decision().decidedBy().text().startsWith("the implicit deny at the end of access list 101 "
                    + "(bound at line 8"), icmp.decision().decidedBy().text());
            assertEquals(List.of("access-list 101 extended permit icmp any host 192.0.2.1 unreachable"), rules(report));
        }
    }

    @Test
    void espAndAhNotOpenedAreCaught() {
        String[] onlyIke = {SEED_004[2], SEED_004[3], SEED_004[7]};
        FirewallCheck.Report report = check(RulesetFormat.ASA, asa(V4_LOCAL, V4_PEER, false, false), onlyIke);
        // The local host's ESP leaves (inside to outside) but the peer's is denied: ESP is no UDP connection.
        assertDecided(report, "local-starts.ipsec-out", Fate.ACCEPT, 0);
        assertDecided(report, "local-starts.ipsec-back", Fate.DROP, 0);
        assertDecided(report, "peer-starts.ipsec-out", Fate.DROP, 0);
        assertEquals("blocked", report.verdict());
        assertEquals(List.of("access-list 101 extended permit esp host 198.51.100.1 host 192.0.2.1",
                "access-list 101 extended permit icmp any host 192.0.2.1 unreachable"), rules(report));
        assertEquals("add to access list 101, before its implicit deny (after line 2)",
                report.fixes().getFirst().fix().where());
        FirewallCheck.Report ahReport = check(RulesetFormat.ASA, asa(V4_LOCAL, V4_PEER, true, false), onlyIke);
        assertTrue(rules(ahReport).contains("access-list 101 extended permit ah host 198.51.100.1 host 192.0.2.1"));
    }

    @Test
    void natTraversalNeedsUdp4500FromThePeer() {
        FirewallCheck.Report report = check(RulesetFormat.ASA, asa(V4_LOCAL, V4_PEER, false, true), SEED_004);
        // The local host's IKE_AUTH on 4500 builds the connection; the peer's first packet on 4500 is denied.
        assertDecided(report, "local-starts.ike-auth-response", Fate.ACCEPT, 0);
        assertDecided(report, "peer-starts.ike-auth-request", Fate.DROP, 0);
        // Virtual fragment reassembly: the later fragment has the first one's fate.
        assertDecided(report, "peer-starts.ike-auth-request.later-fragment", Fate.DROP, 0);
        assertEquals(Fragment.FIRST, result(report, "peer-starts.ike-auth-request.later-fragment").seen().fragment());
        assertEquals("access-list 101 extended permit udp host 198.51.100.1 host 192.0.2.1 eq 4500",
                rules(report).getFirst());
    }

    @Test
    void anExplicitDenyGetsTheFixInFrontOfIt() {
        FirewallCheck.Report report = check(RulesetFormat.ASA, asa(V4_LOCAL, V4_PEER, false, true),
                "access-list outside_in remark IPsec from the branch",
                "access-list outside_in extended deny udp any any eq 4500 log",
                "access-list outside_in extended permit udp 198.51.100.0 255.255.255.0 host 192.0.2.1 range 500 4500",
                "access-list outside_in extended permit icmp any any unreachable",
                "access-group outside_in in interface outside");
        assertDecided(report, "peer-starts.ike-auth-request", Fate.DROP, 2);
        Fix fix = report.fixes().getFirst().fix();
        assertEquals("access-list outside_in line 2 extended permit udp host 198.51.100.1 host 192.0.2.1 eq 4500",
                fix.rule());
        assertEquals("insert into access list outside_in, before line 2", fix.where());
        assertEquals(List.of(), report.unfixed());
        assertDecided(report, "local-starts.too-big-to-local", Fate.ACCEPT, 4);
    }

    @Test
    void ipv6PacketTooBigAndAnOutboundList() {
        FirewallCheck.Report report = check(RulesetFormat.ASA, asa(V6_LOCAL, V6_PEER, false, true),
                "access-list outside_in extended permit udp host 2001:db8::be6b:d879 host 2001:db8:f:608::2 eq isakmp",
                "access-list outside_in extended permit udp 2001:db8::/32 2001:db8:f::/48 eq 4500",
                "access-list outside_in extended permit icmp6 any any6 packet-too-big",
                "access-list inside_out extended deny ip any any",
                "access-group outside_in in interface outside",
                "access-group inside_out out interface inside");
        // Everything the peer sends reaches inside and meets the outbound list's deny there.
        assertDecided(report, "peer-starts.ike-sa-init-request", Fate.DROP, 4);
        assertEquals(List.of(1), result(report, "peer-starts.ike-sa-init-request").decision().trail().stream()
                .map(RuleRef::line).toList());
        assertDecided(report, "local-starts.ike-sa-init-response", Fate.ACCEPT, 0); // the connection
        assertDecided(report, "peer-starts.too-big-to-local", Fate.DROP, 4);
        assertTrue(rules(report).contains(
                "access-list inside_out line 1 extended permit icmp6 any host 2001:db8:f:608::2 packet-too-big"),
                rules(report)::toString);
    }

    @Test
    void noAccessGroupIsAnError() {
        RulesetSyntaxException e = syntaxError(RulesetFormat.ASA, asa(V4_LOCAL, V4_PEER, false, true),
                "access-list 101 extended permit esp any any");
        assertTrue(e.getMessage().contains("no access-group"), e.getMessage());
        e = syntaxError(RulesetFormat.ASA, asa(V4_LOCAL, V4_PEER, false, true),
                "access-list 101 extended permit udp object-group PEERS any eq 4500",
                "access-group 101 in interface outside");
        assertEquals(1, e.line());
        assertTrue(e.getMessage().contains("object"), e.getMessage());
    }
}
