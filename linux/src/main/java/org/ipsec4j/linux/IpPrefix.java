package org.ipsec4j.linux;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.StandardProtocolFamily;
import java.util.Objects;

/**
 * An address with a prefix length: {@code 192.0.2.1/24} (an interface address) or {@code 2001:db8::/32} (a
 * route's destination).
 */
public record IpPrefix(InetAddress address, int length) {

    public IpPrefix {
        Objects.requireNonNull(address, "address");
        int bits = address.getAddress().length * 8;
        if (length < 0 || length > bits) {
            throw new IllegalArgumentException("prefix length " + length + " outside 0.." + bits + " for " + address);
        }
    }

    /**
     * Parses {@code "10.0.0.0/8"}, {@code "2001:db8::1/64"}, {@code "default"} is not accepted (say
     * {@code 0.0.0.0/0} or {@code ::/0}); an address without a length is a host prefix (/32 or /128).
     * Only literals: nothing is looked up in DNS.
     */
    public static IpPrefix parse(String text) {
        int slash = text.indexOf('/');
        InetAddress address = InetAddress.ofLiteral(slash < 0 ? text : text.substring(0, slash));
        int length = slash < 0 ? address.getAddress().length * 8 : Integer.parseInt(text.substring(slash + 1));
        return new IpPrefix(address, length);
    }

    public static IpPrefix of(String address, int length) {
        return new IpPrefix(InetAddress.ofLiteral(address), length);
    }

    /** The whole address space of a family: 0.0.0.0/0 or ::/0. */
    public static IpPrefix any(StandardProtocolFamily family) {
        return parse(family == StandardProtocolFamily.INET ? "0.0.0.0/0" : "::/0");
    }

    public StandardProtocolFamily family() {
        return address instanceof Inet4Address ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6;
    }

    @Override
    public String toString() {
        return address.getHostAddress() + "/" + length;
    }
}
