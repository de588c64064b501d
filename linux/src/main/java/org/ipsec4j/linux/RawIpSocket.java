package org.ipsec4j.linux;

import static org.ipsec4j.linux.LinuxConstants.SOCK_RAW;
import static org.ipsec4j.linux.LinuxConstants.SOL_IP;

import java.io.IOException;
import java.net.StandardProtocolFamily;

/**
 * A raw IP socket for one protocol (raw(7)): ESP ({@link #ESP}, 50) or AH ({@link #AH}, 51) without UDP
 * encapsulation. Needs CAP_NET_RAW.
 *
 * <ul>
 * <li>IPv4: a received datagram <em>includes</em> its IPv4 header. Sent data is the payload and the kernel adds
 * the header, unless {@link #setHeaderIncluded} is on: then we send whole packets (the kernel still fills in
 * the header checksum, the total length, and a zero identification).</li>
 * <li>IPv6: a received datagram is the payload only; its source is the batch's {@link DatagramBatch#source},
 * its destination {@link DatagramBatch#localAddress} (with {@link #setReceivePacketInfo}). Sent data is the
 * payload too, unless {@link #setHeaderIncluded} is on (IPV6_HDRINCL, Linux 4.5+).</li>
 * </ul>
 * Every raw socket of the protocol in the namespace sees every packet of that protocol; {@link #bind} narrows it
 * to one local address.
 */
public final class RawIpSocket extends InetDatagramSocket {

    /** IP protocol number of ESP (RFC 4303). */
    public static final int ESP = 50;
    /** IP protocol number of AH (RFC 4302). */
    public static final int AH = 51;

    private final int protocol;

    private RawIpSocket(NativeDescriptor descriptor, StandardProtocolFamily family, int protocol) {
        super(descriptor, family);
        this.protocol = protocol;
    }

    /** A raw socket for {@code protocol} in the calling thread's network namespace. */
    public static RawIpSocket open(StandardProtocolFamily family, int protocol) throws IOException {
        if (protocol <= 0 || protocol > 255) {
            throw new IllegalArgumentException("IP protocol must be within 1..255: " + protocol);
        }
        String description = (family == StandardProtocolFamily.INET ? "raw IPv4" : "raw IPv6") + " protocol "
                + protocol;
        return new RawIpSocket(openSocket(family, SOCK_RAW, protocol, description), family, protocol);
    }

    public int protocol() {
        return protocol;
    }

    /**
     * IP_HDRINCL / IPV6_HDRINCL: sends carry their own IP header (IPv4: the kernel still fills in the header
     * checksum, the total length and a zero identification; IPv6: sent as it is). Receiving is unchanged.
     *
     * @throws ErrnoException ENOPROTOOPT for IPv6 before Linux 4.5, which lacks IPV6_HDRINCL
     */
    public void setHeaderIncluded(boolean on) throws IOException {
        if (family() == StandardProtocolFamily.INET) {
            setIntOption(SOL_IP, LinuxConstants.IP_HDRINCL, on ? 1 : 0, "IP_HDRINCL");
        } else {
            setIntOption(LinuxConstants.SOL_IPV6, LinuxConstants.IPV6_HDRINCL, on ? 1 : 0, "IPV6_HDRINCL");
        }
    }
}
