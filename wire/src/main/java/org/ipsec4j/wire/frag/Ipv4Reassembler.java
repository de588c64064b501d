package org.ipsec4j.wire.frag;

import org.ipsec4j.wire.BigEndian;
import org.ipsec4j.wire.Ipv4Packet;
import org.ipsec4j.wire.MalformedPacketException;

/**
 * IPv4 reassembly (RFC 791 §3.2): fragments are grouped by source, destination, protocol and identification;
 * the reassembled datagram carries the first fragment's header (all its options) with total length, MF and
 * fragment offset rewritten and the header checksum recomputed.
 *
 * <p>Fragments with a bad header checksum are dropped as {@link DropReason#MALFORMED} before anything is held:
 * reassembly rewrites the header, and must not turn a corrupted one into a valid-looking one. Overlapping
 * fragments discard the whole datagram, as RFC 5722 requires for IPv6, against the overlap attacks of RFC 1858.
 */
public final class Ipv4Reassembler extends Reassembler {

    /** 576 - 20 (IP) - 8 (ICMP): RFC 1812 §4.3.2.3. */
    private static final int QUOTE_LIMIT = 548;

    /** Source (4), destination (4), protocol (1), identification (2). */
    private static final int KEY_LENGTH = 11;

    private final Ipv4Packet fragment = new Ipv4Packet();
    private final Ipv4Packet datagram = new Ipv4Packet();

    public Ipv4Reassembler() {
        this(ReassemblyConfig.ipv4Defaults());
    }

    public Ipv4Reassembler(ReassemblyConfig config) {
        this(config, 0);
    }

    /** @param hashSeed perturbs the table's hash; a random value makes chosen collisions harder */
    public Ipv4Reassembler(ReassemblyConfig config, int hashSeed) {
        super(config, KEY_LENGTH, config.maxDatagramLength(), hashSeed, QUOTE_LIMIT);
    }

    @Override
    Outcome acceptPacket(byte[] packet, int offset, int length, long nowNanos) {
        Ipv4Packet ip;
        try {
            ip = fragment.wrap(packet, offset, length);
        } catch (MalformedPacketException malformed) {
            return dropped(DropReason.MALFORMED);
        }
        if (!ip.isFragment()) {
            return Outcome.NOT_FRAGMENT;
        }
        if (!ip.headerChecksumValid()) {
            return dropped(DropReason.MALFORMED);
        }
        byte[] key = table.key();
        System.arraycopy(packet, ip.sourceOffset(), key, 0, 8);
        key[8] = (byte) ip.protocol();
        int id = ip.identification();
        BigEndian.put16(key, 9, id);
        return outcomeOf(table.offer(ip.fragmentOffset(), !ip.moreFragments(), packet, ip.payloadOffset(),
                ip.payloadLength(), packet, offset, ip.headerLength(), 0, 0, nowNanos));
    }

    @Override
    public void onTimeout(TimeoutSink sink) {
        table.setTimeoutListener(sink == null ? null
                : (quote, headerLength, dataLength, aux0, aux1, key) ->
                        sink.firstFragmentTimedOut(quote, 0, headerLength + dataLength), QUOTE_LIMIT);
    }

    @Override
    void finishDatagram(byte[] buffer, int length, int headerLength, int aux0, int aux1) {
        // The header was validated when its fragment arrived; only length and fragment fields change.
        datagram.wrap(buffer, 0, length)
                .setTotalLength(length)
                .setFragment(0, false)
                .updateHeaderChecksum();
    }
}
