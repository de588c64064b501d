package org.ipsec4j.diag.analyze;

import org.ipsec4j.wire.BigEndian;
import org.ipsec4j.wire.Icmpv4Message;
import org.ipsec4j.wire.Icmpv6Message;
import org.ipsec4j.wire.IpProtocol;
import org.ipsec4j.wire.MalformedPacketException;

/**
 * Reads an ICMP or ICMPv6 error, decodes the packet it quotes (RFC 792: the IP header and at least 8 bytes;
 * RFC 4443 §2.4(c): as much as fits in 1280 bytes) and finds that packet in the capture: an ESP packet by its
 * flow's recent sequence numbers, anything else by {@link RecentPackets}.
 */
final class IcmpQuoteMatcher {

    private final PacketDissector dissector = new PacketDissector();
    private final IpHeaderFields quoted = new IpHeaderFields();
    private final Icmpv4Message icmpv4 = new Icmpv4Message();
    private final Icmpv6Message icmpv6 = new Icmpv6Message();
    private final RecentPackets recent;
    private final EspFlowTable flows;

    IcmpQuoteMatcher(RecentPackets recent, EspFlowTable flows) {
        this.recent = recent;
        this.flows = flows;
    }

    /**
     * The error carried by the ICMP message of {@code ip}, or null if it is not an error (echo, neighbour
     * discovery) or too short to quote anything.
     *
     * @throws MalformedPacketException if the ICMP header itself is malformed
     */
    IcmpError examine(IpHeaderFields ip, long packet, long time, ObservationPoint point) {
        byte[] b = ip.buffer;
        int type;
        int code;
        String description;
        int mtu = -1;
        int quoteOffset;
        int quoteLength;
        if (ip.v6) {
            Icmpv6Message m = icmpv6.wrap(b, ip.transportOffset, ip.transportPresent);
            if (!m.isError() || m.quotedPacketOffset() < 0) {
                return null;
            }
            type = m.type();
            code = m.code();
            description = IcmpNames.icmpv6(m);
            if (type == Icmpv6Message.TYPE_PACKET_TOO_BIG) {
                mtu = (int) Math.min(Integer.MAX_VALUE, m.mtu());
            }
            quoteOffset = m.quotedPacketOffset();
            quoteLength = m.quotedPacketLength();
        } else {
            Icmpv4Message m = icmpv4.wrap(b, ip.transportOffset, ip.transportPresent);
            if (!m.isError()) {
                return null;
            }
            type = m.type();
            code = m.code();
            description = IcmpNames.icmpv4(m);
            if (m.isFragmentationNeeded()) {
                mtu = m.nextHopMtu();
            }
            quoteOffset = m.quotedPacketOffset();
            quoteLength = m.quotedPacketLength();
        }
        QuotedPacket q = null;
        long quotedPacket = -1;
        if (quoteLength > 0) {
            try {
                if (ip.v6) {
                    dissector.ipv6(b, quoteOffset, quoteLength, true, quoted);
                } else {
                    dissector.ipv4(b, quoteOffset, quoteLength, true, quoted);
                }
                q = describe(quoted);
                quotedPacket = match(q, packet, mtu);
            } catch (MalformedPacketException e) {
                q = null;
            }
        }
        return new IcmpError(packet, time, point, ip.v6, ip.source(), ip.destination(), type, code, description, mtu, q,
                quotedPacket);
    }

    /** Ties the quote to a captured packet, and the error to the IKE sighting or fragment train it hit. */
    private long match(QuotedPacket q, long icmpPacket, int mtu) {
        if (q.kind() == QuotedPacket.Kind.ESP || q.kind() == QuotedPacket.Kind.ESP_IN_UDP
                || q.kind() == QuotedPacket.Kind.AH) {
            EspFlow flow = flows.bySa(q.source(), q.destination(), q.spi());
            if (flow != null) {
                if (mtu > 0) {
                    flow.mtuReported(mtu, icmpPacket);
                }
                return q.sequence() >= 0 ? flow.packetOf(q.sequence()) : -1;
            }
            return -1;
        }
        RecentPackets.Sighted s = recent.find(quoted);
        if (s == null) {
            return -1;
        }
        if (s.ike() != null) {
            s.ike().addIcmpError(icmpPacket);
        }
        if (s.train() != null) {
            s.train().addIcmpError(icmpPacket);
            if (s.train().ike() != null) {
                s.train().ike().addIcmpError(icmpPacket);
            }
        }
        return s.packet();
    }

    private QuotedPacket describe(IpHeaderFields ip) {
        byte[] b = ip.buffer;
        int off = ip.transportOffset;
        int present = ip.transportPresent;
        StringBuilder text = new StringBuilder();
        if (ip.fragment && ip.fragmentOffset != 0) {
            text.append("fragment id 0x").append(Integer.toHexString(ip.identification)).append(" off ")
                    .append(ip.fragmentOffset).append(" of ").append(IpProtocol.name(ip.protocol)).append(' ')
                    .append(ip.source()).append(" > ").append(ip.destination());
            return new QuotedPacket(QuotedPacket.Kind.FRAGMENT, text.toString(), ip.v6, ip.source(), ip.destination(),
                    ip.protocol, 0, 0, ip.ipLength, 0, -1, true);
        }
        String fragment = ip.fragment ? " (first fragment, id 0x" + Integer.toHexString(ip.identification) + ")" : "";
        if (ip.protocol == IpProtocol.ESP || ip.protocol == IpProtocol.AH) {
            boolean esp = ip.protocol == IpProtocol.ESP;
            int spiOffset = esp ? 0 : 4;
            int spi = present >= spiOffset + 4 ? BigEndian.i32(b, off + spiOffset) : 0;
            long seq = present >= spiOffset + 8 ? Integer.toUnsignedLong(BigEndian.i32(b, off + spiOffset + 4)) : -1;
            text.append(esp ? "ESP " : "AH ").append(ip.source()).append(" > ").append(ip.destination())
                    .append(" spi ").append(hex32(spi));
            if (seq >= 0) {
                text.append(" seq ").append(seq);
            }
            text.append(" len ").append(ip.ipLength).append(fragment);
            return new QuotedPacket(esp ? QuotedPacket.Kind.ESP : QuotedPacket.Kind.AH, text.toString(), ip.v6,
                    ip.source(), ip.destination(), ip.protocol, 0, 0, ip.ipLength, spi, seq, ip.fragment);
        }
        if (ip.protocol == IpProtocol.UDP && present >= 8) {
            int sport = BigEndian.u16(b, off);
            int dport = BigEndian.u16(b, off + 2);
            int udpLength = BigEndian.u16(b, off + 4);
            int payload = off + 8;
            int payloadPresent = present - 8;
            TransportEndpoint src = new TransportEndpoint(ip.source(), sport);
            TransportEndpoint dst = new TransportEndpoint(ip.destination(), dport);
            boolean natT = sport == 4500 || dport == 4500;
            boolean ike = sport == 500 || dport == 500;
            QuotedPacket.Kind kind = QuotedPacket.Kind.OTHER;
            int spi = 0;
            long seq = -1;
            if (natT || ike) {
                if (natT && udpLength == 9 && payloadPresent >= 1 && (b[payload] & 0xFF) == 0xFF) {
                    kind = QuotedPacket.Kind.NAT_KEEPALIVE;
                    text.append("NAT-keepalive ");
                } else if (natT && payloadPresent >= 4 && BigEndian.i32(b, payload) != 0) {
                    kind = QuotedPacket.Kind.ESP_IN_UDP;
                    spi = BigEndian.i32(b, payload);
                    seq = payloadPresent >= 8 ? Integer.toUnsignedLong(BigEndian.i32(b, payload + 4)) : -1;
                    text.append("ESP-in-UDP ");
                } else if (natT && payloadPresent < 4) {
                    kind = QuotedPacket.Kind.ESP_IN_UDP;
                    text.append("UDP (port 4500) ");
                } else {
                    kind = QuotedPacket.Kind.IKE;
                    int ikeOff = natT ? payload + 4 : payload;
                    int ikePresent = natT ? payloadPresent - 4 : payloadPresent;
                    text.append(ikeText(b, ikeOff, ikePresent)).append(' ');
                }
            } else {
                text.append("UDP ");
            }
            text.append(src).append(" > ").append(dst);
            if (kind == QuotedPacket.Kind.ESP_IN_UDP && spi != 0) {
                text.append(" spi ").append(hex32(spi));
                if (seq >= 0) {
                    text.append(" seq ").append(seq);
                }
            }
            text.append(" len ").append(ip.ipLength).append(fragment);
            return new QuotedPacket(kind, text.toString(), ip.v6, ip.source(), ip.destination(), ip.protocol, sport, dport,
                    ip.ipLength, spi, seq, ip.fragment);
        }
        text.append(IpProtocol.name(ip.protocol)).append(' ').append(ip.source()).append(" > ").append(ip.destination())
                .append(" len ").append(ip.ipLength).append(fragment);
        return new QuotedPacket(QuotedPacket.Kind.OTHER, text.toString(), ip.v6, ip.source(), ip.destination(),
                ip.protocol, 0, 0, ip.ipLength, 0, -1, ip.fragment);
    }

    private static String ikeText(byte[] b, int off, int present) {
        IkeDatagram d = present >= IkeDatagramDecoder.HEADER_LENGTH ? IkeDatagramDecoder.decode(b, off, present) : null;
        if (d == null) {
            return "IKE";
        }
        return "IKEv" + d.majorVersion() + " " + IkeNames.exchange(d.majorVersion(), d.exchangeType())
                + (d.v2() ? (d.response() ? " response" : " request") : "") + " msgid "
                + Integer.toUnsignedString(d.messageId());
    }

    static String hex32(int value) {
        String digits = Integer.toHexString(value);
        return "0x" + "0".repeat(8 - digits.length()) + digits;
    }
}
