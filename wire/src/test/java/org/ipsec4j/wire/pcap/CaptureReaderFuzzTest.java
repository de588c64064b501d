package org.ipsec4j.wire.pcap;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import org.ipsec4j.wire.MalformedPacketException;

/**
 * Jazzer target for the capture reader and the link-layer walk.
 *
 * <p>Under plain {@code mvn test} it replays the seeds in
 * {@code src/test/resources/org/ipsec4j/wire/pcap/CaptureReaderFuzzTestInputs/readAllPackets/} (regression
 * mode). To fuzz, from the repository root with a JDK 25:
 *
 * <pre>
 * JAZZER_FUZZ=1 mvn -B -ntp -pl wire test -Dtest=CaptureReaderFuzzTest -Djazzer.max_duration=60s
 * </pre>
 *
 * {@code jazzer.max_duration} overrides {@code maxDuration} below; add {@code -Dtest.jvmArgs=-Xmx512m} to
 * bound the heap. Findings are written next to the seeds as {@code crash-*} files, which then replay in
 * every {@code mvn test}; the generated corpus goes to {@code wire/.cifuzz-corpus/} (not committed).
 */
class CaptureReaderFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void readAllPackets(byte[] input) throws IOException {
        try (CaptureReader reader = CaptureReader.open(new ByteArrayInputStream(input))) {
            CapturedPacket packet;
            while ((packet = reader.next()) != null) {
                try {
                    NetworkPayload payload = packet.network();
                    if (payload.offset() < 0 || payload.length() < 0 || payload.end() > packet.data().length) {
                        throw new IllegalStateException("payload " + payload + " outside " + packet);
                    }
                } catch (MalformedPacketException expected) {
                    // A truncated link-layer header is the packet's problem, not the file's.
                }
            }
        } catch (CaptureFormatException expected) {
            // Rejecting a malformed file with a typed error is the correct outcome.
        }
    }
}
