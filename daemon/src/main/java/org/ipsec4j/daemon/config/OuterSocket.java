package org.ipsec4j.daemon.config;

import org.ipsec4j.esp.sad.SecurityProtocol;
import org.ipsec4j.esp.sad.UdpEncapsulation;
import org.ipsec4j.esp.selector.IpFamily;

/**
 * A socket the data plane needs for the configured SAs: UDP on a local port for ESP in UDP (RFC 3948), or a
 * raw socket for IP protocol 50 (ESP, RFC 4303) or 51 (AH, RFC 4302).
 *
 * @param udpPort the local UDP port; 0 for the raw sockets
 */
public record OuterSocket(IpFamily family, Kind kind, int udpPort) {

    /** What the socket carries. */
    public enum Kind {
        ESP_IN_UDP,
        RAW_ESP,
        RAW_AH
    }

    public OuterSocket {
        if ((kind == Kind.ESP_IN_UDP) != (udpPort != 0)) {
            throw new IllegalArgumentException(kind + " with UDP port " + udpPort);
        }
    }

    public static OuterSocket udp(IpFamily family, int port) {
        return new OuterSocket(family, Kind.ESP_IN_UDP, port);
    }

    public static OuterSocket rawEsp(IpFamily family) {
        return new OuterSocket(family, Kind.RAW_ESP, 0);
    }

    public static OuterSocket rawAh(IpFamily family) {
        return new OuterSocket(family, Kind.RAW_AH, 0);
    }

    /** The socket an SA with these properties sends and receives on. */
    public static OuterSocket of(IpFamily family, SecurityProtocol protocol, UdpEncapsulation udp) {
        if (protocol == SecurityProtocol.AH) {
            return rawAh(family);
        }
        return udp != null ? udp(family, udp.localPort()) : rawEsp(family);
    }

    public boolean isUdp() {
        return kind == Kind.ESP_IN_UDP;
    }

    /** The IP protocol a raw socket is opened for: 50 or 51; 17 for UDP. */
    public int ipProtocol() {
        return switch (kind) {
            case ESP_IN_UDP -> 17;
            case RAW_ESP -> 50;
            case RAW_AH -> 51;
        };
    }

    @Override
    public String toString() {
        String f = family == IpFamily.IPV4 ? "IPv4" : "IPv6";
        return switch (kind) {
            case ESP_IN_UDP -> "UDP port " + udpPort + " (" + f + ")";
            case RAW_ESP -> "raw ESP (" + f + ")";
            case RAW_AH -> "raw AH (" + f + ")";
        };
    }
}
