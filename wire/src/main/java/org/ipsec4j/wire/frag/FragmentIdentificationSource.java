package org.ipsec4j.wire.frag;

import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Chooses the 32-bit Identification of a datagram an IPv6 source fragments (RFC 8200 §4.5). It must differ from
 * that of any other fragmented packet sent recently between the same addresses, and should be unpredictable to
 * third parties (RFC 7739).
 */
@FunctionalInterface
public interface FragmentIdentificationSource {

    /**
     * @param packet the packet about to be fragmented
     * @param sourceOffset absolute offset of its 16-byte source address
     * @param destinationOffset absolute offset of its 16-byte destination address
     */
    int nextIdentification(byte[] packet, int sourceOffset, int destinationOffset);

    /**
     * Identifications drawn from {@code random} (RFC 7739 §5.2); pass a {@link java.security.SecureRandom} in
     * production and a seeded generator in tests.
     */
    static FragmentIdentificationSource random(RandomGenerator random) {
        Objects.requireNonNull(random, "random");
        return (packet, sourceOffset, destinationOffset) -> random.nextInt();
    }
}
