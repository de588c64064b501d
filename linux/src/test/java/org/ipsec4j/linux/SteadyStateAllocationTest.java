package org.ipsec4j.linux;

import static java.net.StandardProtocolFamily.INET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;
import org.ipsec4j.lab.Lab;
import org.ipsec4j.lab.Namespace;
import org.ipsec4j.lab.junit.UsesLab;
import org.ipsec4j.wire.Icmpv4Message;
import org.ipsec4j.wire.Ipv4Packet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The packet paths allocate nothing of their own once warm: TUN read and write on byte[], single and batched
 * UDP sends and receives. Measured with the thread's allocated-bytes counter over rounds of iterations until
 * one round allocates nothing (within a few hundred bytes of slack for the counter itself): until the JIT has
 * compiled the path, interpreted FFM calls do allocate, and on a loaded machine compiling takes a while.
 */
@UsesLab
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SteadyStateAllocationTest {

    private static final int MEASURED = 10_000;
    private static final int MAX_ROUNDS = 30;
    private static final long SLACK_BYTES = 1024;
    private static final java.time.Duration READ_TIMEOUT = java.time.Duration.ofSeconds(5);

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @FunctionalInterface
    private interface Step {
        void run() throws Exception;
    }

    /** Bytes allocated by the first round that stays within the slack, or by the last round. */
    private static long allocatedBy(Step step, int iterations) throws Exception {
        long allocated = Long.MAX_VALUE;
        for (int round = 0; round < MAX_ROUNDS && allocated >= SLACK_BYTES; round++) {
            long before = THREADS.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < iterations; i++) {
                step.run();
            }
            allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
        }
        return allocated;
    }

    @Test
    void tunWriteAndReadAllocateNothing(Lab lab) throws Exception {
        Namespace ns = lab.host("alloc");
        NetworkNamespace netns = NetworkNamespace.named(ns.netnsName());
        try (TunDevice tun = netns.call(TunDevice::open); NetlinkRouteSocket netlink = netns.call(NetlinkRouteSocket::open)) {
            netlink.addAddress(tun.name(), IpPrefix.parse("192.0.2.1/24"));
            netlink.setUp(tun.name());
            byte[] request = new byte[1500];
            int length = Icmpv4Message.writeEchoPacket(request, 0, Ipv4Packet.parseAddress("192.0.2.2"),
                    Ipv4Packet.parseAddress("192.0.2.1"), 64, Icmpv4Message.TYPE_ECHO_REQUEST, 1, 1, 1000);
            byte[] reply = new byte[1500];
            long allocated = allocatedBy(() -> {
                tun.write(request, 0, length);
                // The echo reply (and now and then an IPv6 packet of the kernel's own) comes back on the device.
                tun.read(reply, 0, reply.length, READ_TIMEOUT);
            }, MEASURED);
            assertTrue(allocated < SLACK_BYTES, allocated + " bytes allocated over " + MEASURED + " write+read");
        }
    }

    @Test
    void udpSendsAndReceivesAllocateNothing(Lab lab) throws Exception {
        TwoHosts net = TwoHosts.build(lab, 1500);
        SocketEndpoint server = SocketEndpoint.of("192.0.2.2", 4500);
        try (UdpSocket receiver = net.netnsB().call(() -> UdpSocket.openBound(server));
             UdpSocket sender = net.netnsA().call(() -> UdpSocket.open(INET));
             DatagramBatch out = DatagramBatch.allocate(8, 2048);
             DatagramBatch in = DatagramBatch.allocate(8, 2048)) {
            receiver.setReceivePacketInfo(true);
            byte[] payload = new byte[1400];
            byte[] copy = new byte[2048];
            for (int i = 0; i < 8; i++) {
                out.add(payload, 0, payload.length, server);
            }
            long batched = allocatedBy(() -> {
                assertEquals(8, sender.send(out));
                int received = 0;
                while (received < 8) {
                    int n = receiver.receive(in);
                    for (int i = 0; i < n; i++) {
                        in.copy(i, copy, 0);
                        in.sourceEquals(i, server);
                        in.localIpv4(i);
                    }
                    received += n;
                }
            }, MEASURED / 8);
            assertTrue(batched < SLACK_BYTES, batched + " bytes allocated over batched sends and receives");

            long single = allocatedBy(() -> {
                sender.send(payload, 0, payload.length, server);
                receiver.receive(copy, 0, copy.length);
            }, MEASURED);
            assertTrue(single < SLACK_BYTES, single + " bytes allocated over single sends and receives");
        }
    }
}
