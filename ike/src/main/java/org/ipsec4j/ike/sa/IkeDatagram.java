package org.ipsec4j.ike.sa;

import java.util.Objects;

/**
 * One IKE message on the wire, as the engine sees it: the IKE bytes only. The I/O layer adds the four-byte
 * non-ESP marker when either port is not 500 (RFC 3948 §2.2, RFC 7296 §2.23) and strips it on receipt.
 */
public record IkeDatagram(Endpoint local, Endpoint remote, byte[] data) {

    public IkeDatagram {
        Objects.requireNonNull(local, "local");
        Objects.requireNonNull(remote, "remote");
        Objects.requireNonNull(data, "data");
    }

    /** Whether this datagram uses our NAT-traversal socket (any port but 500) and so carries the non-ESP marker. */
    public boolean needsNonEspMarker() {
        return local.port() != 500;
    }

    @Override
    public String toString() {
        return local + " <-> " + remote + " (" + data.length + " bytes)";
    }
}
