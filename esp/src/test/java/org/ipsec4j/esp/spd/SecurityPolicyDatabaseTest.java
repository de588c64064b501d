package org.ipsec4j.esp.spd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;

import org.ipsec4j.esp.TestPackets;
import org.ipsec4j.esp.sad.SecurityProtocol;
import org.ipsec4j.esp.selector.AddressRange;
import org.ipsec4j.esp.selector.IpAddress;
import org.ipsec4j.esp.selector.IpFamily;
import org.ipsec4j.esp.selector.PacketClassifier;
import org.ipsec4j.esp.selector.PacketSelector;
import org.ipsec4j.esp.selector.PortSelector;
import org.ipsec4j.esp.selector.TrafficSelector;
import org.ipsec4j.wire.Icmpv6Message;
import org.ipsec4j.wire.IpProtocol;
import org.junit.jupiter.api.Test;

class SecurityPolicyDatabaseTest {

    private final SecurityPolicyDatabase spd = new SecurityPolicyDatabase();
    private final PacketClassifier classifier = new PacketClassifier();
    private final PacketSelector key = new PacketSelector();
    private final byte[] buf = TestPackets.buffer();
    private static final int OFF = TestPackets.OFFSET;

    private static AddressRange r(String s) {
        return AddressRange.parse(s);
    }

    private static PolicyAction protect(String local, String remote) {
        return PolicyAction.protect(IpsecTemplate.tunnel(SecurityProtocol.ESP, IpAddress.parse(local), IpAddress.parse(remote)));
    }

    private SecurityPolicy lookupOut(int len) {
        classifier.classify(buf, OFF, len, true, key);
        return spd.lookup(Direction.OUT, key);
    }

    @Test
    void shuntsComeBeforeAndHoldsAfterTheOrderedPolicies() {
        SecurityPolicy child = spd.add(new SecurityPolicy(Direction.OUT,
                TrafficSelector.between(r("10.1.0.0/24"), r("10.2.0.0/24")), protect("192.0.2.1", "198.51.100.1")));
        SecurityPolicy hold = new SecurityPolicy(Direction.OUT, TrafficSelector.between(r("10.1.0.0/16"),
                r("10.2.0.0/16")), PolicyAction.protect(IpsecTemplate.transport(SecurityProtocol.ESP)), "hold c/n");
        spd.hold("c/n", List.of(hold));
        java.util.function.IntSupplier inChild = () -> TestPackets.udp(buf, OFF, "10.1.0.5", "10.2.0.9", 1000, 53, 10);
        java.util.function.IntSupplier heldOnly = () -> TestPackets.udp(buf, OFF, "10.1.7.5", "10.2.7.9", 1000, 53, 10);
        assertSame(child, lookupOut(inChild.getAsInt()), "a Child SA's own policy comes before the hold");
        assertSame(hold, lookupOut(heldOnly.getAsInt()), "what no Child SA covers is held");
        assertEquals(List.of(hold), spd.holds());
        assertEquals(java.util.Set.of("c/n"), spd.holdKeys());
        spd.flush();
        assertSame(hold, lookupOut(inChild.getAsInt()), "spdflush (a setkey reload) leaves IKE's holds");

        SecurityPolicy pass = new SecurityPolicy(Direction.OUT, TrafficSelector.icmp(r("10.1.0.0/16"), r("10.2.0.0/16"),
                PortSelector.ANY), PolicyAction.BYPASS, "shunt c/icmp");
        spd.setShunts(List.of(pass));
        assertSame(pass, lookupOut(TestPackets.ping(buf, OFF, "10.1.7.5", "10.2.7.9", 1, 56)), "a shunt wins");
        assertSame(hold, lookupOut(heldOnly.getAsInt()));
        assertThrowsIllegal(() -> spd.setShunts(List.of(hold)));
        assertThrowsIllegal(() -> spd.hold("x", List.of(pass)));

        assertEquals(true, spd.release("c/n"));
        assertEquals(false, spd.release("c/n"));
        assertNull(lookupOut(heldOnly.getAsInt()), "released: no policy");
    }

    private static void assertThrowsIllegal(Runnable r) {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, r::run);
    }

    @Test
    void firstMatchInListOrder() {
        SecurityPolicy broad = spd.add(new SecurityPolicy(Direction.OUT,
                TrafficSelector.between(r("10.1.0.0/16"), r("10.2.0.0/16")), protect("192.0.2.1", "198.51.100.1")));
        SecurityPolicy narrow = spd.add(new SecurityPolicy(Direction.OUT,
                TrafficSelector.between(r("10.1.0.0/24"), r("10.2.0.0/24")), PolicyAction.DISCARD));
        int len = TestPackets.udp(buf, OFF, "10.1.0.5", "10.2.0.9", 1000, 53, 10);
        assertSame(broad, lookupOut(len), "the earlier, broader policy wins");
        spd.remove(narrow);
        spd.insert(0, narrow);
        assertSame(narrow, lookupOut(len), "moved ahead, the narrow one wins");
        len = TestPackets.udp(buf, OFF, "10.1.1.5", "10.2.0.9", 1000, 53, 10);
        assertSame(broad, lookupOut(len));
        len = TestPackets.udp(buf, OFF, "10.3.1.5", "10.2.0.9", 1000, 53, 10);
        assertNull(lookupOut(len), "no policy: the caller discards");
    }

    @Test
    void directionsAreSeparateAndLocalIsDestinationInbound() {
        SecurityPolicy in = spd.add(new SecurityPolicy(Direction.IN,
                TrafficSelector.between(r("10.1.0.0/16"), r("10.2.0.0/16")), PolicyAction.BYPASS));
        int len = TestPackets.udp(buf, OFF, "10.2.0.9", "10.1.0.5", 53, 1000, 10);
        classifier.classify(buf, OFF, len, false, key);
        assertSame(in, spd.lookup(Direction.IN, key));
        assertNull(spd.lookup(Direction.OUT, key));
        assertNull(spd.lookup(Direction.FWD, key));
    }

    @Test
    void portsProtocolsAndIcmpTypeCode() {
        SecurityPolicy dns = spd.add(new SecurityPolicy(Direction.OUT, new TrafficSelector(r("0.0.0.0/0"), r("0.0.0.0/0"),
                IpProtocol.UDP, PortSelector.ANY, PortSelector.port(53)), PolicyAction.BYPASS));
        SecurityPolicy echo = spd.add(new SecurityPolicy(Direction.OUT, TrafficSelector.icmp(r("0.0.0.0/0"), r("0.0.0.0/0"),
                PortSelector.icmp(8, 0)), PolicyAction.DISCARD));
        SecurityPolicy web = spd.add(new SecurityPolicy(Direction.OUT, new TrafficSelector(r("10.0.0.0/8"), r("0.0.0.0/0"),
                IpProtocol.TCP, PortSelector.range(1024, 65535), PortSelector.range(80, 443)), PolicyAction.BYPASS));
        SecurityPolicy rest = spd.add(new SecurityPolicy(Direction.OUT, TrafficSelector.any(IpFamily.IPV4),
                protect("192.0.2.1", "198.51.100.1")));
        assertSame(dns, lookupOut(TestPackets.udp(buf, OFF, "10.0.0.1", "8.8.8.8", 3333, 53, 20)));
        assertSame(rest, lookupOut(TestPackets.udp(buf, OFF, "10.0.0.1", "8.8.8.8", 53, 3333, 20)));
        assertSame(echo, lookupOut(TestPackets.ping(buf, OFF, "10.0.0.1", "8.8.8.8", 1, 56)));
        assertSame(web, lookupOut(TestPackets.tcp(buf, OFF, "10.0.0.1", "1.1.1.1", 40000, 443, 0)));
        assertSame(rest, lookupOut(TestPackets.tcp(buf, OFF, "10.0.0.1", "1.1.1.1", 40000, 444, 0)));
        assertSame(rest, lookupOut(TestPackets.tcp(buf, OFF, "10.0.0.1", "1.1.1.1", 1023, 443, 0)));
    }

    @Test
    void nonInitialFragmentsHaveOpaquePorts() {
        SecurityPolicy udp53 = spd.add(new SecurityPolicy(Direction.OUT, new TrafficSelector(r("0.0.0.0/0"), r("0.0.0.0/0"),
                IpProtocol.UDP, PortSelector.ANY, PortSelector.port(53)), PolicyAction.BYPASS));
        SecurityPolicy opaque = spd.add(new SecurityPolicy(Direction.OUT, new TrafficSelector(r("0.0.0.0/0"), r("0.0.0.0/0"),
                TrafficSelector.ANY_PROTOCOL, PortSelector.OPAQUE, PortSelector.OPAQUE), PolicyAction.DISCARD));
        SecurityPolicy anyUdp = spd.add(new SecurityPolicy(Direction.OUT, new TrafficSelector(r("0.0.0.0/0"), r("0.0.0.0/0"),
                IpProtocol.UDP, PortSelector.ANY, PortSelector.ANY), PolicyAction.BYPASS));
        int len = TestPackets.ipv4Fragment(buf, OFF, "10.0.0.1", "10.0.0.2", IpProtocol.UDP, 1480, false, 100);
        assertSame(opaque, lookupOut(len), "a specific port never matches OPAQUE; the OPAQUE entry does");
        spd.remove(opaque);
        assertSame(anyUdp, lookupOut(len), "ANY matches OPAQUE");
        assertSame(udp53, lookupOut(TestPackets.udp(buf, OFF, "10.0.0.1", "10.0.0.2", 1, 53, 10)));
        // OPAQUE entry does not take packets whose ports are known.
        spd.insert(0, opaque);
        assertSame(udp53, lookupOut(TestPackets.udp(buf, OFF, "10.0.0.1", "10.0.0.2", 1, 53, 10)));
        // IPv6: non-first fragment of UDP.
        spd.add(new SecurityPolicy(Direction.OUT, new TrafficSelector(r("::/0"), r("::/0"), IpProtocol.UDP,
                PortSelector.OPAQUE, PortSelector.OPAQUE), PolicyAction.DISCARD, "v6 udp frags"));
        SecurityPolicy p = lookupOut(TestPackets.ipv6Fragment(buf, OFF, "2001:db8::1", "2001:db8::2", IpProtocol.UDP, 1232, true, 64));
        assertEquals("v6 udp frags", p.name());
    }

    @Test
    void neighbourDiscoveryBypassedByDefaultSeed002() {
        // Seed 002: a host-to-host IPv6 tunnel covering the neighbour trapped its Neighbor Advertisements.
        SecurityPolicy tunnel = spd.add(new SecurityPolicy(Direction.OUT, TrafficSelector.between(
                r("2620:52:0:ab0:42f2:e9ff:fe09:a16c/128"), r("2620:52:0:ab0:ca1f:66ff:fef1:c74c/128")),
                protect("2620:52:0:ab0:42f2:e9ff:fe09:a16c", "2620:52:0:ab0:ca1f:66ff:fef1:c74c")));
        int na = TestPackets.icmpv6(buf, OFF, "2620:52:0:ab0:42f2:e9ff:fe09:a16c", "2620:52:0:ab0:ca1f:66ff:fef1:c74c",
                Icmpv6Message.TYPE_NEIGHBOR_ADVERTISEMENT, 0, 20);
        assertSame(SecurityPolicyDatabase.NEIGHBOR_DISCOVERY_BYPASS, lookupOut(na));
        for (int type = 133; type <= 137; type++) {
            int body = switch (type) { // fixed parts without options (RFC 4861 §4.1-4.5)
                case 133 -> 4;
                case 134 -> 12;
                case 137 -> 36;
                default -> 20;
            };
            int len = TestPackets.icmpv6(buf, OFF, "fe80::1", "2620:52:0:ab0:ca1f:66ff:fef1:c74c", type, 0, body);
            classifier.classify(buf, OFF, len, false, key);
            assertSame(SecurityPolicyDatabase.NEIGHBOR_DISCOVERY_BYPASS, spd.lookup(Direction.IN, key), "type " + type);
        }
        int ping = TestPackets.ping(buf, OFF, "2620:52:0:ab0:42f2:e9ff:fe09:a16c", "2620:52:0:ab0:ca1f:66ff:fef1:c74c", 1, 8);
        assertSame(tunnel, lookupOut(ping), "echo is not ND");

        spd.setNeighborDiscoveryBypass(false);
        na = TestPackets.icmpv6(buf, OFF, "2620:52:0:ab0:42f2:e9ff:fe09:a16c", "2620:52:0:ab0:ca1f:66ff:fef1:c74c",
                Icmpv6Message.TYPE_NEIGHBOR_ADVERTISEMENT, 0, 20);
        assertSame(tunnel, lookupOut(na), "switched off, the tunnel traps it again");
        // The libreswan workaround: protoport 58/0x8800 (type 136, code 0) as an explicit bypass.
        assertEquals(0x8800, PortSelector.icmpValue(136, 0));
        SecurityPolicy hole = spd.insert(0, new SecurityPolicy(Direction.OUT, TrafficSelector.icmp(r("::/0"), r("::/0"),
                PortSelector.range(0x8800, 0x8800)), PolicyAction.BYPASS, "v6neighbour-hole"));
        assertSame(hole, lookupOut(na));
    }

    @Test
    void ikeOfTheGatewayBypassedByDefault() {
        SecurityPolicy all = spd.add(new SecurityPolicy(Direction.OUT, TrafficSelector.any(IpFamily.IPV4),
                protect("192.0.2.1", "198.51.100.1")));
        spd.setIkeAddresses(List.of(IpAddress.parse("192.0.2.1")));
        assertSame(SecurityPolicyDatabase.IKE_BYPASS, lookupOut(TestPackets.udp(buf, OFF, "192.0.2.1", "198.51.100.1", 500, 500, 300)));
        assertSame(SecurityPolicyDatabase.IKE_BYPASS, lookupOut(TestPackets.udp(buf, OFF, "192.0.2.1", "198.51.100.1", 4500, 4500, 300)));
        assertSame(all, lookupOut(TestPackets.udp(buf, OFF, "192.0.2.7", "198.51.100.1", 500, 500, 300)), "not our address");
        assertSame(all, lookupOut(TestPackets.udp(buf, OFF, "192.0.2.1", "198.51.100.1", 501, 500, 300)), "not an IKE port");
        assertSame(all, lookupOut(TestPackets.tcp(buf, OFF, "192.0.2.1", "198.51.100.1", 500, 500, 0)), "not UDP");
        // Inbound: local is the destination.
        int len = TestPackets.udp(buf, OFF, "198.51.100.1", "192.0.2.1", 4500, 4500, 300);
        classifier.classify(buf, OFF, len, false, key);
        assertSame(SecurityPolicyDatabase.IKE_BYPASS, spd.lookup(Direction.IN, key));
        assertNull(spd.lookupConfigured(Direction.IN, key));
        spd.setIkeBypass(false);
        assertSame(all, lookupOut(TestPackets.udp(buf, OFF, "192.0.2.1", "198.51.100.1", 500, 500, 300)));
    }

    @Test
    void aggregatesOverManyNarrowPoliciesStillMatchInOrder() {
        // 200 /32 remotes inside one /24 make the /24 span more segments than the index keeps per policy.
        for (int i = 1; i <= 200; i++) {
            spd.add(new SecurityPolicy(Direction.OUT, new TrafficSelector(r("10.0.0.0/8"), r("172.16.0." + i + "/32"),
                    IpProtocol.TCP, PortSelector.ANY, PortSelector.ANY), PolicyAction.BYPASS, "host" + i));
        }
        spd.add(new SecurityPolicy(Direction.OUT, TrafficSelector.between(r("0.0.0.0/0"), r("172.16.0.0/24")),
                PolicyAction.DISCARD, "aggregate"));
        spd.add(new SecurityPolicy(Direction.OUT, TrafficSelector.between(r("10.1.0.0/16"), r("172.16.0.0/16")),
                PolicyAction.DISCARD, "aggregate2"));
        int[] shape = spd.indexShape(Direction.OUT, IpFamily.IPV4);
        assertEquals(2, shape[4], "the ANY-local aggregate waits for a second level");
        assertEquals(201, shape[0], "200 hosts on level 0, the aggregate on level 1");
        assertEquals(1, shape[1], "the other aggregate moved to the local index");
        assertEquals(0, shape[2], "nothing is left to scan");
        assertEquals("host7", lookupOut(TestPackets.tcp(buf, OFF, "10.1.2.3", "172.16.0.7", 1, 2, 0)).name());
        assertEquals("aggregate", lookupOut(TestPackets.udp(buf, OFF, "10.1.2.3", "172.16.0.7", 1, 2, 0)).name());
        assertEquals("aggregate2", lookupOut(TestPackets.udp(buf, OFF, "10.1.2.3", "172.16.1.7", 1, 2, 0)).name());
    }

    @Test
    void radixTableEdgesClusterAndOutliers() {
        // 3000 single addresses in 10.0.0.0/16 (the radix region) and 20 outliers below and 20 above it, fewer
        // than the 1/64 of the cuts the region may leave out.
        java.util.Random rnd = new java.util.Random(3);
        java.util.List<IpAddress> hosts = new java.util.ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            hosts.add(IpAddress.ipv4(0x0A000000 + rnd.nextInt(1 << 16)));
        }
        for (int i = 0; i < 20; i++) {
            hosts.add(IpAddress.ipv4(0x01000000 + rnd.nextInt(1 << 24)));
            hosts.add(IpAddress.ipv4(0xC8000000 + rnd.nextInt(1 << 24)));
        }
        java.util.List<SecurityPolicy> list = new java.util.ArrayList<>();
        for (IpAddress h : hosts) {
            list.add(new SecurityPolicy(Direction.OUT, TrafficSelector.between(AddressRange.any(IpFamily.IPV4),
                    AddressRange.single(h)), PolicyAction.BYPASS, h.toString()));
        }
        spd.addAll(list);
        for (IpAddress h : hosts) {
            for (int d = -1; d <= 1; d++) {
                IpAddress q = IpAddress.ipv4(h.ipv4Value() + d);
                key.set(IpAddress.parse("10.9.9.9"), q, IpProtocol.UDP, 1, 2);
                SecurityPolicy expected = null;
                for (SecurityPolicy p : list) {
                    if (p.selector().matches(key)) {
                        expected = p;
                        break;
                    }
                }
                assertSame(expected, spd.lookup(Direction.OUT, key), q.toString());
            }
        }
    }
}
