package org.ipsec4j.diag.analyze;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code path-mtu-reported}: ICMP fragmentation-needed / Packet Too Big errors that quote IKE or ESP, with the
 * MTU they carry, one finding per reporter, quoted flow and MTU. When the sender kept sending packets above
 * the reported MTU afterwards (seed 003: the report reached it and changed nothing), it is a warning.
 */
final class PathMtuReportedDetector implements FindingDetector {

    static final String ID = "path-mtu-reported";
    static final int IGNORED_AFTER = 3;

    private record Group(NetAddress reporter, QuotedPacket.Kind kind, NetAddress source, NetAddress destination,
            int sourcePort, int destinationPort, int spi, int mtu) {}

    @Override
    public void finish(AnalysisContext context, FindingCollector out) {
        Map<Group, List<IcmpError>> groups = new LinkedHashMap<>();
        for (IcmpError e : context.pathMtuErrors()) {
            QuotedPacket q = e.quoted();
            if (!q.kind().ipsec()) {
                continue;
            }
            groups.computeIfAbsent(new Group(e.reporter(), q.kind(), q.source(), q.destination(), q.sourcePort(),
                    q.destinationPort(), q.spi(), e.mtu()), g -> new ArrayList<>()).add(e);
        }
        for (Map.Entry<Group, List<IcmpError>> entry : groups.entrySet()) {
            Group g = entry.getKey();
            List<IcmpError> errors = entry.getValue();
            List<Long> evidence = new ArrayList<>();
            for (IcmpError e : errors) {
                evidence.add(e.packet());
                if (e.quotedPacket() > 0) {
                    evidence.add(e.quotedPacket());
                }
            }
            IcmpError first = errors.getFirst();
            String what = g.kind() == QuotedPacket.Kind.IKE || g.kind() == QuotedPacket.Kind.NAT_KEEPALIVE
                    || g.kind() == QuotedPacket.Kind.ESP_IN_UDP
                    ? new TransportEndpoint(g.source(), g.sourcePort()) + " > " + new TransportEndpoint(g.destination(), g.destinationPort())
                    : g.source() + " > " + g.destination();
            String summary = g.reporter() + " reported " + (g.mtu() > 0 ? "MTU " + g.mtu() : "no MTU (pre-RFC 1191)")
                    + " for " + g.kind().label() + " " + what + (g.spi() != 0 ? " spi " + Text.spi32(g.spi()) : "")
                    + " in " + Text.plural(errors.size(), first.v6() ? "ICMPv6 Packet Too Big" : "ICMP fragmentation-needed")
                    + " (first #" + first.packet() + (first.quotedPacket() > 0 ? ", quoting #" + first.quotedPacket() : "")
                    + ")";
            Severity severity = Severity.INFO;
            String cause = "A link beyond " + g.reporter() + " has an MTU of " + g.mtu() + " bytes; packets with DF "
                    + "(every IPv6 packet) larger than that cannot pass it, and the router said so.";
            String fix = "Nothing, if the sender adapts (later packets fit). A tunnel MTU that fits from the start "
                    + "avoids the lost packets: at most the path MTU less the IPsec overhead (ipsec4j mtu).";
            EspFlow flow = g.spi() != 0 ? context.espFlows.bySa(g.source(), g.destination(), g.spi()) : null;
            if (flow != null && flow.oversizeAfterReport() >= IGNORED_AFTER) {
                severity = Severity.WARNING;
                evidence.addAll(flow.oversizeAfterReportPackets());
                summary += "; the sender went on sending " + Text.plural(flow.oversizeAfterReport(), "packet")
                        + " larger than that (" + Text.packets(flow.oversizeAfterReportPackets(), 3) + ")";
                cause += " The sender ignored the report: its IPsec stack does not apply ICMP errors about its "
                        + "outer packets to the SA (seed 003: RFC 4301 §8.2.1 lets it refuse unauthenticated ICMP), "
                        + "so full-size packets keep getting dropped.";
                fix = "Lower the tunnel MTU (or clamp the inner TCP MSS) to fit " + g.mtu() + " bytes after the "
                        + "IPsec overhead, or clear DF on the outer header so routers may fragment.";
            } else if (g.kind() == QuotedPacket.Kind.IKE) {
                fix = "Nothing for IKE if the sender retried smaller; IKE fragmentation (RFC 7383, fragmentation = "
                        + "yes) keeps large IKE messages under the path MTU.";
            }
            out.add(Finding.of(ID, severity, summary, evidence, cause, fix));
        }
    }
}
