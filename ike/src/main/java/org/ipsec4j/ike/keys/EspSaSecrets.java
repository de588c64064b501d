package org.ipsec4j.ike.keys;

import java.util.Arrays;
import java.util.Objects;

import org.ipsec4j.esp.crypto.EspCodec;
import org.ipsec4j.esp.crypto.EspTransform;
import org.ipsec4j.esp.selector.IpAddress;

/**
 * The keys of one ESP SA, one direction (RFC 4303): its SPI, the outer addresses when known, the transform,
 * whether it uses extended sequence numbers, and the encryption key (key | salt for the AEADs) and integrity key
 * (empty for the AEADs).
 *
 * <p>The record owns its arrays and hands them out as they are; {@link #destroy()} zeroes them.
 *
 * @param source      the sender's outer address, or null if the source did not say
 * @param destination the receiver's outer address, or null
 */
public record EspSaSecrets(int spi, IpAddress source, IpAddress destination, EspTransform transform, boolean esn,
                           byte[] encryptionKey, byte[] integrityKey) {

    public EspSaSecrets {
        Objects.requireNonNull(transform, "transform");
        Objects.requireNonNull(encryptionKey, "encryptionKey");
        Objects.requireNonNull(integrityKey, "integrityKey");
        if (encryptionKey.length != transform.encryption().keyMaterialLength()) {
            throw new IllegalArgumentException(transform.encryption() + " needs "
                    + transform.encryption().keyMaterialLength() + " bytes of key, not " + encryptionKey.length);
        }
        if (integrityKey.length != transform.integrity().keyLength()) {
            throw new IllegalArgumentException(transform.integrity() + " needs " + transform.integrity().keyLength()
                    + " bytes of key, not " + integrityKey.length);
        }
    }

    /** A codec that opens (and could build) this SA's packets; it copies the keys. Destroy it when done. */
    public EspCodec codec() {
        return new EspCodec(transform, spi, esn, encryptionKey, integrityKey);
    }

    /** Zeroes both keys. */
    public void destroy() {
        Arrays.fill(encryptionKey, (byte) 0);
        Arrays.fill(integrityKey, (byte) 0);
    }

    @Override
    public boolean equals(Object o) {
        return this == o;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }

    @Override
    public String toString() {
        return "EspSaSecrets[" + String.format("%08x", spi) + " " + (source == null ? "?" : source) + " -> "
                + (destination == null ? "?" : destination) + " " + transform + (esn ? " ESN" : "") + "]";
    }
}
