package org.ipsec4j.esp.spd;

/**
 * The SPD a policy belongs to. RFC 4301 §4.4.1 speaks of inbound and outbound; like Linux XFRM (and setkey's
 * {@code -P fwd}) a gateway also keeps forward policies, consulted for decapsulated packets that no inbound
 * policy claims, as they are on their way to another host.
 */
public enum Direction {
    OUT,
    IN,
    FWD;

    /** Whether the local address of a packet in this direction is its source. */
    public boolean localIsSource() {
        return this == OUT;
    }
}
