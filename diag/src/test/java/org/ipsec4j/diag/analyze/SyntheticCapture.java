package org.ipsec4j.diag.analyze;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.ipsec4j.ike.message.ExchangeType;
import org.ipsec4j.ike.message.EncryptedPayload;
import org.ipsec4j.ike.message.EncryptedFragmentPayload;
import org.ipsec4j.ike.message.IkeHeader;
import org.ipsec4j.ike.message.KeyExchangePayload;
import org.ipsec4j.ike.message.MessageCodec;
import org.ipsec4j.ike.message.NoncePayload;
import org.ipsec4j.ike.message.NotifyPayload;
import org.ipsec4j.ike.message.NotifyType;
import org.ipsec4j.ike.message.Payload;
import org.ipsec4j.ike.message.Proposal;
import org.ipsec4j.ike.message.ProtocolId;
import org.ipsec4j.ike.message.SecurityAssociationPayload;
import org.ipsec4j.ike.message.Transform;
import org.ipsec4j.ike.message.TransformType;
import org.ipsec4j.ike.sa.NatDetection;
import org.ipsec4j.wire.BigEndian;
import org.ipsec4j.wire.Icmpv4Message;
import org.ipsec4j.wire.Icmpv6Message;
import org.ipsec4j.wire.InternetChecksum;
import org.ipsec4j.wire.IpProtocol;
import org.ipsec4j.wire.Ipv4Packet;
import org.ipsec4j.wire.Ipv6Packet;
import org.ipsec4j.wire.UdpDatagram;
import org.ipsec4j.wire.frag.Fragmenter;
import org.ipsec4j.wire.pcap.CaptureReader;
import org.ipsec4j.wire.pcap.CaptureWriter;
import org.ipsec4j.wire.pcap.CapturedPacket;
import org.ipsec4j.wire.pcap.LinkType;

/**
 * Captures written in the test with {@code wire}'s builders and {@link CaptureWriter}, and real IKEv2
 * messages from the ike module's {@link MessageCodec}: packets are added at a time, then the capture is
 * analysed exactly as the command does.
 */
final class SyntheticCapture {

    static final long T0 = 1_700_000_000_000_000_000L;

    private record Frame(long timeNanos, int interfaceId, byte[] packet) {}

    private final List<Frame> frames = new ArrayList<>();
    private final List<String> interfaces = new ArrayList<>(List.of("eth0"));
    private final Random random = new Random(7);
    private int ipv4Id = 0x100;
    private int fragmentId = 0x5efa507c;

    /** Adds a raw IP packet at {@code seconds} after T0 on interface 0; returns its packet number. */
    long add(double seconds, byte[] packet) {
        return add(seconds, 0, packet);
    }

    long add(double seconds, int interfaceId, byte[] packet) {
        frames.add(new Frame(T0 + Math.round(seconds * 1e9), interfaceId, packet));
        return frames.size();
    }

    /** Adds each packet at the same time; returns the first one's number. */
    long addAll(double seconds, List<byte[]> packets) {
        long first = frames.size() + 1;
        for (byte[] p : packets) {
            add(seconds, p);
        }
        return first;
    }

    int addInterface(String name) {
        interfaces.add(name);
        return interfaces.size() - 1;
    }

    byte[] pcapng() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (CaptureWriter w = CaptureWriter.pcapng(bytes)) {
            for (String name : interfaces) {
                w.addInterface(LinkType.RAW, name, 0);
            }
            for (Frame f : frames) {
                w.write(f.interfaceId(), f.timeNanos(), f.packet());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    AnalysisReport analyze() {
        return analyze(pcapng(), CaptureAnalyzer.Limits.DEFAULT, KeySource.NONE);
    }

    static AnalysisReport analyze(byte[] capture, CaptureAnalyzer.Limits limits, KeySource keys) {
        CaptureAnalyzer analyzer = new CaptureAnalyzer(keys, limits);
        try (CaptureReader reader = CaptureReader.open(new ByteArrayInputStream(capture))) {
            CapturedPacket p;
            while ((p = reader.next()) != null) {
                analyzer.accept(p, reader.interfaces());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return analyzer.finish();
    }

    // ---- IP and UDP ----

    byte[] udp(String src, String dst, int sport, int dport, byte[] payload) {
        return udp(src, dst, sport, dport, payload, false);
    }

    byte[] udp(String src, String dst, int sport, int dport, byte[] payload, boolean dontFragment) {
        if (src.contains(":")) {
            byte[] out = new byte[48 + payload.length];
            System.arraycopy(payload, 0, out, 48, payload.length);
            UdpDatagram.writeIpv6(out, 0, Ipv6Packet.parseAddress(src), 0, Ipv6Packet.parseAddress(dst), 0, sport,
                    dport, 64, payload.length);
            return out;
        }
        byte[] out = new byte[28 + payload.length];
        System.arraycopy(payload, 0, out, 28, payload.length);
        UdpDatagram.writeIpv4(out, 0, Ipv4Packet.parseAddress(src), Ipv4Packet.parseAddress(dst), sport, dport, 64,
                ipv4Id++, dontFragment, payload.length);
        return out;
    }

    /** An IP packet of any protocol around {@code payload}. */
    byte[] ip(String src, String dst, int protocol, boolean dontFragment, byte[] payload) {
        if (src.contains(":")) {
            byte[] out = new byte[40 + payload.length];
            Ipv6Packet.writeHeader(out, 0, 0, 0, payload.length, protocol, 64, Ipv6Packet.parseAddress(src), 0,
                    Ipv6Packet.parseAddress(dst), 0);
            System.arraycopy(payload, 0, out, 40, payload.length);
            return out;
        }
        byte[] out = new byte[20 + payload.length];
        Ipv4Packet.writeHeader(out, 0, 0, out.length, ipv4Id++, dontFragment, 64, protocol,
                Ipv4Packet.parseAddress(src), Ipv4Packet.parseAddress(dst));
        System.arraycopy(payload, 0, out, 20, payload.length);
        return out;
    }

    /** The packet cut into fragments for {@code mtu}, with a fresh identification. */
    List<byte[]> fragments(byte[] packet, int mtu) {
        Fragmenter f = new Fragmenter();
        if ((packet[0] & 0xF0) == 0x60) {
            return f.fragmentIpv6(packet, 0, packet.length, mtu, fragmentId++);
        }
        return f.fragmentIpv4(packet, 0, packet.length, mtu);
    }

    // ---- ESP ----

    /** An ESP header and {@code bodyLength} bytes of pretend ciphertext. */
    byte[] esp(int spi, long seq, int bodyLength) {
        byte[] out = new byte[8 + bodyLength];
        BigEndian.put32(out, 0, spi);
        BigEndian.put32(out, 4, (int) seq);
        for (int i = 8; i < out.length; i++) {
            out[i] = (byte) random.nextInt();
        }
        return out;
    }

    byte[] rawEsp(String src, String dst, int spi, long seq, int totalLength, boolean dontFragment) {
        int header = src.contains(":") ? 40 : 20;
        return ip(src, dst, IpProtocol.ESP, dontFragment, esp(spi, seq, totalLength - header - 8));
    }

    byte[] udpEsp(String src, int sport, String dst, int dport, int spi, long seq, int totalLength, boolean df) {
        int header = (src.contains(":") ? 40 : 20) + 8;
        return udp(src, dst, sport, dport, esp(spi, seq, totalLength - header - 8), df);
    }

    // ---- IKEv2 ----

    /** An IKE_SA_INIT request with NAT detection hashes of the addresses the initiator believes in. */
    static byte[] ikeSaInitRequest(long spiI, String believedSource, int sourcePort, String believedDestination,
            int destinationPort, boolean fragmentationSupported) {
        List<Payload> p = new ArrayList<>(List.of(sa(), new KeyExchangePayload(31, new byte[32]),
                new NoncePayload(new byte[32]),
                natd(NotifyType.NAT_DETECTION_SOURCE_IP, spiI, 0, believedSource, sourcePort),
                natd(NotifyType.NAT_DETECTION_DESTINATION_IP, spiI, 0, believedDestination, destinationPort)));
        if (fragmentationSupported) {
            p.add(NotifyPayload.of(NotifyType.IKEV2_FRAGMENTATION_SUPPORTED));
        }
        return MessageCodec.encode(IkeHeader.of(spiI, 0, ExchangeType.IKE_SA_INIT, true, false, 0), p);
    }

    static byte[] ikeSaInitResponse(long spiI, long spiR, String believedSource, int sourcePort,
            String believedDestination, int destinationPort, boolean fragmentationSupported) {
        List<Payload> p = new ArrayList<>(List.of(sa(), new KeyExchangePayload(31, new byte[32]),
                new NoncePayload(new byte[32]),
                natd(NotifyType.NAT_DETECTION_SOURCE_IP, spiI, spiR, believedSource, sourcePort),
                natd(NotifyType.NAT_DETECTION_DESTINATION_IP, spiI, spiR, believedDestination, destinationPort)));
        if (fragmentationSupported) {
            p.add(NotifyPayload.of(NotifyType.IKEV2_FRAGMENTATION_SUPPORTED));
        }
        return MessageCodec.encode(IkeHeader.of(spiI, spiR, ExchangeType.IKE_SA_INIT, false, true, 0), p);
    }

    /** A protected message: an SK payload of {@code bodyLength} bytes whose first inner payload is {@code first}. */
    static byte[] protectedMessage(long spiI, long spiR, ExchangeType exchange, boolean fromInitiator,
            boolean response, int messageId, int first, int bodyLength) {
        return MessageCodec.encode(IkeHeader.of(spiI, spiR, exchange, fromInitiator, response, messageId),
                List.of(new EncryptedPayload(first, new byte[bodyLength])));
    }

    /** One RFC 7383 fragment of a protected message. */
    static byte[] protectedFragment(long spiI, long spiR, ExchangeType exchange, boolean fromInitiator,
            boolean response, int messageId, int first, int number, int total, int bodyLength) {
        return MessageCodec.encode(IkeHeader.of(spiI, spiR, exchange, fromInitiator, response, messageId),
                List.of(new EncryptedFragmentPayload(number == 1 ? first : 0, number, total, new byte[bodyLength])));
    }

    static byte[] nonEspMarker(byte[] ike) {
        byte[] out = new byte[4 + ike.length];
        System.arraycopy(ike, 0, out, 4, ike.length);
        return out;
    }

    private static SecurityAssociationPayload sa() {
        return SecurityAssociationPayload.of(new Proposal(1, ProtocolId.IKE, new byte[0], List.of(
                Transform.of(TransformType.ENCR, 20, 128), Transform.of(TransformType.PRF, 5),
                Transform.of(TransformType.DH, 31))));
    }

    private static NotifyPayload natd(int type, long spiI, long spiR, String address, int port) {
        byte[] a = address.contains(":") ? Ipv6Packet.parseAddress(address) : NetAddress.parse(address).bytes();
        return NotifyPayload.of(type, NatDetection.hash(spiI, spiR, a, port));
    }

    // ---- ICMP ----

    /** ICMP fragmentation needed (IPv4) or Packet Too Big (IPv6) from {@code router} about {@code original}. */
    static byte[] tooBig(String router, int mtu, byte[] original) {
        byte[] out = new byte[1400];
        int n;
        if (router.contains(":")) {
            n = Icmpv6Message.writePacketTooBig(out, 0, Ipv6Packet.parseAddress(router), 0, mtu,
                    Ipv6Packet.parse(original, 0, original.length));
        } else {
            n = Icmpv4Message.writeFragmentationNeeded(out, 0, Ipv4Packet.parseAddress(router), 7, mtu,
                    Ipv4Packet.parse(original, 0, original.length));
        }
        return java.util.Arrays.copyOf(out, n);
    }

    static byte[] portUnreachable(String from, byte[] original) {
        byte[] out = new byte[1400];
        int n;
        if (from.contains(":")) {
            n = Icmpv6Message.writeDestinationUnreachable(out, 0, Ipv6Packet.parseAddress(from), 0,
                    Icmpv6Message.CODE_PORT_UNREACHABLE, Ipv6Packet.parse(original, 0, original.length));
        } else {
            n = Icmpv4Message.writePortUnreachable(out, 0, Ipv4Packet.parseAddress(from), 9,
                    Ipv4Packet.parse(original, 0, original.length));
        }
        return java.util.Arrays.copyOf(out, n);
    }

    /** An ICMPv6 neighbour solicitation (type 135) or advertisement (136) for {@code target}. */
    static byte[] neighborDiscovery(int type, String src, String dst, String target) {
        byte[] icmp = new byte[24];
        icmp[0] = (byte) type;
        if (type == 136) {
            icmp[4] = 0x60; // solicited, override
        }
        System.arraycopy(Ipv6Packet.parseAddress(target), 0, icmp, 8, 16);
        byte[] out = new byte[40 + icmp.length];
        Ipv6Packet.writeHeader(out, 0, 0, 0, icmp.length, IpProtocol.ICMPV6, 255, Ipv6Packet.parseAddress(src), 0,
                Ipv6Packet.parseAddress(dst), 0);
        System.arraycopy(icmp, 0, out, 40, icmp.length);
        int sum = InternetChecksum.pseudoHeaderSumV6(out, 8, 24, IpProtocol.ICMPV6, icmp.length);
        BigEndian.put16(out, 42, InternetChecksum.fold(InternetChecksum.sum(out, 40, icmp.length, sum)));
        return out;
    }

    static List<String> ids(AnalysisReport r) {
        return r.findings().stream().map(Finding::id).toList();
    }

    static List<String> warnings(AnalysisReport r) {
        return r.findings().stream().filter(f -> f.severity() != Severity.INFO).map(f -> f.id() + ": " + f.summary())
                .toList();
    }

    static Finding only(AnalysisReport r, String id) {
        List<Finding> found = r.findings().stream().filter(f -> f.id().equals(id)).toList();
        if (found.size() != 1) {
            throw new AssertionError("expected one " + id + " finding, got " + found + "\n" + TextReport.render(r));
        }
        return found.getFirst();
    }
}
