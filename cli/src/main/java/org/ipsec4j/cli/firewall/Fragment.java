package org.ipsec4j.cli.firewall;

/** Where a packet sits in its datagram: whole, the first IP fragment (with the UDP header), or a later one. */
public enum Fragment {
    NONE,
    /** Offset 0, more-fragments set: carries the transport header, so ports can be matched. */
    FIRST,
    /** Offset above 0 (here the last one): no transport header, so no ports; {@code -f} matches it. */
    LATER
}
