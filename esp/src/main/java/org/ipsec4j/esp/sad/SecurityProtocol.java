package org.ipsec4j.esp.sad;

import org.ipsec4j.wire.IpProtocol;

/** The two IPsec security protocols, with their IP protocol numbers. */
public enum SecurityProtocol {
    /** Encapsulating Security Payload, RFC 4303. */
    ESP(IpProtocol.ESP),
    /** Authentication Header, RFC 4302. */
    AH(IpProtocol.AH);

    private final int ipProtocol;

    SecurityProtocol(int ipProtocol) {
        this.ipProtocol = ipProtocol;
    }

    /** 50 or 51. */
    public int ipProtocol() {
        return ipProtocol;
    }

    /** The protocol for an IP protocol number, or null. */
    public static SecurityProtocol ofIpProtocol(int protocol) {
        return switch (protocol) {
            case IpProtocol.ESP -> ESP;
            case IpProtocol.AH -> AH;
            default -> null;
        };
    }
}
