package org.ipsec4j.cli.firewall;

import java.util.Locale;

import org.ipsec4j.daemon.control.JsonWriter;

/** {@code ipsec4j firewall-check --json}: the report's content for scripts. */
public final class ReportJson {

    private ReportJson() {
    }

    public static String render(FirewallCheck.Report report, String source) {
        Tunnel t = report.tunnel();
        JsonWriter j = new JsonWriter().beginObject();
        j.name("ruleset").beginObject()
                .member("format", report.ruleset().formatName())
                .member("source", source)
                .member("state", report.tracking().name().toLowerCase(Locale.ROOT));
        j.name("notes").beginArray();
        report.ruleset().notes().forEach(j::value);
        j.endArray().endObject();
        j.name("tunnel").beginObject()
                .member("local", Addresses.text(t.local()))
                .member("peer", Addresses.text(t.peer()))
                .member("family", t.family() == Family.IPV4 ? "ipv4" : "ipv6")
                .member("encapsulation", t.ah() ? "ah" : t.udpEncapsulation() ? "esp-in-udp" : "esp")
                .member("initiator", t.initiator().name().toLowerCase(Locale.ROOT))
                .member("ikeFragmentation", t.ikeFragmentation())
                .member("firewall", t.position() == Tunnel.Position.LOCAL_HOST ? "local-host" : "router")
                .member("peerInterface", t.peerInterface());
        if (t.position() == Tunnel.Position.ROUTER) {
            j.member("localInterface", t.localInterface());
        }
        j.endObject();
        j.member("verdict", report.verdict());
        j.name("packets").beginArray();
        for (FirewallCheck.Result r : report.results()) {
            Probe probe = r.probe();
            Packet p = probe.packet();
            j.beginObject()
                    .member("id", probe.id())
                    .member("scenario", probe.scenario())
                    .member("what", probe.what())
                    .member("direction", probe.direction(t))
                    .member("need", probe.need().name().toLowerCase(Locale.ROOT))
                    .member("why", probe.why());
            j.name("packet").beginObject()
                    .member("protocol", Protocols.name(p.protocol()))
                    .member("source", Addresses.text(p.source()))
                    .member("destination", Addresses.text(p.destination()));
            if (p.sourcePort() >= 0) {
                j.member("sourcePort", p.sourcePort()).member("destinationPort", p.destinationPort());
            }
            if (p.icmpType() >= 0) {
                j.member("icmpType", p.icmpType()).member("icmpCode", p.icmpCode());
            }
            j.member("fragment", p.fragment().name().toLowerCase(Locale.ROOT));
            if (p.inInterface() != null) {
                j.member("inInterface", p.inInterface());
            }
            if (p.outInterface() != null) {
                j.member("outInterface", p.outInterface());
            }
            j.endObject();
            j.member("traversal", probe.traversal().name());
            if (r.seen().state() != null) {
                j.member("state", r.seen().state().name());
            }
            j.member("fate", r.decision().fate().name().toLowerCase(Locale.ROOT));
            j.member("passed", r.passed());
            ref(j.name("decidedBy"), r.decision().decidedBy());
            j.name("trail").beginArray();
            r.decision().trail().forEach(ref -> ref(j, ref));
            j.endArray();
            j.name("notes").beginArray();
            r.notes().forEach(j::value);
            j.endArray();
            j.endObject();
        }
        j.endArray();
        j.name("fixes").beginArray();
        for (FirewallCheck.AppliedFix applied : report.fixes()) {
            Fix fix = applied.fix();
            j.beginObject()
                    .member("where", fix.where())
                    .member("rule", fix.rule())
                    .member("command", fix.command())
                    .member("chain", fix.chain());
            if (fix.beforeLine() > 0) {
                j.member("beforeLine", fix.beforeLine());
            }
            j.name("letsThrough").beginArray();
            applied.letsThrough().forEach(j::value);
            j.endArray().endObject();
        }
        j.endArray();
        j.name("unfixed").beginArray();
        report.unfixed().forEach(r -> j.value(r.probe().id()));
        j.endArray();
        j.endObject();
        return j.toString();
    }

    private static void ref(JsonWriter j, RuleRef ref) {
        j.beginObject();
        if (ref.line() > 0) {
            j.member("line", ref.line());
        }
        j.member("text", ref.text()).member("chain", ref.chain()).endObject();
    }
}
