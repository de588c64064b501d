package org.ipsec4j.esp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.ipsec4j.esp.TwoPeers.Config;
import org.ipsec4j.esp.TwoPeers.Delivery;
import org.ipsec4j.esp.sad.SecurityAssociation;
import org.ipsec4j.esp.sad.UdpEncapsulation;
import org.ipsec4j.esp.selector.IpAddress;
import org.ipsec4j.esp.selector.IpFamily;
import org.ipsec4j.esp.stats.DropReason;
import org.ipsec4j.wire.Ipv4Packet;
import org.ipsec4j.wire.UdpDatagram;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * ESP in UDP from a new NAT mapping of the peer (RFC 7296 §2.23): the data plane reports a packet whose source is
 * not its SA's peer only once the packet's ICV verified and its sequence number was new, at most once a second
 * per SA, and not after the SA followed.
 */
class DataPlanePeerMoveTest {

    private static final long SECOND = 1_000_000_000L;
    private static final IpAddress PUBLIC = IpAddress.parse("203.0.113.7");

    private record Move(SecurityAssociation sa, IpAddress address, int port) {}

    private final List<Move> moves = new ArrayList<>();
    private int natPort = 4500; // 4500: left's own address and port, no NAT yet

    private TwoPeers link() {
        TwoPeers link = new TwoPeers(Config.tunnel(IpFamily.IPV4, IpFamily.IPV4, true, DataPlaneNatTraversalTest.GCM));
        link.right.dataPlane.setPeerMoveListener((sa, address, port) -> moves.add(new Move(sa, address, port)));
        link.onWire = w -> {
            if (natPort != 4500) {
                Ipv4Packet ip = Ipv4Packet.parse(w, 0, w.length);
                ip.setSource(PUBLIC.ipv4Value()).updateHeaderChecksum();
                UdpDatagram.parse(w, ip.payloadOffset(), ip.payloadLength()).setSourcePort(natPort);
            }
        };
        return link;
    }

    private static byte[] ping(TwoPeers link, int sequence, long now) {
        link.send(link.left, (b, o) -> TestPackets.udp(b, o, "10.1.0.5", "10.2.0.5", 40001, 53, 100 + sequence), now);
        return link.wire(link.left);
    }

    @ParameterizedTest
    @EnumSource(Delivery.class)
    void aVerifiedNewPacketFromAnotherPortIsReportedOnceASecond(Delivery delivery) {
        TwoPeers link = link();
        long now = 10 * SECOND;
        assertEquals(InboundResult.Action.DELIVER, link.deliver(link.right, ping(link, 1, now), delivery, now).action());
        assertTrue(moves.isEmpty(), "from the SA's own peer: " + moves);

        natPort = 40000;
        InboundResult r = link.deliver(link.right, ping(link, 2, now), delivery, now);
        assertEquals(InboundResult.Action.DELIVER, r.action(), "the packet itself is delivered as ever");
        assertEquals(1, moves.size());
        assertSame(link.right.inboundSa, moves.getFirst().sa());
        assertEquals(PUBLIC, moves.getFirst().address());
        assertEquals(40000, moves.getFirst().port());

        link.deliver(link.right, ping(link, 3, now + SECOND / 2), delivery, now + SECOND / 2);
        assertEquals(1, moves.size(), "half a second later IKE may still be at it: no second report");
        link.deliver(link.right, ping(link, 4, now + SECOND), delivery, now + SECOND);
        assertEquals(2, moves.size(), "a second later, still from elsewhere: reported again");
        assertEquals(2, link.right.dataPlane.counters().peerMovesReported());

        // IKE followed: the SA's peer is the new mapping, and nothing is reported any more.
        link.right.inboundSa.movePeer(PUBLIC, new UdpEncapsulation(4500, 40000));
        link.deliver(link.right, ping(link, 5, now + 3 * SECOND), delivery, now + 3 * SECOND);
        assertEquals(2, moves.size());
    }

    @ParameterizedTest
    @EnumSource(Delivery.class)
    void neitherAForgeryNorAReplayFromAnotherPortIsReported(Delivery delivery) {
        TwoPeers link = link();
        long now = 10 * SECOND;
        byte[] first = ping(link, 1, now);
        assertEquals(InboundResult.Action.DELIVER, link.deliver(link.right, first.clone(), delivery, now).action());

        natPort = 40000;
        byte[] forged = ping(link, 2, now);
        forged[forged.length - 1] ^= 1; // the ICV's last byte
        InboundResult r = link.deliver(link.right, forged, delivery, now);
        assertEquals(InboundResult.Action.DROP, r.action());
        assertEquals(DropReason.AUTHENTICATION_FAILED, r.dropReason());

        r = link.deliver(link.right, first, delivery, 5 * now); // replayed from the new port, long after
        assertEquals(InboundResult.Action.DROP, r.action());
        assertEquals(DropReason.REPLAYED, r.dropReason());
        assertTrue(moves.isEmpty(), "only verified, new packets move a peer: " + moves);
    }
}
