package org.ipsec4j.wire;

import com.code_intelligence.jazzer.junit.FuzzTest;

import static org.ipsec4j.wire.FuzzChecks.check;
import static org.ipsec4j.wire.FuzzChecks.within;

/**
 * Jazzer target for {@link Ipv4Packet}. Plain {@code mvn test} replays the seeds in
 * {@code src/test/resources/org/ipsec4j/wire/Ipv4PacketFuzzTestInputs/parse/}; {@code JAZZER_FUZZ=1} fuzzes.
 */
class Ipv4PacketFuzzTest {

    private final Ipv4Packet ip = new Ipv4Packet();

    @FuzzTest(maxDuration = "30s")
    void parse(byte[] input) {
        FuzzChecks.ModeAndPacket packet = FuzzChecks.ModeAndPacket.of(input);
        if (packet == null) {
            return;
        }
        boolean quoted = packet.quoted();
        int off = packet.off();
        int len = packet.len();
        try {
            packet.wrap(ip::wrap, ip::wrapQuoted);
        } catch (MalformedPacketException expected) {
            return;
        }
        int hl = ip.headerLength();
        check(hl >= 20 && hl <= 60 && hl <= len, "header length", ip);
        within(ip.payloadOffset(), ip.payloadLength(), off + hl, off + len + 1, "payload", ip);
        if (!quoted) {
            check(ip.payloadOffset() + ip.payloadLength() == off + ip.totalLength(), "total length", ip);
        }
        int[] end = {off + 20};
        ip.options((type, offset, length) -> {
            within(offset, length, end[0], off + hl + 1, "option", ip);
            end[0] = offset + length;
            return true;
        });
        check(ip.copyOptionsForFragment(new byte[40], 0) <= hl - 20, "copied options", ip);
        ip.toString();

        int before = ip.headerChecksum();
        ip.updateHeaderChecksum();
        check(ip.headerChecksumValid(), "checksum after update", ip);
        if (ip.ttl() > 0) {
            ip.decrementTtl();
            check(ip.headerChecksumValid(), "checksum after TTL decrement", ip);
        }
        check(before >= 0, "checksum", ip);
        // Re-wrapping our own edits must succeed.
        packet.wrap(ip::wrap, ip::wrapQuoted);
    }
}
