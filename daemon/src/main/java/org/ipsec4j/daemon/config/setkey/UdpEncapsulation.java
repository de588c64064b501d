package org.ipsec4j.daemon.config.setkey;

import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * ESP in UDP (RFC 3948) for an SA added as {@code esp-udp}: the UDP ports of source and destination (from
 * {@code address[port]}, 4500 when not given, as setkey does) and, if the file names one after
 * {@code esp-udp}, the NAT original address (NAT-OA) used to fix transport-mode checksums.
 */
public record UdpEncapsulation(int sourcePort, int destinationPort, Optional<InetAddress> originalAddress) {

    public UdpEncapsulation {
        Objects.requireNonNull(originalAddress, "originalAddress");
        if (sourcePort < 1 || sourcePort > 65535 || destinationPort < 1 || destinationPort > 65535) {
            throw new IllegalArgumentException("UDP ports outside 1..65535: " + sourcePort + " "
                    + destinationPort);
        }
    }

    public static UdpEncapsulation natTraversal() {
        return new UdpEncapsulation(Port.NAT_T, Port.NAT_T, Optional.empty());
    }
}
