package org.ipsec4j.esp;

import org.ipsec4j.esp.sad.PathMtuOutcome;
import org.ipsec4j.esp.stats.TrafficCounters;

/**
 * A data plane's global counters: protected packets and every drop per direction (drops with an SA are also
 * counted on the SA; those without one, like an unknown SPI, only here, as Linux's XfrmInNoStates), plus
 * bypassed packets, IKE messages handed up and NAT keepalives.
 */
public final class DataPlaneCounters {

    final TrafficCounters outbound = new TrafficCounters();
    final TrafficCounters inbound = new TrafficCounters();
    long bypassed;
    long ikeMessages;
    long keepalivesReceived;
    long keepalivesSent;
    long peerMovesReported;
    final long[] pathMtuReports = new long[PathMtuOutcome.values().length];
    long tooBigSent;
    long tooBigRateLimited;
    long tooBigSuppressed;
    long tooBigWithoutSource;
    long prefragmented;
    long fragmentsSent;
    long sentOverPathMtu;
    long mssClamped;

    DataPlaneCounters() {}

    /** Packets protected and sent, and outbound drops. */
    public TrafficCounters outbound() {
        return outbound;
    }

    /** Packets decapsulated and delivered, and inbound drops. */
    public TrafficCounters inbound() {
        return inbound;
    }

    public long bypassed() {
        return bypassed;
    }

    public long ikeMessages() {
        return ikeMessages;
    }

    public long keepalivesReceived() {
        return keepalivesReceived;
    }

    public long keepalivesSent() {
        return keepalivesSent;
    }

    /** Verified ESP in UDP from a new NAT mapping of the peer, reported to IKE (rate-limited per SA). */
    public long peerMovesReported() {
        return peerMovesReported;
    }

    /** Reports of a smaller path MTU (ICMP quoting our packets) that ended with {@code outcome}. */
    public long pathMtuReports(PathMtuOutcome outcome) {
        return pathMtuReports[outcome.ordinal()];
    }

    /** "Fragmentation needed" / "packet too big" sent to inner senders whose packets did not fit. */
    public long tooBigSent() {
        return tooBigSent;
    }

    /** Those not sent for the rate limit (1000 per second, bursts of 50). */
    public long tooBigRateLimited() {
        return tooBigRateLimited;
    }

    /** Those not sent because no error may be sent about the packet (an ICMP error, multicast, broadcast source). */
    public long tooBigSuppressed() {
        return tooBigSuppressed;
    }

    /** Those not sent for want of a source address other than the sender's own. */
    public long tooBigWithoutSource() {
        return tooBigWithoutSource;
    }

    /** Inner packets fragmented before encryption because they did not fit the path. */
    public long prefragmented() {
        return prefragmented;
    }

    /** The fragments those became, each sent as a packet of its own. */
    public long fragmentsSent() {
        return fragmentsSent;
    }

    /** Packets sent larger than the path MTU with the outer header fragmentable (IPv6 up to 1280, no prefragmentation). */
    public long sentOverPathMtu() {
        return sentOverPathMtu;
    }

    /** TCP SYNs whose MSS option was lowered. */
    public long mssClamped() {
        return mssClamped;
    }

    @Override
    public String toString() {
        return "out " + outbound + ", in " + inbound + ", bypassed " + bypassed + ", ike " + ikeMessages
                + ", keepalives in/out " + keepalivesReceived + "/" + keepalivesSent
                + ", too big sent " + tooBigSent + ", prefragmented " + prefragmented + ", mss clamped " + mssClamped;
    }
}
