package org.ipsec4j.cli.firewall;

/** What a firewall does with a packet. */
public enum Fate {
    ACCEPT,
    DROP,
    /** Dropped with an ICMP error or a TCP reset sent back. */
    REJECT;

    public boolean passes() {
        return this == ACCEPT;
    }
}
