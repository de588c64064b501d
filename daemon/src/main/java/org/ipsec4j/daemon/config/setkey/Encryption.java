package org.ipsec4j.daemon.config.setkey;

import java.util.Objects;

/** {@code -E ealgo key}; {@code toString} shows the key's length only. */
public record Encryption(EncryptionAlgorithm algorithm, KeyMaterial key) {

    public Encryption {
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(key, "key");
        if (!algorithm.acceptsKeyLength(key.length())) {
            throw new IllegalArgumentException(algorithm.setkeyName() + " takes "
                    + algorithm.describeKeyLengths() + ", not " + key.length());
        }
    }
}
