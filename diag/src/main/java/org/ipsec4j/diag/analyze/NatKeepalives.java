package org.ipsec4j.diag.analyze;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * NAT-keepalive packets (RFC 3948 §2.3: one 0xFF octet in UDP on port 4500) per sender, receiver and
 * observation point, with their typical interval.
 */
final class NatKeepalives {

    /** The keepalives from one endpoint to another at one point. */
    public static final class Stream {
        private final ObservationPoint point;
        private final TransportEndpoint source;
        private final TransportEndpoint destination;
        private long count;
        private long firstPacket;
        private long lastPacket;
        private long firstTime;
        private long lastTime;

        Stream(ObservationPoint point, TransportEndpoint source, TransportEndpoint destination) {
            this.point = point;
            this.source = source;
            this.destination = destination;
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

        public long count() {
            return count;
        }

        public long firstPacket() {
            return firstPacket;
        }

        public long lastPacket() {
            return lastPacket;
        }

        /** The mean interval in seconds, or -1 with fewer than two keepalives. */
        public double meanIntervalSeconds() {
            return count < 2 ? -1 : (lastTime - firstTime) / 1e9 / (count - 1);
        }
    }

    private record Key(int point, TransportEndpoint source, TransportEndpoint destination) {}

    private final BoundedTable<Key, Stream> live;
    private final List<Stream> listed = new ArrayList<>();
    private final int maxListed;
    private long total;

    NatKeepalives(int capacity, int maxListed) {
        this.live = new BoundedTable<>(capacity, s -> { });
        this.maxListed = maxListed;
    }

    void accept(ObservationPoint point, TransportEndpoint source, TransportEndpoint destination, long packet, long time) {
        total++;
        Key key = new Key(point.index(), source, destination);
        Stream s = live.get(key);
        if (s == null) {
            s = new Stream(point, source, destination);
            s.firstPacket = packet;
            s.firstTime = time;
            live.put(key, s);
            if (listed.size() < maxListed) {
                listed.add(s);
            }
        }
        s.count++;
        s.lastPacket = packet;
        s.lastTime = time;
    }

    List<Stream> listed() {
        return Collections.unmodifiableList(listed);
    }

    long total() {
        return total;
    }
}
