package org.ipsec4j.daemon.config.setkey;

import java.net.InetAddress;
import java.util.Objects;

/** An address with an optional port, as in a tunnel request's {@code 192.0.2.1[4500]-198.51.100.2[4500]}. */
public record Endpoint(InetAddress address, Port port) {

    public Endpoint {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(port, "port");
    }

    public static Endpoint of(InetAddress address) {
        return new Endpoint(address, Port.ANY);
    }

    @Override
    public String toString() {
        String text = Addresses.format(address);
        return port.isAny() ? text : text + "[" + port.number() + "]";
    }
}
