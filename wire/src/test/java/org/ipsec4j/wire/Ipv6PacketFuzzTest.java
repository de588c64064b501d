package org.ipsec4j.wire;

import com.code_intelligence.jazzer.junit.FuzzTest;

import static org.ipsec4j.wire.FuzzChecks.check;
import static org.ipsec4j.wire.FuzzChecks.within;

/**
 * Jazzer target for {@link Ipv6Packet} and its extension-header walk. Plain {@code mvn test} replays the seeds
 * in {@code src/test/resources/org/ipsec4j/wire/Ipv6PacketFuzzTestInputs/parse/}.
 */
class Ipv6PacketFuzzTest {

    private final Ipv6Packet ip = new Ipv6Packet();

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
        int end = ip.end();
        check(end <= off + len && end >= off + 40, "end", ip);
        int[] pos = {off + 40};
        int[] count = {0};
        ip.extensionHeaders((type, offset, length) -> {
            check(offset == pos[0], "headers are contiguous", ip);
            check(length >= 8, "header length", ip);
            within(offset, length, off + 40, end + 1, "extension header", ip);
            pos[0] = offset + length;
            count[0]++;
            return true;
        });
        check(count[0] == ip.extensionHeaderCount(), "header count", ip);
        if (ip.upperLayerOffset() >= 0) {
            check(ip.upperLayerOffset() == pos[0], "upper layer follows the chain", ip);
            within(ip.upperLayerOffset(), ip.upperLayerLength(), off + 40, end + 1, "upper layer", ip);
            check(ip.upperLayerProtocol() >= 0 && !IpProtocol.isIpv6ExtensionHeader(ip.upperLayerProtocol()),
                    "upper-layer protocol", ip);
        } else {
            check(quoted || ip.fragmentOffset() != 0, "no upper layer only in non-first fragments", ip);
        }
        int unfrag = ip.unfragmentablePartLength();
        check(unfrag >= 40 && off + unfrag <= end, "unfragmentable part", ip);
        if (ip.fragmentHeaderOffset() >= 0) {
            within(ip.fragmentHeaderOffset(), 8, off + 40, end + 1, "fragment header", ip);
            check(off + unfrag == ip.fragmentHeaderOffset(), "unfragmentable part ends at the fragment header", ip);
            check(ip.isFragment() != ip.isAtomicFragment(), "fragment or atomic", ip);
        } else {
            check(!ip.isFragment() && !ip.isAtomicFragment() && ip.fragmentDataOffset() == -1, "no fragment", ip);
        }
        Ipv6Packet.formatAddress(input, ip.sourceOffset());
        ip.toString();
        // In-place edits keep the packet parseable.
        ip.setTrafficClass(ip.trafficClass() ^ 0xFF).setFlowLabel(ip.flowLabel() + 1).setHopLimit(ip.hopLimit() - 1);
        packet.wrap(ip::wrap, ip::wrapQuoted);
    }
}
