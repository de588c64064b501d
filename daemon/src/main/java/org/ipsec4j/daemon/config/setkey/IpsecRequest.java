package org.ipsec4j.daemon.config.setkey;

import java.util.Objects;
import java.util.Optional;

/**
 * One rule of an {@code ipsec} policy, {@code protocol/mode/src-dst/level}, e.g.
 * {@code esp/tunnel/192.0.2.1-198.51.100.2/require} or {@code esp/transport//require}. Tunnel mode always has
 * both endpoints; transport mode may name them. {@code unique:N} binds the policy to the SA added with
 * {@code -u N}.
 */
public record IpsecRequest(SecurityProtocol protocol, Mode mode, Optional<Endpoint> tunnelSource,
        Optional<Endpoint> tunnelDestination, Level level, int uniqueId) {

    public static final int MAX_UNIQUE_ID = 32767;

    public enum Mode {
        TRANSPORT("transport"),
        TUNNEL("tunnel");

        private final String setkeyName;

        Mode(String setkeyName) {
            this.setkeyName = setkeyName;
        }

        public String setkeyName() {
            return setkeyName;
        }
    }

    /** How strictly the policy wants an SA; {@link #DEFAULT} defers to the system default. */
    public enum Level {
        DEFAULT("default"),
        USE("use"),
        REQUIRE("require"),
        UNIQUE("unique");

        private final String setkeyName;

        Level(String setkeyName) {
            this.setkeyName = setkeyName;
        }

        public String setkeyName() {
            return setkeyName;
        }
    }

    public IpsecRequest {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(tunnelSource, "tunnelSource");
        Objects.requireNonNull(tunnelDestination, "tunnelDestination");
        Objects.requireNonNull(level, "level");
        if (tunnelSource.isPresent() != tunnelDestination.isPresent()) {
            throw new IllegalArgumentException("both endpoints or none");
        }
        if (mode == Mode.TUNNEL && tunnelSource.isEmpty()) {
            throw new IllegalArgumentException("tunnel mode needs endpoints");
        }
        if (tunnelSource.isPresent() && Addresses.bits(tunnelSource.get().address())
                != Addresses.bits(tunnelDestination.get().address())) {
            throw new IllegalArgumentException("endpoints of different families");
        }
        if (uniqueId < 0 || uniqueId > MAX_UNIQUE_ID || (uniqueId != 0 && level != Level.UNIQUE)) {
            throw new IllegalArgumentException("unique id " + uniqueId + " with level " + level);
        }
    }

    public static IpsecRequest transport(SecurityProtocol protocol, Level level) {
        return new IpsecRequest(protocol, Mode.TRANSPORT, Optional.empty(), Optional.empty(), level, 0);
    }

    public static IpsecRequest tunnel(SecurityProtocol protocol, Endpoint source, Endpoint destination,
            Level level) {
        return new IpsecRequest(protocol, Mode.TUNNEL, Optional.of(source), Optional.of(destination), level, 0);
    }

    public IpsecRequest withUniqueId(int id) {
        return new IpsecRequest(protocol, mode, tunnelSource, tunnelDestination, Level.UNIQUE, id);
    }

    @Override
    public String toString() {
        String endpoints = tunnelSource.map(s -> s + "-" + tunnelDestination.orElseThrow()).orElse("");
        String levelText = uniqueId != 0 ? "unique:" + uniqueId : level.setkeyName();
        return protocol.setkeyName() + "/" + mode.setkeyName() + "/" + endpoints + "/" + levelText;
    }
}
