package org.ipsec4j.cli.firewall;

/** How a firewall keeps state for one address family. */
public enum Tracking {
    /** Every packet, every fragment, is filtered on its own. */
    NONE,
    /**
     * Linux conntrack: the ruleset uses it (a state or conntrack match, nft {@code ct}, a nat table), so
     * netfilter reassembles IP fragments before the filter hooks (nf_defrag, priority -400) and gives every
     * packet a state.
     */
    CONNTRACK,
    /**
     * Cisco ASA/PIX: a UDP or TCP packet of an existing connection passes without the access lists; fragments
     * share the first fragment's fate (virtual fragment reassembly, seed 004).
     */
    ASA
}
