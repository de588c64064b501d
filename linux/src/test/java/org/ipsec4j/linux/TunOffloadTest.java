package org.ipsec4j.linux;

import static org.ipsec4j.wire.BigEndian.put16;
import static org.ipsec4j.wire.BigEndian.put32;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.ipsec4j.lab.Lab;
import org.ipsec4j.lab.Namespace;
import org.ipsec4j.lab.junit.UsesLab;
import org.ipsec4j.wire.Icmpv4Message;
import org.ipsec4j.wire.InternetChecksum;
import org.ipsec4j.wire.IpProtocol;
import org.ipsec4j.wire.Ipv4Packet;
import org.ipsec4j.wire.TcpSegment;
import org.ipsec4j.wire.UdpDatagram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** TUN devices with the virtio-net header and offloads, and with several queues. */
@UsesLab
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TunOffloadTest {

    private static final int V = VirtioNetHeader.LENGTH;

    @Test
    @SuppressWarnings("try") // the client is closed early on purpose: it ends the sender thread
    void tcpSegmentationOffloadHandsOverSuperPackets(Lab lab) throws Exception {
        Namespace ns = lab.host("tso");
        NetworkNamespace netns = NetworkNamespace.named(ns.netnsName());
        try (TunDevice tun = netns.call(() -> TunDevice.open(TunOptions.defaults().withName("tso0").withTcpOffloads()));
             NetlinkRouteSocket netlink = netns.call(NetlinkRouteSocket::open);
             SocketChannel client = netns.call(SocketChannel::open)) {
            assertEquals(V, tun.headerLength());
            netlink.addAddress("tso0", IpPrefix.parse("192.0.2.1/24"));
            netlink.setUp("tso0");
            String link = ns.ip("-d", "link", "show", "dev", "tso0").stdout();
            assertTrue(link.contains("vnet_hdr on"), link);

            // A TCP client in the namespace connects to 192.0.2.2:80, reached through the TUN; we play the server.
            CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
                try {
                    client.connect(new InetSocketAddress("192.0.2.2", 80));
                    client.write(ByteBuffer.allocate(64 * 1024));
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            }, r -> Thread.ofPlatform().start(r));

            byte[] buf = new byte[70_000];
            int n = TunDeviceTest.readUntil(tun, buf, 0, p -> isTcpV4(p) && TcpSegment.parse(p, V + 20, p.length - V - 20).syn());
            TcpSegment syn = TcpSegment.parse(buf, V + 20, n - V - 20);
            int clientPort = syn.sourcePort();
            writeSynAck(tun, clientPort, syn.sequenceNumber() + 1);

            // The first flight (initial window of 10 segments) comes as TSO super-packets bigger than the MTU.
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            Set<String> seen = new HashSet<>();
            boolean sawSuperPacket = false;
            while (!sawSuperPacket && System.nanoTime() < deadline) {
                n = tun.read(buf, 0, buf.length, Duration.ofSeconds(5));
                if (!isTcpV4(buf)) {
                    continue;
                }
                seen.add(VirtioNetHeader.toString(buf, 0) + " len " + (n - V));
                if (VirtioNetHeader.gsoType(buf, 0) == VirtioNetHeader.GSO_TCPV4) {
                    sawSuperPacket = true;
                    assertTrue(n - V > 1500, "a super-packet is bigger than the MTU: " + (n - V));
                    assertEquals(1460, VirtioNetHeader.gsoSize(buf, 0), "MSS from our SYN-ACK");
                    assertEquals(VirtioNetHeader.FLAG_NEEDS_CHECKSUM, VirtioNetHeader.flags(buf, 0) & 1);
                    assertEquals(20, VirtioNetHeader.checksumStart(buf, 0));
                    assertEquals(16, VirtioNetHeader.checksumOffset(buf, 0));
                    Ipv4Packet ip = Ipv4Packet.parse(buf, V, n - V);
                    assertEquals(n - V, ip.totalLength());
                }
            }
            assertTrue(sawSuperPacket, "no TSO super-packet among " + seen);
            client.close();
            sending.handle((ok, failure) -> null).get(5, TimeUnit.SECONDS);
        }
    }

    private static boolean isTcpV4(byte[] p) {
        return (p[V] >> 4) == 4 && p[V + 9] == IpProtocol.TCP;
    }

    /** SYN-ACK from 192.0.2.2:80, MSS 1460 and window scale 7, behind a plain virtio-net header. */
    private static void writeSynAck(TunDevice tun, int clientPort, int ack) throws Exception {
        byte[] p = new byte[V + 20 + 28];
        VirtioNetHeader.writeNone(p, 0);
        int ip = V;
        int tcp = V + 20;
        Ipv4Packet.writeHeader(p, ip, 0, 48, 1, true, 64, IpProtocol.TCP,
                Ipv4Packet.parseAddress("192.0.2.2"), Ipv4Packet.parseAddress("192.0.2.1"));
        put16(p, tcp, 80);
        put16(p, tcp + 2, clientPort);
        put32(p, tcp + 4, 0x10000000);
        put32(p, tcp + 8, ack);
        p[tcp + 12] = (byte) (7 << 4); // data offset: 28 bytes
        p[tcp + 13] = (byte) (TcpSegment.SYN | TcpSegment.ACK);
        put16(p, tcp + 14, 65535);
        p[tcp + 20] = TcpSegment.OPTION_MSS;
        p[tcp + 21] = 4;
        put16(p, tcp + 22, 1460);
        p[tcp + 24] = TcpSegment.OPTION_NO_OPERATION;
        p[tcp + 25] = TcpSegment.OPTION_WINDOW_SCALE;
        p[tcp + 26] = 3;
        p[tcp + 27] = 7;
        int sum = InternetChecksum.pseudoHeaderSumV4(p, ip + 12, ip + 16, IpProtocol.TCP, 28);
        put16(p, tcp + 16, InternetChecksum.fold(InternetChecksum.sum(p, tcp, 28, sum)));
        tun.write(p, 0, p.length);
    }

    @Test
    void udpSuperPacketWrittenWithAVirtioHeaderArrivesAsSeparateDatagrams(Lab lab) throws Exception {
        Namespace ns = lab.host("uso");
        NetworkNamespace netns = NetworkNamespace.named(ns.netnsName());
        TunOptions options = TunOptions.defaults().withName("uso0").withVirtioNetHeader(EnumSet.of(
                TunOffload.CHECKSUM, TunOffload.UDP_SEGMENTATION_IPV4, TunOffload.UDP_SEGMENTATION_IPV6));
        try (TunDevice tun = netns.call(() -> TunDevice.open(options));
             NetlinkRouteSocket netlink = netns.call(NetlinkRouteSocket::open)) {
            netlink.addAddress("uso0", IpPrefix.parse("192.0.2.1/24"));
            netlink.setUp("uso0");
            try (UdpSocket receiver = netns.call(() -> UdpSocket.openBound(SocketEndpoint.of("192.0.2.1", 4500)));
                 DatagramBatch in = DatagramBatch.allocate(16, 2048)) {
                // What a receive path that coalesced 5 decrypted datagrams of 1000 bytes (and one of 400) would
                // write: one IPv4/UDP packet, checksum left to the kernel (NEEDS_CSUM with the pseudo-header sum
                // in the UDP checksum field, as for CHECKSUM_PARTIAL), gso UDP_L4 with size 1000.
                int payload = 5 * 1000 + 400;
                byte[] p = new byte[V + 28 + payload];
                for (int i = 0; i < payload; i++) {
                    p[V + 28 + i] = (byte) (i / 1000 + 1);
                }
                int total = UdpDatagram.writeIpv4(p, V, Ipv4Packet.parseAddress("192.0.2.2"),
                        Ipv4Packet.parseAddress("192.0.2.1"), 4500, 4500, 64, 7, false, payload);
                int pseudo = InternetChecksum.pseudoHeaderSumV4(p, V + 12, V + 16, IpProtocol.UDP, 8 + payload);
                put16(p, V + 26, ~InternetChecksum.fold(pseudo) & 0xFFFF);
                VirtioNetHeader.write(p, 0, VirtioNetHeader.FLAG_NEEDS_CHECKSUM, VirtioNetHeader.GSO_UDP_L4, 28, 1000,
                        20, 6);
                tun.write(p, 0, V + total);

                int got = 0;
                while (got < 6) {
                    int n = receiver.receive(in, Duration.ofSeconds(5));
                    for (int i = 0; i < n; i++, got++) {
                        assertEquals(got < 5 ? 1000 : 400, in.length(i), "datagram " + got);
                        byte[] data = new byte[in.length(i)];
                        in.copy(i, data, 0);
                        for (byte b : data) {
                            assertEquals(got + 1, b, "datagram " + got);
                        }
                    }
                }
            }
        }
    }

    @Test
    void multiQueueDeviceTakesPacketsOnEveryQueue(Lab lab) throws Exception {
        Namespace ns = lab.host("mq");
        NetworkNamespace netns = NetworkNamespace.named(ns.netnsName());
        TunOptions options = TunOptions.defaults().withName("mq0").withMultiQueue(true);
        try (TunDevice first = netns.call(() -> TunDevice.open(options));
             TunDevice second = netns.call(first::attachQueue);
             NetlinkRouteSocket netlink = netns.call(NetlinkRouteSocket::open)) {
            assertEquals("mq0", second.name());
            netlink.addAddress("mq0", IpPrefix.parse("192.0.2.1/24"));
            netlink.setUp("mq0");
            String link = ns.ip("-d", "link", "show", "dev", "mq0").stdout();
            assertTrue(link.contains("multi_queue"), link);

            // Echo requests from many sources, written through both queues; every reply comes back on some queue.
            byte[] request = new byte[100];
            for (int i = 0; i < 16; i++) {
                int length = Icmpv4Message.writeEchoPacket(request, 0, Ipv4Packet.parseAddress("192.0.2." + (10 + i)),
                        Ipv4Packet.parseAddress("192.0.2.1"), 64, Icmpv4Message.TYPE_ECHO_REQUEST, 0x100 + i, 1, 0);
                (i % 2 == 0 ? first : second).write(request, 0, length);
            }
            byte[] buf = new byte[2000];
            int replies = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (replies < 16 && System.nanoTime() < deadline) {
                for (TunDevice queue : new TunDevice[] {first, second}) {
                    int n = queue.tryRead(buf, 0, buf.length);
                    if (n > 0 && (buf[0] >> 4) == 4 && buf[9] == IpProtocol.ICMP) {
                        replies++;
                    }
                }
                Thread.onSpinWait();
            }
            assertEquals(16, replies);
        }
    }
}
