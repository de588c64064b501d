package org.ipsec4j.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.ipsec4j.wire.frag.DropReason;
import org.ipsec4j.wire.frag.Fragmenter;
import org.ipsec4j.wire.frag.Ipv4Reassembler;
import org.ipsec4j.wire.frag.Ipv6Reassembler;
import org.ipsec4j.wire.frag.Reassembler;
import org.ipsec4j.wire.frag.Reassembler.Outcome;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Reassembling one datagram from pre-built fragments: every {@code accept} of its train, the last one
 * completing it. One operation is one datagram; divide by {@link FragmentationBenchmark#fragmentCount} for the
 * cost per fragment.
 *
 * <p>State does not grow: each invocation completes its datagram, which leaves the table. The invocations cycle
 * through {@value #TRAINS} trains with different identifications, so consecutive datagrams have different keys
 * (other hash buckets). After every iteration the reassembler must hold nothing, have dropped nothing, and have
 * completed exactly one datagram per invocation; otherwise the run fails.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ReassemblyBenchmark {

    static final int TRAINS = 8;

    @Param({"IPV4", "IPV6"})
    public String family;

    @Param({"1500", "1280"})
    public int mtu;

    @Param({"4000", "65535"})
    public int size;

    /** Arrival order of the fragments: by offset, or last fragment first. */
    @Param({"IN_ORDER", "REVERSED"})
    public String order;

    private byte[][][] trains;
    private Reassembler reassembler;
    private long nowNanos;
    private int next;
    private long invocations;
    private long completed;

    @Setup(Level.Trial)
    public void setUp() {
        boolean v6 = family.equals("IPV6");
        Fragmenter fragmenter = new Fragmenter();
        trains = new byte[TRAINS][][];
        for (int t = 0; t < TRAINS; t++) {
            int identification = 0x1000 + t;
            byte[] datagram = FragmentationBenchmark.datagram(family, size, identification);
            List<byte[]> fragments = new ArrayList<>(v6
                    ? fragmenter.fragmentIpv6(datagram, 0, datagram.length, mtu, identification)
                    : fragmenter.fragmentIpv4(datagram, 0, datagram.length, mtu));
            if (fragments.size() != FragmentationBenchmark.fragmentCount(family, size, mtu)) {
                throw new IllegalStateException("unexpected fragment count " + fragments.size());
            }
            if (order.equals("REVERSED")) {
                Collections.reverse(fragments);
            } else if (!order.equals("IN_ORDER")) {
                throw new IllegalArgumentException(order);
            }
            trains[t] = fragments.toArray(new byte[0][]);
            // The benchmark must reassemble exactly the datagram that was fragmented.
            Reassembler check = newReassembler();
            reassemble(check, trains[t], 0);
            if (!Arrays.equals(check.copyDatagram(), datagram)) {
                throw new IllegalStateException("reassembled datagram differs from the original");
            }
        }
        reassembler = newReassembler();
    }

    private Reassembler newReassembler() {
        return family.equals("IPV6") ? new Ipv6Reassembler() : new Ipv4Reassembler();
    }

    private static Outcome reassemble(Reassembler r, byte[][] train, long now) {
        Outcome last = null;
        for (byte[] fragment : train) {
            last = r.accept(fragment, 0, fragment.length, now);
        }
        return last;
    }

    @Setup(Level.Iteration)
    public void resetCounts() {
        invocations = 0;
        completed = reassembler.reassembledCount();
    }

    @TearDown(Level.Iteration)
    public void checkNothingLeftBehind() {
        long done = reassembler.reassembledCount() - completed;
        long dropped = 0;
        for (DropReason reason : DropReason.values()) {
            dropped += reassembler.dropCount(reason);
        }
        if (done != invocations || reassembler.pendingDatagrams() != 0 || reassembler.heldBytes() != 0
                || dropped != 0) {
            throw new IllegalStateException("reassembly state leaked: " + invocations + " invocations, " + done
                    + " completed, " + reassembler.pendingDatagrams() + " pending, " + reassembler.heldBytes()
                    + " bytes held, " + dropped + " dropped");
        }
    }

    @Benchmark
    public int reassemble() {
        invocations++;
        nowNanos += 1_000;
        Outcome last = reassemble(reassembler, trains[next++ & (TRAINS - 1)], nowNanos);
        return last.ordinal() + reassembler.datagramLength();
    }
}
