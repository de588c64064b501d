package org.ipsec4j.wire.pcap;

import java.util.Optional;

/**
 * The link-layer header types ipsec4j reads and writes, with their numbers from the tcpdump.org
 * LINKTYPE_ registry (the same numbers go into the pcap file header and the pcapng Interface Description
 * Block).
 */
public enum LinkType {
    /** IEEE 802.3 Ethernet, possibly with 802.1Q / 802.1ad VLAN tags. */
    ETHERNET(1),
    /** Raw IP: the packet starts with an IPv4 or IPv6 header; the version nibble tells which. */
    RAW(101),
    /** Linux "cooked" capture v1 (tcpdump -i any before libpcap 1.10): 16-byte pseudo-header. */
    LINUX_SLL(113),
    /** Raw IPv4 only. */
    IPV4(228),
    /** Raw IPv6 only. */
    IPV6(229),
    /**
     * Linux netfilter NFLOG (iptables -j NFLOG). The TLV length and type fields are in the byte order of the
     * file; {@link CaptureReader} hands them out little-endian whatever the file's order, as libpcap does for
     * a little-endian host, and {@link CaptureWriter} writes little-endian files, so the bytes stay
     * consistent on a round trip.
     */
    NFLOG(239),
    /** Linux "cooked" capture v2 (tcpdump -i any since libpcap 1.10): 20-byte pseudo-header with ifindex. */
    LINUX_SLL2(276);

    private final int code;

    LinkType(int code) {
        this.code = code;
    }

    /** The LINKTYPE_ number. */
    public int code() {
        return code;
    }

    /** The link type with that LINKTYPE_ number, if ipsec4j supports it. */
    public static Optional<LinkType> lookup(int code) {
        for (LinkType type : values()) {
            if (type.code == code) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }

    /**
     * The link type with that LINKTYPE_ number.
     *
     * @throws IllegalArgumentException naming the number if ipsec4j does not support it
     */
    public static LinkType fromCode(int code) {
        return lookup(code).orElseThrow(() -> new IllegalArgumentException(unsupportedMessage(code)));
    }

    static String unsupportedMessage(int code) {
        return "unsupported link type " + code + " (supported: ETHERNET(1), RAW(101), LINUX_SLL(113), IPV4(228),"
                + " IPV6(229), NFLOG(239), LINUX_SLL2(276))";
    }
}
