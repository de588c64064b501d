package org.ipsec4j.daemon.config.setkey;

import java.util.Objects;

/** What an SPD entry matches: source and destination ranges and the upper layer. */
public record PolicySelector(AddressSelector source, AddressSelector destination, UpperLayer upperLayer) {

    public PolicySelector {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(upperLayer, "upperLayer");
        if (Addresses.bits(source.address()) != Addresses.bits(destination.address())) {
            throw new IllegalArgumentException("source and destination of different families: " + source + " "
                    + destination);
        }
    }

    @Override
    public String toString() {
        return source + " " + destination + " " + upperLayer;
    }
}
