package org.ipsec4j.wire.pcap;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * pcapng, one little-endian section (draft-ietf-opsawg-pcapng): a Section Header Block, an Interface
 * Description Block per {@link #addInterface}, an Enhanced Packet Block per packet.
 */
final class PcapngWriter implements CaptureWriter {

    private static final int SHB_USERAPPL = 4;
    private static final byte[] USER_APPLICATION = "ipsec4j".getBytes(StandardCharsets.UTF_8);
    /** The longest if_name our reader keeps whole. */
    private static final int MAX_NAME_BYTES = PcapngReader.MAX_INTERFACE_NAME_BYTES;
    private static final int EPB_FIXED_LENGTH = 32;

    private final CaptureOutput output;
    private final List<Integer> snaplens = new ArrayList<>();

    PcapngWriter(OutputStream out) throws IOException {
        this.output = new CaptureOutput(out);
        int optionsLength = 4 + LinkLayer.align4(USER_APPLICATION.length) + 4;
        int totalLength = 28 + optionsLength;
        output.header
                .putInt(PcapngReader.SECTION_HEADER_BLOCK)
                .putInt(totalLength)
                .putInt(PcapngReader.BYTE_ORDER_MAGIC)
                .putShort((short) 1)
                .putShort((short) 0)
                .putLong(-1); // section length unknown: we stream
        putOption(SHB_USERAPPL, USER_APPLICATION);
        output.header.putInt(PcapngReader.OPT_ENDOFOPT).putInt(totalLength);
        output.writeHeader();
    }

    @Override
    public int addInterface(LinkType linkType, String name, int snaplen) throws IOException {
        Objects.requireNonNull(linkType, "linkType");
        CaptureOutput.checkSnaplen(snaplen, 0);
        byte[] nameBytes = name == null ? new byte[0] : name.getBytes(StandardCharsets.UTF_8);
        if (nameBytes.length > MAX_NAME_BYTES) {
            throw new IllegalArgumentException("interface name '" + name + "' is longer than " + MAX_NAME_BYTES + " bytes");
        }
        int optionsLength = (nameBytes.length > 0 ? 4 + LinkLayer.align4(nameBytes.length) : 0) + 8 + 4;
        int totalLength = 20 + optionsLength;
        output.header
                .putInt(PcapngReader.INTERFACE_DESCRIPTION_BLOCK)
                .putInt(totalLength)
                .putShort((short) linkType.code())
                .putShort((short) 0)
                .putInt(snaplen);
        if (nameBytes.length > 0) {
            putOption(PcapngReader.IF_NAME, nameBytes);
        }
        putOption(PcapngReader.IF_TSRESOL, new byte[] {9});
        output.header.putInt(PcapngReader.OPT_ENDOFOPT).putInt(totalLength);
        output.writeHeader();
        snaplens.add(snaplen);
        return snaplens.size() - 1;
    }

    private void putOption(int code, byte[] value) {
        output.header.putShort((short) code).putShort((short) value.length).put(value);
        for (int i = value.length; i < LinkLayer.align4(value.length); i++) {
            output.header.put((byte) 0);
        }
    }

    // EPB: type(4) total length(4) interface id(4) timestamp high(4) low(4) captured(4) original(4) data pad trailer.
    @Override
    public void write(int interfaceId, long timestampNanos, byte[] data, int off, int len, int originalLength)
            throws IOException {
        if (interfaceId < 0 || interfaceId >= snaplens.size()) {
            throw new IllegalArgumentException("interface " + interfaceId + " was not added ("
                    + snaplens.size() + " interface(s))");
        }
        int captured = CaptureOutput.capturedLength(timestampNanos, data, off, len, originalLength,
                snaplens.get(interfaceId));
        int totalLength = EPB_FIXED_LENGTH + LinkLayer.align4(captured);
        output.header
                .putInt(PcapngReader.ENHANCED_PACKET_BLOCK)
                .putInt(totalLength)
                .putInt(interfaceId)
                .putInt((int) (timestampNanos >>> 32))
                .putInt((int) timestampNanos)
                .putInt(captured)
                .putInt(originalLength);
        output.writeHeader();
        output.write(data, off, captured);
        output.pad(captured);
        output.header.putInt(totalLength);
        output.writeHeader();
    }

    @Override
    public void flush() throws IOException {
        output.flush();
    }

    @Override
    public void close() throws IOException {
        output.close();
    }
}
