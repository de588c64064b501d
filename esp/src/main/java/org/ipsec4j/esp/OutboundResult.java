package org.ipsec4j.esp;

import org.ipsec4j.esp.sad.SecurityAssociation;
import org.ipsec4j.esp.selector.IpAddress;
import org.ipsec4j.esp.spd.SecurityPolicy;
import org.ipsec4j.esp.stats.DropReason;

/**
 * What to do with a packet after outbound processing. One instance is reused packet after packet; its
 * fields are valid until the next call that fills it.
 *
 * <ul>
 *   <li>{@link Action#SEND}: an IPsec packet to send. {@link #packetOffset()}/{@link #packetLength()} span
 *       the whole outer IP packet (for an IPv4 raw socket with IP_HDRINCL, or a packet socket);
 *       {@link #payloadOffset()}/{@link #payloadLength()} span what an ordinary socket sends: the UDP payload
 *       (the ESP packet) for ESP in UDP, or the ESP/AH packet for an IPv6 raw socket. Send it to
 *       {@link #destination()} port {@link #destinationPort()} (0 for raw).</li>
 *   <li>{@link Action#BYPASS}: send the packet unchanged, in the clear (packet offset and length are the
 *       inner packet's).</li>
 *   <li>{@link Action#REPLY}: the inner packet did not fit the SA's path MTU and was dropped
 *       ({@link #dropReason()} says so, already counted); in its place {@link #packetOffset()}/{@link
 *       #packetLength()} span an ICMP "fragmentation needed" or ICMPv6 "packet too big" for its sender,
 *       carrying {@link #icmpMtu()}: write it into the TUN device.</li>
 *   <li>{@link Action#DROP}: dropped for {@link #dropReason()}, already counted.</li>
 * </ul>
 *
 * <p>A SEND with {@link #moreFragments()} is the first of several fragments of one inner packet (fragmented
 * before encryption because it did not fit the path): send it, then call {@link DataPlane#nextFragment} for
 * each of the others.
 */
public final class OutboundResult {

    public enum Action {
        SEND,
        BYPASS,
        REPLY,
        DROP
    }

    Action action;
    DropReason dropReason;
    byte[] buffer;
    int packetOffset;
    int packetLength;
    int payloadOffset;
    int payloadLength;
    boolean udpEncapsulated;
    int ipProtocol;
    IpAddress source;
    IpAddress destination;
    int sourcePort;
    int destinationPort;
    int trafficClass;
    SecurityAssociation sa;
    SecurityPolicy policy;
    boolean dontFragment;
    boolean moreFragments;
    int icmpMtu;

    void reset(byte[] buf) {
        action = Action.DROP;
        dropReason = null;
        buffer = buf;
        packetOffset = 0;
        packetLength = 0;
        payloadOffset = 0;
        payloadLength = 0;
        udpEncapsulated = false;
        ipProtocol = 0;
        source = null;
        destination = null;
        sourcePort = 0;
        destinationPort = 0;
        trafficClass = -1;
        sa = null;
        policy = null;
        dontFragment = false;
        moreFragments = false;
        icmpMtu = 0;
    }

    public Action action() {
        return action;
    }

    /** The reason of a DROP, else null. */
    public DropReason dropReason() {
        return dropReason;
    }

    public byte[] buffer() {
        return buffer;
    }

    public int packetOffset() {
        return packetOffset;
    }

    public int packetLength() {
        return packetLength;
    }

    public int payloadOffset() {
        return payloadOffset;
    }

    public int payloadLength() {
        return payloadLength;
    }

    public boolean udpEncapsulated() {
        return udpEncapsulated;
    }

    /** The outer IP protocol: 50 (ESP), 51 (AH) or 17 (ESP in UDP). */
    public int ipProtocol() {
        return ipProtocol;
    }

    public IpAddress source() {
        return source;
    }

    public IpAddress destination() {
        return destination;
    }

    public int sourcePort() {
        return sourcePort;
    }

    public int destinationPort() {
        return destinationPort;
    }

    /**
     * The outer header's TOS (IPv4) or traffic class (IPv6) octet, DSCP and ECN as the data plane set them
     * (tunnel mode: RFC 4301 §5.1.2.1 and RFC 6040 §4.1; transport mode: the packet's own), for a socket that
     * writes the header itself (IP_TOS / IPV6_TCLASS per packet); -1 where the socket's default will do
     * (NAT keepalives).
     */
    public int trafficClass() {
        return trafficClass;
    }

    /**
     * Whether the outer IPv4 header of a SEND has Don't Fragment set (the SA's {@code DontFragmentPolicy}); a
     * socket that writes the header itself must send DF-clear packets in a way that keeps DF clear. Always
     * false for an IPv6 outer header.
     */
    public boolean dontFragment() {
        return dontFragment;
    }

    /** Whether more fragments of the same inner packet follow ({@link DataPlane#nextFragment}). */
    public boolean moreFragments() {
        return moreFragments;
    }

    /** The MTU a REPLY reports (also set on a PATH_MTU_EXCEEDED drop whose reply was suppressed), else 0. */
    public int icmpMtu() {
        return icmpMtu;
    }

    /** The SA that protected the packet (SEND), or the one involved in a drop, else null. */
    public SecurityAssociation sa() {
        return sa;
    }

    /** The policy that decided, or null (no policy, malformed packet, keepalive). */
    public SecurityPolicy policy() {
        return policy;
    }

    @Override
    public String toString() {
        return switch (action) {
            case SEND -> "SEND " + packetLength + " bytes " + source + " -> " + destination
                    + (udpEncapsulated ? " udp " + sourcePort + "->" + destinationPort : " proto " + ipProtocol)
                    + (dontFragment ? " DF" : "") + (moreFragments ? " +more" : "");
            case BYPASS -> "BYPASS " + packetLength + " bytes";
            case REPLY -> "REPLY " + packetLength + " bytes, mtu " + icmpMtu;
            case DROP -> "DROP " + dropReason;
        };
    }
}
