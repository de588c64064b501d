package org.ipsec4j.wire.pcap;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;

/**
 * A buffered input that counts its position, so every format error can name its file offset, and that
 * tells a clean end of file (nothing left) from a truncated record (part of it left).
 */
final class CaptureInput implements Closeable {

    private static final int BUFFER_SIZE = 64 * 1024;

    private static final int SKIP_BUFFER_SIZE = 8192;

    private final InputStream in;
    private byte[] skipBuffer;
    private long position;

    CaptureInput(InputStream in) {
        // Bytes already in memory gain nothing from a second buffer.
        this.in = in instanceof ByteArrayInputStream ? in : new BufferedInputStream(in, BUFFER_SIZE);
    }

    /** Offset of the next byte to be read, from the start of the capture. */
    long position() {
        return position;
    }

    /** Reads up to {@code length} bytes, fewer only at end of file; returns how many were read. */
    int readUpTo(byte[] buffer, int offset, int length) throws IOException {
        int total = 0;
        while (total < length) {
            int n = in.read(buffer, offset + total, length - total);
            if (n < 0) {
                break;
            }
            total += n;
            position += n;
        }
        return total;
    }

    /** Reads exactly {@code length} bytes or reports which field the file ended in. */
    void readFully(byte[] buffer, int offset, int length, String field) throws IOException {
        long start = position;
        int read = readUpTo(buffer, offset, length);
        if (read < length) {
            throw truncated(field, start, length, read);
        }
    }

    /**
     * Skips exactly {@code length} bytes by reading them: {@link InputStream#skip} on a file may move past its
     * end without saying so.
     */
    void skipFully(long length, String field) throws IOException {
        long start = position;
        long remaining = length;
        if (skipBuffer == null && remaining > 0) {
            skipBuffer = new byte[SKIP_BUFFER_SIZE];
        }
        while (remaining > 0) {
            int chunk = (int) Math.min(remaining, skipBuffer.length);
            int read = readUpTo(skipBuffer, 0, chunk);
            remaining -= read;
            if (read < chunk) {
                throw truncated(field, start, length, length - remaining);
            }
        }
    }

    CaptureFormatException truncated(String field, long start, long needed, long got) {
        return new CaptureFormatException(field, start, "truncated at offset " + (start + got) + ": needs "
                + needed + " bytes, the file ends after " + got);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
