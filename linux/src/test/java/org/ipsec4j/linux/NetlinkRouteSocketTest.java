package org.ipsec4j.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.StandardProtocolFamily;
import java.util.concurrent.TimeUnit;
import org.ipsec4j.lab.Lab;
import org.ipsec4j.lab.Namespace;
import org.ipsec4j.lab.junit.UsesLab;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Interface, address, route and rule changes through rtnetlink, checked against what {@code ip} shows. */
@UsesLab
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NetlinkRouteSocketTest {

    @Test
    void configuresATunDeviceAsIpWouldShowIt(Lab lab) throws Exception {
        Namespace ns = lab.host("cfg");
        NetworkNamespace netns = NetworkNamespace.named(ns.netnsName());
        try (TunDevice tun = netns.call(() -> TunDevice.open("ipsec0"));
             NetlinkRouteSocket netlink = netns.call(NetlinkRouteSocket::open)) {
            assertEquals("ipsec0", tun.name());
            netlink.setMtu("ipsec0", 1400);
            netlink.setUp("ipsec0");
            netlink.addAddress("ipsec0", IpPrefix.parse("192.0.2.1/24"));
            netlink.addAddress("ipsec0", IpPrefix.parse("2001:db8:1::1/64"));
            netlink.addRoute(Route.to("198.51.100.0/24").device("ipsec0").metric(7));
            netlink.addRoute(Route.to("203.0.113.0/24").via("192.0.2.9").table(100).mtu(1300));
            netlink.addRoute(Route.to("2001:db8:2::/48").via("2001:db8:1::9").device("ipsec0").metric(20));
            netlink.addRoute(Route.to("2001:db8:3::/48").type(Route.Type.BLACKHOLE).table(100));
            netlink.addRule(RoutingRule.lookup(StandardProtocolFamily.INET, 100).fwmark(0x51).priority(1000));
            netlink.addRule(RoutingRule.lookup(StandardProtocolFamily.INET6, 100).notFwmark(0xca6c).priority(1001));
            netlink.addRule(RoutingRule.lookup(StandardProtocolFamily.INET, 254).suppressPrefixLength(0)
                    .priority(1002));

            String link = ns.ip("-d", "link", "show", "dev", "ipsec0").stdout();
            assertTrue(link.contains("mtu 1400"), link);
            assertTrue(link.contains(",UP"), link);
            assertTrue(link.contains("tun type tun pi off"), link);
            String addresses = ns.ip("addr", "show", "dev", "ipsec0").stdout();
            assertTrue(addresses.contains("inet 192.0.2.1/24"), addresses);
            assertTrue(addresses.contains("inet6 2001:db8:1::1/64"), addresses);
            String main = ns.ip("route", "show").stdout();
            assertTrue(main.contains("192.0.2.0/24 dev ipsec0 proto kernel scope link src 192.0.2.1"), main);
            assertTrue(main.contains("198.51.100.0/24 dev ipsec0 scope link metric 7"), main);
            String table100 = ns.ip("route", "show", "table", "100").stdout();
            assertTrue(table100.contains("203.0.113.0/24 via 192.0.2.9 dev ipsec0 mtu 1300"), table100);
            String v6 = ns.ip("-6", "route", "show").stdout();
            assertTrue(v6.contains("2001:db8:2::/48 via 2001:db8:1::9 dev ipsec0 metric 20"), v6);
            String v6Table100 = ns.ip("-6", "route", "show", "table", "100").stdout();
            assertTrue(v6Table100.contains("blackhole 2001:db8:3::/48"), v6Table100);
            String rules = ns.ip("rule", "show").stdout();
            assertTrue(rules.contains("1000:\tfrom all fwmark 0x51 lookup 100"), rules);
            assertTrue(rules.contains("1002:\tfrom all lookup main suppress_prefixlength 0"), rules);
            String rules6 = ns.ip("-6", "rule", "show").stdout();
            assertTrue(rules6.contains("1001:\tnot from all fwmark 0xca6c lookup 100"), rules6);

            // And back out again.
            netlink.deleteRule(RoutingRule.lookup(StandardProtocolFamily.INET, 100).fwmark(0x51).priority(1000));
            netlink.deleteRoute(Route.to("198.51.100.0/24").device("ipsec0").metric(7));
            netlink.deleteAddress("ipsec0", IpPrefix.parse("2001:db8:1::1/64"));
            netlink.setDown("ipsec0");
            assertTrue(!ns.ip("rule", "show").stdout().contains("fwmark 0x51"));
            assertTrue(!ns.ip("route", "show").stdout().contains("198.51.100.0/24"));
            assertTrue(!ns.ip("addr", "show", "dev", "ipsec0").stdout().contains("2001:db8:1::1"));
            assertTrue(!ns.ip("link", "show", "dev", "ipsec0").stdout().contains(",UP"));
        }
    }

    @Test
    void refusalsNameTheRequestAndTheErrno(Lab lab) throws Exception {
        Namespace ns = lab.host("err");
        NetworkNamespace netns = NetworkNamespace.named(ns.netnsName());
        try (NetlinkRouteSocket netlink = netns.call(NetlinkRouteSocket::open)) {
            NetlinkException noDevice = assertThrows(NetlinkException.class, () -> netlink.setMtu("nosuch0", 1400));
            assertEquals(Errno.ENODEV, noDevice.errno());
            assertTrue(noDevice.getMessage().startsWith("RTM_GETLINK nosuch0: No such device (ENODEV, errno 19)"),
                    noDevice.getMessage());

            NetlinkException unreachableGateway = assertThrows(NetlinkException.class,
                    () -> netlink.addRoute(Route.to("198.51.100.0/24").via("203.0.113.1")));
            assertEquals("ENETUNREACH", unreachableGateway.errnoName());
            assertTrue(unreachableGateway.getMessage().contains("RTM_NEWROUTE add 198.51.100.0/24 via 203.0.113.1"),
                    unreachableGateway.getMessage());
            System.out.println(unreachableGateway.getMessage());

            netlink.addAddress("lo", IpPrefix.parse("192.0.2.7/32"));
            NetlinkException twice = assertThrows(NetlinkException.class,
                    () -> netlink.addAddress("lo", IpPrefix.parse("192.0.2.7/32")));
            assertEquals("EEXIST", twice.errnoName());
            assertTrue(twice.getMessage().contains("File exists"), twice.getMessage());
        }
    }
}
