package org.ipsec4j.esp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.ipsec4j.esp.TwoPeers.Config;
import org.ipsec4j.esp.TwoPeers.Delivery;
import org.ipsec4j.esp.crypto.EncryptionAlgorithm;
import org.ipsec4j.esp.crypto.EspCodec;
import org.ipsec4j.esp.crypto.EspTransform;
import org.ipsec4j.esp.crypto.IntegrityAlgorithm;
import org.ipsec4j.esp.sad.IpsecMode;
import org.ipsec4j.esp.sad.SecurityProtocol;
import org.ipsec4j.esp.selector.AddressRange;
import org.ipsec4j.esp.selector.IpFamily;
import org.ipsec4j.esp.selector.TrafficSelector;
import org.ipsec4j.esp.spd.Direction;
import org.ipsec4j.esp.spd.IpsecTemplate;
import org.ipsec4j.esp.spd.PolicyAction;
import org.ipsec4j.esp.spd.SecurityPolicy;
import org.ipsec4j.esp.stats.DropReason;
import org.ipsec4j.wire.IpProtocol;
import org.ipsec4j.wire.Ipv4Packet;
import org.ipsec4j.wire.UdpDatagram;
import org.junit.jupiter.api.Test;

/** Replayed, reordered, truncated, corrupted and misdirected packets end as the right counted drops. */
class DataPlaneDropTest {

    static final EspTransform GCM = EspTransform.of(EncryptionAlgorithm.AES_GCM_16_128, IntegrityAlgorithm.NONE, false);
    static final EspTransform CBC = EspTransform.of(EncryptionAlgorithm.AES_CBC_128, IntegrityAlgorithm.HMAC_SHA2_256_128, false);

    static TwoPeers tunnel(EspTransform t) {
        return new TwoPeers(Config.tunnel(IpFamily.IPV4, IpFamily.IPV4, true, t));
    }

    /** Left sends a ping from its inner host to right's; returns the wire bytes. */
    static byte[] ping(TwoPeers link, int seq) {
        OutboundResult out = link.send(link.left, (b, o) -> TestPackets.ping(b, o, "10.1.0.5", "10.2.0.5", seq, 56), 0);
        assertEquals(OutboundResult.Action.SEND, out.action(), out.toString());
        return link.wire(link.left);
    }

    static void assertDrop(InboundResult r, DropReason reason) {
        assertEquals(InboundResult.Action.DROP, r.action(), r.toString());
        assertEquals(reason, r.dropReason());
    }

    @Test
    void replayedPacketIsDropped() {
        TwoPeers link = tunnel(GCM);
        byte[] wire = ping(link, 1);
        assertEquals(InboundResult.Action.DELIVER, link.deliver(link.right, wire.clone(), Delivery.WHOLE_PACKET, 0).action());
        assertDrop(link.deliver(link.right, wire.clone(), Delivery.WHOLE_PACKET, 0), DropReason.REPLAYED);
        assertEquals(1, link.right.inboundSa.counters().drops(DropReason.REPLAYED));
        assertEquals(1, link.right.dataPlane.counters().inbound().drops(DropReason.REPLAYED));
    }

    @Test
    void reorderedWithinTheWindowIsDeliveredBeyondItDropped() {
        TwoPeers link = tunnel(GCM);
        List<byte[]> wires = new ArrayList<>();
        for (int i = 1; i <= 100; i++) {
            wires.add(ping(link, i));
        }
        assertEquals(InboundResult.Action.DELIVER, link.deliver(link.right, wires.get(99), Delivery.SOCKET, 0).action());
        assertDrop(link.deliver(link.right, wires.get(0), Delivery.SOCKET, 0), DropReason.OUTSIDE_WINDOW);
        assertDrop(link.deliver(link.right, wires.get(35), Delivery.SOCKET, 0), DropReason.OUTSIDE_WINDOW); // seq 36 = 100 - 64
        assertEquals(InboundResult.Action.DELIVER, link.deliver(link.right, wires.get(36), Delivery.SOCKET, 0).action());
        assertEquals(InboundResult.Action.DELIVER, link.deliver(link.right, wires.get(98), Delivery.SOCKET, 0).action());
        assertEquals(2, link.right.inboundSa.counters().drops(DropReason.OUTSIDE_WINDOW));
    }

    @Test
    void aWindowOf4096AbsorbsQosReorderingSeed004() {
        TwoPeers link = new TwoPeers(Config.tunnel(IpFamily.IPV4, IpFamily.IPV4, false, GCM).withReplayWindow(4096));
        List<byte[]> wires = new ArrayList<>();
        for (int i = 1; i <= 5000; i++) {
            wires.add(ping(link, i));
        }
        assertEquals(InboundResult.Action.DELIVER, link.deliver(link.right, wires.get(4999), Delivery.WHOLE_PACKET, 0).action());
        assertEquals(InboundResult.Action.DELIVER, link.deliver(link.right, wires.get(1000), Delivery.WHOLE_PACKET, 0).action(),
                "3999 packets late: still inside 4096");
        assertDrop(link.deliver(link.right, wires.get(903), Delivery.WHOLE_PACKET, 0), DropReason.OUTSIDE_WINDOW);
    }

    @Test
    void truncatedPackets() {
        TwoPeers link = tunnel(GCM);
        byte[] wire = ping(link, 1);
        int udpPayload = 28; // IPv4 20 + UDP 8
        // Shorter than SPI and sequence number: no SA can even be looked up.
        assertDrop(link.deliver(link.right, udpCut(wire, udpPayload + 6), Delivery.SOCKET, 0), DropReason.TRUNCATED);
        // Room for the header but not for the trailer and ICV.
        assertDrop(link.deliver(link.right, udpCut(wire, udpPayload + 8 + 8 + 10), Delivery.SOCKET, 0), DropReason.TRUNCATED);
        // One byte short: the tag no longer verifies.
        assertDrop(link.deliver(link.right, udpCut(wire, wire.length - 1), Delivery.SOCKET, 0), DropReason.AUTHENTICATION_FAILED);
        assertEquals(2, link.right.inboundSa.counters().drops(DropReason.TRUNCATED) + link.right.inboundSa.counters()
                .drops(DropReason.AUTHENTICATION_FAILED));
        assertEquals(2, link.right.dataPlane.counters().inbound().drops(DropReason.TRUNCATED));
        // A whole IP packet shorter than its header says is malformed before IPsec sees it.
        assertDrop(link.deliver(link.right, Arrays.copyOf(wire, wire.length - 1), Delivery.WHOLE_PACKET, 0), DropReason.MALFORMED);
        // The real packet still gets through: nothing above moved the window.
        assertEquals(InboundResult.Action.DELIVER, link.deliver(link.right, wire, Delivery.WHOLE_PACKET, 0).action());

        TwoPeers cbc = tunnel(CBC);
        byte[] w = ping(cbc, 1);
        // CBC with the HMAC intact but the ciphertext not whole blocks (the ICV is checked on what is there).
        assertDrop(cbc.deliver(cbc.right, udpCut(w, w.length - 1), Delivery.SOCKET, 0), DropReason.BAD_LENGTH);
    }

    /** The first {@code length} bytes of an IPv4/UDP packet with both length fields fixed. */
    static byte[] udpCut(byte[] wire, int length) {
        byte[] b = Arrays.copyOf(wire, length);
        Ipv4Packet ip = new Ipv4Packet().wrapQuoted(b, 0, length);
        ip.setTotalLength(length).updateHeaderChecksum();
        b[24] = (byte) ((length - 20) >>> 8);
        b[25] = (byte) (length - 20);
        return b;
    }

    @Test
    void corruptedPackets() {
        TwoPeers link = tunnel(GCM);
        byte[] wire = ping(link, 1);
        byte[] flipped = wire.clone();
        flipped[wire.length - 30] ^= 0x01; // ciphertext
        assertDrop(link.deliver(link.right, flipped, Delivery.WHOLE_PACKET, 0), DropReason.AUTHENTICATION_FAILED);
        byte[] seq = wire.clone();
        seq[28 + 7] ^= 0x02; // sequence number: another nonce, another tag
        assertDrop(link.deliver(link.right, seq, Delivery.WHOLE_PACKET, 0), DropReason.AUTHENTICATION_FAILED);
        byte[] spi = wire.clone();
        spi[28] ^= 0x40;
        assertDrop(link.deliver(link.right, spi, Delivery.WHOLE_PACKET, 0), DropReason.NO_SA);
        assertNull(link.right.in.sa());
        assertEquals(1, link.right.dataPlane.counters().inbound().drops(DropReason.NO_SA), "like XfrmInNoStates");
        assertEquals(2, link.right.inboundSa.counters().drops(DropReason.AUTHENTICATION_FAILED));
        // Forgeries did not move the window: the genuine packet with the same number is accepted.
        assertEquals(InboundResult.Action.DELIVER, link.deliver(link.right, wire, Delivery.WHOLE_PACKET, 0).action());

        // HMAC flavour: a flipped byte in the ICV itself.
        TwoPeers cbc = tunnel(CBC);
        byte[] w = ping(cbc, 1);
        w[w.length - 1] ^= (byte) 0x80;
        assertDrop(cbc.deliver(cbc.right, w, Delivery.SOCKET, 0), DropReason.AUTHENTICATION_FAILED);
    }

    @Test
    void innerPacketOutsideTheSasPolicyIsDropped() {
        TwoPeers link = tunnel(GCM);
        // Right accepts from 10.1.0.0/24 only, while left protects all of 10.1.0.0/16 with the same SA.
        link.right.spd.remove(link.right.inPolicy);
        SecurityPolicy narrow = link.right.spd.add(new SecurityPolicy(Direction.IN,
                TrafficSelector.between(AddressRange.parse("10.2.0.0/16"), AddressRange.parse("10.1.0.0/24")),
                link.right.inPolicy.action(), "narrow in"));
        link.send(link.left, (b, o) -> TestPackets.ping(b, o, "10.1.9.5", "10.2.0.5", 1, 56), 0);
        assertDrop(link.deliver(link.right, link.wire(link.left), Delivery.WHOLE_PACKET, 0), DropReason.SELECTOR_MISMATCH);
        assertEquals(1, link.right.inboundSa.counters().drops(DropReason.SELECTOR_MISMATCH));
        link.send(link.left, (b, o) -> TestPackets.ping(b, o, "10.1.0.9", "10.2.0.5", 2, 56), 0);
        InboundResult ok = link.deliver(link.right, link.wire(link.left), Delivery.WHOLE_PACKET, 0);
        assertEquals(InboundResult.Action.DELIVER, ok.action());
        assertSame(narrow, ok.policy());

        // A policy whose template wants another reqid does not accept this SA either.
        link.right.spd.remove(narrow);
        IpsecTemplate other = link.right.inPolicy.template().withReqid(8);
        link.right.spd.add(new SecurityPolicy(Direction.IN, narrow.selector(), PolicyAction.protect(other)));
        link.send(link.left, (b, o) -> TestPackets.ping(b, o, "10.1.0.9", "10.2.0.5", 3, 56), 0);
        assertDrop(link.deliver(link.right, link.wire(link.left), Delivery.WHOLE_PACKET, 0), DropReason.SELECTOR_MISMATCH);

        // Forward policies are consulted when no inbound policy matches.
        link.right.spd.flush();
        link.right.spd.add(new SecurityPolicy(Direction.FWD, link.right.inPolicy.selector(), link.right.inPolicy.action()));
        link.send(link.left, (b, o) -> TestPackets.ping(b, o, "10.1.0.9", "10.2.0.5", 4, 56), 0);
        assertEquals(InboundResult.Action.DELIVER, link.deliver(link.right, link.wire(link.left), Delivery.WHOLE_PACKET, 0).action());
    }

    @Test
    void dummyPacketsAreDroppedSilentlyButCounted() {
        TwoPeers link = tunnel(GCM);
        // A dummy (next header 59, RFC 4303 §2.6) made with left's outbound keys and sequence number 1.
        EspCodec codec = new EspCodec(GCM, TwoPeers.LEFT_TO_RIGHT_SPI, false, TwoPeers.key(GCM, 1), null);
        byte[] b = new byte[200];
        int espLen = codec.encapsulate(1, EspCodec.NEXT_HEADER_DUMMY, new byte[16], 0, 16, b, 28);
        int total = UdpDatagram.writeIpv4(b, 0, link.left.gateway.ipv4Value(), link.right.gateway.ipv4Value(), 4500, 4500,
                64, 1, false, espLen);
        InboundResult r = link.deliver(link.right, Arrays.copyOf(b, total), Delivery.WHOLE_PACKET, 0);
        assertDrop(r, DropReason.DUMMY);
        assertEquals(1, link.right.inboundSa.counters().drops(DropReason.DUMMY));
        assertEquals(0, link.right.inboundSa.counters().packets());
        // Its sequence number counts as received.
        assertDrop(link.deliver(link.right, ping(link, 1), Delivery.WHOLE_PACKET, 0), DropReason.REPLAYED);
    }

    @Test
    void encapsulationMustMatchTheSa() {
        TwoPeers link = tunnel(GCM);
        byte[] wire = ping(link, 1);
        byte[] buf = link.right.receiveBuffer;
        System.arraycopy(wire, 28, buf, TestPackets.OFFSET, wire.length - 28);
        InboundMetadata meta = new InboundMetadata().source(link.left.gateway, 0).destination(link.right.gateway, 0);
        InboundResult r = link.right.dataPlane.processInboundRaw(buf, TestPackets.OFFSET, wire.length - 28, IpProtocol.ESP,
                meta, 0, link.right.in);
        assertDrop(r, DropReason.ENCAPSULATION_MISMATCH);
    }

    @Test
    void outboundPolicyOutcomes() {
        TwoPeers link = tunnel(GCM);
        DataPlane dp = link.left.dataPlane;
        // No policy at all for this destination.
        OutboundResult r = link.send(link.left, (b, o) -> TestPackets.ping(b, o, "10.1.0.5", "10.9.0.5", 1, 8), 0);
        assertEquals(DropReason.NO_POLICY, r.dropReason());
        // DISCARD and BYPASS.
        link.left.spd.insert(0, new SecurityPolicy(Direction.OUT, TrafficSelector.between(AddressRange.parse("10.1.0.0/16"),
                AddressRange.parse("10.9.0.0/24")), PolicyAction.DISCARD));
        link.left.spd.insert(0, new SecurityPolicy(Direction.OUT, TrafficSelector.between(AddressRange.parse("10.1.0.0/16"),
                AddressRange.parse("10.9.1.0/24")), PolicyAction.BYPASS));
        assertEquals(DropReason.POLICY_DISCARD,
                link.send(link.left, (b, o) -> TestPackets.ping(b, o, "10.1.0.5", "10.9.0.5", 1, 8), 0).dropReason());
        r = link.send(link.left, (b, o) -> TestPackets.ping(b, o, "10.1.0.5", "10.9.1.5", 1, 8), 0);
        assertEquals(OutboundResult.Action.BYPASS, r.action());
        assertEquals(TestPackets.OFFSET, r.packetOffset());
        // Malformed inner packet.
        r = link.send(link.left, (b, o) -> {
            b[o] = 0x45;
            return 10;
        }, 0);
        assertEquals(DropReason.MALFORMED, r.dropReason());
        // PROTECT without an SA: drop under "require", clear text under "use".
        link.left.outPolicy.bindOutboundSa(null);
        assertEquals(DropReason.NO_SA, link.send(link.left, (b, o) -> TestPackets.ping(b, o, "10.1.0.5", "10.2.0.5", 1, 8), 0)
                .dropReason());
        IpsecTemplate use = link.left.outPolicy.template().withLevel(IpsecTemplate.Level.USE);
        link.left.spd.insert(0, new SecurityPolicy(Direction.OUT, link.left.outPolicy.selector(), PolicyAction.protect(use)));
        assertEquals(OutboundResult.Action.BYPASS,
                link.send(link.left, (b, o) -> TestPackets.ping(b, o, "10.1.0.5", "10.2.0.5", 1, 8), 0).action());
        DataPlaneCounters c = dp.counters();
        assertEquals(1, c.outbound().drops(DropReason.NO_POLICY));
        assertEquals(1, c.outbound().drops(DropReason.POLICY_DISCARD));
        assertEquals(1, c.outbound().drops(DropReason.MALFORMED));
        assertEquals(1, c.outbound().drops(DropReason.NO_SA));
        assertEquals(2, c.bypassed());
    }

    @Test
    void neighbourDiscoveryAndIkeBypassedByDefault() {
        TwoPeers link = new TwoPeers(Config.tunnel(IpFamily.IPV6, IpFamily.IPV6, false, GCM));
        // A policy covering the gateways themselves, which would trap ND and IKE without the built-in bypasses.
        link.left.spd.add(new SecurityPolicy(Direction.OUT, TrafficSelector.any(IpFamily.IPV6),
                link.left.outPolicy.action(), "everything")).bindOutboundSa(link.left.outboundSa);
        link.left.spd.setIkeAddresses(List.of(link.left.gateway));
        OutboundResult r = link.send(link.left, (b, o) -> TestPackets.icmpv6(b, o, TwoPeers.LEFT_GW6, TwoPeers.RIGHT_GW6,
                136, 0, 20), 0);
        assertEquals(OutboundResult.Action.BYPASS, r.action());
        assertSame(org.ipsec4j.esp.spd.SecurityPolicyDatabase.NEIGHBOR_DISCOVERY_BYPASS, r.policy());
        r = link.send(link.left, (b, o) -> TestPackets.udp(b, o, TwoPeers.LEFT_GW6, TwoPeers.RIGHT_GW6, 500, 500, 200), 0);
        assertEquals(OutboundResult.Action.BYPASS, r.action());
        assertSame(org.ipsec4j.esp.spd.SecurityPolicyDatabase.IKE_BYPASS, r.policy());
        r = link.send(link.left, (b, o) -> TestPackets.udp(b, o, TwoPeers.LEFT_GW6, TwoPeers.RIGHT_GW6, 4500, 4500, 200), 0);
        assertEquals(OutboundResult.Action.BYPASS, r.action());
        // Other traffic between the gateways is protected by the catch-all.
        r = link.send(link.left, (b, o) -> TestPackets.udp(b, o, TwoPeers.LEFT_GW6, TwoPeers.RIGHT_GW6, 501, 500, 200), 0);
        assertEquals(OutboundResult.Action.SEND, r.action());
    }

    @Test
    void ikeAndKeepalivesOnPort4500() {
        TwoPeers link = tunnel(GCM);
        DataPlane dp = link.right.dataPlane;
        byte[] buf = link.right.receiveBuffer;
        int off = TestPackets.OFFSET;
        InboundMetadata meta = new InboundMetadata().source(link.left.gateway, 4500).destination(link.right.gateway, 4500);
        // Non-ESP marker then an IKE header.
        Arrays.fill(buf, off, off + 4, (byte) 0);
        Arrays.fill(buf, off + 4, off + 32, (byte) 0x11);
        InboundResult r = dp.processInboundUdp(buf, off, 32, meta, 0, link.right.in);
        assertEquals(InboundResult.Action.IKE, r.action());
        assertEquals(off + 4, r.offset());
        assertEquals(28, r.length());
        buf[off] = (byte) 0xFF;
        r = dp.processInboundUdp(buf, off, 1, meta, 0, link.right.in);
        assertEquals(InboundResult.Action.KEEPALIVE, r.action());
        // On port 500 there is no marker: everything is IKE.
        meta.destinationPort(500);
        r = dp.processInboundUdp(buf, off, 32, meta, 0, link.right.in);
        assertEquals(InboundResult.Action.IKE, r.action());
        assertEquals(off, r.offset());
        assertEquals(2, dp.counters().ikeMessages());
        assertEquals(1, dp.counters().keepalivesReceived());
        assertEquals(0, dp.counters().inbound().totalDrops());
    }

    @Test
    void ecnAcrossTheTunnelRfc6040() {
        TwoPeers link = tunnel(GCM);
        // A congested router on the path marks the outer header CE.
        link.onWire = w -> Ipv4Packet.parse(w, 0, w.length).setEcn(EcnPropagation.CE).updateHeaderChecksum();
        for (Delivery d : Delivery.values()) {
            link.send(link.left, (b, o) -> {
                int n = TestPackets.ping(b, o, "10.1.0.5", "10.2.0.5", d.ordinal(), 56);
                Ipv4Packet.parse(b, o, n).setEcn(EcnPropagation.ECT_0).updateHeaderChecksum();
                return n;
            }, 0);
            InboundResult r = link.deliver(link.right, link.wire(link.left), d, 0);
            Ipv4Packet inner = Ipv4Packet.parse(r.buffer(), r.offset(), r.length());
            assertEquals(EcnPropagation.CE, inner.ecn(), d.toString());
            assertTrue(inner.headerChecksumValid());
        }
        // Not-ECT inside, CE outside: the packet must be dropped.
        link.send(link.left, (b, o) -> TestPackets.ping(b, o, "10.1.0.5", "10.2.0.5", 2, 56), 0);
        assertDrop(link.deliver(link.right, link.wire(link.left), Delivery.SOCKET, 0), DropReason.ECN_CONGESTION_ON_NOT_ECT);
        // The whole table.
        int[][] table = {
                {0, 0, 0, -1},
                {1, 1, 1, 3},
                {2, 1, 2, 3},
                {3, 3, 3, 3},
        };
        for (int inner = 0; inner < 4; inner++) {
            for (int outer = 0; outer < 4; outer++) {
                assertEquals(table[inner][outer], EcnPropagation.decapsulate(inner, outer), "inner " + inner + " outer " + outer);
            }
        }
    }

    @Test
    void fragmentsNeedTunnelMode() {
        TwoPeers transport = new TwoPeers(Config.transport(IpFamily.IPV4, false, GCM));
        OutboundResult r = transport.send(transport.left, (b, o) -> TestPackets.ipv4Fragment(b, o, TwoPeers.LEFT_GW4,
                TwoPeers.RIGHT_GW4, IpProtocol.UDP, 1480, false, 100), 0);
        assertEquals(DropReason.TRANSPORT_MODE_FRAGMENT, r.dropReason());
        TwoPeers tunnel = tunnel(GCM);
        r = tunnel.send(tunnel.left, (b, o) -> TestPackets.ipv4Fragment(b, o, "10.1.0.5", "10.2.0.5", IpProtocol.UDP, 1480,
                false, 100), 0);
        assertEquals(OutboundResult.Action.SEND, r.action());
        assertEquals(InboundResult.Action.DELIVER, tunnel.deliver(tunnel.right, tunnel.wire(tunnel.left),
                Delivery.WHOLE_PACKET, 0).action());
    }

    @Test
    void oversizeAndHeadroom() {
        TwoPeers link = tunnel(GCM);
        OutboundResult r = link.send(link.left, (b, o) -> TestPackets.udp(b, o, "10.1.0.5", "10.2.0.5", 1, 2, 65500), 0);
        assertEquals(DropReason.OVERSIZE, r.dropReason());
        byte[] tight = new byte[200];
        int n = TestPackets.ping(tight, 0, "10.1.0.5", "10.2.0.5", 1, 8);
        assertThrows(IllegalArgumentException.class,
                () -> link.left.dataPlane.processOutbound(tight, 0, n, 0, new OutboundResult()));
    }

    @Test
    void ahCoversImmutableHeaderFieldsButNotMutableOnes() {
        for (IpsecMode mode : IpsecMode.values()) {
            TwoPeers link = new TwoPeers(Config.ah(mode, IpFamily.IPV4, IpFamily.IPV4, IntegrityAlgorithm.HMAC_SHA2_256_128));
            String src = mode == IpsecMode.TUNNEL ? "10.1.0.5" : TwoPeers.LEFT_GW4;
            String dst = mode == IpsecMode.TUNNEL ? "10.2.0.5" : TwoPeers.RIGHT_GW4;
            // A router decrements the TTL and re-marks DSCP: mutable, still authentic.
            link.onWire = w -> {
                Ipv4Packet ip = Ipv4Packet.parse(w, 0, w.length);
                ip.setTtl(ip.ttl() - 3).setDscp(0).updateHeaderChecksum();
            };
            link.send(link.left, (b, o) -> TestPackets.ping(b, o, src, dst, 1, 56), 0);
            assertEquals(InboundResult.Action.DELIVER,
                    link.deliver(link.right, link.wire(link.left), Delivery.WHOLE_PACKET, 0).action(), mode.toString());
            // A NAT rewrites the source: immutable, the ICV fails.
            link.onWire = w -> Ipv4Packet.parse(w, 0, w.length).setSource(0x0A0A0A0A).updateHeaderChecksum();
            link.send(link.left, (b, o) -> TestPackets.ping(b, o, src, dst, 2, 56), 0);
            assertDrop(link.deliver(link.right, link.wire(link.left), Delivery.WHOLE_PACKET, 0), DropReason.AUTHENTICATION_FAILED);
            // Payload corruption and replay.
            link.onWire = w -> w[w.length - 1] ^= 1;
            link.send(link.left, (b, o) -> TestPackets.ping(b, o, src, dst, 3, 56), 0);
            assertDrop(link.deliver(link.right, link.wire(link.left), Delivery.WHOLE_PACKET, 0), DropReason.AUTHENTICATION_FAILED);
            link.onWire = w -> { };
            link.send(link.left, (b, o) -> TestPackets.ping(b, o, src, dst, 4, 56), 0);
            byte[] wire = link.wire(link.left);
            assertEquals(InboundResult.Action.DELIVER, link.deliver(link.right, wire.clone(), Delivery.WHOLE_PACKET, 0).action());
            assertDrop(link.deliver(link.right, wire, Delivery.WHOLE_PACKET, 0), DropReason.REPLAYED);
            assertEquals(2, link.right.inboundSa.counters().drops(DropReason.AUTHENTICATION_FAILED));
        }
        assertThrows(IllegalArgumentException.class, () -> org.ipsec4j.esp.sad.SecurityAssociation.ah(
                org.ipsec4j.esp.sad.SecurityAssociation.Flow.OUTBOUND, 0x1000, IntegrityAlgorithm.HMAC_SHA1_96, new byte[20], false)
                .endpoints(org.ipsec4j.esp.selector.IpAddress.parse(TwoPeers.LEFT_GW4),
                        org.ipsec4j.esp.selector.IpAddress.parse(TwoPeers.RIGHT_GW4))
                .udpEncapsulation(org.ipsec4j.esp.sad.UdpEncapsulation.DEFAULT).build(), "no AH through NAT");
    }
}
