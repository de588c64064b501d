package org.ipsec4j.diag.analyze;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The observation points of a capture, numbered as they appear. A capture has few of them; a pathological
 * file with thousands of interface indexes is capped at {@link #MAX_POINTS}, the rest sharing the last.
 */
final class ObservationPoints {

    static final int MAX_POINTS = 256;

    private final Map<Long, ObservationPoint> byKey = new HashMap<>();
    private final List<ObservationPoint> points = new ArrayList<>();
    private long lastKey = Long.MIN_VALUE;
    private ObservationPoint last;

    /** The point for a packet; {@code name} is asked for only when the point is new. */
    ObservationPoint of(int interfaceId, int ifIndex, boolean outgoing, java.util.function.IntFunction<String> name) {
        long key = ((long) interfaceId << 33) ^ ((long) (ifIndex + 1) << 1) ^ (outgoing ? 1 : 0);
        if (key == lastKey) {
            return last;
        }
        ObservationPoint point = byKey.get(key);
        if (point == null) {
            if (points.size() >= MAX_POINTS) {
                point = points.getLast();
            } else {
                point = new ObservationPoint(points.size(), interfaceId, name.apply(interfaceId), ifIndex, outgoing);
                points.add(point);
                byKey.put(key, point);
            }
        }
        lastKey = key;
        last = point;
        return point;
    }

    List<ObservationPoint> all() {
        return List.copyOf(points);
    }

    int size() {
        return points.size();
    }
}
