package org.ipsec4j.cli.firewall;

import java.net.InetAddress;

/**
 * A connection as conntrack keys it: protocol and the two endpoints (ports for UDP, none for ESP and AH,
 * which the generic tracker follows by addresses only), in the direction of the packet that names it.
 */
public record FlowKey(int protocol, InetAddress source, int sourcePort, InetAddress destination, int destinationPort) {

    public FlowKey reversed() {
        return new FlowKey(protocol, destination, destinationPort, source, sourcePort);
    }

    static FlowKey of(Packet p) {
        boolean ports = p.protocol() == Protocols.UDP || p.protocol() == Protocols.TCP;
        return new FlowKey(p.protocol(), p.source(), ports ? p.sourcePort() : -1, p.destination(),
                ports ? p.destinationPort() : -1);
    }
}
