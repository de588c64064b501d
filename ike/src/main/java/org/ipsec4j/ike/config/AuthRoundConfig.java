package org.ipsec4j.ike.config;

import java.util.List;
import java.util.Objects;

/**
 * A {@code local} or {@code remote} authentication round of a connection (swanctl.conf(5)
 * {@code connections.<conn>.local<suffix>} / {@code remote<suffix>}). ipsec4j does one round per side: a
 * second round (RFC 4739) is refused by the parser.
 *
 * @param section the section's name as written ({@code local}, {@code remote-cert}, ...)
 * @param method  how this side authenticates (default {@link Method#PUBKEY}, as strongSwan)
 * @param id      the IKE identity as written, parsed by the auth package; null if not configured: then a local
 *                side uses its certificate's subject or its IP address, and a remote side accepts any
 *                identity ({@code %any}, which the parser also writes explicitly for remote rounds)
 * @param certs   certificate files ({@code certs}), as written: relative to swanctl's {@code x509} directory
 *                or absolute
 * @param caCerts CA certificate files the remote side's chain must end in ({@code cacerts}, remote rounds
 *                only), relative to swanctl's {@code x509ca} directory or absolute
 */
public record AuthRoundConfig(String section, Method method, String id, List<String> certs, List<String> caCerts) {

    /** {@code auth}: the two methods ipsec4j implements. */
    public enum Method {
        /** Signature with a private key whose certificate is in {@code certs} (RFC 7296 §2.15, RFC 7427). */
        PUBKEY,
        /** A pre-shared key from the {@code secrets} section (RFC 7296 §2.15). */
        PSK
    }

    public AuthRoundConfig {
        Objects.requireNonNull(section, "section");
        Objects.requireNonNull(method, "method");
        certs = List.copyOf(certs);
        caCerts = List.copyOf(caCerts);
    }

    public boolean hasId() {
        return id != null;
    }
}
