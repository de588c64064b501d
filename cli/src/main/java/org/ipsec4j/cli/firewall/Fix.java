package org.ipsec4j.cli.firewall;

/**
 * One rule to add to a ruleset, and where.
 *
 * @param where in words: "insert before line 3 (chain INPUT)", "append to chain INPUT", ...
 * @param rule the rule in the ruleset's own syntax, as it would appear in the file
 * @param command a command that adds it to a running system (iptables -I ..., nft insert rule ..., ASA config)
 * @param table the table (iptables, nft) or empty (ASA)
 * @param chain the chain or access list
 * @param position where in that chain, 0-based, counting rules added by earlier fixes
 * @param beforeLine the input line it goes before, 0 if it goes at the end
 */
public record Fix(String where, String rule, String command, String table, String chain, int position,
        int beforeLine) {
}
