package org.ipsec4j.daemon.ike;

import java.io.IOException;
import java.net.InetAddress;
import java.net.StandardProtocolFamily;
import java.net.Inet4Address;

import org.ipsec4j.linux.SocketEndpoint;
import org.ipsec4j.linux.UdpSocket;

/**
 * Which local address this host would send from to a peer: what a connection with {@code local_addrs = %any}
 * initiates from (strongSwan asks the kernel the same way).
 */
@FunctionalInterface
public interface SourceAddressResolver {

    /** The source address towards {@code remote}, or null if there is no route to it. */
    InetAddress sourceFor(InetAddress remote);

    /** Never knows: such connections can only respond. */
    SourceAddressResolver NONE = remote -> null;

    /**
     * The kernel's choice for a UDP socket carrying {@code mark} (the daemon's IKE sockets do, so the answer
     * comes from the main routing table, not the tunnel's): connect(2) a socket and read its address.
     */
    static SourceAddressResolver kernel(int mark) {
        return remote -> {
            StandardProtocolFamily family = remote instanceof Inet4Address ? StandardProtocolFamily.INET
                    : StandardProtocolFamily.INET6;
            try (UdpSocket socket = UdpSocket.open(family)) {
                socket.setMark(mark);
                socket.connect(SocketEndpoint.of(remote, 500));
                InetAddress local = socket.localEndpoint().address();
                return local.isAnyLocalAddress() ? null : local;
            } catch (IOException e) {
                return null; // no route (ENETUNREACH) or no such family here
            }
        };
    }
}
