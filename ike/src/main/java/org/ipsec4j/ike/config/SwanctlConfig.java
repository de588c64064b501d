package org.ipsec4j.ike.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A parsed swanctl.conf: connections and pools by name in file order, and the IKE pre-shared keys.
 * Made by {@link SwanctlParser}; call {@link #destroySecrets()} once the keys are no longer needed.
 */
public record SwanctlConfig(Map<String, ConnectionConfig> connections, Map<String, PoolConfig> pools,
                            List<SharedSecret> secrets) {

    public SwanctlConfig {
        connections = Collections.unmodifiableMap(new LinkedHashMap<>(connections));
        pools = Collections.unmodifiableMap(new LinkedHashMap<>(pools));
        secrets = List.copyOf(secrets);
    }

    /**
     * The pre-shared key for a pair of identities, chosen as strongSwan does: a secret is a candidate if one
     * of its identities matches the local or the remote identity, or if it has none (then it matches
     * anything, as {@code %any}); among candidates the best match of the remote identity wins, then the best
     * of the local one, then the first in the file. An identity given as null is not compared (it matches
     * nothing, not even {@code %any}). See {@link IdentityMatch} for how identities compare.
     *
     * @param localId  our identity as text, or null if not known
     * @param remoteId the peer's identity as text, or null if not known
     */
    public Optional<SharedSecret> sharedSecret(String localId, String remoteId) {
        SharedSecret best = null;
        int bestRemote = -1;
        int bestLocal = -1;
        for (SharedSecret secret : secrets) {
            // A secret without identities belongs to %any (as swanctl loads it).
            List<String> owners = secret.ids().isEmpty() ? List.of("%any") : secret.ids();
            int local = best(owners, localId);
            int remote = best(owners, remoteId);
            boolean asked = localId != null || remoteId != null;
            if (asked && local == IdentityMatch.NONE && remote == IdentityMatch.NONE) {
                continue;
            }
            if (remote > bestRemote || (remote == bestRemote && local > bestLocal)) {
                best = secret;
                bestRemote = remote;
                bestLocal = local;
            }
        }
        return Optional.ofNullable(best);
    }

    private static int best(List<String> owners, String id) {
        int best = IdentityMatch.NONE;
        for (String owner : owners) {
            best = Math.max(best, IdentityMatch.match(owner, id));
        }
        return best;
    }

    /** Zeroes every pre-shared key. */
    public void destroySecrets() {
        secrets.forEach(SharedSecret::destroy);
    }
}
