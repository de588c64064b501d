package org.ipsec4j.cli.firewall;

/** Which way a packet crosses the firewall's box: netfilter's INPUT, OUTPUT or FORWARD path. */
public enum Traversal {
    /** To the firewall host itself (PREROUTING, INPUT). */
    INPUT,
    /** From the firewall host itself (OUTPUT, POSTROUTING). */
    OUTPUT,
    /** Through the firewall (PREROUTING, FORWARD, POSTROUTING). */
    FORWARD
}
