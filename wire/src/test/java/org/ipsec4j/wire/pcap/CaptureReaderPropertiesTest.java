package org.ipsec4j.wire.pcap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.ipsec4j.wire.MalformedPacketException;

/**
 * Whatever bytes the reader is given, it returns packets or throws {@link CaptureFormatException}, and it
 * never allocates more than a bounded amount beyond the input itself.
 */
class CaptureReaderPropertiesTest {

    /** Stream and block buffers, the largest block buffer, and slack for exceptions and bookkeeping. */
    private static final long ALLOCATION_ALLOWANCE = 2L * 1024 * 1024;

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** Reads everything; returns the packets read before the end or the first format error. */
    static int readSafely(byte[] input) {
        long before = THREADS.getCurrentThreadAllocatedBytes();
        int packets = 0;
        try (CaptureReader reader = CaptureReader.open(new ByteArrayInputStream(input))) {
            CapturedPacket p;
            while ((p = reader.next()) != null) {
                packets++;
                try {
                    NetworkPayload payload = p.network();
                    assertTrue(payload.offset() >= 0 && payload.length() >= 0 && payload.end() <= p.data().length,
                            payload + " outside " + p);
                } catch (MalformedPacketException expected) {
                    // a link-layer header cut short: the packet's problem, reported with its own type
                }
            }
        } catch (CaptureFormatException expected) {
            assertTrue(expected.getMessage().contains(" at offset "), expected.getMessage());
        } catch (IOException e) {
            throw new AssertionError("only CaptureFormatException may come out of a byte array", e);
        }
        long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
        long limit = ALLOCATION_ALLOWANCE + 2L * input.length;
        assertTrue(allocated < limit, "reading " + input.length + " bytes allocated " + allocated + " bytes");
        return packets;
    }

    @Property(tries = 2000)
    void randomBytes(@ForAll @Size(max = 600) byte[] input) {
        readSafely(input);
    }

    @Property(tries = 3000)
    void randomBytesAfterAValidMagic(@ForAll("magics") byte[] magic, @ForAll @Size(max = 600) byte[] rest) {
        byte[] input = Arrays.copyOf(magic, magic.length + rest.length);
        System.arraycopy(rest, 0, input, magic.length, rest.length);
        readSafely(input);
    }

    @Provide
    Arbitrary<byte[]> magics() {
        return Arbitraries.of(
                new byte[] {(byte) 0xa1, (byte) 0xb2, (byte) 0xc3, (byte) 0xd4},
                new byte[] {(byte) 0xd4, (byte) 0xc3, (byte) 0xb2, (byte) 0xa1},
                new byte[] {(byte) 0xa1, (byte) 0xb2, 0x3c, 0x4d},
                new byte[] {0x4d, 0x3c, (byte) 0xb2, (byte) 0xa1},
                new byte[] {0x0a, 0x0d, 0x0d, 0x0a, 0x1c, 0, 0, 0, 0x4d, 0x3c, 0x2b, 0x1a, 1, 0, 0, 0},
                new byte[] {0x0a, 0x0d, 0x0d, 0x0a, 0, 0, 0, 0x1c, 0x1a, 0x2b, 0x3c, 0x4d, 0, 1, 0, 0});
    }

    @Property(tries = 5000)
    void mutatedValidCaptures(@ForAll("validCaptures") byte[] valid, @ForAll("mutations") List<Mutation> mutations) {
        byte[] input = valid;
        for (Mutation m : mutations) {
            input = m.apply(input);
        }
        readSafely(input);
    }

    @Property(tries = 300)
    void writtenPacketsReadBackUnchanged(@ForAll("packetLists") List<CapturedPacket> packets, @ForAll boolean pcapng)
            throws IOException {
        var out = new ByteArrayOutputStream();
        LinkType firstType = packets.getFirst().linkType();
        try (CaptureWriter writer = pcapng ? CaptureWriter.pcapng(out) : CaptureWriter.pcap(out, firstType, 65535)) {
            if (pcapng) {
                for (LinkType type : LinkType.values()) {
                    writer.addInterface(type, type.name(), 0);
                }
            }
            for (CapturedPacket p : packets) {
                writer.write(pcapng ? p.linkType().ordinal() : 0, p.timestampNanos(), p.data());
            }
        }
        List<CapturedPacket> expected = packets.stream()
                .map(p -> new CapturedPacket(p.timestampNanos(), pcapng ? p.linkType() : firstType,
                        pcapng ? p.linkType().ordinal() : 0, p.data()))
                .toList();
        assertEquals(expected, CaptureRoundTripTest.readAll(out.toByteArray()));
        assertEquals(expected.size(), readSafely(out.toByteArray()));
    }

    @Provide
    Arbitrary<List<CapturedPacket>> packetLists() {
        Arbitrary<CapturedPacket> packet = Combinators.combine(
                        Arbitraries.longs().between(0, (1L << 32) * 1_000_000_000L - 1),
                        Arbitraries.of(LinkType.class),
                        Arbitraries.bytes().array(byte[].class).ofMaxSize(300))
                .as((ts, type, data) -> new CapturedPacket(ts, type, 0, data));
        return packet.list().ofMinSize(1).ofMaxSize(20);
    }

    /** Valid files of every shape the reader knows, from which mutations start. */
    @Provide
    Arbitrary<byte[]> validCaptures() {
        return Arbitraries.integers().between(0, 7).flatMap(kind -> Arbitraries.integers().between(1, 6)
                .map(count -> validCapture(kind, count)));
    }

    private static byte[] validCapture(int kind, int count) {
        ByteOrder order = kind % 2 == 0 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
        CaptureBytes b = new CaptureBytes(order);
        List<LinkType> types = List.of(LinkType.values());
        if (kind < 2) {
            b.pcapHeader(kind == 0 ? CaptureBytes.NANO_MAGIC : CaptureBytes.MICRO_MAGIC, LinkType.ETHERNET.code(), 65535);
            for (int i = 0; i < count; i++) {
                byte[] frame = TestFrames.frame(LinkType.ETHERNET, TestFrames.ipPacketFor(LinkType.ETHERNET, i % 2 == 0, i));
                b.pcapRecord(i, i, frame, frame.length);
            }
            return b.toByteArray();
        }
        b.sectionHeader(order, b.options(1, "comment", 4, "app"));
        for (LinkType type : types) {
            b.interfaceDescription(type.code(), kind == 4 ? 40 : 0,
                    b.options(2, type.name(), 9, new byte[] {(byte) (kind == 5 ? 0x8a : 9)}, 14, 5L));
        }
        for (int i = 0; i < count; i++) {
            // Simple Packet Blocks belong to interface 0 and must carry its link type.
            LinkType type = i % 4 == 1 ? types.getFirst() : types.get(i % types.size());
            byte[] frame = TestFrames.frame(type, TestFrames.ipPacketFor(type, i % 2 == 1, i));
            switch (i % 4) {
                case 0 -> b.enhancedPacket(types.indexOf(type), 1_000_000L * i, frame, frame.length + 2);
                case 1 -> b.simplePacket(frame.length, frame);
                case 2 -> b.obsoletePacket(types.indexOf(type), i, frame, frame.length);
                default -> b.block(5, b.body().u32(0).u32(0).u32(0).bytes(b.options(4, 12L)).toByteArray());
            }
            if (kind == 6 && i == count / 2) {
                b.sectionHeader(order == ByteOrder.BIG_ENDIAN ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
                b.interfaceDescription(LinkType.RAW.code(), 0, new byte[0]);
                types = List.of(LinkType.RAW);
            }
        }
        return b.toByteArray();
    }

    /** One edit of a file: what a disk, a network copy or an attacker might do to it. */
    sealed interface Mutation {
        byte[] apply(byte[] input);
    }

    record FlipBit(int position, int bit) implements Mutation {
        public byte[] apply(byte[] input) {
            if (input.length == 0) {
                return input;
            }
            byte[] copy = input.clone();
            copy[position % copy.length] ^= (byte) (1 << bit);
            return copy;
        }
    }

    record OverwriteWord(int position, int value) implements Mutation {
        public byte[] apply(byte[] input) {
            byte[] copy = input.clone();
            int at = input.length == 0 ? 0 : (position % input.length) & ~3;
            for (int i = 0; i < 4 && at + i < copy.length; i++) {
                copy[at + i] = (byte) (value >>> (8 * i));
            }
            return copy;
        }
    }

    record Truncate(int position) implements Mutation {
        public byte[] apply(byte[] input) {
            return input.length == 0 ? input : Arrays.copyOf(input, position % input.length);
        }
    }

    record Delete(int position, int length) implements Mutation {
        public byte[] apply(byte[] input) {
            if (input.length == 0) {
                return input;
            }
            int from = position % input.length;
            int to = Math.min(input.length, from + length);
            byte[] out = new byte[input.length - (to - from)];
            System.arraycopy(input, 0, out, 0, from);
            System.arraycopy(input, to, out, from, input.length - to);
            return out;
        }
    }

    record Insert(int position, byte[] bytes) implements Mutation {
        public byte[] apply(byte[] input) {
            int at = input.length == 0 ? 0 : position % input.length;
            byte[] out = new byte[input.length + bytes.length];
            System.arraycopy(input, 0, out, 0, at);
            System.arraycopy(bytes, 0, out, at, bytes.length);
            System.arraycopy(input, at, out, at + bytes.length, input.length - at);
            return out;
        }
    }

    @Provide
    Arbitrary<List<Mutation>> mutations() {
        Arbitrary<Integer> position = Arbitraries.integers().between(0, Integer.MAX_VALUE);
        Arbitrary<Integer> interesting = Arbitraries.of(0, 1, 3, 4, 8, 11, 12, 16, 28, 32, 0x7FFF_FFFF,
                0x8000_0000, 0xFFFF_FFFF, 0xFFFF_FFFC, 0x0005_0000, 0x0400_0000, CaptureReader.MAX_BLOCK_LENGTH,
                CaptureReader.MAX_BLOCK_LENGTH + 4, CaptureReader.MAX_PACKET_LENGTH + 1, 0x0A0D0D0A, 0x1A2B3C4D,
                0x4D3C2B1A);
        Arbitrary<Mutation> mutation = Arbitraries.oneOf(
                Combinators.combine(position, Arbitraries.integers().between(0, 7)).as(FlipBit::new),
                Combinators.combine(position, Arbitraries.oneOf(interesting, Arbitraries.integers()))
                        .as(OverwriteWord::new),
                position.map(Truncate::new),
                Combinators.combine(position, Arbitraries.integers().between(1, 16)).as(Delete::new),
                Combinators.combine(position, Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(8))
                        .as(Insert::new));
        return mutation.list().ofMinSize(1).ofMaxSize(4);
    }

    /** Sanity check that the generated files are valid before mutation, so mutations start deep. */
    @Property(tries = 50)
    void unmutatedCapturesReadWhole(@ForAll("validCaptures") byte[] valid) throws IOException {
        List<CapturedPacket> packets = new ArrayList<>(CaptureRoundTripTest.readAll(valid));
        assertTrue(!packets.isEmpty() || valid.length > 0);
        for (CapturedPacket p : packets) {
            NetworkProtocol protocol = p.network().protocol();
            assertTrue(protocol == NetworkProtocol.IPV4 || protocol == NetworkProtocol.IPV6, p + " " + protocol);
        }
    }
}
