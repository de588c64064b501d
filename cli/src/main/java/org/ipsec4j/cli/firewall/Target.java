package org.ipsec4j.cli.firewall;

/** What a matching iptables or nft rule does. */
sealed interface Target {

    /** ACCEPT, DROP or REJECT: ends the walk of this chain (and, but for ACCEPT, of every chain). */
    record Verdict(Fate fate) implements Target {
    }

    /** {@code -j CHAIN}, nft {@code jump}: walk that chain, then come back. */
    record Jump(String chain) implements Target {
    }

    /** {@code -g CHAIN}, nft {@code goto}: walk that chain and do not come back. */
    record Goto(String chain) implements Target {
    }

    /** {@code -j RETURN}, nft {@code return}. */
    record Return() implements Target {
    }

    /** LOG, NFLOG, counters, MARK, TCPMSS, nft {@code continue}: go on with the next rule. */
    record Continue(String what) implements Target {
    }

    /** {@code -j NOTRACK}, {@code -j CT --notrack}, nft {@code notrack}: conntrack leaves the packet alone. */
    record NoTrack() implements Target {
    }
}
