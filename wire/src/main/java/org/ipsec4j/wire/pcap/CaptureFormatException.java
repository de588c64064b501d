package org.ipsec4j.wire.pcap;

import java.io.IOException;

/**
 * A capture file is not valid pcap or pcapng, is truncated, or uses something ipsec4j does not support.
 *
 * <p>It names the field that was wrong and its byte offset in the file, e.g. {@code
 * "pcapng.block_total_length at offset 1024: 13 is not a multiple of 4"}, so a user can look at the file
 * with a hex dump and see the same thing.
 */
public final class CaptureFormatException extends IOException {

    private final String field;
    private final long offset;

    public CaptureFormatException(String field, long offset, String reason) {
        super(field + " at offset " + offset + ": " + reason);
        this.field = field;
        this.offset = offset;
    }

    /** The name of the field that was truncated or invalid, e.g. {@code "pcap.incl_len"}. */
    public String field() {
        return field;
    }

    /** The byte offset of that field from the start of the capture. */
    public long offset() {
        return offset;
    }
}
