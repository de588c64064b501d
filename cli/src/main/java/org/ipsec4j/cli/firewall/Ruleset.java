package org.ipsec4j.cli.firewall;

import java.util.List;

/** A parsed ruleset that can say what it does with a packet, and take a rule more. */
public sealed interface Ruleset permits IptablesRuleset, NftRuleset, AsaRuleset {

    /** "iptables-save", "ip6tables-save", "nft list ruleset", "Cisco ASA access-list". */
    String formatName();

    /** Whether the ruleset filters this family at all (an iptables-save file filters one). */
    boolean filters(Family family);

    Tracking tracking(Family family);

    /** Whether a rule before connection tracking (raw table, nft priority below -200) exempts the packet. */
    boolean untracked(Packet p, Traversal traversal);

    Decision decide(Packet p, Traversal traversal);

    /**
     * As {@link #decide(Packet, Traversal)}, with the packet as the PREROUTING hooks see it ({@code early}) and
     * as the later hooks see it: IPv4 reassembles datagrams for local delivery between the two
     * (ip_local_deliver), so PREROUTING may see a fragment and INPUT the whole datagram.
     */
    default Decision decide(Packet early, Packet p, Traversal traversal) {
        return decide(p, traversal);
    }

    /** Whether the chain that made this decision runs in PREROUTING, before IPv4's local reassembly. */
    default boolean decidedEarly(Decision d) {
        return false;
    }

    /** What the checker assumed or left out, one sentence each. */
    List<String> notes();

    /**
     * A rule accepting packets of connections conntrack already knows (and the ICMP errors about them), for the
     * chain where {@code blocked} was decided, or null if this format has none.
     */
    Fix statefulFix(Decision blocked, Packet p, Traversal traversal);

    /** A rule accepting this packet, placed so that it comes before what blocked it, or null. */
    Fix acceptFix(Decision blocked, Packet p, Traversal traversal);

    /** This ruleset with the fix's rule added. */
    Ruleset with(Fix fix) throws RulesetSyntaxException;
}
