package org.ipsec4j.diag.analyze;

/**
 * Where in the network a packet was captured: a pcapng interface, the Linux interface index of a
 * {@code tcpdump -i any} capture (cooked v2), and for cooked captures whether the capturing host sent the
 * packet. The same packet seen at two points (both sides of a router, or leaving and entering a host that
 * forwards it) is two sightings, not a retransmission or a replay.
 *
 * @param index         dense number in order of first appearance, used as an array index
 * @param interfaceId   the pcapng interface id (0 for classic pcap)
 * @param interfaceName its if_name, or ""
 * @param ifIndex       the Linux ifindex from a cooked v2 header, or -1
 * @param outgoing      a Linux cooked header says the capturing host sent the packet
 */
public record ObservationPoint(int index, int interfaceId, String interfaceName, int ifIndex, boolean outgoing) {

    /** A short name: the interface name (or {@code if N}), then {@code ifindex N} and {@code out} when known. */
    public String name() {
        StringBuilder sb = new StringBuilder();
        sb.append(interfaceName.isEmpty() ? "if " + interfaceId : interfaceName);
        if (ifIndex >= 0) {
            sb.append(" ifindex ").append(ifIndex);
        }
        if (outgoing) {
            sb.append(" out");
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return name();
    }
}
