package org.ipsec4j.esp;

import java.util.Arrays;
import java.util.function.Consumer;

import org.ipsec4j.esp.crypto.EspTransform;
import org.ipsec4j.esp.crypto.IntegrityAlgorithm;
import org.ipsec4j.esp.sad.IpsecMode;
import org.ipsec4j.esp.sad.LifetimeLimits;
import org.ipsec4j.esp.sad.SecurityAssociation;
import org.ipsec4j.esp.sad.SecurityAssociationDatabase;
import org.ipsec4j.esp.sad.SecurityProtocol;
import org.ipsec4j.esp.sad.UdpEncapsulation;
import org.ipsec4j.esp.selector.AddressRange;
import org.ipsec4j.esp.selector.IpAddress;
import org.ipsec4j.esp.selector.IpFamily;
import org.ipsec4j.esp.selector.TrafficSelector;
import org.ipsec4j.esp.spd.Direction;
import org.ipsec4j.esp.spd.IpsecTemplate;
import org.ipsec4j.esp.spd.PolicyAction;
import org.ipsec4j.esp.spd.SecurityPolicy;
import org.ipsec4j.esp.spd.SecurityPolicyDatabase;
import org.ipsec4j.wire.IpProtocol;
import org.ipsec4j.wire.Ipv4Packet;
import org.ipsec4j.wire.Ipv6Packet;
import org.ipsec4j.wire.UdpDatagram;

/**
 * Two gateways, "left" and "right", each a {@link DataPlane} over its own SPD and SAD, keyed by hand and
 * wired together by a simulated link that carries the outer packets as bytes. Left protects 10.1.0.0/16 (or
 * 2001:db8:1::/48), right 10.2.0.0/16 (2001:db8:2::/48); in transport mode the hosts are the gateways.
 */
public final class TwoPeers {

    public static final String LEFT_GW4 = "192.0.2.1";
    public static final String RIGHT_GW4 = "198.51.100.1";
    public static final String LEFT_GW6 = "2001:db8:a::1";
    public static final String RIGHT_GW6 = "2001:db8:b::1";
    public static final int LEFT_TO_RIGHT_SPI = 0xC0DE0001;
    public static final int RIGHT_TO_LEFT_SPI = 0xC0DE0002;

    /** How the receiving socket layer hands packets over. */
    public enum Delivery {
        /** The whole outer IP packet (IPv4 raw socket with header, packet socket, capture). */
        WHOLE_PACKET,
        /** A UDP socket's payload, or an IPv6 raw socket's ESP without the IP header, plus metadata. */
        SOCKET
    }

    /** The knobs of one tunnel configuration. */
    /** @param ah the AH integrity algorithm for an AH tunnel (then {@code transform} is null), or null for ESP */
    public record Config(IpsecMode mode, IpFamily outer, IpFamily inner, boolean udp, EspTransform transform,
                         IntegrityAlgorithm ah, boolean esn, int replayWindow, LifetimeLimits limits) {
        public static Config tunnel(IpFamily outer, IpFamily inner, boolean udp, EspTransform t) {
            return new Config(IpsecMode.TUNNEL, outer, inner, udp, t, null, false, 64, LifetimeLimits.UNLIMITED);
        }

        public static Config transport(IpFamily family, boolean udp, EspTransform t) {
            return new Config(IpsecMode.TRANSPORT, family, family, udp, t, null, false, 64, LifetimeLimits.UNLIMITED);
        }

        public static Config ah(IpsecMode mode, IpFamily outer, IpFamily inner, IntegrityAlgorithm integrity) {
            return new Config(mode, outer, mode == IpsecMode.TRANSPORT ? outer : inner, false, null, integrity, false, 64,
                    LifetimeLimits.UNLIMITED);
        }

        public SecurityProtocol protocol() {
            return ah != null ? SecurityProtocol.AH : SecurityProtocol.ESP;
        }

        public Config withEsn(boolean e) {
            return new Config(mode, outer, inner, udp, transform, ah, e, replayWindow, limits);
        }

        public Config withReplayWindow(int w) {
            return new Config(mode, outer, inner, udp, transform, ah, esn, w, limits);
        }

        public Config withLimits(LifetimeLimits l) {
            return new Config(mode, outer, inner, udp, transform, ah, esn, replayWindow, l);
        }

        @Override
        public String toString() {
            return (ah != null ? "ah " : "esp ") + mode.name().toLowerCase() + " "
                    + (mode == IpsecMode.TUNNEL ? inner + "-in-" + outer : outer) + (udp ? " udp" : " raw") + " "
                    + (ah != null ? ah : transform) + (esn ? " esn" : "");
        }
    }

    /** One gateway. */
    public static final class Peer {
        public final String name;
        public final SecurityPolicyDatabase spd = new SecurityPolicyDatabase();
        public final SecurityAssociationDatabase sad = new SecurityAssociationDatabase();
        public final DataPlane dataPlane = new DataPlane(spd, sad);
        public final OutboundResult out = new OutboundResult();
        public final InboundResult in = new InboundResult();
        public final byte[] sendBuffer = TestPackets.buffer();
        public final byte[] receiveBuffer = TestPackets.buffer();
        public IpAddress gateway;
        public String innerHost;
        public SecurityPolicy outPolicy;
        public SecurityPolicy inPolicy;
        public SecurityAssociation outboundSa;
        public SecurityAssociation inboundSa;

        Peer(String name) {
            this.name = name;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    public final Config config;
    public final Peer left = new Peer("left");
    public final Peer right = new Peer("right");
    private final InboundMetadata metadata = new InboundMetadata();
    /** Called with the wire bytes (a copy of the outer packet) before delivery; may change them. */
    public Consumer<byte[]> onWire = b -> { };

    /** Applied to both outbound SAs' builders before they are built (DF policy, prefragmentation, ...). */
    private final java.util.function.UnaryOperator<SecurityAssociation.Builder> outboundOptions;

    public TwoPeers(Config config) {
        this(config, b -> b);
    }

    public TwoPeers(Config config, java.util.function.UnaryOperator<SecurityAssociation.Builder> outboundOptions) {
        this.config = config;
        this.outboundOptions = outboundOptions;
        IpFamily outer = config.outer();
        left.gateway = IpAddress.parse(outer == IpFamily.IPV4 ? LEFT_GW4 : LEFT_GW6);
        right.gateway = IpAddress.parse(outer == IpFamily.IPV4 ? RIGHT_GW4 : RIGHT_GW6);
        byte[] keyLr = config.ah() != null ? null : key(config.transform(), 1);
        byte[] keyRl = config.ah() != null ? null : key(config.transform(), 2);
        byte[] intLr = integrityKey(config.ah() != null ? config.ah() : config.transform().integrity(), 3);
        byte[] intRl = integrityKey(config.ah() != null ? config.ah() : config.transform().integrity(), 4);
        setUp(left, right, LEFT_TO_RIGHT_SPI, RIGHT_TO_LEFT_SPI, keyLr, intLr, keyRl, intRl, "10.1.", "2001:db8:1::");
        setUp(right, left, RIGHT_TO_LEFT_SPI, LEFT_TO_RIGHT_SPI, keyRl, intRl, keyLr, intLr, "10.2.", "2001:db8:2::");
    }

    static byte[] key(EspTransform t, int seed) {
        byte[] k = new byte[t.encryption().keyMaterialLength()];
        for (int i = 0; i < k.length; i++) {
            k[i] = (byte) (seed * 31 + i);
        }
        return k;
    }

    static byte[] integrityKey(IntegrityAlgorithm a, int seed) {
        byte[] k = new byte[a.keyLength()];
        for (int i = 0; i < k.length; i++) {
            k[i] = (byte) (seed * 17 + i * 3);
        }
        return k;
    }

    private void setUp(Peer self, Peer other, int outSpi, int inSpi, byte[] outKey, byte[] outInt, byte[] inKey,
                       byte[] inInt, String net4, String net6) {
        boolean tunnel = config.mode() == IpsecMode.TUNNEL;
        AddressRange local;
        AddressRange remote;
        String otherNet4 = net4.equals("10.1.") ? "10.2." : "10.1.";
        String otherNet6 = net6.equals("2001:db8:1::") ? "2001:db8:2::" : "2001:db8:1::";
        if (tunnel) {
            local = AddressRange.parse(config.inner() == IpFamily.IPV4 ? net4 + "0.0/16" : net6 + "/48");
            remote = AddressRange.parse(config.inner() == IpFamily.IPV4 ? otherNet4 + "0.0/16" : otherNet6 + "/48");
            self.innerHost = config.inner() == IpFamily.IPV4 ? net4 + "0.5" : net6 + "5";
        } else {
            local = AddressRange.single(self.gateway);
            remote = AddressRange.single(other.gateway);
            self.innerHost = self.gateway.toString();
        }
        IpsecTemplate template = tunnel
                ? IpsecTemplate.tunnel(config.protocol(), self.gateway, other.gateway).withReqid(7)
                : IpsecTemplate.transport(config.protocol()).withReqid(7);
        self.outPolicy = self.spd.add(new SecurityPolicy(Direction.OUT, TrafficSelector.between(local, remote),
                PolicyAction.protect(template), self.name + " out"));
        self.inPolicy = self.spd.add(new SecurityPolicy(Direction.IN, TrafficSelector.between(local, remote),
                PolicyAction.protect(template), self.name + " in"));
        UdpEncapsulation encap = config.udp() ? UdpEncapsulation.DEFAULT : null;
        self.outboundSa = outboundOptions.apply(builder(SecurityAssociation.Flow.OUTBOUND, outSpi, outKey, outInt)
                .mode(config.mode()).endpoints(self.gateway, other.gateway).udpEncapsulation(encap)
                .extendedSequenceNumbers(config.esn()).reqid(7).lifetime(config.limits())).build();
        self.inboundSa = builder(SecurityAssociation.Flow.INBOUND, inSpi, inKey, inInt)
                .mode(config.mode()).endpoints(self.gateway, other.gateway).udpEncapsulation(encap)
                .extendedSequenceNumbers(config.esn()).reqid(7).replayWindow(config.replayWindow())
                .lifetime(config.limits()).build();
        self.sad.install(self.outboundSa, 0);
        self.sad.install(self.inboundSa, 0);
        self.outPolicy.bindOutboundSa(self.outboundSa);
    }

    private SecurityAssociation.Builder builder(SecurityAssociation.Flow flow, int spi, byte[] key, byte[] integrity) {
        return config.ah() != null
                ? SecurityAssociation.ah(flow, spi, config.ah(), integrity, true)
                : SecurityAssociation.esp(flow, spi, config.transform(), key, integrity);
    }

    public Peer other(Peer p) {
        return p == left ? right : left;
    }

    /** Writes an inner packet with {@code writer} at the data plane offset of {@code from}'s send buffer and processes it. */
    public OutboundResult send(Peer from, PacketWriter writer, long now) {
        int len = writer.write(from.sendBuffer, TestPackets.OFFSET);
        return from.dataPlane.processOutbound(from.sendBuffer, TestPackets.OFFSET, len, now, from.out);
    }

    @FunctionalInterface
    public interface PacketWriter {
        int write(byte[] buf, int off);
    }

    /** A copy of what {@code from} put on the wire for its last SEND. */
    public byte[] wire(Peer from) {
        OutboundResult r = from.out;
        if (r.action() != OutboundResult.Action.SEND) {
            throw new IllegalStateException(from + " has nothing to send: " + r);
        }
        return Arrays.copyOfRange(r.buffer(), r.packetOffset(), r.packetOffset() + r.packetLength());
    }

    /** Delivers outer packet bytes to {@code to} as its socket layer would. */
    public InboundResult deliver(Peer to, byte[] wire, Delivery delivery, long now) {
        onWire.accept(wire);
        byte[] buf = to.receiveBuffer;
        int off = TestPackets.OFFSET;
        int version0 = (wire[0] & 0xFF) >>> 4;
        boolean ipv4Raw = version0 == 4 && wire.length > 9 && (wire[9] & 0xFF) == IpProtocol.AH;
        if (delivery == Delivery.WHOLE_PACKET || ipv4Raw) {
            // IPv4 raw sockets deliver the IP header with the packet, which AH needs.
            System.arraycopy(wire, 0, buf, off, wire.length);
            return to.dataPlane.processInboundPacket(buf, off, wire.length, now, to.in);
        }
        // Socket style: strip the IP (and UDP) header and describe it in the metadata, as recvmsg would.
        int version = (wire[0] & 0xFF) >>> 4;
        int protocol;
        int payloadOff;
        int payloadLen;
        if (version == 4) {
            Ipv4Packet ip = Ipv4Packet.parse(wire, 0, wire.length);
            metadata.source(IpFamily.IPV4, wire, ip.sourceOffset(), 0).destination(wire, ip.destinationOffset(), 0)
                    .trafficClass(ip.typeOfService());
            protocol = ip.protocol();
            payloadOff = ip.payloadOffset();
            payloadLen = ip.payloadLength();
        } else {
            Ipv6Packet ip = Ipv6Packet.parse(wire, 0, wire.length);
            metadata.source(IpFamily.IPV6, wire, ip.sourceOffset(), 0).destination(wire, ip.destinationOffset(), 0)
                    .trafficClass(ip.trafficClass());
            protocol = ip.upperLayerProtocol();
            payloadOff = ip.upperLayerOffset();
            payloadLen = ip.upperLayerLength();
            if (ip.nextHeader() == IpProtocol.AH) { // the view's chain walk steps over AH
                protocol = IpProtocol.AH;
                payloadOff = Ipv6Packet.HEADER_LENGTH;
                payloadLen = ip.payloadLength();
            }
        }
        if (protocol == IpProtocol.UDP) {
            UdpDatagram u = UdpDatagram.parse(wire, payloadOff, payloadLen);
            int tc = metadata.trafficClass();
            metadata.source(metadata.family(), wire, version == 4 ? 12 : 8, u.sourcePort())
                    .destination(wire, version == 4 ? 16 : 24, u.destinationPort()).trafficClass(tc);
            System.arraycopy(wire, u.payloadOffset(), buf, off, u.payloadLength());
            return to.dataPlane.processInboundUdp(buf, off, u.payloadLength(), metadata, now, to.in);
        }
        System.arraycopy(wire, payloadOff, buf, off, payloadLen);
        return to.dataPlane.processInboundRaw(buf, off, payloadLen, protocol, metadata, now, to.in);
    }

    /** The delivered inner packet, copied. */
    public static byte[] delivered(InboundResult r) {
        if (r.action() != InboundResult.Action.DELIVER) {
            throw new IllegalStateException("not delivered: " + r);
        }
        return Arrays.copyOfRange(r.buffer(), r.offset(), r.offset() + r.length());
    }
}
