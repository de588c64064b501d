package org.ipsec4j.wire.frag;

import org.ipsec4j.wire.IpProtocol;

/** How much of an upper-layer header a first IPv6 fragment must carry (RFC 7112 §5). */
final class UpperLayerHeaders {

    private UpperLayerHeaders() {}

    /**
     * The fixed part of the upper-layer header that filters look at: ports and flags for TCP (RFC 9293 §3.1),
     * UDP (RFC 768), SCTP's common header (RFC 9260 §3.1), type/code/checksum for ICMPv6 (RFC 4443 §2.1), SPI and
     * sequence number for ESP (RFC 4303 §2). Unknown protocols and No Next Header need nothing beyond the chain.
     */
    static int minimumLength(int protocol) {
        return switch (protocol) {
            case IpProtocol.TCP -> 20;
            case IpProtocol.UDP, IpProtocol.ESP -> 8;
            case 132 -> 12; // SCTP
            case IpProtocol.ICMPV6 -> 4;
            default -> 0;
        };
    }
}
