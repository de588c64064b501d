package org.ipsec4j.wire.pcap;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;

/** Classic pcap, little-endian, version 2.4 (draft-ietf-opsawg-pcap). */
final class PcapWriter implements CaptureWriter {

    private final CaptureOutput output;
    private final int snaplen;
    private final TimestampPrecision precision;

    PcapWriter(OutputStream out, LinkType linkType, int snaplen, TimestampPrecision precision) throws IOException {
        Objects.requireNonNull(linkType, "linkType");
        Objects.requireNonNull(precision, "precision");
        CaptureOutput.checkSnaplen(snaplen, 1);
        this.output = new CaptureOutput(out);
        this.snaplen = snaplen;
        this.precision = precision;
        output.header
                .putInt(precision.magic())
                .putShort((short) 2)
                .putShort((short) 4)
                .putInt(0) // reserved (was thiszone)
                .putInt(0) // reserved (was sigfigs)
                .putInt(snaplen)
                .putInt(linkType.code());
        output.writeHeader();
    }

    @Override
    public int addInterface(LinkType linkType, String name, int snaplen) {
        throw new UnsupportedOperationException(
                "classic pcap has exactly one interface, given when the writer is created");
    }

    @Override
    public void write(int interfaceId, long timestampNanos, byte[] data, int off, int len, int originalLength)
            throws IOException {
        if (interfaceId != 0) {
            throw new IllegalArgumentException("classic pcap has only interface 0, not " + interfaceId);
        }
        int captured = CaptureOutput.capturedLength(timestampNanos, data, off, len, originalLength, snaplen);
        long seconds = timestampNanos / 1_000_000_000L;
        if (seconds > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("timestamp " + timestampNanos + " is past 2106, beyond pcap's 32-bit seconds");
        }
        long fraction = (timestampNanos % 1_000_000_000L) / precision.nanosPerUnit();
        output.header
                .putInt((int) seconds)
                .putInt((int) fraction)
                .putInt(captured)
                .putInt(originalLength);
        output.writeHeader();
        output.write(data, off, captured);
    }

    @Override
    public void flush() throws IOException {
        output.flush();
    }

    @Override
    public void close() throws IOException {
        output.close();
    }
}
