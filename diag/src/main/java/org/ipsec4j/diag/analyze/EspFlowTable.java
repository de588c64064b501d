package org.ipsec4j.diag.analyze;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;

/**
 * The ESP and AH flows of a capture in a bounded table, with two small indexes: by SA (source, destination,
 * SPI) for the ICMP errors that quote a packet, and by receiving SA (point, destination, SPI) to notice the
 * same SA arriving from a new address or port (a NAT mapping that changed, RFC 3948 §2.3).
 *
 * <p>This is the per-packet path of a capture that is mostly ESP: a direct-mapped cache in front of the table
 * finds a flow from the packet's fields without allocating a key. When the table is full, the quarter of its
 * flows least recently seen retire together (their findings are made then), so the cost of keeping the table
 * bounded stays constant per packet.
 */
final class EspFlowTable {

    /** An SA as an ICMP quote names it. */
    record SaId(NetAddress source, NetAddress destination, int spi) {}

    private record ReceivingSa(int point, NetAddress destination, int spi) {}

    /** The same SPI towards the same destination, now from another source address or port. */
    public record MappingChange(long packet, ObservationPoint point, int spi, NetAddress destination,
            TransportEndpoint before, TransportEndpoint after, long previousLastPacket) {}

    private static final int MAX_MAPPING_CHANGES = 64;

    private static final int CACHE_SIZE = 1 << 12;

    private final int capacity;
    private final java.util.function.Consumer<EspFlow> retired;
    private final java.util.HashMap<EspFlow.Key, EspFlow> live = new java.util.HashMap<>();
    private final EspFlow[] cache = new EspFlow[CACHE_SIZE];
    private final BoundedTable<SaId, EspFlow> bySa;
    private final BoundedTable<ReceivingSa, EspFlow> byReceivingSa;
    private final int maxListed;
    private final List<EspFlow> listed = new ArrayList<>();
    private final List<MappingChange> mappingChanges = new ArrayList<>();
    private long mappingChangeCount;
    private long flowCount;

    EspFlowTable(int capacity, int maxListed, Consumer<EspFlow> retired) {
        this.capacity = capacity;
        this.retired = retired;
        this.bySa = new BoundedTable<>(capacity, f -> { });
        this.byReceivingSa = new BoundedTable<>(capacity, f -> { });
        this.maxListed = maxListed;
    }

    /** The flow of a packet, created (and checked for a changed source) if new. */
    EspFlow flow(ObservationPoint point, IpHeaderFields ip, int sourcePort, int destinationPort, int spi,
            int protocol, long packet, PeerPairTable peers) {
        int slot = slot(point.index(), ip, sourcePort, destinationPort, spi);
        EspFlow f = cache[slot];
        if (f != null && !f.retired()) {
            EspFlow.Key k = f.key();
            if (k.spi() == spi && k.point() == point.index() && k.sourcePort() == sourcePort
                    && k.destinationPort() == destinationPort && k.protocol() == protocol
                    && ip.sourceIs(k.source()) && ip.destinationIs(k.destination())) {
                return f;
            }
        }
        NetAddress source = ip.source();
        NetAddress destination = ip.destination();
        EspFlow.Key key = new EspFlow.Key(point.index(), source, destination, sourcePort, destinationPort, spi, protocol);
        f = live.get(key);
        if (f == null) {
            if (live.size() >= capacity) {
                retireOldest();
            }
            f = new EspFlow(key, point, peers.get(source, destination));
            live.put(key, f);
            flowCount++;
            if (listed.size() < maxListed) {
                listed.add(f);
            }
            bySa.put(new SaId(source, destination, spi), f);
            ReceivingSa receiving = new ReceivingSa(point.index(), destination, spi);
            EspFlow before = byReceivingSa.get(receiving);
            if (before != null && (!before.key().source().equals(source) || before.key().sourcePort() != sourcePort)) {
                mappingChangeCount++;
                if (mappingChanges.size() < MAX_MAPPING_CHANGES) {
                    mappingChanges.add(new MappingChange(packet, point, spi, destination,
                            new TransportEndpoint(before.key().source(), before.key().sourcePort()),
                            new TransportEndpoint(source, sourcePort), before.lastPacket()));
                }
            }
            byReceivingSa.put(receiving, f);
        }
        cache[slot] = f;
        return f;
    }

    private static int slot(int point, IpHeaderFields ip, int sourcePort, int destinationPort, int spi) {
        long h = spi * 0x9E3779B97F4A7C15L ^ ip.sourceLow ^ ip.destinationLow * 31 ^ ip.sourceHigh ^ ip.destinationHigh
                ^ ((long) sourcePort << 16 | destinationPort) * 0xC2B2AE3D27D4EB4FL ^ point;
        h ^= h >>> 29;
        h *= 0xBF58476D1CE4E5B9L;
        return (int) (h >>> 52) & (CACHE_SIZE - 1);
    }

    /** Retires the quarter of the live flows least recently seen. */
    private void retireOldest() {
        java.util.List<EspFlow> all = new java.util.ArrayList<>(live.values());
        all.sort(java.util.Comparator.comparingLong(EspFlow::lastPacket));
        int count = Math.max(1, all.size() / 4);
        for (int i = 0; i < count; i++) {
            EspFlow f = all.get(i);
            live.remove(f.key());
            f.retire();
            retired.accept(f);
        }
    }

    /** The most recent flow of an SA that an ICMP error quotes, or null. */
    EspFlow bySa(NetAddress source, NetAddress destination, int spi) {
        return bySa.get(new SaId(source, destination, spi));
    }

    List<EspFlow> listed() {
        return Collections.unmodifiableList(listed);
    }

    long flowCount() {
        return flowCount;
    }

    List<MappingChange> mappingChanges() {
        return Collections.unmodifiableList(mappingChanges);
    }

    long mappingChangeCount() {
        return mappingChangeCount;
    }

    void finish() {
        java.util.List<EspFlow> all = new java.util.ArrayList<>(live.values());
        live.clear();
        for (EspFlow f : all) {
            f.retire();
            retired.accept(f);
        }
    }
}
