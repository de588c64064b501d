package org.ipsec4j.wire.pcap;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * pcapng (draft-ietf-opsawg-pcapng): a sequence of sections, each a Section Header Block followed by
 * blocks of type(4) total length(4) body total length(4), in the byte order the section header declares.
 *
 * <p>Interface Description, Enhanced, Simple and (obsolete) Packet Blocks are read into one reusable buffer
 * capped at {@link #MAX_BLOCK_LENGTH}; every other block (Name Resolution, Interface Statistics, Decryption
 * Secrets, custom, ...) and the section header's options are skipped as a stream, so memory stays constant.
 */
final class PcapngReader implements CaptureReader {

    static final int SECTION_HEADER_BLOCK = 0x0A0D0D0A;
    static final int INTERFACE_DESCRIPTION_BLOCK = 0x00000001;
    static final int OBSOLETE_PACKET_BLOCK = 0x00000002;
    static final int SIMPLE_PACKET_BLOCK = 0x00000003;
    static final int ENHANCED_PACKET_BLOCK = 0x00000006;
    static final int BYTE_ORDER_MAGIC = 0x1A2B3C4D;
    static final int SUPPORTED_MAJOR_VERSION = 1;

    static final int OPT_ENDOFOPT = 0;
    static final int IF_NAME = 2;
    static final int IF_TSRESOL = 9;
    static final int IF_TSOFFSET = 14;

    /** Bounds the per-section interface table, so a file of endless IDBs cannot exhaust memory. */
    static final int MAX_INTERFACES_PER_SECTION = 4096;
    /** Interface names longer than this are cut (Linux allows 15 bytes, Windows device names about 50). */
    static final int MAX_INTERFACE_NAME_BYTES = 256;

    private static final int BLOCK_HEADER_LENGTH = 8;
    private static final int BLOCK_TRAILER_LENGTH = 4;
    /** Body bytes before the packet data in EPBs and OPBs: interface, timestamp (2), captured and original length. */
    private static final int PACKET_HEADER_LENGTH = 20;

    /** The blocks read into memory, with the minimum total length the format allows for each. */
    private enum BlockKind {
        SECTION_HEADER("shb", "Section Header Block", 28),
        INTERFACE_DESCRIPTION("idb", "Interface Description Block", 20),
        ENHANCED_PACKET("epb", "Enhanced Packet Block", 32),
        SIMPLE_PACKET("spb", "Simple Packet Block", 16),
        OBSOLETE_PACKET("opb", "Packet Block", 32),
        OTHER("block", "block", 12);

        final String field;
        final String description;
        final int minimumLength;

        BlockKind(String field, String description, int minimumLength) {
            this.field = "pcapng." + field;
            this.description = description;
            this.minimumLength = minimumLength;
        }
    }

    /** What the reader remembers of an Interface Description Block. */
    private record InterfaceState(CaptureInterface description, TimestampResolution resolution, long offsetSeconds) {}

    private final CaptureInput input;
    private final List<InterfaceState> interfaces = new ArrayList<>();
    private final byte[] header = new byte[BLOCK_HEADER_LENGTH];
    private final ByteBuffer headerView = ByteBuffer.wrap(header);
    private ByteOrder order = ByteOrder.BIG_ENDIAN;
    private byte[] block = new byte[4096];
    private ByteBuffer blockView = ByteBuffer.wrap(block);

    /** Reads the first Section Header Block; its 4-byte type has been consumed already. */
    PcapngReader(CaptureInput input) throws IOException {
        this.input = input;
        readSectionHeader(0);
    }

    @Override
    public CapturedPacket next() throws IOException {
        while (true) {
            long blockStart = input.position();
            int read = input.readUpTo(header, 0, 4);
            if (read == 0) {
                return null;
            }
            if (read < 4) {
                throw input.truncated("pcapng.block_type", blockStart, 4, read);
            }
            int type = headerView.getInt(0);
            if (type == SECTION_HEADER_BLOCK) {
                readSectionHeader(blockStart);
                continue;
            }
            input.readFully(header, 4, 4, "pcapng.block_total_length");
            long totalLength = Integer.toUnsignedLong(headerView.getInt(4));
            switch (type) {
                case INTERFACE_DESCRIPTION_BLOCK -> {
                    int bodyLength = readBody(BlockKind.INTERFACE_DESCRIPTION, blockStart, totalLength);
                    addInterface(blockStart, bodyLength);
                }
                case ENHANCED_PACKET_BLOCK -> {
                    int bodyLength = readBody(BlockKind.ENHANCED_PACKET, blockStart, totalLength);
                    return packet(BlockKind.ENHANCED_PACKET, blockStart, bodyLength,
                            Integer.toUnsignedLong(blockView.getInt(0)));
                }
                case OBSOLETE_PACKET_BLOCK -> {
                    int bodyLength = readBody(BlockKind.OBSOLETE_PACKET, blockStart, totalLength);
                    return packet(BlockKind.OBSOLETE_PACKET, blockStart, bodyLength,
                            Short.toUnsignedInt(blockView.getShort(0)));
                }
                case SIMPLE_PACKET_BLOCK -> {
                    int bodyLength = readBody(BlockKind.SIMPLE_PACKET, blockStart, totalLength);
                    return simplePacket(blockStart, bodyLength);
                }
                default -> skipBlock(blockStart, totalLength);
            }
        }
    }

    /**
     * Reads a Section Header Block whose type has been consumed: total length(4) byte-order magic(4)
     * major(2) minor(2) section length(8) options. The magic decides the byte order of the whole section,
     * including the total length read before it.
     */
    private void readSectionHeader(long blockStart) throws IOException {
        BlockKind kind = BlockKind.SECTION_HEADER;
        input.readFully(header, 0, 8, kind.field);
        int magic = ByteBuffer.wrap(header, 4, 4).order(ByteOrder.BIG_ENDIAN).getInt();
        if (magic == BYTE_ORDER_MAGIC) {
            order = ByteOrder.BIG_ENDIAN;
        } else if (magic == Integer.reverseBytes(BYTE_ORDER_MAGIC)) {
            order = ByteOrder.LITTLE_ENDIAN;
        } else {
            throw new CaptureFormatException("pcapng.shb.byte_order_magic", blockStart + 8,
                    String.format("0x%08x is not 0x1a2b3c4d in either byte order", magic));
        }
        headerView.order(order);
        blockView.order(order);
        long totalLength = Integer.toUnsignedLong(headerView.getInt(0));
        checkTotalLength(kind, blockStart, totalLength);
        input.readFully(header, 0, 4, "pcapng.shb.version");
        int major = Short.toUnsignedInt(headerView.getShort(0));
        int minor = Short.toUnsignedInt(headerView.getShort(2));
        if (major != SUPPORTED_MAJOR_VERSION) {
            throw new CaptureFormatException("pcapng.shb.major_version", blockStart + 12,
                    "version " + major + "." + minor + " is not supported (expected 1.x)");
        }
        // Section length (8 bytes, may be -1) and options: nothing here that packets depend on.
        input.skipFully(totalLength - kind.minimumLength + 8, kind.field);
        checkTrailer(blockStart, totalLength, readTrailer(kind));
        interfaces.clear();
    }

    private void checkTotalLength(BlockKind kind, long blockStart, long totalLength) throws CaptureFormatException {
        if (totalLength % 4 != 0) {
            throw new CaptureFormatException("pcapng.block_total_length", blockStart + 4,
                    kind.description + " length " + totalLength + " is not a multiple of 4");
        }
        if (totalLength < kind.minimumLength) {
            throw new CaptureFormatException("pcapng.block_total_length", blockStart + 4,
                    kind.description + " length " + totalLength + " is shorter than its minimum of "
                            + kind.minimumLength);
        }
    }

    /** Reads the rest of a block into {@link #block}: body then trailer. Returns the body length. */
    private int readBody(BlockKind kind, long blockStart, long totalLength) throws IOException {
        checkTotalLength(kind, blockStart, totalLength);
        if (totalLength > MAX_BLOCK_LENGTH) {
            throw new CaptureFormatException("pcapng.block_total_length", blockStart + 4,
                    kind.description + " length " + totalLength + " exceeds the " + MAX_BLOCK_LENGTH + "-byte limit");
        }
        int rest = (int) totalLength - BLOCK_HEADER_LENGTH;
        ensureBlockCapacity(rest);
        input.readFully(block, 0, rest, kind.field);
        int bodyLength = rest - BLOCK_TRAILER_LENGTH;
        checkTrailer(blockStart, totalLength, Integer.toUnsignedLong(blockView.getInt(bodyLength)));
        return bodyLength;
    }

    private void skipBlock(long blockStart, long totalLength) throws IOException {
        BlockKind kind = BlockKind.OTHER;
        checkTotalLength(kind, blockStart, totalLength);
        input.skipFully(totalLength - kind.minimumLength, kind.field);
        checkTrailer(blockStart, totalLength, readTrailer(kind));
    }

    private long readTrailer(BlockKind kind) throws IOException {
        input.readFully(header, 0, 4, kind.field + ".trailer");
        return Integer.toUnsignedLong(headerView.getInt(0));
    }

    private void checkTrailer(long blockStart, long totalLength, long trailingLength) throws CaptureFormatException {
        if (trailingLength != totalLength) {
            throw new CaptureFormatException("pcapng.block_total_length", blockStart + totalLength - 4,
                    "trailing copy " + trailingLength + " does not match the leading " + totalLength
                            + " at offset " + (blockStart + 4));
        }
    }

    private void ensureBlockCapacity(int length) {
        if (block.length < length) {
            block = new byte[Math.min(MAX_BLOCK_LENGTH, Math.max(length, block.length * 2))];
            blockView = ByteBuffer.wrap(block).order(order);
        }
    }

    // IDB body: link type(2) reserved(2) snaplen(4) options.
    private void addInterface(long blockStart, int bodyLength) throws CaptureFormatException {
        long bodyOffset = blockStart + BLOCK_HEADER_LENGTH;
        if (interfaces.size() >= MAX_INTERFACES_PER_SECTION) {
            throw new CaptureFormatException("pcapng.idb", blockStart,
                    "more than " + MAX_INTERFACES_PER_SECTION + " interfaces in one section");
        }
        int linkTypeCode = Short.toUnsignedInt(blockView.getShort(0));
        LinkType linkType = LinkType.lookup(linkTypeCode).orElseThrow(() -> new CaptureFormatException(
                "pcapng.idb.link_type", bodyOffset, LinkType.unsupportedMessage(linkTypeCode)));
        long snaplen = Integer.toUnsignedLong(blockView.getInt(4));
        String name = "";
        TimestampResolution resolution = TimestampResolution.MICROSECONDS;
        long offsetSeconds = 0;
        int position = 8;
        while (bodyLength - position >= 4) {
            int code = Short.toUnsignedInt(blockView.getShort(position));
            int length = Short.toUnsignedInt(blockView.getShort(position + 2));
            int value = position + 4;
            if (code == OPT_ENDOFOPT) {
                break;
            }
            if (length > bodyLength - value) {
                throw new CaptureFormatException("pcapng.idb.option_length", bodyOffset + position + 2,
                        "option " + code + " of length " + length + " runs past the end of the block ("
                                + (bodyLength - value) + " bytes left)");
            }
            switch (code) {
                case IF_NAME -> name = interfaceName(value, length);
                case IF_TSRESOL -> {
                    requireOptionLength("pcapng.idb.if_tsresol", bodyOffset + position + 2, length, 1);
                    resolution = TimestampResolution.fromOption(block[value] & 0xFF);
                }
                case IF_TSOFFSET -> {
                    requireOptionLength("pcapng.idb.if_tsoffset", bodyOffset + position + 2, length, 8);
                    offsetSeconds = blockView.getLong(value);
                }
                default -> { /* description, addresses, filter, OS, ...: not needed to read packets */ }
            }
            position = value + LinkLayer.align4(length);
        }
        var description = new CaptureInterface(interfaces.size(), linkType,
                (int) Math.min(snaplen, Integer.MAX_VALUE), name);
        interfaces.add(new InterfaceState(description, resolution, offsetSeconds));
    }

    private static void requireOptionLength(String field, long offset, int length, int expected)
            throws CaptureFormatException {
        if (length != expected) {
            throw new CaptureFormatException(field, offset, "length " + length + ", expected " + expected);
        }
    }

    private String interfaceName(int value, int length) {
        int end = value + Math.min(length, MAX_INTERFACE_NAME_BYTES);
        while (end > value && block[end - 1] == 0) {
            end--; // some writers include the C string terminator
        }
        return new String(block, value, end - value, StandardCharsets.UTF_8);
    }

    /**
     * EPB body: interface id(4) timestamp high(4) low(4) captured length(4) original length(4) data options.
     * The obsolete Packet Block is the same except for a 2-byte interface id followed by a drop count.
     */
    private CapturedPacket packet(BlockKind kind, long blockStart, int bodyLength, long interfaceId)
            throws CaptureFormatException {
        long bodyOffset = blockStart + BLOCK_HEADER_LENGTH;
        InterfaceState iface = declaredInterface(kind, bodyOffset, interfaceId);
        long units = (Integer.toUnsignedLong(blockView.getInt(4)) << 32) | Integer.toUnsignedLong(blockView.getInt(8));
        long capturedLength = Integer.toUnsignedLong(blockView.getInt(12));
        long originalLength = Integer.toUnsignedLong(blockView.getInt(16));
        int available = bodyLength - PACKET_HEADER_LENGTH;
        if (capturedLength > MAX_PACKET_LENGTH) {
            throw new CaptureFormatException(kind.field + ".captured_length", bodyOffset + 12,
                    "captured length " + capturedLength + " exceeds the " + MAX_PACKET_LENGTH + "-byte limit");
        }
        if (capturedLength > available) {
            throw new CaptureFormatException(kind.field + ".captured_length", bodyOffset + 12,
                    "captured length " + capturedLength + " runs past the end of the block (" + available
                            + " bytes of packet data)");
        }
        checkOriginalLength(kind, bodyOffset + 16, originalLength);
        long nanos = timestampNanos(kind, bodyOffset + 4, iface, units);
        byte[] data = Arrays.copyOfRange(block, PACKET_HEADER_LENGTH, PACKET_HEADER_LENGTH + (int) capturedLength);
        return packetOf(iface, nanos, (int) originalLength, data);
    }

    /**
     * SPB body: original length(4) data. It belongs to interface 0, has no timestamp, and its captured length
     * is the original length cut at interface 0's snaplen.
     */
    private CapturedPacket simplePacket(long blockStart, int bodyLength) throws CaptureFormatException {
        BlockKind kind = BlockKind.SIMPLE_PACKET;
        long bodyOffset = blockStart + BLOCK_HEADER_LENGTH;
        InterfaceState iface = declaredInterface(kind, blockStart, 0);
        long originalLength = Integer.toUnsignedLong(blockView.getInt(0));
        checkOriginalLength(kind, bodyOffset, originalLength);
        long capturedLength = Math.min(originalLength, bodyLength - 4);
        int snaplen = iface.description().snaplen();
        if (snaplen > 0) {
            capturedLength = Math.min(capturedLength, snaplen);
        }
        if (capturedLength > MAX_PACKET_LENGTH) {
            throw new CaptureFormatException(kind.field + ".original_length", bodyOffset,
                    "captured length " + capturedLength + " exceeds the " + MAX_PACKET_LENGTH + "-byte limit");
        }
        byte[] data = Arrays.copyOfRange(block, 4, 4 + (int) capturedLength);
        return packetOf(iface, 0, (int) originalLength, data);
    }

    private CapturedPacket packetOf(InterfaceState iface, long nanos, int originalLength, byte[] data) {
        CaptureInterface description = iface.description();
        if (description.linkType() == LinkType.NFLOG && order == ByteOrder.BIG_ENDIAN) {
            NflogHeaders.bigToLittleEndian(data);
        }
        return new CapturedPacket(nanos, description.linkType(), description.id(), originalLength, data);
    }

    private InterfaceState declaredInterface(BlockKind kind, long offset, long interfaceId)
            throws CaptureFormatException {
        if (interfaceId >= interfaces.size()) {
            throw new CaptureFormatException(kind.field + ".interface_id", offset, kind.description
                    + " refers to interface " + interfaceId + ", but the section has declared "
                    + interfaces.size() + " interface(s)");
        }
        return interfaces.get((int) interfaceId);
    }

    private static void checkOriginalLength(BlockKind kind, long offset, long originalLength)
            throws CaptureFormatException {
        if (originalLength > Integer.MAX_VALUE) {
            throw new CaptureFormatException(kind.field + ".original_length", offset,
                    "original length " + originalLength + " is impossible");
        }
    }

    private static long timestampNanos(BlockKind kind, long offset, InterfaceState iface, long units)
            throws CaptureFormatException {
        try {
            return Math.addExact(iface.resolution().toNanos(units),
                    Math.multiplyExact(iface.offsetSeconds(), 1_000_000_000L));
        } catch (ArithmeticException e) {
            throw new CaptureFormatException(kind.field + ".timestamp", offset,
                    "timestamp " + Long.toUnsignedString(units) + " in units of " + iface.resolution()
                            + " plus if_tsoffset " + iface.offsetSeconds()
                            + " s does not fit in 64-bit nanoseconds since 1970");
        }
    }

    @Override
    public CaptureFormat format() {
        return CaptureFormat.PCAPNG;
    }

    @Override
    public List<CaptureInterface> interfaces() {
        return interfaces.stream().map(InterfaceState::description).toList();
    }

    @Override
    public void close() throws IOException {
        input.close();
    }
}
