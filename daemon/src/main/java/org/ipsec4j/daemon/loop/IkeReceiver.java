package org.ipsec4j.daemon.loop;

import java.net.InetAddress;

import org.ipsec4j.linux.SocketEndpoint;

/** Where IKE messages that arrive on the NAT-traversal socket go (RFC 3948 §2.2: non-ESP marker removed). */
@FunctionalInterface
public interface IkeReceiver {

    /**
     * @param source    the peer's address and port
     * @param local     our address it was sent to, or null if the socket could not tell
     * @param localPort our port
     * @param message   the IKE message, a copy the receiver may keep
     */
    void receive(SocketEndpoint source, InetAddress local, int localPort, byte[] message);
}
