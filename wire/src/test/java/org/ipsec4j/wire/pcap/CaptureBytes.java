package org.ipsec4j.wire.pcap;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Writes capture files field by field in either byte order, independently of {@link CaptureWriter}, so the
 * reader is tested against files it did not produce itself, including malformed ones.
 */
final class CaptureBytes {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private ByteOrder order;

    CaptureBytes(ByteOrder order) {
        this.order = order;
    }

    byte[] toByteArray() {
        return out.toByteArray();
    }

    int size() {
        return out.size();
    }

    CaptureBytes order(ByteOrder newOrder) {
        this.order = newOrder;
        return this;
    }

    CaptureBytes u8(int v) {
        out.write(v);
        return this;
    }

    CaptureBytes u16(int v) {
        out.writeBytes(ByteBuffer.allocate(2).order(order).putShort((short) v).array());
        return this;
    }

    CaptureBytes u32(long v) {
        out.writeBytes(ByteBuffer.allocate(4).order(order).putInt((int) v).array());
        return this;
    }

    CaptureBytes u64(long v) {
        out.writeBytes(ByteBuffer.allocate(8).order(order).putLong(v).array());
        return this;
    }

    CaptureBytes bytes(byte[] b) {
        out.writeBytes(b);
        return this;
    }

    CaptureBytes pad4() {
        while (out.size() % 4 != 0) {
            out.write(0);
        }
        return this;
    }

    // ---- classic pcap ----

    static final int MICRO_MAGIC = 0xa1b2c3d4;
    static final int NANO_MAGIC = 0xa1b23c4d;

    CaptureBytes pcapHeader(int magic, int linkType, int snaplen) {
        return u32(magic).u16(2).u16(4).u32(0).u32(0).u32(snaplen).u32(linkType);
    }

    CaptureBytes pcapRecord(long seconds, long fraction, byte[] data, int originalLength) {
        return u32(seconds).u32(fraction).u32(data.length).u32(originalLength).bytes(data);
    }

    // ---- pcapng ----

    /** A block with a pre-built body (padded here), leading and trailing total length. */
    CaptureBytes block(int type, byte[] body) {
        int total = 12 + LinkLayer.align4(body.length);
        u32(type).u32(total).bytes(body);
        for (int i = body.length; i < LinkLayer.align4(body.length); i++) {
            u8(0);
        }
        return u32(total);
    }

    CaptureBytes sectionHeader(ByteOrder sectionOrder, byte[] options) {
        order(sectionOrder);
        return block(0x0A0D0D0A, body().u32(0x1A2B3C4D).u16(1).u16(0).u64(-1).bytes(options).toByteArray());
    }

    CaptureBytes sectionHeader(ByteOrder sectionOrder) {
        return sectionHeader(sectionOrder, new byte[0]);
    }

    CaptureBytes interfaceDescription(int linkType, int snaplen, byte[] options) {
        return block(1, body().u16(linkType).u16(0).u32(snaplen).bytes(options).toByteArray());
    }

    CaptureBytes enhancedPacket(int interfaceId, long timestampUnits, byte[] data, int originalLength) {
        CaptureBytes body = body().u32(interfaceId).u32(timestampUnits >>> 32).u32(timestampUnits)
                .u32(data.length).u32(originalLength).bytes(data).pad4();
        return block(6, body.toByteArray());
    }

    CaptureBytes simplePacket(int originalLength, byte[] data) {
        return block(3, body().u32(originalLength).bytes(data).toByteArray());
    }

    CaptureBytes obsoletePacket(int interfaceId, long timestampUnits, byte[] data, int originalLength) {
        CaptureBytes body = body().u16(interfaceId).u16(0).u32(timestampUnits >>> 32).u32(timestampUnits)
                .u32(data.length).u32(originalLength).bytes(data).pad4();
        return block(2, body.toByteArray());
    }

    /** A body builder in the current byte order. */
    CaptureBytes body() {
        return new CaptureBytes(order);
    }

    /** Options: each code/length/value padded to 4, then opt_endofopt. */
    byte[] options(Object... codesAndValues) {
        CaptureBytes o = body();
        for (int i = 0; i < codesAndValues.length; i += 2) {
            int code = (Integer) codesAndValues[i];
            byte[] value = switch (codesAndValues[i + 1]) {
                case byte[] b -> b;
                case String s -> s.getBytes(StandardCharsets.UTF_8);
                case Long l -> body().u64(l).toByteArray();
                default -> throw new IllegalArgumentException();
            };
            o.u16(code).u16(value.length).bytes(value).pad4();
        }
        return o.u16(0).u16(0).toByteArray();
    }
}
