package org.ipsec4j.wire.frag;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import org.ipsec4j.wire.BigEndian;
import org.ipsec4j.wire.IpProtocol;
import org.ipsec4j.wire.Ipv4Packet;
import org.ipsec4j.wire.Ipv6Packet;
import org.ipsec4j.wire.MalformedPacketException;

/**
 * Splits IPv4 (RFC 791 §3.2) and IPv6 (RFC 8200 §4.5) packets into fragments that fit an MTU.
 *
 * <p>Each fragment is built in a scratch buffer owned by this fragmenter and handed to a {@link FragmentSink}, so
 * fragmenting allocates nothing once the scratch has grown to the largest MTU used. A packet that already fits
 * is handed to the sink unchanged, as fragment 0 of 1, straight from the caller's buffer. The {@code List<byte[]>}
 * variants are a convenience for tests and control-plane code.
 *
 * <p>The packets are the caller's own (about to be sent); a header that does not parse is reported as
 * {@link MalformedPacketException}. Not thread-safe.
 */
public final class Fragmenter {

    /** Every IPv4 module must forward a 68-byte datagram unfragmented (RFC 791 §3.2): 60-byte header + 8. */
    public static final int MIN_IPV4_MTU = 68;
    /** The IPv6 minimum link MTU (RFC 8200 §5); nothing smaller is ever used for IPv6 fragmenting. */
    public static final int MIN_IPV6_MTU = Ipv6Packet.MIN_MTU;
    /** Largest MTU a 16-bit length field can use. */
    public static final int MAX_MTU = 0xFFFF;

    private static final int IPV4_FLAG_MF = 0x2000;

    private final Ipv4Packet ipv4 = new Ipv4Packet();
    private final Ipv6Packet ipv6 = new Ipv6Packet();
    private final byte[] copiedOptions = new byte[40];
    private final NextHeaderFieldFinder nextHeaderFields = new NextHeaderFieldFinder();
    private byte[] scratch = new byte[0];

    /**
     * Fragments the IPv4 packet at {@code packet[offset..]} so that every fragment is at most {@code mtu} bytes.
     * The first fragment keeps the whole header; later ones keep only the options whose copied flag is set
     * (RFC 791 §3.1). A packet that is itself a fragment is split further, keeping its offset and MF flag.
     *
     * @return the number of fragments handed to {@code sink}
     * @throws FragmentationRefusedException with {@link FragmentationRefusedException.Reason#DONT_FRAGMENT} if the
     *     packet is too big and has DF set
     * @throws IllegalArgumentException if {@code mtu} is outside [68, 65535]
     */
    public int fragmentIpv4(byte[] packet, int offset, int length, int mtu, FragmentSink sink) {
        checkMtu(mtu, MIN_IPV4_MTU);
        Objects.requireNonNull(sink, "sink");
        Ipv4Packet ip = ipv4.wrap(packet, offset, length);
        int totalLength = ip.totalLength();
        if (totalLength <= mtu) {
            sink.fragment(packet, offset, totalLength, 0);
            return 1;
        }
        if (ip.dontFragment()) {
            throw new FragmentationRefusedException(FragmentationRefusedException.Reason.DONT_FRAGMENT, mtu,
                    "IPv4 packet of " + totalLength + " bytes has Don't Fragment set");
        }
        int headerLength = ip.headerLength();
        int payloadLength = ip.payloadLength();
        int baseOffset = ip.fragmentOffset();
        if (baseOffset + payloadLength > Ipv4Packet.MAX_TOTAL_LENGTH - Ipv4Packet.MIN_HEADER_LENGTH) {
            throw new MalformedPacketException("ipv4.fragmentOffset", offset + 6,
                    "fragment offset " + baseOffset + " + " + payloadLength + " bytes exceeds a datagram");
        }
        int copiedOptionsLength = ip.copyOptionsForFragment(copiedOptions, 0);
        int laterHeaderLength = Ipv4Packet.MIN_HEADER_LENGTH + copiedOptionsLength;
        // RFC 791 §3.2: fragment data is a multiple of 8 bytes, except in the last fragment.
        int firstData = (mtu - headerLength) & ~7;
        int laterData = (mtu - laterHeaderLength) & ~7;
        byte[] out = scratchOf(mtu);
        int flagsKept = ip.moreFragments() ? IPV4_FLAG_MF : 0;
        int index = 0;
        for (int position = 0; position < payloadLength; index++) {
            boolean first = position == 0;
            int dataLength = Math.min(first ? firstData : laterData, payloadLength - position);
            boolean more = position + dataLength < payloadLength;
            int flags = (more ? IPV4_FLAG_MF : flagsKept) | ((baseOffset + position) >>> 3);
            int written = Ipv4Packet.writeHeader(out, 0, ip.typeOfService(),
                    (first ? headerLength : laterHeaderLength) + dataLength, ip.identification(), flags, ip.ttl(),
                    ip.protocol(), ip.sourceAddress(), ip.destinationAddress(),
                    first ? packet : copiedOptions, first ? ip.optionsOffset() : 0,
                    first ? ip.optionsLength() : copiedOptionsLength);
            System.arraycopy(packet, ip.payloadOffset() + position, out, written, dataLength);
            sink.fragment(out, 0, written + dataLength, index);
            position += dataLength;
        }
        return index;
    }

    /**
     * Fragments the IPv6 packet at {@code packet[offset..]} so that every fragment is at most {@code mtu} bytes
     * (RFC 8200 §4.5): each fragment repeats the unfragmentable part, then a fragment header carrying
     * {@code identification}, then its share of the fragmentable part.
     *
     * @return the number of fragments handed to {@code sink}
     * @throws FragmentationRefusedException if the packet already has a fragment header, or its headers leave no
     *     room for data, or the first fragment could not carry the whole header chain (RFC 7112)
     * @throws IllegalArgumentException if {@code mtu} is outside [1280, 65535]
     */
    public int fragmentIpv6(byte[] packet, int offset, int length, int mtu, int identification, FragmentSink sink) {
        checkMtu(mtu, MIN_IPV6_MTU);
        Objects.requireNonNull(sink, "sink");
        Ipv6Packet ip = ipv6.wrap(packet, offset, length);
        return fragmentWrappedIpv6(ip, mtu, identification, sink);
    }

    /** As {@link #fragmentIpv6(byte[], int, int, int, int, FragmentSink)}, asking {@code identifications} for an id. */
    public int fragmentIpv6(byte[] packet, int offset, int length, int mtu, FragmentIdentificationSource identifications,
            FragmentSink sink) {
        checkMtu(mtu, MIN_IPV6_MTU);
        Objects.requireNonNull(sink, "sink");
        Ipv6Packet ip = ipv6.wrap(packet, offset, length);
        if (ip.totalLength() <= mtu) {
            sink.fragment(packet, offset, ip.totalLength(), 0);
            return 1;
        }
        int identification = identifications.nextIdentification(packet, ip.sourceOffset(), ip.destinationOffset());
        return fragmentWrappedIpv6(ip, mtu, identification, sink);
    }

    private int fragmentWrappedIpv6(Ipv6Packet ip, int mtu, int identification, FragmentSink sink) {
        byte[] packet = ip.buffer();
        int offset = ip.offset();
        int totalLength = ip.totalLength();
        if (totalLength <= mtu) {
            // RFC 8021: no atomic fragments; a packet that fits goes out as it is.
            sink.fragment(packet, offset, totalLength, 0);
            return 1;
        }
        if (ip.fragmentHeaderOffset() >= 0) {
            throw new FragmentationRefusedException(FragmentationRefusedException.Reason.ALREADY_FRAGMENTED, mtu,
                    "IPv6 packet already has a fragment header");
        }
        int unfragmentableLength = ip.unfragmentablePartLength();
        int dataPerFragment = (mtu - unfragmentableLength - Ipv6Packet.FRAGMENT_HEADER_LENGTH) & ~7;
        if (dataPerFragment < 8) {
            throw new FragmentationRefusedException(FragmentationRefusedException.Reason.HEADERS_EXCEED_MTU, mtu,
                    "unfragmentable part of " + unfragmentableLength + " bytes leaves no room for data");
        }
        // RFC 7112 §5: the first fragment carries the whole header chain through the upper-layer header.
        int chainLength = ip.upperLayerOffset() - offset - unfragmentableLength
                + UpperLayerHeaders.minimumLength(ip.upperLayerProtocol());
        if (chainLength > dataPerFragment) {
            throw new FragmentationRefusedException(FragmentationRefusedException.Reason.HEADERS_EXCEED_MTU, mtu,
                    "header chain of " + (unfragmentableLength + chainLength) + " bytes does not fit one fragment");
        }
        // The Next Header field that names the first header of the fragmentable part becomes 44 (Fragment).
        int nextHeaderField = nextHeaderFields.fieldNaming(ip, offset + unfragmentableLength) - offset;
        int fragmentableNextHeader = packet[offset + nextHeaderField] & 0xFF;
        int fragmentableLength = totalLength - unfragmentableLength;
        byte[] out = scratchOf(mtu);
        System.arraycopy(packet, offset, out, 0, unfragmentableLength);
        out[nextHeaderField] = (byte) IpProtocol.IPV6_FRAG;
        int dataOffset = unfragmentableLength + Ipv6Packet.FRAGMENT_HEADER_LENGTH;
        int index = 0;
        for (int position = 0; position < fragmentableLength; index++) {
            int dataLength = Math.min(dataPerFragment, fragmentableLength - position);
            boolean more = position + dataLength < fragmentableLength;
            int payloadLength = dataOffset - Ipv6Packet.HEADER_LENGTH + dataLength;
            BigEndian.put16(out, 4, payloadLength);
            Ipv6Packet.writeFragmentHeader(out, unfragmentableLength, fragmentableNextHeader, position, more,
                    identification);
            System.arraycopy(packet, offset + unfragmentableLength + position, out, dataOffset, dataLength);
            sink.fragment(out, 0, dataOffset + dataLength, index);
            position += dataLength;
        }
        return index;
    }

    /** Fragments into new arrays, one per fragment. */
    public List<byte[]> fragmentIpv4(byte[] packet, int offset, int length, int mtu) {
        List<byte[]> fragments = new ArrayList<>();
        fragmentIpv4(packet, offset, length, mtu, (buffer, from, size, index) ->
                fragments.add(Arrays.copyOfRange(buffer, from, from + size)));
        return fragments;
    }

    /** Fragments into new arrays, one per fragment. */
    public List<byte[]> fragmentIpv6(byte[] packet, int offset, int length, int mtu, int identification) {
        List<byte[]> fragments = new ArrayList<>();
        fragmentIpv6(packet, offset, length, mtu, identification, (buffer, from, size, index) ->
                fragments.add(Arrays.copyOfRange(buffer, from, from + size)));
        return fragments;
    }

    private byte[] scratchOf(int mtu) {
        if (scratch.length < mtu) {
            scratch = new byte[mtu];
        }
        return scratch;
    }

    private static void checkMtu(int mtu, int minimum) {
        if (mtu < minimum || mtu > MAX_MTU) {
            throw new IllegalArgumentException("MTU " + mtu + " outside [" + minimum + ", " + MAX_MTU + "]");
        }
    }
}
