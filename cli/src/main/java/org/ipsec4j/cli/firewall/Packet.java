package org.ipsec4j.cli.firewall;

import java.net.InetAddress;

/**
 * The header fields of one packet as a firewall sees it.
 *
 * @param protocol the transport protocol (IPv6: after the extension headers, as {@code -p} and nft's
 *        {@code meta l4proto} find it, also in a later fragment)
 * @param nextHeader IPv6: the fixed header's next-header field (44 for a fragment); IPv4: the protocol field
 * @param sourcePort -1 when there is none (not UDP, or a later fragment)
 * @param icmpType -1 when not ICMP / ICMPv6 (or a later fragment)
 * @param inInterface the interface it arrives on, null when the firewall host sends it
 * @param outInterface the interface it leaves on, null when it is for the firewall host
 * @param state the conntrack state, null when the ruleset does not use connection tracking
 * @param fragmentId the identification of a fragment (ip6tables {@code -m frag --fragid}), else 0
 */
public record Packet(Family family, InetAddress source, InetAddress destination, int protocol, int nextHeader,
        Fragment fragment, int sourcePort, int destinationPort, int icmpType, int icmpCode, int hopLimit,
        String inInterface, String outInterface, ConnState state, long fragmentId) {

    public boolean hasTransportHeader() {
        return fragment != Fragment.LATER;
    }

    public Packet withState(ConnState newState) {
        return new Packet(family, source, destination, protocol, nextHeader, fragment, sourcePort, destinationPort,
                icmpType, icmpCode, hopLimit, inInterface, outInterface, newState, fragmentId);
    }

    /** The whole datagram this fragment belongs to, as conntrack's reassembly hands it on. */
    public Packet reassembled(int wholeSourcePort, int wholeDestinationPort) {
        return new Packet(family, source, destination, protocol, protocol, Fragment.NONE, wholeSourcePort,
                wholeDestinationPort, icmpType, icmpCode, hopLimit, inInterface, outInterface, state, 0);
    }

    /** {@code udp 192.0.2.1:500 > 192.0.2.2:500}, {@code esp 192.0.2.1 > 192.0.2.2}, ... */
    public String headerText() {
        String proto = Protocols.name(protocol);
        StringBuilder out = new StringBuilder(proto.equals("ipv6-icmp") ? "icmpv6" : proto).append(' ');
        out.append(Addresses.text(source));
        if (sourcePort >= 0) {
            out.append(family == Family.IPV6 ? "." : ":").append(sourcePort);
        }
        out.append(" > ").append(Addresses.text(destination));
        if (destinationPort >= 0) {
            out.append(family == Family.IPV6 ? "." : ":").append(destinationPort);
        }
        if (icmpType >= 0) {
            out.append(" type ").append(icmpType).append(" code ").append(icmpCode);
        }
        switch (fragment) {
            case FIRST -> out.append(", fragment offset 0, more fragments");
            case LATER -> out.append(", fragment offset 1232, no UDP header");
            default -> { }
        }
        return out.toString();
    }
}
