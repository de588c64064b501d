package org.ipsec4j.wire.pcap;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes packets to a classic pcap or a pcapng capture, little-endian, through its own buffer.
 *
 * <p>Packets longer than the interface's snapshot length are cut to it, and the original length recorded,
 * as a capture would. Files written here are read back by {@link CaptureReader} and by tshark. A writer is
 * meant for one thread.
 */
public sealed interface CaptureWriter extends Closeable permits PcapWriter, PcapngWriter {

    /** Snapshot length tcpdump uses by default, and the largest the readers accept. */
    int DEFAULT_SNAPLEN = CaptureReader.MAX_PACKET_LENGTH;

    /** A classic pcap writer with nanosecond timestamps (magic 0xa1b23c4d). */
    static CaptureWriter pcap(OutputStream out, LinkType linkType, int snaplen) throws IOException {
        return pcap(out, linkType, snaplen, TimestampPrecision.NANOSECONDS);
    }

    /**
     * A classic pcap writer; the file header is written at once.
     *
     * @param snaplen 1 to {@link CaptureReader#MAX_PACKET_LENGTH}
     */
    static CaptureWriter pcap(OutputStream out, LinkType linkType, int snaplen, TimestampPrecision precision)
            throws IOException {
        return new PcapWriter(out, linkType, snaplen, precision);
    }

    /** A pcapng writer; its Section Header Block is written at once, interfaces are added with {@link #addInterface}. */
    static CaptureWriter pcapng(OutputStream out) throws IOException {
        return new PcapngWriter(out);
    }

    /**
     * Declares an interface and returns its id for {@link #write}. pcapng writes an Interface Description Block
     * with if_name and if_tsresol = 9 (nanoseconds); classic pcap has only the interface given at creation
     * and refuses.
     *
     * @param name    the if_name option, or null for none
     * @param snaplen 0 (no limit) to {@link CaptureReader#MAX_PACKET_LENGTH}
     * @throws UnsupportedOperationException for classic pcap
     */
    int addInterface(LinkType linkType, String name, int snaplen) throws IOException;

    /**
     * Writes one packet.
     *
     * @param interfaceId    an id returned by {@link #addInterface}; 0 for classic pcap
     * @param timestampNanos nanoseconds since 1970, not negative
     * @param data           the frame, starting with the link-layer header of the interface's link type
     * @param originalLength the length on the wire, at least {@code len}
     * @throws IllegalArgumentException if the interface is unknown, a length is inconsistent or larger than
     *                                  {@link CaptureReader#MAX_PACKET_LENGTH}, or the timestamp is negative
     */
    void write(int interfaceId, long timestampNanos, byte[] data, int off, int len, int originalLength)
            throws IOException;

    /** Writes one packet captured whole. */
    default void write(int interfaceId, long timestampNanos, byte[] data) throws IOException {
        write(interfaceId, timestampNanos, data, 0, data.length, data.length);
    }

    /** Writes a packet read from another capture, keeping its interface id, timestamp and lengths. */
    default void write(CapturedPacket packet) throws IOException {
        byte[] data = packet.data();
        write(packet.interfaceId(), packet.timestampNanos(), data, 0, data.length,
                Math.max(packet.originalLength(), data.length));
    }

    /** Pushes buffered bytes to the underlying stream. */
    void flush() throws IOException;

    /** Flushes and closes the underlying stream. Closing twice does nothing. */
    @Override
    void close() throws IOException;
}
