package org.ipsec4j.diag.analyze;

import com.code_intelligence.jazzer.junit.FuzzTest;

import org.ipsec4j.wire.pcap.CapturedPacket;
import org.ipsec4j.wire.pcap.LinkType;

/**
 * Jazzer target for the whole analysis: the input is cut into packets (a 2-byte big-endian length, then that
 * many bytes, as far as the input goes), each handed to the analyzer as a raw IP packet 10 ms after the last,
 * then the report is rendered as text and JSON. Malformed packets must be counted, never thrown; and since the
 * analyzer survives its own bugs by counting them, any internal error fails the target.
 *
 * <p>Under plain {@code mvn test} it replays the seeds in {@code src/test/resources/org/ipsec4j/diag/analyze/
 * CaptureAnalyzerFuzzTestInputs/analyzePackets/}; {@code scripts/fuzz} runs it in fuzzing mode.
 */
class CaptureAnalyzerFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void analyzePackets(byte[] input) {
        CaptureAnalyzer.Limits small = new CaptureAnalyzer.Limits(8, 4, 8, 4, 8, 4, 8, 4, 8, 4);
        CaptureAnalyzer analyzer = new CaptureAnalyzer(KeySource.NONE, small);
        long time = 1_700_000_000_000_000_000L;
        int at = 0;
        while (at + 2 <= input.length) {
            int length = Math.min(((input[at] & 0xFF) << 8) | (input[at + 1] & 0xFF), input.length - at - 2);
            byte[] packet = java.util.Arrays.copyOfRange(input, at + 2, at + 2 + length);
            at += 2 + length;
            analyzer.accept(new CapturedPacket(time += 10_000_000, LinkType.RAW, 0, packet), java.util.List.of());
        }
        AnalysisReport report = analyzer.finish();
        if (report.internalErrors() > 0) {
            throw new IllegalStateException("internal error in the analysis: " + report.firstInternalError());
        }
        TextReport.render(report);
        JsonReport.render(report);
    }
}
