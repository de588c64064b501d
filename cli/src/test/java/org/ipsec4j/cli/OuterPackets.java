package org.ipsec4j.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.ipsec4j.esp.crypto.AhCodec;
import org.ipsec4j.wire.IpProtocol;
import org.ipsec4j.wire.Ipv4Packet;
import org.ipsec4j.wire.Ipv6Packet;
import org.ipsec4j.wire.UdpDatagram;
import org.ipsec4j.wire.pcap.CaptureReader;
import org.ipsec4j.wire.pcap.CapturedPacket;
import org.ipsec4j.wire.pcap.NetworkPayload;
import org.ipsec4j.wire.pcap.NetworkProtocol;

/**
 * The ESP (raw or in UDP) and AH packets of a capture taken on the outer link, read with our own capture reader
 * and packet views: who sent them, the outer TOS / traffic class, SPI and sequence number. Other packets (ARP,
 * neighbour discovery, NAT keepalives, IKE) are left out. A capture with a short snapshot length will do: only
 * the headers are read.
 */
record OuterPackets(List<OuterPacket> packets) {

    /**
     * One IPsec packet on the wire (or, for a UDP GSO run captured before the kernel cut it, the first of a run).
     *
     * @param length the IP packet's length
     * @param dontFragment the IPv4 header's DF bit (false for IPv6)
     */
    record OuterPacket(InetAddress source, InetAddress destination, int trafficClass, int protocol, boolean udp,
            int spi, long sequence, int length, boolean dontFragment) {

        int dscp() {
            return trafficClass >>> 2;
        }

        int ecn() {
            return trafficClass & 3;
        }
    }

    static OuterPackets read(Path capture) {
        List<OuterPacket> packets = new ArrayList<>();
        try (CaptureReader reader = CaptureReader.open(capture)) {
            CapturedPacket captured;
            while ((captured = reader.next()) != null) {
                OuterPacket packet = parse(captured);
                if (packet != null) {
                    packets.add(packet);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new OuterPackets(List.copyOf(packets));
    }

    private static OuterPacket parse(CapturedPacket packet) {
        NetworkPayload network = packet.network();
        byte[] data = packet.data();
        int off = network.offset();
        InetAddress source;
        InetAddress destination;
        int trafficClass;
        int protocol;
        int payloadOff;
        int length;
        boolean dontFragment = false;
        int present = network.length();
        if (network.protocol() == NetworkProtocol.IPV4) {
            Ipv4Packet ip = new Ipv4Packet().wrapQuoted(data, off, present);
            source = address(data, ip.sourceOffset(), 4);
            destination = address(data, ip.sourceOffset() + 4, 4);
            trafficClass = ip.typeOfService();
            protocol = ip.protocol();
            payloadOff = ip.payloadOffset();
            length = ip.totalLength();
            dontFragment = ip.dontFragment();
        } else if (network.protocol() == NetworkProtocol.IPV6) {
            Ipv6Packet ip = new Ipv6Packet().wrapQuoted(data, off, present);
            source = address(data, ip.sourceOffset(), 16);
            destination = address(data, ip.sourceOffset() + 16, 16);
            trafficClass = ip.trafficClass();
            protocol = ip.nextHeader() == IpProtocol.AH ? IpProtocol.AH : ip.upperLayerProtocol();
            payloadOff = ip.upperLayerOffset();
            length = ip.totalLength();
        } else {
            return null;
        }
        return switch (protocol) {
            case IpProtocol.ESP -> new OuterPacket(source, destination, trafficClass, IpProtocol.ESP, false,
                    int32(data, payloadOff), Integer.toUnsignedLong(int32(data, payloadOff + 4)), length, dontFragment);
            case IpProtocol.AH -> {
                int ah = AhCodec.findHeader(data, off, Math.min(length, present));
                yield new OuterPacket(source, destination, trafficClass, IpProtocol.AH, false, AhCodec.spiAt(data, ah),
                        Integer.toUnsignedLong(AhCodec.sequenceLowAt(data, ah)), length, dontFragment);
            }
            case IpProtocol.UDP -> {
                int esp = payloadOff + UdpDatagram.HEADER_LENGTH;
                int udpLength = ((data[payloadOff + 4] & 0xFF) << 8) | (data[payloadOff + 5] & 0xFF);
                // RFC 3948: a lone 0xFF is a NAT keepalive, four zero bytes the non-ESP marker of IKE.
                if (udpLength < UdpDatagram.HEADER_LENGTH + 8 || int32(data, esp) == 0) {
                    yield null;
                }
                yield new OuterPacket(source, destination, trafficClass, IpProtocol.ESP, true, int32(data, esp),
                        Integer.toUnsignedLong(int32(data, esp + 4)), length, dontFragment);
            }
            default -> null;
        };
    }

    /** The packets one host sent. */
    List<OuterPacket> from(String address) {
        InetAddress source = InetAddress.ofLiteral(address);
        return packets.stream().filter(p -> p.source().equals(source)).toList();
    }

    private static InetAddress address(byte[] data, int off, int length) {
        try {
            return InetAddress.getByAddress(Arrays.copyOfRange(data, off, off + length));
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static int int32(byte[] b, int off) {
        return ((b[off] & 0xFF) << 24) | ((b[off + 1] & 0xFF) << 16) | ((b[off + 2] & 0xFF) << 8) | (b[off + 3] & 0xFF);
    }
}
