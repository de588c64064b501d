package org.ipsec4j.wire.pcap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * tshark, an independent decoder, must see exactly what we wrote; and what Wireshark's tools write, we must
 * read. Missing tshark is a failure, not a skip: CI installs it (Debian package {@code tshark}).
 */
class TsharkCrossCheckTest {

    private static final String[] FIELDS = {"frame.number", "frame.time_epoch", "ip.src", "ipv6.src", "udp.dstport",
        "frame.interface_id", "frame.interface_name", "ip.checksum.status", "udp.checksum.status", "sll.ifindex",
        "vlan.id"};
    /** tshark's PROTO_CHECKSUM_E_GOOD. */
    private static final String CHECKSUM_GOOD = "1";
    private static final long T0 = 1_700_000_000_123_456_789L;
    private static final int SLL2_IFINDEX = 3;

    private static String tshark;

    @TempDir
    Path dir;

    @BeforeAll
    static void findTshark() {
        tshark = findTool("tshark");
    }

    private static String findTool(String name) {
        for (String directory : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path candidate = Path.of(directory, name);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return fail(name + " is not installed or not on PATH: this cross-check needs it (apt-get install tshark;"
                + " CI installs it)");
    }

    /** One packet we write and what tshark must report for it. */
    private record Sent(LinkType linkType, int interfaceId, long timestampNanos, byte[] frame, String ipv4Source, String ipv6Source,
            int destinationPort, boolean vlanTagged) {}

    private static List<Sent> packetsFor(LinkType type, int interfaceId, int portBase) {
        List<Sent> sent = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            boolean v6 = type == LinkType.IPV6 || (i == 1 && type != LinkType.IPV4);
            int port = portBase + i;
            byte[] ip = TestFrames.ipPacketFor(type, v6, port);
            boolean vlan = type == LinkType.ETHERNET && i == 2;
            byte[] frame = vlan ? TestFrames.ethernet(ip, 42) : TestFrames.frame(type, ip);
            sent.add(new Sent(type, interfaceId, T0 + 1_000_003L * (portBase + i), frame, v6 ? "" : "192.0.2.1",
                    v6 ? "2001:db8::1" : "", port, vlan));
        }
        return sent;
    }

    private static String interfaceName(LinkType type) {
        return "cap-" + type.name().toLowerCase();
    }

    private Path writePcap(LinkType type, TimestampPrecision precision, List<Sent> sent) throws IOException {
        Path file = dir.resolve(type + "-" + precision + ".pcap");
        try (CaptureWriter writer = CaptureWriter.pcap(Files.newOutputStream(file), type, 65535, precision)) {
            for (Sent s : sent) {
                writer.write(0, s.timestampNanos(), s.frame());
            }
        }
        return file;
    }

    private Path writePcapngWithEveryLinkType(List<Sent> sent) throws IOException {
        Path file = dir.resolve("all.pcapng");
        try (CaptureWriter writer = CaptureWriter.pcapng(Files.newOutputStream(file))) {
            for (LinkType type : LinkType.values()) {
                int id = writer.addInterface(type, interfaceName(type), 0);
                sent.addAll(packetsFor(type, id, 1000 + 10 * id));
            }
            for (Sent s : sent) {
                writer.write(s.interfaceId(), s.timestampNanos(), s.frame());
            }
        }
        return file;
    }

    private static List<String[]> tsharkFields(Path file) throws IOException {
        List<String> command = new ArrayList<>(List.of(tshark, "-n", "-r", file.toString(),
                "-o", "ip.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE",
                "-T", "fields", "-E", "separator=/t", "-E", "occurrence=f"));
        for (String field : FIELDS) {
            command.add("-e");
            command.add(field);
        }
        return run(command).lines().map(line -> Arrays.copyOf(line.split("\t", -1), FIELDS.length)).toList();
    }

    private static String run(List<String> command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(false).start();
        process.getOutputStream().close();
        byte[] out;
        byte[] err;
        try (InputStream stdout = process.getInputStream(); InputStream stderr = process.getErrorStream()) {
            out = stdout.readAllBytes();
            err = stderr.readAllBytes();
        }
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail(command + " did not finish in 60 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        String stderrText = new String(err, StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), command + " failed: " + stderrText);
        return new String(out, StandardCharsets.UTF_8);
    }

    private static long epochNanos(String timeEpoch) {
        return new BigDecimal(timeEpoch).movePointRight(9).longValueExact();
    }

    private static void assertTsharkSees(List<Sent> sent, List<String[]> rows, boolean pcapng, long nanosPerUnit) {
        assertEquals(sent.size(), rows.size(), "tshark frame count");
        for (int i = 0; i < sent.size(); i++) {
            Sent s = sent.get(i);
            String[] row = rows.get(i);
            String context = "frame " + (i + 1) + " " + String.join("|", row);
            assertEquals(String.valueOf(i + 1), row[0], context);
            assertEquals(s.timestampNanos() / nanosPerUnit * nanosPerUnit, epochNanos(row[1]), context);
            assertEquals(s.ipv4Source(), row[2], context);
            assertEquals(s.ipv6Source(), row[3], context);
            assertEquals(String.valueOf(s.destinationPort()), row[4], context);
            if (pcapng) {
                assertEquals(String.valueOf(s.interfaceId()), row[5], context);
                assertEquals(interfaceName(LinkType.values()[s.interfaceId()]), row[6], context);
            }
            if (!s.ipv4Source().isEmpty()) {
                assertEquals(CHECKSUM_GOOD, row[7], "IPv4 header checksum, " + context);
            }
            assertEquals(CHECKSUM_GOOD, row[8], "UDP checksum, " + context);
            assertEquals(s.linkType() == LinkType.LINUX_SLL2 ? String.valueOf(SLL2_IFINDEX) : "", row[9], context);
            assertEquals(s.vlanTagged() ? "42" : "", row[10], context);
        }
        if (System.getProperty("ipsec4j.tshark.print") != null) {
            rows.forEach(row -> System.out.println(String.join(" | ", row)));
        }
    }

    private static void assertWeRead(List<Sent> sent, Path file, long nanosPerUnit) throws IOException {
        List<CapturedPacket> read;
        try (CaptureReader reader = CaptureReader.open(file)) {
            read = CaptureRoundTripTest.readAll(reader);
        }
        assertEquals(sent.size(), read.size(), file.toString());
        for (int i = 0; i < sent.size(); i++) {
            Sent s = sent.get(i);
            CapturedPacket p = read.get(i);
            assertArrayEquals(s.frame(), p.data(), file + " packet " + i);
            assertEquals(s.timestampNanos() / nanosPerUnit * nanosPerUnit, p.timestampNanos(), file + " packet " + i);
            assertEquals(s.frame().length, p.originalLength());
            NetworkProtocol expected = s.ipv4Source().isEmpty() ? NetworkProtocol.IPV6 : NetworkProtocol.IPV4;
            assertEquals(expected, p.network().protocol());
        }
    }

    @ParameterizedTest
    @EnumSource(LinkType.class)
    void tsharkReadsOurPcap(LinkType type) throws IOException {
        for (TimestampPrecision precision : TimestampPrecision.values()) {
            List<Sent> sent = packetsFor(type, 0, 500);
            Path file = writePcap(type, precision, sent);
            assertTsharkSees(sent, tsharkFields(file), false, precision.nanosPerUnit());
        }
    }

    @Test
    void tsharkReadsOurPcapngWithAnInterfacePerLinkType() throws IOException {
        List<Sent> sent = new ArrayList<>();
        Path file = writePcapngWithEveryLinkType(sent);
        assertTsharkSees(sent, tsharkFields(file), true, 1);
    }

    @ParameterizedTest
    @EnumSource(LinkType.class)
    void weReadWhatTsharkRewritesFromOurPcap(LinkType type) throws IOException {
        List<Sent> sent = packetsFor(type, 0, 700);
        Path ours = writePcap(type, TimestampPrecision.NANOSECONDS, sent);
        for (String format : List.of("pcap", "nsecpcap", "pcapng")) {
            Path theirs = dir.resolve(type + "-tshark." + format);
            run(List.of(tshark, "-r", ours.toString(), "-w", theirs.toString(), "-F", format));
            assertWeRead(sent, theirs, format.equals("pcap") ? 1000 : 1);
        }
    }

    @Test
    void weReadWhatTsharkRewritesFromOurPcapng() throws IOException {
        List<Sent> sent = new ArrayList<>();
        Path ours = writePcapngWithEveryLinkType(sent);
        Path theirs = dir.resolve("tshark.pcapng");
        run(List.of(tshark, "-r", ours.toString(), "-w", theirs.toString(), "-F", "pcapng"));
        assertWeRead(sent, theirs, 1);
        try (CaptureReader reader = CaptureReader.open(theirs)) {
            reader.next();
            assertEquals(interfaceName(LinkType.values()[3]), reader.interfaces().get(3).name());
        }
    }

    /**
     * editcap adds a Decryption Secrets Block, a section comment and packet comments (EPB options); mergecap
     * merges two pcap files into one pcapng with two interfaces. We skip what we don't need and read the rest.
     */
    @Test
    void weReadWiresharkToolOutputWithBlocksWeSkip() throws IOException {
        String editcap = findTool("editcap");
        String mergecap = findTool("mergecap");
        List<Sent> raw = packetsFor(LinkType.RAW, 0, 800);
        List<Sent> ethernet = packetsFor(LinkType.ETHERNET, 1, 900);
        Path rawFile = writePcap(LinkType.RAW, TimestampPrecision.NANOSECONDS, raw);
        Path ethernetFile = writePcap(LinkType.ETHERNET, TimestampPrecision.NANOSECONDS, ethernet);

        Path keys = dir.resolve("keys.txt");
        Files.writeString(keys, "CLIENT_RANDOM " + "ab".repeat(32) + " " + "cd".repeat(48) + "\n");
        Path edited = dir.resolve("edited.pcapng");
        run(List.of(editcap, "-F", "pcapng", "--inject-secrets", "tls," + keys, "--capture-comment", "from ipsec4j",
                "-a", "1:first packet", "-a", "3:third packet", rawFile.toString(), edited.toString()));
        assertWeRead(raw, edited, 1);

        Path merged = dir.resolve("merged.pcapng");
        run(List.of(mergecap, "-F", "pcapng", "-w", merged.toString(), rawFile.toString(), ethernetFile.toString()));
        List<CapturedPacket> read;
        try (CaptureReader reader = CaptureReader.open(merged)) {
            read = CaptureRoundTripTest.readAll(reader);
            assertEquals(List.of(LinkType.RAW, LinkType.ETHERNET),
                    reader.interfaces().stream().map(CaptureInterface::linkType).toList());
        }
        // mergecap interleaves by timestamp; ours are all distinct.
        List<Sent> all = new ArrayList<>(raw);
        all.addAll(ethernet);
        all.sort(java.util.Comparator.comparingLong(Sent::timestampNanos));
        assertEquals(all.size(), read.size());
        for (int i = 0; i < all.size(); i++) {
            assertArrayEquals(all.get(i).frame(), read.get(i).data());
            assertEquals(all.get(i).interfaceId(), read.get(i).interfaceId());
            assertEquals(all.get(i).timestampNanos(), read.get(i).timestampNanos());
        }
    }

    @Test
    void modifiedPcapFromTsharkIsRefusedClearly() throws IOException {
        List<Sent> sent = packetsFor(LinkType.ETHERNET, 0, 600);
        Path ours = writePcap(LinkType.ETHERNET, TimestampPrecision.NANOSECONDS, sent);
        Path modified = dir.resolve("modified.pcap");
        run(List.of(tshark, "-r", ours.toString(), "-w", modified.toString(), "-F", "modpcap"));
        var e = org.junit.jupiter.api.Assertions.assertThrows(CaptureFormatException.class,
                () -> CaptureReader.open(modified).close());
        assertTrue(e.getMessage().contains("Kuznetzov"), e.getMessage());
    }
}
