package org.ipsec4j.wire;

import com.code_intelligence.jazzer.junit.FuzzTest;

import static org.ipsec4j.wire.FuzzChecks.check;
import static org.ipsec4j.wire.FuzzChecks.within;

/**
 * Jazzer target for {@link UdpDatagram} inside IPv4 or IPv6 (chosen by the version nibble). Plain
 * {@code mvn test} replays the seeds in {@code src/test/resources/org/ipsec4j/wire/UdpDatagramFuzzTestInputs/parse/}.
 */
class UdpDatagramFuzzTest {

    private final Ipv4Packet v4 = new Ipv4Packet();
    private final Ipv6Packet v6 = new Ipv6Packet();
    private final UdpDatagram udp = new UdpDatagram();

    @FuzzTest(maxDuration = "30s")
    void parse(byte[] input) {
        try {
            if (input.length > 0 && (input[0] & 0xF0) == 0x60) {
                v6.wrap(input, 0, input.length);
                if (v6.upperLayerOffset() < 0) {
                    return;
                }
                udp.wrap(input, v6.upperLayerOffset(), v6.upperLayerLength());
                check(udp.payloadOffset() + udp.payloadLength() <= v6.end(), "UDP inside IPv6", udp);
                udp.verifyChecksum(v6);
                udp.updateChecksum(v6);
                check(udp.verifyChecksum(v6) && udp.checksum() != 0, "checksum after update", udp);
            } else {
                v4.wrap(input, 0, input.length);
                udp.wrap(input, v4.payloadOffset(), v4.payloadLength());
                check(udp.payloadOffset() + udp.payloadLength() <= v4.payloadOffset() + v4.payloadLength(),
                        "UDP inside IPv4", udp);
                udp.verifyChecksum(v4);
                udp.updateChecksum(v4);
                check(udp.verifyChecksum(v4) && udp.checksum() != 0, "checksum after update", udp);
                check(udp.clearChecksum().verifyChecksum(v4), "zero checksum over IPv4", udp);
            }
        } catch (MalformedPacketException expected) {
            return;
        }
        within(udp.payloadOffset(), udp.payloadLength(), 0, input.length + 1, "payload", udp);
        check(udp.length() >= 8, "length", udp);
        udp.toString();
    }
}
