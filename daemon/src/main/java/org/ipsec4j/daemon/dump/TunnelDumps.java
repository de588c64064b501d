package org.ipsec4j.daemon.dump;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import org.ipsec4j.ike.keys.EspSaSecrets;
import org.ipsec4j.ike.keys.IkeSaSecrets;
import org.ipsec4j.ike.message.IkeHeader;
import org.ipsec4j.ike.message.Payload;
import org.ipsec4j.ike.sa.Endpoint;
import org.ipsec4j.ike.sa.IkeDatagram;
import org.ipsec4j.ike.sa.IkeObserver;

/**
 * The running tunnel dumps, at most one per connection. It is the IKE engine's {@link IkeObserver} (the IKE
 * service sets it only while a dump runs), and the packet threads ask it, once per batch, whether any dump
 * runs ({@link #active()}) and then which one an SPI belongs to.
 */
public final class TunnelDumps implements IkeObserver {

    private static final TunnelDump[] NONE = new TunnelDump[0];

    private final Consumer<String> log;
    private final Map<String, TunnelDump> byConnection = new ConcurrentHashMap<>();
    /** The same dumps as an array, replaced whole: what the packet threads read. */
    private volatile TunnelDump[] active = NONE;

    public TunnelDumps(Consumer<String> log) {
        this.log = log;
    }

    /**
     * Starts dumping a connection into {@code directory}.
     *
     * @throws IllegalStateException the connection is being dumped already
     * @throws IOException           the files cannot be created
     */
    public synchronized TunnelDump start(String connection, Path directory) throws IOException {
        TunnelDump running = byConnection.get(connection);
        if (running != null) {
            throw new IllegalStateException(connection + " is being dumped to " + running.directory()
                    + " already; stop that first");
        }
        TunnelDump dump = TunnelDump.start(connection, directory, log);
        byConnection.put(connection, dump);
        publish();
        return dump;
    }

    /** Stops a connection's dump and closes its files; null if none ran. */
    public TunnelDump.Summary stop(String connection) {
        TunnelDump dump = detach(connection);
        return dump == null ? null : dump.close();
    }

    /**
     * Takes a connection's dump out of the running ones (nothing new reaches it) without closing it; null if none
     * ran. Close it then with {@link TunnelDump#close()}.
     */
    public synchronized TunnelDump detach(String connection) {
        TunnelDump dump = byConnection.remove(connection);
        if (dump != null) {
            publish();
        }
        return dump;
    }

    /** Stops every dump (the daemon is stopping). */
    public List<TunnelDump.Summary> stopAll() {
        List<TunnelDump.Summary> out = new ArrayList<>();
        for (String c : List.copyOf(byConnection.keySet())) {
            out.add(stop(c));
        }
        return out;
    }

    public TunnelDump dump(String connection) {
        return byConnection.get(connection);
    }

    public boolean isEmpty() {
        return byConnection.isEmpty();
    }

    /** The running dumps; empty (the same empty array) when none runs, which is what the packet threads check. */
    public TunnelDump[] active() {
        return active;
    }

    /** The dump among {@code dumps} whose connection has this SPI, or null. */
    public static TunnelDump forSpi(TunnelDump[] dumps, int spi) {
        for (TunnelDump d : dumps) {
            if (d.watches(spi)) {
                return d;
            }
        }
        return null;
    }

    private void publish() {
        active = byConnection.isEmpty() ? NONE : byConnection.values().toArray(TunnelDump[]::new);
    }

    // ---- IkeObserver, on the IKE thread ----

    @Override
    public boolean observes(String connection) {
        return byConnection.containsKey(connection);
    }

    @Override
    public void datagram(String connection, boolean outbound, IkeDatagram datagram) {
        TunnelDump d = byConnection.get(connection);
        if (d != null) {
            d.ikeDatagram(outbound, datagram);
        }
    }

    @Override
    public void message(String connection, boolean outbound, Endpoint local, Endpoint remote, IkeHeader header,
                        List<Payload> payloads) {
        TunnelDump d = byConnection.get(connection);
        if (d != null) {
            d.ikeMessage(outbound, local, remote, header, payloads);
        }
    }

    @Override
    public void ikeSaKeys(String connection, IkeSaSecrets keys) {
        TunnelDump d = byConnection.get(connection);
        if (d != null) {
            d.ikeKeys(keys);
        } else {
            keys.destroy();
        }
    }

    @Override
    public void childSaKeys(String connection, String child, long ikeSpiI, long ikeSpiR, EspSaSecrets outbound,
                            EspSaSecrets inbound) {
        TunnelDump d = byConnection.get(connection);
        if (d != null) {
            d.childKeys(child, ikeSpiI, ikeSpiR, outbound, inbound);
        } else {
            outbound.destroy();
            inbound.destroy();
        }
    }
}
