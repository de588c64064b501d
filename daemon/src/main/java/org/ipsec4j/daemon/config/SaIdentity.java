package org.ipsec4j.daemon.config;

import java.net.InetAddress;

import org.ipsec4j.daemon.config.setkey.SecurityProtocol;
import org.ipsec4j.esp.selector.IpAddress;

/** What names an SA in setkey's {@code add} and {@code delete}: destination, protocol and SPI (RFC 4301 §4.4.2). */
record SaIdentity(InetAddress destination, SecurityProtocol protocol, long spi) {

    @Override
    public String toString() {
        return protocol.setkeyName() + " SPI 0x" + Long.toHexString(spi) + " to " + IpAddress.of(destination);
    }
}
