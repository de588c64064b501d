package org.ipsec4j.wire.pcap;

/**
 * Where the network-layer packet lies inside a captured frame, as found by {@link LinkLayer}.
 *
 * <p>{@code length} runs to the end of the captured bytes, so it can include Ethernet padding or an FCS;
 * the IP header's own length field says where the packet really ends.
 *
 * @param offset     index of the first network-layer byte in the frame's array
 * @param length     number of bytes from {@code offset} to the end of the captured frame
 * @param protocol   IPv4, IPv6 or something else
 * @param etherType  the EtherType that announced the payload (after any VLAN tags), or the one implied by
 *                   the link type (RAW, IPV4, IPV6, NFLOG); -1 when the link layer does not use an EtherType
 *                   for it (802.3 length field, SLL netlink/radiotap frames, a raw packet of unknown version)
 * @param ifIndex    the Linux interface index from a LINUX_SLL2 header (tcpdump -i any), or -1
 * @param packetType the Linux packet type from a LINUX_SLL or LINUX_SLL2 header (0 to us, 1 broadcast,
 *                   2 multicast, 3 to someone else, 4 sent by us), or -1
 */
public record NetworkPayload(int offset, int length, NetworkProtocol protocol, int etherType, int ifIndex, int packetType) {

    public static final int ETHERTYPE_IPV4 = 0x0800;
    public static final int ETHERTYPE_IPV6 = 0x86DD;

    /** Linux PACKET_OUTGOING: the capturing host sent this packet. */
    public static final int PACKET_OUTGOING = 4;

    /** True if a Linux cooked header says the capturing host sent this packet. */
    public boolean outgoing() {
        return packetType == PACKET_OUTGOING;
    }

    /** The index just past the last captured byte of the payload. */
    public int end() {
        return offset + length;
    }
}
