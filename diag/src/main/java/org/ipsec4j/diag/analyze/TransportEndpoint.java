package org.ipsec4j.diag.analyze;

/** An address and a UDP port, written as strongSwan writes them: {@code 192.0.2.1[500]}. */
public record TransportEndpoint(NetAddress address, int port) {

    @Override
    public String toString() {
        return address + "[" + port + "]";
    }
}
