package org.ipsec4j.cli.firewall;

import java.net.InetAddress;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** The ruleset formats {@code firewall-check} reads, and telling them apart. */
public enum RulesetFormat {
    IPTABLES,
    NFT,
    ASA;

    private static final Pattern NFT_TABLE = Pattern.compile("^table\\s+(ip|ip6|inet|arp|bridge|netdev)\\s+\\S+\\s*\\{.*");
    private static final Pattern ASA_LINE = Pattern.compile("^(\\S+(\\(config[^)]*\\))?#\\s*)?(access-list|access-group)\\s.*");
    private static final Pattern IPTABLES_LINE = Pattern.compile(
            "^(\\*\\w+|:\\S+\\s+\\S+.*|(\\[\\d+:\\d+]\\s+)?-[AINP]\\s.*|(sudo\\s+)?ip6?tables(-legacy|-nft)?\\s.*|COMMIT)$");

    /** The format of the input, or null if it looks like none of them. */
    public static RulesetFormat detect(List<String> lines) {
        for (String line : lines) {
            String text = line.strip();
            if (text.isEmpty() || text.startsWith("#")) {
                continue;
            }
            if (NFT_TABLE.matcher(text).matches()) {
                return NFT;
            }
            if (ASA_LINE.matcher(text).matches()) {
                return ASA;
            }
            if (IPTABLES_LINE.matcher(text).matches()) {
                return IPTABLES;
            }
        }
        return null;
    }

    public Ruleset parse(List<String> lines, Tunnel tunnel) throws RulesetSyntaxException {
        Set<InetAddress> local = tunnel.position() == Tunnel.Position.LOCAL_HOST
                ? Set.of(tunnel.local(), tunnel.linkLocal()) : Set.of(tunnel.linkLocal());
        return switch (this) {
            case IPTABLES -> IptablesRuleset.parse(lines, tunnel.family(), local);
            case NFT -> NftRuleset.parse(lines, local);
            case ASA -> AsaRuleset.parse(lines, tunnel.localInterface(), tunnel.peerInterface());
        };
    }
}
