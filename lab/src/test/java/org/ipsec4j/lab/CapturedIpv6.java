package org.ipsec4j.lab;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.ipsec4j.wire.pcap.CaptureReader;
import org.ipsec4j.wire.pcap.CapturedPacket;
import org.ipsec4j.wire.pcap.NetworkPayload;
import org.ipsec4j.wire.pcap.NetworkProtocol;

/**
 * The IPv6 packets of a capture file (read with the project's own pcap reader), with just the fields the
 * seed tests look at: fragment headers (RFC 8200 section 4.5) and ICMPv6 type/code (RFC 4443).
 */
record CapturedIpv6(InetAddress source, InetAddress destination, int payloadLength, int nextHeader,
                    Fragment fragment, int icmpType, int icmpCode) {

    static final int FRAGMENT_HEADER = 44;
    static final int UDP = 17;
    static final int ICMPV6 = 58;
    static final int ICMPV6_DESTINATION_UNREACHABLE = 1;
    static final int ICMPV6_TIME_EXCEEDED = 3;
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

    boolean isIcmp(int type) {
        return nextHeader == ICMPV6 && icmpType == type;
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
        if (length < 40 || (data[at] & 0xF0) != 0x60) {
            throw new IllegalArgumentException("not an IPv6 header at " + at);
        }
        int payloadLength = u16(data, at + 4);
        int nextHeader = data[at + 6] & 0xFF;
        InetAddress source = address(data, at + 8);
        InetAddress destination = address(data, at + 24);
        int upper = at + 40;
        Fragment fragment = null;
        if (nextHeader == FRAGMENT_HEADER && length >= 48) {
            // next header(1) reserved(1) offset:13 res:2 M:1 (2) identification(4)
            int offsetAndFlags = u16(data, upper + 2);
            fragment = new Fragment(offsetAndFlags & 0xFFF8, (offsetAndFlags & 1) != 0,
                    u32(data, upper + 4), data[upper] & 0xFF);
        }
        boolean icmp = nextHeader == ICMPV6 && length >= 42;
        return new CapturedIpv6(source, destination, payloadLength, nextHeader, fragment,
                icmp ? data[upper] & 0xFF : -1, icmp ? data[upper + 1] & 0xFF : -1);
    }

    private static int u16(byte[] b, int at) {
        return ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF);
    }

    private static long u32(byte[] b, int at) {
        return ((long) u16(b, at) << 16) | u16(b, at + 2);
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
                : nextHeader == ICMPV6 ? "icmp6 " + icmpType + "/" + icmpCode : "nh " + nextHeader;
        return source.getHostAddress() + " > " + destination.getHostAddress() + " plen " + payloadLength + " " + what;
    }
}
