package org.ipsec4j.wire.pcap;

import static java.nio.ByteOrder.BIG_ENDIAN;
import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Every kind of bad input ends in a CaptureFormatException that names the field and the file offset. */
class CaptureFormatErrorTest {

    private static final byte[] V4 = TestFrames.ipPacketFor(LinkType.RAW, false, 500);
    /** Section Header Block (28 bytes) plus a RAW Interface Description Block (20 bytes). */
    private static final int PCAPNG_PREAMBLE = 48;

    private static CaptureFormatException assertFormatError(byte[] file, String field, long offset, String... parts) {
        var e = assertThrows(CaptureFormatException.class, () -> {
            try (CaptureReader reader = CaptureReader.open(new ByteArrayInputStream(file))) {
                while (reader.next() != null) {
                    // drain
                }
            }
        });
        String message = e.getMessage();
        assertEquals(field, e.field(), message);
        assertEquals(offset, e.offset(), message);
        assertTrue(message.startsWith(field + " at offset " + offset + ": "), message);
        for (String part : parts) {
            assertTrue(message.contains(part), "'" + message + "' should mention '" + part + "'");
        }
        return e;
    }

    private static CaptureBytes pcapng(java.nio.ByteOrder order) {
        return new CaptureBytes(order).sectionHeader(order).interfaceDescription(101, 0, new byte[0]);
    }

    private static CaptureBytes pcap() {
        return new CaptureBytes(LITTLE_ENDIAN).pcapHeader(CaptureBytes.NANO_MAGIC, 101, 65535);
    }

    // ---- detection ----

    @Test
    void emptyFile() {
        assertFormatError(new byte[0], "capture.magic", 0, "empty file");
    }

    @Test
    void fileShorterThanAMagicNumber() {
        assertFormatError(new byte[] {(byte) 0xd4, (byte) 0xc3}, "capture.magic", 0, "truncated at offset 2");
    }

    @Test
    void unknownMagic() {
        assertFormatError("GET / HTTP/1.1\r\n".getBytes(), "capture.magic", 0, "0x47455420", "neither a pcap magic");
    }

    @Test
    void gzippedCaptureGetsAHint() {
        assertFormatError(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0}, "capture.magic", 0, "gzip");
    }

    @Test
    void modifiedPcapIsNamed() {
        assertFormatError(new byte[] {0x34, (byte) 0xcd, (byte) 0xb2, (byte) 0xa1, 0, 0}, "capture.magic", 0,
                "Kuznetzov");
    }

    // ---- classic pcap ----

    @Test
    void truncatedPcapFileHeader() {
        byte[] file = Arrays.copyOf(pcap().toByteArray(), 10);
        assertFormatError(file, "pcap.file_header", 4, "truncated at offset 10");
    }

    @Test
    void unsupportedPcapVersion() {
        byte[] file = new CaptureBytes(BIG_ENDIAN).u32(CaptureBytes.MICRO_MAGIC).u16(3).u16(0)
                .u32(0).u32(0).u32(65535).u32(1).toByteArray();
        assertFormatError(file, "pcap.version_major", 4, "version 3.0");
    }

    @Test
    void unsupportedPcapLinkTypeIsNamedByNumber() {
        byte[] file = new CaptureBytes(BIG_ENDIAN).pcapHeader(CaptureBytes.MICRO_MAGIC, 127, 65535).toByteArray();
        assertFormatError(file, "pcap.linktype", 20, "unsupported link type 127");
    }

    @Test
    void truncatedPcapRecordHeader() {
        byte[] file = Arrays.copyOf(pcap().pcapRecord(1, 2, V4, V4.length).toByteArray(), 24 + 7);
        assertFormatError(file, "pcap.record_header", 24, "truncated at offset 31", "needs 16 bytes");
    }

    @Test
    void truncatedPcapPacketData() {
        byte[] whole = pcap().pcapRecord(1, 2, V4, V4.length).toByteArray();
        byte[] file = Arrays.copyOf(whole, whole.length - 5);
        assertFormatError(file, "pcap.packet_data", 40, "truncated at offset " + (whole.length - 5));
    }

    @Test
    void absurdPcapCapturedLengthIsRefusedBeforeAllocating() {
        byte[] file = pcap().u32(1).u32(2).u32(0xFFFF_FFF0L).u32(0xFFFF_FFF0L).toByteArray();
        assertFormatError(file, "pcap.incl_len", 32, "4294967280", "exceeds the 262144-byte limit");
    }

    @Test
    void impossiblePcapOriginalLength() {
        byte[] file = pcap().u32(1).u32(2).u32(0).u32(0x8000_0000L).toByteArray();
        assertFormatError(file, "pcap.orig_len", 36, "2147483648");
    }

    @Test
    void pcapOnlyTruncatedRecordsFailNotCleanEnds() {
        byte[] whole = pcap().pcapRecord(1, 2, V4, V4.length).pcapRecord(3, 4, V4, V4.length).toByteArray();
        int boundary = 24 + 16 + V4.length;
        assertFormatError(Arrays.copyOf(whole, boundary + 1), "pcap.record_header", boundary,
                "truncated at offset " + (boundary + 1));
    }

    // ---- pcapng structure ----

    @Test
    void sectionHeaderCutAfterItsType() {
        assertFormatError(new byte[] {0x0A, 0x0D, 0x0D, 0x0A, 28, 0}, "pcapng.shb", 4, "truncated at offset 6");
    }

    @Test
    void badByteOrderMagic() {
        byte[] file = pcapng(LITTLE_ENDIAN).toByteArray();
        file[8] = 0x11;
        assertFormatError(file, "pcapng.shb.byte_order_magic", 8, "0x113c2b1a", "either byte order");
    }

    @Test
    void unsupportedPcapngVersion() {
        byte[] file = pcapng(BIG_ENDIAN).toByteArray();
        file[13] = 2;
        assertFormatError(file, "pcapng.shb.major_version", 12, "version 2.0");
    }

    @Test
    void blockLengthNotAMultipleOfFour() {
        byte[] file = pcapng(BIG_ENDIAN).u32(6).u32(37).bytes(new byte[40]).toByteArray();
        assertFormatError(file, "pcapng.block_total_length", PCAPNG_PREAMBLE + 4,
                "Enhanced Packet Block length 37 is not a multiple of 4");
    }

    @Test
    void sectionHeaderLengthNotAMultipleOfFour() {
        byte[] file = new CaptureBytes(LITTLE_ENDIAN).u32(0x0A0D0D0A).u32(30).u32(0x1A2B3C4D)
                .bytes(new byte[40]).toByteArray();
        assertFormatError(file, "pcapng.block_total_length", 4, "Section Header Block length 30");
    }

    @Test
    void blockShorterThanItsKindAllows() {
        byte[] epb = pcapng(LITTLE_ENDIAN).u32(6).u32(28).bytes(new byte[20]).toByteArray();
        assertFormatError(epb, "pcapng.block_total_length", PCAPNG_PREAMBLE + 4,
                "Enhanced Packet Block length 28 is shorter than its minimum of 32");
        byte[] other = pcapng(LITTLE_ENDIAN).u32(0x0BAD).u32(8).u32(8).toByteArray();
        assertFormatError(other, "pcapng.block_total_length", PCAPNG_PREAMBLE + 4,
                "block length 8 is shorter than its minimum of 12");
        byte[] idb = new CaptureBytes(BIG_ENDIAN).sectionHeader(BIG_ENDIAN).u32(1).u32(16).u32(0).u32(16)
                .toByteArray();
        assertFormatError(idb, "pcapng.block_total_length", 28 + 4, "Interface Description Block length 16");
    }

    @Test
    void trailingLengthMismatch() {
        byte[] file = pcapng(BIG_ENDIAN).enhancedPacket(0, 1, V4, V4.length).toByteArray();
        file[file.length - 1] ^= 4;
        int total = 32 + LinkLayer.align4(V4.length);
        assertFormatError(file, "pcapng.block_total_length", PCAPNG_PREAMBLE + total - 4,
                "trailing copy " + (total ^ 4) + " does not match the leading " + total,
                "at offset " + (PCAPNG_PREAMBLE + 4));
    }

    @Test
    void trailingLengthMismatchInSkippedBlockAndSectionHeader() {
        byte[] skipped = pcapng(LITTLE_ENDIAN).block(0x0BAD, new byte[8]).toByteArray();
        skipped[skipped.length - 4] = 99;
        assertFormatError(skipped, "pcapng.block_total_length", PCAPNG_PREAMBLE + 16, "trailing copy 99");
        byte[] shb = pcapng(LITTLE_ENDIAN).toByteArray();
        shb[24] = 99;
        assertFormatError(shb, "pcapng.block_total_length", 24, "trailing copy 99 does not match the leading 28");
    }

    @Test
    void absurdBlockLengthIsRefusedBeforeAllocating() {
        byte[] file = pcapng(LITTLE_ENDIAN).u32(6).u32(0xFFFF_FFF0L).bytes(new byte[64]).toByteArray();
        assertFormatError(file, "pcapng.block_total_length", PCAPNG_PREAMBLE + 4,
                "Enhanced Packet Block length 4294967280 exceeds the 327680-byte limit");
        byte[] idb = new CaptureBytes(BIG_ENDIAN).sectionHeader(BIG_ENDIAN).u32(1).u32(0x7FFF_FFFCL).toByteArray();
        assertFormatError(idb, "pcapng.block_total_length", 32, "Interface Description Block length 2147483644 exceeds");
    }

    @Test
    void absurdSkippedBlockIsATruncationNotAnAllocation() {
        byte[] file = pcapng(LITTLE_ENDIAN).u32(0x0BAD).u32(0xFFFF_FFF0L).bytes(new byte[100]).toByteArray();
        assertFormatError(file, "pcapng.block", PCAPNG_PREAMBLE + 8, "truncated at offset " + file.length);
    }

    @Test
    void capturedLengthBeyondItsBlock() {
        byte[] file = pcapng(BIG_ENDIAN)
                .block(6, new CaptureBytes(BIG_ENDIAN).u32(0).u32(0).u32(1).u32(100).u32(100).bytes(new byte[8])
                        .toByteArray())
                .toByteArray();
        assertFormatError(file, "pcapng.epb.captured_length", PCAPNG_PREAMBLE + 20,
                "captured length 100 runs past the end of the block (8 bytes of packet data)");
    }

    @Test
    void absurdCapturedLengthInsideASmallBlock() {
        byte[] file = pcapng(BIG_ENDIAN)
                .block(6, new CaptureBytes(BIG_ENDIAN).u32(0).u32(0).u32(1).u32(0xFFFF_FFFFL).u32(100).toByteArray())
                .toByteArray();
        assertFormatError(file, "pcapng.epb.captured_length", PCAPNG_PREAMBLE + 20, "4294967295 exceeds the");
    }

    @Test
    void impossibleOriginalLength() {
        byte[] file = pcapng(LITTLE_ENDIAN).enhancedPacket(0, 0, V4, -1).toByteArray();
        assertFormatError(file, "pcapng.epb.original_length", PCAPNG_PREAMBLE + 24, "4294967295");
    }

    @Test
    void packetOnAnUndeclaredInterface() {
        byte[] file = pcapng(LITTLE_ENDIAN).enhancedPacket(2, 1, V4, V4.length).toByteArray();
        assertFormatError(file, "pcapng.epb.interface_id", PCAPNG_PREAMBLE + 8,
                "refers to interface 2", "declared 1 interface(s)");
    }

    @Test
    void interfacesDoNotCarryOverIntoTheNextSection() {
        byte[] file = pcapng(LITTLE_ENDIAN).sectionHeader(BIG_ENDIAN).enhancedPacket(0, 1, V4, V4.length)
                .toByteArray();
        assertFormatError(file, "pcapng.epb.interface_id", PCAPNG_PREAMBLE + 28 + 8, "declared 0 interface(s)");
    }

    @Test
    void simplePacketWithoutInterface() {
        byte[] file = new CaptureBytes(BIG_ENDIAN).sectionHeader(BIG_ENDIAN).simplePacket(V4.length, V4).toByteArray();
        assertFormatError(file, "pcapng.spb.interface_id", 28, "Simple Packet Block refers to interface 0");
    }

    @Test
    void obsoletePacketOnUndeclaredInterface() {
        byte[] file = pcapng(BIG_ENDIAN).obsoletePacket(5, 1, V4, V4.length).toByteArray();
        assertFormatError(file, "pcapng.opb.interface_id", PCAPNG_PREAMBLE + 8, "Packet Block refers to interface 5");
    }

    @Test
    void unsupportedInterfaceLinkTypeIsNamedByNumber() {
        byte[] file = new CaptureBytes(LITTLE_ENDIAN).sectionHeader(LITTLE_ENDIAN)
                .interfaceDescription(147, 0, new byte[0]).toByteArray();
        assertFormatError(file, "pcapng.idb.link_type", 28 + 8, "unsupported link type 147");
    }

    @Test
    void optionRunningPastItsBlock() {
        byte[] options = new CaptureBytes(BIG_ENDIAN).u16(2).u16(200).bytes("eth0".getBytes()).toByteArray();
        byte[] file = new CaptureBytes(BIG_ENDIAN).sectionHeader(BIG_ENDIAN).interfaceDescription(1, 0, options)
                .toByteArray();
        assertFormatError(file, "pcapng.idb.option_length", 28 + 8 + 8 + 2,
                "option 2 of length 200 runs past the end of the block (4 bytes left)");
    }

    @Test
    void tsresolOfWrongLength() {
        CaptureBytes b = new CaptureBytes(BIG_ENDIAN);
        byte[] file = b.sectionHeader(BIG_ENDIAN).interfaceDescription(1, 0, b.options(9, new byte[] {9, 9}))
                .toByteArray();
        assertFormatError(file, "pcapng.idb.if_tsresol", 28 + 8 + 8 + 2, "length 2, expected 1");
        CaptureBytes c = new CaptureBytes(BIG_ENDIAN);
        byte[] offset = c.sectionHeader(BIG_ENDIAN).interfaceDescription(1, 0, c.options(14, new byte[4]))
                .toByteArray();
        assertFormatError(offset, "pcapng.idb.if_tsoffset", 28 + 8 + 8 + 2, "length 4, expected 8");
    }

    @Test
    void timestampBeyondSixtyFourBitNanoseconds() {
        CaptureBytes b = new CaptureBytes(LITTLE_ENDIAN);
        byte[] file = b.sectionHeader(LITTLE_ENDIAN).interfaceDescription(101, 0, b.options(9, new byte[] {0}))
                .enhancedPacket(0, 1L << 40, V4, V4.length).toByteArray();
        // SHB 28, IDB with if_tsresol 32, then the EPB body: interface id(4) before the timestamp.
        assertFormatError(file, "pcapng.epb.timestamp", 28 + 32 + 8 + 4, "1099511627776", "10^-0 s",
                "does not fit in 64-bit nanoseconds");
    }

    @Test
    void truncatedLastPacketBlock() {
        byte[] whole = pcapng(LITTLE_ENDIAN).enhancedPacket(0, 1, V4, V4.length).toByteArray();
        byte[] file = Arrays.copyOf(whole, whole.length - 9);
        assertFormatError(file, "pcapng.epb", PCAPNG_PREAMBLE + 8, "truncated at offset " + file.length);
    }

    @Test
    void truncatedBlockHeaderAfterACleanBlock() {
        byte[] whole = pcapng(LITTLE_ENDIAN).enhancedPacket(0, 1, V4, V4.length).toByteArray();
        assertFormatError(Arrays.copyOf(whole, PCAPNG_PREAMBLE + 3), "pcapng.block_type", PCAPNG_PREAMBLE,
                "truncated at offset " + (PCAPNG_PREAMBLE + 3));
        assertFormatError(Arrays.copyOf(whole, PCAPNG_PREAMBLE + 6), "pcapng.block_total_length",
                PCAPNG_PREAMBLE + 4, "truncated at offset " + (PCAPNG_PREAMBLE + 6));
    }

    @Test
    void truncatedSkippedBlockTrailer() {
        byte[] whole = pcapng(LITTLE_ENDIAN).block(0x0BAD, new byte[8]).toByteArray();
        byte[] file = Arrays.copyOf(whole, whole.length - 2);
        assertFormatError(file, "pcapng.block.trailer", whole.length - 4, "truncated at offset " + file.length);
    }

    @Test
    void endlessInterfaceDescriptionsAreBounded() {
        CaptureBytes b = new CaptureBytes(LITTLE_ENDIAN).sectionHeader(LITTLE_ENDIAN);
        for (int i = 0; i <= PcapngReader.MAX_INTERFACES_PER_SECTION; i++) {
            b.interfaceDescription(101, 0, new byte[0]);
        }
        assertFormatError(b.toByteArray(), "pcapng.idb", 28 + 20L * PcapngReader.MAX_INTERFACES_PER_SECTION,
                "more than 4096 interfaces");
    }
}
