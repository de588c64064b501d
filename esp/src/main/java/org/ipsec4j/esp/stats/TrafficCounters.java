package org.ipsec4j.esp.stats;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * Packets, bytes and drops per reason of one SA, or of a whole data plane. Plain fields written by the one
 * thread that runs the data plane; other threads read them through a snapshot taken on that thread.
 */
public final class TrafficCounters {

    private static final DropReason[] REASONS = DropReason.values();

    private long packets;
    private long bytes;
    private final long[] drops = new long[REASONS.length];

    public void recordPacket(int length) {
        packets++;
        bytes += length;
    }

    public void recordDrop(DropReason reason) {
        drops[reason.ordinal()]++;
    }

    public long packets() {
        return packets;
    }

    public long bytes() {
        return bytes;
    }

    public long drops(DropReason reason) {
        return drops[reason.ordinal()];
    }

    public long totalDrops() {
        long n = 0;
        for (long d : drops) {
            n += d;
        }
        return n;
    }

    /** An immutable copy for status output. */
    public Snapshot snapshot() {
        Map<DropReason, Long> m = new EnumMap<>(DropReason.class);
        for (DropReason r : REASONS) {
            if (drops[r.ordinal()] != 0) {
                m.put(r, drops[r.ordinal()]);
            }
        }
        return new Snapshot(packets, bytes, Collections.unmodifiableMap(m));
    }

    /** Counters at one moment; {@code drops} lists only the non-zero reasons. */
    public record Snapshot(long packets, long bytes, Map<DropReason, Long> drops) {
        public long drops(DropReason reason) {
            return drops.getOrDefault(reason, 0L);
        }
    }

    @Override
    public String toString() {
        return snapshot().toString();
    }
}
