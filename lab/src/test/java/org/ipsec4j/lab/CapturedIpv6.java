package org.ipsec4j.lab;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.ipsec4j.wire.Icmpv6Message;
import org.ipsec4j.wire.IpProtocol;
import org.ipsec4j.wire.Ipv6Packet;
import org.ipsec4j.wire.pcap.CaptureReader;
import org.ipsec4j.wire.pcap.CapturedPacket;
import org.ipsec4j.wire.pcap.NetworkPayload;
import org.ipsec4j.wire.pcap.NetworkProtocol;

/**
 * The IPv6 packets of a capture file (read with the project's own pcap reader and {@link Ipv6Packet}), with
 * just the fields the seed tests look at: fragment headers (RFC 8200 section 4.5) and ICMPv6 type/code
 * (RFC 4443).
 */
record CapturedIpv6(InetAddress source, InetAddress destination, int payloadLength, int nextHeader,
                    Fragment fragment, int icmpType, int icmpCode) {

    static final int UDP = IpProtocol.UDP;
    static final int ICMPV6_DESTINATION_UNREACHABLE = Icmpv6Message.TYPE_DESTINATION_UNREACHABLE;
    static final int ICMPV6_TIME_EXCEEDED = Icmpv6Message.TYPE_TIME_EXCEEDED;
    static final int CODE_FRAGMENT_REASSEMBLY_TIME_EXCEEDED = 1;

    /**
     * A fragment header.
     *
     * @param offset         fragment offset in bytes (the 13-bit field times 8)
     * @param moreFragments  the M flag
     * @param identification the 32-bit identification shared by all fragments of one packet
     * @param upperProtocol  the header that follows in the reassembled packet (17 for UDP)
     */
    record Fragment(int offset, boolean moreFragments, long identification, int upperProtocol) {
    }

    /** Whether this is an ICMPv6 message of {@code type} ({@code icmpType} is -1 for other packets). */
    boolean isIcmp(int type) {
        return icmpType == type;
    }

    static List<CapturedIpv6> read(Path pcap) throws IOException {
        List<CapturedIpv6> packets = new ArrayList<>();
        try (CaptureReader reader = CaptureReader.open(pcap)) {
            CapturedPacket packet;
            while ((packet = reader.next()) != null) {
                NetworkPayload network = packet.network();
                if (network.protocol() == NetworkProtocol.IPV6) {
                    packets.add(parse(packet.data(), network.offset(), network.length()));
                }
            }
        }
        return packets;
    }

    private static CapturedIpv6 parse(byte[] data, int at, int length) {
        Ipv6Packet ip = Ipv6Packet.parse(data, at, length);
        Fragment fragment = ip.fragmentHeaderOffset() < 0 ? null : new Fragment(ip.fragmentOffset(),
                ip.moreFragments(), Integer.toUnsignedLong(ip.fragmentIdentification()), ip.fragmentNextHeader());
        Icmpv6Message icmp = ip.upperLayerProtocol() == IpProtocol.ICMPV6 ? new Icmpv6Message().wrap(ip) : null;
        return new CapturedIpv6(address(data, ip.sourceOffset()), address(data, ip.destinationOffset()),
                ip.payloadLength(), ip.nextHeader(), fragment,
                icmp != null ? icmp.type() : -1, icmp != null ? icmp.code() : -1);
    }

    private static InetAddress address(byte[] b, int at) {
        try {
            return InetAddress.getByAddress(Arrays.copyOfRange(b, at, at + 16));
        } catch (UnknownHostException e) {
            throw new AssertionError(e); // 16 bytes is always a valid length
        }
    }

    @Override
    public String toString() {
        String what = fragment != null ? "frag(id 0x" + Long.toHexString(fragment.identification()) + " "
                + fragment.offset() + (fragment.moreFragments() ? "+" : "") + " nh " + fragment.upperProtocol() + ")"
                : icmpType >= 0 ? "icmp6 " + icmpType + "/" + icmpCode : "nh " + nextHeader;
        return source.getHostAddress() + " > " + destination.getHostAddress() + " plen " + payloadLength + " " + what;
    }
}
