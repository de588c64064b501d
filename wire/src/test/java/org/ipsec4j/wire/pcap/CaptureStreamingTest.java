package org.ipsec4j.wire.pcap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/** The reader streams: it reads ahead no more than its buffer and keeps no state per packet. */
class CaptureStreamingTest {

    /** An endless capture: a header, then the same record over and over, counting what has been consumed. */
    private static final class EndlessCapture extends InputStream {
        private final byte[] header;
        private final byte[] record;
        long consumed;

        EndlessCapture(byte[] header, byte[] record) {
            this.header = header;
            this.record = record;
        }

        private int byteAt(long position) {
            if (position < header.length) {
                return header[(int) position] & 0xFF;
            }
            return record[(int) ((position - header.length) % record.length)] & 0xFF;
        }

        @Override
        public int read() {
            return byteAt(consumed++);
        }

        @Override
        public int read(byte[] b, int off, int len) {
            for (int i = 0; i < len; i++) {
                b[off + i] = (byte) byteAt(consumed++);
            }
            return len;
        }
    }

    private static EndlessCapture endless(boolean pcapng) throws IOException {
        byte[] frame = TestFrames.frame(LinkType.ETHERNET, TestFrames.ipPacketFor(LinkType.ETHERNET, true, 4500));
        var headerOut = new ByteArrayOutputStream();
        CaptureWriter writer = pcapng ? CaptureWriter.pcapng(headerOut) : CaptureWriter.pcap(headerOut, LinkType.ETHERNET, 65535);
        if (pcapng) {
            writer.addInterface(LinkType.ETHERNET, "eth0", 0);
        }
        writer.close();
        var recordOut = new ByteArrayOutputStream();
        CaptureWriter records = pcapng ? CaptureWriter.pcapng(recordOut) : CaptureWriter.pcap(recordOut, LinkType.ETHERNET, 65535);
        if (pcapng) {
            records.addInterface(LinkType.ETHERNET, "eth0", 0);
        }
        records.flush();
        int prefix = recordOut.size();
        records.write(0, 1, frame);
        records.close();
        byte[] all = recordOut.toByteArray();
        return new EndlessCapture(headerOut.toByteArray(), java.util.Arrays.copyOfRange(all, prefix, all.length));
    }

    @Test
    void readsAnEndlessPcapWithoutReadingAheadOrGrowing() throws IOException {
        streamsEndlessly(false);
    }

    @Test
    void readsAnEndlessPcapngWithoutReadingAheadOrGrowing() throws IOException {
        streamsEndlessly(true);
    }

    private static void streamsEndlessly(boolean pcapng) throws IOException {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        EndlessCapture input = endless(pcapng);
        try (CaptureReader reader = CaptureReader.open(input)) {
            CapturedPacket first = reader.next();
            assertTrue(input.consumed <= 64 * 1024 + 8192, "read ahead " + input.consumed + " bytes for one packet");
            long before = threads.getCurrentThreadAllocatedBytes();
            int packets = 200_000;
            for (int i = 0; i < packets; i++) {
                assertEquals(first, reader.next());
            }
            long perPacket = (threads.getCurrentThreadAllocatedBytes() - before) / packets;
            // The packet's own array and record; anything growing with the file would show up here.
            assertTrue(perPacket < first.data().length + 512, perPacket + " bytes allocated per packet");
        }
    }
}
