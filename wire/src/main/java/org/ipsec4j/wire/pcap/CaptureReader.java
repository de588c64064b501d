package org.ipsec4j.wire.pcap;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.ipsec4j.wire.BigEndian;

/**
 * Reads packets from a classic pcap or a pcapng capture, one at a time, in constant memory.
 *
 * <p>{@link #open} recognises the format by its magic number. Malformed, truncated or unsupported input ends
 * in a {@link CaptureFormatException} naming the field and file offset; an end of file exactly between
 * records is the end of the capture. Nothing is allocated from a length read from the file before that
 * length has been checked against {@link #MAX_PACKET_LENGTH} or {@link #MAX_BLOCK_LENGTH}.
 *
 * <p>A reader is meant for one thread.
 */
public sealed interface CaptureReader extends AutoCloseable permits PcapReader, PcapngReader {

    /** Largest captured packet accepted: tcpdump's and Wireshark's maximum snapshot length, 256 KiB. */
    int MAX_PACKET_LENGTH = 256 * 1024;

    /**
     * Largest pcapng block read into memory (interface descriptions and packet blocks): a maximal packet plus
     * 64 KiB for its header and options. Other blocks are skipped as a stream, whatever their length.
     */
    int MAX_BLOCK_LENGTH = MAX_PACKET_LENGTH + 64 * 1024;

    /**
     * The next packet, or {@code null} at the end of the capture.
     *
     * @throws CaptureFormatException if the capture is malformed, truncated or unsupported from here on
     * @throws IOException            if reading the underlying stream fails
     */
    CapturedPacket next() throws IOException;

    /** The file format being read. */
    CaptureFormat format();

    /**
     * The interfaces declared so far: the single interface of a pcap file, or the Interface Description Blocks
     * of the current pcapng section (a new section starts a new list).
     */
    List<CaptureInterface> interfaces();

    /** Closes the underlying stream. */
    @Override
    void close() throws IOException;

    /** Opens a capture file, detecting its format. */
    static CaptureReader open(Path file) throws IOException {
        InputStream in = Files.newInputStream(file);
        try {
            return open(in);
        } catch (IOException | RuntimeException e) {
            try {
                in.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /**
     * Opens a capture read from a stream, detecting its format from the first bytes. The reader buffers the
     * stream itself and closes it when closed.
     */
    static CaptureReader open(InputStream in) throws IOException {
        CaptureInput input = new CaptureInput(in);
        byte[] magic = new byte[4];
        int read = input.readUpTo(magic, 0, 4);
        if (read == 0) {
            throw new CaptureFormatException("capture.magic", 0, "empty file: no pcap or pcapng header");
        }
        if (read < 4) {
            throw input.truncated("capture.magic", 0, 4, read);
        }
        int bigEndian = BigEndian.i32(magic, 0);
        if (bigEndian == PcapngReader.SECTION_HEADER_BLOCK) {
            return new PcapngReader(input);
        }
        for (TimestampPrecision precision : TimestampPrecision.values()) {
            if (bigEndian == precision.magic()) {
                return new PcapReader(input, ByteOrder.BIG_ENDIAN, precision);
            }
            if (bigEndian == Integer.reverseBytes(precision.magic())) {
                return new PcapReader(input, ByteOrder.LITTLE_ENDIAN, precision);
            }
        }
        throw new CaptureFormatException("capture.magic", 0, unknownMagic(bigEndian, magic));
    }

    private static String unknownMagic(int bigEndian, byte[] magic) {
        String hex = String.format("0x%08x", bigEndian);
        if (bigEndian == 0xa1b2cd34 || bigEndian == 0x34cdb2a1) {
            return hex + " is the modified (Kuznetzov) pcap format, which is not supported; convert it with"
                    + " editcap -F pcap";
        }
        if ((magic[0] & 0xFF) == 0x1f && (magic[1] & 0xFF) == 0x8b) {
            return hex + " is a gzip header: decompress the capture first";
        }
        return hex + " is neither a pcap magic (0xa1b2c3d4, 0xa1b23c4d, either byte order) nor a pcapng"
                + " Section Header Block (0x0a0d0d0a)";
    }
}
