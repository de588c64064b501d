package org.ipsec4j.wire.frag;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.ipsec4j.wire.IpProtocol;
import org.ipsec4j.wire.Ipv4Packet;
import org.ipsec4j.wire.Ipv6Packet;
import org.ipsec4j.wire.MalformedPacketException;

/**
 * Jazzer targets for reassembly. Under plain {@code mvn test} they replay the seeds in
 * {@code src/test/resources/org/ipsec4j/wire/frag/ReassemblerFuzzTestInputs/<method>/}; with {@code JAZZER_FUZZ=1}
 * (one method at a time, {@code -Dtest=ReassemblerFuzzTest#method}) they fuzz for {@code maxDuration}.
 *
 * <p>{@link #fragmentSequence} reads the input as a script of operations (raw packets, structured IPv4 and IPv6
 * fragments of a few datagrams, clock steps) against small limits, and checks that nothing throws and the bounds
 * hold. {@link #fragmentThenReassemble} takes the input as a packet, fragments it and reassembles the fragments in
 * an input-chosen order with duplicates, and checks the packet comes back unchanged.
 */
class ReassemblerFuzzTest {

    private static final long MILLISECOND = 1_000_000L;
    private static final ReassemblyConfig SMALL_LIMITS =
            new ReassemblyConfig(6 * 1024, Duration.ofSeconds(2), 6, 4, 65535);

    @FuzzTest(maxDuration = "60s")
    void fragmentSequence(byte[] input) {
        Script script = new Script(input);
        Ipv4Reassembler v4 = new Ipv4Reassembler(SMALL_LIMITS);
        Ipv6Reassembler v6 = new Ipv6Reassembler(SMALL_LIMITS.withTimeout(Duration.ofSeconds(3)));
        v4.onTimeout((buffer, offset, length) -> checkQuote(buffer, offset, length, 4, v4.timeoutQuoteLimit()));
        v6.onTimeout((buffer, offset, length) -> checkQuote(buffer, offset, length, 6, v6.timeoutQuoteLimit()));
        long now = script.i64();
        int steps = 0;
        while (script.hasMore() && steps++ < 400) {
            int op = script.u8();
            switch (op & 3) {
                case 0 -> {
                    byte[] raw = script.bytes(script.u16() % 3000);
                    check(v4, raw, now);
                    check(v6, raw, now);
                }
                case 1 -> check(v4, ipv4Fragment(script, op), now);
                case 2 -> check(v6, ipv6Fragment(script, op), now);
                default -> {
                    now += (long) script.u16() * MILLISECOND;
                    if ((op & 4) != 0) {
                        v4.expire(now);
                        v6.expire(now);
                        checkBounds(v4);
                        checkBounds(v6);
                    }
                }
            }
        }
        v4.expire(now + Duration.ofSeconds(2).toNanos());
        v6.expire(now + Duration.ofSeconds(3).toNanos());
        if (v4.heldBytes() != 0 || v6.heldBytes() != 0 || v4.pendingDatagrams() != 0 || v6.pendingDatagrams() != 0) {
            throw new IllegalStateException("state left after every timeout: " + v4.heldBytes() + "/" + v6.heldBytes());
        }
    }

    @FuzzTest(maxDuration = "60s")
    void fragmentThenReassemble(byte[] input) {
        if (input.length < 4) {
            return;
        }
        int mtu = ((input[0] & 0xFF) << 8 | (input[1] & 0xFF));
        long orderSeed = input[2];
        int duplicates = input[3] & 7;
        byte[] packet = Arrays.copyOfRange(input, 4, input.length);
        if (packet.length > 0 && (packet[0] & 0xF0) == 0x60) {
            roundTripIpv6(packet, Math.max(Fragmenter.MIN_IPV6_MTU, mtu), orderSeed, duplicates);
        } else {
            roundTripIpv4(packet, Math.max(Fragmenter.MIN_IPV4_MTU, mtu), orderSeed, duplicates);
        }
    }

    private static void roundTripIpv4(byte[] packet, int mtu, long orderSeed, int duplicates) {
        Ipv4Packet ip;
        try {
            ip = Ipv4Packet.parse(packet, 0, packet.length);
        } catch (MalformedPacketException notAPacket) {
            return;
        }
        // A whole datagram, reserved flag clear, correct checksum: what the fragmenter is given in practice.
        ip.setFragment(0, false).setDontFragment(false);
        packet[6] &= 0x7F;
        ip.updateHeaderChecksum();
        byte[] original = Arrays.copyOf(packet, ip.totalLength());
        List<byte[]> fragments = new Fragmenter().fragmentIpv4(packet, 0, packet.length, mtu);
        expectBack(new Ipv4Reassembler(ReassemblyConfig.ipv4Defaults().withMaxFragmentsPerDatagram(65535)),
                original, fragments, orderSeed, duplicates);
    }

    private static void roundTripIpv6(byte[] packet, int mtu, long orderSeed, int duplicates) {
        List<byte[]> fragments;
        byte[] original;
        try {
            Ipv6Packet ip = Ipv6Packet.parse(packet, 0, packet.length);
            original = Arrays.copyOf(packet, ip.totalLength());
            fragments = new Fragmenter().fragmentIpv6(packet, 0, packet.length, mtu, (int) orderSeed);
        } catch (MalformedPacketException | FragmentationRefusedException cannot) {
            return;
        }
        expectBack(new Ipv6Reassembler(ReassemblyConfig.ipv6Defaults().withMaxFragmentsPerDatagram(65535)),
                original, fragments, orderSeed, duplicates);
    }

    private static void expectBack(Reassembler reassembler, byte[] original, List<byte[]> fragments, long orderSeed,
            int duplicates) {
        if (fragments.size() == 1) {
            if (!Arrays.equals(fragments.get(0), original)) {
                throw new IllegalStateException("a packet that fits was changed");
            }
            return;
        }
        byte[] result = null;
        for (byte[] f : TestPackets.shuffledWithDuplicates(fragments, duplicates, orderSeed)) {
            Reassembler.Outcome outcome = reassembler.accept(f, 0, f.length, 0);
            if (outcome == Reassembler.Outcome.COMPLETE && result == null) {
                result = reassembler.copyDatagram();
            } else if (outcome == Reassembler.Outcome.DROPPED && reassembler.lastDropReason() != DropReason.DUPLICATE) {
                throw new IllegalStateException("fragment of a valid packet dropped: " + reassembler.lastDropReason());
            }
        }
        if (!Arrays.equals(original, result)) {
            throw new IllegalStateException("reassembled datagram differs from the original");
        }
    }

    private static void check(Reassembler reassembler, byte[] packet, long now) {
        Reassembler.Outcome outcome = reassembler.accept(packet, 0, packet.length, now);
        if ((outcome == Reassembler.Outcome.DROPPED) != (reassembler.lastDropReason() != null)) {
            throw new IllegalStateException(outcome + " with drop reason " + reassembler.lastDropReason());
        }
        if (outcome == Reassembler.Outcome.COMPLETE) {
            byte[] datagram = reassembler.copyDatagram();
            if (reassembler instanceof Ipv4Reassembler) {
                Ipv4Packet ip = Ipv4Packet.parse(datagram, 0, datagram.length);
                if (!ip.headerChecksumValid() || ip.isFragment() || ip.totalLength() != datagram.length) {
                    throw new IllegalStateException("bad reassembled IPv4 header: " + ip);
                }
            } else {
                int payloadLength = (datagram[4] & 0xFF) << 8 | (datagram[5] & 0xFF);
                if (payloadLength != datagram.length - Ipv6Packet.HEADER_LENGTH || (datagram[0] & 0xF0) != 0x60) {
                    throw new IllegalStateException("bad reassembled IPv6 header");
                }
            }
        }
        checkBounds(reassembler);
    }

    /** A timeout report quotes the start of a first fragment as received: a header of the right version. */
    private static void checkQuote(byte[] buffer, int offset, int length, int version, int limit) {
        if (length < (version == 4 ? 20 : 48) || length > limit || offset < 0 || offset + length > buffer.length
                || (buffer[offset] & 0xF0) >>> 4 != version) {
            throw new IllegalStateException("bad timeout quote: offset " + offset + ", length " + length);
        }
        if (version == 4) {
            Ipv4Packet ip = new Ipv4Packet().wrapQuoted(buffer, offset, length);
            if (!ip.moreFragments() || ip.fragmentOffset() != 0) {
                throw new IllegalStateException("quote is not a first fragment: " + ip);
            }
        } else {
            Ipv6Packet ip = new Ipv6Packet().wrapQuoted(buffer, offset, length);
            if (!ip.moreFragments() || ip.fragmentOffset() != 0) {
                throw new IllegalStateException("quote is not a first fragment");
            }
        }
    }

    private static void checkBounds(Reassembler reassembler) {
        ReassemblyConfig config = reassembler.config();
        if (reassembler.heldBytes() > config.memoryCapBytes() || reassembler.heldBytes() < 0) {
            throw new IllegalStateException("held " + reassembler.heldBytes() + " bytes");
        }
        if (reassembler.pendingDatagrams() > config.maxDatagrams()) {
            throw new IllegalStateException(reassembler.pendingDatagrams() + " datagrams pending");
        }
    }

    /** An IPv4 fragment of one of four datagrams whose payload bytes depend only on their position. */
    private static byte[] ipv4Fragment(Script script, int op) {
        int id = script.u8() & 3;
        int flags = script.u8();
        int offset = (flags & 1) != 0 ? script.u16() & 0xFFF8 : (script.u8() << 3);
        int dataLength = script.u8() * 8 + ((flags & 2) != 0 ? script.u8() & 7 : 0);
        boolean more = (flags & 4) != 0;
        byte[] options = (flags & 8) != 0 ? TestPackets.options(TestPackets.ROUTER_ALERT, TestPackets.RECORD_ROUTE)
                : new byte[0];
        int protocol = (op & 0x80) != 0 ? IpProtocol.TCP : IpProtocol.UDP;
        int headerLength = 20 + options.length;
        int totalLength = Math.min(0xFFFF, headerLength + dataLength);
        byte[] packet = new byte[totalLength];
        Ipv4Packet.writeHeader(packet, 0, 0, totalLength, id, (more ? 0x2000 : 0) | (offset >>> 3), 64, protocol,
                TestPackets.SOURCE_V4, TestPackets.DESTINATION_V4, options, 0, options.length);
        fillData(packet, headerLength, offset, id, (flags & 16) != 0 ? script.u8() : 0);
        if ((flags & 32) != 0) {
            packet[script.u8() % totalLength] ^= (byte) script.u8(); // may break the checksum or a field
        }
        return packet;
    }

    /** An IPv6 fragment of one of four datagrams, perhaps behind a hop-by-hop header and before a chain. */
    private static byte[] ipv6Fragment(Script script, int op) {
        int id = script.u8() & 3;
        int flags = script.u8();
        int offset = (flags & 1) != 0 ? script.u16() & 0xFFF8 : (script.u8() << 3);
        int dataLength = script.u8() * 8 + ((flags & 2) != 0 ? script.u8() & 7 : 0);
        boolean more = (flags & 4) != 0;
        int hopByHop = (flags & 8) != 0 ? 8 : 0;
        int nextHeader = switch (script.u8() & 3) {
            case 0 -> IpProtocol.UDP;
            case 1 -> IpProtocol.TCP;
            case 2 -> IpProtocol.IPV6_OPTS;
            default -> IpProtocol.ESP;
        };
        int payloadLength = Math.min(0xFFFF, hopByHop + 8 + dataLength);
        byte[] packet = new byte[40 + payloadLength];
        Ipv6Packet.writeHeader(packet, 0, 0, 0, payloadLength, hopByHop > 0 ? IpProtocol.HOPOPT : IpProtocol.IPV6_FRAG,
                64, TestPackets.SOURCE_V6, 0, TestPackets.DESTINATION_V6, 0);
        if (hopByHop > 0) {
            packet[40] = (byte) IpProtocol.IPV6_FRAG;
        }
        int fragmentHeader = 40 + hopByHop;
        Ipv6Packet.writeFragmentHeader(packet, fragmentHeader, nextHeader, offset, more,
                (op & 0x80) != 0 ? id : 0x10000 + id);
        fillData(packet, fragmentHeader + 8, offset, id, (flags & 16) != 0 ? script.u8() : 0);
        if (nextHeader == IpProtocol.IPV6_OPTS && offset == 0 && packet.length > fragmentHeader + 9) {
            packet[fragmentHeader + 8] = (byte) IpProtocol.UDP;
            packet[fragmentHeader + 9] = (byte) (script.u8() & 3); // 8..32-byte options header, maybe cut off
        }
        if ((flags & 32) != 0) {
            packet[script.u8() % packet.length] ^= (byte) script.u8();
        }
        return packet;
    }

    /** Payload bytes that are a function of (datagram, position), so fragments agree unless {@code salt} differs. */
    private static void fillData(byte[] packet, int from, int datagramOffset, int id, int salt) {
        for (int i = from; i < packet.length; i++) {
            int position = datagramOffset + i - from;
            packet[i] = (byte) (position * 31 + id * 7 + (position >>> 8) + salt);
        }
    }

    /** Reads the fuzzer's bytes as a sequence of small integers; zeros once exhausted. */
    private static final class Script {
        private final byte[] input;
        private int position;

        Script(byte[] input) {
            this.input = input;
        }

        boolean hasMore() {
            return position < input.length;
        }

        int u8() {
            return position < input.length ? input[position++] & 0xFF : 0;
        }

        int u16() {
            return u8() << 8 | u8();
        }

        long i64() {
            return (long) (u16() << 16 | u16()) << 32 | (u16() << 16 | u16()) & 0xFFFFFFFFL;
        }

        byte[] bytes(int length) {
            int n = Math.min(length, input.length - position);
            byte[] out = Arrays.copyOfRange(input, position, position + n);
            position += n;
            return out;
        }
    }

}
