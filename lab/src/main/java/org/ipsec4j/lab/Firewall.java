package org.ipsec4j.lab;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One iptables or ip6tables table in one namespace: add rules, read their counters back. */
public final class Firewall {

    private static final Pattern COUNTERS = Pattern.compile(" -c (\\d+) (\\d+)");

    private final Namespace namespace;
    private final IpVersion version;
    private final String table;

    Firewall(Namespace namespace, IpVersion version, String table) {
        this.namespace = namespace;
        this.version = version;
        this.table = table;
    }

    public IpVersion version() {
        return version;
    }

    public String table() {
        return table;
    }

    /** {@code iptables -t TABLE -A CHAIN ruleArguments...}, e.g. {@code append("INPUT", "-p", "udp", "--dport", "500", "-j", "ACCEPT")}. */
    public Firewall append(String chain, String... ruleArguments) {
        return run("-A", chain, ruleArguments);
    }

    /** Deletes the rule that {@link #append} with the same arguments added. */
    public Firewall delete(String chain, String... ruleArguments) {
        return run("-D", chain, ruleArguments);
    }

    public Firewall flush(String chain) {
        return run("-F", chain);
    }

    /** Resets the packet and byte counters of every rule of the chain. */
    public Firewall zeroCounters(String chain) {
        return run("-Z", chain);
    }

    public Firewall policy(String chain, String target) {
        return run("-P", chain, target);
    }

    /** Runs any other iptables operation on this table, e.g. {@code command("-N", "MYCHAIN")}. */
    public Firewall command(String... arguments) {
        List<String> command = new ArrayList<>(List.of(version.iptablesCommand(), "-w", "-t", table));
        command.addAll(Arrays.asList(arguments));
        namespace.run(command.toArray(String[]::new));
        return this;
    }

    private Firewall run(String operation, String chain, String... rest) {
        String[] arguments = new String[2 + rest.length];
        arguments[0] = operation;
        arguments[1] = chain;
        System.arraycopy(rest, 0, arguments, 2, rest.length);
        return command(arguments);
    }

    /** The rules of a chain, in order, with their current counters. */
    public List<FirewallRule> rules(String chain) {
        String listing = namespace.run(version.iptablesCommand(), "-w", "-t", table, "-S", chain, "-v").stdout();
        List<FirewallRule> rules = new ArrayList<>();
        for (String line : listing.lines().toList()) {
            if (!line.startsWith("-A ")) {
                continue; // "-P" policy and "-N" chain lines
            }
            Matcher m = COUNTERS.matcher(line);
            if (!m.find()) {
                throw new IllegalStateException("no counters in iptables -S -v line: " + line);
            }
            String spec = (line.substring(0, m.start()) + line.substring(m.end())).strip();
            rules.add(new FirewallRule(rules.size() + 1, spec, Long.parseLong(m.group(1)), Long.parseLong(m.group(2))));
        }
        return rules;
    }

    /**
     * The one rule of the chain whose {@code -S} text contains {@code fragment} (e.g. {@code "--dport 4500"} or
     * {@code "-j REJECT"}); throws if none or several do.
     */
    public FirewallRule rule(String chain, String fragment) {
        List<FirewallRule> rules = rules(chain);
        List<FirewallRule> matching = rules.stream().filter(r -> r.spec().contains(fragment)).toList();
        if (matching.size() != 1) {
            throw new IllegalArgumentException(matching.size() + " rules of " + version.iptablesCommand() + " -t " + table
                    + " " + chain + " in " + namespace.name() + " contain '" + fragment + "': " + rules);
        }
        return matching.getFirst();
    }

    /** The whole table with counters, for diagnostics. */
    public String dump() {
        return namespace.exec(version.iptablesCommand(), "-w", "-t", table, "-S", "-v").stdout();
    }
}
