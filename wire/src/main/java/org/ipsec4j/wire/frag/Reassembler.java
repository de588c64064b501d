package org.ipsec4j.wire.frag;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;

/**
 * Reassembles IP fragments into datagrams, within configured bounds, without threads or clock reads.
 *
 * <p>Feed every received packet of the family to {@link #accept}; act on the {@link Outcome}:
 * {@link Outcome#NOT_FRAGMENT} — process the packet as it is; {@link Outcome#COMPLETE} — process the datagram in
 * {@link #datagramBuffer()} (offset 0, {@link #datagramLength()} bytes; valid until the next call on this
 * reassembler); {@link Outcome#HELD} — nothing to do yet; {@link Outcome#DROPPED} — the packet was discarded for
 * {@link #lastDropReason()}, already counted.
 *
 * <p>Time is {@code nowNanos}, from one monotonic clock such as {@link System#nanoTime()}. Timed-out datagrams are
 * expired on every {@code accept} and by {@link #expire}; {@link #nextExpiryNanos()} tells an event loop when to
 * call it.
 *
 * <p>Not thread-safe: use one instance per thread or event loop.
 */
public abstract sealed class Reassembler permits Ipv4Reassembler, Ipv6Reassembler {

    /** What {@link #accept} did with a packet. */
    public enum Outcome {
        /** Not a fragment: use the packet as it is. */
        NOT_FRAGMENT,
        /** Held until the rest of its datagram arrives. */
        HELD,
        /** Completed a datagram, now in {@link #datagramBuffer()}. */
        COMPLETE,
        /** Discarded; see {@link #lastDropReason()}. */
        DROPPED
    }

    /**
     * Receives the start of the first fragment of a datagram that timed out, as received, so the caller can send
     * ICMP Time Exceeded, code 1 "fragment reassembly time exceeded" (RFC 792; RFC 4443 §3.3 and RFC 8200 §4.5
     * for IPv6) to its source. Only datagrams whose offset-zero fragment arrived are reported: RFC 792 and
     * RFC 8200 send nothing otherwise.
     */
    @FunctionalInterface
    public interface TimeoutSink {
        /**
         * Called from {@link #expire} or {@link #accept}; the buffer is reused afterwards, and the sink must not
         * call back into the reassembler.
         *
         * @param firstFragment the first fragment's header and data, cut to what an ICMP error may quote
         */
        void firstFragmentTimedOut(byte[] firstFragment, int offset, int length);
    }

    final ReassemblyTable table;
    private final ReassemblyConfig config;
    private final int timeoutQuoteLimit;
    private long reassembled;

    Reassembler(ReassemblyConfig config, int keyLength, int maxReassembledLength, int hashSeed,
                int timeoutQuoteLimit) {
        this.config = config;
        this.table = new ReassemblyTable(config, keyLength, maxReassembledLength, hashSeed);
        this.timeoutQuoteLimit = timeoutQuoteLimit;
    }

    /**
     * Takes one received packet of this reassembler's family (the bytes are copied if held; the caller keeps
     * ownership of {@code packet}).
     *
     * <p>Never throws for bad packet bytes: those are counted and reported as {@link Outcome#DROPPED}.
     *
     * @param length bytes available from {@code offset}; bytes beyond the length the header gives are ignored
     */
    public final Outcome accept(byte[] packet, int offset, int length, long nowNanos) {
        table.clearLastDropReason();
        table.expire(nowNanos);
        return acceptPacket(packet, offset, length, nowNanos);
    }

    /** {@link #accept} for this family, once the last drop reason is cleared and timed-out datagrams expired. */
    abstract Outcome acceptPacket(byte[] packet, int offset, int length, long nowNanos);

    /** The buffer holding the datagram completed by the last {@link #accept}, starting at index 0. */
    public final byte[] datagramBuffer() {
        return table.output();
    }

    /** Length of the datagram completed by the last {@link #accept}. */
    public final int datagramLength() {
        return table.outputLength();
    }

    /** A copy of the datagram completed by the last {@link #accept}. */
    public final byte[] copyDatagram() {
        return Arrays.copyOf(table.output(), table.outputLength());
    }

    /** Why the last {@link #accept} dropped its packet, or null if it did not. */
    public final DropReason lastDropReason() {
        return table.lastDropReason();
    }

    /** Discards datagrams older than the timeout at {@code nowNanos}; returns how many were incomplete. */
    public final int expire(long nowNanos) {
        return table.expire(nowNanos);
    }

    /** Whether anything waits for a timeout, so {@link #nextExpiryNanos()} is meaningful. */
    public final boolean hasPendingDatagrams() {
        return table.hasPending();
    }

    /** The time at which {@link #expire} next has work; throws if {@link #hasPendingDatagrams()} is false. */
    public final long nextExpiryNanos() {
        return table.nextExpiryNanos();
    }

    /** Datagrams in progress (including discarded ones remembered so their later fragments are dropped). */
    public final int pendingDatagrams() {
        return table.datagramCount();
    }

    /** Bytes of fragment data and headers held now, in whole blocks; never above the memory cap. */
    public final long heldBytes() {
        return table.heldBytes();
    }

    /** Fragments dropped for {@code reason} since construction. */
    public final long dropCount(DropReason reason) {
        return table.drops(reason);
    }

    /** A snapshot of all drop counters. */
    public final Map<DropReason, Long> dropCounts() {
        Map<DropReason, Long> counts = new EnumMap<>(DropReason.class);
        for (DropReason reason : DropReason.values()) {
            counts.put(reason, table.drops(reason));
        }
        return counts;
    }

    /** Datagrams completed (atomic fragments included). */
    public final long reassembledCount() {
        return reassembled;
    }

    /**
     * Reports timed-out datagrams to {@code sink} (null to stop). At most {@link #timeoutQuoteLimit()} bytes of
     * the first fragment are given: what fits an ICMP error (RFC 1812 §4.3.2.3: 576 bytes in all for IPv4;
     * RFC 4443 §2.4(c): the IPv6 minimum MTU of 1280 for IPv6).
     */
    public abstract void onTimeout(TimeoutSink sink);

    /** How many bytes of a first fragment {@link TimeoutSink} receives at most. */
    public final int timeoutQuoteLimit() {
        return timeoutQuoteLimit;
    }

    public final ReassemblyConfig config() {
        return config;
    }

    final Outcome completed() {
        reassembled++;
        return Outcome.COMPLETE;
    }

    final Outcome dropped(DropReason reason) {
        table.countDrop(reason);
        return Outcome.DROPPED;
    }

    /** Translates the table's verdict on an offered fragment. */
    final Outcome outcomeOf(ReassemblyTable.Offer offer) {
        return switch (offer) {
            case HELD -> Outcome.HELD;
            case DROPPED -> Outcome.DROPPED;
            case COMPLETE -> {
                finishDatagram(table.output(), table.outputLength(), table.outputHeaderLength(),
                        table.outputAux0(), table.outputAux1());
                yield completed();
            }
        };
    }

    /** Patches the header of a datagram the table just assembled in {@code buffer}. */
    abstract void finishDatagram(byte[] buffer, int length, int headerLength, int aux0, int aux1);
}
