package org.ipsec4j.cli;

import static org.ipsec4j.cli.TestPackets.esp;
import static org.ipsec4j.cli.TestPackets.ike;
import static org.ipsec4j.cli.TestPackets.nonEspMarker;
import static org.ipsec4j.cli.TestPackets.udp4;
import static org.ipsec4j.cli.TestPackets.udp6;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.ipsec4j.wire.IpProtocol;
import org.ipsec4j.wire.frag.Fragmenter;
import org.ipsec4j.wire.pcap.CapturedPacket;
import org.ipsec4j.wire.pcap.LinkType;
import org.junit.jupiter.api.Test;

/**
 * Damaged packets: whatever the bytes, each packet gets exactly one line, and it is the parsers'
 * {@code [malformed ...]} or a decode, never an internal error. A seeded generator keeps failures reproducible.
 */
class CaptureSummaryRobustnessTest {

    private static final int ROUNDS = 30_000;

    static List<byte[]> samples() {
        List<byte[]> samples = new ArrayList<>(CaptureSummarizerTest.seed000Packets());
        byte[] ikeAuth = nonEspMarker(ike(1, 2, TestPackets.IKE_AUTH, TestPackets.FLAG_INITIATOR, 1, 996));
        byte[] datagram = udp4("192.0.2.1", "198.51.100.7", 4500, 4500, false, 0x1a2b, ikeAuth);
        List<byte[]> fragments = new Fragmenter().fragmentIpv4(datagram, 0, datagram.length, 576);
        samples.addAll(fragments);
        samples.add(TestPackets.icmpv4Error("198.51.100.7", 11, 1, 0, fragments.getFirst()));
        byte[] espInUdp = udp6("2001:db8::1", "2001:db8::2", 4500, 4500, esp(0xc0ffee01, 42, 1584));
        samples.add(TestPackets.icmpv6Error("2001:db8:ffff::1", 2, 0, 1280, espInUdp));
        samples.add(TestPackets.icmpv4ErrorQuoting("203.0.113.1", 3, 4, 1400,
                TestPackets.tcp4("192.0.2.1", "198.51.100.7", 40000, 443, 1, 0, 0x02, 1460, 0), 28));
        samples.add(TestPackets.tcp4("192.0.2.1", "198.51.100.7", 40000, 443, 1, 0, 0x02, 1460, 0));
        samples.add(TestPackets.neighborSolicitation("fe80::1", "ff02::1:ff00:2", "2001:db8::2", TestPackets.MAC_A));
        samples.add(TestPackets.ipv6("2001:db8::1", "2001:db8::2", IpProtocol.AH,
                TestPackets.ah(IpProtocol.ESP, 0x100, 5, esp(7, 8, 16))));
        byte[] udp = new byte[12];
        org.ipsec4j.wire.UdpDatagram.writeHeader(udp, 0, 53, 53, 4);
        samples.add(TestPackets.ipv4("192.0.2.1", "198.51.100.7", IpProtocol.AH, false,
                TestPackets.ah(IpProtocol.UDP, 0x100, 5, udp)));
        samples.add(udp4("192.0.2.1", "198.51.100.7", 4500, 4500, false, 1, new byte[] {(byte) 0xFF}));
        samples.add(TestPackets.echo4("192.0.2.1", "198.51.100.7", 8, 1, 2));
        return samples;
    }

    @Test
    void everyDamagedPacketGetsOneLineAndNoInternalError() {
        Random random = new Random(0x5efa507cL);
        List<byte[]> samples = samples();
        CaptureSummarizer summarizer = new CaptureSummarizer(InterfaceColumn.NONE);
        int malformed = 0;
        for (int i = 0; i < ROUNDS; i++) {
            byte[] original = samples.get(random.nextInt(samples.size()));
            byte[] damaged = damage(original, random);
            // Now and then the capture says the packet was longer on the wire (cut at a snapshot length).
            int originalLength = random.nextInt(8) == 0 ? damaged.length + random.nextInt(2000) : damaged.length;
            CapturedPacket packet = new CapturedPacket(i * 1_000L, LinkType.RAW, 0, originalLength, damaged);
            String line = summarizer.summarize(packet, "");
            assertFalse(line.contains("[internal error"), () -> line + "\n from " + Arrays.toString(damaged));
            assertFalse(line.contains("\n"), line);
            assertTrue(line.startsWith((i + 1) + " "), line);
            if (line.contains("[malformed: ")) {
                malformed++;
            }
        }
        assertTrue(malformed > ROUNDS / 20, "the damage reaches the parsers' checks: " + malformed);
        assertTrue(summarizer.totals().startsWith(ROUNDS + " packets, "), summarizer.totals());
    }

    private static byte[] damage(byte[] original, Random random) {
        byte[] damaged = original.clone();
        int changes = 1 + random.nextInt(4);
        for (int c = 0; c < changes; c++) {
            // Headers are where the parsers look: aim most changes at the first 64 bytes.
            int limit = random.nextBoolean() ? Math.min(64, damaged.length) : damaged.length;
            damaged[random.nextInt(limit)] = (byte) random.nextInt(256);
        }
        if (random.nextInt(4) == 0) {
            damaged = Arrays.copyOf(damaged, random.nextInt(damaged.length + 1));
        }
        return damaged;
    }

    @Test
    void undamagedSamplesDecodeWithoutComplaint() {
        CaptureSummarizer summarizer = new CaptureSummarizer(InterfaceColumn.NONE);
        for (byte[] sample : samples()) {
            String line = summarizer.summarize(new CapturedPacket(0, LinkType.RAW, 0, sample), "");
            assertFalse(line.contains("[malformed"), line);
            assertFalse(line.contains("[cut short"), line);
        }
        assertEquals(0, summarizer.totals().indexOf(samples().size() + " packets"));
    }
}
