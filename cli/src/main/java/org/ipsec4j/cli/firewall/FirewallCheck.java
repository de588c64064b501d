package org.ipsec4j.cli.firewall;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Walks the packets of {@link ProbePlan} through a {@link Ruleset}, modelling what the firewall keeps between
 * them, and looks for the fewest rules that let every needed packet through.
 *
 * <p>Fragments: a Linux firewall that uses connection tracking reassembles before its filter hooks (nf_defrag
 * at priority -400, seed 000's answer), so the whole datagram is judged once; one that does not sees every
 * fragment, and a later fragment has no ports. Two exceptions: IPv4 reassembles a datagram for the local host
 * before INPUT even without conntrack (ip_local_deliver; IPv6 reassembles after INPUT, seed 000), and the local
 * host's own datagrams are fragmented after OUTPUT, so OUTPUT always sees them whole. An ASA decides on the first fragment and applies it to the rest (virtual
 * fragment reassembly, seed 004).
 *
 * <p>State: each packet is judged as if the packets before it in its scenario had got through (a blocked
 * IKE_SA_INIT request still opens its connection for the packets after it), so one walk shows every problem
 * rather than only the first, and each fix can be checked on its own.
 */
public final class FirewallCheck {

    /**
     * One packet's outcome.
     *
     * @param early the packet as the PREROUTING hooks saw it (a fragment that IPv4 reassembles before INPUT)
     * @param seen the packet as the firewall judged it (the whole datagram when reassembled)
     * @param notes how the walk got there (reassembly, state), one sentence each
     */
    public record Result(Probe probe, Packet early, Packet seen, Decision decision, List<String> notes) {

        public boolean passed() {
            return decision.fate().passes();
        }
    }

    /** A fix the check verified, and the probes (ids) it lets through. */
    public record AppliedFix(Fix fix, List<String> letsThrough) {
    }

    /** Everything the check found. */
    public record Report(Tunnel tunnel, Ruleset ruleset, Tracking tracking, List<ProbePlan.Step> steps,
            List<Result> results, List<AppliedFix> fixes, List<Result> unfixed) {

        public boolean requiredBlocked() {
            return results.stream().anyMatch(r -> !r.passed() && r.probe().need() == Probe.Need.REQUIRED);
        }

        public boolean recommendedBlocked() {
            return results.stream().anyMatch(r -> !r.passed() && r.probe().need() == Probe.Need.RECOMMENDED);
        }

        /** "ok", "degraded" (only recommended packets blocked) or "blocked". */
        public String verdict() {
            return requiredBlocked() ? "blocked" : recommendedBlocked() ? "degraded" : "ok";
        }
    }

    private static final int MAX_FIXES = 24;

    private FirewallCheck() {
    }

    public static Report check(Ruleset ruleset, Tunnel tunnel) {
        if (!ruleset.filters(tunnel.family())) {
            throw new IllegalArgumentException("the " + ruleset.formatName() + " ruleset filters no "
                    + tunnel.family().label() + " packets, and the tunnel is " + tunnel.family().label());
        }
        Tracking tracking = ruleset.tracking(tunnel.family());
        List<ProbePlan.Step> steps = ProbePlan.of(tunnel, tracking != Tracking.NONE, ruleset instanceof AsaRuleset);
        List<Result> results = walk(ruleset, steps);
        List<AppliedFix> fixes = new ArrayList<>();
        List<Result> unfixed = new ArrayList<>();
        findFixes(ruleset, tunnel, results, fixes, unfixed);
        return new Report(tunnel, ruleset, tracking, steps, results, List.copyOf(fixes), List.copyOf(unfixed));
    }

    /** The outcome of every probe, in order. */
    public static List<Result> walk(Ruleset ruleset, List<ProbePlan.Step> plannedSteps) {
        List<Result> results = new ArrayList<>();
        ConnectionTable table = new ConnectionTable();
        String scenario = null;
        for (ProbePlan.Step step : plannedSteps) {
            if (!step.scenario().equals(scenario)) {
                scenario = step.scenario();
                table = new ConnectionTable(); // each scenario starts from a firewall that knows nothing
            }
            ConnectionTable before = table.copy();
            for (Probe probe : step.probes()) {
                results.add(judge(ruleset, probe, before, table));
            }
        }
        return results;
    }

    private static Result judge(Ruleset ruleset, Probe probe, ConnectionTable before, ConnectionTable after) {
        Packet p = probe.packet();
        Tracking tracking = ruleset.tracking(p.family());
        List<String> notes = new ArrayList<>();
        Packet seen = p;
        Packet early = p;
        if (p.fragment() != Fragment.NONE) {
            if (probe.traversal() == Traversal.OUTPUT) {
                seen = early = probe.whole();
                notes.add("the local host fragments its own datagrams after the OUTPUT hooks: the firewall sees "
                        + "the whole datagram");
            } else if (tracking == Tracking.CONNTRACK) {
                seen = early = probe.whole();
                notes.add("connection tracking reassembles the fragments before the filter (nf_defrag): the whole "
                        + "datagram is judged");
            } else if (tracking == Tracking.ASA && p.fragment() == Fragment.LATER) {
                seen = early = probe.firstFragment();
                notes.add("virtual fragment reassembly: a later fragment shares the first fragment's fate");
            } else if (tracking == Tracking.NONE && probe.traversal() == Traversal.INPUT && p.family() == Family.IPV4) {
                seen = probe.whole();
                notes.add("IPv4 reassembles a datagram for the local host before INPUT (ip_local_deliver): INPUT "
                        + "judges the whole datagram, PREROUTING each fragment");
            } else if (p.fragment() == Fragment.LATER) {
                notes.add("no connection tracking: each fragment is filtered on its own, and this one has no UDP "
                        + "header (no ports to match)");
            }
        }
        FlowKey flow = probe.flow();
        if (tracking == Tracking.CONNTRACK) {
            ConnState state;
            if (probe.neighbourDiscovery()) {
                state = ConnState.UNTRACKED;
                notes.add("conntrack never tracks neighbour discovery: its state is UNTRACKED");
            } else if (ruleset.untracked(early, probe.traversal())) {
                state = ConnState.UNTRACKED;
                notes.add("a rule before conntrack exempts it (NOTRACK)");
            } else if (probe.quotedFlow() != null) {
                state = before.knows(probe.quotedFlow()) ? ConnState.RELATED : ConnState.INVALID;
                if (state == ConnState.INVALID) {
                    notes.add("the packet it quotes never passed, so conntrack relates it to nothing");
                }
            } else {
                state = before.state(flow);
            }
            seen = seen.withState(state);
            early = early.withState(state);
            Decision d = ruleset.decide(early, seen, probe.traversal());
            if (state != ConnState.UNTRACKED && state != ConnState.INVALID && flow != null) {
                after.passed(flow); // judged as if it got through: see the class comment
            }
            return new Result(probe, early, seen, d, List.copyOf(notes));
        }
        if (tracking == Tracking.ASA && flow != null && (flow.protocol() == Protocols.UDP
                || flow.protocol() == Protocols.TCP) && before.knows(flow)) {
            Decision d = new Decision(Fate.ACCEPT, new RuleRef(0, "an existing UDP connection (the ASA lets a "
                    + "connection's packets through both ways without the access lists)", ""), List.of(), "", "", 0);
            after.passed(flow);
            return new Result(probe, early, seen, d, List.copyOf(notes));
        }
        Decision d = ruleset.decide(early, seen, probe.traversal());
        if (tracking == Tracking.ASA && flow != null
                && (flow.protocol() == Protocols.UDP || flow.protocol() == Protocols.TCP)) {
            after.passed(flow);
        }
        return new Result(probe, early, seen, d, List.copyOf(notes));
    }

    // ---- fixes ----

    private static void findFixes(Ruleset original, Tunnel tunnel, List<Result> results, List<AppliedFix> fixes,
            List<Result> unfixed) {
        Ruleset current = original;
        List<Result> now = results;
        Set<String> statefulTried = new HashSet<>();
        // First the one rule that fixes fragments, answers and ICMP errors at once, where it helps.
        for (Result r : failing(now)) {
            boolean stateShaped = r.probe().packet().fragment() != Fragment.NONE || r.probe().quotedFlow() != null
                    || r.seen().state() == ConnState.ESTABLISHED;
            if (!stateShaped || !statefulTried.add(r.probe().traversal() + "/" + r.decision().chain())) {
                continue;
            }
            Fix fix = current.statefulFix(r.decision(), r.seen(), r.probe().traversal());
            Ruleset candidate = apply(current, fix);
            if (candidate == null) {
                continue;
            }
            List<Result> after = walk(candidate, ProbePlan.of(tunnel, candidate.tracking(tunnel.family()) != Tracking.NONE,
                    candidate instanceof AsaRuleset));
            if (better(now, after)) {
                fixes.add(new AppliedFix(fix, newlyPassing(now, after)));
                current = candidate;
                now = after;
            }
        }
        Set<String> gaveUp = new HashSet<>();
        while (fixes.size() < MAX_FIXES) {
            Result next = failing(now).stream().filter(r -> !gaveUp.contains(r.probe().id())).findFirst().orElse(null);
            if (next == null) {
                break;
            }
            Packet view = current.decidedEarly(next.decision()) ? next.early() : next.seen();
            Fix fix = current.acceptFix(next.decision(), view, next.probe().traversal());
            Ruleset candidate = apply(current, fix);
            List<Result> after = candidate == null ? null : walk(candidate, ProbePlan.of(tunnel,
                    candidate.tracking(tunnel.family()) != Tracking.NONE, candidate instanceof AsaRuleset));
            if (after != null && passes(after, next.probe().id()) && better(now, after)) {
                fixes.add(new AppliedFix(fix, newlyPassing(now, after)));
                current = candidate;
                now = after;
            } else {
                gaveUp.add(next.probe().id());
            }
        }
        unfixed.addAll(failing(now));
    }

    private static Ruleset apply(Ruleset ruleset, Fix fix) {
        if (fix == null) {
            return null;
        }
        try {
            return ruleset.with(fix);
        } catch (RulesetSyntaxException e) {
            throw new IllegalStateException("a suggested rule does not parse: " + fix.rule() + ": " + e.describe(), e);
        }
    }

    /** Required failures first, then recommended, each in walk order. */
    private static List<Result> failing(List<Result> results) {
        List<Result> out = new ArrayList<>();
        for (Probe.Need need : Probe.Need.values()) {
            for (Result r : results) {
                if (!r.passed() && r.probe().need() == need) {
                    out.add(r);
                }
            }
        }
        return out;
    }

    private static List<String> newlyPassing(List<Result> before, List<Result> after) {
        Set<String> failedBefore = new HashSet<>();
        for (Result r : before) {
            if (!r.passed()) {
                failedBefore.add(r.probe().id());
            }
        }
        return after.stream().filter(r -> r.passed() && failedBefore.contains(r.probe().id()))
                .map(r -> r.probe().id()).toList();
    }

    private static boolean passes(List<Result> results, String id) {
        return results.stream().anyMatch(r -> r.probe().id().equals(id) && r.passed());
    }

    /**
     * Fewer failures, and nothing that passed before fails now; counted over the probes both walks have (a fix
     * that turns connection tracking on adds the after-idle probes).
     */
    private static boolean better(List<Result> before, List<Result> after) {
        Set<String> passedBefore = new HashSet<>();
        Set<String> inBefore = new HashSet<>();
        int failedBefore = 0;
        for (Result r : before) {
            inBefore.add(r.probe().id());
            if (r.passed()) {
                passedBefore.add(r.probe().id());
            }
        }
        int failedAfter = 0;
        Set<String> inAfter = new HashSet<>();
        for (Result r : after) {
            inAfter.add(r.probe().id());
            if (!inBefore.contains(r.probe().id())) {
                continue;
            }
            if (!r.passed()) {
                if (passedBefore.contains(r.probe().id())) {
                    return false;
                }
                failedAfter++;
            }
        }
        for (Result r : before) {
            if (!r.passed() && inAfter.contains(r.probe().id())) {
                failedBefore++;
            }
        }
        return failedAfter < failedBefore;
    }
}
