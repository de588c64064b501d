package org.ipsec4j.cli.firewall;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Cisco ASA/PIX extended access lists and their {@code access-group} bindings, as in seed 004: configuration
 * lines or {@code show access-list} output. Each access list ends in an implicit deny. A packet entering an
 * interface with no access list bound is permitted only from a higher security level to a lower one (the
 * ASA's defaults: inside 100, every other interface 0). Packets of a UDP connection the ASA has built pass both
 * ways without the access lists; ESP, AH and ICMP errors are checked against them every time.
 */
public final class AsaRuleset implements Ruleset {

    private static final Pattern PROMPT = Pattern.compile("^\\S+(\\(config[^)]*\\))?#.*");
    private static final Pattern SHOW_HEADER = Pattern.compile(
            "^access-list\\s+(\\S+;\\s*\\d+\\s+elements.*|cached ACL log flows:.*)|^\\s*alert-interval\\s+\\d+.*");

    /** One binding: {@code access-group NAME in interface outside}, or global. */
    record Binding(String acl, boolean in, String iface, int line, String text) {
        boolean global() {
            return iface == null;
        }
    }

    private final Map<String, Chain> acls;
    private final List<Binding> bindings;
    /** Per ACE: the ASA's own line number within its access list (remarks count), for "line N" in fixes. */
    private final Map<Chain.Rule, Integer> asaLines;
    private final List<String> notes;

    private AsaRuleset(Map<String, Chain> acls, List<Binding> bindings, Map<Chain.Rule, Integer> asaLines,
            List<String> notes) {
        this.acls = acls;
        this.bindings = List.copyOf(bindings);
        this.asaLines = asaLines;
        this.notes = List.copyOf(notes);
    }

    /**
     * @param localInterface the ASA's interface towards the local host
     * @param peerInterface the ASA's interface towards the peer
     */
    static AsaRuleset parse(List<String> lines, String localInterface, String peerInterface)
            throws RulesetSyntaxException {
        Parser parser = new Parser();
        for (int i = 0; i < lines.size(); i++) {
            parser.line(i + 1, lines.get(i));
        }
        if (parser.acls.isEmpty()) {
            throw new RulesetSyntaxException(0, null, "no access-list lines in the input");
        }
        List<String> notes = new ArrayList<>();
        if (parser.bindings.isEmpty()) {
            throw new RulesetSyntaxException(0, null, "no access-group line binds an access list to an interface "
                    + "(e.g. access-group 101 in interface outside): the checker cannot tell which traffic they filter");
        }
        for (Binding b : parser.bindings) {
            if (!parser.acls.containsKey(b.acl())) {
                throw new RulesetSyntaxException(b.line(), b.text(), "access list " + b.acl() + " has no entries in "
                        + "the input");
            }
            if (!b.global() && !b.iface().equals(localInterface) && !b.iface().equals(peerInterface)) {
                notes.add("access-group at line " + b.line() + " binds " + b.acl() + " to interface " + b.iface()
                        + ", which the tunnel does not cross (it crosses " + peerInterface + " and " + localInterface
                        + "; see --peer-if and --local-if)");
            }
        }
        for (String acl : parser.acls.keySet()) {
            if (parser.bindings.stream().noneMatch(b -> b.acl().equals(acl))) {
                notes.add("access list " + acl + " is bound to no interface: it filters nothing");
            }
        }
        for (String iface : List.of(peerInterface, localInterface)) {
            if (parser.bindings.stream().noneMatch(b -> b.in() && (b.global() || b.iface().equals(iface)))) {
                notes.add("no access list on packets entering " + iface + ": security levels decide (assumed "
                        + level(iface) + " for " + iface + "; the ASA's defaults give inside 100 and other "
                        + "interfaces 0)");
            }
        }
        if (parser.inactive > 0) {
            notes.add(parser.inactive + " inactive access list entr" + (parser.inactive == 1 ? "y is" : "ies are")
                    + " left out, as the ASA does");
        }
        return new AsaRuleset(parser.acls, parser.bindings, parser.asaLines, notes);
    }

    static int level(String iface) {
        return iface.equalsIgnoreCase("inside") ? 100 : 0;
    }

    @Override
    public String formatName() {
        return "Cisco ASA access-list";
    }

    @Override
    public boolean filters(Family family) {
        return true;
    }

    @Override
    public Tracking tracking(Family family) {
        return Tracking.ASA;
    }

    @Override
    public boolean untracked(Packet p, Traversal traversal) {
        return false;
    }

    @Override
    public List<String> notes() {
        return notes;
    }

    private Binding binding(boolean in, String iface) {
        for (Binding b : bindings) {
            if (b.in() == in && !b.global() && b.iface().equals(iface)) {
                return b;
            }
        }
        return null;
    }

    private Binding global() {
        for (Binding b : bindings) {
            if (b.global()) {
                return b;
            }
        }
        return null;
    }

    @Override
    public Decision decide(Packet p, Traversal traversal) {
        if (traversal != Traversal.FORWARD) {
            throw new IllegalArgumentException("an ASA's access lists filter traffic through it");
        }
        List<RuleRef> trail = new ArrayList<>();
        String ingress = p.inInterface();
        String egress = p.outInterface();
        Binding in = binding(true, ingress);
        Binding global = global();
        Decision entering;
        if (in != null || global != null) {
            entering = null;
            for (Binding b : in != null && global != null ? List.of(in, global) : List.of(in != null ? in : global)) {
                Decision d = explicit(acls.get(b.acl()), p, trail);
                if (d != null) {
                    entering = d;
                    break;
                }
            }
            if (entering == null) {
                Binding last = in != null ? in : global;
                Chain acl = acls.get(last.acl());
                entering = new Decision(Fate.DROP, implicitDeny(last), trail, "", acl.name, acl.rules.size());
            }
        } else if (level(ingress) > level(egress)) {
            entering = new Decision(Fate.ACCEPT, new RuleRef(0, "no access list on " + ingress + ": from security "
                    + "level " + level(ingress) + " (" + ingress + ") to " + level(egress) + " (" + egress + ") is "
                    + "permitted", ""), trail, "", "", 0);
        } else {
            entering = new Decision(Fate.DROP, new RuleRef(0, "no access list on " + ingress + ": from security "
                    + "level " + level(ingress) + " (" + ingress + ") to " + level(egress) + " (" + egress + ") is "
                    + "denied", ""), trail, "", "", 0);
        }
        if (!entering.fate().passes()) {
            return entering;
        }
        Binding out = binding(false, egress);
        if (out == null) {
            return entering;
        }
        trail.add(entering.decidedBy());
        Chain acl = acls.get(out.acl());
        Decision d = explicit(acl, p, trail);
        return d != null ? d : new Decision(Fate.DROP, implicitDeny(out), trail, "", acl.name, acl.rules.size());
    }

    private static RuleRef implicitDeny(Binding b) {
        return new RuleRef(0, "the implicit deny at the end of access list " + b.acl() + " (bound at line " + b.line()
                + ": " + b.text().strip() + ")", b.acl());
    }

    /** The first entry of the list that matches, or null. */
    private static Decision explicit(Chain acl, Packet p, List<RuleRef> trail) {
        for (int i = 0; i < acl.rules.size(); i++) {
            Chain.Rule rule = acl.rules.get(i);
            if (rule.matches(p)) {
                Fate fate = ((Target.Verdict) rule.target()).fate();
                return new Decision(fate, rule.ref(acl.name), trail, "", acl.name, i);
            }
        }
        return null;
    }

    // ---- fixes ----

    @Override
    public Fix statefulFix(Decision blocked, Packet p, Traversal traversal) {
        return null; // an ASA is stateful already
    }

    @Override
    public Fix acceptFix(Decision blocked, Packet p, Traversal traversal) {
        String entry = entry(p);
        if (blocked.chain().isEmpty()) {
            // Denied by security levels: bind a new access list to the ingress interface.
            String name = p.inInterface() + "_in";
            String rule = "access-list " + name + " extended " + entry + "\naccess-group " + name + " in interface "
                    + p.inInterface();
            return new Fix("create access list " + name + " and bind it to " + p.inInterface()
                    + " (no access list there yet; remember that it then ends in an implicit deny for everything "
                    + "else entering " + p.inInterface() + ")", rule, rule, "", name, 0, 0);
        }
        Chain acl = acls.get(blocked.chain());
        if (blocked.position() >= acl.rules.size()) {
            int last = 0;
            for (Chain.Rule r : acl.rules) {
                last = Math.max(last, r.line());
            }
            String rule = "access-list " + acl.name + " extended " + entry;
            return new Fix("add to access list " + acl.name + ", before its implicit deny"
                    + (last > 0 ? " (after line " + last + ")" : ""), rule, rule, "", acl.name, acl.rules.size(), 0);
        }
        Chain.Rule deny = acl.rules.get(blocked.position());
        int asaLine = asaLines.getOrDefault(deny, blocked.position() + 1);
        String rule = "access-list " + acl.name + " line " + asaLine + " extended " + entry;
        return new Fix("insert into access list " + acl.name + (deny.line() > 0 ? ", before line " + deny.line() : ""),
                rule, rule, "", acl.name, blocked.position(), deny.line());
    }

    /** {@code permit udp host A host B eq 4500}, ... */
    private static String entry(Packet p) {
        boolean v6 = p.family() == Family.IPV6;
        String src = "host " + Addresses.text(p.source());
        String dst = "host " + Addresses.text(p.destination());
        if (p.protocol() == p.family().icmpProtocol()) {
            return "permit " + (v6 ? "icmp6" : "icmp") + " any " + dst + " " + (v6 ? "packet-too-big" : "unreachable");
        }
        if (p.protocol() == Protocols.UDP) {
            return "permit udp " + src + " " + dst + " eq " + (p.destinationPort() == 500 ? "isakmp" : p.destinationPort());
        }
        return "permit " + Protocols.name(p.protocol()) + " " + src + " " + dst;
    }

    @Override
    public Ruleset with(Fix fix) throws RulesetSyntaxException {
        Map<String, Chain> copy = new LinkedHashMap<>();
        acls.forEach((name, chain) -> copy.put(name, chain.copy()));
        Parser parser = new Parser();
        parser.acls.putAll(copy);
        parser.bindings.addAll(bindings);
        parser.asaLines.putAll(asaLines);
        String[] lines = fix.rule().split("\n");
        Chain target = copy.get(fix.chain());
        int before = target == null ? 0 : target.rules.size();
        for (String line : lines) {
            parser.line(0, line.replaceFirst(" line \\d+ ", " "));
        }
        target = parser.acls.get(fix.chain());
        if (target.rules.size() == before + 1 && fix.position() < before) {
            Chain.Rule added = target.rules.removeLast();
            target.rules.add(fix.position(), added);
        }
        return new AsaRuleset(parser.acls, parser.bindings, parser.asaLines, notes);
    }

    // ---- parsing ----

    private static final class Parser {

        final Map<String, Chain> acls = new LinkedHashMap<>();
        final List<Binding> bindings = new ArrayList<>();
        final Map<Chain.Rule, Integer> asaLines = new LinkedHashMap<>();
        final Map<String, Integer> lineCounts = new LinkedHashMap<>();
        int inactive;

        void line(int n, String raw) throws RulesetSyntaxException {
            String text = raw.strip();
            if (text.isEmpty() || text.startsWith("!") || text.startsWith(":") || PROMPT.matcher(text).matches()
                    || SHOW_HEADER.matcher(text).matches()) {
                return; // blank, comment, a prompt with its command, or show access-list's summary lines
            }
            List<String> w = new ArrayList<>(List.of(text.split("\\s+")));
            switch (w.getFirst()) {
                case "access-list" -> accessList(n, raw, text, w);
                case "access-group" -> accessGroup(n, raw, w);
                default -> throw new RulesetSyntaxException(n, raw, "only access-list and access-group lines are read "
                        + "(object-group, object and other commands are not modelled)");
            }
        }

        private void accessGroup(int n, String raw, List<String> w) throws RulesetSyntaxException {
            // access-group NAME in|out interface IFNAME [per-user-override | control-plane] | access-group NAME global
            if (w.size() >= 3 && w.get(2).equals("global")) {
                bindings.add(new Binding(w.get(1), true, null, n, raw));
                return;
            }
            if (w.size() < 5 || !(w.get(2).equals("in") || w.get(2).equals("out")) || !w.get(3).equals("interface")) {
                throw new RulesetSyntaxException(n, raw, "expected: access-group NAME in|out interface IFNAME");
            }
            if (w.size() > 5) {
                if (w.get(5).equals("control-plane")) {
                    throw new RulesetSyntaxException(n, raw, "control-plane access lists filter traffic to the ASA "
                            + "itself, not through it: not modelled");
                }
                if (!w.get(5).equals("per-user-override")) {
                    throw new RulesetSyntaxException(n, raw, "unexpected '" + w.get(5) + "'");
                }
            }
            bindings.add(new Binding(w.get(1), w.get(2).equals("in"), w.get(4), n, raw));
        }

        private void accessList(int n, String raw, String text, List<String> w) throws RulesetSyntaxException {
            if (w.size() < 3) {
                throw new RulesetSyntaxException(n, raw, "incomplete access-list line");
            }
            String name = w.get(1);
            int i = 2;
            if (w.get(i).equals("line")) {
                i += 2;
            }
            if (i >= w.size()) {
                throw new RulesetSyntaxException(n, raw, "incomplete access-list line");
            }
            int asaLine = lineCounts.merge(name, 1, Integer::sum);
            String kind = w.get(i);
            if (kind.equals("remark")) {
                return;
            }
            if (kind.equals("extended")) {
                i++;
            } else if (kind.equals("standard") || kind.equals("ethertype") || kind.equals("webtype")
                    || kind.equals("advanced")) {
                throw new RulesetSyntaxException(n, raw, kind + " access lists are not modelled (only extended ones)");
            }
            Cursor c = new Cursor(w, i, n, raw);
            String action = c.next("permit or deny");
            if (!action.equals("permit") && !action.equals("deny")) {
                throw c.error("'permit' or 'deny' expected, found '" + action + "'");
            }
            List<Match> matches = new ArrayList<>();
            String protoWord = c.next("a protocol");
            if (protoWord.equals("object-group") || protoWord.equals("object")) {
                throw c.error("object groups and objects are not modelled: write the protocol, addresses and ports "
                        + "out");
            }
            int protocol;
            Family icmpFamily = null;
            switch (protoWord) {
                case "ip" -> protocol = -1;
                case "icmp" -> {
                    protocol = Protocols.ICMP;
                    icmpFamily = Family.IPV4;
                }
                case "icmp6" -> {
                    protocol = Protocols.ICMPV6;
                    icmpFamily = Family.IPV6;
                }
                default -> {
                    protocol = Protocols.number(protoWord);
                    if (protocol < 0) {
                        throw c.error("unknown protocol '" + protoWord + "'");
                    }
                }
            }
            if (protocol >= 0) {
                matches.add(new Match.Protocol(Set.of(protocol), false, false));
            }
            boolean ports = protocol == Protocols.UDP || protocol == Protocols.TCP;
            matches.add(address(c, true));
            if (ports && c.peekPortOperator()) {
                matches.add(portMatch(c, protocol, false));
            }
            matches.add(address(c, false));
            if (ports && c.peekPortOperator()) {
                matches.add(portMatch(c, protocol, true));
            } else if (icmpFamily != null && c.hasNext() && !isOption(c.peek())) {
                String type = c.next("an ICMP type");
                int number = IcmpTypeNames.asaType(icmpFamily, type);
                if (number < 0) {
                    throw c.error("unknown " + protoWord + " type '" + type + "'");
                }
                int codeLow = 0;
                int codeHigh = 255;
                if (c.hasNext() && c.peek().matches("\\d{1,3}")) {
                    codeLow = codeHigh = Integer.parseInt(c.next("code"));
                }
                matches.add(new Match.Icmp(icmpFamily, number, codeLow, codeHigh, false));
            }
            boolean isInactive = false;
            while (c.hasNext()) {
                String option = c.next("option");
                switch (option) {
                    case "log" -> {
                        while (c.hasNext() && (c.peek().matches("\\d|emergencies|alerts|critical|errors|warnings"
                                + "|notifications|informational|debugging|disable|default") || c.peek().equals("interval"))) {
                            if (c.next("level").equals("interval")) {
                                c.next("seconds");
                            }
                        }
                    }
                    case "time-range" -> c.next("time range name");
                    case "inactive" -> isInactive = true;
                    default -> {
                        if (option.matches("\\(hitcnt=\\d+\\)") || option.matches("0x[0-9a-fA-F]+")
                                || option.equals("(inactive)")) {
                            isInactive |= option.equals("(inactive)");
                            continue; // show access-list decorations
                        }
                        throw c.error("unexpected '" + option + "'" + (ports || icmpFamily != null ? ""
                                : " (ports and ICMP types only go with udp, tcp, icmp and icmp6)"));
                    }
                }
            }
            if (isInactive) {
                inactive++;
                return;
            }
            Chain acl = acls.computeIfAbsent(name, k -> {
                Chain chain = new Chain("", k, true, null, 0, "acl");
                chain.policy = Fate.DROP;
                return chain;
            });
            Chain.Rule rule = new Chain.Rule(n, text, matches,
                    new Target.Verdict(action.equals("permit") ? Fate.ACCEPT : Fate.DROP));
            acl.rules.add(rule);
            asaLines.put(rule, asaLine);
        }

        private static boolean isOption(String word) {
            return Set.of("log", "time-range", "inactive").contains(word) || word.startsWith("(hitcnt=")
                    || word.matches("0x[0-9a-fA-F]+");
        }

        private Match address(Cursor c, boolean source) throws RulesetSyntaxException {
            String what = source ? "a source" : "a destination";
            String word = c.next(what);
            switch (word) {
                case "any" -> {
                    return new Match.AnyOf(List.of(), true); // matches everything
                }
                case "any4" -> {
                    return new Match.OfFamily(Family.IPV4, false);
                }
                case "any6" -> {
                    return new Match.OfFamily(Family.IPV6, false);
                }
                case "host" -> {
                    String address = c.next("an address after 'host'");
                    try {
                        return new Match.Address(source, List.of(Prefix.host(Prefix.literal(address))), false);
                    } catch (IllegalArgumentException e) {
                        throw c.error("'host' needs an address, found '" + address + "'"
                                + (Set.of("host", "eq", "any").contains(address)
                                ? " (were the addresses removed from this line?)" : ""));
                    }
                }
                case "interface", "object", "object-group" -> throw c.error("'" + word + "' as " + what
                        + " is not modelled: write the address out");
                default -> {
                    try {
                        if (word.contains("/")) {
                            return new Match.Address(source, List.of(Prefix.parse(word)), false);
                        }
                        java.net.InetAddress a = Prefix.literal(word);
                        if (Family.of(a) == Family.IPV6) {
                            return new Match.Address(source, List.of(Prefix.host(a)), false);
                        }
                        String mask = c.next("a netmask after " + word);
                        Prefix p = new Prefix(a.getAddress(), Prefix.maskLength(Prefix.literal(mask)));
                        return new Match.Address(source, List.of(p), false);
                    } catch (IllegalArgumentException e) {
                        throw c.error("bad " + (source ? "source" : "destination") + ": " + e.getMessage());
                    }
                }
            }
        }

        private Match portMatch(Cursor c, int protocol, boolean destination) throws RulesetSyntaxException {
            String op = c.next("a port operator");
            Set<Integer> protos = Set.of(protocol);
            return switch (op) {
                case "eq", "neq", "lt", "gt" -> {
                    int port = port(c, c.next("a port"));
                    List<int[]> ranges = switch (op) {
                        case "lt" -> List.of(new int[] {0, port - 1});
                        case "gt" -> List.of(new int[] {port + 1, 65535});
                        default -> List.<int[]>of(new int[] {port, port});
                    };
                    yield new Match.Ports(protos, destination, ranges, op.equals("neq"));
                }
                case "range" -> {
                    int low = port(c, c.next("the range's first port"));
                    int high = port(c, c.next("the range's last port"));
                    yield new Match.Ports(protos, destination, List.<int[]>of(new int[] {low, high}), false);
                }
                default -> throw c.error("unknown port operator '" + op + "'");
            };
        }

        private static int port(Cursor c, String word) throws RulesetSyntaxException {
            return switch (word.toLowerCase(Locale.ROOT)) {
                case "isakmp" -> 500;
                case "non500-isakmp" -> 4500;
                default -> {
                    try {
                        yield PortText.port(word);
                    } catch (IllegalArgumentException e) {
                        throw c.error("port '" + word + "': " + e.getMessage());
                    }
                }
            };
        }
    }

    /** Words of one line, read left to right. */
    private static final class Cursor {
        private final List<String> words;
        private int at;
        private final int line;
        private final String raw;

        Cursor(List<String> words, int at, int line, String raw) {
            this.words = words;
            this.at = at;
            this.line = line;
            this.raw = raw;
        }

        boolean hasNext() {
            return at < words.size();
        }

        String peek() {
            return words.get(at);
        }

        boolean peekPortOperator() {
            return hasNext() && Set.of("eq", "neq", "lt", "gt", "range").contains(peek());
        }

        String next(String what) throws RulesetSyntaxException {
            if (!hasNext()) {
                throw error(what + " expected at the end of the line");
            }
            return words.get(at++);
        }

        RulesetSyntaxException error(String message) {
            return new RulesetSyntaxException(line, raw, message);
        }
    }
}
