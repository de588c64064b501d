package org.ipsec4j.wire;

import com.code_intelligence.jazzer.junit.FuzzTest;

import static org.ipsec4j.wire.FuzzChecks.check;
import static org.ipsec4j.wire.FuzzChecks.within;

/**
 * Jazzer target for {@link TcpSegment}: options walk and MSS clamping inside IPv4 or IPv6 (chosen by the
 * version nibble). Plain {@code mvn test} replays the seeds in
 * {@code src/test/resources/org/ipsec4j/wire/TcpSegmentFuzzTestInputs/parseAndClamp/}.
 */
class TcpSegmentFuzzTest {

    private final Ipv4Packet v4 = new Ipv4Packet();
    private final Ipv6Packet v6 = new Ipv6Packet();
    private final TcpSegment tcp = new TcpSegment();

    @FuzzTest(maxDuration = "30s")
    void parseAndClamp(byte[] input) {
        boolean isV6 = input.length > 0 && (input[0] & 0xF0) == 0x60;
        try {
            if (isV6) {
                v6.wrap(input, 0, input.length);
                if (v6.upperLayerOffset() < 0) {
                    return;
                }
                tcp.wrap(input, v6.upperLayerOffset(), v6.upperLayerLength());
            } else {
                v4.wrap(input, 0, input.length);
                tcp.wrap(input, v4.payloadOffset(), v4.payloadLength());
            }
        } catch (MalformedPacketException expected) {
            return;
        }
        int hl = tcp.headerLength();
        check(hl >= 20 && hl <= 60 && hl <= tcp.length(), "header length", tcp);
        within(tcp.payloadOffset(), tcp.payloadLength(), tcp.offset(), tcp.offset() + tcp.length() + 1, "payload", tcp);
        int[] end = {tcp.optionsOffset()};
        tcp.options((kind, offset, length) -> {
            within(offset, length, end[0], tcp.offset() + hl + 1, "option", tcp);
            end[0] = offset + length;
            return true;
        });
        if (tcp.mssOptionOffset() >= 0) {
            within(tcp.mssOptionOffset(), 4, tcp.optionsOffset(), tcp.offset() + hl + 1, "MSS option", tcp);
        }
        boolean validBefore = isV6 ? tcp.verifyChecksum(v6) : tcp.verifyChecksum(v4);
        int mssBefore = tcp.mss();
        int clampTo = input.length > 0 ? (input[input.length - 1] & 0xFF) * 8 : 536;
        boolean changed = tcp.clampMss(clampTo);
        check(changed == (tcp.syn() && mssBefore > clampTo), "clamp changes exactly oversized SYN MSS", tcp);
        check(!changed || tcp.mss() == clampTo, "clamped value", tcp);
        boolean validAfter = isV6 ? tcp.verifyChecksum(v6) : tcp.verifyChecksum(v4);
        check(validBefore == validAfter, "incremental checksum update keeps validity", tcp);
        if (isV6) {
            tcp.updateChecksum(v6);
            check(tcp.verifyChecksum(v6), "checksum after update", tcp);
        } else {
            tcp.updateChecksum(v4);
            check(tcp.verifyChecksum(v4), "checksum after update", tcp);
        }
        tcp.toString();
    }
}
