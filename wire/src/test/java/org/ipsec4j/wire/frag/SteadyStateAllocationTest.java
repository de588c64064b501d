package org.ipsec4j.wire.frag;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.List;

import org.ipsec4j.wire.IpProtocol;
import org.ipsec4j.wire.frag.Reassembler.Outcome;
import org.ipsec4j.wire.frag.TestPackets.Extension;
import org.junit.jupiter.api.Test;

/**
 * DESIGN.md: no allocation of our own per packet on hot paths. Once the arena pages, pooled datagram state and the
 * output buffer exist, fragmenting and reassembling allocate nothing. Counts bytes, not time.
 */
class SteadyStateAllocationTest {

    private static final int ROUNDS = 2_000;

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    private static void reassembleAll(Reassembler reassembler, List<byte[]> fragments, long now) {
        Outcome last = null;
        for (int i = fragments.size() - 1; i >= 0; i--) {
            byte[] f = fragments.get(i);
            last = reassembler.accept(f, 0, f.length, now);
        }
        if (last != Outcome.COMPLETE) {
            throw new AssertionError("not completed: " + last);
        }
    }

    @Test
    void reassemblyAllocatesNothingOnceWarm() {
        byte[] v4 = TestPackets.ipv4(9000, TestPackets.options(TestPackets.ROUTER_ALERT), false, 1, 1);
        byte[] v6 = TestPackets.ipv6(9000, List.of(new Extension(IpProtocol.HOPOPT, 8)), IpProtocol.UDP, 2);
        Fragmenter fragmenter = new Fragmenter();
        List<byte[]> v4Fragments = fragmenter.fragmentIpv4(v4, 0, v4.length, 1500);
        List<byte[]> v6Fragments = fragmenter.fragmentIpv6(v6, 0, v6.length, 1280, 7);
        Ipv4Reassembler ipv4 = new Ipv4Reassembler();
        Ipv6Reassembler ipv6 = new Ipv6Reassembler();
        for (int i = 0; i < ROUNDS; i++) {
            reassembleAll(ipv4, v4Fragments, i);
            reassembleAll(ipv6, v6Fragments, i);
        }
        long before = allocatedBytes();
        for (int i = 0; i < ROUNDS; i++) {
            reassembleAll(ipv4, v4Fragments, i);
            reassembleAll(ipv6, v6Fragments, i);
        }
        long allocated = allocatedBytes() - before;
        assertTrue(allocated < 4096, "allocated " + allocated + " bytes in " + ROUNDS + " rounds");
        assertEquals(2L * 2 * ROUNDS, ipv4.reassembledCount() + ipv6.reassembledCount());
    }

    @Test
    void fragmentingIntoASinkAllocatesNothingOnceWarm() {
        byte[] v4 = TestPackets.ipv4(9000, TestPackets.options(TestPackets.ROUTER_ALERT), false, 1, 3);
        byte[] v6 = TestPackets.ipv6(9000, List.of(new Extension(IpProtocol.HOPOPT, 8)), IpProtocol.UDP, 4);
        Fragmenter fragmenter = new Fragmenter();
        long[] bytes = {0};
        FragmentSink sink = (buffer, offset, length, index) -> bytes[0] += length;
        for (int i = 0; i < ROUNDS; i++) {
            fragmenter.fragmentIpv4(v4, 0, v4.length, 1500, sink);
            fragmenter.fragmentIpv6(v6, 0, v6.length, 1280, i, sink);
        }
        long before = allocatedBytes();
        for (int i = 0; i < ROUNDS; i++) {
            fragmenter.fragmentIpv4(v4, 0, v4.length, 1500, sink);
            fragmenter.fragmentIpv6(v6, 0, v6.length, 1280, i, sink);
        }
        long allocated = allocatedBytes() - before;
        assertTrue(allocated < 4096, "allocated " + allocated + " bytes in " + ROUNDS + " rounds");
        assertTrue(bytes[0] > 0);
    }
}
