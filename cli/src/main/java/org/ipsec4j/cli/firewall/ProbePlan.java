package org.ipsec4j.cli.firewall;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The packets an IPsec tunnel needs, in the order they happen, grouped in steps: the tunnel started by one side
 * (IKE_SA_INIT on UDP 500, IKE_AUTH on 500 or 4500, whole or as IP fragments, ESP or ESP in UDP or AH both ways,
 * ICMP "fragmentation needed" / "packet too big" about them), the other side speaking first after an idle spell
 * once the firewall forgot the connection, and IPv6 neighbour discovery. The packets of one step are
 * alternatives (an IKE_AUTH message crosses whole or as fragments), all judged against the firewall's state
 * before the step.
 */
public final class ProbePlan {

    /** One moment of the tunnel's life: the packets that may cross then. */
    public record Step(String scenario, String title, List<Probe> probes) {
    }

    static final int IKE_PORT = 500;
    static final int NAT_T_PORT = 4500;
    static final int HOP_LIMIT = 64;
    static final int ND_HOP_LIMIT = 255;
    /** The identification of our fragment trains (seed 000's), for {@code -m frag --fragid}. */
    static final long FRAGMENT_ID = 0x5efa507cL;

    private final Tunnel tunnel;
    private final boolean stateful;
    private final List<Step> steps = new ArrayList<>();

    private ProbePlan(Tunnel tunnel, boolean stateful) {
        this.tunnel = tunnel;
        this.stateful = stateful;
    }

    /**
     * @param stateful whether the firewall keeps state for the tunnel's family (adds the after-idle scenario
     *        when only one side starts the tunnel)
     * @param asa whether the firewall is an ASA (no neighbour discovery through it)
     */
    public static List<Step> of(Tunnel tunnel, boolean stateful, boolean asa) {
        ProbePlan plan = new ProbePlan(tunnel, stateful);
        switch (tunnel.initiator()) {
            case LOCAL -> plan.scenario(true);
            case PEER -> plan.scenario(false);
            case BOTH -> {
                plan.scenario(true);
                plan.scenario(false);
            }
        }
        if (stateful && tunnel.initiator() != Tunnel.Initiator.BOTH) {
            plan.afterIdle(tunnel.initiator() == Tunnel.Initiator.LOCAL);
        }
        if (tunnel.family() == Family.IPV6 && !asa) {
            plan.neighbourDiscovery(tunnel.peerInterface());
            if (tunnel.position() == Tunnel.Position.ROUTER) {
                plan.neighbourDiscovery(tunnel.localInterface());
            }
        }
        return List.copyOf(plan.steps);
    }

    private int ikeAuthPort() {
        return tunnel.udpEncapsulation() ? NAT_T_PORT : IKE_PORT;
    }

    private void scenario(boolean localStarts) {
        String scenario = localStarts ? "local-starts" : "peer-starts";
        InetAddress i = localStarts ? tunnel.local() : tunnel.peer();
        InetAddress r = localStarts ? tunnel.peer() : tunnel.local();
        String starter = localStarts ? "the local host" : "the peer";
        String other = localStarts ? "the peer" : "the local host";

        step(scenario, "IKE_SA_INIT request", List.of(udp(scenario + ".ike-sa-init-request",
                "IKE_SA_INIT request (UDP 500)", i, r, IKE_PORT, Probe.Need.REQUIRED,
                starter + " starts every IKE SA with it (RFC 7296 §1.2)")));
        step(scenario, "IKE_SA_INIT response", List.of(udp(scenario + ".ike-sa-init-response",
                "IKE_SA_INIT response (UDP 500)", r, i, IKE_PORT, Probe.Need.REQUIRED,
                other + " answers on the same ports")));
        ikeAuth(scenario + ".ike-auth-request", "IKE_AUTH request", i, r, starter);
        ikeAuth(scenario + ".ike-auth-response", "IKE_AUTH response", r, i, other);
        ipsec(scenario + ".ipsec-out", i, r, Probe.Need.REQUIRED, "carries the tunnel's traffic from " + starter);
        ipsec(scenario + ".ipsec-back", r, i, Probe.Need.REQUIRED, "carries the tunnel's traffic from " + other);
        tooBig(scenario + ".too-big-to-" + (localStarts ? "local" : "peer"), i, r);
        tooBig(scenario + ".too-big-to-" + (localStarts ? "peer" : "local"), r, i);
    }

    /** The IKE_AUTH message whole, and unless RFC 7383 is in use, as a first and a later IP fragment. */
    private void ikeAuth(String id, String title, InetAddress from, InetAddress to, String sender) {
        int port = ikeAuthPort();
        String portText = tunnel.udpEncapsulation() ? "UDP 4500, non-ESP marker" : "UDP 500";
        List<Probe> probes = new ArrayList<>();
        probes.add(udp(id, title + " (" + portText + ")", from, to, port, Probe.Need.REQUIRED,
                sender + " authenticates with it" + (tunnel.udpEncapsulation()
                        ? "; IKE moves to port 4500 for UDP encapsulation (RFC 7296 §2.23)" : "")));
        if (!tunnel.ikeFragmentation()) {
            String why = "an IKE_AUTH with certificates is larger than the path MTU, and without IKE fragmentation "
                    + "(RFC 7383) it crosses as IP fragments (seed 000)";
            Packet whole = packet(from, to, Protocols.UDP, Fragment.NONE, port, port, -1, -1, HOP_LIMIT);
            Packet first = packet(from, to, Protocols.UDP, Fragment.FIRST, port, port, -1, -1, HOP_LIMIT);
            Packet later = packet(from, to, Protocols.UDP, Fragment.LATER, -1, -1, -1, -1, HOP_LIMIT);
            FlowKey flow = FlowKey.of(whole);
            probes.add(new Probe(id + ".first-fragment", scenarioOf(id), title + ", first IP fragment (UDP header)",
                    first, traversal(to), Probe.Need.REQUIRED, why, flow, null, whole, null, false));
            probes.add(new Probe(id + ".later-fragment", scenarioOf(id), title + ", later IP fragment (no UDP header)",
                    later, traversal(to), Probe.Need.REQUIRED, why, flow, null, whole, first, false));
        }
        step(scenarioOf(id), title, probes);
    }

    private void ipsec(String id, InetAddress from, InetAddress to, Probe.Need need, String why) {
        Probe probe;
        if (tunnel.ah()) {
            probe = raw(id, "AH (protocol 51)", from, to, Protocols.AH, need, why);
        } else if (tunnel.udpEncapsulation()) {
            probe = udp(id, "ESP in UDP (UDP 4500)", from, to, NAT_T_PORT, need, why);
        } else {
            probe = raw(id, "ESP (protocol 50)", from, to, Protocols.ESP, need, why);
        }
        step(scenarioOf(id), probe.what(), List.of(probe));
    }

    /**
     * An ICMP "fragmentation needed" (IPv4) or "packet too big" (IPv6) for {@code target}, about its own IPsec
     * packet to {@code other}, from a router on the path; only if that ICMP crosses the firewall.
     */
    private void tooBig(String id, InetAddress target, InetAddress other) {
        boolean toLocal = target.equals(tunnel.local());
        if (!toLocal && tunnel.position() == Tunnel.Position.LOCAL_HOST) {
            return; // a router between the local host and the peer writes to the peer without crossing us
        }
        InetAddress router = toLocal ? tunnel.icmpFromPeerSide() : tunnel.icmpFromLocalSide();
        boolean v4 = tunnel.family() == Family.IPV4;
        Packet quoted = ipsecPacket(target, other);
        Packet p = packet(router, target, tunnel.family().icmpProtocol(), Fragment.NONE, -1, -1,
                v4 ? IcmpTypeNames.V4_DESTINATION_UNREACHABLE : IcmpTypeNames.V6_PACKET_TOO_BIG,
                v4 ? IcmpTypeNames.V4_FRAGMENTATION_NEEDED : 0, HOP_LIMIT);
        p = withInterfaces(p, toLocal);
        String what = (v4 ? "ICMP fragmentation needed (type 3 code 4)" : "ICMPv6 packet too big (type 2)")
                + " from a router, about " + (toLocal ? "the local host's" : "the peer's") + " "
                + (tunnel.ah() ? "AH" : tunnel.udpEncapsulation() ? "ESP in UDP" : "ESP");
        String why = "path MTU discovery: without it full-size packets with DF are lost without a word "
                + "(a PMTU black hole, seeds 003 and 004)";
        Probe probe = new Probe(id, scenarioOf(id), what, p, tunnel.position() == Tunnel.Position.ROUTER
                ? Traversal.FORWARD : Traversal.INPUT, Probe.Need.RECOMMENDED, why, null, FlowKey.of(quoted), null,
                null, false);
        step(scenarioOf(id), what, List.of(probe));
    }

    /** After conntrack forgot the flows: the side that did not start the tunnel speaks first. */
    private void afterIdle(boolean localStarts) {
        InetAddress r = localStarts ? tunnel.peer() : tunnel.local();
        InetAddress i = localStarts ? tunnel.local() : tunnel.peer();
        String who = localStarts ? "the peer" : "the local host";
        String why = "after an idle spell longer than the firewall's timeout (conntrack: 120 s for UDP, 600 s for "
                + "ESP and AH) the firewall has forgotten the tunnel, and " + who + " may speak first: a rekey, "
                + "DPD or traffic from its side";
        step("after-idle", "IKE request from " + who, List.of(udp("after-idle.ike-request",
                "IKE request from " + who + " (" + (tunnel.udpEncapsulation() ? "UDP 4500" : "UDP 500") + ")", r, i,
                ikeAuthPort(), Probe.Need.RECOMMENDED, why)));
        if (!tunnel.udpEncapsulation()) {
            ipsec("after-idle.ipsec", r, i, Probe.Need.RECOMMENDED, why);
        }
    }

    private void neighbourDiscovery(String iface) {
        InetAddress self = tunnel.position() == Tunnel.Position.LOCAL_HOST ? tunnel.local() : tunnel.linkLocal();
        InetAddress neighbour = tunnel.neighbour();
        String scenario = "nd";
        String prefix = "nd." + iface + ".";
        String onLink = "without neighbour discovery no IPv6 packet reaches its next hop (RFC 4861)";
        nd(prefix + "ns-in", "neighbour solicitation from the gateway", neighbour, Addresses.solicitedNode(self),
                IcmpTypeNames.V6_NEIGHBOUR_SOLICITATION, iface, true, Probe.Need.REQUIRED, onLink);
        nd(prefix + "na-out", "neighbour advertisement to the gateway", self, neighbour,
                IcmpTypeNames.V6_NEIGHBOUR_ADVERTISEMENT, iface, false, Probe.Need.REQUIRED, onLink);
        nd(prefix + "ns-out", "neighbour solicitation for the gateway", self, Addresses.solicitedNode(neighbour),
                IcmpTypeNames.V6_NEIGHBOUR_SOLICITATION, iface, false, Probe.Need.REQUIRED, onLink);
        nd(prefix + "na-in", "neighbour advertisement from the gateway", neighbour, self,
                IcmpTypeNames.V6_NEIGHBOUR_ADVERTISEMENT, iface, true, Probe.Need.REQUIRED, onLink);
        String slaac = "router discovery: the default route and SLAAC addresses come from router advertisements";
        nd(prefix + "rs-out", "router solicitation", tunnel.linkLocal(), literal("ff02::2"),
                IcmpTypeNames.V6_ROUTER_SOLICITATION, iface, false, Probe.Need.RECOMMENDED, slaac);
        nd(prefix + "ra-in", "router advertisement", neighbour, literal("ff02::1"),
                IcmpTypeNames.V6_ROUTER_ADVERTISEMENT, iface, true, Probe.Need.RECOMMENDED, slaac);
    }

    private void nd(String id, String what, InetAddress from, InetAddress to, int type, String iface, boolean in,
            Probe.Need need, String why) {
        Packet p = new Packet(Family.IPV6, from, to, Protocols.ICMPV6, Protocols.ICMPV6, Fragment.NONE, -1, -1, type,
                0, ND_HOP_LIMIT, in ? iface : null, in ? null : iface, null, 0);
        Probe probe = new Probe(id, "nd", what + " on " + iface, p, in ? Traversal.INPUT : Traversal.OUTPUT, need,
                why, null, null, null, null, true);
        step("nd", probe.what(), List.of(probe));
    }

    // ---- packets ----

    private void step(String scenario, String title, List<Probe> probes) {
        steps.add(new Step(scenario, title, List.copyOf(probes)));
    }

    private static String scenarioOf(String id) {
        return id.substring(0, id.indexOf('.'));
    }

    private Probe udp(String id, String what, InetAddress from, InetAddress to, int port, Probe.Need need, String why) {
        Packet p = packet(from, to, Protocols.UDP, Fragment.NONE, port, port, -1, -1, HOP_LIMIT);
        return new Probe(id, scenarioOf(id), what, p, traversal(to), need, why, FlowKey.of(p), null, null, null, false);
    }

    private Probe raw(String id, String what, InetAddress from, InetAddress to, int protocol, Probe.Need need,
            String why) {
        Packet p = packet(from, to, protocol, Fragment.NONE, -1, -1, -1, -1, HOP_LIMIT);
        return new Probe(id, scenarioOf(id), what, p, traversal(to), need, why, FlowKey.of(p), null, null, null, false);
    }

    private Packet ipsecPacket(InetAddress from, InetAddress to) {
        if (tunnel.ah()) {
            return packet(from, to, Protocols.AH, Fragment.NONE, -1, -1, -1, -1, HOP_LIMIT);
        }
        if (tunnel.udpEncapsulation()) {
            return packet(from, to, Protocols.UDP, Fragment.NONE, NAT_T_PORT, NAT_T_PORT, -1, -1, HOP_LIMIT);
        }
        return packet(from, to, Protocols.ESP, Fragment.NONE, -1, -1, -1, -1, HOP_LIMIT);
    }

    private Traversal traversal(InetAddress to) {
        if (tunnel.position() == Tunnel.Position.ROUTER) {
            return Traversal.FORWARD;
        }
        return to.equals(tunnel.local()) ? Traversal.INPUT : Traversal.OUTPUT;
    }

    private Packet packet(InetAddress from, InetAddress to, int protocol, Fragment fragment, int sport, int dport,
            int icmpType, int icmpCode, int hopLimit) {
        boolean toLocal = to.equals(tunnel.local());
        int nextHeader = tunnel.family() == Family.IPV6 && fragment != Fragment.NONE ? Protocols.IPV6_FRAGMENT : protocol;
        Packet p = new Packet(tunnel.family(), from, to, protocol, nextHeader, fragment, sport, dport, icmpType,
                icmpCode, hopLimit, null, null, null, fragment == Fragment.NONE ? 0 : FRAGMENT_ID);
        return withInterfaces(p, toLocal);
    }

    private Packet withInterfaces(Packet p, boolean toLocal) {
        String in;
        String out;
        if (tunnel.position() == Tunnel.Position.ROUTER) {
            in = toLocal ? tunnel.peerInterface() : tunnel.localInterface();
            out = toLocal ? tunnel.localInterface() : tunnel.peerInterface();
        } else {
            in = toLocal ? tunnel.peerInterface() : null;
            out = toLocal ? null : tunnel.peerInterface();
        }
        return new Packet(p.family(), p.source(), p.destination(), p.protocol(), p.nextHeader(), p.fragment(),
                p.sourcePort(), p.destinationPort(), p.icmpType(), p.icmpCode(), p.hopLimit(), in, out, p.state(),
                p.fragmentId());
    }

    private static InetAddress literal(String text) {
        return InetAddress.ofLiteral(text);
    }
}
