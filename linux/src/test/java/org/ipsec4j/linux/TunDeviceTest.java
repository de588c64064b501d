package org.ipsec4j.linux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.InterruptedByTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.ipsec4j.lab.Lab;
import org.ipsec4j.lab.Namespace;
import org.ipsec4j.lab.junit.UsesLab;
import org.ipsec4j.wire.Icmpv4Message;
import org.ipsec4j.wire.Icmpv6Message;
import org.ipsec4j.wire.IpProtocol;
import org.ipsec4j.wire.Ipv4Packet;
import org.ipsec4j.wire.Ipv6Packet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** TUN devices in a fresh namespace: configuration, the kernel answering packets we write, shutdown, errors. */
@UsesLab
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TunDeviceTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    @Test
    void kernelAnswersAnIpv4EchoRequestWrittenToItsOwnAddress(Lab lab) throws Exception {
        Namespace ns = lab.host("t4");
        NetworkNamespace netns = NetworkNamespace.named(ns.netnsName());
        try (TunDevice tun = netns.call(TunDevice::open); NetlinkRouteSocket netlink = netns.call(NetlinkRouteSocket::open)) {
            assertTrue(tun.name().startsWith("tun"), tun.name());
            netlink.setMtu(tun.name(), 1400);
            netlink.addAddress(tun.name(), IpPrefix.parse("192.0.2.1/24"));
            netlink.setUp(tun.name());

            byte[] request = new byte[1400];
            byte[] data = "ipsec4j echo over tun".getBytes();
            System.arraycopy(data, 0, request, 28, data.length);
            int length = Icmpv4Message.writeEchoPacket(request, 0, Ipv4Packet.parseAddress("192.0.2.2"),
                    Ipv4Packet.parseAddress("192.0.2.1"), 64, Icmpv4Message.TYPE_ECHO_REQUEST, 0x4a11, 7, data.length);

            byte[] buf = new byte[2000];
            // The kernel may send packets of its own (IPv6 router solicitations, MLD) when the device comes up.
            int n = pingUntilAnswered(tun, request, length, buf, 100,
                    p -> (p[100] >> 4) == 4 && p[100 + 9] == IpProtocol.ICMP);
            Ipv4Packet reply = Ipv4Packet.parse(buf, 100, n);
            assertEquals("192.0.2.1", Ipv4Packet.formatAddress(reply.sourceAddress()));
            assertEquals("192.0.2.2", Ipv4Packet.formatAddress(reply.destinationAddress()));
            Icmpv4Message icmp = new Icmpv4Message().wrap(reply);
            assertEquals(Icmpv4Message.TYPE_ECHO_REPLY, icmp.type());
            assertEquals(0x4a11, icmp.echoIdentifier());
            assertEquals(7, icmp.echoSequence());
            assertTrue(icmp.checksumValid());
            assertArrayEquals(data, Arrays.copyOfRange(buf, icmp.echoDataOffset(), icmp.echoDataOffset() + data.length));

            String link = ns.ip("-d", "link", "show", "dev", tun.name()).stdout();
            assertTrue(link.contains("mtu 1400") && link.contains(",UP"), link);
            assertTrue(link.contains("tun type tun pi off vnet_hdr off"), link);
            assertTrue(ns.ip("addr", "show", "dev", tun.name()).stdout().contains("inet 192.0.2.1/24"));
            assertTrue(ns.ip("route").stdout().contains("192.0.2.0/24 dev " + tun.name()));
        }
    }

    @Test
    void kernelAnswersAnIpv6EchoRequestWrittenToItsOwnAddress(Lab lab) throws Exception {
        Namespace ns = lab.host("t6");
        NetworkNamespace netns = NetworkNamespace.named(ns.netnsName());
        try (TunDevice tun = netns.call(() -> TunDevice.open("vpn6"));
             NetlinkRouteSocket netlink = netns.call(NetlinkRouteSocket::open)) {
            assertEquals("vpn6", tun.name());
            netlink.addAddress("vpn6", IpPrefix.parse("2001:db8:1::1/64"));
            netlink.setUp("vpn6");

            byte[] source = InetAddress.ofLiteral("2001:db8:1::2").getAddress();
            byte[] destination = InetAddress.ofLiteral("2001:db8:1::1").getAddress();
            byte[] request = new byte[200];
            byte[] data = "v6 echo".getBytes();
            System.arraycopy(data, 0, request, 48, data.length);
            int length = Icmpv6Message.writeEchoPacket(request, 0, source, 0, destination, 0, 64,
                    Icmpv6Message.TYPE_ECHO_REQUEST, 0x6b, 3, data.length);

            byte[] buf = new byte[2000];
            int n = pingUntilAnswered(tun, request, length, buf, 0, p -> (p[0] >> 4) == 6 && p[6] == IpProtocol.ICMPV6
                    && (p[40] & 0xFF) == Icmpv6Message.TYPE_ECHO_REPLY);
            Ipv6Packet reply = Ipv6Packet.parse(buf, 0, n);
            byte[] replySource = new byte[16];
            reply.copySource(replySource);
            assertArrayEquals(destination, replySource);
            Icmpv6Message icmp = Icmpv6Message.parse(buf, reply.upperLayerOffset(), reply.upperLayerLength());
            assertEquals(Icmpv6Message.TYPE_ECHO_REPLY, icmp.type());
            assertArrayEquals(data, Arrays.copyOfRange(buf, 48, 48 + data.length));
        }
    }

    @Test
    void closeWakesABlockedReader(Lab lab) throws Exception {
        NetworkNamespace netns = NetworkNamespace.named(lab.host("close").netnsName());
        TunDevice tun = netns.call(TunDevice::open);
        CompletableFuture<Throwable> reader = CompletableFuture.supplyAsync(() -> {
            try {
                tun.read(new byte[1500], 0, 1500);
                return null;
            } catch (Throwable t) {
                return t;
            }
        }, r -> Thread.ofPlatform().start(r));
        Thread.sleep(200);
        assertFalse(reader.isDone(), "the reader should be waiting for a packet");
        tun.close();
        assertInstanceOf(AsynchronousCloseException.class, reader.get(5, TimeUnit.SECONDS));
        assertFalse(tun.isOpen());
        assertThrows(ClosedChannelException.class, () -> tun.read(new byte[10], 0, 10));
        tun.close(); // idempotent
    }

    @Test
    void readTimesOutAndTryReadReturnsZeroWhenNothingIsQueued(Lab lab) throws Exception {
        NetworkNamespace netns = NetworkNamespace.named(lab.host("idle").netnsName());
        try (TunDevice tun = netns.call(TunDevice::open)) {
            byte[] buf = new byte[1500];
            assertEquals(0, tun.tryRead(buf, 0, buf.length));
            long start = System.nanoTime();
            assertThrows(InterruptedByTimeoutException.class, () -> tun.read(buf, 0, buf.length, Duration.ofMillis(100)));
            assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(100));
        }
    }

    @Test
    void badNamesAndBusyNamesGiveTheErrno(Lab lab) throws Exception {
        NetworkNamespace netns = NetworkNamespace.named(lab.host("names").netnsName());
        ErrnoException slash = assertThrows(ErrnoException.class, () -> netns.call(() -> TunDevice.open("bad/name")));
        assertEquals("TUNSETIFF(bad/name): Invalid argument (EINVAL, errno 22)", slash.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TunDevice.open("a-name-longer-than-15"));
        try (TunDevice first = netns.call(() -> TunDevice.open("dup0"))) {
            ErrnoException busy = assertThrows(ErrnoException.class, () -> netns.call(() -> TunDevice.open("dup0")));
            assertEquals("EBUSY", busy.errnoName(), busy.getMessage());
            assertTrue(first.isOpen());
        }
        ErrnoException noNamespace = assertThrows(ErrnoException.class,
                () -> NetworkNamespace.named("ipsec4j-no-such-namespace").call(TunDevice::open));
        assertEquals("ENOENT", noNamespace.errnoName());
    }

    /**
     * Writes the request every 200 ms, as ping does, until a packet matching {@code reply} comes back: an IPv6
     * address stays tentative for a moment after the device comes up (the kernel finishes even a "nodad"
     * address in a work queue), and packets to it are dropped meanwhile.
     */
    static int pingUntilAnswered(TunDevice tun, byte[] request, int length, byte[] buf, int off,
                                 Predicate<byte[]> reply) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            tun.write(request, 0, length);
            long resend = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
            while (System.nanoTime() < resend) {
                try {
                    int n = tun.read(buf, off, buf.length - off, Duration.ofNanos(Math.max(1, resend - System.nanoTime())));
                    if (reply.test(Arrays.copyOf(buf, off + n))) {
                        return n;
                    }
                } catch (InterruptedByTimeoutException e) {
                    if (System.nanoTime() > deadline) {
                        throw e;
                    }
                }
            }
        }
    }

    /** Reads packets (at {@code off}) until one matches, skipping what the kernel sends on its own. */
    static int readUntil(TunDevice tun, byte[] buf, int off, Predicate<byte[]> wanted) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            Duration left = Duration.ofNanos(deadline - System.nanoTime());
            int n = tun.read(buf, off, buf.length - off, left.isNegative() ? Duration.ZERO : left);
            byte[] packet = Arrays.copyOf(buf, off + n);
            if (wanted.test(packet)) {
                return n;
            }
        }
    }
}
