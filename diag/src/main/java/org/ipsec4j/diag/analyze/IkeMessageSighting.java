package org.ipsec4j.diag.analyze;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One IKE datagram as the capture saw it at one observation point. A datagram that crossed the capture point
 * as IP fragments is first known from its first fragment; when the train completes, {@link #datagram} is
 * replaced by the decoding of the whole message, and {@link #ipFragmentPackets} lists every fragment.
 */
public final class IkeMessageSighting {

    private static final int MAX_FRAGMENT_PACKETS = 64;

    private final long packet;
    private final long timeNanos;
    private final ObservationPoint point;
    private final TransportEndpoint source;
    private final TransportEndpoint destination;
    private final boolean nonEspMarker;
    private IkeDatagram datagram;
    private final boolean ipFragmented;
    private final List<Long> ipFragmentPackets;
    private boolean ipFragmentsComplete;
    private long retransmissionOf = -1;
    private KeySource.OpenedIkeMessage opened;
    private final List<Long> icmpErrors = new ArrayList<>(0);

    IkeMessageSighting(long packet, long timeNanos, ObservationPoint point, TransportEndpoint source,
            TransportEndpoint destination, boolean nonEspMarker, IkeDatagram datagram, boolean ipFragmented) {
        this.packet = packet;
        this.timeNanos = timeNanos;
        this.point = point;
        this.source = source;
        this.destination = destination;
        this.nonEspMarker = nonEspMarker;
        this.datagram = datagram;
        this.ipFragmented = ipFragmented;
        this.ipFragmentPackets = ipFragmented ? new ArrayList<>(4) : List.of();
    }

    /** The packet number: the first IP fragment's for a fragmented datagram. */
    public long packet() {
        return packet;
    }

    public long timeNanos() {
        return timeNanos;
    }

    public ObservationPoint point() {
        return point;
    }

    public TransportEndpoint source() {
        return source;
    }

    public TransportEndpoint destination() {
        return destination;
    }

    /** Sent on port 4500 behind the 4-byte non-ESP marker (RFC 3948 §2.2). */
    public boolean nonEspMarker() {
        return nonEspMarker;
    }

    public IkeDatagram datagram() {
        return datagram;
    }

    /** Whether the datagram crossed the capture point as IP fragments. */
    public boolean ipFragmented() {
        return ipFragmented;
    }

    /** Packet numbers of the IP fragments seen so far, in arrival order; empty if not fragmented. */
    public List<Long> ipFragmentPackets() {
        return Collections.unmodifiableList(ipFragmentPackets);
    }

    /** Whether every IP fragment of the datagram arrived at the capture point. */
    public boolean ipFragmentsComplete() {
        return ipFragmentsComplete;
    }

    /** The packet of the first identical copy at the same point, or -1 if this is the first. */
    public long retransmissionOf() {
        return retransmissionOf;
    }

    /** The decrypted SK payload, when a {@link KeySource} could open it; else null. */
    public KeySource.OpenedIkeMessage opened() {
        return opened;
    }

    /** ICMP errors that quote this datagram (or one of its fragments). */
    public List<Long> icmpErrors() {
        return Collections.unmodifiableList(icmpErrors);
    }

    void addFragmentPacket(long fragmentPacket) {
        if (ipFragmentPackets.size() < MAX_FRAGMENT_PACKETS && !ipFragmentPackets.contains(fragmentPacket)) {
            ipFragmentPackets.add(fragmentPacket);
        }
    }

    void completeFragments(IkeDatagram whole) {
        ipFragmentsComplete = true;
        if (whole != null) {
            datagram = whole;
        }
    }

    void retransmissionOf(long first) {
        retransmissionOf = first;
    }

    void opened(KeySource.OpenedIkeMessage value) {
        opened = value;
    }

    void addIcmpError(long icmpPacket) {
        if (icmpErrors.size() < 16 && !icmpErrors.contains(icmpPacket)) {
            icmpErrors.add(icmpPacket);
        }
    }
}
