package org.ipsec4j.diag.analyze;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A map of live entries that holds at most {@code capacity} of them: the least recently used one is retired
 * (handed to {@code retired}) to make room. The analysis's memory is bounded by these capacities, whatever
 * the capture's length.
 */
final class BoundedTable<K, V> {

    private final int capacity;
    private final Consumer<V> retired;
    private final LinkedHashMap<K, V> map;
    private long retiredCount;

    BoundedTable(int capacity, Consumer<V> retired) {
        this.capacity = capacity;
        this.retired = retired;
        this.map = new LinkedHashMap<>(Math.min(capacity, 1024), 0.75f, true);
    }

    /** The live entry, now the most recently used; or null. */
    V get(K key) {
        return map.get(key);
    }

    /** Adds a new entry, retiring the least recently used one when full. */
    void put(K key, V value) {
        if (map.containsKey(key)) {
            map.put(key, value);
            return;
        }
        if (map.size() >= capacity) {
            var eldest = map.entrySet().iterator();
            Map.Entry<K, V> e = eldest.next();
            eldest.remove();
            retiredCount++;
            retired.accept(e.getValue());
        }
        map.put(key, value);
    }

    V remove(K key) {
        return map.remove(key);
    }

    /** The live entries, least recently used first. */
    Collection<V> values() {
        return map.values();
    }

    int size() {
        return map.size();
    }

    long retiredCount() {
        return retiredCount;
    }

    /** Retires every live entry, least recently used first, and empties the table. */
    void retireAll() {
        var all = new ArrayList<>(map.values());
        map.clear();
        all.forEach(retired);
    }
}
