package org.ipsec4j.cli;

import java.util.List;

import org.ipsec4j.lab.Firewall;
import org.ipsec4j.lab.IpVersion;
import org.ipsec4j.lab.Lab;
import org.ipsec4j.lab.Link;
import org.ipsec4j.lab.Namespace;

/**
 * A second router ("core") behind a lab's router, joined to it by a link of a smaller MTU: the narrow middle of a
 * path whose two ends sit on 1500-byte links (seed 003), so neither end learns the path MTU from its own
 * interface, only from the path.
 *
 * <pre>
 *   near side ... router 100.64.0.1 / 2001:db8:64::1 --(mtu)-- 100.64.0.2 / 2001:db8:64::2 core ... far side
 * </pre>
 *
 * The caller links the far side to {@link #core()}.
 */
record NarrowMiddle(Namespace router, Namespace core, Link link) {

    private static final String ROUTER = "100.64.0.1";
    private static final String CORE = "100.64.0.2";
    private static final String ROUTER6 = "2001:db8:64::1";
    private static final String CORE6 = "2001:db8:64::2";

    /**
     * Adds the core router and the narrow link, routing {@code farNets} (behind the core) from the router and
     * {@code nearNets} (behind the router) from the core.
     */
    static NarrowMiddle between(Lab lab, Namespace router, int mtu, List<String> nearNets, List<String> farNets) {
        Namespace core = lab.router("core");
        Link link = lab.link(router, core, mtu);
        link.a().addAddress(ROUTER + "/24");
        link.b().addAddress(CORE + "/24");
        link.a().addAddress(ROUTER6 + "/64");
        link.b().addAddress(CORE6 + "/64");
        farNets.forEach(net -> router.addRoute(net, IpVersion.of(net) == IpVersion.V4 ? CORE : CORE6));
        nearNets.forEach(net -> core.addRoute(net, IpVersion.of(net) == IpVersion.V4 ? ROUTER : ROUTER6));
        return new NarrowMiddle(router, core, link);
    }

    /**
     * Seed 003's black hole: both routers drop the "fragmentation needed" (ICMPv6 "packet too big") they would
     * send about a packet too big for the narrow link, and any they forward. Returns the four rules' firewalls,
     * for {@link #tooBigErrorsDropped}.
     */
    List<Firewall> dropTooBigErrors() {
        List<Firewall> firewalls = new java.util.ArrayList<>();
        for (Namespace n : List.of(router, core)) {
            Firewall v4 = n.firewall(IpVersion.V4);
            Firewall v6 = n.firewall(IpVersion.V6);
            for (String chain : List.of("FORWARD", "OUTPUT")) {
                v4.append(chain, "-p", "icmp", "--icmp-type", "fragmentation-needed", "-j", "DROP");
                v6.append(chain, "-p", "ipv6-icmp", "--icmpv6-type", "packet-too-big", "-j", "DROP");
            }
            firewalls.add(v4);
            firewalls.add(v6);
        }
        return firewalls;
    }

    /** How many too-big errors the rules of {@link #dropTooBigErrors} dropped so far, sent and forwarded. */
    static long tooBigErrorsDropped(List<Firewall> firewalls) {
        long dropped = 0;
        for (Firewall f : firewalls) {
            String type = f.version() == IpVersion.V4 ? "--icmp-type 3/4" : "--icmpv6-type 2";
            for (String chain : List.of("FORWARD", "OUTPUT")) {
                dropped += f.rule(chain, type).packets();
            }
        }
        return dropped;
    }
}
