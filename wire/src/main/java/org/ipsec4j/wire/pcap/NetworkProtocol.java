package org.ipsec4j.wire.pcap;

/** What a link layer says its payload is, as far as ipsec4j cares. */
public enum NetworkProtocol {
    IPV4,
    IPV6,
    /** ARP, LLC, MPLS, an unknown raw IP version, ...: not something ipsec4j parses. */
    OTHER
}
