package org.ipsec4j.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.ipsec4j.lab.junit.UsesLab;
import org.ipsec4j.wire.Icmpv4Message;
import org.ipsec4j.wire.Icmpv6Message;
import org.ipsec4j.wire.IpProtocol;
import org.ipsec4j.wire.Ipv4Packet;
import org.ipsec4j.wire.Ipv6Packet;
import org.ipsec4j.wire.UdpDatagram;
import org.ipsec4j.wire.pcap.CaptureReader;
import org.ipsec4j.wire.pcap.CapturedPacket;
import org.ipsec4j.wire.pcap.NetworkPayload;
import org.ipsec4j.wire.pcap.NetworkProtocol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo capture: what {@link HostilePathCapture} records now, and the copy the project ships in
 * {@code captures/}, both hold every event the generator promises.
 */
@UsesLab
class HostilePathCaptureTest {

    private static final Path SHIPPED = Path.of("..", "captures", "hostile-path.pcapng");

    /** What was seen, as short strings per event kind, from both interfaces of the router. */
    private record Events(List<String> fragmentationNeeded, List<String> packetTooBig, List<String> ipv6Fragments,
                          List<String> reassemblyTimeExceeded, List<String> portUnreachable) {

        static Events read(Path capture) throws IOException {
            Events events = new Events(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>(),
                    new ArrayList<>());
            Ipv4Packet v4 = new Ipv4Packet();
            Ipv6Packet v6 = new Ipv6Packet();
            Ipv4Packet quoted4 = new Ipv4Packet();
            Icmpv4Message icmp4 = new Icmpv4Message();
            Icmpv6Message icmp6 = new Icmpv6Message();
            UdpDatagram udp = new UdpDatagram();
            try (CaptureReader reader = CaptureReader.open(capture)) {
                CapturedPacket packet;
                while ((packet = reader.next()) != null) {
                    NetworkPayload network = packet.network();
                    byte[] data = packet.data();
                    if (network.protocol() == NetworkProtocol.IPV4) {
                        v4.wrap(data, network.offset(), network.length());
                        if (v4.protocol() != IpProtocol.ICMP || v4.isFragment()) {
                            continue;
                        }
                        icmp4.wrap(v4);
                        if (icmp4.isFragmentationNeeded()) {
                            events.fragmentationNeeded.add("mtu " + icmp4.nextHopMtu());
                        } else if (icmp4.type() == Icmpv4Message.TYPE_DESTINATION_UNREACHABLE
                                && icmp4.code() == Icmpv4Message.CODE_PORT_UNREACHABLE) {
                            icmp4.quotedPacket(quoted4);
                            udp.wrapQuoted(data, quoted4.payloadOffset(), data.length - quoted4.payloadOffset());
                            events.portUnreachable.add("udp " + udp.destinationPort());
                        }
                    } else if (network.protocol() == NetworkProtocol.IPV6) {
                        v6.wrap(data, network.offset(), network.length());
                        if (v6.fragmentHeaderOffset() >= 0) {
                            events.ipv6Fragments.add(v6.fragmentOffset() + (v6.moreFragments() ? " M" : ""));
                        } else if (v6.upperLayerProtocol() == IpProtocol.ICMPV6) {
                            icmp6.wrap(v6);
                            if (icmp6.type() == Icmpv6Message.TYPE_PACKET_TOO_BIG) {
                                events.packetTooBig.add("mtu " + icmp6.mtu());
                            } else if (icmp6.type() == Icmpv6Message.TYPE_TIME_EXCEEDED && icmp6.code() == 1) {
                                events.reassemblyTimeExceeded.add("reassembly");
                            }
                        }
                    }
                }
            }
            return events;
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void generatorRecordsEveryEvent(Lab lab, @TempDir Path tmp) throws IOException {
        Path capture = tmp.resolve("hostile-path.pcapng");
        HostilePathCapture.record(lab, capture);
        assertHoldsEveryEvent(Events.read(capture));
    }

    /** Needs no lab, but lives here next to the generator's own test: the file must be what it records. */
    @Test
    void shippedCaptureHoldsEveryEvent() throws IOException {
        assertTrue(SHIPPED.toFile().isFile(), "missing " + SHIPPED.toAbsolutePath());
        assertHoldsEveryEvent(Events.read(SHIPPED));
    }

    /** Each event is seen once on each of the router's interfaces it crosses. */
    private static void assertHoldsEveryEvent(Events events) {
        assertEquals(List.of("mtu 1280"), events.fragmentationNeeded(), events::toString);
        assertEquals(List.of("mtu 1280"), events.packetTooBig(), events::toString);
        // seed 000: 0|1232 with M set, then 1232|376; seen on both sides of the router
        assertEquals(List.of("0 M", "0 M", "1232", "1232"), events.ipv6Fragments(), events::toString);
        assertEquals(List.of("reassembly", "reassembly"), events.reassemblyTimeExceeded(), events::toString);
        assertEquals(List.of("udp 4500", "udp 4500", "udp 500", "udp 500"), events.portUnreachable(), events::toString);
    }
}
