package org.ipsec4j.daemon.config;

import java.time.Duration;
import java.util.Objects;

/**
 * How the daemon turns setkey statements into SAs.
 *
 * @param allowLegacy         accept 3DES and HMAC-MD5 (for old peers only)
 * @param encapsulation       what plain {@code esp} SAs use
 * @param natKeepalive        the NAT keepalive interval of outbound ESP-in-UDP SAs (RFC 3948 §4), or null for
 *                            none
 */
public record TranslationOptions(boolean allowLegacy, DefaultEncapsulation encapsulation, Duration natKeepalive) {

    /** RFC 3948 §4 leaves the interval to the implementation; 20 s is what strongSwan and others use. */
    public static final Duration DEFAULT_NAT_KEEPALIVE = Duration.ofSeconds(20);

    public TranslationOptions {
        Objects.requireNonNull(encapsulation, "encapsulation");
    }

    public static TranslationOptions defaults() {
        return new TranslationOptions(false, DefaultEncapsulation.UDP, DEFAULT_NAT_KEEPALIVE);
    }

    public TranslationOptions withAllowLegacy(boolean allow) {
        return new TranslationOptions(allow, encapsulation, natKeepalive);
    }

    public TranslationOptions withEncapsulation(DefaultEncapsulation value) {
        return new TranslationOptions(allowLegacy, value, natKeepalive);
    }
}
