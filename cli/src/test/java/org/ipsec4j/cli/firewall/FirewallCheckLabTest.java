package org.ipsec4j.cli.firewall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.StandardProtocolFamily;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.ipsec4j.lab.Lab;
import org.ipsec4j.lab.Link;
import org.ipsec4j.lab.Namespace;
import org.ipsec4j.lab.junit.UsesLab;
import org.ipsec4j.linux.ErrnoException;
import org.ipsec4j.linux.NetworkNamespace;
import org.ipsec4j.linux.PathMtuDiscovery;
import org.ipsec4j.linux.RawIpSocket;
import org.ipsec4j.linux.SocketEndpoint;
import org.ipsec4j.linux.UdpSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * firewall-check against the kernel: each ruleset is loaded with iptables-restore (or nft -f) into a namespace,
 * every probe's real packets are sent through it (raw sockets with our own headers, a UDP socket for the local
 * host's own large datagrams), and the rule whose counter took the packet, or the chain policy, must be the one
 * firewall-check names. Where the ruleset uses conntrack, the table is emptied before each probe and the
 * packets before it in its scenario are replayed with an accept-everything rule in front, as firewall-check
 * assumes ("each packet is judged as if the packets before it had got through").
 */
@UsesLab
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class FirewallCheckLabTest {

    @TempDir
    Path tmp;

    private static final int EPERM = 1;

    private final AtomicInteger fragmentIds = new AtomicInteger(0x4000);

    /** Where the probes come from and go through. */
    private record Net(Namespace peer, Namespace fw, Namespace local, String peerSideIf, String localSideIf,
            byte[] peerMac, byte[] fwMac) {

        boolean router() {
            return local != null;
        }
    }

    /** What the kernel did with one probe. */
    private record Seen(String chain, int position, String target) {
    }

    // ---- the rulesets ----

    @Test
    void seed000StatelessIp6tables() throws Exception {
        Tunnel t = Checks.tunnel(Checks.V6_LOCAL, Checks.V6_PEER);
        List<String> lines = List.of(IptablesCheckTest.SEED_000);
        crossCheck(t, RulesetFormat.IPTABLES, lines, withFilterHeader(lines), 28);
    }

    @Test
    void seed000AnswerWithConntrack() throws Exception {
        Tunnel t = Checks.tunnel(Checks.V6_LOCAL, Checks.V6_PEER);
        List<String> lines = new ArrayList<>(List.of(IptablesCheckTest.SEED_000_ANSWER));
        crossCheck(t, RulesetFormat.IPTABLES, lines, withFilterHeader(lines), 28);
    }

    /** Each state has its own rule: ND must be UNTRACKED, packet-too-big RELATED, answers ESTABLISHED. */
    @Test
    void conntrackStatesOneRuleEach() throws Exception {
        Tunnel t = Checks.tunnel(Checks.V6_LOCAL, Checks.V6_PEER);
        List<String> lines = List.of("*filter", ":INPUT DROP [0:0]", ":FORWARD DROP [0:0]", ":OUTPUT ACCEPT [0:0]",
                "-A INPUT -m conntrack --ctstate INVALID -j DROP",
                "-A INPUT -p ipv6-icmp -m conntrack --ctstate NEW -j REJECT",
                "-A INPUT -m conntrack --ctstate RELATED -j ACCEPT",
                "-A INPUT -p ipv6-icmp -m conntrack --ctstate UNTRACKED -m icmp6 --icmpv6-type neighbour-solicitation -j ACCEPT",
                "-A INPUT -m conntrack --ctstate ESTABLISHED -j ACCEPT",
                "-A INPUT -p udp -m conntrack --ctstate NEW -m udp --dport 500 -j ACCEPT",
                "COMMIT");
        crossCheck(t, RulesetFormat.IPTABLES, lines, lines, 28);
    }

    @Test
    void ipv4RawEspEstablishedWithoutRelated() throws Exception {
        Tunnel t = Checks.tunnel(Checks.V4_LOCAL, Checks.V4_PEER, false, false, Tunnel.Position.LOCAL_HOST,
                Tunnel.Initiator.BOTH);
        List<String> lines = List.of("*filter", ":INPUT DROP [0:0]", ":FORWARD DROP [0:0]", ":OUTPUT ACCEPT [0:0]",
                "-A INPUT -m conntrack --ctstate ESTABLISHED -j ACCEPT",
                "-A INPUT -p udp -m udp --dport 500 -j ACCEPT",
                "-A INPUT -s 198.51.100.0/24 -p esp -j ACCEPT",
                "COMMIT");
        crossCheck(t, RulesetFormat.IPTABLES, lines, lines, 22);
    }

    @Test
    void ipv4StatelessWithFragmentsRuleAndOutputPolicy() throws Exception {
        Tunnel t = Checks.tunnel(Checks.V4_LOCAL, Checks.V4_PEER);
        List<String> lines = List.of("*filter", ":INPUT DROP [0:0]", ":FORWARD DROP [0:0]", ":OUTPUT DROP [0:0]",
                ":IKE - [0:0]",
                "-A INPUT -s 198.51.100.1/32 -j IKE",
                "-A INPUT -p icmp -m icmp --icmp-type 3/4 -j ACCEPT",
                "-A IKE -p udp -m multiport --dports 500,4500 -j ACCEPT",
                "-A IKE -f -j ACCEPT",
                "-A IKE -j RETURN",
                "-A OUTPUT -p udp -m udp --sport 500 -j ACCEPT",
                "-A OUTPUT -p udp -m udp ! --dport 500 -j ACCEPT",
                "COMMIT");
        crossCheck(t, RulesetFormat.IPTABLES, lines, lines, 22);
    }

    @Test
    void ipv4RouterForwardWithInterfaces() throws Exception {
        Tunnel t = Checks.tunnel(Checks.V4_LOCAL, Checks.V4_PEER, false, true, Tunnel.Position.ROUTER,
                Tunnel.Initiator.LOCAL);
        List<String> lines = List.of("*filter", ":INPUT ACCEPT [0:0]", ":FORWARD DROP [0:0]", ":OUTPUT ACCEPT [0:0]",
                "-A FORWARD -i eth1 -o eth0 -j ACCEPT",
                "-A FORWARD -i eth0 -o eth1 -m state --state RELATED,ESTABLISHED -j ACCEPT",
                "-A FORWARD -i eth0 -o eth1 -p udp -m udp --dport 500 -j ACCEPT",
                "COMMIT");
        crossCheck(t, RulesetFormat.IPTABLES, lines, lines, 13);
    }

    @Test
    void nftStatelessIpv6NexthdrAndL4proto() throws Exception {
        // Raw ESP: IKE stays on port 500, so its first fragment (next header 44) meets "ip6 nexthdr udp".
        Tunnel t = Checks.tunnel(Checks.V6_LOCAL, Checks.V6_PEER, false, false, Tunnel.Position.LOCAL_HOST,
                Tunnel.Initiator.BOTH);
        List<String> lines = List.of(
                "table ip6 fwcheck {",
                "\tchain input {",
                "\t\ttype filter hook input priority filter; policy drop;",
                "\t\tip6 nexthdr udp udp dport 500 counter accept",
                "\t\tmeta l4proto udp udp dport 4500 counter accept",
                "\t\tmeta l4proto udp ip6 saddr 2001:db8::/32 counter accept",
                "\t\ticmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } counter accept",
                "\t\tcounter",
                "\t}",
                "\tchain output {",
                "\t\ttype filter hook output priority filter; policy accept;",
                "\t\ticmpv6 type nd-router-solicit counter drop",
                "\t\tcounter",
                "\t}",
                "}");
        crossCheck(t, RulesetFormat.NFT, lines, lines, 28);
    }

    private static List<String> withFilterHeader(List<String> bare) {
        List<String> out = new ArrayList<>(List.of("*filter", ":INPUT ACCEPT [0:0]", ":FORWARD ACCEPT [0:0]",
                ":OUTPUT ACCEPT [0:0]"));
        out.addAll(bare);
        out.add("COMMIT");
        return out;
    }

    // ---- the cross-check ----

    private void crossCheck(Tunnel tunnel, RulesetFormat format, List<String> checked, List<String> loaded,
            int probes) throws Exception {
        Ruleset ruleset = format.parse(checked, tunnel);
        FirewallCheck.Report report = FirewallCheck.check(ruleset, tunnel);
        boolean conntrack = report.tracking() == Tracking.CONNTRACK;
        List<String> mismatches = new ArrayList<>();
        List<String> table = new ArrayList<>();
        try (Lab lab = Lab.create()) {
            Net net = build(lab, tunnel);
            load(net, tunnel, format, loaded);
            Thread.sleep(2500); // past the links' first MLD reports: only the probes should meet the rules
            for (ProbePlan.Step step : report.steps()) {
                for (Probe probe : step.probes()) {
                    FirewallCheck.Result model = report.results().stream()
                            .filter(r -> r.probe().id().equals(probe.id())).findFirst().orElseThrow();
                    if (conntrack) {
                        ConntrackFlush.flush(net.fw().netnsName());
                        replayHistory(net, tunnel, format, report, probe);
                    }
                    zero(net, tunnel, format);
                    int expectedBytes = send(net, tunnel, probe, model, conntrack);
                    Seen kernel = decided(net, tunnel, format, expectedBytes, model);
                    String modelSays = model.decision().chain() + "#" + model.decision().position() + " "
                            + model.decision().fate();
                    String kernelSays = kernel == null ? "nothing counted"
                            : kernel.chain() + "#" + kernel.position() + " " + kernel.target();
                    boolean same = kernel != null && kernel.chain().equals(model.decision().chain())
                            && kernel.position() == model.decision().position()
                            && kernel.target().equals(model.decision().fate().name());
                    table.add(String.format("%-52s %-14s model %-22s kernel %s", probe.id(),
                            model.seen().state() == null ? "" : model.seen().state().name(), modelSays, kernelSays));
                    if (kernel == null) {
                        System.out.println("nothing counted for " + probe.id() + " (" + expectedBytes + " bytes):\n"
                                + counters(net, tunnel, format));
                    }
                    if (!same) {
                        mismatches.add(probe.id() + ": firewall-check says " + modelSays + " ("
                                + model.decision().decidedBy().describe() + "), the kernel " + kernelSays);
                    }
                }
            }
        }
        System.out.println("firewall-check vs the kernel, " + report.ruleset().formatName() + " ("
                + report.tracking() + "):\n  " + String.join("\n  ", table));
        assertEquals(List.of(), mismatches, () -> String.join("\n", table));
        assertEquals(probes, table.size(), "probes compared");
    }

    // ---- the network ----

    private Net build(Lab lab, Tunnel tunnel) {
        boolean v4 = tunnel.family() == Family.IPV4;
        String local = Addresses.text(tunnel.local());
        String peer = Addresses.text(tunnel.peer());
        Namespace peerNs = lab.host("peer");
        Namespace fw = tunnel.position() == Tunnel.Position.ROUTER ? lab.router("fw") : lab.host("fw");
        Namespace localNs = tunnel.position() == Tunnel.Position.ROUTER ? lab.host("local") : null;
        for (Namespace ns : localNs == null ? List.of(peerNs, fw) : List.of(peerNs, fw, localNs)) {
            // No router solicitations or source checks: only the probes should meet the rules.
            ns.sysctl("net.ipv6.conf.all.router_solicitations=0", "net.ipv6.conf.default.router_solicitations=0",
                    "net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.default.rp_filter=0");
        }
        Link outer = lab.link(peerNs, fw);
        String suffix = v4 ? "/32" : "/128";
        String flag = v4 ? "-4" : "-6";
        outer.a().addAddress(peer + suffix);
        byte[] peerMac = mac(peerNs, outer.a().interfaceName());
        byte[] fwMac = mac(fw, outer.b().interfaceName());
        if (localNs == null) {
            outer.b().addAddress(local + suffix);
            if (!v4) {
                fw.ip("-6", "addr", "add", "fe80::2/64", "dev", outer.b().interfaceName());
                // The gateway of the ND probes: known, so the firewall sends no solicitation of its own for it.
                neighbour(fw, outer.b().interfaceName(), "fe80::1", peerMac);
            }
            // On-link routes both ways, and static neighbours: the rules under test may well drop ND.
            peerNs.ip(flag, "route", "add", "default", "dev", outer.a().interfaceName());
            fw.ip(flag, "route", "add", "default", "dev", outer.b().interfaceName());
            neighbour(peerNs, outer.a().interfaceName(), local, fwMac);
            neighbour(fw, outer.b().interfaceName(), peer, peerMac);
            return new Net(peerNs, fw, null, outer.b().interfaceName(), null, peerMac, fwMac);
        }
        Link inner = lab.link(fw, localNs);
        inner.b().addAddress(local + suffix);
        byte[] localMac = mac(localNs, inner.b().interfaceName());
        byte[] fwInnerMac = mac(fw, inner.a().interfaceName());
        if (!v4) {
            fw.ip("-6", "addr", "add", "fe80::2/64", "dev", outer.b().interfaceName());
            fw.ip("-6", "addr", "add", "fe80::2/64", "dev", inner.a().interfaceName());
            neighbour(fw, outer.b().interfaceName(), "fe80::1", peerMac);
        }
        fw.ip(flag, "route", "add", peer + suffix, "dev", outer.b().interfaceName());
        fw.ip(flag, "route", "add", local + suffix, "dev", inner.a().interfaceName());
        peerNs.ip(flag, "route", "add", "default", "dev", outer.a().interfaceName());
        localNs.ip(flag, "route", "add", "default", "dev", inner.b().interfaceName());
        neighbour(peerNs, outer.a().interfaceName(), local, fwMac);
        neighbour(localNs, inner.b().interfaceName(), peer, fwInnerMac);
        neighbour(fw, outer.b().interfaceName(), peer, peerMac);
        neighbour(fw, inner.a().interfaceName(), local, localMac);
        return new Net(peerNs, fw, localNs, outer.b().interfaceName(), inner.a().interfaceName(), peerMac, fwMac);
    }

    private static byte[] mac(Namespace ns, String iface) {
        String out = ns.run("ip", "-br", "link", "show", "dev", iface).stdout();
        Matcher m = Pattern.compile("([0-9a-f]{2}(:[0-9a-f]{2}){5})").matcher(out);
        assertTrue(m.find(), out);
        return HexFormat.ofDelimiter(":").parseHex(m.group(1));
    }

    private static void neighbour(Namespace ns, String iface, String address, byte[] mac) {
        ns.ip("neigh", "replace", address, "lladdr", HexFormat.ofDelimiter(":").formatHex(mac), "dev", iface, "nud",
                "permanent");
    }

    private void load(Net net, Tunnel tunnel, RulesetFormat format, List<String> lines) throws IOException {
        Path file = Files.write(tmp.resolve("rules-" + System.nanoTime()), lines);
        if (format == RulesetFormat.NFT) {
            net.fw().run("nft", "-f", file.toString());
        } else {
            net.fw().run(tunnel.family() == Family.IPV4 ? "iptables-restore" : "ip6tables-restore", file.toString());
        }
    }

    private static String counters(Net net, Tunnel tunnel, RulesetFormat format) {
        return format == RulesetFormat.NFT ? net.fw().run("nft", "list", "ruleset").stdout()
                : net.fw().run(iptables(tunnel) + "-save", "-c").stdout();
    }

    private static String iptables(Tunnel tunnel) {
        return tunnel.family() == Family.IPV4 ? "iptables" : "ip6tables";
    }

    /** nft's rule counters before the probe (nft 1.0.6 cannot reset anonymous counters). */
    private java.util.Map<String, List<long[]>> nftBefore;

    private void zero(Net net, Tunnel tunnel, RulesetFormat format) {
        if (format == RulesetFormat.NFT) {
            nftBefore = nftCounters(net.fw().run("nft", "list", "ruleset").stdout());
        } else {
            net.fw().run(iptables(tunnel), "-w", "-Z");
        }
    }

    /** The packets before this probe in its scenario, sent with everything accepted, so conntrack knows them. */
    private void replayHistory(Net net, Tunnel tunnel, RulesetFormat format, FirewallCheck.Report report, Probe probe)
            throws IOException {
        List<Probe> history = new ArrayList<>();
        for (ProbePlan.Step step : report.steps()) {
            if (step.probes().contains(probe)) {
                break;
            }
            Probe first = step.probes().getFirst();
            if (first.scenario().equals(probe.scenario()) && first.quotedFlow() == null && !first.neighbourDiscovery()) {
                history.add(first);
            }
        }
        if (history.isEmpty()) {
            return;
        }
        if (format != RulesetFormat.IPTABLES) {
            throw new IllegalStateException("history replay is written for iptables");
        }
        for (String chain : List.of("INPUT", "OUTPUT", "FORWARD")) {
            net.fw().run(iptables(tunnel), "-w", "-I", chain, "1", "-j", "ACCEPT");
        }
        try {
            for (Probe p : history) {
                sendRaw(net, tunnel, p, ProbePackets.whole(p.packet()));
            }
        } finally {
            for (String chain : List.of("INPUT", "OUTPUT", "FORWARD")) {
                net.fw().run(iptables(tunnel), "-w", "-D", chain, "1");
            }
        }
    }

    // ---- sending ----

    /** Sends the probe's packets; returns the IP length the firewall should count for it. */
    private int send(Net net, Tunnel tunnel, Probe probe, FirewallCheck.Result model, boolean conntrack)
            throws Exception {
        Packet p = probe.packet();
        if (probe.neighbourDiscovery()) {
            InetAddress self = tunnel.position() == Tunnel.Position.LOCAL_HOST ? tunnel.local() : tunnel.linkLocal();
            InetAddress target = switch (p.icmpType()) {
                case IcmpTypeNames.V6_NEIGHBOUR_SOLICITATION -> p.inInterface() != null ? self : tunnel.neighbour();
                case IcmpTypeNames.V6_NEIGHBOUR_ADVERTISEMENT -> p.inInterface() != null ? tunnel.neighbour() : self;
                default -> null;
            };
            byte[] mac = p.inInterface() != null ? net.peerMac() : net.fwMac();
            byte[] packet = ProbePackets.neighbourDiscovery(p.source(), p.destination(), p.icmpType(), target, mac);
            sendRaw(net, tunnel, probe, packet);
            return packet.length;
        }
        if (probe.quotedFlow() != null) {
            FlowKey q = probe.quotedFlow();
            byte[] quoted = q.protocol() == Protocols.UDP
                    ? ProbePackets.udp(q.source(), q.destination(), q.sourcePort(), q.destinationPort(), 200, 64)
                    : ProbePackets.ip(q.source(), q.destination(), q.protocol(), new byte[64], 64, 0x4444);
            byte[] packet = ProbePackets.tooBig(p.source(), quoted);
            sendRaw(net, tunnel, probe, packet);
            return packet.length;
        }
        if (p.fragment() == Fragment.NONE) {
            byte[] packet = ProbePackets.whole(p);
            sendRaw(net, tunnel, probe, packet);
            return packet.length;
        }
        if (probe.traversal() == Traversal.OUTPUT) {
            // The local host's own large datagram, through a UDP socket: the kernel fragments it after OUTPUT.
            return sendLargeDatagram(net, tunnel, probe.whole());
        }
        List<byte[]> fragments = ProbePackets.fragments(probe.whole(), fragmentIds.incrementAndGet());
        if (model.seen().fragment() == Fragment.NONE) {
            // Reassembled before the filter (conntrack, or IPv4 local delivery): the whole train, counted once.
            for (byte[] f : fragments) {
                sendRaw(net, tunnel, probe, f);
            }
            return ProbePackets.largeDatagramLength(p.family());
        }
        byte[] f = fragments.get(p.fragment() == Fragment.FIRST ? 0 : 1);
        sendRaw(net, tunnel, probe, f);
        return f.length;
    }

    private int sendLargeDatagram(Net net, Tunnel tunnel, Packet p) throws IOException {
        StandardProtocolFamily family = tunnel.family() == Family.IPV4 ? StandardProtocolFamily.INET
                : StandardProtocolFamily.INET6;
        int sport = p.destinationPort();
        NetworkNamespace.named(net.fw().netnsName()).run(() -> {
            try (UdpSocket socket = UdpSocket.openBound(SocketEndpoint.of(p.source(), sport))) {
                socket.setPathMtuDiscovery(PathMtuDiscovery.DONT);
                byte[] payload = new byte[ProbePackets.LARGE_PAYLOAD];
                socket.send(payload, 0, payload.length, SocketEndpoint.of(p.destination(), sport));
            } catch (ErrnoException e) {
                if (e.errno() != EPERM) {
                    throw e;
                }
            }
        });
        settle();
        return ProbePackets.largeDatagramLength(p.family());
    }

    /** Sends one packet with our own IP header from the namespace the probe comes from. */
    private void sendRaw(Net net, Tunnel tunnel, Probe probe, byte[] packet) throws IOException {
        Packet p = probe.packet();
        Namespace from;
        String iface;
        if (probe.neighbourDiscovery()) {
            boolean in = p.inInterface() != null;
            boolean peerSide = (in ? p.inInterface() : p.outInterface()).equals(tunnel.peerInterface());
            if (!in) {
                from = net.fw();
                iface = peerSide ? net.peerSideIf() : net.localSideIf();
            } else {
                from = peerSide ? net.peer() : net.local();
                iface = from.interfaces().getFirst().interfaceName();
            }
        } else if (probe.traversal() == Traversal.OUTPUT) {
            from = net.fw();
            iface = net.peerSideIf();
        } else {
            boolean toLocal = p.destination().equals(tunnel.local());
            from = toLocal ? net.peer() : net.local();
            iface = from.interfaces().getFirst().interfaceName();
        }
        StandardProtocolFamily family = tunnel.family() == Family.IPV4 ? StandardProtocolFamily.INET
                : StandardProtocolFamily.INET6;
        NetworkNamespace.named(from.netnsName()).run(() -> {
            try (RawIpSocket socket = RawIpSocket.open(family, RawIpSocket.ESP)) {
                socket.setHeaderIncluded(true);
                socket.bindToDevice(iface);
                socket.send(packet, 0, packet.length, SocketEndpoint.of(p.destination(), 0));
            } catch (ErrnoException e) {
                if (e.errno() != EPERM) { // EPERM: OUTPUT dropped it, which is what is being measured
                    throw e;
                }
            }
        });
        settle();
    }

    private static void settle() {
        try {
            Thread.sleep(30); // veth delivery runs in softirq on another CPU; the counters are read after it
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    // ---- reading the kernel's decision ----

    private static final Pattern IPT_POLICY = Pattern.compile("^:(\\S+) (ACCEPT|DROP|-) \\[(\\d+):(\\d+)]$");
    private static final Pattern IPT_RULE = Pattern.compile("^\\[(\\d+):(\\d+)] -A (\\S+) (.*)$");
    private static final Pattern NFT_COUNTER = Pattern.compile("counter packets (\\d+) bytes (\\d+)");

    /**
     * The terminal rule whose counter took exactly one packet of {@code bytes}, or the policy whose counter did;
     * null if nothing did. Counters of other packets (the kernel's own ICMP errors, say) have other lengths.
     */
    private Seen decided(Net net, Tunnel tunnel, RulesetFormat format, int bytes, FirewallCheck.Result model) {
        if (format == RulesetFormat.NFT) {
            return decidedNft(net, bytes, model);
        }
        String save = net.fw().run(iptables(tunnel) + "-save", "-c", "-t", "filter").stdout();
        List<String> chains = new ArrayList<>();
        java.util.Map<String, Integer> positions = new java.util.HashMap<>();
        Seen rule = null;
        Seen policy = null;
        for (String line : save.lines().toList()) {
            Matcher pm = IPT_POLICY.matcher(line);
            if (pm.matches()) {
                chains.add(pm.group(1));
                continue;
            }
            Matcher rm = IPT_RULE.matcher(line);
            if (!rm.matches()) {
                continue;
            }
            String chain = rm.group(3);
            int position = positions.merge(chain, 1, Integer::sum) - 1;
            long packets = Long.parseLong(rm.group(1));
            long count = Long.parseLong(rm.group(2));
            Matcher target = Pattern.compile(" -j (ACCEPT|DROP|REJECT)\\b").matcher(" " + rm.group(4));
            if (packets == 1 && count == bytes && target.find()) {
                rule = new Seen(chain, position, target.group(1));
            }
        }
        if (rule != null) {
            return rule;
        }
        for (String line : save.lines().toList()) {
            Matcher pm = IPT_POLICY.matcher(line);
            if (pm.matches() && Long.parseLong(pm.group(3)) == 1 && Long.parseLong(pm.group(4)) == bytes) {
                policy = new Seen(pm.group(1), positions.getOrDefault(pm.group(1), 0), pm.group(2));
            }
        }
        return policy;
    }

    /**
     * nft: per chain, per rule, {packets, bytes, verdict (0 none, 1 accept, 2 drop, 3 reject)}. The test rulesets
     * end every base chain with a bare counter, which counts what the policy decides.
     */
    private static java.util.Map<String, List<long[]>> nftCounters(String listing) {
        java.util.Map<String, List<long[]>> out = new java.util.LinkedHashMap<>();
        List<long[]> current = null;
        for (String raw : listing.lines().toList()) {
            String line = raw.strip();
            Matcher c = Pattern.compile("^chain (\\S+) \\{$").matcher(line);
            if (c.matches()) {
                current = new ArrayList<>();
                out.put(c.group(1), current);
                continue;
            }
            if (current == null || line.isEmpty() || line.startsWith("type ") || line.equals("}")) {
                continue;
            }
            Matcher counter = NFT_COUNTER.matcher(line);
            long verdict = line.endsWith(" accept") ? 1 : line.endsWith(" drop") ? 2 : line.endsWith(" reject") ? 3 : 0;
            current.add(counter.find() ? new long[] {Long.parseLong(counter.group(1)), Long.parseLong(counter.group(2)),
                verdict} : new long[] {0, 0, verdict});
        }
        return out;
    }

    private Seen decidedNft(Net net, int bytes, FirewallCheck.Result model) {
        java.util.Map<String, List<long[]>> after = nftCounters(net.fw().run("nft", "list", "ruleset").stdout());
        Seen policy = null;
        for (var chain : after.entrySet()) {
            List<long[]> rules = chain.getValue();
            List<long[]> before = nftBefore.get(chain.getKey());
            for (int i = 0; i < rules.size(); i++) {
                long packets = rules.get(i)[0] - before.get(i)[0];
                long count = rules.get(i)[1] - before.get(i)[1];
                if (packets != 1 || count != bytes) {
                    continue;
                }
                long verdict = rules.get(i)[2];
                if (verdict != 0) {
                    return new Seen(chain.getKey(), i, verdict == 1 ? "ACCEPT" : verdict == 2 ? "DROP" : "REJECT");
                }
                if (i == rules.size() - 1) {
                    // The closing bare counter: the policy decided (firewall-check counts the counter as a rule).
                    policy = new Seen(chain.getKey(), rules.size(), policyOf(net, chain.getKey()));
                }
            }
        }
        return policy;
    }

    private static String policyOf(Net net, String chain) {
        Matcher p = Pattern.compile("chain " + Pattern.quote(chain)
                + " \\{\\s*type filter hook \\S+ priority \\S+; policy (accept|drop);")
                .matcher(net.fw().run("nft", "list", "ruleset").stdout());
        return p.find() ? p.group(1).toUpperCase(java.util.Locale.ROOT) : "?";
    }

}
