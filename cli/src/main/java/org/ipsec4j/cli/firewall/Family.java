package org.ipsec4j.cli.firewall;

import java.net.Inet4Address;
import java.net.InetAddress;

/** The IP version of a tunnel's outer packets, and of the rules that filter them. */
public enum Family {
    IPV4,
    IPV6;

    public static Family of(InetAddress address) {
        return address instanceof Inet4Address ? IPV4 : IPV6;
    }

    /** "IPv4" or "IPv6". */
    public String label() {
        return this == IPV4 ? "IPv4" : "IPv6";
    }

    /** The ICMP protocol number of this family: 1 or 58. */
    public int icmpProtocol() {
        return this == IPV4 ? Protocols.ICMP : Protocols.ICMPV6;
    }
}
