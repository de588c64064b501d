package org.ipsec4j.linux;

import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.util.Arrays;
import java.util.Objects;

/**
 * An IP address and port, kept together with its {@code struct sockaddr_in} / {@code sockaddr_in6} encoding
 * so that sending to it needs no conversion: make one per peer and reuse it for every packet.
 */
public final class SocketEndpoint {

    private final InetAddress address;
    private final int port;
    private final byte[] sockaddr;
    private final MemorySegment sockaddrSegment;

    private SocketEndpoint(InetAddress address, int port) {
        this.address = address;
        this.port = port;
        this.sockaddr = SockAddr.encode(address, port);
        this.sockaddrSegment = MemorySegment.ofArray(sockaddr);
    }

    /**
     * @param port 0..65535 (0: any, when binding; for raw sockets the port is unused)
     */
    public static SocketEndpoint of(InetAddress address, int port) {
        Objects.requireNonNull(address, "address");
        if (port < 0 || port > 0xFFFF) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        return new SocketEndpoint(address, port);
    }

    /** From an address literal (never a DNS name): {@code of("2001:db8::1", 4500)}. */
    public static SocketEndpoint of(String addressLiteral, int port) {
        return of(InetAddress.ofLiteral(addressLiteral), port);
    }

    /** The wildcard address of a family (0.0.0.0 or ::) with a port: what a server binds to. */
    public static SocketEndpoint any(StandardProtocolFamily family, int port) {
        return of(family == StandardProtocolFamily.INET ? "0.0.0.0" : "::", port);
    }

    public static SocketEndpoint of(InetSocketAddress socketAddress) {
        return of(socketAddress.getAddress(), socketAddress.getPort());
    }

    public InetAddress address() {
        return address;
    }

    public int port() {
        return port;
    }

    public StandardProtocolFamily family() {
        return address instanceof Inet4Address ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6;
    }

    public InetSocketAddress toInetSocketAddress() {
        return new InetSocketAddress(address, port);
    }

    /** The encoded sockaddr; do not modify. */
    byte[] sockaddr() {
        return sockaddr;
    }

    /** The encoded sockaddr as a heap segment, for critical native calls. */
    MemorySegment sockaddrSegment() {
        return sockaddrSegment;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SocketEndpoint that && Arrays.equals(sockaddr, that.sockaddr);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(sockaddr);
    }

    /** {@code 192.0.2.1:4500}, {@code [2001:db8::1]:4500}. */
    @Override
    public String toString() {
        String host = address.getHostAddress();
        if (address instanceof Inet6Address) {
            return "[" + host + "]:" + port;
        }
        return host + ":" + port;
    }
}
