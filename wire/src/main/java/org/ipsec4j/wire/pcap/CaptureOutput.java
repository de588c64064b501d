package org.ipsec4j.wire.pcap;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;

/** The buffered, little-endian output both writers share, with the argument checks they share. */
final class CaptureOutput {

    private static final int BUFFER_SIZE = 64 * 1024;
    private static final byte[] PADDING = new byte[4];

    private final OutputStream out;
    /** Scratch space for block and record headers, large enough for an IDB with a maximal if_name. */
    final ByteBuffer header = ByteBuffer.allocate(512).order(ByteOrder.LITTLE_ENDIAN);
    private boolean closed;

    CaptureOutput(OutputStream out) {
        this.out = new BufferedOutputStream(Objects.requireNonNull(out, "out"), BUFFER_SIZE);
    }

    /** Writes what has been put into {@link #header} and clears it. */
    void writeHeader() throws IOException {
        ensureOpen();
        out.write(header.array(), 0, header.position());
        header.clear();
    }

    void write(byte[] data, int off, int len) throws IOException {
        ensureOpen();
        out.write(data, off, len);
    }

    void pad(int written) throws IOException {
        int padding = LinkLayer.align4(written) - written;
        write(PADDING, 0, padding);
    }

    void flush() throws IOException {
        ensureOpen();
        out.flush();
    }

    void close() throws IOException {
        if (!closed) {
            closed = true;
            out.close();
        }
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("capture writer is closed");
        }
    }

    static void checkSnaplen(int snaplen, int minimum) {
        if (snaplen < minimum || snaplen > CaptureReader.MAX_PACKET_LENGTH) {
            throw new IllegalArgumentException("snaplen " + snaplen + " is outside " + minimum + ".."
                    + CaptureReader.MAX_PACKET_LENGTH);
        }
    }

    /** Checks a packet's arguments and returns how many bytes to store once cut at {@code snaplen} (0 = none). */
    static int capturedLength(long timestampNanos, byte[] data, int off, int len, int originalLength, int snaplen) {
        Objects.checkFromIndexSize(off, len, data.length);
        if (timestampNanos < 0) {
            throw new IllegalArgumentException("timestamp " + timestampNanos + " is before 1970");
        }
        if (originalLength < len) {
            throw new IllegalArgumentException("originalLength " + originalLength + " is less than len " + len);
        }
        int captured = snaplen > 0 ? Math.min(len, snaplen) : len;
        if (captured > CaptureReader.MAX_PACKET_LENGTH) {
            throw new IllegalArgumentException("packet of " + captured + " bytes exceeds the "
                    + CaptureReader.MAX_PACKET_LENGTH + "-byte limit readers accept");
        }
        return captured;
    }
}
