package org.ipsec4j.cli.firewall;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code nft list ruleset} output: tables of the ip, ip6 and inet families with their named sets and chains,
 * base chains walked hook by hook in priority order (an accept ends one base chain, a drop or reject ends
 * everything), as netfilter runs them. nat chains are not walked (address translation is not modelled) but turn
 * connection tracking on, as {@code ct} expressions do; arp and bridge tables do not filter routed IP packets.
 */
public final class NftRuleset implements Ruleset {

    /** The hooks a packet meets on each path, in order. */
    private static final Map<Traversal, List<String>> HOOKS = Map.of(
            Traversal.INPUT, List.of("prerouting", "input"),
            Traversal.OUTPUT, List.of("output", "postrouting"),
            Traversal.FORWARD, List.of("prerouting", "forward", "postrouting"));

    /** Priority keywords of the ip, ip6 and inet families (nft(8), "CHAINS"). */
    private static final Map<String, Integer> PRIORITIES = Map.of("raw", -300, "mangle", -150, "dstnat", -100,
            "filter", 0, "security", 50, "srcnat", 100);

    /** Below this priority a chain runs before conntrack has looked at the packet (NF_IP_PRI_CONNTRACK). */
    private static final int CONNTRACK_PRIORITY = -200;

    /** One table: its families, sets and chains. */
    static final class Table {
        final String family;
        final String name;
        final Map<String, Chain> chains = new LinkedHashMap<>();
        final Map<String, NamedSet> sets = new LinkedHashMap<>();
        boolean conntrack;

        Table(String family, String name) {
            this.family = family;
            this.name = name;
        }

        boolean covers(Family f) {
            return switch (family) {
                case "inet" -> true;
                case "ip" -> f == Family.IPV4;
                case "ip6" -> f == Family.IPV6;
                default -> false;
            };
        }

        Table copy() {
            Table t = new Table(family, name);
            chains.forEach((n, c) -> t.chains.put(n, c.copy()));
            t.sets.putAll(sets);
            t.conntrack = conntrack;
            return t;
        }
    }

    /** A named set: its type and elements, as written. */
    record NamedSet(String type, List<String> elements, int line) {
    }

    private final List<Table> tables;
    private final List<String> notes;
    private final Set<InetAddress> localAddresses;

    private NftRuleset(List<Table> tables, List<String> notes, Set<InetAddress> localAddresses) {
        this.tables = tables;
        this.notes = List.copyOf(notes);
        this.localAddresses = localAddresses;
    }

    static NftRuleset parse(List<String> lines, Set<InetAddress> localAddresses) throws RulesetSyntaxException {
        Parser parser = new Parser(lines, localAddresses);
        parser.parse();
        if (parser.tables.isEmpty()) {
            throw new RulesetSyntaxException(0, null, "no table in the input");
        }
        return new NftRuleset(parser.tables, parser.notes, localAddresses);
    }

    @Override
    public String formatName() {
        return "nft list ruleset";
    }

    @Override
    public boolean filters(Family family) {
        return tables.stream().anyMatch(t -> t.covers(family));
    }

    @Override
    public Tracking tracking(Family family) {
        return tables.stream().anyMatch(t -> t.covers(family) && t.conntrack) ? Tracking.CONNTRACK : Tracking.NONE;
    }

    @Override
    public List<String> notes() {
        return notes;
    }

    @Override
    public boolean decidedEarly(Decision d) {
        if (d.table().isEmpty()) {
            return false;
        }
        Chain c = tableChain(d);
        return c != null && "prerouting".equals(c.hook);
    }

    /** The base chains of these hooks that see the packet, in the order netfilter runs them. */
    private List<Chain> baseChains(Family family, List<String> hooks) {
        List<Chain> out = new ArrayList<>();
        for (String hook : hooks) {
            List<Chain> here = new ArrayList<>();
            for (Table t : tables) {
                if (!t.covers(family)) {
                    continue;
                }
                for (Chain c : t.chains.values()) {
                    if (c.base && hook.equals(c.hook) && !c.type.equals("nat")) {
                        here.add(c);
                    }
                }
            }
            here.sort(Comparator.comparingInt(c -> c.priority));
            out.addAll(here);
        }
        return out;
    }

    private Table tableOf(Chain chain) {
        for (Table t : tables) {
            if (t.chains.get(chain.name) == chain) {
                return t;
            }
        }
        throw new IllegalStateException("chain " + chain.name + " in no table");
    }

    @Override
    public boolean untracked(Packet p, Traversal traversal) {
        boolean noTrack = false;
        for (Chain c : baseChains(p.family(), List.of(traversal == Traversal.OUTPUT ? "output" : "prerouting"))) {
            if (c.priority >= CONNTRACK_PRIORITY) {
                continue;
            }
            boolean[] flag = new boolean[1];
            Decision d = ChainWalker.walk(c, ChainWalker.lookup(tableOf(c).chains), p.withState(ConnState.INVALID),
                    new ArrayList<>(), flag);
            if (!d.fate().passes()) {
                return false;
            }
            noTrack |= flag[0];
        }
        return noTrack;
    }

    @Override
    public Decision decide(Packet p, Traversal traversal) {
        return decide(p, p, traversal);
    }

    @Override
    public Decision decide(Packet early, Packet p, Traversal traversal) {
        List<RuleRef> trail = new ArrayList<>();
        Decision chosen = null;
        for (Chain c : baseChains(p.family(), HOOKS.get(traversal))) {
            Packet here = c.hook.equals("prerouting") ? early : p;
            Packet seen = c.priority < CONNTRACK_PRIORITY && here.state() != null ? here.withState(ConnState.INVALID) : here;
            Decision d = ChainWalker.walk(c, ChainWalker.lookup(tableOf(c).chains), seen, trail, new boolean[1]);
            if (!d.fate().passes()) {
                List<RuleRef> t = new ArrayList<>(trail);
                if (chosen != null && chosen.position() < tableChain(chosen).rules.size()) {
                    t.add(chosen.decidedBy()); // an accept in an earlier base chain did not end the walk
                }
                t.remove(d.decidedBy());
                return new Decision(d.fate(), d.decidedBy(), t, d.table(), d.chain(), d.position());
            }
            boolean explicit = d.position() < tableChain(d).rules.size();
            if (chosen == null || explicit || chosen.position() >= tableChain(chosen).rules.size()) {
                if (chosen != null && chosen.position() < tableChain(chosen).rules.size()) {
                    trail.add(chosen.decidedBy());
                }
                chosen = d;
            }
        }
        if (chosen == null) {
            return new Decision(Fate.ACCEPT, new RuleRef(0, "no base chain of the input sees this path", ""), trail,
                    "", "", 0);
        }
        List<RuleRef> t = new ArrayList<>(trail);
        t.remove(chosen.decidedBy());
        return new Decision(chosen.fate(), chosen.decidedBy(), t, chosen.table(), chosen.chain(), chosen.position());
    }

    /** The chain a decision names; tables are named "family name" in decisions. */
    private Chain tableChain(Decision d) {
        for (Table t : tables) {
            if ((t.family + " " + t.name).equals(d.table())) {
                return t.chains.get(d.chain());
            }
        }
        throw new IllegalStateException("no table " + d.table());
    }

    private Table table(String qualified) {
        for (Table t : tables) {
            if ((t.family + " " + t.name).equals(qualified)) {
                return t;
            }
        }
        throw new IllegalStateException("no table " + qualified);
    }

    // ---- fixes ----

    @Override
    public Fix statefulFix(Decision blocked, Packet p, Traversal traversal) {
        String hook = switch (traversal) {
            case INPUT -> "input";
            case OUTPUT -> "output";
            case FORWARD -> "forward";
        };
        if (blocked.table().isEmpty()) {
            return null;
        }
        Chain target = null;
        for (Chain c : baseChains(p.family(), List.of(hook))) {
            if (c.type.equals("filter") && (target == null || tableOf(c) == table(blocked.table()))) {
                target = c;
            }
        }
        if (target == null) {
            return null;
        }
        return place(tableOf(target), target, 0, "ct state established,related accept");
    }

    @Override
    public Fix acceptFix(Decision blocked, Packet p, Traversal traversal) {
        if (blocked.table().isEmpty()) {
            return null;
        }
        Table t = table(blocked.table());
        return place(t, t.chains.get(blocked.chain()), blocked.position(), acceptRule(p));
    }

    private static String acceptRule(Packet p) {
        String ip = p.family() == Family.IPV4 ? "ip" : "ip6";
        StringBuilder r = new StringBuilder();
        boolean icmp = p.protocol() == p.family().icmpProtocol();
        boolean nd = icmp && p.icmpType() >= IcmpTypeNames.V6_ROUTER_SOLICITATION
                && p.icmpType() <= IcmpTypeNames.V6_NEIGHBOUR_ADVERTISEMENT;
        if (!icmp) {
            r.append(ip).append(" saddr ").append(Addresses.text(p.source())).append(' ');
        }
        if (!nd) {
            r.append(ip).append(" daddr ").append(Addresses.text(p.destination())).append(' ');
        }
        if (p.fragment() == Fragment.LATER) {
            r.append(p.family() == Family.IPV4 ? "ip frag-off & 0x1fff != 0" : "meta l4proto udp");
        } else if (p.protocol() == Protocols.UDP) {
            r.append("udp dport ").append(p.destinationPort());
        } else if (icmp && p.family() == Family.IPV4) {
            r.append("icmp type destination-unreachable icmp code frag-needed");
        } else if (icmp) {
            r.append("icmpv6 type ").append(switch (p.icmpType()) {
                case IcmpTypeNames.V6_PACKET_TOO_BIG -> "packet-too-big";
                case IcmpTypeNames.V6_ROUTER_SOLICITATION -> "nd-router-solicit";
                case IcmpTypeNames.V6_ROUTER_ADVERTISEMENT -> "nd-router-advert";
                case IcmpTypeNames.V6_NEIGHBOUR_SOLICITATION -> "nd-neighbor-solicit";
                case IcmpTypeNames.V6_NEIGHBOUR_ADVERTISEMENT -> "nd-neighbor-advert";
                default -> Integer.toString(p.icmpType());
            });
            if (nd) {
                r.append(" ip6 hoplimit 255");
            }
        } else {
            r.append("meta l4proto ").append(Protocols.name(p.protocol()));
        }
        return r.append(" accept").toString();
    }

    private static Fix place(Table table, Chain chain, int position, String rule) {
        String qualified = table.family + " " + table.name;
        if (position >= chain.rules.size()) {
            int last = 0;
            for (Chain.Rule r : chain.rules) {
                last = Math.max(last, r.line());
            }
            return new Fix("append to chain " + chain.name + " of table " + qualified
                    + (last > 0 ? " (after line " + last + ")" : ""), rule,
                    "nft add rule " + qualified + " " + chain.name + " " + rule, qualified, chain.name,
                    chain.rules.size(), 0);
        }
        int before = chain.rules.get(position).line();
        return new Fix((position == 0 ? "insert at the top of chain " : "insert into chain ") + chain.name
                + " of table " + qualified + (before > 0 ? ", before line " + before : ""), rule,
                "nft insert rule " + qualified + " " + chain.name + " index " + position + " " + rule, qualified,
                chain.name, position, before);
    }

    @Override
    public Ruleset with(Fix fix) throws RulesetSyntaxException {
        List<Table> copy = new ArrayList<>();
        Table target = null;
        for (Table t : tables) {
            Table c = t.copy();
            copy.add(c);
            if ((t.family + " " + t.name).equals(fix.table())) {
                target = c;
            }
        }
        if (target == null) {
            throw new RulesetSyntaxException(0, fix.rule(), "no table " + fix.table());
        }
        Parser parser = new Parser(List.of(fix.rule()), localAddresses);
        parser.tokenize();
        List<Tok> words = new ArrayList<>(parser.tokens);
        words.removeIf(Tok::newline);
        List<Chain.Rule> rules = parser.rule(target, target.chains.get(fix.chain()), words, 0, fix.rule());
        target.chains.get(fix.chain()).rules.addAll(fix.position(), rules);
        return new NftRuleset(copy, notes, localAddresses);
    }

    // ---- parsing ----

    /** A token: a word, a quoted string, punctuation, or the end of a line. */
    record Tok(String text, int line, boolean quoted, boolean newline) {
        boolean is(String s) {
            return !quoted && !newline && text.equals(s);
        }
    }

    private static final class Parser {

        private final List<String> lines;
        private final Set<InetAddress> localAddresses;
        final List<Tok> tokens = new ArrayList<>();
        final List<Table> tables = new ArrayList<>();
        final List<String> notes = new ArrayList<>();
        private int at;
        private int natChains;
        private final List<Object[]> jumps = new ArrayList<>();

        Parser(List<String> lines, Set<InetAddress> localAddresses) {
            this.lines = lines;
            this.localAddresses = localAddresses;
        }

        void tokenize() throws RulesetSyntaxException {
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                int n = i + 1;
                int j = 0;
                while (j < line.length()) {
                    char c = line.charAt(j);
                    if (c == '#') {
                        break; // a comment, or "# handle 7" from nft -a
                    }
                    if (Character.isWhitespace(c)) {
                        j++;
                    } else if (c == '"') {
                        int end = line.indexOf('"', j + 1);
                        if (end < 0) {
                            throw new RulesetSyntaxException(n, line, "unterminated string");
                        }
                        tokens.add(new Tok(line.substring(j + 1, end), n, true, false));
                        j = end + 1;
                    } else if ("{};,&|^()".indexOf(c) >= 0) {
                        tokens.add(new Tok(String.valueOf(c), n, false, false));
                        j++;
                    } else if ((c == '!' || c == '=' || c == '<' || c == '>')) {
                        if (j + 1 < line.length() && line.charAt(j + 1) == '=') {
                            tokens.add(new Tok(line.substring(j, j + 2), n, false, false));
                            j += 2;
                        } else if (c == '!') {
                            throw new RulesetSyntaxException(n, line, "unexpected '!'");
                        } else {
                            tokens.add(new Tok(String.valueOf(c), n, false, false));
                            j++;
                        }
                    } else {
                        int k = j;
                        while (k < line.length() && !Character.isWhitespace(line.charAt(k))
                                && "{};,&|^()\"!=<>#".indexOf(line.charAt(k)) < 0) {
                            k++;
                        }
                        tokens.add(new Tok(line.substring(j, k), n, false, false));
                        j = k;
                    }
                }
                tokens.add(new Tok("\n", n, false, true));
            }
        }

        private String lineText(int n) {
            return n >= 1 && n <= lines.size() ? lines.get(n - 1) : "";
        }

        private RulesetSyntaxException error(Tok t, String message) {
            return new RulesetSyntaxException(t.line(), lineText(t.line()), message);
        }

        private Tok peek() {
            return at < tokens.size() ? tokens.get(at) : null;
        }

        private Tok next(String what) throws RulesetSyntaxException {
            if (at >= tokens.size()) {
                throw new RulesetSyntaxException(lines.size(), lineText(lines.size()), "unexpected end of input: "
                        + what + " expected");
            }
            return tokens.get(at++);
        }

        private void skipNewlines() {
            while (at < tokens.size() && (tokens.get(at).newline() || tokens.get(at).is(";"))) {
                at++;
            }
        }

        private void expect(String s) throws RulesetSyntaxException {
            Tok t = next("'" + s + "'");
            if (!t.is(s)) {
                throw error(t, "'" + s + "' expected, found '" + t.text() + "'");
            }
        }

        /** The tokens up to the end of the line (or a ';'), outside braces. */
        private List<Tok> statement() throws RulesetSyntaxException {
            List<Tok> out = new ArrayList<>();
            int depth = 0;
            while (at < tokens.size()) {
                Tok t = tokens.get(at);
                if (depth == 0 && (t.newline() || t.is(";") || t.is("}"))) {
                    break;
                }
                at++;
                if (t.newline()) {
                    continue;
                }
                if (t.is("{")) {
                    depth++;
                } else if (t.is("}")) {
                    depth--;
                }
                out.add(t);
            }
            if (depth != 0) {
                throw new RulesetSyntaxException(lines.size(), "", "unbalanced braces");
            }
            return out;
        }

        void parse() throws RulesetSyntaxException {
            tokenize();
            while (true) {
                skipNewlines();
                Tok t = peek();
                if (t == null) {
                    break;
                }
                at++;
                if (!t.is("table")) {
                    throw error(t, "'table' expected, found '" + t.text() + "' (only 'nft list ruleset' output is read)");
                }
                Tok family = next("family");
                Tok name = next("table name");
                expect("{");
                if (!Set.of("ip", "ip6", "inet", "arp", "bridge", "netdev").contains(family.text())) {
                    throw error(family, "unknown table family '" + family.text() + "'");
                }
                Table table = new Table(family.text(), name.text());
                tableBody(table);
                if (family.is("arp") || family.is("bridge")) {
                    notes.add("table " + family.text() + " " + name.text() + " is not walked: it does not filter "
                            + "routed IP packets");
                    continue;
                }
                if (family.is("netdev")) {
                    if (table.chains.values().stream().anyMatch(c -> !c.rules.isEmpty())) {
                        throw error(family, "netdev tables (ingress hooks) are not modelled");
                    }
                    continue;
                }
                tables.add(table);
            }
            for (Object[] j : jumps) {
                Table t = (Table) j[0];
                String target = (String) j[1];
                if (!t.chains.containsKey(target)) {
                    throw new RulesetSyntaxException((Integer) j[2], lineText((Integer) j[2]), "jump to chain '"
                            + target + "', which table " + t.family + " " + t.name + " does not have");
                }
            }
            if (natChains > 0) {
                notes.add(natChains + " nat chain(s) are not walked: address translation is not modelled (they do "
                        + "turn connection tracking on)");
            }
        }

        private void tableBody(Table table) throws RulesetSyntaxException {
            while (true) {
                skipNewlines();
                Tok t = next("'}'");
                if (t.is("}")) {
                    return;
                }
                switch (t.text()) {
                    case "flags", "comment" -> statement();
                    case "set" -> namedSet(table, t);
                    case "chain" -> chain(table);
                    default -> throw error(t, "'" + t.text() + "' in a table is not modelled (tables may hold "
                            + "chains and sets)");
                }
            }
        }

        private void namedSet(Table table, Tok start) throws RulesetSyntaxException {
            Tok name = next("set name");
            expect("{");
            String type = null;
            List<String> elements = new ArrayList<>();
            while (true) {
                skipNewlines();
                Tok t = next("'}'");
                if (t.is("}")) {
                    break;
                }
                switch (t.text()) {
                    case "type" -> {
                        List<Tok> rest = statement();
                        if (rest.size() != 1) {
                            throw error(t, "set types other than a single type (concatenations) are not modelled");
                        }
                        type = rest.getFirst().text();
                    }
                    case "elements" -> {
                        expect("=");
                        List<Tok> rest = statement();
                        for (Tok e : rest) {
                            if (!e.is("{") && !e.is("}") && !e.is(",")) {
                                elements.add(e.text());
                            }
                        }
                    }
                    case "flags", "timeout", "gc-interval", "size", "policy", "auto-merge", "counter", "comment" ->
                            statement();
                    case "typeof" -> throw error(t, "sets declared with typeof are not modelled; use type");
                    default -> throw error(t, "unknown set property '" + t.text() + "'");
                }
            }
            if (type == null) {
                throw error(start, "set " + name.text() + " has no type");
            }
            table.sets.put(name.text(), new NamedSet(type, elements, start.line()));
        }

        private void chain(Table table) throws RulesetSyntaxException {
            Tok name = next("chain name");
            expect("{");
            Chain chain = null;
            List<List<Tok>> ruleTokens = new ArrayList<>();
            while (true) {
                skipNewlines();
                Tok t = peek();
                if (t == null) {
                    throw error(name, "chain " + name.text() + " is not closed");
                }
                if (t.is("}")) {
                    at++;
                    break;
                }
                List<Tok> st = statement();
                if (st.isEmpty()) {
                    continue;
                }
                if (st.getFirst().is("type")) {
                    chain = baseChain(table, name.text(), st);
                    // "policy drop;" follows on the same line after a ';'
                    if (peek() != null && peek().is(";")) {
                        at++;
                        List<Tok> more = statement();
                        if (!more.isEmpty()) {
                            policy(chain, more);
                        }
                    }
                    continue;
                }
                if (st.getFirst().is("policy") && chain != null) {
                    policy(chain, st);
                    continue;
                }
                if (st.getFirst().is("comment")) {
                    continue;
                }
                ruleTokens.add(st);
            }
            if (chain == null) {
                chain = new Chain(table.family + " " + table.name, name.text(), false, null, 0, "filter");
            }
            table.chains.put(name.text(), chain);
            if (chain.type.equals("nat")) {
                natChains++;
                table.conntrack = true;
                return;
            }
            for (List<Tok> rt : ruleTokens) {
                int n = rt.getFirst().line();
                chain.rules.addAll(rule(table, chain, rt, n, lineText(n).strip()));
            }
        }

        private Chain baseChain(Table table, String name, List<Tok> st) throws RulesetSyntaxException {
            String type = null;
            String hook = null;
            Integer priority = null;
            for (int i = 0; i < st.size(); i++) {
                Tok t = st.get(i);
                switch (t.text()) {
                    case "type" -> type = at(st, ++i, "a chain type").text();
                    case "hook" -> hook = at(st, ++i, "a hook").text();
                    case "device" -> at(st, ++i, "a device");
                    case "priority" -> {
                        Tok v = at(st, ++i, "a priority");
                        Integer base = PRIORITIES.get(v.text());
                        int value;
                        try {
                            value = base != null ? base : Integer.parseInt(v.text());
                        } catch (NumberFormatException e) {
                            throw error(v, "unknown priority '" + v.text() + "'");
                        }
                        if (i + 2 < st.size() && (st.get(i + 1).is("+") || st.get(i + 1).is("-"))) {
                            int delta = intValue(st.get(i + 2).text(), st.get(i + 2));
                            value += st.get(i + 1).is("+") ? delta : -delta;
                            i += 2;
                        }
                        priority = value;
                    }
                    default -> throw error(t, "unexpected '" + t.text() + "' in a base chain's declaration");
                }
            }
            if (type == null || hook == null || priority == null) {
                throw error(st.getFirst(), "a base chain needs type, hook and priority");
            }
            if (!Set.of("filter", "nat", "route").contains(type)) {
                throw error(st.getFirst(), "chain type '" + type + "' is not modelled");
            }
            if (!Set.of("prerouting", "input", "forward", "output", "postrouting", "ingress").contains(hook)) {
                throw error(st.getFirst(), "unknown hook '" + hook + "'");
            }
            if (hook.equals("ingress")) {
                throw error(st.getFirst(), "ingress hooks are not modelled");
            }
            Chain c = new Chain(table.family + " " + table.name, name, true, hook, priority, type);
            c.policyRef = new RuleRef(st.getFirst().line(), lineText(st.getFirst().line()).strip()
                    + " (no policy given: accept)", name);
            return c;
        }

        private void policy(Chain chain, List<Tok> st) throws RulesetSyntaxException {
            if (st.size() != 2 || !st.getFirst().is("policy")) {
                throw error(st.getFirst(), "'policy accept' or 'policy drop' expected");
            }
            Tok v = st.get(1);
            chain.policy = switch (v.text()) {
                case "accept" -> Fate.ACCEPT;
                case "drop" -> Fate.DROP;
                default -> throw error(v, "policy must be accept or drop");
            };
            int n = v.line();
            chain.policyRef = new RuleRef(n, lineText(n).strip() + " (the chain's policy)", chain.name);
        }

        // ---- rules ----

        /** The rules one line makes: one, or one per key of a verdict map. */
        List<Chain.Rule> rule(Table table, Chain chain, List<Tok> st, int n, String text) throws RulesetSyntaxException {
            List<Match> matches = new ArrayList<>();
            Target target = new Target.Continue("no verdict");
            int i = 0;
            while (i < st.size()) {
                Tok t = st.get(i);
                if (target instanceof Target.Verdict || target instanceof Target.Jump || target instanceof Target.Goto
                        || target instanceof Target.Return) {
                    if (!t.is("comment")) {
                        throw error(t, "'" + t.text() + "' after the verdict");
                    }
                }
                switch (t.text()) {
                    case "ip", "ip6" -> i = ipExpression(table, st, i, matches);
                    case "meta" -> i = metaExpression(table, st, i + 1, matches, n, text);
                    case "iifname", "oifname", "iif", "oif", "l4proto", "nfproto", "pkttype" ->
                            i = metaExpression(table, st, i, matches, n, text);
                    case "udp", "th" -> {
                        Tok field = at(st, i + 1, "sport or dport");
                        if (!field.is("sport") && !field.is("dport")) {
                            throw error(field, "only " + t.text() + " sport and dport are modelled");
                        }
                        Set<Integer> protos = t.is("udp") ? Set.of(Protocols.UDP)
                                : Set.of(Protocols.UDP, Protocols.TCP, 132, 33, 136);
                        Relation rel = relation(st, i + 2);
                        List<int[]> ranges = new ArrayList<>();
                        for (String v : values(table, rel, "inet_service")) {
                            ranges.add(portRange(v, rel.start));
                        }
                        matches.add(new Match.Ports(protos, field.is("dport"), ranges, rel.negate));
                        i = rel.end;
                    }
                    case "tcp", "sctp", "dccp", "udplite" -> {
                        // Needs that transport protocol: no IPsec packet is one. The rest of the expression
                        // (flags, ports) cannot change that; skip to the next statement keyword.
                        matches.add(new Match.Never(t.text() + " header"));
                        i = skipExpression(st, i + 1);
                    }
                    case "icmp", "icmpv6" -> i = icmpExpression(table, st, i, matches);
                    case "ct" -> {
                        Tok key = at(st, i + 1, "ct key");
                        if (!key.is("state")) {
                            throw error(key, "'ct " + key.text() + "' is not modelled (only ct state)");
                        }
                        Relation rel = relation(st, i + 2);
                        Set<ConnState> states = EnumSet.noneOf(ConnState.class);
                        for (String v : values(table, rel, "ct_state")) {
                            try {
                                states.add(ConnState.valueOf(v.toUpperCase(Locale.ROOT)));
                            } catch (IllegalArgumentException e) {
                                throw error(rel.start, "unknown ct state '" + v + "'");
                            }
                        }
                        table.conntrack = true;
                        matches.add(new Match.State(states, rel.negate));
                        i = rel.end;
                    }
                    case "fib" -> i = fibExpression(st, i, matches);
                    case "counter" -> {
                        i++;
                        while (i < st.size() && (st.get(i).is("packets") || st.get(i).is("bytes"))) {
                            i += 2;
                        }
                    }
                    case "log" -> {
                        i++;
                        while (i < st.size() && Set.of("prefix", "level", "flags", "group", "snaplen",
                                "queue-threshold").contains(st.get(i).text()) && !st.get(i).quoted()) {
                            i += 2;
                            while (i < st.size() && st.get(i).is(",")) {
                                i += 2;
                            }
                        }
                        target = new Target.Continue("log");
                    }
                    case "limit" -> {
                        Tok rate = at(st, i + 1, "rate");
                        if (!rate.is("rate")) {
                            throw error(rate, "limit rate expected");
                        }
                        i += 2;
                        boolean over = false;
                        if (i < st.size() && st.get(i).is("over")) {
                            over = true;
                            i++;
                        }
                        i++; // the rate, e.g. 5/second or 10
                        while (i < st.size() && (st.get(i).text().matches("[a-z]*bytes(/\\w+)?|/\\w+")
                                || st.get(i).is("burst") || st.get(i).text().matches("\\d+") || st.get(i).is("packets"))) {
                            i++;
                        }
                        matches.add(new Match.UnderRateLimit(over));
                    }
                    case "comment" -> i += 2;
                    case "notrack" -> {
                        target = new Target.NoTrack();
                        i++;
                    }
                    case "accept" -> {
                        target = new Target.Verdict(Fate.ACCEPT);
                        i++;
                    }
                    case "drop" -> {
                        target = new Target.Verdict(Fate.DROP);
                        i++;
                    }
                    case "reject" -> {
                        target = new Target.Verdict(Fate.REJECT);
                        i++;
                        if (i < st.size() && st.get(i).is("with")) {
                            i++;
                            Tok kind = at(st, i, "icmp, icmpv6, icmpx or tcp");
                            i += kind.is("tcp") ? 2 : 3; // "tcp reset" or "icmp type X"
                        }
                    }
                    case "return" -> {
                        target = new Target.Return();
                        i++;
                    }
                    case "continue" -> {
                        target = new Target.Continue("continue");
                        i++;
                    }
                    case "jump", "goto" -> {
                        Tok c = at(st, i + 1, "chain name");
                        jumps.add(new Object[] {table, c.text(), n});
                        target = t.is("jump") ? new Target.Jump(c.text()) : new Target.Goto(c.text());
                        i += 2;
                    }
                    case "queue" -> throw error(t, "queue hands the packet to a user-space program: its fate cannot "
                            + "be known from the rules");
                    case "masquerade", "snat", "dnat", "redirect" -> throw error(t, t.text() + " belongs in a nat chain");
                    default -> throw error(t, "unsupported expression or statement '" + t.text() + "'");
                }
            }
            return List.of(new Chain.Rule(n, text, matches, target));
        }

        private static Tok at(List<Tok> st, int i, String what) throws RulesetSyntaxException {
            if (i >= st.size()) {
                Tok last = st.getLast();
                throw new RulesetSyntaxException(last.line(), null, what + " expected after '" + last.text() + "'");
            }
            return st.get(i);
        }

        /** A comparison: optional operator, then a value, a {set}, an @set, or a comma list. */
        private static final class Relation {
            boolean negate;
            String op = "==";
            List<String> values = new ArrayList<>();
            String setName;
            Tok start;
            int end;
        }

        private Relation relation(List<Tok> st, int i) throws RulesetSyntaxException {
            Relation r = new Relation();
            Tok t = at(st, i, "a value");
            r.start = t;
            if (Set.of("==", "!=", "<", ">", "<=", ">=").contains(t.text()) && !t.quoted()) {
                r.op = t.text();
                r.negate = t.is("!=");
                i++;
                t = at(st, i, "a value");
            }
            if (t.is("vmap") || t.is("map")) {
                throw error(t, "maps and verdict maps are not modelled");
            }
            if (t.is("{")) {
                i++;
                while (!at(st, i, "'}'").is("}")) {
                    if (!st.get(i).is(",")) {
                        r.values.add(st.get(i).text());
                    }
                    i++;
                }
                r.end = i + 1;
                return r;
            }
            if (t.text().startsWith("@") && !t.quoted()) {
                r.setName = t.text().substring(1);
                r.end = i + 1;
                return r;
            }
            r.values.add(t.text());
            i++;
            while (i + 1 < st.size() && st.get(i).is(",")) {
                r.values.add(st.get(i + 1).text());
                i += 2;
            }
            r.end = i;
            return r;
        }

        /** The values of a relation, a named set's elements included. */
        private List<String> values(Table table, Relation rel, String expectedType) throws RulesetSyntaxException {
            if (!rel.op.equals("==") && !rel.op.equals("!=")) {
                throw error(rel.start, "comparison '" + rel.op + "' is not modelled here");
            }
            if (rel.setName == null) {
                return rel.values;
            }
            NamedSet set = table.sets.get(rel.setName);
            if (set == null) {
                throw error(rel.start, "no set @" + rel.setName + " in table " + table.family + " " + table.name);
            }
            return set.elements();
        }

        private int skipExpression(List<Tok> st, int i) {
            Set<String> statementStarts = Set.of("ip", "ip6", "meta", "iifname", "oifname", "iif", "oif", "udp", "th",
                    "tcp", "icmp", "icmpv6", "ct", "counter", "log", "limit", "comment", "accept", "drop", "reject",
                    "return", "jump", "goto", "continue", "notrack", "l4proto", "fib", "sctp", "dccp", "udplite");
            int depth = 0;
            while (i < st.size()) {
                Tok t = st.get(i);
                if (t.is("{") || t.is("(")) {
                    depth++;
                } else if (t.is("}") || t.is(")")) {
                    depth--;
                } else if (depth == 0 && !t.quoted() && statementStarts.contains(t.text())) {
                    return i;
                }
                i++;
            }
            return i;
        }

        private int ipExpression(Table table, List<Tok> st, int i, List<Match> matches) throws RulesetSyntaxException {
            Tok proto = st.get(i);
            Family family = proto.is("ip") ? Family.IPV4 : Family.IPV6;
            Tok field = at(st, i + 1, proto.text() + " field");
            matches.add(new Match.OfFamily(family, false));
            switch (field.text()) {
                case "saddr", "daddr" -> {
                    Relation rel = relation(st, i + 2);
                    List<Match> alternatives = new ArrayList<>();
                    for (String v : values(table, rel, family == Family.IPV4 ? "ipv4_addr" : "ipv6_addr")) {
                        alternatives.add(addressValue(v, field.is("saddr"), family, rel.start));
                    }
                    matches.add(new Match.AnyOf(alternatives, rel.negate));
                    return rel.end;
                }
                case "protocol", "nexthdr" -> {
                    Relation rel = relation(st, i + 2);
                    Set<Integer> protos = new HashSet<>();
                    for (String v : values(table, rel, "inet_proto")) {
                        int number = Protocols.number(v);
                        if (number < 0) {
                            throw error(rel.start, "unknown protocol '" + v + "'");
                        }
                        protos.add(number);
                    }
                    // ip protocol is the header field; in IPv4 it is also the transport protocol.
                    matches.add(new Match.Protocol(protos, rel.negate, field.is("nexthdr")));
                    return rel.end;
                }
                case "ttl", "hoplimit" -> {
                    Relation rel = relation(st, i + 2);
                    if (rel.values.size() != 1) {
                        throw error(rel.start, "one value expected");
                    }
                    char op = switch (rel.op) {
                        case "<" -> '<';
                        case ">" -> '>';
                        case "==", "!=" -> '=';
                        default -> throw error(rel.start, "'" + rel.op + "' is not modelled here");
                    };
                    matches.add(new Match.HopLimit(op, intValue(rel.values.getFirst(), rel.start), rel.negate));
                    return rel.end;
                }
                case "frag-off" -> {
                    // "ip frag-off & 0x1fff != 0": a later fragment; "== 0": not one.
                    if (family != Family.IPV4 || i + 5 >= st.size() + 1 || !at(st, i + 2, "&").is("&")) {
                        throw error(field, "only 'ip frag-off & 0x1fff != 0' (or == 0) is modelled");
                    }
                    String mask = at(st, i + 3, "mask").text();
                    if (!mask.equals("0x1fff") && !mask.equals("8191")) {
                        throw error(field, "only the fragment offset mask 0x1fff is modelled");
                    }
                    Relation rel = relation(st, i + 4);
                    if (rel.values.size() != 1 || !rel.values.getFirst().equals("0")) {
                        throw error(field, "only 'ip frag-off & 0x1fff != 0' (or == 0) is modelled");
                    }
                    matches.add(new Match.LaterFragment(!rel.negate));
                    return rel.end;
                }
                default -> throw error(field, "'" + proto.text() + " " + field.text() + "' is not modelled");
            }
        }

        private Match addressValue(String v, boolean source, Family family, Tok where) throws RulesetSyntaxException {
            try {
                int dash = v.indexOf('-');
                if (dash > 0) {
                    InetAddress low = Prefix.literal(v.substring(0, dash));
                    InetAddress high = Prefix.literal(v.substring(dash + 1));
                    return new Match.Range(source, low, high, false);
                }
                Prefix p = Prefix.parse(v);
                if (p.family() != family) {
                    throw error(where, "address " + v + " is not " + family.label());
                }
                return new Match.Address(source, List.of(p), false);
            } catch (IllegalArgumentException e) {
                throw error(where, e.getMessage());
            }
        }

        private int metaExpression(Table table, List<Tok> st, int i, List<Match> matches, int n, String text)
                throws RulesetSyntaxException {
            Tok key = at(st, i, "meta key");
            switch (key.text()) {
                case "iifname", "oifname", "iif", "oif" -> {
                    Relation rel = relation(st, i + 1);
                    List<String> names = new ArrayList<>();
                    for (String v : values(table, rel, "ifname")) {
                        names.add(v);
                    }
                    matches.add(new Match.Interface(key.text().startsWith("i"), names, rel.negate));
                    return rel.end;
                }
                case "l4proto", "protocol", "nfproto" -> {
                    Relation rel = relation(st, i + 1);
                    if (key.is("l4proto")) {
                        Set<Integer> protos = new HashSet<>();
                        for (String v : values(table, rel, "inet_proto")) {
                            int number = Protocols.number(v);
                            if (number < 0) {
                                throw error(rel.start, "unknown protocol '" + v + "'");
                            }
                            protos.add(number);
                        }
                        matches.add(new Match.Protocol(protos, rel.negate, false));
                    } else {
                        List<Match> families = new ArrayList<>();
                        for (String v : rel.values) {
                            families.add(switch (v) {
                                case "ipv4", "ip" -> new Match.OfFamily(Family.IPV4, false);
                                case "ipv6", "ip6" -> new Match.OfFamily(Family.IPV6, false);
                                default -> throw error(rel.start, "'" + v + "' is not modelled here");
                            });
                        }
                        matches.add(new Match.AnyOf(families, rel.negate));
                    }
                    return rel.end;
                }
                case "pkttype" -> {
                    Relation rel = relation(st, i + 1);
                    matches.add(new Match.PacketType(new HashSet<>(rel.values), rel.negate));
                    return rel.end;
                }
                case "nftrace" -> {
                    return i + 3; // meta nftrace set 1
                }
                default -> throw error(key, "'meta " + key.text() + "' is not modelled");
            }
        }

        private int icmpExpression(Table table, List<Tok> st, int i, List<Match> matches) throws RulesetSyntaxException {
            Tok proto = st.get(i);
            Family family = proto.is("icmp") ? Family.IPV4 : Family.IPV6;
            Tok field = at(st, i + 1, "type or code");
            if (!field.is("type") && !field.is("code")) {
                throw error(field, "'" + proto.text() + " " + field.text() + "' is not modelled");
            }
            Relation rel = relation(st, i + 2);
            Set<Integer> numbers = new HashSet<>();
            for (String v : values(table, rel, "icmp")) {
                int number = field.is("type") ? IcmpTypeNames.nftType(family, v) : IcmpTypeNames.nftCode(family, v);
                if (number < 0) {
                    throw error(rel.start, "unknown " + proto.text() + " " + field.text() + " '" + v + "'");
                }
                numbers.add(number);
            }
            matches.add(field.is("type") ? new Match.IcmpTypes(family, numbers, rel.negate)
                    : new Match.IcmpCodes(family, numbers, rel.negate));
            return rel.end;
        }

        private int fibExpression(List<Tok> st, int i, List<Match> matches) throws RulesetSyntaxException {
            // fib saddr . iif oif missing (reverse-path filter): our packets come from where the routes say.
            // fib daddr type local|...: addrtype.
            List<String> words = new ArrayList<>();
            int j = i + 1;
            while (j < st.size() && !Set.of("accept", "drop", "reject", "counter", "log", "jump", "goto", "return")
                    .contains(st.get(j).text())) {
                words.add(st.get(j).text());
                j++;
            }
            String expr = String.join(" ", words);
            if (expr.matches("saddr( \\. mark)? \\. iif oif missing") || expr.matches("saddr( \\. mark)? \\. iif oif 0")) {
                matches.add(new Match.Never("reverse-path check: the tunnel's packets arrive where the routes "
                        + "point"));
                return j;
            }
            java.util.regex.Matcher m = java.util.regex.Pattern
                    .compile("daddr( \\. iif)? type (!= )?(\\{ )?([a-z, ]+?)( })?").matcher(expr);
            if (m.matches()) {
                Set<String> types = new HashSet<>();
                for (String type : m.group(4).split("\\s*,\\s*")) {
                    if (!Set.of("local", "unicast", "multicast", "broadcast").contains(type.strip())) {
                        throw error(st.get(i), "fib type '" + type + "' is not modelled");
                    }
                    types.add(type.strip());
                }
                matches.add(new Match.AddressType(false, types, m.group(2) != null, localAddresses));
                return j;
            }
            throw error(st.get(i), "'fib " + expr + "' is not modelled");
        }

        private int[] portRange(String v, Tok where) throws RulesetSyntaxException {
            try {
                return PortText.range(v, '-');
            } catch (IllegalArgumentException e) {
                throw error(where, "bad port '" + v + "': " + e.getMessage());
            }
        }

        private int intValue(String v, Tok where) throws RulesetSyntaxException {
            try {
                return Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw error(where, "a number expected, not '" + v + "'");
            }
        }
    }
}
