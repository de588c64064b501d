package org.ipsec4j.bench;

import java.util.concurrent.TimeUnit;

import org.ipsec4j.wire.InternetChecksum;
import org.ipsec4j.wire.Ipv4Packet;
import org.ipsec4j.wire.Ipv6Packet;
import org.ipsec4j.wire.TcpSegment;
import org.ipsec4j.wire.UdpDatagram;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The Internet checksum (RFC 1071) over buffers of common packet sizes, UDP checksum verification with the
 * pseudo header, and the TCP MSS clamp with its incremental checksum update (RFC 1624).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ChecksumBenchmark {

    /** A buffer of {@code size} random bytes: 20 (an IPv4 header), 64, 576, 1500 (Ethernet MTU), 9000 (jumbo). */
    @State(Scope.Thread)
    public static class Buffer {
        @Param({"20", "64", "576", "1500", "9000"})
        public int size;

        byte[] bytes;

        @Setup
        public void setUp() {
            bytes = new byte[size];
            SamplePackets.fillRandom(bytes, 0, size, 11);
        }
    }

    /** A 1400-byte UDP datagram (UDP length 1400) over IPv4 and over IPv6, views already wrapped. */
    @State(Scope.Thread)
    public static class Datagrams {
        final Ipv4Packet ipv4 = new Ipv4Packet();
        final Ipv6Packet ipv6 = new Ipv6Packet();
        final UdpDatagram udpOverIpv4 = new UdpDatagram();
        final UdpDatagram udpOverIpv6 = new UdpDatagram();

        @Setup
        public void setUp() {
            byte[] v4 = SamplePackets.ipv4Udp(20 + 1400, 1, false);
            byte[] v6 = SamplePackets.ipv6Udp(40 + 1400);
            udpOverIpv4.wrap(ipv4.wrap(v4, 0, v4.length));
            udpOverIpv6.wrap(ipv6.wrap(v6, 0, v6.length));
            if (udpOverIpv4.length() != 1400 || !udpOverIpv4.verifyChecksum(ipv4)
                    || udpOverIpv6.length() != 1400 || !udpOverIpv6.verifyChecksum(ipv6)) {
                throw new IllegalStateException("sample datagrams do not verify");
            }
        }
    }

    /**
     * A TCP SYN with MSS 1460 as its first option. Each invocation first puts back the received MSS and checksum
     * (four byte stores) so that every clamp has work to do.
     */
    @State(Scope.Thread)
    public static class Syn {
        static final int CLAMPED_MSS = 1360;

        byte[] packet;
        final Ipv4Packet ipv4 = new Ipv4Packet();
        final TcpSegment tcp = new TcpSegment();
        int mssValueOffset;
        int checksumOffset;
        byte mssHigh;
        byte mssLow;
        byte checksumHigh;
        byte checksumLow;

        @Setup
        public void setUp() {
            packet = SamplePackets.ipv4TcpSyn();
            tcp.wrap(ipv4.wrap(packet, 0, packet.length));
            mssValueOffset = tcp.mssOptionOffset() + 2;
            checksumOffset = tcp.offset() + 16;
            mssHigh = packet[mssValueOffset];
            mssLow = packet[mssValueOffset + 1];
            checksumHigh = packet[checksumOffset];
            checksumLow = packet[checksumOffset + 1];
            // The incremental update must agree with a full recompute.
            if (!tcp.clampMss(CLAMPED_MSS) || tcp.mss() != CLAMPED_MSS || !tcp.verifyChecksum(ipv4)) {
                throw new IllegalStateException("MSS clamp does not produce a valid segment");
            }
        }

        void restore() {
            packet[mssValueOffset] = mssHigh;
            packet[mssValueOffset + 1] = mssLow;
            packet[checksumOffset] = checksumHigh;
            packet[checksumOffset + 1] = checksumLow;
        }
    }

    /** Partial sum of {@code size} bytes; GB/s = size / (ns/op). */
    @Benchmark
    public int sum(Buffer b) {
        return InternetChecksum.sum(b.bytes, 0, b.size, 0);
    }

    /** Pseudo header plus 1400 bytes of UDP, folded and compared. */
    @Benchmark
    public boolean udpVerifyIpv4(Datagrams d) {
        return d.udpOverIpv4.verifyChecksum(d.ipv4);
    }

    /** The IPv6 pseudo header adds two 16-byte addresses. */
    @Benchmark
    public boolean udpVerifyIpv6(Datagrams d) {
        return d.udpOverIpv6.verifyChecksum(d.ipv6);
    }

    /** Lower MSS 1460 to 1360 in place and patch the checksum incrementally (after restoring the SYN). */
    @Benchmark
    public int tcpMssClamp(Syn s) {
        s.restore();
        boolean changed = s.tcp.clampMss(Syn.CLAMPED_MSS);
        return changed ? s.tcp.checksum() : -1;
    }
}
