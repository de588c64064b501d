package org.ipsec4j.cli.firewall;

/**
 * A line of the ruleset that took part in a decision.
 *
 * @param line the 1-based line number in the input, 0 for something the input does not spell out (a default
 *        policy of a chain it never declares, an ASA's implicit deny)
 * @param text the line as written (trimmed), or a description when {@code line} is 0
 * @param chain the chain (iptables, nft) or access list (ASA) it belongs to
 */
public record RuleRef(int line, String text, String chain) {

    public String describe() {
        return line > 0 ? "line " + line + ": " + text : text;
    }
}
