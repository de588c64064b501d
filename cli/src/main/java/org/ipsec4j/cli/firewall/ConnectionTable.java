package org.ipsec4j.cli.firewall;

import java.util.HashMap;
import java.util.Map;

/**
 * The connections a stateful firewall has seen, as far as the walk needs them: which way each one started and
 * whether an answer came back. A UDP flow is NEW until the other side has answered (conntrack's
 * IP_CT_NEW for the original direction), ESTABLISHED after.
 */
final class ConnectionTable {

    private static final class Entry {
        final FlowKey original;
        boolean replied;

        Entry(FlowKey original, boolean replied) {
            this.original = original;
            this.replied = replied;
        }
    }

    private final Map<FlowKey, Entry> entries = new HashMap<>();

    ConnectionTable copy() {
        ConnectionTable c = new ConnectionTable();
        entries.forEach((k, e) -> c.entries.put(k, new Entry(e.original, e.replied)));
        return c;
    }

    private Entry find(FlowKey key) {
        Entry e = entries.get(key);
        return e != null ? e : entries.get(key.reversed());
    }

    boolean knows(FlowKey key) {
        return find(key) != null;
    }

    ConnState state(FlowKey key) {
        Entry e = find(key);
        if (e == null || e.original.equals(key) && !e.replied) {
            return ConnState.NEW;
        }
        return ConnState.ESTABLISHED;
    }

    /** The packet with this key passed: the connection is confirmed, or answered. */
    void passed(FlowKey key) {
        Entry e = find(key);
        if (e == null) {
            entries.put(key, new Entry(key, false));
        } else if (!e.original.equals(key)) {
            e.replied = true;
        }
    }
}
