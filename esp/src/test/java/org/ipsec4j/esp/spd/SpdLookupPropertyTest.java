package org.ipsec4j.esp.spd;

import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import org.ipsec4j.esp.selector.AddressRange;
import org.ipsec4j.esp.selector.IpAddress;
import org.ipsec4j.esp.selector.IpFamily;
import org.ipsec4j.esp.selector.PacketSelector;
import org.ipsec4j.esp.selector.PortSelector;
import org.ipsec4j.esp.selector.TrafficSelector;
import org.ipsec4j.wire.IpProtocol;
import org.junit.jupiter.api.Test;

/**
 * The indexed lookup against the definition: the first policy in list order whose selectors all match
 * (a linear scan with {@link TrafficSelector#matches}), over random policies and packets drawn from small
 * pools so that ranges nest, overlap and share boundaries, ports are OPAQUE, and ICMP type/code ranges cut
 * through the RFC 4301 encoding.
 */
class SpdLookupPropertyTest {

    private static final int[] PROTOCOLS = {TrafficSelector.ANY_PROTOCOL, IpProtocol.TCP, IpProtocol.UDP,
            IpProtocol.ICMP, IpProtocol.ICMPV6, IpProtocol.ESP, 132};
    private static final int[] PORTS = {0, 1, 53, 500, 4500, 1023, 1024, 0x8500, 0x8800, 0x89FF, 65534, 65535};

    @Property(tries = 400)
    void indexedLookupIsFirstMatch(@ForAll long seed, @ForAll @IntRange(min = 0, max = 120) int policyCount) {
        check(seed, policyCount, 200);
    }

    @Test
    void manyPoliciesManyPackets() {
        check(42, 5000, 20000);
        check(43, 20000, 20000);
    }

    /**
     * Shapes that defeat one index: a staggered chain of overlapping ranges (no level makes progress: the
     * wide list), and towers of nested prefixes over many narrow siblings (several levels).
     */
    @Test
    void staggeredChainsAndNestedTowers() {
        Random rnd = new Random(7);
        List<SecurityPolicy> ordered = new ArrayList<>();
        for (int i = 0; i < 1500; i++) {
            IpAddress first = IpAddress.ipv4(0x0A000000 + i * 3);
            IpAddress last = IpAddress.ipv4(0x0A000000 + i * 3 + 999);
            ordered.add(new SecurityPolicy(Direction.OUT, new TrafficSelector(AddressRange.any(IpFamily.IPV4),
                    new AddressRange(first, last), rnd.nextBoolean() ? IpProtocol.TCP : IpProtocol.UDP,
                    PortSelector.ANY, PortSelector.range(rnd.nextInt(100), 100 + rnd.nextInt(100))), PolicyAction.BYPASS, "chain" + i));
        }
        for (int len = 32; len >= 8; len--) {
            for (int j = 0; j < 40; j++) {
                IpAddress a = IpAddress.ipv4(0xAC100000 + rnd.nextInt(1 << 20));
                ordered.add(rnd.nextInt(3) == 0 ? 0 : ordered.size(), new SecurityPolicy(Direction.OUT,
                        TrafficSelector.between(AddressRange.prefix(a, Math.max(len, 12 + rnd.nextInt(21))), AddressRange.prefix(a, len)),
                        PolicyAction.DISCARD, "tower" + len + "." + j));
            }
        }
        SecurityPolicyDatabase spd = new SecurityPolicyDatabase();
        spd.addAll(ordered);
        int[] shape = spd.indexShape(Direction.OUT, IpFamily.IPV4);
        org.junit.jupiter.api.Assertions.assertTrue(shape[4] >= 2, "several levels: " + java.util.Arrays.toString(shape));
        org.junit.jupiter.api.Assertions.assertTrue(shape[2] > 0, "a wide list: " + java.util.Arrays.toString(shape));
        PacketSelector key = new PacketSelector();
        for (int i = 0; i < 20000; i++) {
            IpAddress remote = rnd.nextBoolean() ? IpAddress.ipv4(0x0A000000 + rnd.nextInt(6000))
                    : IpAddress.ipv4(0xAC100000 + rnd.nextInt(1 << 21));
            IpAddress local = rnd.nextBoolean() ? remote : IpAddress.ipv4(rnd.nextInt());
            int protocol = rnd.nextBoolean() ? IpProtocol.TCP : IpProtocol.UDP;
            key.set(local, remote, protocol, rnd.nextInt(300), rnd.nextInt(300));
            SecurityPolicy expected = null;
            for (SecurityPolicy p : ordered) {
                if (p.selector().matches(key)) {
                    expected = p;
                    break;
                }
            }
            SecurityPolicy actual = spd.lookupConfigured(Direction.OUT, key);
            if (expected != actual) {
                assertSame(expected, actual, "packet " + key);
            }
        }
    }

    private static void check(long seed, int policyCount, int packets) {
        Random rnd = new Random(seed);
        SecurityPolicyDatabase spd = new SecurityPolicyDatabase();
        List<SecurityPolicy> reference = new ArrayList<>();
        for (int i = 0; i < policyCount; i++) {
            IpFamily f = rnd.nextInt(3) == 0 ? IpFamily.IPV6 : IpFamily.IPV4;
            SecurityPolicy p = new SecurityPolicy(Direction.OUT, randomSelector(rnd, f),
                    rnd.nextBoolean() ? PolicyAction.BYPASS : PolicyAction.DISCARD, "p" + i);
            reference.add(p);
        }
        // Insert some in the middle to check the order is the list's, not the insertion's.
        List<SecurityPolicy> ordered = new ArrayList<>();
        for (SecurityPolicy p : reference) {
            int pos = ordered.isEmpty() || rnd.nextInt(4) != 0 ? ordered.size() : rnd.nextInt(ordered.size());
            ordered.add(pos, p);
            if (policyCount < 50) {
                spd.insert(pos, p); // one rebuild per edit
            }
        }
        if (policyCount >= 50) {
            spd.addAll(ordered); // one rebuild
        }
        PacketSelector key = new PacketSelector();
        for (int i = 0; i < packets; i++) {
            IpFamily f = rnd.nextInt(3) == 0 ? IpFamily.IPV6 : IpFamily.IPV4;
            randomPacket(rnd, f, key);
            SecurityPolicy expected = null;
            for (SecurityPolicy p : ordered) {
                if (p.selector().matches(key)) {
                    expected = p;
                    break;
                }
            }
            SecurityPolicy actual = spd.lookupConfigured(Direction.OUT, key);
            if (expected != actual) {
                assertSame(expected, actual, "seed " + seed + " packet " + key);
            }
        }
    }

    private static IpAddress randomAddress(Random rnd, IpFamily f) {
        if (f == IpFamily.IPV4) {
            return switch (rnd.nextInt(6)) {
                case 0 -> IpAddress.ipv4(rnd.nextInt());
                case 1 -> IpAddress.ipv4(0);
                case 2 -> IpAddress.ipv4(-1);
                default -> IpAddress.ipv4(0x0A000000 | rnd.nextInt(4) << 8 | rnd.nextInt(4) << 4 | rnd.nextInt(16));
            };
        }
        return switch (rnd.nextInt(6)) {
            case 0 -> new IpAddress(f, rnd.nextLong(), rnd.nextLong());
            case 1 -> IpAddress.zero(f);
            case 2 -> IpAddress.max(f);
            // Vary bits in both halves: around the 64-bit boundary and in the low bits.
            default -> new IpAddress(f, 0x20010db8_00000000L | rnd.nextInt(4), (long) rnd.nextInt(4) << 62 | rnd.nextInt(64));
        };
    }

    private static AddressRange randomRange(Random rnd, IpFamily f) {
        int bits = f.addressLength() * 8;
        return switch (rnd.nextInt(5)) {
            case 0 -> AddressRange.any(f);
            case 1 -> AddressRange.single(randomAddress(rnd, f));
            case 2 -> {
                IpAddress a = randomAddress(rnd, f);
                IpAddress b = randomAddress(rnd, f);
                yield a.compareTo(b) <= 0 ? new AddressRange(a, b) : new AddressRange(b, a);
            }
            default -> {
                int[] lens = f == IpFamily.IPV4 ? new int[] {0, 8, 24, 26, 28, 30, 31, 32} : new int[] {0, 32, 62, 63, 64, 65, 120, 124, 127, 128};
                int len = lens[rnd.nextInt(lens.length)];
                yield AddressRange.prefix(randomAddress(rnd, f), Math.min(len, bits));
            }
        };
    }

    private static PortSelector randomPorts(Random rnd) {
        return switch (rnd.nextInt(5)) {
            case 0, 1 -> PortSelector.ANY;
            case 2 -> PortSelector.OPAQUE;
            default -> {
                int a = PORTS[rnd.nextInt(PORTS.length)];
                int b = PORTS[rnd.nextInt(PORTS.length)];
                yield PortSelector.range(Math.min(a, b), Math.max(a, b));
            }
        };
    }

    private static TrafficSelector randomSelector(Random rnd, IpFamily f) {
        int protocol = PROTOCOLS[rnd.nextInt(PROTOCOLS.length)];
        PortSelector lp = PortSelector.ANY;
        PortSelector rp = PortSelector.ANY;
        if (TrafficSelector.hasPorts(protocol)) {
            lp = randomPorts(rnd);
            rp = randomPorts(rnd);
        } else if (TrafficSelector.isIcmp(protocol)) {
            lp = switch (rnd.nextInt(4)) {
                case 0 -> PortSelector.ANY;
                case 1 -> PortSelector.icmpType(rnd.nextInt(4) + 133);
                case 2 -> PortSelector.icmpTypes(133, 137);
                default -> PortSelector.icmp(rnd.nextInt(3) + 135, rnd.nextInt(2));
            };
            rp = rnd.nextInt(5) == 0 ? PortSelector.OPAQUE : PortSelector.ANY;
        } else if (rnd.nextInt(4) == 0) {
            lp = PortSelector.OPAQUE;
        }
        return new TrafficSelector(randomRange(rnd, f), randomRange(rnd, f), protocol, lp, rp);
    }

    private static void randomPacket(Random rnd, IpFamily f, PacketSelector key) {
        int protocol = PROTOCOLS[1 + rnd.nextInt(PROTOCOLS.length - 1)];
        if (rnd.nextInt(20) == 0) {
            protocol = TrafficSelector.ANY_PROTOCOL; // protocol OPAQUE (IPv6 fragment after an extension header)
        }
        int lp;
        int rp;
        if (TrafficSelector.hasPorts(protocol)) {
            lp = rnd.nextInt(6) == 0 ? PortSelector.OPAQUE_VALUE : PORTS[rnd.nextInt(PORTS.length)] + (rnd.nextInt(3) == 0 ? 1 : 0);
            rp = lp < 0 ? lp : PORTS[rnd.nextInt(PORTS.length)];
            lp = Math.min(lp, 0xFFFF);
        } else if (TrafficSelector.isIcmp(protocol)) {
            lp = rnd.nextInt(6) == 0 ? PortSelector.OPAQUE_VALUE : PortSelector.icmpValue(130 + rnd.nextInt(10), rnd.nextInt(3));
            rp = PortSelector.OPAQUE_VALUE;
        } else {
            lp = PortSelector.OPAQUE_VALUE;
            rp = PortSelector.OPAQUE_VALUE;
        }
        key.set(randomAddress(rnd, f), randomAddress(rnd, f), protocol, lp, rp);
    }
}
