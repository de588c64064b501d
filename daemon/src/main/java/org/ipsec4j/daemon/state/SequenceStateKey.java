package org.ipsec4j.daemon.state;

import java.util.Locale;
import java.util.Objects;

import org.ipsec4j.esp.sad.SecurityProtocol;
import org.ipsec4j.esp.selector.IpAddress;

/**
 * Which SA a state file belongs to: protocol, SPI and destination, what names an SA (RFC 4301 §4.4.2). The keys
 * are not part of the name; the file holds a keyed hash of them instead.
 */
public record SequenceStateKey(SecurityProtocol protocol, long spi, IpAddress destination) {

    public SequenceStateKey {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(destination, "destination");
        if (spi < 0 || spi > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("SPI " + spi + " outside 32 bits");
        }
    }

    /** {@code esp-0x00001001-192.0.2.2.seq}; IPv6 addresses keep their colons (Linux file names allow them). */
    public String fileName() {
        return protocolName() + "-" + spiText() + "-" + destination + ".seq";
    }

    String protocolName() {
        return protocol.name().toLowerCase(Locale.ROOT);
    }

    String spiText() {
        return String.format("0x%08x", spi);
    }

    @Override
    public String toString() {
        return protocolName() + " SPI " + spiText() + " to " + destination;
    }
}
