package org.ipsec4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code ipsec4j capture FILE} end to end through picocli, stdout and stderr captured. */
class CaptureCommandTest {

    @TempDir
    Path dir;

    record Result(int exitCode, String out, String err) {
        List<String> outLines() {
            return out.lines().toList();
        }
    }

    static Result run(String... args) {
        CommandLine commandLine = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        int exitCode = commandLine.execute(args);
        return new Result(exitCode, out.toString(), err.toString());
    }

    private Path write(String name, byte[] content) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, content);
        return file;
    }

    /** The error line the command prints for {@code file}. */
    private static String error(Path file, String message) {
        return "ipsec4j capture: " + file + ": " + message + "\n";
    }

    @Test
    void summarisesACapture() throws IOException {
        Path file = write("seed000.pcap", CaptureSummarizerTest.seed000Capture());
        Result result = run("capture", file.toString());
        assertEquals("", result.err());
        assertEquals(0, result.exitCode());
        assertEquals(List.of(CaptureSummarizerTest.SEED_000_LINES), result.outLines());
    }

    @Test
    void summarisesAMultiInterfacePcapng() throws IOException {
        byte[] capture = TestCaptures.pcapng(
                List.of(new TestCaptures.Interface(org.ipsec4j.wire.pcap.LinkType.ETHERNET, "eth0"),
                        new TestCaptures.Interface(org.ipsec4j.wire.pcap.LinkType.RAW, "tun0")),
                List.of(new TestCaptures.Frame(0, 0, TestPackets.ethernet(CaptureLinkLayerTest.KEEPALIVE)),
                        new TestCaptures.Frame(1, 12, CaptureLinkLayerTest.ESP_V6)));
        Result result = run("capture", write("two.pcapng", capture).toString());
        assertEquals(0, result.exitCode());
        assertEquals(List.of(
                        "1 0.000000 eth0 " + CaptureLinkLayerTest.KEEPALIVE_TEXT,
                        "2 0.000012 tun0 " + CaptureLinkLayerTest.ESP_V6_TEXT,
                        CaptureLinkLayerTest.TWO_PACKETS),
                result.outLines());
    }

    @Test
    void anEmptyCaptureHasOnlyTotals() throws IOException {
        byte[] capture = TestCaptures.pcap(org.ipsec4j.wire.pcap.LinkType.RAW, List.of());
        Result result = run("capture", write("empty.pcap", capture).toString());
        assertEquals(0, result.exitCode());
        assertEquals(List.of("0 packets, 0 fragments, 0 ICMP errors, 0 malformed"), result.outLines());
    }

    @Test
    void garbageIsNotACapture() throws IOException {
        Path file = write("garbage.bin", "hello, world: not a capture".getBytes(StandardCharsets.US_ASCII));
        Result result = run("capture", file.toString());
        assertEquals(CaptureCommand.EXIT_BAD_CAPTURE, result.exitCode());
        assertEquals("", result.out());
        assertEquals(error(file, "not a pcap or pcapng capture: capture.magic at offset 0: 0x68656c6c is neither a"
                + " pcap magic (0xa1b2c3d4, 0xa1b23c4d, either byte order) nor a pcapng Section Header Block"
                + " (0x0a0d0d0a)"), result.err());
    }

    @Test
    void aZeroLengthFileIsNotACapture() throws IOException {
        Path file = write("zero.pcap", new byte[0]);
        Result result = run("capture", file.toString());
        assertEquals(CaptureCommand.EXIT_BAD_CAPTURE, result.exitCode());
        assertEquals("", result.out());
        assertEquals(error(file, "not a pcap or pcapng capture: capture.magic at offset 0: empty file: no pcap or"
                + " pcapng header"), result.err());
    }

    @Test
    void aTruncatedCaptureKeepsThePacketsBeforeTheCut() throws IOException {
        byte[] whole = CaptureSummarizerTest.seed000Capture();
        List<byte[]> packets = CaptureSummarizerTest.seed000Packets();
        Path file = write("cut.pcap", Arrays.copyOf(whole, whole.length - 10));
        Result result = run("capture", file.toString());

        assertEquals(CaptureCommand.EXIT_BAD_CAPTURE, result.exitCode());
        String[] lines = CaptureSummarizerTest.SEED_000_LINES;
        assertEquals(List.of(lines[0], lines[1], "2 packets, 2 fragments, 0 ICMP errors, 0 malformed"),
                result.outLines());
        // File header, then a 16-byte record header before each packet's bytes.
        int thirdData = 24 + 16 + packets.get(0).length + 16 + packets.get(1).length + 16;
        int thirdLength = packets.get(2).length;
        assertEquals(error(file, "truncated capture after packet 2: pcap.packet_data at offset " + thirdData
                + ": truncated at offset " + (thirdData + thirdLength - 10) + ": needs " + thirdLength
                + " bytes, the file ends after " + (thirdLength - 10)), result.err());
    }

    @Test
    void aMalformedRecordEndsTheSummaryWithAnError() throws IOException {
        byte[] capture = CaptureSummarizerTest.seed000Capture();
        List<byte[]> packets = CaptureSummarizerTest.seed000Packets();
        int secondRecord = 24 + 16 + packets.get(0).length;
        ByteBuffer.wrap(capture).order(ByteOrder.LITTLE_ENDIAN).putInt(secondRecord + 8, 0x7fffffff);
        Path file = write("bad-record.pcap", capture);
        Result result = run("capture", file.toString());
        assertEquals(CaptureCommand.EXIT_BAD_CAPTURE, result.exitCode());
        assertEquals(List.of(CaptureSummarizerTest.SEED_000_LINES[0], "1 packet, 1 fragment, 0 ICMP errors, 0 malformed"),
                result.outLines());
        assertEquals(error(file, "malformed capture after packet 1: pcap.incl_len at offset " + (secondRecord + 8)
                + ": captured length 2147483647 exceeds the 262144-byte limit"), result.err());
    }

    @Test
    void anUnsupportedLinkTypeIsRefused() throws IOException {
        ByteBuffer header = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        header.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535).putInt(147);
        Path file = write("user0.pcap", header.array());
        Result result = run("capture", file.toString());
        assertEquals(CaptureCommand.EXIT_BAD_CAPTURE, result.exitCode());
        assertEquals("", result.out());
        assertEquals(error(file, "unsupported capture: pcap.linktype at offset 20: unsupported link type 147"
                + " (supported: ETHERNET(1), RAW(101), LINUX_SLL(113), IPV4(228), IPV6(229), NFLOG(239),"
                + " LINUX_SLL2(276))"), result.err());
    }

    @Test
    void aMissingFile() {
        Path file = dir.resolve("no-such.pcap");
        Result result = run("capture", file.toString());
        assertEquals(CaptureCommand.EXIT_CANNOT_READ, result.exitCode());
        assertEquals("", result.out());
        assertEquals(error(file, "no such file"), result.err());
    }

    @Test
    void aDirectory() {
        Result result = run("capture", dir.toString());
        assertEquals(CaptureCommand.EXIT_CANNOT_READ, result.exitCode());
        assertEquals(error(dir, "is a directory, not a capture file"), result.err());
    }

    @Test
    void usageErrorsKeepPicocliExitCodeAndDifferFromFileErrors() {
        Result result = run("capture");
        assertEquals(CommandLine.ExitCode.USAGE, result.exitCode());
        assertTrue(result.err().startsWith("Missing required parameter: 'FILE'\n"), result.err());
        assertNotEquals(CaptureCommand.EXIT_CANNOT_READ, CommandLine.ExitCode.USAGE);
        assertNotEquals(CaptureCommand.EXIT_BAD_CAPTURE, CommandLine.ExitCode.USAGE);
        assertNotEquals(CaptureCommand.EXIT_BAD_CAPTURE, CommandLine.ExitCode.SOFTWARE);
    }

    @Test
    void helpListsTheExitCodes() {
        Result result = run("capture", "--help");
        assertEquals(0, result.exitCode());
        assertTrue(result.out().contains("Usage: ipsec4j capture [-hV] FILE"), result.out());
        assertTrue(result.out().contains("3   FILE cannot be read"), result.out());
        assertTrue(result.out().contains("4   FILE is not a usable capture"), result.out());
    }
}
