package org.ipsec4j.esp;

import org.ipsec4j.esp.selector.IpAddress;
import org.ipsec4j.esp.selector.IpFamily;

/**
 * What the socket layer knows about a received datagram whose IP header it did not pass on: ESP in UDP from
 * a UDP socket, or ESP/AH from an IPv6 raw socket. Mutable and reused packet after packet; set it from
 * {@code recvmsg}'s source address, {@code IP_PKTINFO}/{@code IPV6_PKTINFO} (destination) and
 * {@code IP_RECVTOS}/{@code IPV6_RECVTCLASS} (traffic class) where available.
 */
public final class InboundMetadata {

    private IpFamily family = IpFamily.IPV4;
    private final byte[] addresses = new byte[32]; // source at 0, destination at 16
    private int sourcePort;
    private int destinationPort = 4500;
    private boolean destinationKnown;
    private int trafficClass = -1;

    /** Sets the source (the peer, as seen after any NAT) and forgets destination and traffic class. */
    public InboundMetadata source(IpFamily f, byte[] address, int offset, int port) {
        this.family = f;
        System.arraycopy(address, offset, addresses, 0, f.addressLength());
        this.sourcePort = port;
        this.destinationKnown = false;
        this.trafficClass = -1;
        return this;
    }

    public InboundMetadata source(IpAddress address, int port) {
        this.family = address.family();
        address.writeTo(addresses, 0);
        this.sourcePort = port;
        this.destinationKnown = false;
        this.trafficClass = -1;
        return this;
    }

    /** The local address and port the datagram arrived on; the family must be the source's. */
    public InboundMetadata destination(byte[] address, int offset, int port) {
        System.arraycopy(address, offset, addresses, 16, family.addressLength());
        this.destinationPort = port;
        this.destinationKnown = true;
        return this;
    }

    public InboundMetadata destination(IpAddress address, int port) {
        if (address.family() != family) {
            throw new IllegalArgumentException("destination family differs from the source's");
        }
        address.writeTo(addresses, 16);
        this.destinationPort = port;
        this.destinationKnown = true;
        return this;
    }

    /** Only the local port (no IP_PKTINFO). */
    public InboundMetadata destinationPort(int port) {
        this.destinationPort = port;
        return this;
    }

    /** The received TOS / traffic class octet (DSCP and ECN), or -1 if unknown. */
    public InboundMetadata trafficClass(int tc) {
        this.trafficClass = tc;
        return this;
    }

    public IpFamily family() {
        return family;
    }

    byte[] addresses() {
        return addresses;
    }

    public int sourcePort() {
        return sourcePort;
    }

    public int destinationPort() {
        return destinationPort;
    }

    public boolean destinationKnown() {
        return destinationKnown;
    }

    public int trafficClass() {
        return trafficClass;
    }
}
