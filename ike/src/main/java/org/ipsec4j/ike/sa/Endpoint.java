package org.ipsec4j.ike.sa;

import java.util.Objects;

import org.ipsec4j.esp.selector.IpAddress;

/** An address and UDP port: one end of an IKE conversation. */
public record Endpoint(IpAddress address, int port) {

    public Endpoint {
        Objects.requireNonNull(address, "address");
        if (port < 0 || port > 0xFFFF) {
            throw new IllegalArgumentException("port " + port + " outside 0..65535");
        }
    }

    public Endpoint withPort(int newPort) {
        return new Endpoint(address, newPort);
    }

    @Override
    public String toString() {
        return address.family() == org.ipsec4j.esp.selector.IpFamily.IPV6 ? "[" + address + "]:" + port : address + ":" + port;
    }
}
