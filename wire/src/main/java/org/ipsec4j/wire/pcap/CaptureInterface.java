package org.ipsec4j.wire.pcap;

import java.util.Objects;

/**
 * An interface packets were captured on: the single implicit interface of a pcap file, or one Interface
 * Description Block of the current pcapng section.
 *
 * @param id       its index, as in {@link CapturedPacket#interfaceId()}
 * @param linkType the link-layer header type of its packets
 * @param snaplen  the snapshot length it declares; 0 means no limit (pcapng)
 * @param name     its if_name option, or the empty string when the file gives none
 */
public record CaptureInterface(int id, LinkType linkType, int snaplen, String name) {
    public CaptureInterface {
        Objects.requireNonNull(linkType, "linkType");
        Objects.requireNonNull(name, "name");
    }
}
