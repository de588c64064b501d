package org.ipsec4j.diag.analyze;

import java.util.function.Consumer;

/** The {@link PeerPair}s of a capture, bounded. */
final class PeerPairTable {

    private final BoundedTable<PeerPair.Key, PeerPair> live;

    PeerPairTable(int capacity, Consumer<PeerPair> retired) {
        this.live = new BoundedTable<>(capacity, retired);
    }

    /** The pair of {@code a} and {@code b}, created if new. */
    PeerPair get(NetAddress a, NetAddress b) {
        PeerPair.Key key = PeerPair.key(a, b);
        PeerPair pair = live.get(key);
        if (pair == null) {
            pair = new PeerPair(key.low(), key.high());
            live.put(key, pair);
        }
        return pair;
    }

    void finish() {
        live.retireAll();
    }
}
