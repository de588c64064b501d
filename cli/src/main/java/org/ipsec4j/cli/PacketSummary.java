package org.ipsec4j.cli;

import org.ipsec4j.diag.analyze.IcmpNames;
import org.ipsec4j.wire.Icmpv4Message;
import org.ipsec4j.wire.Icmpv6Message;
import org.ipsec4j.wire.IpProtocol;
import org.ipsec4j.wire.Ipv4Packet;
import org.ipsec4j.wire.Ipv6Packet;
import org.ipsec4j.wire.MalformedPacketException;
import org.ipsec4j.wire.TcpSegment;
import org.ipsec4j.wire.UdpDatagram;

import static org.ipsec4j.wire.BigEndian.i32;
import static org.ipsec4j.wire.BigEndian.u16;

/**
 * The text of one IP packet, tcpdump style: {@code IP 192.0.2.1 > 198.51.100.7 DF UDP 4500 > 4500 len 1
 * ipsec-nat-t: NAT-keepalive}. Fragment fields, the upper layer, and for ICMP errors the packet they quote.
 *
 * <p>Parsing is the {@code wire} views'; this class only chooses what to show. A packet the views refuse ends
 * its text with {@code [malformed: FIELD at frame offset N: REASON]} (or {@code [cut short: ...]} if the
 * capture holds only its start), after whatever was read before it. Offsets are absolute in the array
 * given, which for a capture is the captured frame.
 *
 * <p>Views are reused from packet to packet: one instance per thread.
 */
final class PacketSummary {

    private final Ipv4Packet ipv4 = new Ipv4Packet();
    private final Ipv6Packet ipv6 = new Ipv6Packet();
    private final UdpDatagram udp = new UdpDatagram();
    private final TcpSegment tcp = new TcpSegment();
    private final Icmpv4Message icmpv4 = new Icmpv4Message();
    private final Icmpv6Message icmpv6 = new Icmpv6Message();
    /** Summarises the packet an ICMP error quotes, with views of its own; null inside a quote. */
    private final PacketSummary quote;

    private boolean fragment;
    private boolean icmpError;
    private boolean malformed;

    PacketSummary() {
        this(true);
    }

    private PacketSummary(boolean topLevel) {
        this.quote = topLevel ? new PacketSummary(false) : null;
    }

    /** Whether the last packet summarised is an IP fragment (not an RFC 6946 atomic fragment). */
    boolean wasFragment() {
        return fragment;
    }

    /** Whether the last packet summarised is an ICMP or ICMPv6 error message. */
    boolean wasIcmpError() {
        return icmpError;
    }

    /** Whether the last packet summarised, or the packet it quotes, could not be parsed to the end. */
    boolean wasMalformed() {
        return malformed;
    }

    /**
     * Appends the text of the IPv4 packet at {@code buf[off, off+len)}.
     *
     * @param cut the bytes may end before the packet does (an ICMP quote, a capture's snapshot length): the
     *            lengths in the headers are shown as sent, and the fields present are decoded
     */
    void appendIpv4(StringBuilder sb, byte[] buf, int off, int len, boolean cut) {
        reset();
        try {
            ipv4(sb, buf, off, len, cut);
        } catch (MalformedPacketException e) {
            appendMalformed(sb, e, cut);
        }
    }

    /** Like {@link #appendIpv4} for IPv6. */
    void appendIpv6(StringBuilder sb, byte[] buf, int off, int len, boolean cut) {
        reset();
        try {
            ipv6(sb, buf, off, len, cut);
        } catch (MalformedPacketException e) {
            appendMalformed(sb, e, cut);
        }
    }

    private void reset() {
        fragment = false;
        icmpError = false;
        malformed = false;
    }

    private void appendMalformed(StringBuilder sb, MalformedPacketException e, boolean cut) {
        // A packet the capture cut at its snapshot length most likely fails for want of bytes, not because
        // it was malformed on the wire. Inside an ICMP quote, RFC 792 and RFC 4443 promise enough bytes.
        boolean cutBySnapshot = cut && quote != null;
        malformed = !cutBySnapshot;
        sb.append(cutBySnapshot ? " [cut short: " : " [malformed: ").append(e.field())
                .append(" at frame offset ").append(e.offset()).append(": ").append(e.reason()).append(']');
    }

    // ---- IP ----

    private void ipv4(StringBuilder sb, byte[] buf, int off, int len, boolean cut) {
        sb.append("IP");
        Ipv4Packet ip = cut ? ipv4.wrapQuoted(buf, off, len) : ipv4.wrap(buf, off, len);
        sb.append(' ').append(Ipv4Packet.formatAddress(ip.sourceAddress()))
                .append(" > ").append(Ipv4Packet.formatAddress(ip.destinationAddress()));
        if (!ip.headerChecksumValid()) {
            sb.append(" [bad header checksum ").append(hex16(ip.headerChecksum()))
                    .append(", should be ").append(hex16(ip.computeHeaderChecksum())).append(']');
        }
        if (ip.dontFragment()) {
            sb.append(" DF");
        }
        int protocol = ip.protocol();
        int wireLength = ip.totalLength() - ip.headerLength();
        if (ip.isFragment()) {
            fragment = true;
            appendFragment(sb, hex16(ip.identification()), ip.fragmentOffset(), wireLength, ip.moreFragments());
            if (ip.fragmentOffset() != 0) {
                sb.append(", non-initial fragment of ").append(protocolName(protocol));
                return;
            }
            sb.append(',');
            wireLength = -1; // the upper layer continues in later fragments
        }
        sb.append(' ');
        transport(sb, protocol, buf, ip.payloadOffset(), ip.payloadLength(), wireLength);
    }

    private void ipv6(StringBuilder sb, byte[] buf, int off, int len, boolean cut) {
        sb.append("IP6");
        Ipv6Packet ip = cut ? ipv6.wrapQuoted(buf, off, len) : ipv6.wrap(buf, off, len);
        sb.append(' ').append(Ipv6Packet.formatAddress(buf, ip.sourceOffset()))
                .append(" > ").append(Ipv6Packet.formatAddress(buf, ip.destinationOffset()));
        boolean first = true;
        if (ip.isFragment()) {
            fragment = true;
            int dataLength = ip.totalLength() - (ip.fragmentDataOffset() - ip.offset());
            appendFragment(sb, IpsecSummary.hex32(ip.fragmentIdentification()), ip.fragmentOffset(), dataLength,
                    ip.moreFragments());
            if (ip.fragmentOffset() != 0) {
                sb.append(", non-initial fragment of ").append(protocolName(ip.fragmentNextHeader()));
                return;
            }
            sb.append(',');
            first = false;
        } else if (ip.isAtomicFragment()) {
            sb.append(" atomic fragment id ").append(IpsecSummary.hex32(ip.fragmentIdentification()));
        }
        int upper = ip.upperLayerProtocol();
        if (upper < 0) {
            sb.append(" [extension headers cut short]");
            return;
        }
        int ahOffset = ahHeaderOffset(ip);
        if (ahOffset >= 0) {
            sb.append(' ');
            IpsecSummary.appendAh(sb, buf, ahOffset, ip.end() - ahOffset);
        }
        int wireLength = first ? ip.totalLength() - (ip.upperLayerOffset() - ip.offset()) : -1;
        sb.append(' ');
        transport(sb, upper, buf, ip.upperLayerOffset(), ip.upperLayerLength(), wireLength);
    }

    /** {@code frag id 0x1a2b off 1480 len 520 MF}: the same fields for IPv4 and IPv6, lengths in bytes. */
    private static void appendFragment(StringBuilder sb, String id, int offset, int dataLength, boolean more) {
        sb.append(" frag id ").append(id).append(" off ").append(offset).append(" len ").append(dataLength);
        if (more) {
            sb.append(" MF");
        }
    }

    /** The offset of the AH header in the chain the IPv6 view walked, or -1. */
    private static int ahHeaderOffset(Ipv6Packet ip) {
        if (ip.extensionHeaderCount() == 0) {
            return -1;
        }
        int[] found = {-1};
        ip.extensionHeaders((type, offset, length) -> {
            if (type == IpProtocol.AH) {
                found[0] = offset;
                return false;
            }
            return true;
        });
        return found[0];
    }

    // ---- upper layers ----

    /**
     * @param present    bytes of the upper layer in the buffer
     * @param wireLength its length as sent, or -1 when unknown (the first fragment of a datagram); more than
     *                   {@code present} when the bytes are cut short
     */
    private void transport(StringBuilder sb, int protocol, byte[] buf, int off, int present, int wireLength) {
        switch (protocol) {
            case IpProtocol.UDP -> udp(sb, buf, off, present, wireLength);
            case IpProtocol.TCP -> tcp(sb, buf, off, present, wireLength);
            case IpProtocol.ICMP -> icmpv4(sb, buf, off, present);
            case IpProtocol.ICMPV6 -> icmpv6(sb, buf, off, present);
            case IpProtocol.ESP -> IpsecSummary.appendEsp(sb, buf, off, present, wireLength);
            case IpProtocol.AH -> {
                // Over IPv4 AH is the upper layer; over IPv6 the chain walk has stepped over it already.
                int ahLength = IpsecSummary.appendAh(sb, buf, off, present);
                if (ahLength > 0) {
                    sb.append(' ');
                    transport(sb, buf[off] & 0xFF, buf, off + ahLength, present - ahLength,
                            wireLength < 0 ? -1 : wireLength - ahLength);
                }
            }
            case IpProtocol.IPV6_NONXT -> sb.append("no next header");
            default -> {
                sb.append(protocolName(protocol));
                if (wireLength >= 0) {
                    sb.append(" len ").append(wireLength);
                }
            }
        }
    }

    private static boolean cut(int present, int wireLength) {
        return wireLength < 0 || present < wireLength;
    }

    /** {@code UDP 4500 > 4500 len 1592}, the length being the payload's, as tcpdump shows it. */
    private void udp(StringBuilder sb, byte[] buf, int off, int present, int wireLength) {
        sb.append("UDP");
        UdpDatagram u = cut(present, wireLength) ? udp.wrapQuoted(buf, off, present) : udp.wrap(buf, off, present);
        int payloadLength = u.lengthField() - UdpDatagram.HEADER_LENGTH;
        sb.append(' ').append(u.sourcePort()).append(" > ").append(u.destinationPort())
                .append(" len ").append(payloadLength);
        if (IpsecSummary.isIpsecPort(u.sourcePort(), u.destinationPort())) {
            IpsecSummary.appendUdpPayload(sb, u.sourcePort(), u.destinationPort(), buf, u.payloadOffset(),
                    u.payloadLength(), payloadLength);
        }
    }

    /** {@code TCP 40000 > 443 [S.] seq 1000 ack 2001 mss 1460 len 0}; flag letters as tcpdump's. */
    private void tcp(StringBuilder sb, byte[] buf, int off, int present, int wireLength) {
        sb.append("TCP");
        if (cut(present, wireLength) && !tcpHeaderPresent(buf, off, present)) {
            // An ICMP quote of an IPv4 packet may hold only the first 8 bytes (RFC 792): ports and sequence.
            if (present >= 4) {
                sb.append(' ').append(u16(buf, off)).append(" > ").append(u16(buf, off + 2));
            }
            if (present >= 8) {
                sb.append(" seq ").append(Integer.toUnsignedString(i32(buf, off + 4)));
            }
            sb.append(" (header cut after ").append(present).append(present == 1 ? " byte)" : " bytes)");
            return;
        }
        TcpSegment t = tcp.wrap(buf, off, present);
        sb.append(' ').append(t.sourcePort()).append(" > ").append(t.destinationPort())
                .append(" [").append(tcpFlags(t.flags())).append(']')
                .append(" seq ").append(Integer.toUnsignedString(t.sequenceNumber()));
        if (t.ack()) {
            sb.append(" ack ").append(Integer.toUnsignedString(t.acknowledgmentNumber()));
        }
        if (t.mss() >= 0) {
            sb.append(" mss ").append(t.mss());
        }
        if (wireLength >= 0) {
            sb.append(" len ").append(wireLength - t.headerLength());
        }
    }

    private static boolean tcpHeaderPresent(byte[] buf, int off, int present) {
        return present >= TcpSegment.MIN_HEADER_LENGTH && ((buf[off + 12] & 0xFF) >>> 4) * 4 <= present;
    }

    /** tcpdump's letters in tcpdump's order: F S R P . (ACK) U E W, or "none". */
    static String tcpFlags(int flags) {
        StringBuilder sb = new StringBuilder(8);
        if ((flags & TcpSegment.FIN) != 0) sb.append('F');
        if ((flags & TcpSegment.SYN) != 0) sb.append('S');
        if ((flags & TcpSegment.RST) != 0) sb.append('R');
        if ((flags & TcpSegment.PSH) != 0) sb.append('P');
        if ((flags & TcpSegment.ACK) != 0) sb.append('.');
        if ((flags & TcpSegment.URG) != 0) sb.append('U');
        if ((flags & TcpSegment.ECE) != 0) sb.append('E');
        if ((flags & TcpSegment.CWR) != 0) sb.append('W');
        return sb.isEmpty() ? "none" : sb.toString();
    }

    // ---- ICMP ----

    private void icmpv4(StringBuilder sb, byte[] buf, int off, int present) {
        sb.append("ICMP");
        Icmpv4Message m = icmpv4.wrap(buf, off, present);
        sb.append(' ').append(IcmpNames.icmpv4(m));
        if (m.isEcho()) {
            sb.append(", id ").append(m.echoIdentifier()).append(", seq ").append(m.echoSequence());
        }
        if (m.isError()) {
            quoting(sb, false, buf, m.quotedPacketOffset(), m.quotedPacketLength());
        }
    }

    private void icmpv6(StringBuilder sb, byte[] buf, int off, int present) {
        sb.append("ICMP6");
        Icmpv6Message m = icmpv6.wrap(buf, off, present);
        sb.append(' ').append(IcmpNames.icmpv6(m));
        if (m.isEcho()) {
            sb.append(", id ").append(m.echoIdentifier()).append(", seq ").append(m.echoSequence());
        }
        if (m.quotedPacketOffset() >= 0) {
            quoting(sb, true, buf, m.quotedPacketOffset(), m.quotedPacketLength());
        }
        if (m.isError() && quote != null) {
            icmpError = true;
        }
    }

    /** {@code , quoting: IP6 ...}: the quoted packet, decoded as far as the quote goes; not inside a quote. */
    private void quoting(StringBuilder sb, boolean ipv6Quote, byte[] buf, int off, int len) {
        if (quote == null) {
            return; // an error quoting an error is not itself decoded further (RFC 1812 §4.3.2.7 forbids it)
        }
        icmpError = true;
        if (len == 0) {
            sb.append(", quoting nothing");
            return;
        }
        sb.append(", quoting: ");
        if (ipv6Quote) {
            quote.appendIpv6(sb, buf, off, len, true);
        } else {
            quote.appendIpv4(sb, buf, off, len, true);
        }
        malformed |= quote.wasMalformed();
    }

    // ---- helpers ----

    /** The IANA keyword, or {@code protocol 253} for numbers without one. */
    static String protocolName(int protocol) {
        String name = IpProtocol.name(protocol);
        return Character.isDigit(name.charAt(0)) ? "protocol " + name : name;
    }

    private static String hex16(int value) {
        String digits = Integer.toHexString(value);
        return "0x" + "0".repeat(4 - digits.length()) + digits;
    }
}
