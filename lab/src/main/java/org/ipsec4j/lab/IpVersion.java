package org.ipsec4j.lab;

import java.net.Inet4Address;
import java.net.InetAddress;

/** IPv4 or IPv6, with the tool names and flags that differ between the two. */
public enum IpVersion {
    V4("iptables", "-4"),
    V6("ip6tables", "-6");

    private final String iptablesCommand;
    private final String flag;

    IpVersion(String iptablesCommand, String flag) {
        this.iptablesCommand = iptablesCommand;
        this.flag = flag;
    }

    /** {@code iptables} or {@code ip6tables}. */
    public String iptablesCommand() {
        return iptablesCommand;
    }

    /** {@code -4} or {@code -6}, as {@code ip} and {@code ping} take it. */
    public String flag() {
        return flag;
    }

    public static IpVersion of(InetAddress address) {
        return address instanceof Inet4Address ? V4 : V6;
    }

    /** The family of an address or prefix written as text ({@code 192.0.2.1}, {@code 2001:db8::/64}). */
    public static IpVersion of(String addressOrPrefix) {
        return addressOrPrefix.contains(":") ? V6 : V4;
    }
}
