package org.ipsec4j.bench.esp;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.ipsec4j.esp.sad.SecurityProtocol;
import org.ipsec4j.esp.selector.AddressRange;
import org.ipsec4j.esp.selector.IpAddress;
import org.ipsec4j.esp.selector.IpFamily;
import org.ipsec4j.esp.selector.PacketSelector;
import org.ipsec4j.esp.selector.PortSelector;
import org.ipsec4j.esp.selector.TrafficSelector;
import org.ipsec4j.esp.spd.Direction;
import org.ipsec4j.esp.spd.IpsecTemplate;
import org.ipsec4j.esp.spd.PolicyAction;
import org.ipsec4j.esp.spd.SecurityPolicy;
import org.ipsec4j.esp.spd.SecurityPolicyDatabase;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * SPD lookup with 100 000 policies (issue 3 §1: "well under a microsecond"), over packets drawn at random so
 * caches see a realistic spread.
 *
 * <ul>
 *   <li>{@code hub}: a hub gateway's policy set: one policy per remote /24 (IPv4) or /64 (IPv6) spoke
 *       subnet, local one of 16 hub subnets, a tenth of them with a TCP port range ahead of the subnet's
 *       catch-all, and ANY-to-ANY discard at the end; 90 % of the packets hit a spoke.</li>
 *   <li>{@code random}: prefixes of random lengths on both sides (/8 to /32), random protocols and port
 *       ranges: much overlap, the index's harder case.</li>
 * </ul>
 * {@code linearScan} is the definition (first match in list order) for comparison, over the same set.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SpdLookupBenchmark {

    @Param({"100000"})
    int policies;

    @Param({"hub", "random"})
    String shape;

    @Param({"IPV4", "IPV6"})
    IpFamily family;

    private SecurityPolicyDatabase spd;
    private List<SecurityPolicy> ordered;
    private PacketSelector[] packets;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        SplittableRandom rnd = new SplittableRandom(2024);
        ordered = new ArrayList<>(policies + 1);
        PolicyAction protect = PolicyAction.protect(IpsecTemplate.tunnel(SecurityProtocol.ESP,
                IpAddress.parse(family == IpFamily.IPV4 ? "192.0.2.1" : "2001:db8:ffff::1"),
                IpAddress.parse(family == IpFamily.IPV4 ? "198.51.100.1" : "2001:db8:fffe::1")));
        List<AddressRange> remotes = new ArrayList<>();
        if (shape.equals("hub")) {
            int i = 0;
            while (ordered.size() < policies) {
                AddressRange remote = spoke(family, i++);
                AddressRange local = hubSubnet(family, rnd.nextInt(16));
                remotes.add(remote);
                if (rnd.nextInt(10) == 0 && ordered.size() < policies - 1) {
                    int low = 1024 * rnd.nextInt(60);
                    ordered.add(new SecurityPolicy(Direction.OUT, new TrafficSelector(local, remote, 6, PortSelector.ANY,
                            PortSelector.range(low, low + 1023)), PolicyAction.BYPASS));
                }
                ordered.add(new SecurityPolicy(Direction.OUT, TrafficSelector.between(local, remote), protect));
            }
        } else {
            for (int i = 0; i < policies; i++) {
                AddressRange local = randomPrefix(rnd, family);
                AddressRange remote = randomPrefix(rnd, family);
                remotes.add(remote);
                int protocol = new int[] {-1, -1, 6, 17, family == IpFamily.IPV4 ? 1 : 58}[rnd.nextInt(5)];
                PortSelector lp = PortSelector.ANY;
                PortSelector rp = PortSelector.ANY;
                if (protocol == 6 || protocol == 17) {
                    int low = rnd.nextInt(60000);
                    rp = PortSelector.range(low, low + rnd.nextInt(5000));
                }
                PolicyAction action = switch (rnd.nextInt(3)) {
                    case 0 -> PolicyAction.BYPASS;
                    case 1 -> PolicyAction.DISCARD;
                    default -> protect;
                };
                ordered.add(new SecurityPolicy(Direction.OUT, new TrafficSelector(local, remote, protocol, lp, rp), action));
            }
        }
        ordered.add(new SecurityPolicy(Direction.OUT, TrafficSelector.any(family), PolicyAction.DISCARD));
        spd = new SecurityPolicyDatabase();
        spd.addAll(ordered);

        packets = new PacketSelector[4096];
        for (int i = 0; i < packets.length; i++) {
            AddressRange remoteRange = remotes.get(rnd.nextInt(remotes.size()));
            IpAddress remote = rnd.nextInt(10) == 0 ? randomAddress(rnd, family) : inside(rnd, remoteRange);
            IpAddress local = shape.equals("hub") ? inside(rnd, hubSubnet(family, rnd.nextInt(16))) : randomAddress(rnd, family);
            int protocol = new int[] {6, 17, 6, 17, family == IpFamily.IPV4 ? 1 : 58}[rnd.nextInt(5)];
            int lp = protocol == 1 || protocol == 58 ? PortSelector.icmpValue(8, 0) : 1024 + rnd.nextInt(60000);
            int rp = protocol == 1 || protocol == 58 ? PortSelector.OPAQUE_VALUE : rnd.nextInt(65536);
            packets[i] = new PacketSelector().set(local, remote, protocol, lp, rp);
        }
    }

    private static AddressRange spoke(IpFamily f, int i) {
        if (f == IpFamily.IPV4) {
            // /24s from 100.64.0.0 upwards (100 000 of them span 100.64.0.0 - 101.198.159.0).
            return AddressRange.prefix(IpAddress.ipv4(0x64400000 + (i << 8)), 24);
        }
        return AddressRange.prefix(new IpAddress(f, 0x20010db8_10000000L + i, 0), 64);
    }

    private static AddressRange hubSubnet(IpFamily f, int i) {
        if (f == IpFamily.IPV4) {
            return AddressRange.prefix(IpAddress.ipv4(0x0A000000 + (i << 16)), 16);
        }
        return AddressRange.prefix(new IpAddress(f, 0x20010db8_00000000L + ((long) i << 16), 0), 48);
    }

    private static AddressRange randomPrefix(SplittableRandom rnd, IpFamily f) {
        int bits = f == IpFamily.IPV4 ? 32 : 128;
        int len = f == IpFamily.IPV4 ? 8 + rnd.nextInt(25) : 16 + rnd.nextInt(113);
        return AddressRange.prefix(randomAddress(rnd, f), Math.min(len, bits));
    }

    private static IpAddress randomAddress(SplittableRandom rnd, IpFamily f) {
        return f == IpFamily.IPV4 ? IpAddress.ipv4(rnd.nextInt()) : new IpAddress(f, 0x20010db8_00000000L | rnd.nextInt(1 << 29),
                rnd.nextLong());
    }

    private static IpAddress inside(SplittableRandom rnd, AddressRange r) {
        long span = r.last().low() - r.first().low();
        long low = span == -1 ? rnd.nextLong() : r.first().low() + Long.remainderUnsigned(rnd.nextLong(), span + 1);
        return new IpAddress(r.family(), r.first().high(), low);
    }

    @Benchmark
    public SecurityPolicy indexedLookup() {
        PacketSelector p = packets[next++ & (packets.length - 1)];
        return spd.lookup(Direction.OUT, p);
    }

    @Benchmark
    @Warmup(iterations = 1, time = 1)
    @Measurement(iterations = 3, time = 1)
    public SecurityPolicy linearScan() {
        PacketSelector p = packets[next++ & (packets.length - 1)];
        for (SecurityPolicy policy : ordered) {
            if (policy.selector().matches(p)) {
                return policy;
            }
        }
        return null;
    }
}
