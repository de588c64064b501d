package org.ipsec4j.esp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.ipsec4j.esp.TwoPeers.Config;
import org.ipsec4j.esp.TwoPeers.Delivery;
import org.ipsec4j.esp.crypto.EncryptionAlgorithm;
import org.ipsec4j.esp.crypto.EspTransform;
import org.ipsec4j.esp.crypto.IntegrityAlgorithm;
import org.ipsec4j.esp.sad.LifetimeEvent;
import org.ipsec4j.esp.sad.LifetimeLimits;
import org.ipsec4j.esp.sad.SecurityAssociation;
import org.ipsec4j.esp.sad.UdpEncapsulation;
import org.ipsec4j.esp.selector.IpFamily;
import org.ipsec4j.esp.stats.DropReason;
import org.ipsec4j.wire.Ipv4Packet;
import org.ipsec4j.wire.Ipv6Packet;
import org.ipsec4j.wire.UdpDatagram;
import org.junit.jupiter.api.Test;

/** Lifetimes with a simulated clock, sequence exhaustion, NAT keepalives and make-before-break through the data plane. */
class DataPlaneLifecycleTest {

    static final EspTransform GCM = EspTransform.of(EncryptionAlgorithm.AES_GCM_16_128, IntegrityAlgorithm.NONE, false);
    static final long T0 = 5_000_000_000_000L;
    static final long MINUTE = Duration.ofMinutes(1).toNanos();

    static OutboundResult ping(TwoPeers link, int seq, long now) {
        return link.send(link.left, (b, o) -> TestPackets.ping(b, o, "10.1.0.5", "10.2.0.5", seq, 56), now);
    }

    static OutboundResult bigUdp(TwoPeers link, long now) {
        return link.send(link.left, (b, o) -> TestPackets.udp(b, o, "10.1.0.5", "10.2.0.5", 1, 2, 1400 - 28), now);
    }

    @Test
    void packetLimitsSoftThenHardOnBothEnds() {
        TwoPeers link = new TwoPeers(Config.tunnel(IpFamily.IPV4, IpFamily.IPV4, true, GCM)
                .withLimits(LifetimeLimits.UNLIMITED.withPackets(3, 5)));
        List<LifetimeEvent> leftEvents = new ArrayList<>();
        link.left.sad.setListener(leftEvents::add);
        for (int i = 1; i <= 5; i++) {
            OutboundResult r = ping(link, i, T0 + i);
            assertEquals(OutboundResult.Action.SEND, r.action());
            assertEquals(InboundResult.Action.DELIVER, link.deliver(link.right, link.wire(link.left), Delivery.WHOLE_PACKET, T0 + i).action());
            if (i == 3) {
                assertEquals(1, leftEvents.size());
                assertEquals(LifetimeEvent.Severity.SOFT, leftEvents.get(0).severity());
                assertEquals(SecurityAssociation.State.SOFT_EXPIRED, link.left.outboundSa.state());
            }
        }
        assertEquals(List.of(LifetimeEvent.Severity.SOFT, LifetimeEvent.Severity.HARD),
                leftEvents.stream().map(LifetimeEvent::severity).toList());
        assertEquals(LifetimeEvent.Cause.PACKETS, leftEvents.get(1).cause());
        OutboundResult r = ping(link, 6, T0 + 6);
        assertEquals(DropReason.HARD_EXPIRED, r.dropReason());
        assertEquals(1, link.left.outboundSa.counters().drops(DropReason.HARD_EXPIRED));
        // Right's inbound SA hit its hard limit with its fifth packet and is gone.
        List<LifetimeEvent> rightEvents = link.right.sad.expire(T0 + 7);
        assertEquals(2, rightEvents.size());
        assertSame(link.right.inboundSa, rightEvents.get(1).sa());
        assertNull(link.right.sad.lookupInbound(TwoPeers.LEFT_TO_RIGHT_SPI, org.ipsec4j.esp.sad.SecurityProtocol.ESP));
    }

    @Test
    void byteLimitsCountInnerBytes() {
        TwoPeers link = new TwoPeers(Config.tunnel(IpFamily.IPV4, IpFamily.IPV4, false, GCM)
                .withLimits(LifetimeLimits.UNLIMITED.withBytes(2000, 3000)));
        assertEquals(OutboundResult.Action.SEND, bigUdp(link, T0).action());
        assertEquals(SecurityAssociation.State.ACTIVE, link.left.outboundSa.state());
        assertEquals(OutboundResult.Action.SEND, bigUdp(link, T0).action()); // 2800 bytes: soft
        assertEquals(SecurityAssociation.State.SOFT_EXPIRED, link.left.outboundSa.state());
        assertEquals(OutboundResult.Action.SEND, bigUdp(link, T0).action()); // 4200 bytes: hard, the last one
        assertEquals(DropReason.HARD_EXPIRED, bigUdp(link, T0).dropReason());
        List<LifetimeEvent> events = link.left.sad.expire(T0);
        assertEquals(List.of(LifetimeEvent.Cause.BYTES, LifetimeEvent.Cause.BYTES), events.stream().map(LifetimeEvent::cause).toList());
    }

    @Test
    void timeLimitsWithASimulatedClock() {
        TwoPeers link = new TwoPeers(Config.tunnel(IpFamily.IPV4, IpFamily.IPV4, false, GCM)
                .withLimits(LifetimeLimits.UNLIMITED.withTime(Duration.ofMinutes(50), Duration.ofMinutes(60))));
        // The SAs were installed at time 0 by TwoPeers.
        assertEquals(50 * MINUTE, link.left.sad.nextDeadline());
        assertEquals(OutboundResult.Action.SEND, ping(link, 1, 49 * MINUTE).action());
        assertEquals(List.of(), link.left.sad.expire(49 * MINUTE));
        // A packet after the soft deadline goes out and raises SOFT on the way; the idle inbound SA hears
        // about it through the poll.
        assertEquals(OutboundResult.Action.SEND, ping(link, 2, 55 * MINUTE).action());
        assertEquals(SecurityAssociation.State.SOFT_EXPIRED, link.left.outboundSa.state());
        assertEquals(SecurityAssociation.State.ACTIVE, link.left.inboundSa.state());
        List<LifetimeEvent> soft = link.left.sad.expire(55 * MINUTE);
        assertEquals(List.of(link.left.outboundSa, link.left.inboundSa), soft.stream().map(LifetimeEvent::sa).toList());
        for (LifetimeEvent e : soft) {
            assertEquals(LifetimeEvent.Severity.SOFT, e.severity());
            assertEquals(LifetimeEvent.Cause.TIME, e.cause());
        }
        assertEquals(60 * MINUTE, link.left.sad.nextDeadline());
        assertEquals(DropReason.HARD_EXPIRED, ping(link, 3, 61 * MINUTE).dropReason());
        List<LifetimeEvent> hard = link.left.sad.expire(61 * MINUTE);
        assertEquals(List.of(link.left.outboundSa, link.left.inboundSa), hard.stream().map(LifetimeEvent::sa).toList());
        assertEquals(LifetimeEvent.Severity.HARD, hard.get(1).severity());
        assertEquals(0, link.left.sad.size());
        assertEquals(Long.MAX_VALUE, link.left.sad.nextDeadline());
    }

    @Test
    void sequenceExhaustionEndsTheSa() {
        TwoPeers link = new TwoPeers(Config.tunnel(IpFamily.IPV4, IpFamily.IPV4, false, GCM));
        SecurityAssociation nearEnd = SecurityAssociation.esp(SecurityAssociation.Flow.OUTBOUND, TwoPeers.LEFT_TO_RIGHT_SPI,
                GCM, TwoPeers.key(GCM, 1), null).endpoints(link.left.gateway, link.right.gateway).reqid(7)
                .initialSequence(0xFFFF_FFFEL).build();
        link.left.sad.remove(link.left.outboundSa);
        link.left.sad.install(nearEnd, T0);
        link.left.outPolicy.bindOutboundSa(nearEnd);
        assertEquals(OutboundResult.Action.SEND, ping(link, 1, T0).action());
        InboundResult in = link.deliver(link.right, link.wire(link.left), Delivery.WHOLE_PACKET, T0);
        assertEquals(InboundResult.Action.DELIVER, in.action(), "sequence number 2^32-1 is the last valid one");
        assertEquals(DropReason.SEQUENCE_EXHAUSTED, ping(link, 2, T0).dropReason());
        List<LifetimeEvent> events = link.left.sad.expire(T0);
        assertEquals(LifetimeEvent.Cause.SEQUENCE_EXHAUSTED, events.get(0).cause());
        assertEquals(LifetimeEvent.Severity.HARD, events.get(0).severity());
        assertEquals(DropReason.HARD_EXPIRED, ping(link, 3, T0).dropReason());
    }

    @Test
    void aSequenceReservationHoldsTheCounterWithoutEndingTheSa() {
        TwoPeers link = new TwoPeers(Config.tunnel(IpFamily.IPV4, IpFamily.IPV4, true, GCM));
        link.left.outboundSa.sequenceCounter().reserveThrough(2);
        for (int i = 1; i <= 2; i++) {
            assertEquals(OutboundResult.Action.SEND, ping(link, i, T0).action());
            assertEquals(InboundResult.Action.DELIVER,
                    link.deliver(link.right, link.wire(link.left), Delivery.WHOLE_PACKET, T0).action());
        }
        // Number 3 is not reserved: dropped and counted, never sent, and the SA lives on.
        assertEquals(DropReason.SEQUENCE_NOT_RESERVED, ping(link, 3, T0).dropReason());
        assertEquals(DropReason.SEQUENCE_NOT_RESERVED, ping(link, 4, T0).dropReason());
        assertEquals(2, link.left.outboundSa.counters().drops(DropReason.SEQUENCE_NOT_RESERVED));
        assertEquals(2, link.left.outboundSa.sequenceCounter().last());
        assertEquals(SecurityAssociation.State.ACTIVE, link.left.outboundSa.state());
        assertEquals(List.of(), link.left.sad.expire(T0));

        link.left.outboundSa.sequenceCounter().reserveThrough(10);
        assertEquals(OutboundResult.Action.SEND, ping(link, 5, T0).action());
        InboundResult in = link.deliver(link.right, link.wire(link.left), Delivery.WHOLE_PACKET, T0);
        assertEquals(InboundResult.Action.DELIVER, in.action());
        assertEquals(3, link.right.inboundSa.replayWindow().highest(), "the next number, none skipped or repeated");
    }

    @Test
    void makeBeforeBreakSwitchesTheOutboundSaAtomically() {
        TwoPeers link = new TwoPeers(Config.tunnel(IpFamily.IPV4, IpFamily.IPV4, true, GCM));
        assertEquals(OutboundResult.Action.SEND, ping(link, 1, T0).action());
        byte[] beforeRekey = link.wire(link.left);
        // IKE rekeys: the responder installs the new inbound SA first, then the initiator switches.
        int newSpi = link.right.sad.allocateSpi();
        byte[] newKey = TwoPeers.key(GCM, 9);
        SecurityAssociation newIn = SecurityAssociation.esp(SecurityAssociation.Flow.INBOUND, newSpi, GCM, newKey, null)
                .endpoints(link.right.gateway, link.left.gateway).udpEncapsulation(UdpEncapsulation.DEFAULT).reqid(7).build();
        link.right.sad.install(newIn, T0);
        SecurityAssociation newOut = SecurityAssociation.esp(SecurityAssociation.Flow.OUTBOUND, newSpi, GCM, newKey, null)
                .endpoints(link.left.gateway, link.right.gateway).udpEncapsulation(UdpEncapsulation.DEFAULT).reqid(7).build();
        link.left.sad.install(newOut, T0);
        SecurityAssociation old = link.left.outPolicy.bindOutboundSa(newOut);
        assertSame(link.left.outboundSa, old);
        assertEquals(OutboundResult.Action.SEND, ping(link, 2, T0).action());
        assertSame(newOut, link.left.out.sa());
        InboundResult r = link.deliver(link.right, link.wire(link.left), Delivery.SOCKET, T0);
        assertEquals(InboundResult.Action.DELIVER, r.action());
        assertSame(newIn, r.sa());
        // A straggler on the old SA still arrives until IKE deletes it.
        r = link.deliver(link.right, beforeRekey, Delivery.SOCKET, T0);
        assertSame(link.right.inboundSa, r.sa());
        assertEquals(InboundResult.Action.DELIVER, r.action());
        link.right.sad.remove(link.right.inboundSa);
        link.left.sad.remove(old);
        assertEquals(DropReason.NO_SA, link.deliver(link.right, beforeRekey, Delivery.SOCKET, T0).dropReason());
    }

    @Test
    void natKeepalivesWhenIdle() {
        for (IpFamily family : IpFamily.values()) {
            TwoPeers link = new TwoPeers(Config.tunnel(family, IpFamily.IPV4, true, GCM));
            DataPlane dp = link.left.dataPlane;
            assertEquals(Long.MAX_VALUE, dp.nextKeepaliveNanos(), "no SA asks for keepalives");
            SecurityAssociation withKeepalive = SecurityAssociation.esp(SecurityAssociation.Flow.OUTBOUND, 0x7777, GCM,
                            TwoPeers.key(GCM, 5), null).endpoints(link.left.gateway, link.right.gateway)
                    .udpEncapsulation(UdpEncapsulation.DEFAULT).natKeepalive(Duration.ofSeconds(20)).reqid(7).build();
            link.left.sad.install(withKeepalive, T0);
            link.left.outPolicy.bindOutboundSa(withKeepalive);
            long interval = Duration.ofSeconds(20).toNanos();
            assertEquals(T0 + interval, dp.nextKeepaliveNanos());
            byte[] buf = new byte[100];
            OutboundResult r = new OutboundResult();
            assertNull(dp.nextKeepalive(buf, 0, T0 + interval - 1, r));
            assertSame(r, dp.nextKeepalive(buf, 0, T0 + interval, r));
            assertEquals(OutboundResult.Action.SEND, r.action());
            assertEquals(1, r.payloadLength());
            assertEquals((byte) 0xFF, buf[r.payloadOffset()]);
            assertEquals(4500, r.destinationPort());
            assertSame(link.right.gateway, r.destination());
            if (family == IpFamily.IPV4) {
                Ipv4Packet ip = Ipv4Packet.parse(buf, 0, r.packetLength());
                assertEquals(29, ip.totalLength());
                assertEquals(1, UdpDatagram.parse(buf, 20, 9).payloadLength());
            } else {
                Ipv6Packet ip = Ipv6Packet.parse(buf, 0, r.packetLength());
                assertEquals(49, ip.totalLength());
                assertEquals(true, UdpDatagram.parse(buf, 40, 9).verifyChecksum(ip));
            }
            assertNull(dp.nextKeepalive(buf, 0, T0 + interval, r), "one per interval");
            // The peer counts and ignores it.
            byte[] wire = java.util.Arrays.copyOf(buf, r.packetLength());
            InboundResult in = link.deliver(link.right, wire, Delivery.WHOLE_PACKET, T0);
            assertEquals(InboundResult.Action.KEEPALIVE, in.action());
            assertEquals(1, link.right.dataPlane.counters().keepalivesReceived());
            // Traffic resets the timer: no keepalive is needed while packets flow.
            assertEquals(OutboundResult.Action.SEND, ping(link, 1, T0 + interval + 5_000_000_000L).action());
            assertEquals(T0 + 2 * interval + 5_000_000_000L, dp.nextKeepaliveNanos());
            assertEquals(1, dp.counters().keepalivesSent());
        }
    }
}
