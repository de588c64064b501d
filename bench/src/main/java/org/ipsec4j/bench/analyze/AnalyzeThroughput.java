package org.ipsec4j.bench.analyze;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import org.ipsec4j.diag.analyze.AnalysisReport;
import org.ipsec4j.diag.analyze.CaptureAnalyzer;
import org.ipsec4j.ike.message.EncryptedPayload;
import org.ipsec4j.ike.message.ExchangeType;
import org.ipsec4j.ike.message.IkeHeader;
import org.ipsec4j.ike.message.MessageCodec;
import org.ipsec4j.ike.message.NoncePayload;
import org.ipsec4j.ike.message.Payload;
import org.ipsec4j.wire.BigEndian;
import org.ipsec4j.wire.Icmpv4Message;
import org.ipsec4j.wire.IpProtocol;
import org.ipsec4j.wire.Ipv4Packet;
import org.ipsec4j.wire.UdpDatagram;
import org.ipsec4j.wire.frag.Fragmenter;
import org.ipsec4j.wire.pcap.CaptureWriter;
import org.ipsec4j.wire.pcap.LinkType;
import org.ipsec4j.wire.pcap.TimestampPrecision;

/**
 * How fast {@code ipsec4j analyze} reads a capture, next to {@code tshark -r FILE -q} on the same file in the
 * same run. Not a JMH benchmark: one capture of a million packets or more is read from disk, as the command
 * reads it.
 *
 * <pre>
 * AnalyzeThroughput [--packets N] [--file PATH] [--keep] [--rounds R]   generate, then measure
 * AnalyzeThroughput --once FILE                                         one analysis in this JVM, cold (for scripts)
 * </pre>
 *
 * <p>The generated capture (Ethernet, classic pcap, microsecond stamps, as tcpdump writes) holds 64 tunnels
 * between documentation addresses, half raw ESP and half ESP in UDP, each with its IKE_SA_INIT and IKE_AUTH,
 * carrying a TCP-like mix of 1400-byte and 100-byte ESP packets both ways; and every 50,000 packets an
 * INFORMATIONAL exchange, every 20,000 a NAT keepalive, every 100,000 an IKE_AUTH in two IPv4 fragments and an
 * ICMP fragmentation-needed quoting an ESP packet. The analysis must find what the capture holds: the
 * measurement fails otherwise.
 */
public final class AnalyzeThroughput {

    private static final int TUNNELS = 64;
    private static final long T0 = 1_700_000_000_000_000_000L;

    private AnalyzeThroughput() {}

    public static void main(String[] args) throws Exception {
        long packets = 1_000_000;
        Path directory = null;
        boolean keep = false;
        int rounds = 3;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--packets" -> packets = Long.parseLong(args[++i]);
                case "--dir" -> directory = Path.of(args[++i]);
                case "--keep" -> keep = true;
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--once" -> {
                    once(Path.of(args[++i]));
                    return;
                }
                default -> {
                    System.err.println("usage: AnalyzeThroughput [--packets N] [--dir DIR] [--keep] [--rounds R]"
                            + " | --once FILE");
                    System.exit(2);
                }
            }
        }
        if (directory == null) {
            directory = Files.createTempDirectory("ipsec4j-analyze-bench-");
        }
        System.out.printf(Locale.ROOT, "%d CPUs, load average %s%n", Runtime.getRuntime().availableProcessors(),
                Files.readString(Path.of("/proc/loadavg")).strip());
        for (int snaplen : new int[] {65535, 128}) {
            Path file = directory.resolve("analyze-bench-" + packets + "-snap" + snaplen + ".pcap");
            long start = System.nanoTime();
            long written = generate(file, packets, snaplen);
            System.out.printf(Locale.ROOT, "%ncapture %s: %,d packets, %,d bytes (snapshot length %d), written in "
                    + "%.1f s%n", file, written, Files.size(file), snaplen, (System.nanoTime() - start) / 1e9);
            Timing quiet = timed(List.of("tshark", "-n", "-r", file.toString(), "-q"));
            Timing dissecting = timed(List.of("tshark", "-n", "-r", file.toString(), "-q", "-z", "io,stat,0"));
            String javaCommand = ProcessHandle.current().info().command().orElse("java");
            Timing cold = timed(List.of(javaCommand, "-cp", System.getProperty("java.class.path"),
                    AnalyzeThroughput.class.getName(), "--once", file.toString()));
            Timing small = timed(List.of(javaCommand, "-Xmx32m", "-cp", System.getProperty("java.class.path"),
                    AnalyzeThroughput.class.getName(), "--once", file.toString()));
            List<Timing> warm = new ArrayList<>();
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            for (int r = 0; r < rounds + 1; r++) {
                long t = System.nanoTime();
                long c = threads.getCurrentThreadCpuTime();
                AnalysisReport report = CaptureAnalyzer.analyze(file);
                Timing round = new Timing((System.nanoTime() - t) / 1e9, (threads.getCurrentThreadCpuTime() - c) / 1e9);
                check(report, written);
                if (r > 0) {
                    warm.add(round); // the first round warms the JIT up
                }
            }
            warm.sort(Comparator.comparingDouble(Timing::cpu));
            Timing best = warm.get(warm.size() / 2);
            row("tshark -r FILE -q", quiet, written, quiet);
            row("tshark -r FILE -q -z io,stat,0", dissecting, written, quiet);
            row("ipsec4j analyze, new JVM", cold, written, quiet);
            row("ipsec4j analyze, new JVM, -Xmx32m", small, written, quiet);
            row("ipsec4j analyze, warm JVM (median)", best, written, quiet);
            System.out.printf(Locale.ROOT, "  analyze vs tshark dissecting (CPU): new JVM %.1fx, warm %.1fx%n",
                    dissecting.cpu() / cold.cpu(), dissecting.cpu() / best.cpu());
            if (!keep) {
                Files.delete(file);
            }
        }
        if (!keep) {
            Files.deleteIfExists(directory);
        }
    }

    /** Wall-clock and CPU seconds (user + system of the process; of the analysing thread for warm rounds). */
    private record Timing(double wall, double cpu) {}

    private static void row(String what, Timing t, long packets, Timing tsharkQuiet) {
        System.out.printf(Locale.ROOT, "  %-38s wall %6.2f s  CPU %6.2f s  %,12.0f packets per CPU second  "
                + "(%.2fx tshark -q's CPU)%n", what, t.wall(), t.cpu(), packets / t.cpu(), tsharkQuiet.cpu() / t.cpu());
    }

    /** One cold analysis: what {@code ipsec4j analyze FILE} costs, JVM start-up included, timed by the caller. */
    private static void once(Path file) throws IOException {
        AnalysisReport report = CaptureAnalyzer.analyze(file);
        System.out.println(report.packets() + " packets, " + report.findings().size() + " findings");
    }

    /** Runs a command under /usr/bin/time and returns its wall-clock and CPU time. */
    private static Timing timed(List<String> command) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>(List.of("/usr/bin/time", "-f", "TIMING %e %U %S"));
        full.addAll(command);
        Process p = new ProcessBuilder(full).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String err = new String(p.getErrorStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException(command + " failed: " + err);
        }
        String line = err.lines().filter(l -> l.startsWith("TIMING ")).reduce((a, b) -> b).orElseThrow(
                () -> new IllegalStateException("no timing from " + command + ": " + err));
        String[] f = line.split(" ");
        return new Timing(Double.parseDouble(f[1]), Double.parseDouble(f[2]) + Double.parseDouble(f[3]));
    }

    /** The analysis saw every packet, every tunnel and what was planted. */
    private static void check(AnalysisReport r, long packets) {
        if (r.packets() != packets || r.malformedPackets() != 0 || r.ikeSaCount() != TUNNELS
                || r.espFlowCount() != 2L * TUNNELS
                || r.findings().stream().noneMatch(f -> f.id().equals("path-mtu-reported"))) {
            throw new IllegalStateException("unexpected analysis: " + r.packets() + " packets, " + r.malformedPackets()
                    + " malformed, " + r.ikeSaCount() + " IKE SAs, " + r.espFlowCount() + " ESP flows, findings "
                    + r.findings().stream().map(f -> f.id()).toList());
        }
    }

    // ---- the capture ----

    private record Tunnel(int left, int right, boolean udp, int spiOut, int spiIn, long spiI, long spiR) {}

    static long generate(Path file, long packets, int snaplen) throws IOException {
        List<Tunnel> tunnels = new ArrayList<>();
        for (int i = 0; i < TUNNELS; i++) {
            int left = Ipv4Packet.parseAddress("192.0.2.1") + i;
            int right = Ipv4Packet.parseAddress("198.51.100.1") + i;
            tunnels.add(new Tunnel(left, right, i % 2 == 0, 0xc0000000 | i << 8, 0xd0000000 | i << 8,
                    0x1000_0000_0000_0000L + i, 0x2000_0000_0000_0000L + i));
        }
        long[] seqOut = new long[TUNNELS];
        long[] seqIn = new long[TUNNELS];
        int[] ikeMessageIds = new int[TUNNELS];
        byte[] buf = new byte[65536];
        long written = 0;
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20);
             CaptureWriter w = CaptureWriter.pcap(out, LinkType.ETHERNET, snaplen, TimestampPrecision.MICROSECONDS)) {
            long time = T0;
            for (Tunnel t : tunnels) {
                for (byte[] ike : ikeSetup(t)) {
                    w.write(0, time += 10_000, ike);
                    written++;
                }
            }
            int ipId = 1;
            for (long n = written; n < packets; ) {
                int i = (int) (n % TUNNELS);
                Tunnel t = tunnels.get(i);
                time += 10_000;
                if (n % 100_000 == 50_000) {
                    for (byte[] f : fragmentedIkeAuth(t, ipId++)) {
                        w.write(0, time, f);
                        n++;
                        written++;
                    }
                    continue;
                }
                if (n % 50_000 == 25_000) {
                    int id = 2 + ikeMessageIds[i]++;
                    w.write(0, time, ike(t, ExchangeType.INFORMATIONAL, true, false, id, 80));
                    w.write(0, time + 1000, ike(t, ExchangeType.INFORMATIONAL, false, true, id, 80));
                    n += 2;
                    written += 2;
                    continue;
                }
                if (n % 20_000 == 10_000 && t.udp()) {
                    w.write(0, time, keepalive(t));
                    n++;
                    written++;
                    continue;
                }
                boolean outbound = (n / TUNNELS) % 3 != 2;
                int length = outbound ? 1400 : 100;
                int len = esp(buf, t, outbound, outbound ? ++seqOut[i] : ++seqIn[i], length, ipId++);
                w.write(0, time, buf, 0, len, len);
                n++;
                written++;
                if (n % 100_000 == 99_999) {
                    w.write(0, time + 100, tooBig(buf, len));
                    n++;
                    written++;
                }
            }
        }
        return written;
    }

    private static byte[] ethernet(byte[] ip, int len) {
        byte[] frame = new byte[14 + len];
        frame[0] = 2;
        frame[6] = 2;
        frame[11] = 1;
        BigEndian.put16(frame, 12, 0x0800);
        System.arraycopy(ip, 0, frame, 14, len);
        return frame;
    }

    /** An ESP packet (raw or in UDP) of {@code length} bytes on the wire, Ethernet framed, into {@code buf}. */
    private static int esp(byte[] buf, Tunnel t, boolean outbound, long seq, int length, int ipId) {
        int src = outbound ? t.left() : t.right();
        int dst = outbound ? t.right() : t.left();
        int ip = 14;
        buf[0] = 2;
        buf[6] = 2;
        BigEndian.put16(buf, 12, 0x0800);
        int esp;
        if (t.udp()) {
            esp = ip + 28;
            UdpDatagram.writeHeader(buf, ip + 20, 4500, 4500, length - 28);
            Ipv4Packet.writeHeader(buf, ip, 0, length, ipId & 0xFFFF, true, 64, IpProtocol.UDP, src, dst);
        } else {
            esp = ip + 20;
            Ipv4Packet.writeHeader(buf, ip, 0, length, ipId & 0xFFFF, true, 64, IpProtocol.ESP, src, dst);
        }
        BigEndian.put32(buf, esp, outbound ? t.spiOut() : t.spiIn());
        BigEndian.put32(buf, esp + 4, (int) seq);
        return 14 + length;
    }

    private static byte[] udp(int src, int dst, int sport, int dport, byte[] payload) {
        byte[] ip = new byte[28 + payload.length];
        System.arraycopy(payload, 0, ip, 28, payload.length);
        UdpDatagram.writeIpv4(ip, 0, src, dst, sport, dport, 64, 7, false, payload.length);
        return ethernet(ip, ip.length);
    }

    private static List<byte[]> ikeSetup(Tunnel t) {
        List<Payload> init = List.of(new NoncePayload(new byte[32]));
        byte[] request = MessageCodec.encode(IkeHeader.of(t.spiI(), 0, ExchangeType.IKE_SA_INIT, true, false, 0), init);
        byte[] response = MessageCodec.encode(IkeHeader.of(t.spiI(), t.spiR(), ExchangeType.IKE_SA_INIT, false, true, 0),
                init);
        return List.of(udp(t.left(), t.right(), 500, 500, request), udp(t.right(), t.left(), 500, 500, response),
                ike(t, ExchangeType.IKE_AUTH, true, false, 1, 300), ike(t, ExchangeType.IKE_AUTH, false, true, 1, 250));
    }

    private static byte[] ikeMessage(Tunnel t, ExchangeType type, boolean initiator, boolean response, int id, int body) {
        byte[] message = MessageCodec.encode(IkeHeader.of(t.spiI(), t.spiR(), type, initiator, response, id),
                List.of(new EncryptedPayload(0, new byte[body])));
        if (!t.udp()) {
            return message;
        }
        byte[] marked = new byte[4 + message.length];
        System.arraycopy(message, 0, marked, 4, message.length);
        return marked;
    }

    private static byte[] ike(Tunnel t, ExchangeType type, boolean initiator, boolean response, int id, int body) {
        int port = t.udp() ? 4500 : 500;
        byte[] payload = ikeMessage(t, type, initiator, response, id, body);
        return initiator ? udp(t.left(), t.right(), port, port, payload) : udp(t.right(), t.left(), port, port, payload);
    }

    private static List<byte[]> fragmentedIkeAuth(Tunnel t, int ipId) {
        byte[] frame = ike(t, ExchangeType.CREATE_CHILD_SA, true, false, 1000 + ipId, 2000);
        byte[] ip = java.util.Arrays.copyOfRange(frame, 14, frame.length);
        BigEndian.put16(ip, 4, ipId & 0xFFFF);
        Ipv4Packet.parse(ip, 0, ip.length).updateHeaderChecksum();
        List<byte[]> out = new ArrayList<>();
        for (byte[] fragment : new Fragmenter().fragmentIpv4(ip, 0, ip.length, 1500)) {
            out.add(ethernet(fragment, fragment.length));
        }
        return out;
    }

    private static byte[] keepalive(Tunnel t) {
        return udp(t.left(), t.right(), 4500, 4500, new byte[] {(byte) 0xFF});
    }

    /** A router's fragmentation-needed about the ESP packet in {@code frame[0, len)}. */
    private static byte[] tooBig(byte[] frame, int len) {
        byte[] out = new byte[600];
        Ipv4Packet original = Ipv4Packet.parse(java.util.Arrays.copyOfRange(frame, 14, len), 0, len - 14);
        int n = Icmpv4Message.writeFragmentationNeeded(out, 0, Ipv4Packet.parseAddress("203.0.113.254"), 1, 1280,
                original);
        return ethernet(out, n);
    }
}
