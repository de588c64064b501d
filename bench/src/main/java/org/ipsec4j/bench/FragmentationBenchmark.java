package org.ipsec4j.bench;

import java.util.concurrent.TimeUnit;

import org.ipsec4j.wire.frag.FragmentSink;
import org.ipsec4j.wire.frag.Fragmenter;
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
 * Fragmenting one UDP datagram of {@code size} bytes (total length, header included) to {@code mtu} into a sink,
 * as the gateway does before sending an oversized packet. One operation is one datagram; divide by
 * {@link #fragmentCount} for the cost per fragment.
 *
 * <p>The sink stands in for a socket send: it adds up the lengths and reads the last byte of each fragment, so
 * every fragment is built but nothing is copied again.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FragmentationBenchmark {

    @Param({"IPV4", "IPV6"})
    public String family;

    @Param({"1500", "1280"})
    public int mtu;

    /** 4000 bytes, and 65535: the largest datagram either header can describe without a jumbogram. */
    @Param({"4000", "65535"})
    public int size;

    private byte[] datagram;
    private boolean ipv6;
    private int identification;
    private final Fragmenter fragmenter = new Fragmenter();
    private final CountingSink sink = new CountingSink();

    /** Counts bytes and touches each fragment's last byte, standing in for a send. */
    static final class CountingSink implements FragmentSink {
        long bytes;
        int lastBytes;

        @Override
        public void fragment(byte[] buffer, int offset, int length, int index) {
            bytes += length;
            lastBytes ^= buffer[offset + length - 1];
        }
    }

    /** Fragments a {@code size}-byte datagram of {@code family} makes at {@code mtu} (RFC 791 §3.2, RFC 8200 §4.5). */
    static int fragmentCount(String family, int size, int mtu) {
        boolean v6 = family.equals("IPV6");
        int fragmentable = v6 ? size - 40 : size - 20;
        int perFragment = v6 ? (mtu - 40 - 8) & ~7 : (mtu - 20) & ~7;
        return (fragmentable + perFragment - 1) / perFragment;
    }

    static byte[] datagram(String family, int size, int identification) {
        return switch (family) {
            case "IPV4" -> SamplePackets.ipv4Udp(size, identification, false);
            case "IPV6" -> SamplePackets.ipv6Udp(size);
            default -> throw new IllegalArgumentException(family);
        };
    }

    @Setup
    public void setUp() {
        ipv6 = family.equals("IPV6");
        datagram = datagram(family, size, 1);
        int expected = fragmentCount(family, size, mtu);
        int n = fragmentOnce();
        if (n != expected) {
            throw new IllegalStateException("expected " + expected + " fragments, got " + n);
        }
    }

    private int fragmentOnce() {
        return ipv6
                ? fragmenter.fragmentIpv6(datagram, 0, datagram.length, mtu, identification++, sink)
                : fragmenter.fragmentIpv4(datagram, 0, datagram.length, mtu, sink);
    }

    @Benchmark
    public long fragment() {
        return fragmentOnce() + sink.bytes + sink.lastBytes;
    }
}
