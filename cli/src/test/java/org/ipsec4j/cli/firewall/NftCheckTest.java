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
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** firewall-check on {@code nft list ruleset} output. */
class NftCheckTest {

    /** A typical stateful inet host firewall, as nft 1.0 lists it. */
    static final String[] GOOD = {
        "table inet filter {",                                                           // 1
        "\tset ipsec_peers {",                                                            // 2
        "\t\ttype ipv4_addr",                                                             // 3
        "\t\tflags interval",                                                             // 4
        "\t\telements = { 198.51.100.0/24,",                                              // 5
        "\t\t\t     203.0.113.7 }",                                                       // 6
        "\t}",                                                                            // 7
        "",                                                                               // 8
        "\tchain input {",                                                                // 9
        "\t\ttype filter hook input priority filter; policy drop;",                      // 10
        "\t\tct state established,related accept",                                        // 11
        "\t\tct state invalid drop",                                                      // 12
        "\t\tiifname \"lo\" accept",                                                      // 13
        "\t\tmeta l4proto ipv6-icmp icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert, nd-router-advert } ip6 hoplimit 255 accept", // 14
        "\t\tudp dport { 500, 4500 } counter packets 10 bytes 4000 accept",              // 15
        "\t\tip saddr @ipsec_peers meta l4proto { esp, ah } accept",                      // 16
        "\t\tip6 saddr 2001:db8::/32 meta l4proto esp accept",                            // 17
        "\t\tlog prefix \"input drop: \" level info",                                     // 18
        "\t}",                                                                            // 19
        "",                                                                               // 20
        "\tchain output {",                                                               // 21
        "\t\ttype filter hook output priority filter; policy accept;",                   // 22
        "\t}",                                                                            // 23
        "}"};                                                                             // 24

    @Test
    void aGoodInetRulesetPassesIpv4AndIpv6Tunnels() {
        assertAllPass(check(RulesetFormat.NFT, tunnel(V4_LOCAL, V4_PEER), GOOD));
        assertAllPass(check(RulesetFormat.NFT, tunnel(V6_LOCAL, V6_PEER), GOOD));
        Tunnel esp = tunnel(V4_LOCAL, V4_PEER, false, false, Tunnel.Position.LOCAL_HOST, Tunnel.Initiator.BOTH);
        FirewallCheck.Report report = check(RulesetFormat.NFT, esp, GOOD);
        assertAllPass(report);
        assertDecided(report, "peer-starts.ipsec-out", Fate.ACCEPT, 16);
        assertDecided(report, "peer-starts.ike-sa-init-request", Fate.ACCEPT, 15);
        assertDecided(report, "local-starts.ike-sa-init-request", Fate.ACCEPT, 22);
        assertEquals(Tracking.CONNTRACK, report.tracking());
    }

    @Test
    void aPeerOutsideTheSetIsDroppedByThePolicy() {
        Tunnel esp = tunnel(V4_LOCAL, "192.0.2.200", false, false, Tunnel.Position.LOCAL_HOST, Tunnel.Initiator.BOTH);
        FirewallCheck.Report report = check(RulesetFormat.NFT, esp, GOOD);
        assertDecided(report, "peer-starts.ipsec-out", Fate.DROP, 10);
        assertEquals(List.of(18), result(report, "peer-starts.ipsec-out").decision().trail().stream()
                .map(RuleRef::line).toList());
        assertEquals(List.of("ip saddr 192.0.2.200 ip daddr 192.0.2.1 meta l4proto esp accept"), rules(report));
        assertEquals("nft add rule inet filter input ip saddr 192.0.2.200 ip daddr 192.0.2.1 meta l4proto esp accept",
                report.fixes().getFirst().fix().command());
    }

    static final String[] STATELESS_V6 = {
        "table ip6 filter {",
        "\tchain input {",
        "\t\ttype filter hook input priority 0; policy drop;",
        "\t\tmeta l4proto ipv6-icmp accept",
        "\t\tNEXT",
        "\t}",
        "}"};

    static String[] stateless(String rule) {
        String[] lines = STATELESS_V6.clone();
        lines[4] = "\t\t" + rule;
        return lines;
    }

    @Test
    void statelessPortsLetTheFirstFragmentInAndDropTheLaterOne() {
        FirewallCheck.Report report = check(RulesetFormat.NFT, tunnel(V6_LOCAL, V6_PEER),
                stateless("udp dport { 500, 4500 } accept"));
        assertEquals(Tracking.NONE, report.tracking());
        assertDecided(report, "peer-starts.ike-auth-request.first-fragment", Fate.ACCEPT, 5);
        assertDecided(report, "peer-starts.ike-auth-request.later-fragment", Fate.DROP, 3);
        FirewallCheck.AppliedFix fix = report.fixes().getFirst();
        assertEquals("ct state established,related accept", fix.fix().rule());
        assertEquals("nft insert rule ip6 filter input index 0 ct state established,related accept", fix.fix().command());
        assertEquals("insert at the top of chain input of table ip6 filter, before line 4", fix.fix().where());
        assertEquals(List.of(), report.unfixed());
    }

    @Test
    void ip6NexthdrIsTheHeaderFieldAndMissesBothFragments() {
        FirewallCheck.Report nexthdr = check(RulesetFormat.NFT, tunnel(V6_LOCAL, V6_PEER), stateless("ip6 nexthdr udp accept"));
        assertDecided(nexthdr, "peer-starts.ike-auth-request", Fate.ACCEPT, 5);
        assertDecided(nexthdr, "peer-starts.ike-auth-request.first-fragment", Fate.DROP, 3);
        assertDecided(nexthdr, "peer-starts.ike-auth-request.later-fragment", Fate.DROP, 3);
        FirewallCheck.Report l4proto = check(RulesetFormat.NFT, tunnel(V6_LOCAL, V6_PEER), stateless("meta l4proto udp accept"));
        assertDecided(l4proto, "peer-starts.ike-auth-request.first-fragment", Fate.ACCEPT, 5);
        assertDecided(l4proto, "peer-starts.ike-auth-request.later-fragment", Fate.ACCEPT, 5);
    }

    @Test
    void aDropInAnyBaseChainWinsAndPrioritiesOrderThem() {
        FirewallCheck.Report report = check(RulesetFormat.NFT, tunnel(V4_LOCAL, V4_PEER),
                "table ip first {",
                "\tchain in {",
                "\t\ttype filter hook input priority 10; policy accept;",
                "\t\tudp dport 4500 drop",
                "\t}",
                "}",
                "table ip second {",
                "\tchain in {",
                "\t\ttype filter hook input priority -10; policy accept;",
                "\t\tudp dport 4500 accept",
                "\t\tjump more",
                "\t}",
                "\tchain more {",
                "\t\tudp sport 500 return",
                "\t\ticmp type destination-unreachable icmp code frag-needed accept",
                "\t}",
                "}");
        // Accepted at priority -10, then dropped at priority 10.
        assertDecided(report, "peer-starts.ike-auth-request", Fate.DROP, 4);
        assertEquals(List.of(10), result(report, "peer-starts.ike-auth-request").decision().trail().stream()
                .map(RuleRef::line).toList());
        assertDecided(report, "local-starts.too-big-to-local", Fate.ACCEPT, 15);
        assertDecided(report, "peer-starts.ike-sa-init-request", Fate.ACCEPT, 3); // the last base chain's policy
        // The fix goes into the chain that drops, before the drop.
        assertEquals("insert at the top of chain in of table ip first, before line 4", report.fixes().getFirst().fix().where());
        assertEquals(List.of(), report.unfixed());
    }

    @Test
    void tcpRulesNeverMatchAndTheReversePathFilterPasses() {
        FirewallCheck.Report report = check(RulesetFormat.NFT, tunnel(V4_LOCAL, V4_PEER),
                "table inet fw {",
                "\tchain pre {",
                "\t\ttype filter hook prerouting priority raw; policy accept;",
                "\t\tfib saddr . iif oif missing drop",
                "\t}",
                "\tchain input {",
                "\t\ttype filter hook input priority filter + 10; policy drop;",
                "\t\ttcp flags & (fin | syn | rst | ack) == syn tcp dport 22 accept",
                "\t\tct state { established, related } accept",
                "\t\tmeta nfproto ipv4 udp dport 500 limit rate 10/second burst 5 packets accept",
                "\t\tth dport 4500 accept",
                "\t\treject with icmpx type admin-prohibited",
                "\t}",
                "}");
        assertAllPass(report);
        assertDecided(report, "peer-starts.ike-sa-init-request", Fate.ACCEPT, 10);
        assertDecided(report, "peer-starts.ike-auth-request.later-fragment", Fate.ACCEPT, 11);
    }

    @Test
    void unsupportedSyntaxNamesTheLine() {
        Tunnel t = tunnel(V4_LOCAL, V4_PEER);
        RulesetSyntaxException e = syntaxError(RulesetFormat.NFT, t,
                "table inet filter {", "\tchain input {", "\t\ttype filter hook input priority 0; policy drop;",
                "\t\tmeta l4proto vmap { tcp : jump tcp_in, udp : jump udp_in }", "\t}", "}");
        assertEquals(4, e.line());
        assertTrue(e.describe().contains("verdict maps"), e.describe());
        e = syntaxError(RulesetFormat.NFT, t,
                "table inet filter {", "\tchain input {", "\t\ttype filter hook input priority 0; policy drop;",
                "\t\tudp dport 500 queue num 3", "\t}", "}");
        assertEquals(4, e.line());
        assertTrue(e.getMessage().contains("queue"), e.getMessage());
        e = syntaxError(RulesetFormat.NFT, t,
                "table inet filter {", "\tchain input {", "\t\ttype filter hook input priority 0; policy drop;",
                "\t\tmeta mark 0x1 accept", "\t}", "}");
        assertEquals("line 4: 'meta mark' is not modelled (in: meta mark 0x1 accept)", e.describe());
        e = syntaxError(RulesetFormat.NFT, t, "table inet filter {", "\tchain input {", "\t\tjump nowhere", "\t}", "}");
        assertEquals(3, e.line());
    }
}
