package org.ipsec4j.linux;

/**
 * IP_MTU_DISCOVER / IPV6_MTU_DISCOVER modes (ip(7), ipv6(7); the same numbers for both families).
 */
public enum PathMtuDiscovery {
    /** Never set DF; the kernel fragments locally when a datagram exceeds the MTU. */
    DONT(0),
    /** Set DF per the route's path-MTU state (Linux's default for UDP); fragment when the known PMTU is smaller. */
    WANT(1),
    /** Always set DF; a send larger than the known path MTU fails with EMSGSIZE. */
    DO(2),
    /** Set DF but ignore the path MTU learnt from ICMP: send up to the interface MTU (for probing). */
    PROBE(3),
    /** Use the interface MTU, ignore path-MTU updates from ICMP, fragment beyond it; DF not set. */
    INTERFACE(4),
    /** Like INTERFACE for this socket's own packets; see ip(7) for the difference. */
    OMIT(5);

    final int value;

    PathMtuDiscovery(int value) {
        this.value = value;
    }
}
