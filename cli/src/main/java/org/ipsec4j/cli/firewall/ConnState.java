package org.ipsec4j.cli.firewall;

import java.util.Locale;

/**
 * A packet's connection-tracking state as {@code -m conntrack --ctstate} and nft {@code ct state} see it.
 * Neighbour discovery is never tracked (Linux marks it UNTRACKED, nf_conntrack_proto_icmpv6.c); an ICMP error
 * quoting a tracked flow is RELATED, one quoting nothing conntrack knows is INVALID.
 */
public enum ConnState {
    NEW,
    ESTABLISHED,
    RELATED,
    INVALID,
    UNTRACKED;

    public String keyword() {
        return name().toLowerCase(Locale.ROOT);
    }
}
