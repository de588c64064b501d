package org.ipsec4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.ipsec4j.lab.CommandResult;
import org.ipsec4j.lab.Lab;
import org.ipsec4j.lab.PacketCapture;
import org.ipsec4j.lab.junit.UsesLab;
import org.ipsec4j.wire.IpProtocol;
import org.ipsec4j.wire.Ipv4Packet;
import org.ipsec4j.wire.pcap.CaptureReader;
import org.ipsec4j.wire.pcap.CapturedPacket;
import org.ipsec4j.wire.pcap.NetworkPayload;
import org.ipsec4j.wire.pcap.NetworkProtocol;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * DSCP and ECN across the tunnel (seed 004: QoS; RFC 4301 §5.1.2.1, RFC 6040 normal mode). Pings marked EF,
 * ECT(0) and CE leave the left daemon in outer packets with the same DSCP and ECN, read from a capture of the
 * outer link, whether the kernel writes the outer header (ESP in UDP, raw ESP over IPv6: IP_TOS / IPV6_TCLASS
 * per packet) or the daemon does (raw ESP over IPv4, AH: IP_HDRINCL / IPV6_HDRINCL). In tunnel mode an
 * iptables TOS rule then marks the outer header CE on its way out, as a congested router would: the right daemon
 * hands the inner ECT(0) packets to its TUN device marked CE, and drops inner Not-ECT ones (RFC 6040 §4.2).
 */
@UsesLab
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class DscpEcnLabTest {

    static final int EF = 0xB8;
    static final int ECT0 = 0x02;
    static final int CE = 0x03;

    static Stream<TunnelLab.Setup> setups() {
        List<TunnelLab.Setup> all = new ArrayList<>();
        for (TunnelLab.Encapsulation encapsulation : TunnelLab.Encapsulation.values()) {
            for (TunnelLab.Outer outer : TunnelLab.Outer.values()) {
                all.add(new TunnelLab.Setup(outer, TunnelLab.Mode.TUNNEL, encapsulation));
            }
        }
        for (TunnelLab.Outer outer : TunnelLab.Outer.values()) {
            all.add(new TunnelLab.Setup(outer, TunnelLab.Mode.TRANSPORT, TunnelLab.Encapsulation.UDP));
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("setups")
    void dscpAndEcnSurviveTheTunnel(TunnelLab.Setup setup, Lab lab) {
        TunnelLab tunnel = new TunnelLab(lab);
        DaemonProcess[] pair = tunnel.startPair(setup);
        Path outerFile = tunnel.directory.resolve("outer.pcap");
        PacketCapture outer = tunnel.link.a().capture(outerFile, filter(setup));
        for (int tos : new int[] {EF, ECT0, CE}) {
            ping(tunnel, setup, pair, tos, true);
        }
        outer.stop();
        List<Integer> classes = OuterPackets.read(outerFile).from(setup.outer().left).stream()
                .filter(p -> p.spi() == TunnelLab.SPI_LEFT_TO_RIGHT).map(OuterPackets.OuterPacket::trafficClass)
                .toList();
        assertEquals(List.of(EF, EF, ECT0, ECT0, CE, CE), classes,
                "outer DSCP and ECN of the echo requests, in order (RFC 6040 normal mode copies CE too)");
        if (setup.mode() == TunnelLab.Mode.TUNNEL) {
            congestionOnTheOuterHeaderReachesTheInnerPacket(tunnel, setup, pair);
        }
    }

    /**
     * A TCP run marked EF and pings marked ECT(0) share the outbound batches and the UDP socket: the TCP
     * segments leave as UDP GSO runs, and a ping never joins one, since a run shares one IP_TOS.
     */
    @org.junit.jupiter.api.Test
    void udpSegmentationRunsNeverMixTrafficClasses(Lab lab) throws Exception {
        TunnelLab tunnel = new TunnelLab(lab);
        TunnelLab.Setup setup = new TunnelLab.Setup(TunnelLab.Outer.V4, TunnelLab.Mode.TUNNEL,
                TunnelLab.Encapsulation.UDP);
        DaemonProcess[] pair = tunnel.startPair(setup);
        Path outerFile = tunnel.directory.resolve("mixed.pcap");
        PacketCapture outer = tunnel.link.a().capture(outerFile, 128, "udp", "port", "4500");
        org.ipsec4j.lab.BackgroundProcess server = tunnel.right.start("iperf3", "-s", "-1", "--forceflush", "-B",
                TunnelLab.RIGHT_INNER);
        server.awaitStdoutLine("Server listening", java.time.Duration.ofSeconds(10));
        org.ipsec4j.lab.BackgroundProcess pings = tunnel.left.start("ping", "-n", "-c", "100", "-i", "0.02", "-s",
                "200", "-Q", "0x02", "-I", TunnelLab.LEFT_INNER, TunnelLab.RIGHT_INNER);
        CommandResult iperf = tunnel.left.exec(java.time.Duration.ofSeconds(20), "iperf3", "-c", TunnelLab.RIGHT_INNER,
                "-B", TunnelLab.LEFT_INNER, "-t", "3", "-b", "300M", "-S", "0xb8");
        assertTrue(iperf.succeeded(), () -> iperf.stdout() + iperf.stderr() + pair[0].stderr());
        assertEquals(0, pings.waitFor(java.time.Duration.ofSeconds(20)), () -> String.join("\n", pings.stdoutLines()));
        outer.stop();
        assertTrue(outer.tcpdumpOutput().lines().anyMatch("0 packets dropped by kernel"::equals), outer.tcpdumpOutput());

        // A ping's outer packet: IPv4 20 + UDP 8 + ESP 8 + IV 8 + (228 + 2 padded to 232) + ICV 16 = 292 bytes.
        int pingLength = 292;
        List<OuterPackets.OuterPacket> sent = OuterPackets.read(outerFile).from(setup.outer().left).stream()
                .filter(p -> p.spi() == TunnelLab.SPI_LEFT_TO_RIGHT).toList();
        // A reply means the request crossed the tunnel; under load the TUN queue may drop one before the daemon
        // sees it, so the replies, not the 100 sent, say how many went out. Each must have been a datagram of its
        // own: a ping that had joined an EF run would have arrived, and been answered, without one.
        long replies = pings.stdoutLines().stream().filter(l -> l.contains("bytes from")).count();
        long alone = sent.stream().filter(p -> p.trafficClass() == ECT0).count();
        assertTrue(replies >= 90 && alone >= replies, alone + " ECT(0) datagrams for " + replies + " replies");
        // iperf3 marks its data connection EF; its control connection stays unmarked (0).
        assertTrue(sent.stream().allMatch(p -> p.trafficClass() == ECT0 ? p.length() == pingLength
                : p.trafficClass() == EF || p.trafficClass() == 0), "ECT(0) only on lone ping datagrams");
        assertTrue(sent.stream().anyMatch(p -> p.trafficClass() == EF && p.length() > 1500),
                "the TCP data left as GSO runs");
    }

    private static void congestionOnTheOuterHeaderReachesTheInnerPacket(TunnelLab tunnel, TunnelLab.Setup setup,
            DaemonProcess[] pair) {
        String iptables = setup.outer() == TunnelLab.Outer.V4 ? "iptables" : "ip6tables";
        String protocol = switch (setup.encapsulation()) {
            case UDP -> "udp";
            case RAW -> "esp";
            case AH -> "ah";
        };
        CommandResult rule = tunnel.left.exec(iptables, "-t", "mangle", "-A", "POSTROUTING", "-o",
                tunnel.link.a().interfaceName(), "-p", protocol, "-j", "TOS", "--set-tos", "0x03/0x03");
        assertTrue(rule.succeeded(), rule.stderr());
        Path innerFile = tunnel.directory.resolve("inner.pcap");
        PacketCapture inner = tunnel.right.capture("ipsec4j0", innerFile, "icmp");
        ping(tunnel, setup, pair, ECT0, true);
        ping(tunnel, setup, pair, EF, false); // Not-ECT inside, CE outside: dropped
        inner.stop();

        List<Integer> delivered = echoRequestTos(innerFile);
        assertEquals(List.of(CE, CE), delivered, "inner ECT(0) leaves the tunnel CE; Not-ECT never arrives");
        Map<String, Object> sa = DaemonProcess.sa(pair[1].statusJson(), TunnelLab.SPI_LEFT_TO_RIGHT);
        assertEquals(Map.of("ecn-congestion-on-not-ect", 2L), sa.get("drops"), sa.toString());
    }

    /** The TOS of the ICMP echo requests in a capture of the TUN device (raw IPv4 packets). */
    private static List<Integer> echoRequestTos(Path file) {
        List<Integer> tos = new ArrayList<>();
        try (CaptureReader reader = CaptureReader.open(file)) {
            CapturedPacket packet;
            while ((packet = reader.next()) != null) {
                NetworkPayload network = packet.network();
                if (network.protocol() != NetworkProtocol.IPV4) {
                    continue;
                }
                Ipv4Packet ip = Ipv4Packet.parse(packet.data(), network.offset(), network.length());
                if (ip.protocol() == IpProtocol.ICMP && packet.data()[ip.payloadOffset()] == 8) {
                    tos.add(ip.typeOfService());
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return tos;
    }

    private static String[] filter(TunnelLab.Setup setup) {
        return switch (setup.encapsulation()) {
            case UDP -> new String[] {"udp", "port", "4500"};
            case RAW -> new String[] {"esp"};
            case AH -> new String[] {"ah"};
        };
    }

    private static void ping(TunnelLab tunnel, TunnelLab.Setup setup, DaemonProcess[] pair, int tos,
            boolean answered) {
        CommandResult ping = tunnel.left.exec("ping", "-n", "-c", "2", "-i", "0.2", "-W", "1", "-Q",
                "0x" + Integer.toHexString(tos), "-I", setup.leftInner(), setup.rightInner());
        if (answered) {
            assertTrue(ping.succeeded(), () -> "ping -Q 0x" + Integer.toHexString(tos) + " (" + setup + "):\n"
                    + ping.stdout() + ping.stderr() + "\nleft:\n" + pair[0].stderr() + "\nright:\n" + pair[1].stderr());
        } else {
            assertFalse(ping.succeeded(), ping.stdout());
        }
    }
}
