package org.ipsec4j.esp.spd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

import org.ipsec4j.esp.selector.IpAddress;

/**
 * The segment search, radix table included, against a scan of the cuts: clustered ranges with outliers on both
 * sides of the radix region, IPv4-like (low half only) and IPv6-like keys, probed at every cut and next to it.
 */
class RangeIndexTest {

    @Property(tries = 60)
    void segmentOfIsTheLastCutAtOrBelow(@ForAll long seed) {
        Random rnd = new Random(seed);
        boolean ipv6 = rnd.nextBoolean();
        int count = 600 + rnd.nextInt(3000);
        long[] fh = new long[count];
        long[] fl = new long[count];
        long[] lh = new long[count];
        long[] ll = new long[count];
        int[] slots = new int[count];
        long clusterHigh = ipv6 ? 0x20010db8_00000000L : 0;
        long clusterLow = ipv6 ? 0 : 0x0A000000L;
        int outliers = rnd.nextInt(count / 50 + 1);
        for (int i = 0; i < count; i++) {
            slots[i] = i;
            long h;
            long l;
            if (i < outliers) { // far below or above the cluster
                boolean above = rnd.nextBoolean();
                h = ipv6 ? (above ? 0xFE800000_00000000L + rnd.nextInt(1000) : rnd.nextInt(1000)) : 0;
                l = ipv6 ? rnd.nextLong() : above ? 0xC0000000L + rnd.nextInt(1 << 20) : rnd.nextInt(1 << 20);
            } else {
                h = clusterHigh + (ipv6 ? rnd.nextInt(1 << 12) : 0);
                l = ipv6 ? rnd.nextLong() : clusterLow + rnd.nextInt(1 << 18);
            }
            long width = rnd.nextInt(4) == 0 ? rnd.nextInt(1 << 12) : rnd.nextInt(4);
            fh[i] = h;
            fl[i] = l;
            long last = l + width;
            lh[i] = Long.compareUnsigned(last, l) < 0 ? h + 1 : h;
            ll[i] = last;
            if (!ipv6 && ll[i] > 0xFFFF_FFFFL) {
                ll[i] = 0xFFFF_FFFFL;
            }
        }
        IpAddress max = IpAddress.max(ipv6 ? org.ipsec4j.esp.selector.IpFamily.IPV6 : org.ipsec4j.esp.selector.IpFamily.IPV4);
        RangeIndex index = RangeIndex.build(count, slots, fh, fl, lh, ll, max.high(), max.low(), Integer.MAX_VALUE,
                new int[count], new int[1]);
        assertTrue(index.hasRadixTable(), "enough cuts for the radix table");
        int n = index.segments();
        for (int i = 0; i < n; i++) {
            long h = index.segmentStartHigh(i);
            long l = index.segmentStartLow(i);
            check(index, h, l);
            check(index, h, l - 1 == -1 ? l : l - 1);
            check(index, h, l + 1);
        }
        for (int i = 0; i < 2000; i++) {
            check(index, ipv6 ? (rnd.nextBoolean() ? clusterHigh + rnd.nextInt(1 << 13) : rnd.nextLong()) : 0,
                    ipv6 ? rnd.nextLong() : rnd.nextInt() & 0xFFFF_FFFFL);
        }
    }

    private static void check(RangeIndex index, long h, long l) {
        int expected = 0;
        for (int i = 0; i < index.segments(); i++) {
            if (IpAddress.compareUnsigned(index.segmentStartHigh(i), index.segmentStartLow(i), h, l) <= 0) {
                expected = i;
            }
        }
        assertEquals(expected, index.segmentOf(h, l), Long.toHexString(h) + ":" + Long.toHexString(l));
    }
}
