package org.ipsec4j.daemon.ike;

import java.io.IOException;

import org.ipsec4j.ike.sa.IkeDatagram;

/** Sends what the IKE engine produced (adding the non-ESP marker where the datagram needs one). */
@FunctionalInterface
public interface IkeTransport {

    void send(IkeDatagram datagram) throws IOException;
}
