package org.ipsec4j.linux;

import static java.net.StandardProtocolFamily.INET;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.ipsec4j.lab.IpVersion;
import org.ipsec4j.lab.Lab;
import org.ipsec4j.lab.Link;
import org.ipsec4j.lab.Namespace;
import org.ipsec4j.wire.Ipv4Packet;
import org.ipsec4j.wire.UdpDatagram;

/**
 * Per-packet cost of this module's I/O, measured in throw-away namespaces: TUN read and write, UDP send one at a
 * time, with sendmmsg and with GSO, and receive one at a time, with recvmmsg and with GRO. Run as root:
 * {@code scripts/linux-io-bench} (or this main with the linux, lab and wire classes on the class path).
 *
 * <p>Each figure is the median over rounds of wall-clock time on the calling thread divided by packets, after
 * warm-up rounds: what the syscall, the kernel work it triggers on that CPU (for a send: the receiver's
 * protocol processing too, as veth delivers in the sender's softirq) and the FFM call cost together take.
 * Not a unit test: numbers vary with the machine; nothing asserts them.
 *
 * <pre>
 *   a (198.51.100.1, tun "bench0" 192.0.2.1/24) --veth, MTU 1500-- b (198.51.100.2)
 * </pre>
 */
public final class LinuxIoBenchmark {

    private static final int PAYLOAD = 1400;
    private static final int BATCH = 32;
    private static final int ROUNDS = 9;
    private static final int WARMUP_ROUNDS = 3;

    private record Result(String name, double cpuNanosPerPacket, double wallNanosPerPacket, String note) {
    }

    private final List<Result> results = new ArrayList<>();
    private final int packetsPerRound;

    private LinuxIoBenchmark(int packetsPerRound) {
        this.packetsPerRound = packetsPerRound;
    }

    public static void main(String[] args) throws Exception {
        int packets = args.length > 0 ? Integer.parseInt(args[0]) : 8192;
        LinuxIoBenchmark benchmark = new LinuxIoBenchmark(packets - packets % BATCH);
        try (Lab lab = Lab.create()) {
            Namespace a = lab.host("a");
            Namespace b = lab.host("b");
            Link ab = lab.link(a, b, 1500);
            ab.a().addAddress("198.51.100.1/24");
            ab.b().addAddress("198.51.100.2/24");
            NetworkNamespace netnsA = NetworkNamespace.named(a.netnsName());
            NetworkNamespace netnsB = NetworkNamespace.named(b.netnsName());
            benchmark.tun(netnsA);
            benchmark.udpSend(netnsA, netnsB);
            // The same sends to a port that b drops at once (raw PREROUTING): the sender's own cost, without
            // b's UDP delivery, which veth otherwise runs in the sender's softirq.
            b.firewall(IpVersion.V4, "raw").append("PREROUTING", "-p", "udp", "--dport", "4502", "-j", "DROP");
            benchmark.udpSendDropped(netnsA);
            benchmark.udpReceive(netnsA, netnsB);
        }
        benchmark.print();
    }

    // ---- TUN ----

    private void tun(NetworkNamespace netns) throws Exception {
        try (TunDevice tun = netns.call(() -> TunDevice.open("bench0"))) {
            try (NetlinkRouteSocket netlink = netns.call(NetlinkRouteSocket::open)) {
                netlink.addAddress("bench0", IpPrefix.parse("192.0.2.1/24"));
                netlink.setTransmitQueueLength("bench0", packetsPerRound + 1024);
                netlink.setUp("bench0");
            }
            tun(netns, tun);
        }
    }

    @SuppressWarnings("try") // the sink is closed early on purpose: it stops the draining thread
    private void tun(NetworkNamespace netns, TunDevice tun) throws Exception {
        try (UdpSocket sink = netns.call(() -> UdpSocket.openBound(SocketEndpoint.of("192.0.2.1", 9)));
             UdpSocket source = netns.call(() -> UdpSocket.open(INET));
             DatagramBatch drain = DatagramBatch.allocate(BATCH, 2048);
             DatagramBatch out = DatagramBatch.allocate(BATCH, 2048)) {
            sink.setReceiveBufferSize(64 << 20);

            // Write: UDP packets from "the tunnel" (192.0.2.2) to a socket of ours, drained by another thread,
            // as decrypted traffic is delivered.
            byte[] packet = new byte[2048];
            int length = UdpDatagram.writeIpv4(packet, 0, Ipv4Packet.parseAddress("192.0.2.2"),
                    Ipv4Packet.parseAddress("192.0.2.1"), 40000, 9, 64, 1, true, PAYLOAD);
            AtomicLong drained = new AtomicLong();
            Thread drainer = Thread.ofPlatform().name("drain").start(() -> {
                try {
                    while (true) {
                        drained.addAndGet(sink.receive(drain));
                    }
                } catch (Exception closed) {
                    // socket closed: done
                }
            });
            measure("TUN write, 1428-byte UDP packet delivered to a local socket", "", () -> {
                for (int i = 0; i < packetsPerRound; i++) {
                    tun.write(packet, 0, length);
                }
                return packetsPerRound;
            });
            sink.close();
            drainer.join();

            // Read: fill the device's queue from a local socket (sendmmsg), then time reading it empty.
            SocketEndpoint throughTun = SocketEndpoint.of("192.0.2.50", 9);
            byte[] payload = new byte[PAYLOAD];
            byte[] buf = new byte[2048];
            measure("TUN read, 1428-byte packet, queue full", "", () -> {
                fill(source, out, payload, throughTun, packetsPerRound);
                Stopwatch watch = Stopwatch.start();
                int read = 0;
                while (tun.tryRead(buf, 0, buf.length) > 0) {
                    read++;
                }
                return watch.stop(read);
            });
        }
    }

    // ---- UDP ----

    @SuppressWarnings("try") // the receiver is closed early on purpose: it stops the draining thread
    private void udpSend(NetworkNamespace netnsA, NetworkNamespace netnsB) throws Exception {
        SocketEndpoint server = SocketEndpoint.of("198.51.100.2", 4500);
        try (UdpSocket receiver = netnsB.call(() -> UdpSocket.openBound(server));
             UdpSocket sender = netnsA.call(() -> UdpSocket.open(INET));
             DatagramBatch out = DatagramBatch.allocate(BATCH, 2048);
             DatagramBatch gso = DatagramBatch.allocate(1, 65535);
             DatagramBatch drain = DatagramBatch.allocate(64, 65535)) {
            receiver.setReceiveBufferSize(64 << 20);
            receiver.setGenericReceiveOffload(true);
            AtomicLong received = new AtomicLong();
            Thread drainer = Thread.ofPlatform().name("drain").start(() -> {
                try {
                    while (true) {
                        int n = receiver.receive(drain);
                        for (int i = 0; i < n; i++) {
                            received.addAndGet(drain.datagramsIn(i));
                        }
                    }
                } catch (Exception closed) {
                    // done
                }
            });
            byte[] payload = new byte[PAYLOAD];
            measure("UDP send, one sendto per datagram", "", () -> {
                for (int i = 0; i < packetsPerRound; i++) {
                    sender.send(payload, 0, PAYLOAD, server);
                }
                return packetsPerRound;
            });
            for (int i = 0; i < BATCH; i++) {
                out.add(payload, 0, PAYLOAD, server);
            }
            measure("UDP send, sendmmsg of " + BATCH, "", () -> {
                for (int i = 0; i < packetsPerRound; i += BATCH) {
                    sender.send(out);
                }
                return packetsPerRound;
            });
            byte[] run = new byte[PAYLOAD * BATCH];
            gso.addSegments(run, 0, run.length, PAYLOAD, server);
            measure("UDP send, GSO run of " + BATCH + " in one sendmmsg slot", "receiver has UDP_GRO", () -> {
                for (int i = 0; i < packetsPerRound; i += BATCH) {
                    sender.send(gso);
                }
                return packetsPerRound;
            });
            receiver.setGenericReceiveOffload(false);
            measure("UDP send, GSO run of " + BATCH + " in one sendmmsg slot", "receiver without GRO: kernel cuts on delivery", () -> {
                for (int i = 0; i < packetsPerRound; i += BATCH) {
                    sender.send(gso);
                }
                return packetsPerRound;
            });
            Thread.sleep(200);
            receiver.close();
            drainer.join();
        }
    }

    private void udpSendDropped(NetworkNamespace netnsA) throws Exception {
        SocketEndpoint dropped = SocketEndpoint.of("198.51.100.2", 4502);
        try (UdpSocket sender = netnsA.call(() -> UdpSocket.open(INET));
             DatagramBatch out = DatagramBatch.allocate(BATCH, 2048);
             DatagramBatch gso = DatagramBatch.allocate(1, 65535)) {
            byte[] payload = new byte[PAYLOAD];
            measure("UDP send, one sendto per datagram", "peer drops in PREROUTING", () -> {
                for (int i = 0; i < packetsPerRound; i++) {
                    sender.send(payload, 0, PAYLOAD, dropped);
                }
                return packetsPerRound;
            });
            for (int i = 0; i < BATCH; i++) {
                out.add(payload, 0, PAYLOAD, dropped);
            }
            measure("UDP send, sendmmsg of " + BATCH, "peer drops in PREROUTING", () -> {
                for (int i = 0; i < packetsPerRound; i += BATCH) {
                    sender.send(out);
                }
                return packetsPerRound;
            });
            byte[] run = new byte[PAYLOAD * BATCH];
            gso.addSegments(run, 0, run.length, PAYLOAD, dropped);
            measure("UDP send, GSO run of " + BATCH + " in one sendmmsg slot", "peer drops in PREROUTING", () -> {
                for (int i = 0; i < packetsPerRound; i += BATCH) {
                    sender.send(gso);
                }
                return packetsPerRound;
            });
        }
    }

    private void udpReceive(NetworkNamespace netnsA, NetworkNamespace netnsB) throws Exception {
        SocketEndpoint server = SocketEndpoint.of("198.51.100.2", 4501);
        try (UdpSocket receiver = netnsB.call(() -> UdpSocket.openBound(server));
             UdpSocket sender = netnsA.call(() -> UdpSocket.open(INET));
             DatagramBatch out = DatagramBatch.allocate(BATCH, 2048);
             DatagramBatch in = DatagramBatch.allocate(BATCH, 2048);
             DatagramBatch gso = DatagramBatch.allocate(BATCH, 65535);
             DatagramBatch inGro = DatagramBatch.allocate(BATCH, 65535)) {
            receiver.setReceiveBufferSize(256 << 20);
            receiver.setReceivePacketInfo(true);
            byte[] payload = new byte[PAYLOAD];
            byte[] buf = new byte[2048];
            measure("UDP receive, one recvfrom per datagram", "queue pre-filled", () -> {
                fill(sender, out, payload, server, packetsPerRound);
                awaitQueued(receiver);
                Stopwatch watch = Stopwatch.start();
                int n = 0;
                for (int i = 0; i < packetsPerRound; i++) {
                    receiver.receive(buf, 0, buf.length);
                    n++;
                }
                return watch.stop(n);
            });
            measure("UDP receive, recvmmsg into " + BATCH + " (with pktinfo)", "queue pre-filled", () -> {
                fill(sender, out, payload, server, packetsPerRound);
                awaitQueued(receiver);
                Stopwatch watch = Stopwatch.start();
                int n = 0;
                while (n < packetsPerRound) {
                    n += receiver.receive(in);
                }
                return watch.stop(n);
            });
            receiver.setGenericReceiveOffload(true);
            byte[] run = new byte[PAYLOAD * BATCH];
            measure("UDP receive, recvmmsg with GRO (runs of " + BATCH + ")", "queue pre-filled by GSO sends", () -> {
                gso.clear();
                for (int i = 0; i < packetsPerRound / BATCH; i++) {
                    if (!gso.addSegments(run, 0, run.length, PAYLOAD, server)) {
                        sender.send(gso);
                        gso.clear();
                        gso.addSegments(run, 0, run.length, PAYLOAD, server);
                    }
                }
                sender.send(gso);
                awaitQueued(receiver);
                Stopwatch watch = Stopwatch.start();
                int n = 0;
                while (n < packetsPerRound) {
                    int slots = receiver.receive(inGro);
                    for (int i = 0; i < slots; i++) {
                        n += inGro.datagramsIn(i);
                    }
                }
                return watch.stop(n);
            });
        }
    }

    /** Sends {@code count} datagrams with sendmmsg batches (not timed). */
    private static void fill(UdpSocket sender, DatagramBatch out, byte[] payload, SocketEndpoint to, int count)
            throws Exception {
        out.clear();
        for (int i = 0; i < BATCH; i++) {
            out.add(payload, 0, payload.length, to);
        }
        for (int i = 0; i < count; i += BATCH) {
            sender.send(out);
        }
    }

    private static void awaitQueued(UdpSocket receiver) throws InterruptedException {
        Thread.sleep(20); // veth delivers in the sender's softirq; this only lets stragglers land
    }

    // ---- measuring ----

    /** Wall-clock and this thread's CPU time (user + system, so the syscalls' kernel work counts). */
    private record Stopwatch(long wallStart, long cpuStart) {
        static Stopwatch start() {
            return new Stopwatch(System.nanoTime(), THREADS.getCurrentThreadCpuTime());
        }

        Timed stop(int packets) {
            return new Timed(packets, System.nanoTime() - wallStart, THREADS.getCurrentThreadCpuTime() - cpuStart);
        }
    }

    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

    private record Timed(int packets, long wallNanos, long cpuNanos) {
    }

    @FunctionalInterface
    private interface UntimedRound {
        /** Runs one round; returns packets, or a {@link Timed} when it times itself. */
        Object run() throws Exception;
    }

    private void measure(String name, String note, UntimedRound round) throws Exception {
        double[] cpu = new double[ROUNDS];
        double[] wall = new double[ROUNDS];
        for (int r = -WARMUP_ROUNDS; r < ROUNDS; r++) {
            Stopwatch watch = Stopwatch.start();
            Object outcome = round.run();
            Timed timed = outcome instanceof Timed t ? t : watch.stop((Integer) outcome);
            if (r >= 0) {
                cpu[r] = (double) timed.cpuNanos() / Math.max(1, timed.packets());
                wall[r] = (double) timed.wallNanos() / Math.max(1, timed.packets());
            }
        }
        Arrays.sort(cpu);
        Arrays.sort(wall);
        Result result = new Result(name, cpu[ROUNDS / 2], wall[ROUNDS / 2], note);
        results.add(result);
        System.err.println(format(result));
    }

    private static String format(Result result) {
        return String.format(Locale.ROOT, "  %-60s %7.0f %7.0f  %s", result.name(), result.cpuNanosPerPacket(),
                result.wallNanosPerPacket(), result.note());
    }

    private void print() {
        System.out.printf(Locale.ROOT, "%nipsec4j linux I/O: %d packets per round, median of %d rounds, %d-byte payloads%n",
                packetsPerRound, ROUNDS, PAYLOAD);
        System.out.printf(Locale.ROOT, "  %-60s %7s %7s%n", "ns per packet", "cpu", "wall");
        results.forEach(result -> System.out.println(format(result)));
    }
}
