package org.ipsec4j.cli.firewall;

/**
 * One packet the tunnel needs, in one scenario, and how much it matters.
 *
 * @param id stable identifier, e.g. {@code local-starts.ike-auth-request.later-fragment}
 * @param scenario the scenario's id: {@code local-starts}, {@code peer-starts}, {@code after-idle}, {@code nd}
 * @param what the packet in words
 * @param packet its headers (state filled in by the walk)
 * @param traversal how it crosses the firewall box
 * @param need how much the tunnel needs it
 * @param why why it is needed, one sentence
 * @param flow the connection it belongs to, for connection tracking; null for untracked packets
 * @param quotedFlow for an ICMP error: the connection of the packet it quotes
 * @param whole for a fragment: the whole datagram (what conntrack's reassembly hands on)
 * @param firstFragment for a later fragment: the first fragment of its datagram (what an ASA decides on)
 * @param neighbourDiscovery never tracked by conntrack
 */
public record Probe(String id, String scenario, String what, Packet packet, Traversal traversal, Need need,
        String why, FlowKey flow, FlowKey quotedFlow, Packet whole, Packet firstFragment,
        boolean neighbourDiscovery) {

    /** How much the tunnel needs a packet. */
    public enum Need {
        /** Without it the tunnel does not come up or carries nothing. */
        REQUIRED,
        /** Without it the tunnel degrades: path MTU black holes, stalls after idle spells, no SLAAC. */
        RECOMMENDED
    }

    /** Who sends it, relative to the tunnel. */
    public String direction(Tunnel tunnel) {
        if (neighbourDiscovery) {
            return packet.inInterface() != null ? "in on " + packet.inInterface() : "out on " + packet.outInterface();
        }
        String from = packet.source().equals(tunnel.local()) ? "local"
                : packet.source().equals(tunnel.peer()) ? "peer" : "router";
        String to = packet.destination().equals(tunnel.local()) ? "local"
                : packet.destination().equals(tunnel.peer()) ? "peer" : "?";
        return from + " > " + to;
    }
}
