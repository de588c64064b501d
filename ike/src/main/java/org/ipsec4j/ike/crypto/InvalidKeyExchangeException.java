package org.ipsec4j.ike.crypto;

/**
 * A peer's Diffie-Hellman public value that must not be used: of the wrong length, outside the group
 * (RFC 6989 §2), or leading to an all-zero X25519 secret (RFC 8031 §2). The message says which.
 */
public final class InvalidKeyExchangeException extends Exception {

    private static final long serialVersionUID = 1L;

    private final DhGroup group;

    public InvalidKeyExchangeException(DhGroup group, String message) {
        super(group + ": " + message);
        this.group = group;
    }

    public InvalidKeyExchangeException(DhGroup group, String message, Throwable cause) {
        super(group + ": " + message, cause);
        this.group = group;
    }

    /** The group the value was offered for. */
    public DhGroup group() {
        return group;
    }
}
