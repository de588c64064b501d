package org.ipsec4j.diag.analyze;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;

/**
 * The ESP and AH flows of a capture in a bounded table, with two small indexes: by SA (source, destination,
 * SPI) for the ICMP errors that quote a packet, and by receiving SA (point, destination, SPI) to notice the
 * same SA arriving from a new address or port (a NAT mapping that changed, RFC 3948 §2.3).
 */
final class EspFlowTable {

    /** An SA as an ICMP quote names it. */
    record SaId(NetAddress source, NetAddress destination, int spi) {}

    private record ReceivingSa(int point, NetAddress destination, int spi) {}

    /** The same SPI towards the same destination, now from another source address or port. */
    public record MappingChange(long packet, ObservationPoint point, int spi, NetAddress destination,
            TransportEndpoint before, TransportEndpoint after, long previousLastPacket) {}

    private static final int MAX_MAPPING_CHANGES = 64;

    private final BoundedTable<EspFlow.Key, EspFlow> live;
    private final BoundedTable<SaId, EspFlow> bySa;
    private final BoundedTable<ReceivingSa, EspFlow> byReceivingSa;
    private final int maxListed;
    private final List<EspFlow> listed = new ArrayList<>();
    private final List<MappingChange> mappingChanges = new ArrayList<>();
    private long mappingChangeCount;
    private long flowCount;
    private EspFlow last;

    EspFlowTable(int capacity, int maxListed, Consumer<EspFlow> retired) {
        this.live = new BoundedTable<>(capacity, retired);
        this.bySa = new BoundedTable<>(capacity, f -> { });
        this.byReceivingSa = new BoundedTable<>(capacity, f -> { });
        this.maxListed = maxListed;
    }

    /** The flow of a packet, created (and checked for a changed source) if new. */
    EspFlow flow(ObservationPoint point, NetAddress source, NetAddress destination, int sourcePort,
            int destinationPort, int spi, int protocol, long packet, PeerPairTable peers) {
        EspFlow f = last;
        if (f != null) {
            EspFlow.Key k = f.key();
            if (k.spi() == spi && k.point() == point.index() && k.sourcePort() == sourcePort
                    && k.destinationPort() == destinationPort && k.protocol() == protocol
                    && k.source().equals(source) && k.destination().equals(destination)) {
                return f;
            }
        }
        EspFlow.Key key = new EspFlow.Key(point.index(), source, destination, sourcePort, destinationPort, spi, protocol);
        f = live.get(key);
        if (f == null) {
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
            if (before == null) {
                byReceivingSa.put(receiving, f);
            } else {
                byReceivingSa.remove(receiving);
                byReceivingSa.put(receiving, f);
            }
        }
        last = f;
        return f;
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
        live.retireAll();
    }
}
