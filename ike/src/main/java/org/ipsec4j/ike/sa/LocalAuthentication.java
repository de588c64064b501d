package org.ipsec4j.ike.sa;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

import org.ipsec4j.ike.auth.Identity;

/**
 * How we prove who we are: a pre-shared key (looked up in {@link SharedKeys} by both identities) or a private
 * key with its certificate chain (end entity first) signing with RFC 7427.
 */
public record LocalAuthentication(AuthKind kind, Identity id, PrivateKey privateKey, List<X509Certificate> certificates) {

    public enum AuthKind { PSK, PUBKEY }

    public LocalAuthentication {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(id, "id");
        certificates = certificates == null ? List.of() : List.copyOf(certificates);
        if (kind == AuthKind.PUBKEY && (privateKey == null || certificates.isEmpty())) {
            throw new IllegalArgumentException("public-key authentication as " + id + " needs a certificate and its private key");
        }
    }

    public static LocalAuthentication psk(Identity id) {
        return new LocalAuthentication(AuthKind.PSK, id, null, List.of());
    }
}
