package org.ipsec4j.wire;

import com.code_intelligence.jazzer.junit.FuzzTest;

import static org.ipsec4j.wire.FuzzChecks.check;
import static org.ipsec4j.wire.FuzzChecks.within;

/**
 * Jazzer target for {@link Icmpv6Message} in IPv6: Neighbor Discovery options, the quoted packet, and the
 * Packet Too Big builder quoting whatever parsed. Plain {@code mvn test} replays the seeds in
 * {@code src/test/resources/org/ipsec4j/wire/Icmpv6MessageFuzzTestInputs/parse/}.
 */
class Icmpv6MessageFuzzTest {

    private static final byte[] GATEWAY = Ipv6Packet.parseAddress("2001:db8::1");

    private final Ipv6Packet ip = new Ipv6Packet();
    private final Ipv6Packet quoted = new Ipv6Packet();
    private final Icmpv6Message icmp = new Icmpv6Message();
    private final byte[] out = new byte[Ipv6Packet.MIN_MTU];

    @FuzzTest(maxDuration = "30s")
    void parse(byte[] input) {
        try {
            ip.wrap(input, 0, input.length);
        } catch (MalformedPacketException expected) {
            return;
        }
        if (Icmpv6Message.mayRespondWithError(ip, Icmpv6Message.TYPE_PACKET_TOO_BIG)) {
            int len = Icmpv6Message.writePacketTooBig(out, 0, GATEWAY, 0, 1280, ip);
            check(len <= Ipv6Packet.MIN_MTU, "error size", ip);
            Ipv6Packet errIp = Ipv6Packet.parse(out, 0, len);
            Icmpv6Message err = Icmpv6Message.parse(out, 40, len - 40);
            check(err.verifyChecksum(errIp) && err.mtu() == 1280, "built error", err);
            err.quotedPacket(quoted);
        }
        try {
            icmp.wrap(ip);
        } catch (MalformedPacketException expected) {
            return;
        }
        icmp.verifyChecksum(ip);
        icmp.updateChecksum(ip);
        check(icmp.verifyChecksum(ip), "checksum after update", icmp);
        int end = icmp.offset() + icmp.length();
        int[] pos = {icmp.optionsOffset()};
        icmp.options((type, offset, length) -> {
            check(offset == pos[0] && length >= 8, "options contiguous", icmp);
            within(offset, length, icmp.offset(), end + 1, "option", icmp);
            pos[0] = offset + length;
            return true;
        });
        for (int lla : new int[] {icmp.sourceLinkLayerAddressOffset(), icmp.targetLinkLayerAddressOffset()}) {
            if (lla >= 0) {
                within(lla, icmp.linkLayerAddressLength(lla), icmp.offset(), end + 1, "link-layer address", icmp);
            }
        }
        if (icmp.targetAddressOffset() >= 0) {
            within(icmp.targetAddressOffset(), 16, icmp.offset(), end + 1, "target", icmp);
            Ipv6Packet.formatAddress(input, icmp.targetAddressOffset());
        }
        icmp.mtuOption();
        icmp.toString();
        if (icmp.quotedPacketOffset() >= 0) {
            within(icmp.quotedPacketOffset(), icmp.quotedPacketLength(), icmp.offset() + 8, end + 1, "quote", icmp);
            try {
                icmp.quotedPacket(quoted);
                check(quoted.end() <= icmp.quotedPacketOffset() + icmp.quotedPacketLength(), "quoted end", quoted);
            } catch (MalformedPacketException expected) {
                // a bad quote is the message's problem
            }
        }
    }
}
