package org.ipsec4j.daemon.loop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.ipsec4j.linux.VirtioNetHeader;
import org.ipsec4j.wire.InternetChecksum;
import org.ipsec4j.wire.Ipv4Packet;
import org.ipsec4j.wire.Ipv6Packet;
import org.ipsec4j.wire.TcpSegment;
import org.junit.jupiter.api.Test;

/** TCP segmentation of TUN super-packets (outbound) and their joining again before the TUN write (inbound). */
class TcpOffloadTest {

    static final int OFF = 64;

    /** A TCP packet (IPv4 or IPv6) with a timestamp option and a counting payload, checksums correct. */
    static int tcpPacket(byte[] b, int off, boolean ipv6, int sequence, int flags, int payload, int firstByte) {
        int ip = ipv6 ? 40 : 20;
        int tcpHeader = 32;
        int total = ip + tcpHeader + payload;
        if (ipv6) {
            byte[] src = Ipv6Packet.parseAddress("2001:db8::1");
            byte[] dst = Ipv6Packet.parseAddress("2001:db8::2");
            Ipv6Packet.writeHeader(b, off, 0, 0x12345, total - 40, TcpSegmenter.TCP, 64, src, 0, dst, 0);
        } else {
            Ipv4Packet.writeHeader(b, off, 0, total, 0x100, true, 64, TcpSegmenter.TCP,
                    Ipv4Packet.parseAddress("10.0.1.1"), Ipv4Packet.parseAddress("10.0.2.1"));
        }
        int t = off + ip;
        TcpSegmenter.put16(b, t, 40000);
        TcpSegmenter.put16(b, t + 2, 5201);
        TcpSegmenter.put32(b, t + 4, sequence);
        TcpSegmenter.put32(b, t + 8, 0x01020304);
        b[t + 12] = (byte) (tcpHeader / 4 << 4);
        b[t + 13] = (byte) flags;
        TcpSegmenter.put16(b, t + 14, 502);
        TcpSegmenter.put16(b, t + 16, 0);
        TcpSegmenter.put16(b, t + 18, 0);
        b[t + 20] = 1;
        b[t + 21] = 1;
        b[t + 22] = 8; // timestamps
        b[t + 23] = 10;
        TcpSegmenter.put32(b, t + 24, 0x11111111);
        TcpSegmenter.put32(b, t + 28, 0x22222222);
        for (int i = 0; i < payload; i++) {
            b[t + tcpHeader + i] = (byte) (firstByte + i);
        }
        int pseudo = ipv6 ? InternetChecksum.pseudoHeaderSumV6(b, off + 8, off + 24, TcpSegmenter.TCP, total - ip)
                : InternetChecksum.pseudoHeaderSumV4(b, off + 12, off + 16, TcpSegmenter.TCP, total - ip);
        TcpSegmenter.put16(b, t + 16, InternetChecksum.fold(InternetChecksum.sum(b, t, total - ip, pseudo)));
        return total;
    }

    static void assertValidTcp(byte[] b, int off, int len, boolean ipv6) {
        if (ipv6) {
            Ipv6Packet ip = Ipv6Packet.parse(b, off, len);
            assertTrue(new TcpSegment().wrap(ip).verifyChecksum(ip), "TCP checksum");
        } else {
            Ipv4Packet ip = Ipv4Packet.parse(b, off, len);
            assertTrue(ip.headerChecksumValid(), "IPv4 header checksum");
            assertTrue(new TcpSegment().wrap(ip).verifyChecksum(ip), "TCP checksum");
        }
    }

    @Test
    void cutsASuperPacketAsTheKernelWould() {
        byte[] packet = new byte[70_000];
        int len = tcpPacket(packet, 0, false, 1000, TcpSegment.ACK | TcpSegment.PSH | TcpSegment.FIN, 5000, 0);
        List<byte[]> segments = new ArrayList<>();
        byte[] out = new byte[4096];
        int n = TcpSegmenter.segment(packet, 0, len, 20, 1400, out, OFF,
                (b, off, l) -> segments.add(Arrays.copyOfRange(b, off, off + l)));
        assertEquals(4, n);
        for (int i = 0; i < 4; i++) {
            byte[] s = segments.get(i);
            assertValidTcp(s, 0, s.length, false);
            TcpSegment tcp = TcpSegment.parse(s, 20, s.length - 20);
            assertEquals(i < 3 ? 1400 : 800, tcp.payloadLength());
            assertEquals(1000 + 1400 * i, tcp.sequenceNumber());
            assertEquals(0x100 + i, TcpSegmenter.get16(s, 4), "identification");
            assertEquals(i == 3, tcp.fin(), "FIN on the last only");
            assertEquals(i == 3, tcp.psh(), "PSH on the last only");
            assertEquals((byte) (1400 * i), s[52], "payload continues where the last segment ended");
        }
    }

    @Test
    void completesAPartialChecksum() {
        byte[] packet = new byte[2000];
        int len = tcpPacket(packet, 0, true, 7, TcpSegment.ACK, 300, 5);
        int good = TcpSegmenter.get16(packet, 40 + 16);
        // What the kernel hands over with NEEDS_CSUM: the pseudo-header sum in the field.
        TcpSegmenter.put16(packet, 40 + 16, InternetChecksum.pseudoHeaderSumV6(packet, 8, 24, TcpSegmenter.TCP,
                len - 40));
        assertTrue(TcpSegmenter.completeChecksum(packet, 0, len, 40, 16));
        assertEquals(good, TcpSegmenter.get16(packet, 40 + 16));
    }

    /** Segments joined again give one GSO write that cuts back into the same segments. */
    @Property(tries = 200)
    void segmentsJoinIntoOneSuperPacket(@ForAll boolean ipv6, @ForAll @IntRange(min = 1, max = 30_000) int payload,
            @ForAll @IntRange(min = 500, max = 1400) int mss) throws Exception {
        byte[] packet = new byte[70_000];
        int len = tcpPacket(packet, 0, ipv6, 123_456, TcpSegment.ACK, payload, 3);
        int tcpOffset = ipv6 ? 40 : 20;
        List<byte[]> segments = new ArrayList<>();
        TcpSegmenter.segment(packet, 0, len, tcpOffset, mss, new byte[4096], OFF,
                (b, off, l) -> segments.add(Arrays.copyOfRange(b, off, off + l)));
        List<byte[]> writes = new ArrayList<>();
        TcpCoalescer coalescer = new TcpCoalescer((b, off, l) -> writes.add(Arrays.copyOfRange(b, off, off + l)));
        byte[] slot = new byte[4096];
        for (byte[] s : segments) {
            System.arraycopy(s, 0, slot, OFF, s.length);
            assertValidTcp(slot, OFF, s.length, ipv6);
            coalescer.add(slot, OFF, s.length);
        }
        coalescer.flush();
        assertEquals(1, writes.size(), "one write for " + segments.size() + " segments");
        byte[] write = writes.getFirst();
        int packetLength = write.length - VirtioNetHeader.LENGTH;
        assertEquals(len, packetLength);
        if (segments.size() == 1) {
            assertEquals(VirtioNetHeader.GSO_NONE, VirtioNetHeader.gsoType(write, 0));
            assertArrayEquals(segments.getFirst(), Arrays.copyOfRange(write, VirtioNetHeader.LENGTH, write.length));
            return;
        }
        assertEquals(ipv6 ? VirtioNetHeader.GSO_TCPV6 : VirtioNetHeader.GSO_TCPV4, VirtioNetHeader.gsoType(write, 0));
        assertEquals(mss, VirtioNetHeader.gsoSize(write, 0));
        assertEquals(tcpOffset, VirtioNetHeader.checksumStart(write, 0));
        assertEquals(16, VirtioNetHeader.checksumOffset(write, 0));
        // The payload is the original's, byte for byte.
        assertArrayEquals(Arrays.copyOfRange(packet, tcpOffset + 32, len),
                Arrays.copyOfRange(write, VirtioNetHeader.LENGTH + tcpOffset + 32, write.length));
        // Cut again as the kernel would: the same segments (the segmenter recomputes every checksum).
        List<byte[]> again = new ArrayList<>();
        TcpSegmenter.segment(write, VirtioNetHeader.LENGTH, packetLength, tcpOffset, mss, new byte[4096], OFF,
                (b, off, l) -> again.add(Arrays.copyOfRange(b, off, off + l)));
        assertEquals(segments.size(), again.size());
        for (int i = 0; i < segments.size(); i++) {
            assertArrayEquals(segments.get(i), again.get(i), "segment " + i);
        }
    }

    @Test
    void aGapOrAnotherFlowEndsTheRun() throws Exception {
        List<byte[]> writes = new ArrayList<>();
        TcpCoalescer coalescer = new TcpCoalescer((b, off, l) -> writes.add(Arrays.copyOfRange(b, off, off + l)));
        byte[] slot = new byte[4096];
        int len = tcpPacket(slot, OFF, false, 1000, TcpSegment.ACK, 100, 0);
        coalescer.add(slot, OFF, len);
        len = tcpPacket(slot, OFF, false, 1100, TcpSegment.ACK, 100, 0);
        coalescer.add(slot, OFF, len);
        len = tcpPacket(slot, OFF, false, 1300, TcpSegment.ACK, 100, 0); // 1200..1299 missing
        coalescer.add(slot, OFF, len);
        len = tcpPacket(slot, OFF, false, 1400, TcpSegment.ACK | TcpSegment.SYN, 0, 0); // not joinable
        coalescer.add(slot, OFF, len);
        coalescer.flush();
        assertEquals(3, writes.size());
        assertEquals(VirtioNetHeader.GSO_TCPV4, VirtioNetHeader.gsoType(writes.get(0), 0));
        assertEquals(10 + 20 + 32 + 200, writes.get(0).length);
        assertEquals(VirtioNetHeader.GSO_NONE, VirtioNetHeader.gsoType(writes.get(1), 0));
        assertEquals(VirtioNetHeader.GSO_NONE, VirtioNetHeader.gsoType(writes.get(2), 0));
        assertEquals(4, coalescer.writes() + 1); // 3 writes, 4 packets
        assertEquals(2, coalescer.joinedSegments());
    }
}
