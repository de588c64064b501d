package org.ipsec4j.daemon.net;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigInteger;
import java.util.List;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.ipsec4j.esp.selector.AddressRange;
import org.ipsec4j.esp.selector.IpAddress;
import org.ipsec4j.esp.selector.IpFamily;
import org.ipsec4j.linux.IpPrefix;
import org.junit.jupiter.api.Test;

class TunnelRoutesTest {

    @Test
    void aPrefixStaysOnePrefix() {
        assertEquals(List.of(IpPrefix.parse("10.0.2.0/24")), TunnelRoutes.prefixes(AddressRange.parse("10.0.2.0/24")));
        assertEquals(List.of(IpPrefix.parse("0.0.0.0/0")), TunnelRoutes.prefixes(AddressRange.parse("0.0.0.0/0")));
        assertEquals(List.of(IpPrefix.parse("::/0")), TunnelRoutes.prefixes(AddressRange.parse("::/0")));
        assertEquals(List.of(IpPrefix.parse("2001:db8::1/128")), TunnelRoutes.prefixes(AddressRange.parse("2001:db8::1")));
    }

    @Test
    void aRangeIsCutIntoTheFewestPrefixes() {
        assertEquals(List.of(IpPrefix.parse("10.0.0.5/32"), IpPrefix.parse("10.0.0.6/31"), IpPrefix.parse("10.0.0.8/30"),
                IpPrefix.parse("10.0.0.12/32")), TunnelRoutes.prefixes(AddressRange.parse("10.0.0.5-10.0.0.12")));
        assertEquals(List.of(IpPrefix.parse("255.255.255.254/31")),
                TunnelRoutes.prefixes(AddressRange.parse("255.255.255.254-255.255.255.255")));
    }

    /** The prefixes cover the range exactly: contiguous, aligned, from first to last. */
    @Property(tries = 300)
    void prefixesTileTheRange(@ForAll int a, @ForAll @IntRange(min = 0, max = 1 << 20) int width) {
        long first = Integer.toUnsignedLong(a);
        long last = Math.min(0xFFFF_FFFFL, first + width);
        AddressRange range = new AddressRange(new IpAddress(IpFamily.IPV4, 0, first), new IpAddress(IpFamily.IPV4, 0, last));
        BigInteger next = BigInteger.valueOf(first);
        for (IpPrefix prefix : TunnelRoutes.prefixes(range)) {
            BigInteger start = new BigInteger(1, prefix.address().getAddress());
            assertEquals(next, start);
            BigInteger size = BigInteger.ONE.shiftLeft(32 - prefix.length());
            assertEquals(BigInteger.ZERO, start.mod(size), "aligned");
            next = start.add(size);
        }
        assertEquals(BigInteger.valueOf(last + 1), next);
    }
}
