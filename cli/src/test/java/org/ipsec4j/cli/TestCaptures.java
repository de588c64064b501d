package org.ipsec4j.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.ipsec4j.wire.pcap.CaptureReader;
import org.ipsec4j.wire.pcap.CaptureWriter;
import org.ipsec4j.wire.pcap.CapturedPacket;
import org.ipsec4j.wire.pcap.LinkType;
import org.ipsec4j.wire.pcap.TimestampPrecision;

/** Captures written with {@link CaptureWriter}, and their summaries read back without the command line. */
final class TestCaptures {

    /** The time of the first packet in seed 000's tcpdump output. */
    static final long T0 = nanos("2013-08-26T04:00:43.311572Z");

    private TestCaptures() {}

    static long nanos(String instant) {
        Instant i = Instant.parse(instant);
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    /** One packet to write: its interface (0 for pcap), time since {@link #T0} and frame. */
    record Frame(int interfaceId, long microsAfterT0, byte[] data) {
        Frame(long microsAfterT0, byte[] data) {
            this(0, microsAfterT0, data);
        }
    }

    /** A pcapng interface: link type and if_name (null for none). */
    record Interface(LinkType linkType, String name) {}

    /** A classic pcap file, microsecond timestamps, as tcpdump writes them. */
    static byte[] pcap(LinkType linkType, int snaplen, List<Frame> frames) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (CaptureWriter writer = CaptureWriter.pcap(bytes, linkType, snaplen, TimestampPrecision.MICROSECONDS)) {
            for (Frame f : frames) {
                writer.write(0, T0 + f.microsAfterT0() * 1_000, f.data());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static byte[] pcap(LinkType linkType, List<Frame> frames) {
        return pcap(linkType, CaptureWriter.DEFAULT_SNAPLEN, frames);
    }

    static byte[] pcapng(List<Interface> interfaces, List<Frame> frames) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (CaptureWriter writer = CaptureWriter.pcapng(bytes)) {
            for (Interface i : interfaces) {
                writer.addInterface(i.linkType(), i.name(), 0);
            }
            for (Frame f : frames) {
                writer.write(f.interfaceId(), T0 + f.microsAfterT0() * 1_000, f.data());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Raw-IP frames one microsecond apart. */
    static List<Frame> spaced(byte[]... packets) {
        List<Frame> frames = new ArrayList<>();
        for (int i = 0; i < packets.length; i++) {
            frames.add(new Frame(i, packets[i]));
        }
        return frames;
    }

    /** The summary lines of a capture, totals last, as the command prints them. */
    static List<String> summarize(byte[] capture) {
        try {
            InterfaceColumn column;
            try (CaptureReader census = CaptureReader.open(new ByteArrayInputStream(capture))) {
                column = InterfaceCensus.of(census);
            }
            CaptureSummarizer summarizer = new CaptureSummarizer(column);
            List<String> lines = new ArrayList<>();
            try (CaptureReader reader = CaptureReader.open(new ByteArrayInputStream(capture))) {
                CapturedPacket packet;
                while ((packet = reader.next()) != null) {
                    String name = reader.interfaces().get(packet.interfaceId()).name();
                    lines.add(summarizer.summarize(packet, name));
                }
            }
            lines.add(summarizer.totals());
            return lines;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The summary of raw IP packets (LINKTYPE_RAW), one microsecond apart. */
    static List<String> summarizeRaw(byte[]... packets) {
        return summarize(pcap(LinkType.RAW, spaced(packets)));
    }
}
