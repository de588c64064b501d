package org.ipsec4j.wire.pcap;

import static java.nio.ByteOrder.BIG_ENDIAN;
import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.ipsec4j.wire.pcap.CaptureRoundTripTest.readAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Files built field by field, in both byte orders, as other tools write them. */
class HandBuiltCaptureTest {

    private static final byte[] V4 = TestFrames.ipPacketFor(LinkType.RAW, false, 500);
    private static final byte[] V6 = TestFrames.ipPacketFor(LinkType.RAW, true, 4500);

    private static ByteOrder order(String name) {
        return name.equals("BIG") ? BIG_ENDIAN : LITTLE_ENDIAN;
    }

    @ParameterizedTest
    @CsvSource({"BIG, MICRO", "BIG, NANO", "LITTLE, MICRO", "LITTLE, NANO"})
    void classicPcapInEitherByteOrderAndPrecision(String byteOrder, String precision) throws IOException {
        boolean nano = precision.equals("NANO");
        byte[] file = new CaptureBytes(order(byteOrder))
                .pcapHeader(nano ? CaptureBytes.NANO_MAGIC : CaptureBytes.MICRO_MAGIC, 101, 65535)
                .pcapRecord(1_700_000_000L, nano ? 123_456_789 : 123_456, V4, V4.length)
                .pcapRecord(0xFFFF_FFFFL, nano ? 999_999_999 : 999_999, V6, 9000)
                .toByteArray();
        List<CapturedPacket> packets = readAll(file);
        assertEquals(2, packets.size());
        assertEquals(new CapturedPacket(nano ? 1_700_000_000_123_456_789L : 1_700_000_000_123_456_000L,
                LinkType.RAW, 0, V4), packets.get(0));
        assertEquals(0xFFFF_FFFFL * 1_000_000_000L + 999_999_999L - (nano ? 0 : 999), packets.get(1).timestampNanos());
        assertEquals(9000, packets.get(1).originalLength());
        assertArrayEquals(V6, packets.get(1).data());
    }

    @Test
    void pcapLinkTypeFieldIgnoresFcsBits() throws IOException {
        // FCS length 4 with the P bit (draft-ietf-opsawg-pcap, "LinkType and additional information").
        byte[] file = new CaptureBytes(LITTLE_ENDIAN)
                .pcapHeader(CaptureBytes.MICRO_MAGIC, 0x4400_0000 | 1, 65535)
                .toByteArray();
        try (CaptureReader reader = CaptureReader.open(new ByteArrayInputStream(file))) {
            assertEquals(LinkType.ETHERNET, reader.interfaces().getFirst().linkType());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"BIG", "LITTLE"})
    void pcapngSectionInEitherByteOrder(String byteOrder) throws IOException {
        CaptureBytes b = new CaptureBytes(order(byteOrder));
        byte[] file = b.sectionHeader(order(byteOrder), b.options(1, "a comment", 4, "hand"))
                .interfaceDescription(101, 0, b.options(2, "tun0", 9, new byte[] {9}))
                .interfaceDescription(1, 1514, b.options(2, "eth0\0"))
                .enhancedPacket(0, 1_700_000_000_000_000_001L, V4, V4.length)
                .enhancedPacket(1, 1_700_000_000_000_002L, TestFrames.ethernet(V6), 2000)
                .toByteArray();
        try (CaptureReader reader = CaptureReader.open(new ByteArrayInputStream(file))) {
            List<CapturedPacket> packets = readAll(reader);
            assertEquals(new CapturedPacket(1_700_000_000_000_000_001L, LinkType.RAW, 0, V4), packets.get(0));
            CapturedPacket second = packets.get(1);
            assertEquals(1_700_000_000_000_002_000L, second.timestampNanos(), "default resolution is microseconds");
            assertEquals(LinkType.ETHERNET, second.linkType());
            assertEquals(1, second.interfaceId());
            assertEquals(2000, second.originalLength());
            assertEquals(List.of(new CaptureInterface(0, LinkType.RAW, 0, "tun0"),
                    new CaptureInterface(1, LinkType.ETHERNET, 1514, "eth0")), reader.interfaces());
        }
    }

    @ParameterizedTest
    @CsvSource({
        // if_tsresol byte, timestamp units (unsigned 64-bit), expected nanoseconds (rounded down)
        "0,    1700000000,             1700000000000000000",
        "3,    1700000000123,          1700000000123000000",
        "6,    1700000000123456,       1700000000123456000",
        "9,    1700000000123456789,    1700000000123456789",
        "12,   1700000000123456789,    1700000000123456",
        "19,   18446744073709551615,   1844674407",
        "20,   18446744073709551615,   184467440",
        "29,   18446744073709551615,   0",
        "128,  1700000000,             1700000000000000000",
        "138,  1024,                   1000000000",
        "138,  1536,                   1500000000",
        "160,  7301444403200000000,    1700000000000000000",
        "160,  7301444403200000001,    1700000000000000000",
        "160,  7301444405347483648,    1700000000500000000",
        "190,  16140901064495857664,   3500000000",
        "255,  18446744073709551615,   0",
    })
    void ifTsresolPowersOfTenAndTwo(int tsresol, String units, long expected) throws IOException {
        CaptureBytes b = new CaptureBytes(BIG_ENDIAN);
        byte[] file = b.sectionHeader(BIG_ENDIAN)
                .interfaceDescription(228, 0, b.options(9, new byte[] {(byte) tsresol}))
                .enhancedPacket(0, Long.parseUnsignedLong(units), V4, V4.length)
                .toByteArray();
        assertEquals(expected, readAll(file).getFirst().timestampNanos(), "if_tsresol " + tsresol);
    }

    @Test
    void ifTsoffsetAddsSeconds() throws IOException {
        CaptureBytes b = new CaptureBytes(LITTLE_ENDIAN);
        byte[] file = b.sectionHeader(LITTLE_ENDIAN)
                .interfaceDescription(101, 0, b.options(14, 1_700_000_000L, 9, new byte[] {9}))
                .enhancedPacket(0, 5, V4, V4.length)
                .toByteArray();
        assertEquals(1_700_000_000_000_000_005L, readAll(file).getFirst().timestampNanos());
    }

    @Test
    void unknownBlocksAreSkipped() throws IOException {
        CaptureBytes b = new CaptureBytes(LITTLE_ENDIAN);
        byte[] nameResolution = b.body().u16(1).u16(8).bytes(new byte[] {(byte) 192, 0, 2, 1}).bytes("gw\0\0".getBytes())
                .u16(0).u16(0).toByteArray();
        byte[] interfaceStatistics = b.body().u32(0).u32(0).u32(0).bytes(b.options(4, 12L)).toByteArray();
        byte[] decryptionSecrets = b.body().u32(0x544c534b).u32(13).bytes("CLIENT_RANDOM".getBytes()).pad4().toByteArray();
        byte[] custom = b.body().u32(32473).bytes(new byte[10]).toByteArray();
        byte[] huge = new byte[CaptureReader.MAX_BLOCK_LENGTH * 2]; // skipped blocks may exceed the in-memory cap
        byte[] file = b.sectionHeader(LITTLE_ENDIAN)
                .block(0x0000000A, decryptionSecrets)
                .interfaceDescription(101, 0, new byte[0])
                .block(0x00000004, nameResolution)
                .enhancedPacket(0, 1, V4, V4.length)
                .block(0x00000BAD, custom)
                .block(0x40000BAD, custom)
                .block(0x00000005, interfaceStatistics)
                .block(0x80001234, huge)
                .simplePacket(V6.length, V6)
                .block(0x00000009, new byte[0]) // systemd journal export, empty
                .toByteArray();
        List<CapturedPacket> packets = readAll(file);
        assertEquals(2, packets.size());
        assertArrayEquals(V4, packets.get(0).data());
        assertArrayEquals(V6, packets.get(1).data());
    }

    @Test
    void simplePacketBlockUsesInterfaceZeroAndItsSnaplen() throws IOException {
        CaptureBytes b = new CaptureBytes(BIG_ENDIAN);
        byte[] file = b.sectionHeader(BIG_ENDIAN)
                .interfaceDescription(229, 20, new byte[0])
                .simplePacket(V6.length, java.util.Arrays.copyOf(V6, 20))
                .toByteArray();
        CapturedPacket p = readAll(file).getFirst();
        assertEquals(new CapturedPacket(0, LinkType.IPV6, 0, V6.length, java.util.Arrays.copyOf(V6, 20)), p);
    }

    @Test
    void obsoletePacketBlockIsRead() throws IOException {
        CaptureBytes b = new CaptureBytes(LITTLE_ENDIAN);
        byte[] file = b.sectionHeader(LITTLE_ENDIAN)
                .interfaceDescription(1, 0, new byte[0])
                .interfaceDescription(101, 0, new byte[0])
                .obsoletePacket(1, 7, V4, V4.length)
                .toByteArray();
        assertEquals(new CapturedPacket(7_000, LinkType.RAW, 1, V4), readAll(file).getFirst());
    }

    @Test
    void everySectionHasItsOwnByteOrderAndInterfaces() throws IOException {
        CaptureBytes b = new CaptureBytes(LITTLE_ENDIAN);
        b.sectionHeader(LITTLE_ENDIAN)
                .interfaceDescription(101, 0, new byte[0])
                .interfaceDescription(1, 0, new byte[0])
                .enhancedPacket(1, 1, TestFrames.ethernet(V4), 60);
        b.sectionHeader(BIG_ENDIAN)
                .interfaceDescription(113, 0, b.options(2, "any"))
                .enhancedPacket(0, 2, TestFrames.sll(0, V6), 100);
        b.sectionHeader(LITTLE_ENDIAN)
                .interfaceDescription(239, 0, new byte[0])
                .enhancedPacket(0, 3, TestFrames.nflog(V4), 100);
        try (CaptureReader reader = CaptureReader.open(new ByteArrayInputStream(b.toByteArray()))) {
            CapturedPacket first = reader.next();
            assertEquals(LinkType.ETHERNET, first.linkType());
            assertEquals(2, reader.interfaces().size());
            CapturedPacket second = reader.next();
            assertEquals(LinkType.LINUX_SLL, second.linkType());
            assertEquals(0, second.interfaceId());
            assertEquals(List.of(new CaptureInterface(0, LinkType.LINUX_SLL, 0, "any")), reader.interfaces());
            assertEquals(NetworkProtocol.IPV6, second.network().protocol());
            CapturedPacket third = reader.next();
            assertEquals(NetworkProtocol.IPV4, third.network().protocol());
            assertEquals(null, reader.next());
        }
    }

    @Test
    void bigEndianNflogSectionIsNormalised() throws IOException {
        CaptureBytes b = new CaptureBytes(BIG_ENDIAN);
        byte[] file = b.sectionHeader(BIG_ENDIAN)
                .interfaceDescription(239, 0, new byte[0])
                .enhancedPacket(0, 1, TestFrames.nflog(V6, BIG_ENDIAN), 100)
                .toByteArray();
        CapturedPacket p = readAll(file).getFirst();
        assertArrayEquals(TestFrames.nflog(V6), p.data());
    }
}
