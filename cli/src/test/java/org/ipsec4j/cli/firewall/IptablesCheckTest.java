package org.ipsec4j.cli.firewall;

import static org.ipsec4j.cli.firewall.Checks.V4_LOCAL;
import static org.ipsec4j.cli.firewall.Checks.V4_PEER;
import static org.ipsec4j.cli.firewall.Checks.V6_LOCAL;
import static org.ipsec4j.cli.firewall.Checks.V6_PEER;
import static org.ipsec4j.cli.firewall.Checks.assertAllPass;
import static org.ipsec4j.cli.firewall.Checks.assertDecided;
import static org.ipsec4j.cli.firewall.Checks.blocked;
import static org.ipsec4j.cli.firewall.Checks.iptables;
import static org.ipsec4j.cli.firewall.Checks.result;
import static org.ipsec4j.cli.firewall.Checks.rules;
import static org.ipsec4j.cli.firewall.Checks.tunnel;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** firewall-check on iptables-save / ip6tables-save rulesets: seed 000, each needed packet broken, chains. */
class IptablesCheckTest {

    /** Seed 000's rules, "in relevant part", exactly as the report gives them. */
    static final String[] SEED_000 = {
        "-A INPUT -m udp -p udp --dport 500 -j ACCEPT",
        "-A INPUT -m udp -p udp --dport 4500 -j ACCEPT",
        "-A INPUT -j REJECT --reject-with icmp6-port-unreachable"};

    /** Seed 000's accepted answer, then the question's REJECT. */
    static final String[] SEED_000_ANSWER = {
        "-A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT",
        "-A INPUT -m conntrack --ctstate NEW -m udp -p udp --dport 500 -j ACCEPT",
        "-A INPUT -m conntrack --ctstate NEW -m udp -p udp --dport 4500 -j ACCEPT",
        "-A INPUT -j REJECT --reject-with icmp6-port-unreachable"};

    /** The answer's variant "for older Linux systems (e.g. RHEL 5 and earlier)", with the same two lines around it. */
    static final String[] SEED_000_ANSWER_STATE = {
        "-A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT",
        "-A INPUT -m state --state NEW -m udp -p udp --dport 500 -j ACCEPT",
        "-A INPUT -m state --state NEW -m udp -p udp --dport 4500 -j ACCEPT",
        "-A INPUT -j REJECT --reject-with icmp6-port-unreachable"};

    @Test
    void seed000RulesPassTheFirstFragmentAndRejectTheLaterOne() {
        FirewallCheck.Report report = iptables(tunnel(V6_LOCAL, V6_PEER), SEED_000);
        assertEquals(Tracking.NONE, report.tracking());
        assertEquals("ip6tables-save", report.ruleset().formatName());
        // The report's exchange: the peer's IKE_AUTH request (port 4500) in two fragments.
        assertDecided(report, "peer-starts.ike-sa-init-request", Fate.ACCEPT, 1);
        assertDecided(report, "peer-starts.ike-auth-request", Fate.ACCEPT, 2);
        assertDecided(report, "peer-starts.ike-auth-request.first-fragment", Fate.ACCEPT, 2);
        assertDecided(report, "peer-starts.ike-auth-request.later-fragment", Fate.REJECT, 3);
        assertDecided(report, "local-starts.ike-auth-response.later-fragment", Fate.REJECT, 3);
        assertEquals("-A INPUT -j REJECT --reject-with icmp6-port-unreachable",
                result(report, "peer-starts.ike-auth-request.later-fragment").decision().decidedBy().text());
        // The local host's own fragments: OUTPUT sees the whole datagram, and no OUTPUT rule exists.
        FirewallCheck.Result out = result(report, "local-starts.ike-auth-request.later-fragment");
        assertTrue(out.passed());
        assertEquals(Fragment.NONE, out.seen().fragment());
        assertEquals("blocked", report.verdict());
        assertTrue(blocked(report).containsAll(List.of("peer-starts.ike-auth-request.later-fragment",
                "local-starts.ike-auth-response.later-fragment")), blocked(report)::toString);
        // The fix is the answer's: one conntrack rule at the top, which makes netfilter reassemble.
        FirewallCheck.AppliedFix first = report.fixes().getFirst();
        assertEquals("-A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT", first.fix().rule());
        assertEquals("ip6tables -I INPUT 1 -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT", first.fix().command());
        assertEquals(1, first.fix().beforeLine());
        assertTrue(first.letsThrough().containsAll(List.of("peer-starts.ike-auth-request.later-fragment",
                "local-starts.ike-auth-response.later-fragment", "peer-starts.too-big-to-local")), first::toString);
        String text = ReportText.render(report, "seed000");
        assertTrue(text.contains("REJECT by line 3: -A INPUT -j REJECT --reject-with icmp6-port-unreachable"), text);
        assertTrue(text.contains("RFC 7383"), text);
    }

    @Test
    void seed000AnswerPassesEveryIkePacketWholeOrFragmented() {
        for (String[] answer : List.of(SEED_000_ANSWER, SEED_000_ANSWER_STATE)) {
            FirewallCheck.Report report = iptables(tunnel(V6_LOCAL, V6_PEER), answer);
            assertEquals(Tracking.CONNTRACK, report.tracking());
            for (String scenario : List.of("local-starts", "peer-starts")) {
                for (String step : List.of("ike-sa-init-request", "ike-sa-init-response", "ike-auth-request",
                        "ike-auth-response", "ipsec-out", "ipsec-back", "too-big-to-local")) {
                    assertTrue(result(report, scenario + "." + step).passed(), scenario + "." + step);
                }
                for (String fragment : List.of(".first-fragment", ".later-fragment")) {
                    FirewallCheck.Result r = result(report, scenario + ".ike-auth-request" + fragment);
                    assertTrue(r.passed(), r::toString);
                    assertEquals(Fragment.NONE, r.seen().fragment(), "reassembled before the filter");
                }
            }
            // The peer's IKE_AUTH request is the first packet on port 4500: NEW, let in by the answer's line 3.
            assertDecided(report, "peer-starts.ike-auth-request.later-fragment", Fate.ACCEPT, 3);
            assertEquals(ConnState.NEW, result(report, "peer-starts.ike-auth-request.later-fragment").seen().state());
            assertDecided(report, "local-starts.ike-auth-response.later-fragment", Fate.ACCEPT, 1);
            assertEquals(ConnState.RELATED, result(report, "local-starts.too-big-to-local").seen().state());
            // "In relevant part": neighbour discovery is untracked and meets the REJECT.
            assertEquals(List.of("nd.eth0.ns-in", "nd.eth0.na-in", "nd.eth0.ra-in"), blocked(report));
            assertEquals(ConnState.UNTRACKED, result(report, "nd.eth0.ns-in").seen().state());
        }
    }

    @Test
    void seed000AnswerWithIcmpv6AllowedPassesEverything() {
        List<String> lines = new ArrayList<>(List.of("-A INPUT -p ipv6-icmp -j ACCEPT"));
        lines.addAll(Arrays.asList(SEED_000_ANSWER));
        assertAllPass(iptables(tunnel(V6_LOCAL, V6_PEER), lines.toArray(String[]::new)));
    }

    @Test
    void rawEspIsNotOpenedBySeed000sRules() {
        // fukawi2's remark under seed 000: "you also need to allow ESP".
        Tunnel raw = tunnel(V6_LOCAL, V6_PEER, false, false, Tunnel.Position.LOCAL_HOST, Tunnel.Initiator.BOTH);
        FirewallCheck.Report report = iptables(raw, SEED_000);
        assertDecided(report, "peer-starts.ipsec-out", Fate.REJECT, 3);
        assertEquals(Protocols.ESP, result(report, "peer-starts.ipsec-out").seen().protocol());
        assertTrue(rules(report).contains("-A INPUT -s 2001:db8::be6b:d879 -d 2001:db8:f:608::2 -p esp -j ACCEPT"),
                rules(report)::toString);
    }

    /** A stateful IPv4 host firewall that lets a tunnel of every kind through. */
    static final String[] GOOD_V4 = {
        "# Generated by iptables-save v1.8.9 (nf_tables) on Mon Jan  1 00:00:00 2024",
        "*filter",
        ":INPUT DROP [0:0]",
        ":FORWARD DROP [0:0]",
        ":OUTPUT ACCEPT [0:0]",
        "-A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT",
        "-A INPUT -p udp -m udp --dport 500 -j ACCEPT",
        "-A INPUT -p udp -m udp --dport 4500 -j ACCEPT",
        "-A INPUT -p esp -j ACCEPT",
        "-A INPUT -p ah -j ACCEPT",
        "COMMIT"};

    static Tunnel v4(String kind) {
        return switch (kind) {
            case "udp" -> tunnel(V4_LOCAL, V4_PEER);
            case "esp" -> tunnel(V4_LOCAL, V4_PEER, false, false, Tunnel.Position.LOCAL_HOST, Tunnel.Initiator.BOTH);
            case "ah" -> tunnel(V4_LOCAL, V4_PEER, true, false, Tunnel.Position.LOCAL_HOST, Tunnel.Initiator.BOTH);
            default -> throw new IllegalArgumentException(kind);
        };
    }

    @ParameterizedTest
    @CsvSource({"udp", "esp", "ah"})
    void aGoodStatefulRulesetPassesEveryKindOfTunnel(String kind) {
        assertAllPass(iptables(v4(kind), GOOD_V4));
    }

    static String[] without(String[] lines, String removed) {
        List<String> out = new ArrayList<>(Arrays.asList(lines));
        assertTrue(out.remove(removed), removed);
        return out.toArray(String[]::new);
    }

    /** Each needed packet, broken by removing the one line that lets it in; caught with the policy line. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "udp|-A INPUT -p udp -m udp --dport 500 -j ACCEPT|peer-starts.ike-sa-init-request|-A INPUT -s 198.51.100.1 -d 192.0.2.1 -p udp -m udp --dport 500 -j ACCEPT",
        "udp|-A INPUT -p udp -m udp --dport 4500 -j ACCEPT|peer-starts.ike-auth-request|-A INPUT -s 198.51.100.1 -d 192.0.2.1 -p udp -m udp --dport 4500 -j ACCEPT",
        "esp|-A INPUT -p esp -j ACCEPT|peer-starts.ipsec-out|-A INPUT -s 198.51.100.1 -d 192.0.2.1 -p esp -j ACCEPT",
        "ah|-A INPUT -p ah -j ACCEPT|peer-starts.ipsec-out|-A INPUT -s 198.51.100.1 -d 192.0.2.1 -p ah -j ACCEPT"})
    void eachNeededPacketBrokenAlone(String kind, String removed, String probe, String fix) {
        FirewallCheck.Report report = iptables(v4(kind), without(GOOD_V4, removed));
        assertDecided(report, probe, Fate.DROP, 3); // ":INPUT DROP [0:0]"
        assertEquals("blocked", report.verdict());
        assertEquals(List.of(fix), rules(report));
        assertEquals("append to chain INPUT (after line 9)",
                report.fixes().getFirst().fix().where());
        assertEquals(List.of(), report.unfixed());
    }

    @Test
    void icmpErrorsNeedRelatedNotJustEstablished() {
        String[] lines = GOOD_V4.clone();
        lines[5] = "-A INPUT -m conntrack --ctstate ESTABLISHED -j ACCEPT";
        FirewallCheck.Report report = iptables(v4("udp"), lines);
        FirewallCheck.Result tooBig = result(report, "local-starts.too-big-to-local");
        assertEquals(ConnState.RELATED, tooBig.seen().state());
        assertDecided(report, "local-starts.too-big-to-local", Fate.DROP, 3);
        assertEquals("degraded", report.verdict());
        assertEquals(List.of("-A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT"), rules(report));
    }

    @Test
    void ipv4ReassemblesForTheLocalHostBeforeInputEvenWithoutConntrack() {
        // ip_local_deliver reassembles before NF_INET_LOCAL_IN (the lab cross-check showed it): INPUT sees the
        // whole datagram, unlike IPv6's (seed 000).
        FirewallCheck.Report report = iptables(v4("esp"), "*filter", ":INPUT DROP [0:0]",
                "-A INPUT -p udp -m udp --dport 500 -j ACCEPT", "-A INPUT -p esp -j ACCEPT", "COMMIT");
        assertEquals(Tracking.NONE, report.tracking());
        FirewallCheck.Result later = result(report, "peer-starts.ike-auth-request.later-fragment");
        assertDecided(report, "peer-starts.ike-auth-request.later-fragment", Fate.ACCEPT, 3);
        assertEquals(Fragment.NONE, later.seen().fragment());
        assertTrue(later.notes().getFirst().contains("ip_local_deliver"), later.notes()::toString);
        assertEquals(List.of("local-starts.too-big-to-local", "peer-starts.too-big-to-local"), blocked(report));
    }

    @Test
    void ipv4PreroutingStillSeesEachFragment() {
        FirewallCheck.Report report = iptables(v4("esp"),
                "*raw", ":PREROUTING ACCEPT [0:0]",
                "-A PREROUTING -p udp -m udp --dport 500 -j ACCEPT",
                "-A PREROUTING -s 198.51.100.1/32 -j DROP", "COMMIT",
                "*filter", ":INPUT ACCEPT [0:0]", "COMMIT");
        // The first fragment passes raw PREROUTING (line 3) and INPUT's policy (line 7) lets the datagram in.
        assertDecided(report, "peer-starts.ike-auth-request.first-fragment", Fate.ACCEPT, 7);
        assertEquals(List.of(3), result(report, "peer-starts.ike-auth-request.first-fragment").decision().trail()
                .stream().map(RuleRef::line).toList());
        assertDecided(report, "peer-starts.ike-auth-request.later-fragment", Fate.DROP, 4);
        assertEquals("raw", result(report, "peer-starts.ike-auth-request.later-fragment").decision().table());
        assertTrue(rules(report).contains("-A PREROUTING -s 198.51.100.1 -d 192.0.2.1 -p udp -f -j ACCEPT"),
                rules(report)::toString);
        assertEquals("insert into chain PREROUTING of table raw, before line 4",
                report.fixes().stream().filter(f -> f.fix().rule().contains(" -f ")).findFirst().orElseThrow()
                        .fix().where());
    }

    @Test
    void ipv4RouterWithoutConntrackDropsLaterFragments() {
        Tunnel router = tunnel(V4_LOCAL, V4_PEER, false, false, Tunnel.Position.ROUTER, Tunnel.Initiator.BOTH);
        FirewallCheck.Report report = iptables(router, "*filter", ":FORWARD DROP [0:0]",
                "-A FORWARD -p udp -m udp --dport 500 -j ACCEPT", "-A FORWARD -p esp -j ACCEPT",
                "-A FORWARD -p icmp -j ACCEPT", "COMMIT");
        assertDecided(report, "peer-starts.ike-auth-request.first-fragment", Fate.ACCEPT, 3);
        assertDecided(report, "peer-starts.ike-auth-request.later-fragment", Fate.DROP, 2);
        assertDecided(report, "local-starts.ike-auth-request.later-fragment", Fate.DROP, 2);
        assertEquals(-1, result(report, "peer-starts.ike-auth-request.later-fragment").seen().destinationPort());
        assertEquals(List.of("-A FORWARD -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT"), rules(report));
        assertEquals(List.of(), report.unfixed());
    }

    @Test
    void statelessRulesWithoutIcmpBlackHoleThePath() {
        FirewallCheck.Report report = iptables(v4("udp"),
                "*filter", ":INPUT DROP [0:0]", "-A INPUT -p udp --dport 500 -j ACCEPT",
                "-A INPUT -p udp --dport 4500 -j ACCEPT", "-A INPUT -f -j ACCEPT", "COMMIT");
        assertEquals(Tracking.NONE, report.tracking());
        // IPv4 INPUT sees the reassembled datagram, so the port rule takes it, not -f.
        assertDecided(report, "local-starts.ike-auth-response.later-fragment", Fate.ACCEPT, 4);
        assertDecided(report, "local-starts.too-big-to-local", Fate.DROP, 2);
        assertEquals("degraded", report.verdict());
        // Conntrack's RELATED is the smallest fix for both scenarios' ICMP errors.
        assertEquals(List.of("-A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT"), rules(report));
    }

    @Test
    void outputPolicyDropBlocksTheLocalHostsPackets() {
        FirewallCheck.Report report = iptables(v4("udp"), "*filter", ":INPUT ACCEPT [0:0]", ":OUTPUT DROP [0:0]",
                "-A OUTPUT -p udp -m udp --sport 500 -j ACCEPT", "COMMIT");
        assertDecided(report, "local-starts.ike-sa-init-request", Fate.ACCEPT, 4);
        assertDecided(report, "local-starts.ike-auth-request", Fate.DROP, 3);
        assertEquals(Traversal.OUTPUT, result(report, "local-starts.ike-auth-request").probe().traversal());
        assertTrue(rules(report).contains("-A OUTPUT -s 192.0.2.1 -d 198.51.100.1 -p udp -m udp --dport 4500 -j ACCEPT"),
                rules(report)::toString);
    }

    @Test
    void ipv6NeighbourDiscoveryIsUntrackedAndNeedsItsOwnRules() {
        FirewallCheck.Report report = iptables(tunnel(V6_LOCAL, V6_PEER),
                "*filter", ":INPUT DROP [0:0]", ":OUTPUT ACCEPT [0:0]",
                "-A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT",
                "-A INPUT -p udp -m multiport --dports 500,4500 -j ACCEPT", "COMMIT");
        assertEquals(List.of("nd.eth0.ns-in", "nd.eth0.na-in", "nd.eth0.ra-in"), blocked(report));
        assertEquals("blocked", report.verdict()); // NS and NA are required, RA recommended
        assertEquals(List.of(
                "-A INPUT -p ipv6-icmp -m icmp6 --icmpv6-type neighbour-solicitation -m hl --hl-eq 255 -j ACCEPT",
                "-A INPUT -p ipv6-icmp -m icmp6 --icmpv6-type neighbour-advertisement -m hl --hl-eq 255 -j ACCEPT",
                "-A INPUT -p ipv6-icmp -m icmp6 --icmpv6-type router-advertisement -m hl --hl-eq 255 -j ACCEPT"),
                rules(report));
        // The solicitation goes to the solicited-node group of the local address.
        assertEquals("ff02::1:ff00:2", Addresses.text(result(report, "nd.eth0.ns-in").probe().packet().destination()));
    }

    @Test
    void chainsJumpsReturnsLogAndMultiport() {
        FirewallCheck.Report report = iptables(v4("udp"),
                "*filter",
                ":INPUT DROP [0:0]",
                ":OUTPUT ACCEPT [0:0]",
                ":IPSEC - [0:0]",
                "-A INPUT -j LOG --log-prefix \"in: \" --log-level 4",
                "-A INPUT -s 198.51.100.0/24 -j IPSEC",
                "-A INPUT -p icmp -m icmp --icmp-type 3/4 -j ACCEPT",
                "-A IPSEC -p udp -m multiport --dports 500,4500 -m comment --comment \"IKE and NAT-T\" -j ACCEPT",
                "-A IPSEC -f -j ACCEPT",
                "-A IPSEC -j RETURN",
                "COMMIT");
        assertAllPass(report);
        FirewallCheck.Result fragment = result(report, "peer-starts.ike-auth-request.later-fragment");
        assertEquals(8, fragment.decision().decidedBy().line()); // reassembled for the local host: ports again
        assertEquals(List.of(5, 6), fragment.decision().trail().stream().map(RuleRef::line).toList());
        assertDecided(report, "local-starts.too-big-to-local", Fate.ACCEPT, 7);
    }

    @Test
    void aNegatedPortMatchesNoLaterFragment() {
        // xt_udp returns false for a non-zero fragment offset before the inversion: "! --dport 500" does not match.
        FirewallCheck.Report report = iptables(v4("udp"), "*filter", ":INPUT ACCEPT [0:0]",
                "-A INPUT -p udp -m udp ! --dport 4500 -j DROP", "COMMIT");
        assertDecided(report, "peer-starts.ike-sa-init-request", Fate.DROP, 3);
        assertDecided(report, "peer-starts.ike-auth-request.later-fragment", Fate.ACCEPT, 2);
    }

    @Test
    void routerForwardChainWithInterfaces() {
        Tunnel router = tunnel(V4_LOCAL, V4_PEER, false, true, Tunnel.Position.ROUTER, Tunnel.Initiator.LOCAL);
        FirewallCheck.Report report = iptables(router,
                "*filter", ":INPUT ACCEPT [0:0]", ":FORWARD DROP [0:0]", ":OUTPUT ACCEPT [0:0]",
                "-A FORWARD -i eth1 -o eth0 -j ACCEPT",
                "-A FORWARD -i eth0 -o eth1 -m state --state RELATED,ESTABLISHED -j ACCEPT",
                "COMMIT");
        assertDecided(report, "local-starts.ike-sa-init-request", Fate.ACCEPT, 5);
        assertDecided(report, "local-starts.ike-sa-init-response", Fate.ACCEPT, 6);
        assertDecided(report, "local-starts.ike-auth-response.later-fragment", Fate.ACCEPT, 6);
        assertDecided(report, "local-starts.too-big-to-local", Fate.ACCEPT, 6);
        assertDecided(report, "local-starts.too-big-to-peer", Fate.ACCEPT, 5);
        // Only the local side starts, but after an idle spell the peer may speak first: recommended.
        assertDecided(report, "after-idle.ike-request", Fate.DROP, 3);
        assertEquals("degraded", report.verdict());
        assertEquals(List.of("-A FORWARD -s 198.51.100.1 -d 192.0.2.1 -p udp -m udp --dport 4500 -j ACCEPT"),
                rules(report));
    }

    @Test
    void notrackInTheRawTableBreaksEstablished() {
        FirewallCheck.Report report = iptables(v4("udp"),
                "*raw", ":PREROUTING ACCEPT [0:0]", ":OUTPUT ACCEPT [0:0]",
                "-A PREROUTING -p udp -m udp --sport 4500 -j CT --notrack", "COMMIT",
                "*filter", ":INPUT DROP [0:0]",
                "-A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT",
                "-A INPUT -p udp -m udp --dport 500 -j ACCEPT", "COMMIT");
        FirewallCheck.Result response = result(report, "local-starts.ike-auth-response");
        assertEquals(ConnState.UNTRACKED, response.seen().state());
        assertDecided(report, "local-starts.ike-auth-response", Fate.DROP, 7);
    }
}
