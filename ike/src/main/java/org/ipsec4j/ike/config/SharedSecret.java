package org.ipsec4j.ike.config;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * An IKE pre-shared key ({@code secrets.ike<suffix>}) and the identities it belongs to ({@code id<suffix>}).
 * A secret without identities matches any pair of peers. Identities stay strings as written; the auth package
 * parses them.
 *
 * <p>The record owns its copy of the key: {@link #secret()} hands out a fresh copy (zero it when done), and
 * {@link #destroy()} zeroes the record's own. {@code toString} never shows the key; {@code equals} compares it
 * in constant time.
 */
public record SharedSecret(List<String> ids, byte[] secret) {

    public SharedSecret {
        ids = List.copyOf(ids);
        secret = Objects.requireNonNull(secret, "secret").clone();
    }

    /** A copy of the key; the caller zeroes it when done. */
    @Override
    public byte[] secret() {
        return secret.clone();
    }

    /** Key length in bytes. */
    public int length() {
        return secret.length;
    }

    /** Zeroes this record's key. */
    public void destroy() {
        Arrays.fill(secret, (byte) 0);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SharedSecret other && ids.equals(other.ids) && MessageDigest.isEqual(secret, other.secret);
    }

    @Override
    public int hashCode() {
        return ids.hashCode() * 31 + secret.length;
    }

    @Override
    public String toString() {
        return "SharedSecret[ids=" + ids + ", " + secret.length + " bytes]";
    }
}
