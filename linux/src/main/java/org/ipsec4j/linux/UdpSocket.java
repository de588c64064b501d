package org.ipsec4j.linux;

import static org.ipsec4j.linux.LinuxConstants.SOCK_DGRAM;
import static org.ipsec4j.linux.LinuxConstants.SOL_UDP;

import java.io.IOException;
import java.net.StandardProtocolFamily;

/**
 * A UDP socket (udp(7)) for IKE (port 500) and ESP-in-UDP (port 4500, RFC 3948), with batched I/O and UDP
 * segmentation offload: send many equal-size datagrams with one call
 * ({@link DatagramBatch#addSegments}, {@link DatagramBatch#addCoalescing}, {@link #setSegmentSize}) and receive
 * coalesced runs ({@link #setGenericReceiveOffload}).
 */
public final class UdpSocket extends InetDatagramSocket {

    private static final int IPPROTO_UDP = 17;

    private UdpSocket(NativeDescriptor descriptor, StandardProtocolFamily family) {
        super(descriptor, family);
    }

    /** An unbound UDP socket of the family (IPv6: IPv6 only), in the calling thread's network namespace. */
    public static UdpSocket open(StandardProtocolFamily family) throws IOException {
        String description = family == StandardProtocolFamily.INET ? "UDP" : "UDPv6";
        return new UdpSocket(openSocket(family, SOCK_DGRAM, IPPROTO_UDP, description), family);
    }

    /** A UDP socket bound to {@code local}; closed again if binding fails. */
    public static UdpSocket openBound(SocketEndpoint local) throws IOException {
        UdpSocket socket = open(local.family());
        try {
            socket.bind(local);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
        return socket;
    }

    /**
     * UDP_SEGMENT as a socket option: every send longer than {@code segmentSize} is cut into datagrams of that
     * size (0 turns it off). Per-slot sizes in a {@link DatagramBatch} override it.
     */
    public void setSegmentSize(int segmentSize) throws IOException {
        setIntOption(SOL_UDP, LinuxConstants.UDP_SEGMENT, segmentSize, "UDP_SEGMENT");
    }

    /**
     * UDP_GRO: let the kernel hand over runs of datagrams from one flow coalesced into one receive, with their
     * size in {@link DatagramBatch#segmentSize}. The batch's buffers must then hold 64 KB, or runs get cut.
     */
    public void setGenericReceiveOffload(boolean on) throws IOException {
        setIntOption(SOL_UDP, LinuxConstants.UDP_GRO, on ? 1 : 0, "UDP_GRO");
    }
}
