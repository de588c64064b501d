package org.ipsec4j.daemon.control;

import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;

/** {@code ipsec4j status}: the {@link StatusReport} for people, one SA or policy per paragraph or line. */
public final class StatusText {

    /** What the counters mean; the same holds for {@code status --json}. */
    public static final String LEGEND = """
            Counters: packets and bytes are the IP packets each SA carried as they are in the clear: the inner
              packet in tunnel mode, the packet with its own IP header in transport mode (no ESP, AH, UDP or
              outer IP header), counted alike on the sending and the receiving side, so an SA's bytes at one end
              match its bytes at the other. Drops are counted by reason, on the SA where one is known.
            Path MTU: the outer path's MTU per outbound SA (the link's, or lower as ICMP quoting the SA's packets
              reported, back to the link's ten minutes later) and the largest inner packet that fits it; too-big
              inner packets get "fragmentation needed" / "packet too big" with that size, or are fragmented
              before encryption when they allow it.
            """;

    private StatusText() {}

    public static String render(StatusReport report) {
        StringBuilder out = new StringBuilder();
        StatusReport.DaemonSummary d = report.daemon();
        out.append("ipsec4j ").append(d.version()).append(", pid ").append(d.pid()).append(", up ")
                .append(d.uptimeSeconds()).append(" s");
        if (d.setkeyFile() != null) {
            out.append(", setkey ").append(d.setkeyFile());
        }
        if (report.ike() != null) {
            out.append(", swanctl ").append(report.ike().swanctlFile());
        }
        out.append('\n');
        out.append("tunnel ").append(d.tunnel()).append(" mtu ").append(d.tunnelMtu()).append(", routes in table ")
                .append(d.routingTable()).append(", own packets marked 0x").append(Integer.toHexString(d.firewallMark()));
        if (d.setkeyFile() != null) {
            out.append(", esp encapsulation ").append(d.encapsulation()); // what plain setkey 'esp' SAs use
        }
        out.append('\n');

        if (report.ike() != null) {
            ike(out, report);
        }
        if (!report.failClosed().isEmpty()) {
            out.append('\n').append("Fail closed (held while no Child SA carries them) and shunts:\n");
            for (StatusReport.HeldPolicy p : report.failClosed()) {
                out.append("  ").append(p.name()).append(": out ").append(p.selector()).append("  ")
                        .append(p.action()).append("  hits ").append(p.hits()).append('\n');
            }
        }
        if (d.setkeyFile() != null) {
            setkey(out, report);
        }
        StatusReport.GlobalCounters g = report.global();
        out.append('\n').append("Data plane:\n");
        out.append("  out ").append(g.outboundPackets()).append(" packets, ").append(g.outboundBytes())
                .append(" bytes, drops: ").append(drops(g.outboundDrops())).append('\n');
        out.append("  in  ").append(g.inboundPackets()).append(" packets, ").append(g.inboundBytes())
                .append(" bytes, drops: ").append(drops(g.inboundDrops())).append('\n');
        out.append("  bypassed ").append(g.bypassed()).append(", IKE messages ").append(g.ikeMessages())
                .append(", NAT keepalives sent ").append(g.keepalivesSent()).append(", received ")
                .append(g.keepalivesReceived()).append('\n');
        if (!g.pathMtu().isEmpty()) {
            out.append("  path mtu: ").append(drops(g.pathMtu())).append('\n');
        }
        out.append('\n').append(LEGEND);
        return out.toString();
    }

    private static void setkey(StringBuilder out, StatusReport report) {
        out.append('\n').append("Security associations: ").append(report.sas().size()).append('\n');
        for (StatusReport.SaStatus sa : report.sas()) {
            boolean outbound = sa.direction().equals("out");
            out.append("  ").append(sa.spiText()).append(' ').append(pad(sa.direction(), 3)).append(' ')
                    .append(sa.protocol()).append(' ').append(sa.mode()).append(' ')
                    .append(sa.localAddress()).append(outbound ? " -> " : " <- ").append(sa.remoteAddress());
            if (sa.udpLocalPort() != 0) {
                out.append(" udp ").append(sa.udpLocalPort()).append(outbound ? " -> " : " <- ")
                        .append(sa.udpRemotePort());
            }
            out.append('\n');
            out.append("      ");
            if (sa.encryption() == null) {
                out.append(sa.integrity()); // AH: integrity only
            } else {
                out.append(sa.encryption());
                if (!sa.integrity().equals("none")) {
                    out.append(" + ").append(sa.integrity());
                }
            }
            if (sa.replayWindow() >= 0) {
                out.append(", replay window ").append(sa.replayWindow() == 0 ? "off" : sa.replayWindow() + " packets");
            }
            out.append(outbound ? ", last seq " : ", highest seq ").append(sa.sequenceNumber())
                    .append(", ").append(sa.state()).append(", age ").append(sa.ageSeconds()).append(" s")
                    .append(", setkey line ").append(sa.setkeyLine()).append('\n');
            out.append("      lifetime soft ").append(sa.softLifetime()).append(", hard ").append(sa.hardLifetime())
                    .append('\n');
            out.append("      ").append(sa.packets()).append(" packets, ").append(sa.bytes()).append(" bytes")
                    .append(", drops: ").append(drops(sa.drops())).append('\n');
            if (outbound && sa.pathMtu() != null) {
                out.append("      path mtu ").append(sa.pathMtu().text()).append('\n');
            }
        }

        out.append('\n').append("Policies: ").append(report.policies().size()).append('\n');
        for (StatusReport.PolicyStatus policy : report.policies()) {
            out.append("  ").append(pad(policy.direction(), 3)).append(' ').append(policy.selector()).append("  ")
                    .append(policy.action());
            if (policy.boundSpi() != null) {
                out.append(" via ").append(policy.boundSpi());
            }
            out.append("  hits ").append(policy.hits()).append('\n');
        }

    }

    private static void ike(StringBuilder out, StatusReport report) {
        StatusReport.IkeSummary ike = report.ike();
        out.append('\n').append("IKE connections: ").append(ike.connections().size()).append(", IKE messages dropped: ")
                .append(ike.droppedMessages()).append(", half-open IKE SAs: ").append(ike.halfOpen())
                .append(", COOKIEs demanded: ").append(ike.cookiesDemanded()).append('\n');
        for (StatusReport.ConnectionSummary c : ike.connections()) {
            out.append("  ").append(c.name()).append(": ").append(addresses(c.localAddresses())).append(" ... ")
                    .append(addresses(c.remoteAddresses())).append(", ").append(c.authentication()).append(", local '")
                    .append(c.localId()).append("', remote '").append(c.remoteId()).append("'");
            if (!c.children().isEmpty()) {
                out.append(", children ").append(String.join(", ", c.children()));
            }
            out.append('\n');
        }
        out.append('\n').append("IKE SAs: ").append(report.ikeSas().size()).append('\n');
        for (StatusReport.IkeSaReport sa : report.ikeSas()) {
            out.append("  ").append(sa.connection()).append(": ").append(sa.state()).append(", IKEv2, ")
                    .append(sa.initiatorSpi()).append("_i").append(sa.initiator() ? "* " : " ")
                    .append(sa.responderSpi()).append("_r").append(sa.initiator() ? "" : "*").append('\n');
            out.append("    local  '").append(sa.localId()).append("' @ ").append(sa.localAddress()).append('[')
                    .append(sa.localPort()).append(']');
            if (sa.localVirtualIp() != null) {
                out.append(" [").append(sa.localVirtualIp()).append(']');
            }
            out.append('\n');
            out.append("    remote '").append(sa.remoteId()).append("' @ ").append(sa.remoteAddress()).append('[')
                    .append(sa.remotePort()).append(']');
            if (sa.remoteVirtualIp() != null) {
                out.append(" [").append(sa.remoteVirtualIp()).append(']');
            }
            out.append('\n');
            if (sa.algorithms() != null) {
                out.append("    ").append(sa.algorithms()).append('\n');
            }
            out.append("    NAT: ").append(nat(sa)).append(sa.fragmentation() ? ", IKE fragmentation" : "")
                    .append('\n');
            out.append("    path MTU: ").append(sa.pathMtu() > 0 ? sa.pathMtu() + " (" + sa.pathMtuState() + ")"
                    : sa.pathMtuState()).append('\n');
            for (StatusReport.ChildSaReport child : sa.children()) {
                out.append("    ").append(child.name()).append(": ").append(child.state()).append(", reqid ")
                        .append(child.reqid()).append(", ").append(child.mode())
                        .append(child.udpEncapsulation() ? "-in-UDP" : "").append(", ESP:").append(child.algorithms())
                        .append('\n');
                out.append("      in  ").append(child.inboundSpi()).append(", ").append(child.inboundBytes())
                        .append(" bytes, ").append(child.inboundPackets()).append(" packets\n");
                out.append("      out ").append(child.outboundSpi()).append(", ").append(child.outboundBytes())
                        .append(" bytes, ").append(child.outboundPackets()).append(" packets");
                if (child.pathMtu() != null) {
                    out.append(", path mtu ").append(child.pathMtu().text());
                }
                out.append('\n');
                out.append("      local  ").append(String.join(" ", child.localSelectors())).append('\n');
                out.append("      remote ").append(String.join(" ", child.remoteSelectors())).append('\n');
                if (child.espPathFailure() != null) {
                    out.append("      ESP path FAILED: ").append(child.espPathFailure()).append('\n');
                }
            }
        }
    }

    private static String addresses(java.util.List<String> addresses) {
        return addresses.isEmpty() ? "%any" : String.join(",", addresses);
    }

    private static String nat(StatusReport.IkeSaReport sa) {
        StringJoiner parts = new StringJoiner(", ");
        if (sa.localBehindNat()) {
            parts.add("local behind NAT");
        }
        if (sa.remoteBehindNat()) {
            parts.add("remote behind NAT");
        }
        if (sa.udpEncapsulation()) {
            parts.add(sa.natFaked() ? "ESP in UDP (NAT detection faked: encap = yes, or raw ESP found blocked)"
                    : "ESP in UDP");
        }
        return parts.length() == 0 ? "none" : parts.toString();
    }

    static String drops(Map<String, Long> drops) {
        if (drops.isEmpty()) {
            return "none";
        }
        StringJoiner joined = new StringJoiner(", ");
        new TreeMap<>(drops).forEach((reason, count) -> joined.add(reason + " " + count));
        return joined.toString();
    }

    private static String pad(String text, int width) {
        return text.length() >= width ? text : text + " ".repeat(width - text.length());
    }
}
