package org.ipsec4j.ike.sa;

import java.util.Objects;

import org.ipsec4j.ike.auth.Identity;
import org.ipsec4j.ike.auth.TrustStore;

/**
 * What we demand of the peer: its identity (possibly {@code %any}) and how it must prove it; for PUBKEY the
 * CAs its certificate must chain to.
 */
public record PeerAuthentication(LocalAuthentication.AuthKind kind, Identity id, TrustStore trust) {

    public PeerAuthentication {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(id, "id");
        if (kind == LocalAuthentication.AuthKind.PUBKEY && trust == null) {
            throw new IllegalArgumentException("public-key authentication of " + id + " needs CA certificates");
        }
    }
}
