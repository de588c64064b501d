package org.ipsec4j.daemon.config;

import org.ipsec4j.esp.selector.IpFamily;

/**
 * A socket the data plane needs for the configured SAs: UDP on a local port for ESP in UDP (RFC 3948), or a
 * raw socket for IP protocol 50 (ESP, RFC 4303).
 *
 * @param udpPort the local UDP port, or 0 for raw ESP
 */
public record OuterSocket(IpFamily family, int udpPort) {

    public static OuterSocket udp(IpFamily family, int port) {
        return new OuterSocket(family, port);
    }

    public static OuterSocket rawEsp(IpFamily family) {
        return new OuterSocket(family, 0);
    }

    public boolean isUdp() {
        return udpPort != 0;
    }

    @Override
    public String toString() {
        String f = family == IpFamily.IPV4 ? "IPv4" : "IPv6";
        return isUdp() ? "UDP port " + udpPort + " (" + f + ")" : "raw ESP (" + f + ")";
    }
}
