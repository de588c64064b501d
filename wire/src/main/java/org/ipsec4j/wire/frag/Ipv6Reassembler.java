package org.ipsec4j.wire.frag;

import org.ipsec4j.wire.BigEndian;
import org.ipsec4j.wire.Ipv6Packet;
import org.ipsec4j.wire.MalformedPacketException;

/**
 * IPv6 reassembly (RFC 8200 §4.5): fragments are grouped by source, destination and identification; the
 * reassembled packet is the first fragment's unfragmentable part, with the Next Header field that named the
 * fragment header set to the first fragment's fragment-header Next Header, the payload length recomputed, and the
 * fragment header gone.
 *
 * <ul>
 *   <li>Overlapping fragments discard the datagram and its later fragments silently (RFC 5722).
 *   <li>Atomic fragments (offset 0, M = 0) are returned at once without their fragment header and never mixed
 *       with other fragments of the same identification (RFC 6946 §4).
 *   <li>A first fragment that does not carry the whole header chain through the upper-layer header is dropped
 *       as {@link DropReason#INCOMPLETE_HEADER_CHAIN} (RFC 7112 §5).
 *   <li>No jumbograms: the reassembled payload length is at most 65535 (or the configured maximum).
 * </ul>
 */
public final class Ipv6Reassembler extends Reassembler {

    /** 1280 - 40 (IPv6) - 8 (ICMPv6): RFC 4443 §2.4(c). */
    private static final int QUOTE_LIMIT = 1232;

    /** Source (16), destination (16), identification (4). */
    private static final int KEY_LENGTH = 36;

    private final Ipv6Packet fragment = new Ipv6Packet();
    private final NextHeaderFieldFinder nextHeaderFields = new NextHeaderFieldFinder();
    private final int maxReassembledLength;

    public Ipv6Reassembler() {
        this(ReassemblyConfig.ipv6Defaults());
    }

    public Ipv6Reassembler(ReassemblyConfig config) {
        this(config, 0);
    }

    /** @param hashSeed perturbs the table's hash; a random value makes chosen collisions harder */
    public Ipv6Reassembler(ReassemblyConfig config, int hashSeed) {
        super(config, KEY_LENGTH, Ipv6Packet.HEADER_LENGTH + config.maxDatagramLength(), hashSeed, QUOTE_LIMIT);
        this.maxReassembledLength = Ipv6Packet.HEADER_LENGTH + config.maxDatagramLength();
    }

    @Override
    Outcome acceptPacket(byte[] packet, int offset, int length, long nowNanos) {
        Ipv6Packet ip;
        try {
            // The quoted-packet walk stops quietly where the chain is cut instead of throwing, which tells an
            // RFC 7112 violation in a first fragment apart from other damage; a cut payload is still malformed.
            ip = fragment.wrapQuoted(packet, offset, length);
        } catch (MalformedPacketException malformed) {
            return dropped(DropReason.MALFORMED);
        }
        if (ip.isTruncated()) {
            return dropped(DropReason.MALFORMED);
        }
        int fragmentHeader = ip.fragmentHeaderOffset();
        if (fragmentHeader < 0) {
            return ip.upperLayerProtocol() < 0 ? dropped(DropReason.MALFORMED) : Outcome.NOT_FRAGMENT;
        }
        int fragmentOffset = ip.fragmentOffset();
        if (fragmentOffset == 0) {
            int upperLayer = ip.upperLayerProtocol();
            if (upperLayer < 0 || ip.upperLayerLength() < UpperLayerHeaders.minimumLength(upperLayer)) {
                return dropped(DropReason.INCOMPLETE_HEADER_CHAIN);
            }
        }
        int unfragmentableLength = fragmentHeader - offset;
        int nextHeaderField = nextHeaderFields.fieldNaming(ip, fragmentHeader) - offset;
        int dataOffset = ip.fragmentDataOffset();
        int dataLength = ip.end() - dataOffset;
        if (ip.isAtomicFragment()) {
            return atomic(packet, offset, unfragmentableLength, nextHeaderField, ip.fragmentNextHeader(), dataOffset,
                    dataLength);
        }
        byte[] key = table.key();
        System.arraycopy(packet, ip.sourceOffset(), key, 0, 32);
        int id = ip.fragmentIdentification();
        BigEndian.put32(key, 32, id);
        return outcomeOf(table.offer(fragmentOffset, !ip.moreFragments(), packet, dataOffset, dataLength,
                packet, offset, unfragmentableLength, ip.fragmentNextHeader(), nextHeaderField, nowNanos));
    }

    /** RFC 6946 §4: an atomic fragment is a whole packet; drop its fragment header and hand it back at once. */
    private Outcome atomic(byte[] packet, int offset, int unfragmentableLength, int nextHeaderField,
            int fragmentNextHeader, int dataOffset, int dataLength) {
        int length = unfragmentableLength + dataLength;
        if (length > maxReassembledLength) {
            return dropped(DropReason.TOO_BIG);
        }
        byte[] out = table.output();
        System.arraycopy(packet, offset, out, 0, unfragmentableLength);
        System.arraycopy(packet, dataOffset, out, unfragmentableLength, dataLength);
        table.setOutput(length, unfragmentableLength);
        finishDatagram(out, length, unfragmentableLength, fragmentNextHeader, nextHeaderField);
        return completed();
    }

    @Override
    public void onTimeout(TimeoutSink sink) {
        if (sink == null) {
            table.setTimeoutListener(null, 0);
            return;
        }
        table.setTimeoutListener((quote, headerLength, dataLength, fragmentNextHeader, nextHeaderField, key) -> {
            // The saved unfragmentable part is as received (its Next Header still says 44); put the fragment
            // header back between it and the data to quote the first fragment as it arrived.
            int limit = QUOTE_LIMIT;
            if (headerLength + Ipv6Packet.FRAGMENT_HEADER_LENGTH > limit) {
                sink.firstFragmentTimedOut(quote, 0, Math.min(headerLength, limit));
                return;
            }
            System.arraycopy(quote, headerLength, quote, headerLength + Ipv6Packet.FRAGMENT_HEADER_LENGTH, dataLength);
            int identification = BigEndian.i32(key, 32);
            Ipv6Packet.writeFragmentHeader(quote, headerLength, fragmentNextHeader, 0, true, identification);
            int length = Math.min(limit, headerLength + Ipv6Packet.FRAGMENT_HEADER_LENGTH + dataLength);
            sink.firstFragmentTimedOut(quote, 0, length);
        }, QUOTE_LIMIT);
    }

    @Override
    void finishDatagram(byte[] buffer, int length, int headerLength, int fragmentNextHeader, int nextHeaderField) {
        buffer[nextHeaderField] = (byte) fragmentNextHeader;
        int payloadLength = length - Ipv6Packet.HEADER_LENGTH;
        BigEndian.put16(buffer, 4, payloadLength);
    }
}
