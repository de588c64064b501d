package org.ipsec4j.cli.firewall;

import java.util.List;

/** The human-readable report of {@code ipsec4j firewall-check}. */
public final class ReportText {

    private ReportText() {
    }

    static String scenarioTitle(String scenario, Tunnel tunnel) {
        return switch (scenario) {
            case "local-starts" -> "The local host (" + Addresses.text(tunnel.local()) + ") starts the tunnel";
            case "peer-starts" -> "The peer (" + Addresses.text(tunnel.peer()) + ") starts the tunnel";
            case "after-idle" -> "After an idle spell, once the firewall has forgotten the tunnel";
            case "nd" -> "IPv6 neighbour discovery" + (tunnel.position() == Tunnel.Position.ROUTER
                    ? " (the firewall's own)" : "");
            default -> scenario;
        };
    }

    public static String render(FirewallCheck.Report report, String source) {
        Tunnel t = report.tunnel();
        StringBuilder out = new StringBuilder();
        out.append("ruleset: ").append(report.ruleset().formatName()).append(", ").append(source).append('\n');
        out.append("tunnel: ").append(Addresses.text(t.local())).append(" (local) <-> ").append(Addresses.text(t.peer()))
                .append(" (peer), ").append(t.family().label()).append(", ").append(encapsulation(t)).append(", ")
                .append(switch (t.initiator()) {
                    case LOCAL -> "the local host starts IKE";
                    case PEER -> "the peer starts IKE";
                    case BOTH -> "either side starts IKE";
                }).append(t.ikeFragmentation() ? ", IKE fragmentation (RFC 7383)" : "").append('\n');
        out.append("firewall: ").append(t.position() == Tunnel.Position.LOCAL_HOST
                ? "on the local host, " + t.peerInterface() + " towards the peer (INPUT and OUTPUT)"
                : "on a router between them, " + t.localInterface() + " towards the local host, " + t.peerInterface()
                        + " towards the peer (FORWARD)").append('\n');
        out.append("state: ").append(switch (report.tracking()) {
            case NONE -> "none: the ruleset does not use connection tracking, so every packet and every IP fragment "
                    + "is filtered on its own";
            case CONNTRACK -> "conntrack: the ruleset uses connection tracking, so IP fragments are reassembled "
                    + "before filtering and packets carry a state";
            case ASA -> "ASA connections: packets of a UDP connection pass both ways once it is built; fragments "
                    + "follow the first fragment (virtual fragment reassembly)";
        }).append('\n');
        out.append("each packet is judged as if the packets before it in its scenario had got through\n");
        for (String note : report.ruleset().notes()) {
            out.append("note: ").append(note).append('\n');
        }
        String scenario = null;
        for (FirewallCheck.Result r : report.results()) {
            if (!r.probe().scenario().equals(scenario)) {
                scenario = r.probe().scenario();
                out.append('\n').append(scenarioTitle(scenario, t)).append(":\n");
            }
            appendResult(out, r, t);
        }
        out.append('\n');
        long required = count(report.results(), Probe.Need.REQUIRED);
        long recommended = count(report.results(), Probe.Need.RECOMMENDED);
        out.append("verdict: ").append(switch (report.verdict()) {
            case "ok" -> "OK: every packet the tunnel needs gets through";
            case "degraded" -> "DEGRADED: the tunnel comes up, but " + recommended + " recommended packet"
                    + (recommended == 1 ? " is" : "s are") + " blocked";
            default -> "BLOCKED: " + required + " packet" + (required == 1 ? "" : "s") + " the tunnel needs "
                    + (required == 1 ? "is" : "are") + " blocked" + (recommended > 0 ? ", and " + recommended
                    + " recommended" : "");
        }).append('\n');
        if (!report.fixes().isEmpty()) {
            out.append("\nsmallest fix found (").append(report.fixes().size()).append(report.fixes().size() == 1
                    ? " rule" : " rules").append(", checked by walking every packet again):\n");
            int i = 1;
            for (FirewallCheck.AppliedFix applied : report.fixes()) {
                Fix fix = applied.fix();
                out.append("  ").append(i++).append(". ").append(fix.where()).append(":\n");
                out.append("       ").append(fix.rule()).append('\n');
                if (!fix.command().equals(fix.rule())) {
                    out.append("     command: ").append(fix.command()).append('\n');
                }
                out.append("     lets through: ").append(String.join(", ", applied.letsThrough())).append('\n');
            }
        }
        if (!report.unfixed().isEmpty()) {
            out.append("\nno rule found for: ").append(String.join(", ",
                    report.unfixed().stream().map(r -> r.probe().id()).toList())).append('\n');
        }
        if (report.results().stream().anyMatch(r -> !r.passed() && r.probe().packet().fragment() != Fragment.NONE)) {
            out.append("\nalso: IKE fragmentation (RFC 7383; strongSwan fragmentation = yes) on both peers keeps IKE "
                    + "messages below the path MTU, so no IP fragments need to cross\n");
        }
        return out.toString();
    }

    private static long count(List<FirewallCheck.Result> results, Probe.Need need) {
        return results.stream().filter(r -> !r.passed() && r.probe().need() == need).count();
    }

    static String encapsulation(Tunnel t) {
        return t.ah() ? "AH (protocol 51)" : t.udpEncapsulation() ? "ESP in UDP 4500" : "ESP (protocol 50)";
    }

    private static void appendResult(StringBuilder out, FirewallCheck.Result r, Tunnel t) {
        Probe probe = r.probe();
        String status = r.passed() ? "ok" : probe.need() == Probe.Need.REQUIRED ? "BLOCKED" : "blocked";
        out.append(String.format("  %-8s %-14s %s%n", status, probe.direction(t), probe.what()));
        StringBuilder decided = new StringBuilder("              ").append(r.decision().fate());
        if (r.seen().state() != null) {
            decided.append(" (state ").append(r.seen().state()).append(')');
        }
        decided.append(" by ").append(r.decision().decidedBy().describe());
        out.append(decided).append('\n');
        if (!r.passed()) {
            out.append("              packet: ").append(r.probe().packet().headerText()).append('\n');
            for (RuleRef step : r.decision().trail()) {
                out.append("              via ").append(step.describe()).append('\n');
            }
            for (String note : r.notes()) {
                out.append("              ").append(note).append('\n');
            }
            out.append("              ").append(probe.need() == Probe.Need.REQUIRED ? "required: " : "recommended: ")
                    .append(probe.why()).append('\n');
        }
    }
}
