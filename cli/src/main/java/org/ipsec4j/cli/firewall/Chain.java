package org.ipsec4j.cli.firewall;

import java.util.ArrayList;
import java.util.List;

/**
 * A chain of rules, iptables' or nft's. A built-in (iptables) or base (nft) chain has a policy, and nft base
 * chains a hook and a priority.
 */
final class Chain {

    /** One rule: all its matches must hold for its target to apply. */
    record Rule(int line, String text, List<Match> matches, Target target) {

        Rule {
            matches = List.copyOf(matches);
        }

        boolean matches(Packet p) {
            for (Match m : matches) {
                if (!m.test(p)) {
                    return false;
                }
            }
            return true;
        }

        RuleRef ref(String chain) {
            return new RuleRef(line, text, chain);
        }
    }

    final String table;
    final String name;
    final boolean base;
    /** nft: the hook (input, forward, ...), null for iptables and regular chains. */
    final String hook;
    /** nft: the priority; iptables: the table's. */
    final int priority;
    /** nft: filter, nat, route. */
    final String type;
    Fate policy = Fate.ACCEPT;
    RuleRef policyRef;
    final List<Rule> rules = new ArrayList<>();

    Chain(String table, String name, boolean base, String hook, int priority, String type) {
        this.table = table;
        this.name = name;
        this.base = base;
        this.hook = hook;
        this.priority = priority;
        this.type = type;
    }

    /** A deep enough copy to insert a rule without touching this one. */
    Chain copy() {
        Chain c = new Chain(table, name, base, hook, priority, type);
        c.policy = policy;
        c.policyRef = policyRef;
        c.rules.addAll(rules);
        return c;
    }

    String qualifiedName() {
        return table + " " + name;
    }
}
