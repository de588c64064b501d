package org.ipsec4j.ike.sa;

import java.util.Objects;

import org.ipsec4j.esp.selector.IpFamily;

/**
 * One IKE message on the wire, as the engine sees it: the IKE bytes only. The I/O layer adds the four-byte
 * non-ESP marker when either port is not 500 (RFC 3948 §2.2, RFC 7296 §2.23) and strips it on receipt.
 *
 * @param dontFragment a path MTU probe: send it with DF set (IPv4) and never fragment it locally, as one IP
 *                     packet of {@link #ipLength()} bytes or not at all (RFC 8899 §3: probes must not be
 *                     fragmented)
 */
public record IkeDatagram(Endpoint local, Endpoint remote, byte[] data, boolean dontFragment) {

    public IkeDatagram {
        Objects.requireNonNull(local, "local");
        Objects.requireNonNull(remote, "remote");
        Objects.requireNonNull(data, "data");
    }

    /** An ordinary IKE message: the kernel may fragment it as for any UDP datagram. */
    public IkeDatagram(Endpoint local, Endpoint remote, byte[] data) {
        this(local, remote, data, false);
    }

    /** Whether this datagram uses our NAT-traversal socket (any port but 500) and so carries the non-ESP marker. */
    public boolean needsNonEspMarker() {
        return local.port() != 500;
    }

    /** The size of the IP packet that carries it: IP header, UDP header, non-ESP marker if any, the message. */
    public int ipLength() {
        return ipLength(remote.address().family(), needsNonEspMarker(), data.length);
    }

    /** The IP packet size of an IKE message of {@code messageLength} bytes. */
    static int ipLength(IpFamily family, boolean marker, int messageLength) {
        return (family == IpFamily.IPV4 ? 20 : 40) + 8 + (marker ? 4 : 0) + messageLength;
    }

    @Override
    public String toString() {
        return local + " <-> " + remote + " (" + data.length + " bytes" + (dontFragment ? ", DF" : "") + ")";
    }
}
