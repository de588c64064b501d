package org.ipsec4j.cli.firewall;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * An {@code iptables-save} or {@code ip6tables-save} ruleset (also a bare list of {@code -A} lines, or of
 * {@code iptables -A ...} commands, as people paste them), walked as netfilter walks it: raw, mangle, filter
 * and security tables in hook order (nat is not walked: address translation is not modelled, but a nat table
 * turns connection tracking on), chains with jumps, gotos, returns and policies.
 */
public final class IptablesRuleset implements Ruleset {

    /** The chains of each table a packet meets on each path, in netfilter's order. */
    private static final Map<Traversal, List<String[]>> PATH = Map.of(
            Traversal.INPUT, List.of(new String[] {"raw", "PREROUTING"}, new String[] {"mangle", "PREROUTING"},
                    new String[] {"mangle", "INPUT"}, new String[] {"filter", "INPUT"},
                    new String[] {"security", "INPUT"}),
            Traversal.OUTPUT, List.of(new String[] {"raw", "OUTPUT"}, new String[] {"mangle", "OUTPUT"},
                    new String[] {"filter", "OUTPUT"}, new String[] {"security", "OUTPUT"},
                    new String[] {"mangle", "POSTROUTING"}),
            Traversal.FORWARD, List.of(new String[] {"raw", "PREROUTING"}, new String[] {"mangle", "PREROUTING"},
                    new String[] {"mangle", "FORWARD"}, new String[] {"filter", "FORWARD"},
                    new String[] {"security", "FORWARD"}, new String[] {"mangle", "POSTROUTING"}));

    private static final Map<String, List<String>> BUILT_IN = Map.of(
            "filter", List.of("INPUT", "FORWARD", "OUTPUT"),
            "raw", List.of("PREROUTING", "OUTPUT"),
            "mangle", List.of("PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"),
            "nat", List.of("PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"),
            "security", List.of("INPUT", "FORWARD", "OUTPUT"));

    private final Family family;
    private final Map<String, Map<String, Chain>> tables;
    private final boolean conntrack;
    private final List<String> notes;
    private final Set<InetAddress> localAddresses;

    private IptablesRuleset(Family family, Map<String, Map<String, Chain>> tables, boolean conntrack,
            List<String> notes, Set<InetAddress> localAddresses) {
        this.family = family;
        this.tables = tables;
        this.conntrack = conntrack;
        this.notes = List.copyOf(notes);
        this.localAddresses = localAddresses;
    }

    /**
     * @param tunnelFamily the family of the tunnel, for a file that does not say its own
     * @param localAddresses the firewall host's addresses ({@code -m addrtype --dst-type LOCAL})
     */
    public static IptablesRuleset parse(List<String> lines, Family tunnelFamily, Set<InetAddress> localAddresses)
            throws RulesetSyntaxException {
        return new Parser(lines, tunnelFamily, localAddresses).parse();
    }

    public Family family() {
        return family;
    }

    @Override
    public String formatName() {
        return family == Family.IPV4 ? "iptables-save" : "ip6tables-save";
    }

    @Override
    public boolean filters(Family f) {
        return f == family;
    }

    @Override
    public Tracking tracking(Family f) {
        return conntrack ? Tracking.CONNTRACK : Tracking.NONE;
    }

    @Override
    public List<String> notes() {
        return notes;
    }

    @Override
    public boolean decidedEarly(Decision d) {
        Chain chain = tables.containsKey(d.table()) ? tables.get(d.table()).get(d.chain()) : null;
        return chain != null && (chain.name.equals("PREROUTING") || !chain.base && d.chain() != null
                && reachedOnlyFromPrerouting(d.table(), d.chain()));
    }

    /** A user chain jumped to from PREROUTING chains only. */
    private boolean reachedOnlyFromPrerouting(String table, String chain) {
        boolean fromPrerouting = false;
        for (Chain c : tables.get(table).values()) {
            for (Chain.Rule r : c.rules) {
                boolean jumps = r.target() instanceof Target.Jump j && j.chain().equals(chain)
                        || r.target() instanceof Target.Goto g && g.chain().equals(chain);
                if (jumps) {
                    if (!c.name.equals("PREROUTING")) {
                        return false;
                    }
                    fromPrerouting = true;
                }
            }
        }
        return fromPrerouting;
    }

    @Override
    public boolean untracked(Packet p, Traversal traversal) {
        Map<String, Chain> raw = tables.get("raw");
        if (raw == null) {
            return false;
        }
        Chain chain = raw.get(traversal == Traversal.OUTPUT ? "OUTPUT" : "PREROUTING");
        if (chain == null) {
            return false;
        }
        boolean[] noTrack = new boolean[1];
        Decision d = ChainWalker.walk(chain, ChainWalker.lookup(raw), p.withState(ConnState.INVALID),
                new ArrayList<>(), noTrack);
        return noTrack[0] && d.fate().passes();
    }

    @Override
    public Decision decide(Packet p, Traversal traversal) {
        return decide(p, p, traversal);
    }

    @Override
    public Decision decide(Packet early, Packet p, Traversal traversal) {
        List<RuleRef> trail = new ArrayList<>();
        Decision chosen = null;
        for (String[] step : PATH.get(traversal)) {
            Map<String, Chain> table = tables.get(step[0]);
            Chain chain = table == null ? null : table.get(step[1]);
            if (chain == null) {
                continue;
            }
            // The raw table runs before conntrack has looked at the packet: no state yet.
            Packet here = step[1].equals("PREROUTING") ? early : p;
            Packet seen = step[0].equals("raw") && conntrack ? here.withState(ConnState.INVALID) : here;
            Decision d = ChainWalker.walk(chain, ChainWalker.lookup(table), seen, trail, new boolean[1]);
            if (!d.fate().passes()) {
                if (chosen != null && chosen.position() < chainSize(chosen)) {
                    trail.add(chosen.decidedBy()); // an accept in an earlier table did not end the walk
                }
                return withTrail(d, trail);
            }
            boolean explicit = d.decidedBy() != null && d.position() < chain.rules.size();
            if (chosen == null || step[0].equals("filter") || explicit && !chosen.table().equals("filter")) {
                if (chosen != null && chosen.decidedBy() != null && chosen.position() < chainSize(chosen)) {
                    trail.add(chosen.decidedBy());
                }
                chosen = d;
            } else if (explicit) {
                trail.add(d.decidedBy());
            }
        }
        if (chosen == null) {
            return new Decision(Fate.ACCEPT, new RuleRef(0, "no chain of the input filters this path", ""),
                    trail, "filter", "", 0);
        }
        return withTrail(chosen, trail);
    }

    private int chainSize(Decision d) {
        return tables.get(d.table()).get(d.chain()).rules.size();
    }

    private static Decision withTrail(Decision d, List<RuleRef> trail) {
        List<RuleRef> t = new ArrayList<>(trail);
        t.remove(d.decidedBy());
        return new Decision(d.fate(), d.decidedBy(), t, d.table(), d.chain(), d.position());
    }

    // ---- fixes ----

    private String command() {
        return family == Family.IPV4 ? "iptables" : "ip6tables";
    }

    private static String builtInFilterChain(Traversal traversal) {
        return switch (traversal) {
            case INPUT -> "INPUT";
            case OUTPUT -> "OUTPUT";
            case FORWARD -> "FORWARD";
        };
    }

    @Override
    public Fix statefulFix(Decision blocked, Packet p, Traversal traversal) {
        if (!blocked.table().equals("filter")) {
            return null;
        }
        String chain = builtInFilterChain(traversal);
        String body = "-m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT";
        return place("filter", chain, 0, body);
    }

    @Override
    public Fix acceptFix(Decision blocked, Packet p, Traversal traversal) {
        if (blocked.table().isEmpty() || blocked.chain().isEmpty()) {
            return null;
        }
        return place(blocked.table(), blocked.chain(), blocked.position(), acceptRule(p));
    }

    /** The rule body ({@code -s ... -j ACCEPT}) that accepts packets like this one. */
    private String acceptRule(Packet p) {
        StringBuilder r = new StringBuilder();
        boolean icmp = p.protocol() == family.icmpProtocol();
        boolean nd = icmp && p.icmpType() >= IcmpTypeNames.V6_ROUTER_SOLICITATION
                && p.icmpType() <= IcmpTypeNames.V6_NEIGHBOUR_ADVERTISEMENT;
        if (!icmp) {
            r.append("-s ").append(Prefix.host(p.source())).append(' ');
        }
        if (!nd) {
            r.append("-d ").append(Prefix.host(p.destination())).append(' ');
        }
        r.append("-p ").append(Protocols.name(p.protocol()));
        if (p.fragment() == Fragment.LATER) {
            r.append(family == Family.IPV4 ? " -f" : " -m frag --fraglast");
        } else if (p.protocol() == Protocols.UDP) {
            r.append(" -m udp --dport ").append(p.destinationPort());
        } else if (icmp && family == Family.IPV4) {
            r.append(" -m icmp --icmp-type ").append(p.icmpType() == IcmpTypeNames.V4_DESTINATION_UNREACHABLE
                    && p.icmpCode() == IcmpTypeNames.V4_FRAGMENTATION_NEEDED ? "fragmentation-needed"
                    : p.icmpType() + "/" + p.icmpCode());
        } else if (icmp) {
            r.append(" -m icmp6 --icmpv6-type ").append(switch (p.icmpType()) {
                case IcmpTypeNames.V6_PACKET_TOO_BIG -> "packet-too-big";
                case IcmpTypeNames.V6_ROUTER_SOLICITATION -> "router-solicitation";
                case IcmpTypeNames.V6_ROUTER_ADVERTISEMENT -> "router-advertisement";
                case IcmpTypeNames.V6_NEIGHBOUR_SOLICITATION -> "neighbour-solicitation";
                case IcmpTypeNames.V6_NEIGHBOUR_ADVERTISEMENT -> "neighbour-advertisement";
                default -> Integer.toString(p.icmpType());
            });
            if (nd) {
                r.append(" -m hl --hl-eq 255"); // RFC 4861 §7.1.1: on-link only
            }
        }
        return r.append(" -j ACCEPT").toString();
    }

    private Fix place(String table, String chainName, int position, String body) {
        Chain chain = tables.get(table).get(chainName);
        String tableOption = table.equals("filter") ? "" : "-t " + table + " ";
        String rule = "-A " + chainName + " " + body;
        if (position >= chain.rules.size()) {
            int last = lastLine(chain);
            String where = "append to chain " + chainName + (table.equals("filter") ? "" : " of table " + table)
                    + (last > 0 ? " (after line " + last + ")" : "");
            return new Fix(where, rule, command() + " " + tableOption + "-A " + chainName + " " + body, table,
                    chainName, chain.rules.size(), 0);
        }
        int before = chain.rules.get(position).line();
        String where = (position == 0 ? "insert at the top of chain " : "insert into chain ") + chainName
                + (table.equals("filter") ? "" : " of table " + table)
                + (before > 0 ? ", before line " + before : "");
        return new Fix(where, rule, command() + " " + tableOption + "-I " + chainName + " " + (position + 1) + " "
                + body, table, chainName, position, before);
    }

    private static int lastLine(Chain chain) {
        for (int i = chain.rules.size() - 1; i >= 0; i--) {
            if (chain.rules.get(i).line() > 0) {
                return chain.rules.get(i).line();
            }
        }
        return 0;
    }

    @Override
    public Ruleset with(Fix fix) throws RulesetSyntaxException {
        Map<String, Map<String, Chain>> copy = new LinkedHashMap<>();
        for (Map.Entry<String, Map<String, Chain>> table : tables.entrySet()) {
            Map<String, Chain> chains = new LinkedHashMap<>();
            table.getValue().forEach((name, chain) -> chains.put(name, chain.copy()));
            copy.put(table.getKey(), chains);
        }
        Parser parser = new Parser(List.of(), family, localAddresses);
        parser.tables.putAll(copy);
        List<String> words = Words.split(fix.rule());
        Chain.Rule rule = parser.rule(fix.table(), words.subList(2, words.size()), 0, fix.rule(), copy.get(fix.table()));
        copy.get(fix.table()).get(fix.chain()).rules.add(fix.position(), rule);
        boolean tracks = conntrack || parser.usesConntrack;
        return new IptablesRuleset(family, copy, tracks, notes, localAddresses);
    }

    // ---- parsing ----

    private static final class Parser {

        private final List<String> lines;
        private final Set<InetAddress> localAddresses;
        private Family family;
        private final Map<String, Map<String, Chain>> tables = new LinkedHashMap<>();
        private final List<String> notes = new ArrayList<>();
        private boolean usesConntrack;
        private int natRules;
        private final List<Object[]> jumpsToCheck = new ArrayList<>();

        Parser(List<String> lines, Family family, Set<InetAddress> localAddresses) {
            this.lines = lines;
            this.family = family;
            this.localAddresses = localAddresses;
        }

        IptablesRuleset parse() throws RulesetSyntaxException {
            family = detectFamily();
            String table = null;
            boolean bare = false;
            for (int i = 0; i < lines.size(); i++) {
                int n = i + 1;
                String raw = lines.get(i);
                String text = raw.strip();
                if (text.isEmpty() || text.startsWith("#")) {
                    continue;
                }
                if (text.startsWith("*")) {
                    table = text.substring(1).strip();
                    if (!BUILT_IN.containsKey(table)) {
                        throw new RulesetSyntaxException(n, raw, "unknown table '" + table + "'");
                    }
                    Map<String, Chain> chains = tables.computeIfAbsent(table, t -> new LinkedHashMap<>());
                    if (table.equals("nat")) {
                        usesConntrack = true;
                    }
                    continue;
                }
                if (text.equals("COMMIT")) {
                    table = null;
                    continue;
                }
                if (text.startsWith(":")) {
                    if (table == null) {
                        throw new RulesetSyntaxException(n, raw, "chain declaration outside a table (no *filter line before it)");
                    }
                    declareChain(table, text, n, raw);
                    continue;
                }
                List<String> words;
                try {
                    words = new ArrayList<>(Words.split(text));
                } catch (IllegalArgumentException e) {
                    throw new RulesetSyntaxException(n, raw, e.getMessage());
                }
                if (words.getFirst().matches("\\[\\d+:\\d+]")) {
                    words.removeFirst(); // iptables-save -c counters
                }
                String lineTable = table;
                boolean command = false;
                if (!words.isEmpty() && words.getFirst().equals("sudo")) {
                    words.removeFirst();
                }
                if (!words.isEmpty() && words.getFirst().matches("(ip6?tables)(-legacy|-nft)?")) {
                    command = true;
                    words.removeFirst();
                    lineTable = "filter";
                    while (!words.isEmpty() && (words.getFirst().equals("-t") || words.getFirst().equals("--table")
                            || words.getFirst().equals("-w") || words.getFirst().equals("--wait"))) {
                        String option = words.removeFirst();
                        if (option.equals("-t") || option.equals("--table")) {
                            if (words.isEmpty()) {
                                throw new RulesetSyntaxException(n, raw, "-t needs a table name");
                            }
                            lineTable = words.removeFirst();
                        }
                    }
                }
                if (words.isEmpty()) {
                    throw new RulesetSyntaxException(n, raw, "not an iptables rule");
                }
                if (lineTable == null) {
                    lineTable = "filter";
                    if (!bare) {
                        bare = true;
                        notes.add("the input has no table header (*filter): its rules are taken as the filter "
                                + "table's, and chains it gives no policy for as ACCEPT (the kernel's default)");
                    }
                }
                if (!BUILT_IN.containsKey(lineTable)) {
                    throw new RulesetSyntaxException(n, raw, "unknown table '" + lineTable + "'");
                }
                Map<String, Chain> chains = tables.computeIfAbsent(lineTable, t -> new LinkedHashMap<>());
                if (lineTable.equals("nat")) {
                    usesConntrack = true;
                }
                String op = words.getFirst();
                switch (op) {
                    case "-A", "--append", "-I", "--insert" -> {
                        if (words.size() < 2) {
                            throw new RulesetSyntaxException(n, raw, op + " needs a chain");
                        }
                        String chainName = words.get(1);
                        Chain chain = chainFor(lineTable, chainName, command || bare, n, raw);
                        int position = chain.rules.size();
                        int from = 2;
                        if (op.startsWith("-I") || op.equals("--insert")) {
                            position = 0;
                            if (words.size() > 2 && words.get(2).matches("\\d+")) {
                                position = Math.min(Integer.parseInt(words.get(2)) - 1, chain.rules.size());
                                from = 3;
                            }
                        }
                        if (lineTable.equals("nat")) {
                            natRules++;
                            continue; // translation is not modelled; the table only turns conntrack on
                        }
                        Chain.Rule rule = rule(lineTable, words.subList(from, words.size()), n, text, chains);
                        chain.rules.add(Math.max(position, 0), rule);
                    }
                    case "-N", "--new-chain", "--new" -> {
                        if (words.size() != 2) {
                            throw new RulesetSyntaxException(n, raw, "-N takes one chain name");
                        }
                        chains.putIfAbsent(words.get(1), new Chain(lineTable, words.get(1), false, null, 0, "filter"));
                    }
                    case "-P", "--policy" -> {
                        if (words.size() != 3) {
                            throw new RulesetSyntaxException(n, raw, "-P takes a chain and a policy");
                        }
                        Chain chain = chainFor(lineTable, words.get(1), true, n, raw);
                        if (!chain.base) {
                            throw new RulesetSyntaxException(n, raw, "only built-in chains have a policy");
                        }
                        chain.policy = policy(words.get(2), n, raw);
                        chain.policyRef = new RuleRef(n, text + " (the chain's policy)", chain.name);
                    }
                    default -> throw new RulesetSyntaxException(n, raw, "unsupported line: expected *table, :CHAIN "
                            + "POLICY, -A, -I, -N, -P or COMMIT, found '" + op + "'");
                }
            }
            for (Object[] jump : jumpsToCheck) {
                String t = (String) jump[0];
                String target = (String) jump[1];
                if (!tables.get(t).containsKey(target)) {
                    throw new RulesetSyntaxException((Integer) jump[2], (String) jump[3],
                            "-j " + target + ": no chain " + target + " in table " + t
                            + " of the input (and not a target the checker models)");
                }
            }
            for (Map.Entry<String, Map<String, Chain>> t : tables.entrySet()) {
                for (String builtIn : BUILT_IN.get(t.getKey())) {
                    Chain c = t.getValue().get(builtIn);
                    if (c == null) {
                        c = new Chain(t.getKey(), builtIn, true, null, 0, t.getKey());
                        t.getValue().put(builtIn, c);
                    }
                    if (c.policyRef == null) {
                        c.policyRef = new RuleRef(0, "policy ACCEPT of " + builtIn + " (not declared in the input: "
                                + "the kernel's default)", builtIn);
                    }
                }
            }
            if (natRules > 0) {
                notes.add("the nat table's " + natRules + " rule(s) are not walked: address translation is not "
                        + "modelled (the table does turn connection tracking on)");
            }
            if (tables.isEmpty()) {
                throw new RulesetSyntaxException(0, null, "no rules and no tables in the input");
            }
            return new IptablesRuleset(family, tables, usesConntrack, notes, localAddresses);
        }

        private Family detectFamily() throws RulesetSyntaxException {
            Family said = null;
            int saidLine = 0;
            for (int i = 0; i < lines.size(); i++) {
                String text = lines.get(i).strip();
                Family here = null;
                if (text.startsWith("# Generated by ip6tables-save") || text.matches("(sudo\\s+)?ip6tables(-legacy|-nft)?\\s.*")
                        || text.contains("ipv6-icmp") || text.contains("--icmpv6-type") || text.contains("icmp6-")) {
                    here = Family.IPV6;
                } else if (text.startsWith("# Generated by iptables-save") || text.matches("(sudo\\s+)?iptables(-legacy|-nft)?\\s.*")
                        || text.contains("--icmp-type") || text.matches(".*\\s-p\\s+icmp\\b.*")) {
                    here = Family.IPV4;
                }
                if (here == null) {
                    continue;
                }
                if (said != null && said != here) {
                    throw new RulesetSyntaxException(i + 1, lines.get(i), "this line is " + here.label()
                            + " but line " + saidLine + " is " + said.label()
                            + ": give iptables-save and ip6tables-save output separately");
                }
                said = here;
                saidLine = i + 1;
            }
            return said == null ? family : said;
        }

        private void declareChain(String table, String text, int n, String raw) throws RulesetSyntaxException {
            List<String> words;
            try {
                words = Words.split(text.substring(1));
            } catch (IllegalArgumentException e) {
                throw new RulesetSyntaxException(n, raw, e.getMessage());
            }
            if (words.size() < 2) {
                throw new RulesetSyntaxException(n, raw, "chain declaration needs a name and a policy");
            }
            String name = words.get(0);
            boolean builtIn = BUILT_IN.get(table).contains(name);
            Chain chain = tables.get(table).computeIfAbsent(name,
                    c -> new Chain(table, name, builtIn, null, 0, table));
            if (builtIn) {
                chain.policy = policy(words.get(1), n, raw);
                chain.policyRef = new RuleRef(n, text + " (the chain's policy)", name);
            } else if (!words.get(1).equals("-")) {
                throw new RulesetSyntaxException(n, raw, "user chain '" + name + "' cannot have a policy");
            }
        }

        private static Fate policy(String word, int n, String raw) throws RulesetSyntaxException {
            return switch (word) {
                case "ACCEPT" -> Fate.ACCEPT;
                case "DROP" -> Fate.DROP;
                default -> throw new RulesetSyntaxException(n, raw, "policy must be ACCEPT or DROP, not '" + word + "'");
            };
        }

        private Chain chainFor(String table, String name, boolean createUser, int n, String raw)
                throws RulesetSyntaxException {
            Map<String, Chain> chains = tables.get(table);
            Chain chain = chains.get(name);
            if (chain != null) {
                return chain;
            }
            boolean builtIn = BUILT_IN.get(table).contains(name);
            if (!builtIn && !createUser) {
                throw new RulesetSyntaxException(n, raw, "chain '" + name + "' is not declared (no :" + name
                        + " - [0:0] line in table " + table + ")");
            }
            chain = new Chain(table, name, builtIn, null, 0, table);
            chains.put(name, chain);
            return chain;
        }

        // ---- one rule ----

        private static final Set<String> NO_VALUE_TARGET_OPTIONS = Set.of("--log-tcp-sequence", "--log-tcp-options",
                "--log-ip-options", "--log-uid", "--log-macdecode", "--clamp-mss-to-pmtu", "--notrack",
                "--save-mark", "--restore-mark", "--random", "--random-fully", "--persistent");
        private static final Set<String> VALUE_TARGET_OPTIONS = Set.of("--log-prefix", "--log-level", "--reject-with",
                "--nflog-group", "--nflog-prefix", "--nflog-range", "--nflog-size", "--nflog-threshold", "--set-mss",
                "--set-mark", "--set-xmark", "--and-mark", "--or-mark", "--xor-mark", "--mask", "--nfmask", "--ctmask",
                "--set-dscp", "--set-dscp-class", "--set-tos", "--and-tos", "--or-tos", "--xor-tos", "--ttl-set",
                "--ttl-dec", "--ttl-inc", "--hl-set", "--hl-dec", "--hl-inc", "--to-ports", "--to-source",
                "--to-destination", "--log-group", "--log-group-prefix", "--queue-num");

        Chain.Rule rule(String table, List<String> words, int n, String text, Map<String, Chain> chains)
                throws RulesetSyntaxException {
            List<Match> matches = new ArrayList<>();
            Target target = new Target.Continue("no target");
            boolean negate = false;
            String module = null;
            int protocol = -1;
            for (int i = 0; i < words.size(); i++) {
                String w = words.get(i);
                if (w.equals("!")) {
                    negate = true;
                    continue;
                }
                boolean neg = negate;
                negate = false;
                switch (w) {
                    case "-s", "--source", "--src", "-d", "--destination", "--dst" -> {
                        String value = value(words, ++i, w, n, text);
                        List<Prefix> prefixes = new ArrayList<>();
                        for (String part : value.split(",")) {
                            prefixes.add(prefix(part, n, text));
                        }
                        matches.add(new Match.Address(w.startsWith("-s") || w.startsWith("--s"), prefixes, neg));
                    }
                    case "-i", "--in-interface", "-o", "--out-interface" -> matches.add(new Match.Interface(
                            w.startsWith("-i") || w.startsWith("--in"), List.of(value(words, ++i, w, n, text)), neg));
                    case "-p", "--protocol" -> {
                        String value = value(words, ++i, w, n, text);
                        if (value.equals("all") || value.equals("0")) {
                            if (neg) {
                                matches.add(new Match.Never("! -p all"));
                            }
                            continue;
                        }
                        int number = Protocols.number(value);
                        if (number < 0) {
                            throw new RulesetSyntaxException(n, text, "unknown protocol '" + value + "'");
                        }
                        protocol = neg ? -1 : number;
                        matches.add(new Match.Protocol(Set.of(number), neg, false));
                    }
                    case "-f", "--fragment" -> {
                        if (family == Family.IPV6) {
                            throw new RulesetSyntaxException(n, text, "ip6tables has no -f: use -m frag");
                        }
                        matches.add(new Match.LaterFragment(neg));
                    }
                    case "-m", "--match" -> {
                        module = value(words, ++i, w, n, text);
                        if (neg) {
                            throw new RulesetSyntaxException(n, text, "'!' before -m");
                        }
                        checkModule(module, n, text);
                        if (module.equals("conntrack") || module.equals("state")) {
                            usesConntrack = true;
                        }
                    }
                    case "-c", "--set-counters" -> i += 2;
                    case "-j", "--jump", "-g", "--goto" -> {
                        String name = value(words, ++i, w, n, text);
                        List<String> options = words.subList(i + 1, words.size());
                        target = target(table, name, w.startsWith("-g") || w.equals("--goto"), options, n, text, chains);
                        i = words.size();
                    }
                    default -> {
                        if (!w.startsWith("--")) {
                            throw new RulesetSyntaxException(n, text, "unexpected word '" + w + "'");
                        }
                        String m = module != null ? module : implicitModule(protocol);
                        if (m == null) {
                            throw new RulesetSyntaxException(n, text, "option '" + w + "' without -m or -p that defines it");
                        }
                        i = moduleOption(m, w, words, i, neg, protocol, matches, n, text);
                    }
                }
            }
            if (negate) {
                throw new RulesetSyntaxException(n, text, "'!' at the end of the rule");
            }
            return new Chain.Rule(n, text, matches, target);
        }

        private static final Set<String> SUPPORTED_MODULES = Set.of("udp", "tcp", "icmp", "icmp6", "icmpv6",
                "multiport", "conntrack", "state", "comment", "limit", "frag", "hl", "ttl", "policy", "addrtype",
                "pkttype", "iprange");

        private void checkModule(String module, int n, String text) throws RulesetSyntaxException {
            if (!SUPPORTED_MODULES.contains(module)) {
                throw new RulesetSyntaxException(n, text, "unsupported match '-m " + module + "' (the checker models: "
                        + String.join(", ", SUPPORTED_MODULES.stream().sorted().toList()) + ")");
            }
            if (module.equals("frag") && family == Family.IPV4) {
                throw new RulesetSyntaxException(n, text, "-m frag is ip6tables'; iptables uses -f");
            }
        }

        private static String implicitModule(int protocol) {
            return switch (protocol) {
                case Protocols.UDP -> "udp";
                case Protocols.TCP -> "tcp";
                case Protocols.ICMP -> "icmp";
                case Protocols.ICMPV6 -> "icmp6";
                default -> null;
            };
        }

        /** Parses one option of a match module; returns the index of its last word. */
        private int moduleOption(String module, String option, List<String> words, int i, boolean neg, int protocol,
                List<Match> matches, int n, String text) throws RulesetSyntaxException {
            switch (module) {
                case "udp", "tcp" -> {
                    Set<Integer> protos = Set.of(module.equals("udp") ? Protocols.UDP : Protocols.TCP);
                    switch (option) {
                        case "--dport", "--destination-port", "--sport", "--source-port" -> {
                            matches.add(new Match.Ports(protos, option.startsWith("--d"),
                                    List.of(portRange(value(words, i + 1, option, n, text), ':', n, text)), neg));
                            return i + 1;
                        }
                        case "--tcp-flags" -> {
                            value(words, i + 2, option, n, text);
                            matches.add(new Match.Protocol(Set.of(Protocols.TCP), false, false));
                            return i + 2;
                        }
                        case "--syn", "--tcp-option" -> {
                            matches.add(new Match.Protocol(Set.of(Protocols.TCP), false, false));
                            return option.equals("--syn") ? i : i + 1;
                        }
                        default -> throw unknownOption(module, option, n, text);
                    }
                }
                case "multiport" -> {
                    if (protocol < 0) {
                        throw new RulesetSyntaxException(n, text, "-m multiport needs -p udp or -p tcp before it");
                    }
                    List<int[]> ranges = new ArrayList<>();
                    for (String part : value(words, i + 1, option, n, text).split(",")) {
                        ranges.add(portRange(part, ':', n, text));
                    }
                    Set<Integer> protos = Set.of(protocol);
                    switch (option) {
                        case "--dports", "--destination-ports" -> matches.add(new Match.Ports(protos, true, ranges, neg));
                        case "--sports", "--source-ports" -> matches.add(new Match.Ports(protos, false, ranges, neg));
                        case "--ports" -> matches.add(new Match.EitherPort(protos, ranges, neg));
                        default -> throw unknownOption(module, option, n, text);
                    }
                    return i + 1;
                }
                case "icmp", "icmp6", "icmpv6" -> {
                    boolean v6 = !module.equals("icmp");
                    if (!option.equals(v6 ? "--icmpv6-type" : "--icmp-type")) {
                        throw unknownOption(module, option, n, text);
                    }
                    String value = value(words, i + 1, option, n, text);
                    Family f = v6 ? Family.IPV6 : Family.IPV4;
                    IcmpTypeNames.TypeCode tc = IcmpTypeNames.iptables(f, value);
                    if (tc == null) {
                        throw new RulesetSyntaxException(n, text, "unknown " + (v6 ? "ICMPv6" : "ICMP") + " type '" + value + "'");
                    }
                    matches.add(new Match.Icmp(f, tc.type(), tc.codeLow(), tc.codeHigh(), neg));
                    return i + 1;
                }
                case "conntrack", "state" -> {
                    if (!option.equals(module.equals("state") ? "--state" : "--ctstate")) {
                        throw unknownOption(module, option, n, text);
                    }
                    Set<ConnState> states = EnumSet.noneOf(ConnState.class);
                    for (String s : value(words, i + 1, option, n, text).split(",")) {
                        try {
                            states.add(ConnState.valueOf(s.toUpperCase(Locale.ROOT)));
                        } catch (IllegalArgumentException e) {
                            if (s.equalsIgnoreCase("SNAT") || s.equalsIgnoreCase("DNAT")) {
                                throw new RulesetSyntaxException(n, text, "--ctstate " + s + " is not modelled (NAT)");
                            }
                            throw new RulesetSyntaxException(n, text, "unknown connection state '" + s + "'");
                        }
                    }
                    matches.add(new Match.State(states, neg));
                    return i + 1;
                }
                case "comment" -> {
                    if (!option.equals("--comment")) {
                        throw unknownOption(module, option, n, text);
                    }
                    value(words, i + 1, option, n, text);
                    return i + 1;
                }
                case "limit" -> {
                    if (!option.equals("--limit") && !option.equals("--limit-burst")) {
                        throw unknownOption(module, option, n, text);
                    }
                    value(words, i + 1, option, n, text);
                    if (matches.stream().noneMatch(m -> m instanceof Match.UnderRateLimit)) {
                        matches.add(new Match.UnderRateLimit(false));
                    }
                    return i + 1;
                }
                case "frag" -> {
                    Match.Ipv6Fragment base = matches.stream().filter(m -> m instanceof Match.Ipv6Fragment)
                            .map(m -> (Match.Ipv6Fragment) m).findFirst()
                            .orElse(new Match.Ipv6Fragment(false, false, false, 0, 0xFFFFFFFFL, false));
                    matches.remove(base);
                    int last = i;
                    switch (option) {
                        case "--fragfirst" -> base = new Match.Ipv6Fragment(true, base.more(), base.last(), base.idLow(), base.idHigh(), base.idNegate());
                        case "--fragmore" -> base = new Match.Ipv6Fragment(base.first(), true, base.last(), base.idLow(), base.idHigh(), base.idNegate());
                        case "--fraglast" -> base = new Match.Ipv6Fragment(base.first(), base.more(), true, base.idLow(), base.idHigh(), base.idNegate());
                        case "--fragid" -> {
                            String v = value(words, i + 1, option, n, text);
                            long low;
                            long high;
                            try {
                                int colon = v.indexOf(':');
                                low = colon < 0 ? Long.parseLong(v) : Long.parseLong(v.substring(0, colon));
                                high = colon < 0 ? low : Long.parseLong(v.substring(colon + 1));
                            } catch (NumberFormatException e) {
                                throw new RulesetSyntaxException(n, text, "bad --fragid '" + v + "'");
                            }
                            base = new Match.Ipv6Fragment(base.first(), base.more(), base.last(), low, high, neg);
                            last = i + 1;
                        }
                        default -> throw new RulesetSyntaxException(n, text, "unsupported option '" + option
                                + "' of -m frag (modelled: --fragfirst, --fragmore, --fraglast, --fragid)");
                    }
                    matches.add(base);
                    return last;
                }
                case "hl", "ttl" -> {
                    String prefix = "--" + module + "-";
                    if (!option.startsWith(prefix)) {
                        throw unknownOption(module, option, n, text);
                    }
                    String op = option.substring(prefix.length());
                    char c = switch (op) {
                        case "eq" -> '=';
                        case "lt" -> '<';
                        case "gt" -> '>';
                        default -> throw unknownOption(module, option, n, text);
                    };
                    matches.add(new Match.HopLimit(c, intValue(words, i + 1, option, n, text), neg));
                    return i + 1;
                }
                case "policy" -> {
                    switch (option) {
                        case "--dir" -> {
                            value(words, i + 1, option, n, text);
                            return i + 1;
                        }
                        case "--pol" -> {
                            String v = value(words, i + 1, option, n, text);
                            if (!v.equals("ipsec") && !v.equals("none")) {
                                throw new RulesetSyntaxException(n, text, "--pol must be ipsec or none");
                            }
                            matches.add(new Match.IpsecPolicy(v.equals("ipsec")));
                            return i + 1;
                        }
                        case "--strict", "--next" -> {
                            return i;
                        }
                        case "--reqid", "--spi", "--proto", "--mode", "--tunnel-src", "--tunnel-dst" -> {
                            // Only meaningful with --pol ipsec, which the outer packets never meet.
                            value(words, i + 1, option, n, text);
                            return i + 1;
                        }
                        default -> throw unknownOption(module, option, n, text);
                    }
                }
                case "addrtype" -> {
                    switch (option) {
                        case "--src-type", "--dst-type" -> {
                            Set<String> types = new java.util.HashSet<>();
                            for (String t : value(words, i + 1, option, n, text).split(",")) {
                                String lower = t.toLowerCase(Locale.ROOT);
                                if (!Set.of("local", "unicast", "multicast", "broadcast", "unspec").contains(lower)) {
                                    throw new RulesetSyntaxException(n, text, "address type " + t + " is not modelled "
                                            + "(modelled: LOCAL, UNICAST, MULTICAST, BROADCAST, UNSPEC)");
                                }
                                types.add(lower);
                            }
                            matches.add(new Match.AddressType(option.startsWith("--src"), types, neg, localAddresses));
                            return i + 1;
                        }
                        case "--limit-iface-in", "--limit-iface-out" -> {
                            return i;
                        }
                        default -> throw unknownOption(module, option, n, text);
                    }
                }
                case "pkttype" -> {
                    if (!option.equals("--pkt-type")) {
                        throw unknownOption(module, option, n, text);
                    }
                    matches.add(new Match.PacketType(Set.of(value(words, i + 1, option, n, text).toLowerCase(Locale.ROOT)), neg));
                    return i + 1;
                }
                case "iprange" -> {
                    if (!option.equals("--src-range") && !option.equals("--dst-range")) {
                        throw unknownOption(module, option, n, text);
                    }
                    String v = value(words, i + 1, option, n, text);
                    int dash = v.indexOf('-');
                    if (dash < 0) {
                        throw new RulesetSyntaxException(n, text, "bad address range '" + v + "'");
                    }
                    matches.add(new Match.Range(option.startsWith("--src"), literal(v.substring(0, dash), n, text),
                            literal(v.substring(dash + 1), n, text), neg));
                    return i + 1;
                }
                default -> throw new RulesetSyntaxException(n, text, "unsupported match '-m " + module + "'");
            }
        }

        private static RulesetSyntaxException unknownOption(String module, String option, int n, String text) {
            return new RulesetSyntaxException(n, text, "unsupported option '" + option + "' of -m " + module);
        }

        private Target target(String table, String name, boolean gotoChain, List<String> options, int n, String text,
                Map<String, Chain> chains) throws RulesetSyntaxException {
            for (int i = 0; i < options.size(); i++) {
                String o = options.get(i);
                if (o.equals("-c") || o.equals("--set-counters")) {
                    i += 2;
                } else if (VALUE_TARGET_OPTIONS.contains(o)) {
                    if (i + 1 >= options.size()) {
                        throw new RulesetSyntaxException(n, text, o + " needs a value");
                    }
                    i++;
                } else if (!NO_VALUE_TARGET_OPTIONS.contains(o)) {
                    throw new RulesetSyntaxException(n, text, "unsupported option '" + o + "' of target " + name
                            + " (or an option after the target)");
                }
            }
            if (gotoChain) {
                jumpsToCheck.add(new Object[] {table, name, n, text});
                return new Target.Goto(name);
            }
            return switch (name) {
                case "ACCEPT" -> new Target.Verdict(Fate.ACCEPT);
                case "DROP" -> new Target.Verdict(Fate.DROP);
                case "REJECT" -> new Target.Verdict(Fate.REJECT);
                case "RETURN" -> new Target.Return();
                case "LOG", "NFLOG", "ULOG", "TRACE", "AUDIT", "MARK", "CONNMARK", "TCPMSS", "DSCP", "TOS", "TTL",
                        "HL", "CLASSIFY", "CONNSECMARK", "SECMARK" -> new Target.Continue(name);
                case "NOTRACK" -> new Target.NoTrack();
                case "CT" -> {
                    if (!options.contains("--notrack")) {
                        throw new RulesetSyntaxException(n, text, "-j CT is modelled with --notrack only");
                    }
                    yield new Target.NoTrack();
                }
                case "QUEUE", "NFQUEUE" -> throw new RulesetSyntaxException(n, text, "-j " + name
                        + " hands the packet to a user-space program: its fate cannot be known from the rules");
                case "MASQUERADE", "SNAT", "DNAT", "REDIRECT", "NETMAP" -> throw new RulesetSyntaxException(n, text,
                        "-j " + name + " belongs in the nat table");
                default -> {
                    if (isKnownTargetLike(name)) {
                        throw new RulesetSyntaxException(n, text, "unsupported target '" + name + "'");
                    }
                    jumpsToCheck.add(new Object[] {table, name, n, text});
                    yield new Target.Jump(name);
                }
            };
        }

        /** Targets of xtables-addons and friends: named as targets, not chains; refused rather than taken as jumps. */
        private static boolean isKnownTargetLike(String name) {
            return Set.of("TARPIT", "DELUDE", "CHAOS", "SET", "TEE", "TPROXY", "LED", "IDLETIMER", "CHECKSUM",
                    "CLUSTERIP", "ECN", "RATEEST", "SYNPROXY", "HMARK", "DNPT", "SNPT", "NPTv6").contains(name);
        }

        private static String value(List<String> words, int index, String option, int n, String text)
                throws RulesetSyntaxException {
            if (index >= words.size()) {
                throw new RulesetSyntaxException(n, text, option + " needs a value");
            }
            return words.get(index);
        }

        private static int intValue(List<String> words, int index, String option, int n, String text)
                throws RulesetSyntaxException {
            String v = value(words, index, option, n, text);
            try {
                return Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw new RulesetSyntaxException(n, text, option + " needs a number, not '" + v + "'");
            }
        }

        private Prefix prefix(String text, int n, String line) throws RulesetSyntaxException {
            try {
                Prefix p = Prefix.parse(text);
                if (p.family() != family) {
                    throw new RulesetSyntaxException(n, line, "address " + text + " is not " + family.label()
                            + " (this is " + (family == Family.IPV4 ? "iptables" : "ip6tables") + " input)");
                }
                return p;
            } catch (IllegalArgumentException e) {
                throw new RulesetSyntaxException(n, line, e.getMessage());
            }
        }

        private static InetAddress literal(String text, int n, String line) throws RulesetSyntaxException {
            try {
                return Prefix.literal(text);
            } catch (IllegalArgumentException e) {
                throw new RulesetSyntaxException(n, line, e.getMessage());
            }
        }

        static int[] portRange(String text, char separator, int n, String line) throws RulesetSyntaxException {
            try {
                return PortText.range(text, separator);
            } catch (IllegalArgumentException e) {
                throw new RulesetSyntaxException(n, line, "bad port '" + text + "': " + e.getMessage());
            }
        }
    }
}
