package org.ipsec4j.esp.selector;

/**
 * The selector values of one packet (RFC 4301 §4.4.1.1), filled in by {@link PacketClassifier} and reused
 * packet after packet. Addresses are 128-bit values in two longs (IPv4 in the low 32 bits); the protocol is
 * {@link TrafficSelector#ANY_PROTOCOL} and the ports {@link PortSelector#OPAQUE_VALUE} when not available.
 * For ICMP and ICMPv6 the local port holds {@code type<<8 | code} and the remote port is OPAQUE.
 */
public final class PacketSelector {

    private IpFamily family;
    private long localHigh;
    private long localLow;
    private long remoteHigh;
    private long remoteLow;
    private int protocol;
    private int localPort;
    private int remotePort;

    public IpFamily family() {
        return family;
    }

    public long localHigh() {
        return localHigh;
    }

    public long localLow() {
        return localLow;
    }

    public long remoteHigh() {
        return remoteHigh;
    }

    public long remoteLow() {
        return remoteLow;
    }

    public int protocol() {
        return protocol;
    }

    public int localPort() {
        return localPort;
    }

    public int remotePort() {
        return remotePort;
    }

    /** Sets every value; for tests and for callers that classify packets themselves. */
    public PacketSelector set(IpAddress local, IpAddress remote, int protocol, int localPort, int remotePort) {
        if (local.family() != remote.family()) {
            throw new IllegalArgumentException("mixed families");
        }
        setAddresses(local.family(), local.high(), local.low(), remote.high(), remote.low());
        setProtocol(protocol, localPort, remotePort);
        return this;
    }

    void setAddresses(IpFamily family, long localHigh, long localLow, long remoteHigh, long remoteLow) {
        this.family = family;
        this.localHigh = localHigh;
        this.localLow = localLow;
        this.remoteHigh = remoteHigh;
        this.remoteLow = remoteLow;
    }

    void setProtocol(int protocol, int localPort, int remotePort) {
        this.protocol = protocol;
        this.localPort = localPort;
        this.remotePort = remotePort;
    }

    public IpAddress local() {
        return new IpAddress(family, localHigh, localLow);
    }

    public IpAddress remote() {
        return new IpAddress(family, remoteHigh, remoteLow);
    }

    @Override
    public String toString() {
        return local() + "[" + port(localPort) + "] <-> " + remote() + "[" + port(remotePort) + "] proto "
                + (protocol < 0 ? "opaque" : Integer.toString(protocol));
    }

    private static String port(int p) {
        return p < 0 ? "opaque" : Integer.toString(p);
    }
}
