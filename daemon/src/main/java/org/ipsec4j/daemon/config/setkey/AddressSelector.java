package org.ipsec4j.daemon.config.setkey;

import java.net.InetAddress;
import java.util.Objects;

/**
 * One side of an SPD selector, {@code address[/prefixlen][[port]]}. Without a prefix length setkey means the
 * single host, so {@link #prefixLength()} is then 32 or 128. Host bits beyond the prefix are kept as written.
 */
public record AddressSelector(InetAddress address, int prefixLength, Port port) {

    public AddressSelector {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(port, "port");
        int max = Addresses.bits(address);
        if (prefixLength < 0 || prefixLength > max) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " outside 0.." + max);
        }
    }

    /** The whole host, any port. */
    public static AddressSelector host(InetAddress address) {
        return new AddressSelector(address, Addresses.bits(address), Port.ANY);
    }

    @Override
    public String toString() {
        return Addresses.format(address) + "/" + prefixLength + "[" + port + "]";
    }
}
