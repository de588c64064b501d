package org.ipsec4j.daemon.config.setkey;

import java.util.Objects;

/** {@code -A aalgo key}; {@code toString} shows the key's length only. */
public record Authentication(AuthenticationAlgorithm algorithm, KeyMaterial key) {

    public Authentication {
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(key, "key");
        if (key.length() != algorithm.keyLength()) {
            throw new IllegalArgumentException(algorithm.setkeyName() + " takes " + algorithm.keyLength()
                    + " bytes, not " + key.length());
        }
    }
}
