package org.ipsec4j.cli.firewall;

import java.net.InetAddress;
import java.util.Arrays;

/**
 * An address prefix as firewall rules write it: {@code 192.0.2.1}, {@code 192.0.2.0/24},
 * {@code 192.0.2.0/255.255.255.0} (iptables), {@code 2001:db8::/32}. Only literals: a host name is an error, so
 * nothing is ever looked up in DNS.
 */
record Prefix(byte[] address, int length) {

    Prefix {
        address = address.clone();
        if (length < 0 || length > address.length * 8) {
            throw new IllegalArgumentException("prefix length " + length + " out of range");
        }
    }

    static Prefix host(InetAddress address) {
        byte[] bytes = address.getAddress();
        return new Prefix(bytes, bytes.length * 8);
    }

    /**
     * @throws IllegalArgumentException if the text is not an address literal with an optional /length or /mask
     */
    static Prefix parse(String text) {
        int slash = text.indexOf('/');
        InetAddress address = literal(slash < 0 ? text : text.substring(0, slash));
        int bits = address.getAddress().length * 8;
        if (slash < 0) {
            return new Prefix(address.getAddress(), bits);
        }
        String length = text.substring(slash + 1);
        if (length.matches("\\d{1,3}")) {
            int n = Integer.parseInt(length);
            if (n > bits) {
                throw new IllegalArgumentException("prefix length /" + n + " is longer than the address (" + bits + " bits)");
            }
            return new Prefix(address.getAddress(), n);
        }
        return new Prefix(address.getAddress(), maskLength(literal(length)));
    }

    /** An address literal (never a host name). */
    static InetAddress literal(String text) {
        if (text.isEmpty() || !text.matches("[0-9A-Fa-f:.]+(%[\\w.-]+)?")) {
            throw new IllegalArgumentException("'" + text + "' is not an IP address");
        }
        try {
            return InetAddress.ofLiteral(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "' is not an IP address");
        }
    }

    /** The length of a contiguous netmask such as 255.255.255.0. */
    static int maskLength(InetAddress mask) {
        byte[] bytes = mask.getAddress();
        int length = 0;
        boolean ended = false;
        for (byte b : bytes) {
            for (int bit = 7; bit >= 0; bit--) {
                boolean one = (b >> bit & 1) == 1;
                if (one && ended) {
                    throw new IllegalArgumentException("netmask " + mask.getHostAddress() + " is not contiguous");
                }
                if (one) {
                    length++;
                } else {
                    ended = true;
                }
            }
        }
        return length;
    }

    Family family() {
        return address.length == 4 ? Family.IPV4 : Family.IPV6;
    }

    boolean contains(InetAddress candidate) {
        byte[] other = candidate.getAddress();
        if (other.length != address.length) {
            return false;
        }
        int full = length / 8;
        for (int i = 0; i < full; i++) {
            if (other[i] != address[i]) {
                return false;
            }
        }
        int rest = length % 8;
        if (rest == 0) {
            return true;
        }
        int mask = 0xFF << (8 - rest) & 0xFF;
        return (other[full] & mask) == (address[full] & mask);
    }

    boolean isAll() {
        return length == 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Prefix p && p.length == length && Arrays.equals(p.address, address);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(address) * 31 + length;
    }

    @Override
    public String toString() {
        try {
            String text = Addresses.text(InetAddress.getByAddress(address));
            return length == address.length * 8 ? text : text + "/" + length;
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
