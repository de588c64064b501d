package org.ipsec4j.lab;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.ipsec4j.lab.traffic.UdpSender;
import org.ipsec4j.lab.traffic.UdpSink;
import org.ipsec4j.wire.pcap.CaptureReader;
import org.ipsec4j.wire.pcap.CaptureWriter;
import org.ipsec4j.wire.pcap.CapturedPacket;
import org.ipsec4j.wire.pcap.LinkType;

/**
 * Records the capture that ipsec4j ships as its demo ({@code captures/hostile-path.pcapng}): the failures
 * of the seed documents, without any IPsec, on a small lab network.
 *
 * <pre>
 *   a --------------- r --------------- b
 *      MTU 1500            MTU 1280
 *                                       ip6tables: accept ICMPv6, UDP 500, UDP 4500; REJECT the rest
 * </pre>
 *
 * <p>Captured on both of r's interfaces and merged into one pcapng with two interfaces:
 * <ol>
 *   <li>a pings b with 1400 bytes and DF over IPv4: r answers "fragmentation needed, MTU 1280" (RFC 1191);</li>
 *   <li>the same over IPv6: r answers "packet too big, MTU 1280" (RFC 4443), and a learns the path MTU;</li>
 *   <li>a sends a 1600-byte UDP datagram to b's port 4500 over IPv6: it leaves as fragments 0|1232 and
 *       1232|376, b's stateless firewall lets the first in and rejects the second, and b finally reports
 *       "fragment reassembly time exceeded" (seed 000);</li>
 *   <li>a sends a 3000-byte UDP datagram to b's closed IPv4 port 4500: a fragments it to the 1280 it learnt,
 *       b reassembles it and answers "port unreachable";</li>
 *   <li>a sends a datagram to a closed IPv4 port 500 on b: b answers "port unreachable", quoting it.</li>
 *
 * <p>The UDP payloads look like IKEv2 IKE_AUTH requests (with the non-ESP marker on port 4500), as in
 * seed 000, so decoders show what real IKE of that size would do.
 * </ol>
 *
 * <p>Usage: {@code HostilePathCapture OUTPUT.pcapng} (as root).
 */
public final class HostilePathCapture {

    private static final String A4 = "198.51.100.10";
    private static final String R4_A = "198.51.100.1";
    private static final String R4_B = "203.0.113.1";
    private static final String B4 = "203.0.113.20";
    private static final String A6 = "2001:db8:a::10";
    private static final String R6_A = "2001:db8:a::1";
    private static final String R6_B = "2001:db8:b::1";
    private static final String B6 = "2001:db8:b::20";

    private HostilePathCapture() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: HostilePathCapture OUTPUT.pcapng");
            System.exit(2);
        }
        Lab.requireRoot();
        Path output = Path.of(args[0]);
        try (Lab lab = Lab.create()) {
            record(lab, output);
        }
        System.err.println("wrote " + output);
    }

    static void record(Lab lab, Path output) throws IOException {
        Namespace a = lab.host("a");
        Namespace r = lab.router("r");
        Namespace b = lab.host("b");
        Link ar = lab.link(a, r, 1500);
        Link rb = lab.link(r, b, 1280);
        ar.a().addAddress(A4 + "/24").addAddress(A6 + "/64");
        ar.b().addAddress(R4_A + "/24").addAddress(R6_A + "/64");
        rb.a().addAddress(R4_B + "/24").addAddress(R6_B + "/64");
        rb.b().addAddress(B4 + "/24").addAddress(B6 + "/64");
        a.setDefaultRoute(R4_A);
        a.setDefaultRoute(R6_A);
        b.setDefaultRoute(R4_B);
        b.setDefaultRoute(R6_B);

        Firewall input = b.firewall(IpVersion.V6);
        input.append("INPUT", "-p", "ipv6-icmp", "-j", "ACCEPT");
        input.append("INPUT", "-p", "udp", "--dport", "500", "-j", "ACCEPT");
        input.append("INPUT", "-p", "udp", "--dport", "4500", "-j", "ACCEPT");
        input.append("INPUT", "-j", "REJECT", "--reject-with", "icmp6-port-unreachable");
        b.sysctl("net.ipv6.ip6frag_time=1");

        Path dir = Files.createTempDirectory("ipsec4j-capture");
        PacketCapture sideA = ar.b().capture(dir.resolve("r-a.pcap"));
        PacketCapture sideB = rb.a().capture(dir.resolve("r-b.pcap"));
        try {
            // Neighbour discovery and ARP first, so the interesting packets are not interleaved with them.
            a.ping(B4, "-c", "1", "-W", "2").orThrow();
            a.ping(B6, "-c", "1", "-W", "2").orThrow();

            a.ping(B4, "-c", "1", "-W", "1", "-M", "do", "-s", "1400");
            a.ping(B6, "-c", "1", "-W", "1", "-M", "do", "-s", "1400");

            BackgroundProcess sink = b.startJava(UdpSink.class, B6, "4500", "2500", "1");
            sink.awaitStderrLine("listening on", Duration.ofSeconds(10));
            a.runJava(Duration.ofSeconds(20), UdpSender.class, B6, "4500", "1600", "4500", "ike").orThrow();
            sink.waitFor(Duration.ofSeconds(10));

            a.runJava(Duration.ofSeconds(20), UdpSender.class, B4, "4500", "3000", "4500", "ike").orThrow();
            a.runJava(Duration.ofSeconds(20), UdpSender.class, B4, "500", "300", "500", "ike").orThrow();
            Thread.sleep(300);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } finally {
            sideA.stop();
            sideB.stop();
        }
        merge(output, List.of(new Side("r-eth0 (towards a)", sideA.file()), new Side("r-eth1 (towards b)", sideB.file())));
        Files.delete(sideA.file());
        Files.delete(sideB.file());
        Files.delete(dir);
    }

    private record Side(String name, Path pcap) {
    }

    /** Merges single-interface captures into one pcapng, one interface each, in timestamp order. */
    private static void merge(Path output, List<Side> sides) throws IOException {
        record Stamped(int interfaceId, CapturedPacket packet) {
        }
        List<Stamped> packets = new ArrayList<>();
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(output));
             CaptureWriter writer = CaptureWriter.pcapng(out)) {
            for (Side side : sides) {
                int id = writer.addInterface(LinkType.ETHERNET, side.name(), CaptureWriter.DEFAULT_SNAPLEN);
                try (CaptureReader reader = CaptureReader.open(side.pcap())) {
                    CapturedPacket packet;
                    while ((packet = reader.next()) != null) {
                        packets.add(new Stamped(id, packet));
                    }
                }
            }
            packets.sort(Comparator.comparingLong(s -> s.packet().timestampNanos()));
            for (Stamped s : packets) {
                byte[] data = s.packet().data();
                writer.write(s.interfaceId(), s.packet().timestampNanos(), data, 0, data.length,
                        Math.max(s.packet().originalLength(), data.length));
            }
        }
    }
}
