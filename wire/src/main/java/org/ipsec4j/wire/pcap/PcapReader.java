package org.ipsec4j.wire.pcap;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Classic pcap (draft-ietf-opsawg-pcap): a 24-byte file header, then records of a 16-byte header and the
 * captured bytes, all in the byte order the magic number reveals.
 */
final class PcapReader implements CaptureReader {

    static final int FILE_HEADER_LENGTH = 24;
    static final int RECORD_HEADER_LENGTH = 16;
    private static final int SUPPORTED_MAJOR_VERSION = 2;

    private final CaptureInput input;
    private final ByteOrder order;
    private final TimestampPrecision precision;
    private final LinkType linkType;
    private final CaptureInterface captureInterface;
    private final byte[] recordHeader = new byte[RECORD_HEADER_LENGTH];
    private final ByteBuffer recordHeaderView;

    /** Reads the file header; the 4-byte magic has been consumed already. */
    PcapReader(CaptureInput input, ByteOrder order, TimestampPrecision precision) throws IOException {
        this.input = input;
        this.order = order;
        this.precision = precision;
        byte[] rest = new byte[FILE_HEADER_LENGTH - 4];
        input.readFully(rest, 0, rest.length, "pcap.file_header");
        ByteBuffer header = ByteBuffer.wrap(rest).order(order);
        int major = Short.toUnsignedInt(header.getShort(0));
        int minor = Short.toUnsignedInt(header.getShort(2));
        if (major != SUPPORTED_MAJOR_VERSION) {
            throw new CaptureFormatException("pcap.version_major", 4,
                    "version " + major + "." + minor + " is not supported (expected 2.x)");
        }
        long snaplen = Integer.toUnsignedLong(header.getInt(12));
        // The upper 16 bits carry FCS length and reserved flags; the link type is the lower 16.
        int linkTypeCode = header.getInt(16) & 0xFFFF;
        this.linkType = LinkType.lookup(linkTypeCode).orElseThrow(
                () -> new CaptureFormatException("pcap.linktype", 20, LinkType.unsupportedMessage(linkTypeCode)));
        this.captureInterface = new CaptureInterface(0, linkType, (int) Math.min(snaplen, Integer.MAX_VALUE), "");
        this.recordHeaderView = ByteBuffer.wrap(recordHeader).order(order);
    }

    @Override
    public CapturedPacket next() throws IOException {
        long recordStart = input.position();
        int read = input.readUpTo(recordHeader, 0, RECORD_HEADER_LENGTH);
        if (read == 0) {
            return null;
        }
        if (read < RECORD_HEADER_LENGTH) {
            throw input.truncated("pcap.record_header", recordStart, RECORD_HEADER_LENGTH, read);
        }
        long seconds = Integer.toUnsignedLong(recordHeaderView.getInt(0));
        long fraction = Integer.toUnsignedLong(recordHeaderView.getInt(4));
        long capturedLength = Integer.toUnsignedLong(recordHeaderView.getInt(8));
        long originalLength = Integer.toUnsignedLong(recordHeaderView.getInt(12));
        if (capturedLength > MAX_PACKET_LENGTH) {
            throw new CaptureFormatException("pcap.incl_len", recordStart + 8,
                    "captured length " + capturedLength + " exceeds the " + MAX_PACKET_LENGTH + "-byte limit");
        }
        if (originalLength > Integer.MAX_VALUE) {
            throw new CaptureFormatException("pcap.orig_len", recordStart + 12,
                    "original length " + originalLength + " is impossible");
        }
        byte[] data = new byte[(int) capturedLength];
        input.readFully(data, 0, data.length, "pcap.packet_data");
        if (linkType == LinkType.NFLOG && order == ByteOrder.BIG_ENDIAN) {
            NflogHeaders.bigToLittleEndian(data);
        }
        // At most (2^32 - 1) * 10^9 + (2^32 - 1) * 1000, well inside a long.
        long nanos = seconds * 1_000_000_000L + fraction * precision.nanosPerUnit();
        return new CapturedPacket(nanos, linkType, 0, (int) originalLength, data);
    }

    @Override
    public CaptureFormat format() {
        return CaptureFormat.PCAP;
    }

    @Override
    public List<CaptureInterface> interfaces() {
        return List.of(captureInterface);
    }

    @Override
    public void close() throws IOException {
        input.close();
    }
}
