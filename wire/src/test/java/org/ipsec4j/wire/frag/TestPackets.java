package org.ipsec4j.wire.frag;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import org.ipsec4j.wire.IpProtocol;
import org.ipsec4j.wire.Ipv4Packet;
import org.ipsec4j.wire.Ipv6Packet;

/** Builds IPv4/IPv6 test packets with random payloads, options and extension headers. */
final class TestPackets {

    static final int SOURCE_V4 = Ipv4Packet.parseAddress("192.0.2.1");
    static final int DESTINATION_V4 = Ipv4Packet.parseAddress("198.51.100.7");
    static final byte[] SOURCE_V6 = Ipv6Packet.parseAddress("2001:db8::be6b:d879");
    static final byte[] DESTINATION_V6 = Ipv6Packet.parseAddress("2001:db8:f:608::2");

    /** Router Alert (RFC 2113): copied flag set, 4 bytes. */
    static final byte[] ROUTER_ALERT = {(byte) 0x94, 4, 0, 0};
    /** Record Route (RFC 791): copied flag clear, 7 bytes, one empty slot. */
    static final byte[] RECORD_ROUTE = {7, 7, 4, 0, 0, 0, 0};
    /** Loose Source Route (RFC 791): copied flag set, 7 bytes. */
    static final byte[] LOOSE_SOURCE_ROUTE = {(byte) 0x83, 7, 4, 10, 0, 0, 1};

    private TestPackets() {}

    static byte[] randomBytes(int length, long seed) {
        byte[] b = new byte[length];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Concatenates options and pads them with End of Option List to a multiple of 4. */
    static byte[] options(byte[]... options) {
        int length = 0;
        for (byte[] o : options) {
            length += o.length;
        }
        byte[] out = new byte[(length + 3) & ~3];
        int at = 0;
        for (byte[] o : options) {
            System.arraycopy(o, 0, out, at, o.length);
            at += o.length;
        }
        return out;
    }

    static byte[] ipv4(int payloadLength, byte[] options, boolean dontFragment, int id, long seed) {
        return ipv4(payloadLength, options, dontFragment ? 0x4000 : 0, id, IpProtocol.UDP, seed);
    }

    static byte[] ipv4(int payloadLength, byte[] options, int flagsAndOffset, int id, int protocol, long seed) {
        int headerLength = 20 + options.length;
        byte[] packet = new byte[headerLength + payloadLength];
        Ipv4Packet.writeHeader(packet, 0, 0x28, packet.length, id, flagsAndOffset, 64, protocol, SOURCE_V4,
                DESTINATION_V4, options, 0, options.length);
        System.arraycopy(randomBytes(payloadLength, seed), 0, packet, headerLength, payloadLength);
        return packet;
    }

    /** One IPv6 extension header to put in front of the upper layer: its type and its total length. */
    record Extension(int type, int length) {}

    /**
     * An IPv6 packet: fixed header, the given extension headers (filled with Pad1 / zeros), an upper-layer header
     * of {@code upperProtocol} and random bytes up to {@code payloadLength}.
     */
    static byte[] ipv6(int payloadLength, List<Extension> extensions, int upperProtocol, long seed) {
        int extensionLength = 0;
        for (Extension e : extensions) {
            extensionLength += e.length();
        }
        if (payloadLength < extensionLength) {
            throw new IllegalArgumentException("payload " + payloadLength + " < extensions " + extensionLength);
        }
        byte[] packet = new byte[40 + payloadLength];
        System.arraycopy(randomBytes(payloadLength, seed), 0, packet, 40, payloadLength);
        int firstNext = extensions.isEmpty() ? upperProtocol : extensions.get(0).type();
        Ipv6Packet.writeHeader(packet, 0, 0, 0x12345, payloadLength, firstNext, 64, SOURCE_V6, 0, DESTINATION_V6, 0);
        int at = 40;
        for (int i = 0; i < extensions.size(); i++) {
            Extension e = extensions.get(i);
            int next = i + 1 < extensions.size() ? extensions.get(i + 1).type() : upperProtocol;
            java.util.Arrays.fill(packet, at, at + e.length(), (byte) 0);
            packet[at] = (byte) next;
            packet[at + 1] = (byte) (e.type() == IpProtocol.AH ? e.length() / 4 - 2 : e.length() / 8 - 1);
            at += e.length();
        }
        return packet;
    }

    static byte[] ipv6Udp(int payloadLength, long seed) {
        return ipv6(payloadLength, List.of(), IpProtocol.UDP, seed);
    }

    /** Hand-builds one IPv6 fragment: 40-byte header, fragment header, then {@code data}. */
    static byte[] ipv6Fragment(int nextHeader, int offsetBytes, boolean more, int id, byte[] data, int from, int to) {
        byte[] packet = new byte[48 + to - from];
        Ipv6Packet.writeHeader(packet, 0, 0, 0, packet.length - 40, IpProtocol.IPV6_FRAG, 64, SOURCE_V6, 0,
                DESTINATION_V6, 0);
        Ipv6Packet.writeFragmentHeader(packet, 40, nextHeader, offsetBytes, more, id);
        System.arraycopy(data, from, packet, 48, to - from);
        return packet;
    }

    /** Hand-builds one IPv4 fragment with a 20-byte header carrying {@code data[from..to)}. */
    static byte[] ipv4Fragment(int offsetBytes, boolean more, int id, byte[] data, int from, int to) {
        byte[] packet = new byte[20 + to - from];
        Ipv4Packet.writeHeader(packet, 0, 0, packet.length, id, (more ? 0x2000 : 0) | (offsetBytes >>> 3), 64,
                IpProtocol.UDP, SOURCE_V4, DESTINATION_V4, null, 0, 0);
        System.arraycopy(data, from, packet, 20, to - from);
        return packet;
    }

    /** The fragments in a random order, with {@code duplicates} random extra copies. */
    static List<byte[]> shuffledWithDuplicates(List<byte[]> fragments, int duplicates, long seed) {
        Random random = new Random(seed);
        List<byte[]> out = new ArrayList<>(fragments);
        for (int i = 0; i < duplicates; i++) {
            out.add(fragments.get(random.nextInt(fragments.size())).clone());
        }
        Collections.shuffle(out, random);
        return out;
    }
}
