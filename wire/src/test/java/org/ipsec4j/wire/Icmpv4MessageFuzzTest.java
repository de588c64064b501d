package org.ipsec4j.wire;

import com.code_intelligence.jazzer.junit.FuzzTest;

import static org.ipsec4j.wire.FuzzChecks.check;
import static org.ipsec4j.wire.FuzzChecks.within;

/**
 * Jazzer target for {@link Icmpv4Message} in IPv4, its quoted datagram, and the error builder quoting
 * whatever parsed. Plain {@code mvn test} replays the seeds in
 * {@code src/test/resources/org/ipsec4j/wire/Icmpv4MessageFuzzTestInputs/parse/}.
 */
class Icmpv4MessageFuzzTest {

    private final Ipv4Packet ip = new Ipv4Packet();
    private final Ipv4Packet quoted = new Ipv4Packet();
    private final Icmpv4Message icmp = new Icmpv4Message();
    private final UdpDatagram udp = new UdpDatagram();
    private final byte[] out = new byte[Icmpv4Message.MAX_ERROR_DATAGRAM];

    @FuzzTest(maxDuration = "30s")
    void parse(byte[] input) {
        try {
            ip.wrap(input, 0, input.length);
        } catch (MalformedPacketException expected) {
            return;
        }
        if (Icmpv4Message.mayRespondWithError(ip)) {
            int len = Icmpv4Message.writeFragmentationNeeded(out, 0, 0xc0000201, 0, 1400, ip);
            check(len <= Icmpv4Message.MAX_ERROR_DATAGRAM, "error size", ip);
            Icmpv4Message err = Icmpv4Message.parse(out, 20, len - 20);
            check(err.checksumValid() && err.nextHopMtu() == 1400, "built error", err);
            check(Ipv4Packet.parse(out, 0, len).headerChecksumValid(), "built header", err);
            err.quotedPacket(quoted);
        }
        try {
            icmp.wrap(ip);
        } catch (MalformedPacketException expected) {
            return;
        }
        icmp.checksumValid();
        icmp.updateChecksum();
        check(icmp.checksumValid(), "checksum after update", icmp);
        icmp.toString();
        if (!icmp.isError()) {
            check(icmp.quotedPacketOffset() == -1 && icmp.quotedPacketLength() == -1, "no quote", icmp);
            return;
        }
        within(icmp.quotedPacketOffset(), icmp.quotedPacketLength(), icmp.offset() + 8,
                icmp.offset() + icmp.length() + 1, "quote", icmp);
        try {
            icmp.quotedPacket(quoted);
            within(quoted.payloadOffset(), quoted.payloadLength(), icmp.quotedPacketOffset(),
                    icmp.quotedPacketOffset() + icmp.quotedPacketLength() + 1, "quoted payload", quoted);
            if (quoted.protocol() == IpProtocol.UDP && !quoted.isTruncated()) {
                udp.wrap(quoted).verifyChecksum(quoted);
            }
        } catch (MalformedPacketException expected) {
            // a bad quote is the message's problem
        }
    }
}
