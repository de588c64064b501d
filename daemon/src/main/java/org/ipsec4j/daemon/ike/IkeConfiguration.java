package org.ipsec4j.daemon.ike;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.ipsec4j.ike.auth.Identity;
import org.ipsec4j.ike.config.PoolConfig;
import org.ipsec4j.ike.config.SharedSecret;
import org.ipsec4j.ike.config.SwanctlConfig;
import org.ipsec4j.ike.sa.AddressPool;
import org.ipsec4j.ike.sa.IkeConnection;
import org.ipsec4j.ike.sa.SharedKeys;

/**
 * A swanctl.conf made ready for the IKE engine by {@link SwanctlTranslator}: the connections, the pre-shared
 * keys (kept in the parsed file's model, zeroed by {@link #destroySecrets}), the virtual IP pools, and per
 * connection what the engine does not hold itself: how often to try to connect, and a fingerprint that tells a
 * reload whether the connection changed.
 */
public final class IkeConfiguration {

    /**
     * What the daemon keeps beside an {@link IkeConnection}.
     *
     * @param fingerprint equal for two loads of an unchanged connection (its settings, its pool and the bytes
     *                    of every key and certificate file it read)
     * @param keyingTries {@code keyingtries}: attempts to set up the IKE SA when initiating; 0 means forever
     */
    public record Extras(Object fingerprint, int keyingTries) {}

    private final Path file;
    private final List<IkeConnection> connections;
    private final Map<String, Extras> extras;
    private final SwanctlConfig swanctl;
    private final Map<PoolConfig, AddressPool> pools;
    private final List<org.ipsec4j.esp.spd.SecurityPolicy> shunts;

    IkeConfiguration(Path file, List<IkeConnection> connections, Map<String, Extras> extras, SwanctlConfig swanctl,
            Map<PoolConfig, AddressPool> pools, List<org.ipsec4j.esp.spd.SecurityPolicy> shunts) {
        this.shunts = List.copyOf(shunts);
        this.file = Objects.requireNonNull(file, "file");
        this.connections = List.copyOf(connections);
        this.extras = Collections.unmodifiableMap(new LinkedHashMap<>(extras));
        this.swanctl = Objects.requireNonNull(swanctl, "swanctl");
        this.pools = Collections.unmodifiableMap(new LinkedHashMap<>(pools));
    }

    /** The same configuration with other connection objects (a reload keeps the unchanged ones running). */
    IkeConfiguration withConnections(List<IkeConnection> replacement) {
        return new IkeConfiguration(file, replacement, extras, swanctl, pools, shunts);
    }

    /**
     * The shunt policies of the children with {@code mode = pass} or {@code drop} (and {@code start_action =
     * trap}): outbound BYPASS or DISCARD for their selectors, ahead of every tunnel.
     */
    public List<org.ipsec4j.esp.spd.SecurityPolicy> shunts() {
        return shunts;
    }

    /** The file it came from, as given. */
    public Path file() {
        return file;
    }

    public List<IkeConnection> connections() {
        return connections;
    }

    public IkeConnection connection(String name) {
        for (IkeConnection c : connections) {
            if (c.name().equals(name)) {
                return c;
            }
        }
        return null;
    }

    public Extras extras(String name) {
        return extras.get(name);
    }

    /** The address pools by their configuration; a reload hands them to the translator to keep their leases. */
    public Map<PoolConfig, AddressPool> pools() {
        return pools;
    }

    /**
     * The pre-shared keys, found as strongSwan finds them ({@link SwanctlConfig#sharedSecret}); each call
     * hands out a fresh copy of the key, which the engine zeroes.
     */
    public SharedKeys sharedKeys() {
        return (local, remote) -> swanctl.sharedSecret(text(local), text(remote)).map(SharedSecret::secret)
                .orElse(null);
    }

    static String text(Identity id) {
        return id == null || id.isAny() ? null : id.toString();
    }

    /** Zeroes the pre-shared keys (after a reload replaced them, or when the daemon stops). */
    public void destroySecrets() {
        swanctl.destroySecrets();
    }
}
