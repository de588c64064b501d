package org.ipsec4j.cli.firewall;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * Damaged rulesets: every line cut short at every word, words dropped and swapped. The parsers must either read
 * the result or refuse it with a {@link RulesetSyntaxException}; a check of what they read must not throw.
 */
class RulesetRobustnessTest {

    private static void survives(RulesetFormat format, Tunnel tunnel, List<String> lines) {
        Ruleset ruleset;
        try {
            ruleset = format.parse(lines, tunnel);
        } catch (RulesetSyntaxException e) {
            return;
        } catch (RuntimeException e) {
            throw new AssertionError("parsing threw " + e + " for:\n" + String.join("\n", lines), e);
        }
        if (!ruleset.filters(tunnel.family())) {
            return;
        }
        try {
            FirewallCheck.check(ruleset, tunnel);
        } catch (RuntimeException e) {
            throw new AssertionError("checking threw " + e + " for:\n" + String.join("\n", lines), e);
        }
    }

    private static void damage(RulesetFormat format, Tunnel tunnel, String[] original) {
        Random random = new Random(6);
        for (int line = 0; line < original.length; line++) {
            String[] words = original[line].split(" ");
            for (int cut = 0; cut < words.length; cut++) {
                List<String> lines = new ArrayList<>(List.of(original));
                lines.set(line, String.join(" ", List.of(words).subList(0, cut)));
                survives(format, tunnel, lines);
                List<String> dropped = new ArrayList<>(List.of(words));
                dropped.remove(cut);
                lines.set(line, String.join(" ", dropped));
                survives(format, tunnel, lines);
                List<String> swapped = new ArrayList<>(List.of(words));
                java.util.Collections.swap(swapped, cut, random.nextInt(words.length));
                lines.set(line, String.join(" ", swapped));
                survives(format, tunnel, lines);
            }
        }
        for (int i = 0; i < 200; i++) {
            List<String> lines = new ArrayList<>(List.of(original));
            int at = random.nextInt(lines.size());
            String text = lines.get(at);
            int cut = text.isEmpty() ? 0 : random.nextInt(text.length());
            lines.set(at, text.substring(0, cut) + "{}\";!,-/:@".charAt(random.nextInt(10)) + text.substring(cut));
            survives(format, tunnel, lines);
        }
    }

    @Test
    void iptables() {
        damage(RulesetFormat.IPTABLES, IptablesCheckTest.v4("udp"), IptablesCheckTest.GOOD_V4);
        damage(RulesetFormat.IPTABLES, Checks.tunnel(Checks.V6_LOCAL, Checks.V6_PEER), IptablesCheckTest.SEED_000_ANSWER);
        damage(RulesetFormat.IPTABLES, IptablesCheckTest.v4("udp"), new String[] {"*filter", ":INPUT DROP [0:0]",
            ":X - [0:0]", "-A INPUT -j X", "-A X -p udp -m multiport --dports 500,4500 -m comment --comment \"a b\" -j ACCEPT",
            "-A X -p icmp -m icmp --icmp-type 3/4 -m limit --limit 5/s -j ACCEPT", "-A X -f -j RETURN", "COMMIT"});
    }

    @Test
    void nft() {
        Tunnel v6 = Checks.tunnel(Checks.V6_LOCAL, Checks.V6_PEER);
        damage(RulesetFormat.NFT, v6, NftCheckTest.GOOD);
    }

    @Test
    void asa() {
        Tunnel t = AsaCheckTest.asa(Checks.V4_LOCAL, Checks.V4_PEER, false, true);
        damage(RulesetFormat.ASA, t, AsaCheckTest.SEED_004);
        damage(RulesetFormat.ASA, t, new String[] {
            "access-list outside_in extended permit udp 198.51.100.0 255.255.255.0 host 192.0.2.1 range 500 4500 log 6 interval 300",
            "access-list outside_in extended permit icmp any any unreachable",
            "access-group outside_in in interface outside"});
    }

    @Test
    void emptyAndWhitespace() {
        for (RulesetFormat format : RulesetFormat.values()) {
            survives(format, IptablesCheckTest.v4("udp"), List.of());
            survives(format, IptablesCheckTest.v4("udp"), List.of("", "   ", "\t"));
        }
        if (RulesetFormat.detect(List.of("", "# nothing")) != null) {
            fail("a file of comments has no format");
        }
    }
}
