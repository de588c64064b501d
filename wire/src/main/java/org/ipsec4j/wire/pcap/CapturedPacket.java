package org.ipsec4j.wire.pcap;

import java.util.Arrays;
import java.util.Objects;

/**
 * One packet record of a capture.
 *
 * <p>The array is not copied (the reader hands out a fresh array per packet and never touches it again);
 * equality compares its contents.
 *
 * @param timestampNanos nanoseconds since 1970-01-01T00:00Z; 0 for pcapng Simple Packet Blocks, which carry
 *                       no timestamp
 * @param linkType       the link-layer header type {@code data} starts with
 * @param interfaceId    the pcapng interface index within its section; always 0 for classic pcap
 * @param originalLength the length of the packet on the wire, which exceeds {@code data.length} when the
 *                       capture was cut at the snapshot length
 * @param data           the captured bytes, starting with the link-layer header
 */
public record CapturedPacket(long timestampNanos, LinkType linkType, int interfaceId, int originalLength, byte[] data) {

    public CapturedPacket {
        Objects.requireNonNull(linkType, "linkType");
        Objects.requireNonNull(data, "data");
        if (interfaceId < 0) {
            throw new IllegalArgumentException("interfaceId " + interfaceId + " is negative");
        }
        if (originalLength < 0) {
            throw new IllegalArgumentException("originalLength " + originalLength + " is negative");
        }
    }

    /** A packet captured whole: the original length is the captured length. */
    public CapturedPacket(long timestampNanos, LinkType linkType, int interfaceId, byte[] data) {
        this(timestampNanos, linkType, interfaceId, data.length, data);
    }

    /**
     * Where the network-layer packet starts inside {@link #data()}.
     *
     * @throws org.ipsec4j.wire.MalformedPacketException if the link-layer header is truncated
     */
    public NetworkPayload network() {
        return LinkLayer.locate(this);
    }

    /** True if the capture holds fewer bytes than were on the wire (cut at the snapshot length). */
    public boolean truncated() {
        return data.length < originalLength;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CapturedPacket that
                && timestampNanos == that.timestampNanos
                && linkType == that.linkType
                && interfaceId == that.interfaceId
                && originalLength == that.originalLength
                && Arrays.equals(data, that.data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(timestampNanos, linkType, interfaceId, originalLength, Arrays.hashCode(data));
    }

    @Override
    public String toString() {
        return "CapturedPacket[timestampNanos=" + timestampNanos + ", linkType=" + linkType + ", interfaceId="
                + interfaceId + ", originalLength=" + originalLength + ", captured=" + data.length + " bytes]";
    }
}
