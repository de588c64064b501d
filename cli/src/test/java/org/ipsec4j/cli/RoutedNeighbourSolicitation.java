package org.ipsec4j.cli;

import java.net.StandardProtocolFamily;

import org.ipsec4j.linux.RawIpSocket;
import org.ipsec4j.linux.SocketEndpoint;

/**
 * Sends one neighbour solicitation (RFC 4861 §4.3, hop limit 255) the way no kernel sends its own: through an
 * unmarked IPPROTO_RAW socket, so it is routed by destination like any packet of an application, and a tunnel route
 * covering the destination takes it into the TUN device and the SPD. Linux's own neighbour discovery leaves by
 * the interface without a routing lookup, which is why a lab test needs this to put ND before the policies.
 *
 * <p>Usage: {@code RoutedNeighbourSolicitation SOURCE DESTINATION TARGET}
 */
public final class RoutedNeighbourSolicitation {

    private RoutedNeighbourSolicitation() {
    }

    public static void main(String[] args) throws Exception {
        byte[] packet = TestPackets.neighborSolicitation(args[0], args[1], args[2], TestPackets.MAC_A);
        try (RawIpSocket socket = RawIpSocket.open(StandardProtocolFamily.INET6, 255)) {
            socket.setHeaderIncluded(true);
            socket.send(packet, 0, packet.length, SocketEndpoint.of(args[1], 0));
        }
        System.out.println("sent a neighbour solicitation for " + args[2] + " to " + args[1]);
    }
}
