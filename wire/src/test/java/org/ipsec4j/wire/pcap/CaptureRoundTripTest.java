package org.ipsec4j.wire.pcap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CaptureRoundTripTest {

    static final long T0 = 1_700_000_000_123_456_789L;

    static List<CapturedPacket> readAll(byte[] file) throws IOException {
        try (CaptureReader reader = CaptureReader.open(new ByteArrayInputStream(file))) {
            return readAll(reader);
        }
    }

    static List<CapturedPacket> readAll(CaptureReader reader) throws IOException {
        List<CapturedPacket> packets = new ArrayList<>();
        CapturedPacket p;
        while ((p = reader.next()) != null) {
            packets.add(p);
        }
        assertNull(reader.next(), "end of capture stays the end");
        return packets;
    }

    private static List<CapturedPacket> samplePackets(LinkType type, int interfaceId) {
        List<CapturedPacket> packets = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            byte[] frame = TestFrames.frame(type, TestFrames.ipPacketFor(type, i % 2 == 1, 1000 + i));
            packets.add(new CapturedPacket(T0 + i * 1_000_001L, type, interfaceId, frame));
        }
        return packets;
    }

    @ParameterizedTest
    @EnumSource(LinkType.class)
    void pcapNanosecondRoundTrip(LinkType type) throws IOException {
        var out = new ByteArrayOutputStream();
        List<CapturedPacket> written = samplePackets(type, 0);
        try (CaptureWriter writer = CaptureWriter.pcap(out, type, 65535)) {
            for (CapturedPacket p : written) {
                writer.write(p);
            }
        }
        try (CaptureReader reader = CaptureReader.open(new ByteArrayInputStream(out.toByteArray()))) {
            assertEquals(CaptureFormat.PCAP, reader.format());
            assertEquals(List.of(new CaptureInterface(0, type, 65535, "")), reader.interfaces());
            assertEquals(written, readAll(reader));
        }
    }

    @Test
    void pcapMicrosecondsDropSubMicrosecondDigits() throws IOException {
        var out = new ByteArrayOutputStream();
        byte[] frame = TestFrames.frame(LinkType.RAW, TestFrames.ipPacketFor(LinkType.RAW, false, 53));
        try (CaptureWriter writer = CaptureWriter.pcap(out, LinkType.RAW, 262144, TimestampPrecision.MICROSECONDS)) {
            writer.write(0, T0, frame);
        }
        byte[] file = out.toByteArray();
        assertEquals(0xd4, file[0] & 0xFF, "little-endian microsecond magic");
        assertEquals(T0 / 1000 * 1000, readAll(file).getFirst().timestampNanos());
    }

    @Test
    void pcapSnaplenCutsPacketsAndKeepsOriginalLength() throws IOException {
        var out = new ByteArrayOutputStream();
        byte[] frame = TestFrames.frame(LinkType.ETHERNET, TestFrames.ipPacketFor(LinkType.ETHERNET, true, 53));
        try (CaptureWriter writer = CaptureWriter.pcap(out, LinkType.ETHERNET, 40)) {
            writer.write(0, T0, frame);
        }
        CapturedPacket p = readAll(out.toByteArray()).getFirst();
        assertEquals(40, p.data().length);
        assertEquals(frame.length, p.originalLength());
        assertTrue(p.truncated());
    }

    @Test
    void pcapngRoundTripWithAnInterfacePerLinkType() throws IOException {
        var out = new ByteArrayOutputStream();
        List<CapturedPacket> written = new ArrayList<>();
        try (CaptureWriter writer = CaptureWriter.pcapng(out)) {
            for (LinkType type : LinkType.values()) {
                int id = writer.addInterface(type, "if-" + type.name().toLowerCase(), 0);
                assertEquals(type.ordinal(), id);
                written.addAll(samplePackets(type, id));
            }
            for (CapturedPacket p : written) {
                writer.write(p);
            }
        }
        try (CaptureReader reader = CaptureReader.open(new ByteArrayInputStream(out.toByteArray()))) {
            assertEquals(CaptureFormat.PCAPNG, reader.format());
            assertEquals(written, readAll(reader));
            List<CaptureInterface> interfaces = reader.interfaces();
            assertEquals(LinkType.values().length, interfaces.size());
            assertEquals(new CaptureInterface(6, LinkType.LINUX_SLL2, 0, "if-linux_sll2"), interfaces.get(6));
        }
    }

    @Test
    void pcapngSnaplenAndPartialOriginalLength() throws IOException {
        var out = new ByteArrayOutputStream();
        byte[] frame = new byte[103];
        frame[0] = 0x45;
        try (CaptureWriter writer = CaptureWriter.pcapng(out)) {
            int id = writer.addInterface(LinkType.RAW, "tun0", 50);
            writer.write(id, 5, frame, 0, frame.length, 1400);
            writer.write(id, 6, frame, 3, 10, 10);
        }
        List<CapturedPacket> packets = readAll(out.toByteArray());
        assertEquals(50, packets.get(0).data().length);
        assertEquals(1400, packets.get(0).originalLength());
        assertEquals(10, packets.get(1).data().length);
        assertEquals(6, packets.get(1).timestampNanos());
    }

    @Test
    void openByPathAndEmptyCaptures(@TempDir Path dir) throws IOException {
        Path pcap = dir.resolve("empty.pcap");
        try (CaptureWriter writer = CaptureWriter.pcap(Files.newOutputStream(pcap), LinkType.IPV4, 1500)) {
            writer.flush();
        }
        try (CaptureReader reader = CaptureReader.open(pcap)) {
            assertNull(reader.next());
        }
        Path pcapng = dir.resolve("empty.pcapng");
        try (CaptureWriter writer = CaptureWriter.pcapng(Files.newOutputStream(pcapng))) {
            writer.addInterface(LinkType.IPV6, null, 0);
        }
        try (CaptureReader reader = CaptureReader.open(pcapng)) {
            assertNull(reader.next());
            assertEquals("", reader.interfaces().getFirst().name());
        }
    }

    @Test
    void nflogTlvHeadersSurviveBothByteOrders() throws IOException {
        byte[] ip = TestFrames.ipPacketFor(LinkType.NFLOG, false, 4500);
        byte[] littleEndianFrame = TestFrames.nflog(ip);
        byte[] bigEndianFrame = TestFrames.nflog(ip, java.nio.ByteOrder.BIG_ENDIAN);
        byte[] file = new CaptureBytes(java.nio.ByteOrder.BIG_ENDIAN)
                .pcapHeader(CaptureBytes.NANO_MAGIC, LinkType.NFLOG.code(), 65535)
                .pcapRecord(1, 2, bigEndianFrame, bigEndianFrame.length)
                .toByteArray();
        CapturedPacket p = readAll(file).getFirst();
        assertArrayEquals(littleEndianFrame, p.data());
        NetworkPayload payload = p.network();
        assertEquals(NetworkProtocol.IPV4, payload.protocol());
        assertEquals(ip.length, payload.length());
    }

    @Test
    void writerRejectsWhatReadersWouldNotAccept() throws IOException {
        var out = new ByteArrayOutputStream();
        try (CaptureWriter pcap = CaptureWriter.pcap(out, LinkType.RAW, 1500)) {
            assertThrows(UnsupportedOperationException.class, () -> pcap.addInterface(LinkType.RAW, "x", 0));
            assertThrows(IllegalArgumentException.class, () -> pcap.write(1, 0, new byte[1]));
            assertThrows(IllegalArgumentException.class, () -> pcap.write(0, -1, new byte[1]));
            assertThrows(IllegalArgumentException.class, () -> pcap.write(0, 0, new byte[4], 0, 4, 3));
            assertThrows(IndexOutOfBoundsException.class, () -> pcap.write(0, 0, new byte[4], 2, 4, 4));
            assertThrows(IllegalArgumentException.class, () -> pcap.write(0, (1L << 32) * 1_000_000_000L, new byte[1]));
        }
        assertThrows(IllegalArgumentException.class, () -> CaptureWriter.pcap(out, LinkType.RAW, 0));
        assertThrows(IllegalArgumentException.class, () -> CaptureWriter.pcap(out, LinkType.RAW, 262145));
        try (CaptureWriter pcapng = CaptureWriter.pcapng(new ByteArrayOutputStream())) {
            assertThrows(IllegalArgumentException.class, () -> pcapng.write(0, 0, new byte[1]));
            int id = pcapng.addInterface(LinkType.ETHERNET, "eth0", 0);
            assertThrows(IllegalArgumentException.class,
                    () -> pcapng.write(id, 0, new byte[CaptureReader.MAX_PACKET_LENGTH + 1]));
            assertThrows(IllegalArgumentException.class, () -> pcapng.addInterface(LinkType.RAW, "x".repeat(300), 0));
        }
    }

    @Test
    void closedWriterRefusesAndClosingTwiceIsHarmless() throws IOException {
        CaptureWriter writer = CaptureWriter.pcapng(new ByteArrayOutputStream());
        int id = writer.addInterface(LinkType.RAW, "tun0", 0);
        writer.close();
        writer.close();
        assertThrows(IOException.class, () -> writer.write(id, 0, new byte[] {0x45}));
    }

    @Test
    void writerBuffersItsOutput() throws IOException {
        var counting = new ByteArrayOutputStream() {
            int writes;

            @Override
            public synchronized void write(byte[] b, int off, int len) {
                writes++;
                super.write(b, off, len);
            }

            @Override
            public synchronized void write(int b) {
                writes++;
                super.write(b);
            }
        };
        try (CaptureWriter writer = CaptureWriter.pcapng(counting)) {
            int id = writer.addInterface(LinkType.RAW, "tun0", 0);
            for (int i = 0; i < 100; i++) {
                writer.write(id, i, TestFrames.ipPacketFor(LinkType.RAW, false, i));
            }
        }
        assertTrue(counting.writes <= 2, "100 packets took " + counting.writes + " writes to the stream");
        assertEquals(100, readAll(counting.toByteArray()).size());
    }
}
