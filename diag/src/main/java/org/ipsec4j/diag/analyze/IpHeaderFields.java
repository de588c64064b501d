package org.ipsec4j.diag.analyze;

/**
 * The IP-layer facts of one packet (or of a packet an ICMP error quotes), filled in place by
 * {@link PacketDissector} so that the per-packet path allocates only its two addresses.
 *
 * <p>For a fragment, {@code protocol} is the protocol of the fragmented datagram and the transport fields
 * describe the fragment's data; only a first fragment (offset 0) starts with the transport header.
 */
final class IpHeaderFields {

    byte[] buffer;
    boolean v6;
    /** The addresses as {@link NetAddress} holds them; the objects are made only when asked for. */
    long sourceHigh;
    long sourceLow;
    long destinationHigh;
    long destinationLow;
    private NetAddress source;
    private NetAddress destination;
    /** Offset of the IP header in {@link #buffer}. */
    int ipOffset;
    /** The IP packet's length as its header says (IPv4 total length, IPv6 40 + payload length). */
    int ipLength;
    /** IPv4: the DF bit; IPv6: always true, routers never fragment IPv6 (RFC 8200 §5). */
    boolean dontFragment;
    int ttl;
    /** IPv4 identification (16 bits) or the IPv6 fragment header's (32 bits); 0 when there is none. */
    int identification;
    boolean fragment;
    int fragmentOffset;
    boolean moreFragments;
    /** Bytes of fragment data as sent (from the header lengths), for fragments. */
    int fragmentDataLength;
    /** The transport protocol, or the next header of a fragment. */
    int protocol;
    /** Offset of the transport header (or fragment data), and the bytes of it present in the buffer. */
    int transportOffset;
    int transportPresent;
    /** The transport segment's length as sent, or -1 when unknown (a first fragment, a quote). */
    int transportWireLength;

    void addresses(boolean isV6, long srcHigh, long srcLow, long dstHigh, long dstLow) {
        v6 = isV6;
        sourceHigh = srcHigh;
        sourceLow = srcLow;
        destinationHigh = dstHigh;
        destinationLow = dstLow;
        source = null;
        destination = null;
    }

    NetAddress source() {
        if (source == null) {
            source = new NetAddress(v6, sourceHigh, sourceLow);
        }
        return source;
    }

    NetAddress destination() {
        if (destination == null) {
            destination = new NetAddress(v6, destinationHigh, destinationLow);
        }
        return destination;
    }

    /** Whether {@code a} is this packet's source address, without making the object. */
    boolean sourceIs(NetAddress a) {
        return a.low() == sourceLow && a.high() == sourceHigh && a.v6() == v6;
    }

    boolean destinationIs(NetAddress a) {
        return a.low() == destinationLow && a.high() == destinationHigh && a.v6() == v6;
    }

    /** A first fragment or an unfragmented packet: the transport header is at {@link #transportOffset}. */
    boolean startsTransport() {
        return !fragment || fragmentOffset == 0;
    }

    String family() {
        return v6 ? "IPv6" : "IPv4";
    }
}
