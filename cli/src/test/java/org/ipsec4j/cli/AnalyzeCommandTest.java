package org.ipsec4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code ipsec4j analyze CAPTURE [--json]} through picocli: the report on the shipped capture, the same content
 * as JSON, and bad captures (garbage, empty, truncated, malformed, wrong link type, missing, a directory) each
 * ending in one line on stderr and the exit code, never a stack trace.
 */
class AnalyzeCommandTest {

    private static final Path SHIPPED = Path.of("..", "captures", "hostile-path.pcapng");

    @TempDir
    Path dir;

    private Path write(String name, byte[] content) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, content);
        return file;
    }

    private static String error(Path file, String message) {
        return "ipsec4j analyze: " + file + ": " + message + "\n";
    }

    @Test
    void analysesTheShippedCapture() {
        CaptureCommandTest.Result result = CaptureCommandTest.run("analyze", SHIPPED.toString());
        assertEquals("", result.err());
        assertEquals(0, result.exitCode());
        String out = result.out();
        assertTrue(out.startsWith("Capture: 48 packets over 2.644 s (44 IP, 4 other, 0 malformed); 2 observation "
                + "points: r-eth0 (towards a), r-eth1 (towards b)\n"), out);
        assertTrue(out.contains("\nIKE SAs: 2 (6 datagrams)\n"), out);
        assertTrue(out.contains("IKE_AUTH request (I) msgid 1 2001:db8:a::10[4500] > 2001:db8:b::20[4500] non-ESP "
                + "marker 1596 B: SK{IDi …} [IP fragments #24, #26]"), out);
        assertTrue(out.contains("\nIP fragment trains: 4 (4 complete, 0 incomplete; 10 fragments)\n"), out);
        assertTrue(out.contains("ICMPv6 packet too big, mtu 1280 from 2001:db8:a::1"), out);
        assertTrue(out.contains("ICMP port unreachable from 203.0.113.20, quoting IKEv2 IKE_AUTH request msgid 1 "
                + "198.51.100.10[500] > 203.0.113.20[500] len 328 (#46)"), out);
        assertTrue(out.contains("\nFindings: 0 errors, 0 warnings, 0 info\n"), out);
    }

    @Test
    void jsonHasTheSameContent() {
        CaptureCommandTest.Result result = CaptureCommandTest.run("analyze", "--json", SHIPPED.toString());
        assertEquals(0, result.exitCode(), result.err());
        Map<String, Object> report = MinimalJson.object(MinimalJson.parse(result.out().strip()));
        Map<String, Object> capture = MinimalJson.object(report.get("capture"));
        assertEquals(48L, capture.get("packets"));
        assertEquals(2, MinimalJson.array(capture.get("observation_points")).size());
        assertEquals(2L, report.get("ike_sa_count"));
        Map<String, Object> sa = MinimalJson.object(MinimalJson.array(report.get("ike_sas")).getFirst());
        Map<String, Object> message = MinimalJson.object(MinimalJson.array(sa.get("messages")).getFirst());
        assertEquals(24L, message.get("packet"));
        assertEquals("IKE_AUTH", message.get("exchange"));
        assertEquals(1L, message.get("message_id"));
        assertEquals(List.of("SK{IDi …}"), message.get("payloads"));
        assertEquals(List.of(24L, 26L), message.get("ip_fragment_packets"));
        assertEquals(8L, report.get("icmp_error_count"));
        assertEquals(List.of(), report.get("findings"));
    }

    @Test
    void garbageIsNotACapture() throws IOException {
        Path file = write("garbage.bin", "hello, world: not a capture".getBytes(StandardCharsets.US_ASCII));
        CaptureCommandTest.Result result = CaptureCommandTest.run("analyze", file.toString());
        assertEquals(CaptureCommand.EXIT_BAD_CAPTURE, result.exitCode());
        assertEquals("", result.out());
        assertEquals(error(file, "not a pcap or pcapng capture: capture.magic at offset 0: 0x68656c6c is neither a"
                + " pcap magic (0xa1b2c3d4, 0xa1b23c4d, either byte order) nor a pcapng Section Header Block"
                + " (0x0a0d0d0a)"), result.err());
    }

    @Test
    void aZeroLengthFileIsNotACapture() throws IOException {
        Path file = write("zero.pcap", new byte[0]);
        CaptureCommandTest.Result result = CaptureCommandTest.run("analyze", "--json", file.toString());
        assertEquals(CaptureCommand.EXIT_BAD_CAPTURE, result.exitCode());
        assertEquals("", result.out());
        assertEquals(error(file, "not a pcap or pcapng capture: capture.magic at offset 0: empty file: no pcap or"
                + " pcapng header"), result.err());
    }

    @Test
    void aCaptureWithoutPacketsIsAnEmptyReport() throws IOException {
        Path file = write("none.pcap", TestCaptures.pcap(org.ipsec4j.wire.pcap.LinkType.RAW, List.of()));
        CaptureCommandTest.Result result = CaptureCommandTest.run("analyze", file.toString());
        assertEquals(0, result.exitCode(), result.err());
        assertTrue(result.out().startsWith("Capture: 0 packets over 0.000 s"), result.out());
    }

    @Test
    void aTruncatedCaptureIsReportedAsFarAsItGoesThenTheError() throws IOException {
        byte[] whole = CaptureSummarizerTest.seed000Capture();
        Path file = write("cut.pcap", Arrays.copyOf(whole, whole.length - 10));
        CaptureCommandTest.Result result = CaptureCommandTest.run("analyze", file.toString());
        assertEquals(CaptureCommand.EXIT_BAD_CAPTURE, result.exitCode());
        assertTrue(result.out().startsWith("Capture: 2 packets"), result.out());
        assertTrue(result.err().startsWith(error(file, "truncated capture after packet 2: pcap.packet_data at offset ")
                .stripTrailing()), result.err());
        assertEquals(1, result.err().lines().count(), result.err());
    }

    @Test
    void aMalformedRecordIsOneLine() throws IOException {
        byte[] capture = CaptureSummarizerTest.seed000Capture();
        int secondRecord = 24 + 16 + CaptureSummarizerTest.seed000Packets().get(0).length;
        ByteBuffer.wrap(capture).order(ByteOrder.LITTLE_ENDIAN).putInt(secondRecord + 8, 0x7fffffff);
        Path file = write("bad-record.pcap", capture);
        CaptureCommandTest.Result result = CaptureCommandTest.run("analyze", "--json", file.toString());
        assertEquals(CaptureCommand.EXIT_BAD_CAPTURE, result.exitCode());
        MinimalJson.parse(result.out().strip()); // the one packet read, as valid JSON
        assertEquals(error(file, "malformed capture after packet 1: pcap.incl_len at offset " + (secondRecord + 8)
                + ": captured length 2147483647 exceeds the 262144-byte limit"), result.err());
    }

    @Test
    void anUnsupportedLinkTypeIsRefused() throws IOException {
        ByteBuffer header = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        header.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535).putInt(147);
        Path file = write("user0.pcap", header.array());
        CaptureCommandTest.Result result = CaptureCommandTest.run("analyze", file.toString());
        assertEquals(CaptureCommand.EXIT_BAD_CAPTURE, result.exitCode());
        assertEquals("", result.out());
        assertTrue(result.err().startsWith(error(file, "unsupported capture: pcap.linktype at offset 20: unsupported "
                + "link type 147").stripTrailing()), result.err());
    }

    @Test
    void garbagePacketsInsideAValidCaptureAreCountedAsMalformed() throws IOException {
        byte[] nonsense = new byte[64];
        nonsense[0] = 0x45; // IPv4, but a total length of 0
        byte[] capture = TestCaptures.pcap(org.ipsec4j.wire.pcap.LinkType.RAW,
                List.of(new TestCaptures.Frame(0, nonsense), new TestCaptures.Frame(1, new byte[] {0x60})));
        CaptureCommandTest.Result result = CaptureCommandTest.run("analyze", write("junk.pcap", capture).toString());
        assertEquals(0, result.exitCode(), result.err());
        assertTrue(result.out().startsWith("Capture: 2 packets over 0.000 s (0 IP, 0 other, 2 malformed)"), result.out());
    }

    @Test
    void missingFileDirectoryAndUsage() {
        Path missing = dir.resolve("no-such.pcap");
        CaptureCommandTest.Result result = CaptureCommandTest.run("analyze", missing.toString());
        assertEquals(CaptureCommand.EXIT_CANNOT_READ, result.exitCode());
        assertEquals(error(missing, "no such file"), result.err());
        result = CaptureCommandTest.run("analyze", dir.toString());
        assertEquals(CaptureCommand.EXIT_CANNOT_READ, result.exitCode());
        assertEquals(error(dir, "is a directory, not a capture file"), result.err());
        result = CaptureCommandTest.run("analyze");
        assertEquals(CommandLine.ExitCode.USAGE, result.exitCode());
        assertFalse(result.err().contains("Exception"), result.err());
        result = CaptureCommandTest.run("analyze", "--help");
        assertEquals(0, result.exitCode());
        assertTrue(result.out().contains("Usage: ipsec4j analyze [-hV] [--json] [--keys=FILE] CAPTURE"), result.out());
    }

    @Test
    void aKeyFileThatCannotBeUsedEndsInOneLineAndAnExitCode() throws IOException {
        Path missing = dir.resolve("missing.keys");
        CaptureCommandTest.Result r = CaptureCommandTest.run("analyze", "--keys", missing.toString(), SHIPPED.toString());
        assertEquals(3, r.exitCode());
        assertEquals("ipsec4j analyze: --keys " + missing + ": no such file\n", r.err());
        assertEquals("", r.out());

        r = CaptureCommandTest.run("analyze", "--keys", dir.toString(), SHIPPED.toString());
        assertEquals(3, r.exitCode());
        assertEquals("ipsec4j analyze: --keys " + dir + ": is a directory, not a key log\n", r.err());

        Path garbage = write("garbage.keys", "GET / HTTP/1.1\nHost: example\n".getBytes(StandardCharsets.US_ASCII));
        r = CaptureCommandTest.run("analyze", "--keys", garbage.toString(), SHIPPED.toString());
        assertEquals(4, r.exitCode());
        assertEquals("ipsec4j analyze: --keys " + garbage + ": neither an ipsec4j key log (it starts with '# ipsec4j "
                + "key log 1') nor a charon log (lines like '12[IKE] …')\n", r.err());

        Path empty = write("empty.keys", new byte[0]);
        r = CaptureCommandTest.run("analyze", "--keys", empty.toString(), SHIPPED.toString());
        assertEquals(4, r.exitCode());
        assertEquals("ipsec4j analyze: --keys " + empty + ": empty: no keys\n", r.err());

        // A bad line of ipsec4j's key log is named by its number, and its key is not printed.
        Path badLine = write("bad.keys", ("# ipsec4j key log 1\nike spi_i=0102030405060708 spi_r=1112131415161718 "
                + "enc=AES_GCM_16_128 integ=NONE sk_ei=00112233445566778899aabbccddeeff0011223 sk_er=- sk_ai=- sk_ar=-\n")
                .getBytes(StandardCharsets.US_ASCII));
        r = CaptureCommandTest.run("analyze", "--keys", badLine.toString(), SHIPPED.toString());
        assertEquals(4, r.exitCode());
        assertTrue(r.err().startsWith("ipsec4j analyze: --keys " + badLine + ":2: "), r.err());
        assertFalse(r.err().contains("00112233"), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
    }

    @Test
    void keysForOtherSasLeaveTheReportAsItIsWithoutKeys() throws IOException {
        Path keys = write("other.keys", ("# ipsec4j key log 1\nesp spi=c3a1f00d src=192.0.2.1 dst=192.0.2.2 "
                + "enc=AES_GCM_16_128 integ=NONE esn=no enc_key=00112233445566778899aabbccddeeff00112233 integ_key=-\n")
                .getBytes(StandardCharsets.US_ASCII));
        CaptureCommandTest.Result with = CaptureCommandTest.run("analyze", "--keys", keys.toString(), SHIPPED.toString());
        CaptureCommandTest.Result without = CaptureCommandTest.run("analyze", SHIPPED.toString());
        assertEquals(0, with.exitCode(), with.err());
        assertEquals("", with.err());
        assertEquals(without.out(), with.out());
    }
}
