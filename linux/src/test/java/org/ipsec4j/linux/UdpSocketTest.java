package org.ipsec4j.linux;

import static java.net.StandardProtocolFamily.INET;
import static java.net.StandardProtocolFamily.INET6;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.InterruptedByTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.ipsec4j.lab.Lab;
import org.ipsec4j.lab.Link;
import org.ipsec4j.lab.Namespace;
import org.ipsec4j.lab.junit.UsesLab;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** UDP sockets between two namespaces: batches, packet info, GSO/GRO, marks, errors and the error queue. */
@UsesLab
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UdpSocketTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    @Test
    void batchOfIpv4DatagramsArrivesWithAddressesPortsPayloadsAndPacketInfo(Lab lab) throws Exception {
        batchRoundTrip(lab, INET);
    }

    @Test
    void batchOfIpv6DatagramsArrivesWithAddressesPortsPayloadsAndPacketInfo(Lab lab) throws Exception {
        batchRoundTrip(lab, INET6);
    }

    private static void batchRoundTrip(Lab lab, StandardProtocolFamily family) throws Exception {
        TwoHosts net = TwoHosts.build(lab, 1500);
        SocketEndpoint server = SocketEndpoint.of(TwoHosts.addressB(family), 4500);
        try (UdpSocket receiver = net.netnsB().call(() -> UdpSocket.openBound(SocketEndpoint.any(family, 4500)));
             UdpSocket sender = net.netnsA().call(() -> UdpSocket.openBound(SocketEndpoint.of(TwoHosts.addressA(family), 0)));
             DatagramBatch out = DatagramBatch.allocate(32, 2048);
             DatagramBatch in = DatagramBatch.allocate(64, 2048)) {
            receiver.setReceivePacketInfo(true);
            receiver.setReceiveBufferSize(1 << 20);
            int senderPort = sender.localEndpoint().port();
            assertTrue(senderPort > 0);
            List<byte[]> sent = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                byte[] data = TwoHosts.payload(i, 1 + i * 45);
                sent.add(data);
                assertTrue(out.add(data, 0, data.length, server));
            }
            assertTrue(out.isFull());
            assertFalse(out.add(new byte[1], 0, 1, server));
            assertEquals(32, sender.send(out));

            List<byte[]> received = new ArrayList<>();
            int ifindex = net.netnsB().call(NetlinkRouteSocket::open).interfaceIndex(net.link().b().interfaceName());
            while (received.size() < 32) {
                int n = receiver.receive(in, WAIT);
                for (int i = 0; i < n; i++) {
                    byte[] data = new byte[in.length(i)];
                    in.copy(i, data, 0);
                    received.add(data);
                    assertEquals(SocketEndpoint.of(TwoHosts.addressA(family), senderPort), in.source(i));
                    assertTrue(in.sourceEquals(i, SocketEndpoint.of(TwoHosts.addressA(family), senderPort)));
                    assertFalse(in.sourceEquals(i, SocketEndpoint.of(TwoHosts.addressA(family), senderPort + 1)));
                    assertEquals(senderPort, in.sourcePort(i));
                    assertEquals(InetAddress.ofLiteral(TwoHosts.addressB(family)), in.localAddress(i));
                    assertEquals(ifindex, in.interfaceIndex(i));
                    assertFalse(in.truncated(i));
                    assertEquals(0, in.segmentSize(i));
                }
            }
            for (int i = 0; i < 32; i++) {
                assertArrayEquals(sent.get(i), received.get(i), "datagram " + i);
            }
            if (family == INET) {
                assertEquals(0xC0000201, in.sourceIpv4(0));
                assertEquals(0xC0000202, in.localIpv4(0));
            }
        }
    }

    @Test
    void trafficClassIsSetPerDatagramAndReportedOnReceipt(Lab lab) throws Exception {
        TwoHosts net = TwoHosts.build(lab, 1500);
        for (StandardProtocolFamily family : List.of(INET, INET6)) {
            SocketEndpoint server = SocketEndpoint.of(TwoHosts.addressB(family), 4500);
            try (UdpSocket receiver = net.netnsB().call(() -> UdpSocket.openBound(server));
                 UdpSocket sender = net.netnsA().call(() -> UdpSocket.open(family));
                 DatagramBatch out = DatagramBatch.allocate(4, 65535);
                 DatagramBatch in = DatagramBatch.allocate(16, 2048)) {
                receiver.setReceiveTrafficClass(true);
                sender.setTrafficClass(0x20); // CS1: the socket's default
                byte[] data = new byte[100];
                out.add(data, 0, 100, server, 0x88);          // AF41, not-ECT
                out.add(data, 0, 100, server, 0xB8 | 0x2);    // EF, ECT(0)
                out.add(data, 0, 100, server);                // the socket's
                out.addSegments(new byte[300], 0, 300, 100, server, 0x03); // a GSO run, CE on every segment
                assertEquals(4, sender.send(out));
                int[] expected = {0x88, 0xBA, 0x20, 0x03, 0x03, 0x03};
                int got = 0;
                while (got < expected.length) {
                    int n = receiver.receive(in, WAIT);
                    for (int i = 0; i < n; i++, got++) {
                        assertEquals(expected[got], in.trafficClass(i), family + " datagram " + got);
                    }
                }
            }
        }
    }

    @Test
    void coalescedRunsShareOneTrafficClassAndANewOneStartsARun(Lab lab) throws Exception {
        TwoHosts net = TwoHosts.build(lab, 1500);
        for (StandardProtocolFamily family : List.of(INET, INET6)) {
            SocketEndpoint server = SocketEndpoint.of(TwoHosts.addressB(family), 4500);
            try (UdpSocket receiver = net.netnsB().call(() -> UdpSocket.openBound(server));
                 UdpSocket sender = net.netnsA().call(() -> UdpSocket.open(family));
                 DatagramBatch out = DatagramBatch.allocate(8, DatagramBatch.MAX_UDP_PAYLOAD);
                 DatagramBatch in = DatagramBatch.allocate(32, 2048)) {
                receiver.setReceiveTrafficClass(true);
                byte[] data = new byte[1000];
                int[] classes = {0xB8, 0xB8, 0xB8, 0xBA, 0xBA, 0x00, 0xB8, 0xB8};
                for (int tc : classes) {
                    assertTrue(out.addCoalescing(data, 0, data.length, server, tc));
                }
                assertEquals(4, out.count(), "a run per traffic class in a row");
                assertEquals(3, out.segmentsIn(0));
                assertEquals(classes.length, out.datagramCount());
                assertEquals(4, sender.send(out));
                int got = 0;
                while (got < classes.length) {
                    int n = receiver.receive(in, WAIT);
                    for (int i = 0; i < n; i++, got++) {
                        assertEquals(classes[got], in.trafficClass(i), family + " datagram " + got);
                        assertEquals(1000, in.length(i));
                    }
                }
            }
        }
    }

    @Test
    void singleDatagramsGoStraightFromAndToArrays(Lab lab) throws Exception {
        TwoHosts net = TwoHosts.build(lab, 1500);
        try (UdpSocket receiver = net.netnsB().call(() -> UdpSocket.openBound(SocketEndpoint.of("2001:db8:1::2", 500)));
             UdpSocket sender = net.netnsA().call(() -> UdpSocket.open(INET6))) {
            byte[] data = TwoHosts.payload(1, 300);
            byte[] packet = new byte[400];
            System.arraycopy(data, 0, packet, 50, 300);
            sender.send(packet, 50, 300, SocketEndpoint.of("2001:db8:1::2", 500));
            byte[] buf = new byte[1000];
            int n = receiver.receive(buf, 10, 990, WAIT);
            assertEquals(300, n);
            assertArrayEquals(data, Arrays.copyOfRange(buf, 10, 310));
            assertThrows(InterruptedByTimeoutException.class, () -> receiver.receive(buf, 0, 100, Duration.ofMillis(50)));
            assertThrows(IllegalArgumentException.class,
                    () -> sender.send(packet, 0, 10, SocketEndpoint.of("192.0.2.2", 500)));
        }
    }

    @Test
    void gsoSendArrivesAsSeparateDatagrams(Lab lab) throws Exception {
        TwoHosts net = TwoHosts.build(lab, 1500);
        SocketEndpoint server = SocketEndpoint.of("192.0.2.2", 4500);
        try (UdpSocket receiver = net.netnsB().call(() -> UdpSocket.openBound(server));
             UdpSocket sender = net.netnsA().call(() -> UdpSocket.open(INET));
             DatagramBatch out = DatagramBatch.allocate(4, 65535);
             DatagramBatch in = DatagramBatch.allocate(64, 2048)) {
            receiver.setReceiveBufferSize(1 << 20);
            // One slot, 10 datagrams of 1400 bytes and a short 100-byte one, cut by the kernel.
            byte[] run = TwoHosts.payload(3, 10 * 1400 + 100);
            assertTrue(out.addSegments(run, 0, run.length, 1400, server));
            assertEquals(1, out.count());
            assertEquals(11, out.datagramCount());
            assertEquals(1, sender.send(out));
            assertEquals(0, out.error(0));

            List<byte[]> received = receiveDatagrams(receiver, in, 11);
            for (int i = 0; i < 11; i++) {
                int length = i < 10 ? 1400 : 100;
                assertArrayEquals(Arrays.copyOfRange(run, i * 1400, i * 1400 + length), received.get(i), "segment " + i);
            }

            // UDP_SEGMENT as a socket option: a plain send of 2000 bytes leaves as 4 datagrams of 500.
            sender.setSegmentSize(500);
            byte[] big = TwoHosts.payload(4, 2000);
            sender.send(big, 0, big.length, server);
            List<byte[]> cut = receiveDatagrams(receiver, in, 4);
            for (int i = 0; i < 4; i++) {
                assertArrayEquals(Arrays.copyOfRange(big, i * 500, i * 500 + 500), cut.get(i), "cut " + i);
            }
        }
    }

    @Test
    void coalescingBatchSendsRunsAndKeepsOrder(Lab lab) throws Exception {
        TwoHosts net = TwoHosts.build(lab, 1500);
        SocketEndpoint b1 = SocketEndpoint.of("192.0.2.2", 4500);
        SocketEndpoint b2 = SocketEndpoint.of("192.0.2.2", 4501);
        try (UdpSocket receiver1 = net.netnsB().call(() -> UdpSocket.openBound(b1));
             UdpSocket receiver2 = net.netnsB().call(() -> UdpSocket.openBound(b2));
             UdpSocket sender = net.netnsA().call(() -> UdpSocket.open(INET));
             DatagramBatch out = DatagramBatch.allocate(8, 65535);
             DatagramBatch in = DatagramBatch.allocate(64, 2048)) {
            receiver1.setReceiveBufferSize(1 << 20);
            List<byte[]> toB1 = new ArrayList<>();
            // 70 x 1000 to b1 (two runs: at most 64 segments each), one short 300 that ends the second run,
            // then 5 to b2 (a new slot: other destination), then 1 more to b1 (new slot: the run was sealed).
            for (int i = 0; i < 70; i++) {
                byte[] data = TwoHosts.payload(i, 1000);
                toB1.add(data);
                assertTrue(out.addCoalescing(data, 0, data.length, b1));
            }
            byte[] shortOne = TwoHosts.payload(70, 300);
            toB1.add(shortOne);
            assertTrue(out.addCoalescing(shortOne, 0, shortOne.length, b1));
            for (int i = 0; i < 5; i++) {
                byte[] data = TwoHosts.payload(100 + i, 1000);
                assertTrue(out.addCoalescing(data, 0, data.length, b2));
            }
            byte[] last = TwoHosts.payload(71, 1000);
            toB1.add(last);
            assertTrue(out.addCoalescing(last, 0, last.length, b1));
            assertEquals(4, out.count());
            assertEquals(64, out.segmentsIn(0));
            assertEquals(7, out.segmentsIn(1));
            assertEquals(5, out.segmentsIn(2));
            assertEquals(1, out.segmentsIn(3));
            assertEquals(77, out.datagramCount());
            assertEquals(4, sender.send(out));

            // The payload limit ends a run too: 54 x 1200 = 64800 bytes, a 55th would pass 65507.
            try (DatagramBatch big = DatagramBatch.allocate(2, 65535)) {
                byte[] data = new byte[1200];
                for (int i = 0; i < 55; i++) {
                    assertTrue(big.addCoalescing(data, 0, data.length, b2));
                }
                assertEquals(2, big.count());
                assertEquals(54, big.segmentsIn(0));
            }

            List<byte[]> received = receiveDatagrams(receiver1, in, 72);
            for (int i = 0; i < 72; i++) {
                assertArrayEquals(toB1.get(i), received.get(i), "datagram " + i);
            }
            assertEquals(5, receiveDatagrams(receiver2, in, 5).size());
        }
    }

    @Test
    void groHandsOverAGsoRunWhole(Lab lab) throws Exception {
        TwoHosts net = TwoHosts.build(lab, 1500);
        SocketEndpoint server = SocketEndpoint.of("192.0.2.2", 4500);
        try (UdpSocket receiver = net.netnsB().call(() -> UdpSocket.openBound(server));
             UdpSocket sender = net.netnsA().call(() -> UdpSocket.open(INET));
             DatagramBatch out = DatagramBatch.allocate(1, 65535);
             DatagramBatch in = DatagramBatch.allocate(8, 65535)) {
            receiver.setGenericReceiveOffload(true);
            byte[] run = TwoHosts.payload(5, 20 * 1000);
            out.addSegments(run, 0, run.length, 1000, server);
            sender.send(out);
            int n = receiver.receive(in, WAIT);
            int datagrams = 0;
            byte[] all = new byte[run.length];
            int filled = 0;
            for (int i = 0; i < n; i++) {
                datagrams += in.datagramsIn(i);
                filled += in.copy(i, all, filled);
            }
            // veth passes the GSO packet through unsegmented and the GRO socket takes it as it is.
            assertEquals(1, n);
            assertEquals(1000, in.segmentSize(0));
            assertEquals(20, datagrams);
            assertEquals(run.length, filled);
            assertArrayEquals(run, all);
        }
    }

    @Test
    void soMarkIsHonouredByAnIpRuleFwmarkRoute(Lab lab) throws Exception {
        // a has two ways to 203.0.113.7: via b (main table) and via c (table 100, for packets marked 0x51).
        Namespace a = lab.host("a");
        Namespace b = lab.host("b");
        Namespace c = lab.host("c");
        Link ab = lab.link(a, b);
        Link ac = lab.link(a, c);
        ab.a().addAddress("192.0.2.1/24");
        ab.b().addAddress("192.0.2.2/24");
        ac.a().addAddress("198.51.100.1/24");
        ac.b().addAddress("198.51.100.2/24");
        b.run("ip", "addr", "add", "203.0.113.7/32", "dev", "lo");
        c.run("ip", "addr", "add", "203.0.113.7/32", "dev", "lo");
        NetworkNamespace netnsA = NetworkNamespace.named(a.netnsName());
        try (NetlinkRouteSocket netlink = netnsA.call(NetlinkRouteSocket::open)) {
            netlink.addRoute(Route.to("203.0.113.7/32").via("192.0.2.2"));
            netlink.addRoute(Route.to("203.0.113.7/32").via("198.51.100.2").table(100));
            netlink.addRule(RoutingRule.lookup(INET, 100).fwmark(0x51).priority(100));
        }
        SocketEndpoint target = SocketEndpoint.of("203.0.113.7", 4500);
        try (UdpSocket atB = NetworkNamespace.named(b.netnsName()).call(() -> UdpSocket.openBound(target));
             UdpSocket atC = NetworkNamespace.named(c.netnsName()).call(() -> UdpSocket.openBound(target));
             UdpSocket plain = netnsA.call(() -> UdpSocket.open(INET));
             UdpSocket marked = netnsA.call(() -> UdpSocket.open(INET))) {
            marked.setMark(0x51);
            plain.send("plain".getBytes(), 0, 5, target);
            marked.send("marked".getBytes(), 0, 6, target);
            byte[] buf = new byte[100];
            assertEquals("plain", new String(buf, 0, atB.receive(buf, 0, 100, WAIT)));
            assertEquals("marked", new String(buf, 0, atC.receive(buf, 0, 100, WAIT)));
            assertThrows(InterruptedByTimeoutException.class, () -> atB.receive(buf, 0, 100, Duration.ofMillis(100)));
            assertThrows(InterruptedByTimeoutException.class, () -> atC.receive(buf, 0, 100, Duration.ofMillis(100)));
        }
    }

    @Test
    void bindingAPortInUseGivesTheErrnoText(Lab lab) throws Exception {
        NetworkNamespace netns = NetworkNamespace.named(lab.host("ports").netnsName());
        try (UdpSocket first = netns.call(() -> UdpSocket.openBound(SocketEndpoint.any(INET, 4500)))) {
            ErrnoException inUse = assertThrows(ErrnoException.class,
                    () -> netns.call(() -> UdpSocket.openBound(SocketEndpoint.any(INET, 4500))));
            assertEquals("bind(0.0.0.0:4500): Address already in use (EADDRINUSE, errno 98)", inUse.getMessage());
            assertEquals(Errno.EADDRINUSE, inUse.errno());
            ErrnoException notLocal = assertThrows(ErrnoException.class,
                    () -> netns.call(() -> UdpSocket.openBound(SocketEndpoint.of("2001:db8::99", 500))));
            assertEquals("EADDRNOTAVAIL", notLocal.errnoName());
            assertTrue(first.isOpen());
        }
        // With SO_REUSEPORT on both, two sockets share a port (one receiving thread each).
        UdpSocket one = netns.call(() -> UdpSocket.open(INET));
        UdpSocket two = netns.call(() -> UdpSocket.open(INET));
        try (one; two) {
            one.setReusePort(true);
            two.setReusePort(true);
            one.bind(SocketEndpoint.any(INET, 4500));
            two.bind(SocketEndpoint.any(INET, 4500));
            assertEquals(4500, two.localEndpoint().port());
        }
    }

    @Test
    void closeWakesABlockedBatchReceive(Lab lab) throws Exception {
        NetworkNamespace netns = NetworkNamespace.named(lab.host("close").netnsName());
        UdpSocket socket = netns.call(() -> UdpSocket.openBound(SocketEndpoint.any(INET6, 4500)));
        try (DatagramBatch in = DatagramBatch.allocate(8, 2048)) {
            CompletableFuture<Throwable> reader = CompletableFuture.supplyAsync(() -> {
                try {
                    socket.receive(in);
                    return null;
                } catch (Throwable t) {
                    return t;
                }
            }, r -> Thread.ofPlatform().start(r));
            Thread.sleep(200);
            assertFalse(reader.isDone());
            socket.close();
            assertInstanceOf(AsynchronousCloseException.class, reader.get(5, TimeUnit.SECONDS));
        }
        // The port is free again at once: close returns after the descriptor is really closed.
        netns.call(() -> UdpSocket.openBound(SocketEndpoint.any(INET6, 4500))).close();
    }

    @Test
    void portUnreachableLandsOnTheErrorQueue(Lab lab) throws Exception {
        TwoHosts net = TwoHosts.build(lab, 1500);
        for (StandardProtocolFamily family : List.of(INET, INET6)) {
            SocketEndpoint nobody = SocketEndpoint.of(TwoHosts.addressB(family), 9);
            try (UdpSocket sender = net.netnsA().call(() -> UdpSocket.open(family));
                 DatagramBatch in = DatagramBatch.allocate(4, 2048)) {
                sender.setReceiveErrors(true);
                assertEquals(null, sender.tryReceiveError());
                sender.send("knock".getBytes(), 0, 5, nobody);
                assertEquals(0, sender.receive(in, WAIT), "woken by the error, no datagram");
                SocketError error = sender.tryReceiveError();
                assertNotNull(error);
                assertEquals("ECONNREFUSED", error.errnoName(), error.toString());
                assertEquals(family == INET ? SocketError.Origin.ICMP : SocketError.Origin.ICMP6, error.origin());
                assertEquals(family == INET ? 3 : 1, error.icmpType());
                assertEquals(family == INET ? 3 : 4, error.icmpCode());
                assertEquals(InetAddress.ofLiteral(TwoHosts.addressB(family)), error.offender());
                assertEquals(nobody, error.originalDestination());
                assertArrayEquals("knock".getBytes(), error.payload());
                assertFalse(error.isPacketTooBig());
                assertEquals(null, sender.tryReceiveError());
            }
        }
    }

    @Test
    void fragmentationNeededFromARouterReportsThePathMtu(Lab lab) throws Exception {
        Namespace a = lab.host("a");
        Namespace r = lab.router("r");
        Namespace b = lab.host("b");
        Link ar = lab.link(a, r, 1500);
        Link rb = lab.link(r, b, 1280);
        ar.a().addAddress("192.0.2.2/24").addAddress("2001:db8:1::2/64");
        ar.b().addAddress("192.0.2.1/24").addAddress("2001:db8:1::1/64");
        rb.a().addAddress("198.51.100.1/24").addAddress("2001:db8:2::1/64");
        rb.b().addAddress("198.51.100.2/24").addAddress("2001:db8:2::2/64");
        a.setDefaultRoute("192.0.2.1");
        a.setDefaultRoute("2001:db8:1::1");
        b.setDefaultRoute("198.51.100.1");
        b.setDefaultRoute("2001:db8:2::1");
        NetworkNamespace netnsA = NetworkNamespace.named(a.netnsName());
        for (StandardProtocolFamily family : List.of(INET, INET6)) {
            SocketEndpoint far = SocketEndpoint.of(family == INET ? "198.51.100.2" : "2001:db8:2::2", 4500);
            try (UdpSocket sender = netnsA.call(() -> UdpSocket.open(family))) {
                sender.setReceiveErrors(true);
                sender.setPathMtuDiscovery(PathMtuDiscovery.DO);
                byte[] big = new byte[1400];
                sender.send(big, 0, big.length, far);
                SocketError error = awaitError(sender);
                assertTrue(error.isPacketTooBig(), error.toString());
                assertEquals(1280, error.mtu(), error.toString());
                assertEquals("EMSGSIZE", error.errnoName());
                assertEquals(InetAddress.ofLiteral(family == INET ? "192.0.2.1" : "2001:db8:1::1"), error.offender());
                // The kernel now knows the path MTU: the next big send fails locally.
                ErrnoException local = assertThrows(ErrnoException.class, () -> sender.send(big, 0, big.length, far));
                assertEquals("EMSGSIZE", local.errnoName());
                assertTrue(local.getMessage().startsWith("sendto(" + far + ", 1400 bytes): Message too long"),
                        local.getMessage());
                // A connected socket reports the path MTU the kernel has learnt.
                try (UdpSocket connected = netnsA.call(() -> UdpSocket.open(family))) {
                    connected.connect(far);
                    assertEquals(1280, connected.pathMtu());
                }
            }
        }
    }

    private static SocketError awaitError(InetDatagramSocket socket) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            SocketError error = socket.tryReceiveError();
            if (error != null) {
                return error;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no error queued");
    }

    static List<byte[]> receiveDatagrams(InetDatagramSocket socket, DatagramBatch in, int expected) throws Exception {
        List<byte[]> received = new ArrayList<>();
        while (received.size() < expected) {
            int n = socket.receive(in, WAIT);
            for (int i = 0; i < n; i++) {
                byte[] data = new byte[in.length(i)];
                in.copy(i, data, 0);
                received.add(data);
            }
        }
        return received;
    }
}
