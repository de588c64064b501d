package org.ipsec4j.cli.firewall;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ipsec4j firewall-check RULES --local A --peer B}: walks the packets an IPsec tunnel needs through a
 * firewall's rules and says which ones die where, and the fewest rules that fix it.
 */
@Command(name = "firewall-check", mixinStandardHelpOptions = true,
        description = {
            "Walk the packets an IPsec tunnel needs through a firewall ruleset: IKE on UDP 500 and 4500, IKE_AUTH "
                + "as IP fragments (first and later), ESP, ESP in UDP or AH both ways, ICMP fragmentation needed / "
                + "packet too big, IPv6 neighbour discovery. Prints each packet's fate and the rule (line number "
                + "and text) that decides it, then the smallest fix found, checked by walking everything again.",
            "RULES is iptables-save or ip6tables-save output (or bare -A lines, or iptables -A commands), "
                + "'nft list ruleset' output, or Cisco ASA/PIX access-list and access-group lines; - reads stdin. "
                + "Connection tracking is modelled where the ruleset uses it (conntrack or state matches, nft ct, "
                + "a nat table): fragments are then reassembled before filtering."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {
            "0:every packet the tunnel needs gets through",
            "1:internal error",
            "2:wrong command-line usage",
            "3:RULES cannot be read",
            "4:RULES has a line the checker cannot read or does not model (named on stderr)",
            "5:a packet the tunnel needs is blocked",
            "6:only recommended packets are blocked (ICMP too-big, router discovery, after-idle)"})
public final class FirewallCheckCommand implements Callable<Integer> {

    static final int EXIT_CANNOT_READ = 3;
    static final int EXIT_BAD_RULESET = 4;
    static final int EXIT_BLOCKED = 5;
    static final int EXIT_DEGRADED = 6;

    /** The ruleset formats, as --format takes them. */
    enum FormatOption { auto, iptables, nft, asa }

    enum EncapOption { udp, none }

    enum FirewallOption { local, router }

    enum InitiatorOption { local, peer, both }

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "RULES", description = "the ruleset file, - for stdin")
    private String rules;

    @Option(names = "--local", required = true, paramLabel = "ADDR",
            description = "the local IPsec host's address (IPv4 or IPv6)")
    private String local;

    @Option(names = "--peer", required = true, paramLabel = "ADDR", description = "the peer's address")
    private String peer;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "auto",
            description = "auto (default), iptables, nft or asa")
    private FormatOption format;

    @Option(names = "--encap", paramLabel = "udp|none", defaultValue = "udp",
            description = "ESP in UDP 4500 with IKE moving to 4500 (udp, the default), or raw ESP, protocol 50 (none)")
    private EncapOption encap;

    @Option(names = "--ah", description = "the tunnel uses AH (protocol 51); implies --encap none")
    private boolean ah;

    @Option(names = "--firewall", paramLabel = "local|router",
            description = "where the firewall runs: on the local host (default for iptables and nft) or on a router "
                + "between the two hosts (default, and the only choice, for an ASA)")
    private FirewallOption firewall;

    @Option(names = "--peer-if", paramLabel = "IF",
            description = "the firewall's interface towards the peer (default eth0; ASA: outside)")
    private String peerInterface;

    @Option(names = "--local-if", paramLabel = "IF",
            description = "on a router: the interface towards the local host (default eth1; ASA: inside)")
    private String localInterface;

    @Option(names = "--initiator", paramLabel = "local|peer|both", defaultValue = "both",
            description = "who starts IKE: both (default), local or peer")
    private InitiatorOption initiator;

    @Option(names = "--ike-fragmentation",
            description = "both peers use IKE fragmentation (RFC 7383): IKE never crosses as IP fragments")
    private boolean ikeFragmentation;

    @Option(names = "--icmp-from-peer-side", paramLabel = "ADDR",
            description = "the router beyond the firewall that sends ICMP too-big errors to the local host "
                + "(default 203.0.113.1 or 2001:db8:ffff::1)")
    private String icmpFromPeerSide;

    @Option(names = "--icmp-from-local-side", paramLabel = "ADDR",
            description = "on a router: the router on the local side that sends ICMP too-big errors to the peer "
                + "(default 203.0.113.2 or 2001:db8:ffff::2)")
    private String icmpFromLocalSide;

    @Option(names = "--neighbour", paramLabel = "ADDR", defaultValue = "fe80::1",
            description = "IPv6: the gateway on the firewall's links, for neighbour discovery (default fe80::1)")
    private String neighbour;

    @Option(names = "--link-local", paramLabel = "ADDR", defaultValue = "fe80::2",
            description = "IPv6: the firewall host's own link-local address (default fe80::2)")
    private String linkLocal;

    @Option(names = "--json", description = "print the report as JSON")
    private boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String name = "ipsec4j firewall-check: ";
        List<String> lines;
        String source = rules.equals("-") ? "stdin" : rules;
        try {
            lines = rules.equals("-")
                    ? new java.io.BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).lines().toList()
                    : Files.readAllLines(Path.of(rules), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return fail(err, name + source + ": no such file", EXIT_CANNOT_READ);
        } catch (AccessDeniedException e) {
            return fail(err, name + source + ": permission denied", EXIT_CANNOT_READ);
        } catch (IOException | java.io.UncheckedIOException e) {
            return fail(err, name + source + ": cannot read: " + e.getMessage(), EXIT_CANNOT_READ);
        }
        RulesetFormat chosen = switch (format) {
            case auto -> RulesetFormat.detect(lines);
            case iptables -> RulesetFormat.IPTABLES;
            case nft -> RulesetFormat.NFT;
            case asa -> RulesetFormat.ASA;
        };
        if (chosen == null) {
            return fail(err, name + source + ": cannot tell the ruleset's format (iptables-save, nft list ruleset, "
                    + "ASA access-list): give --format", EXIT_BAD_RULESET);
        }
        Tunnel tunnel;
        try {
            tunnel = tunnel(chosen);
        } catch (IllegalArgumentException e) {
            return fail(err, name + e.getMessage(), 2);
        }
        Ruleset ruleset;
        try {
            ruleset = chosen.parse(lines, tunnel);
        } catch (RulesetSyntaxException e) {
            return fail(err, name + source + ": " + e.describe(), EXIT_BAD_RULESET);
        }
        if (!ruleset.filters(tunnel.family())) {
            return fail(err, name + source + ": this " + ruleset.formatName() + " ruleset does not filter "
                    + tunnel.family().label() + ", and the tunnel is " + tunnel.family().label()
                    + (chosen == RulesetFormat.IPTABLES ? " (give " + (tunnel.family() == Family.IPV4 ? "iptables-save"
                    : "ip6tables-save") + " output)" : ""), EXIT_BAD_RULESET);
        }
        FirewallCheck.Report report = FirewallCheck.check(ruleset, tunnel);
        out.print(json ? ReportJson.render(report, source) : ReportText.render(report, source));
        out.flush();
        return switch (report.verdict()) {
            case "ok" -> 0;
            case "degraded" -> EXIT_DEGRADED;
            default -> EXIT_BLOCKED;
        };
    }

    private Tunnel tunnel(RulesetFormat chosen) {
        InetAddress localAddress = address("--local", local);
        InetAddress peerAddress = address("--peer", peer);
        Family family = Family.of(localAddress);
        if (Family.of(peerAddress) != family) {
            throw new IllegalArgumentException("--local " + local + " and --peer " + peer + " are of different families");
        }
        boolean asa = chosen == RulesetFormat.ASA;
        Tunnel.Position position = firewall == null ? (asa ? Tunnel.Position.ROUTER : Tunnel.Position.LOCAL_HOST)
                : firewall == FirewallOption.local ? Tunnel.Position.LOCAL_HOST : Tunnel.Position.ROUTER;
        if (asa && position == Tunnel.Position.LOCAL_HOST) {
            throw new IllegalArgumentException("an ASA's access lists filter traffic through it: --firewall router");
        }
        if (ah && encap == EncapOption.udp && spec.commandLine().getParseResult().hasMatchedOption("--encap")) {
            throw new IllegalArgumentException("--ah cannot be UDP-encapsulated: leave out --encap udp");
        }
        boolean v4 = family == Family.IPV4;
        InetAddress fromPeerSide = address("--icmp-from-peer-side", icmpFromPeerSide != null ? icmpFromPeerSide
                : v4 ? "203.0.113.1" : "2001:db8:ffff::1");
        InetAddress fromLocalSide = address("--icmp-from-local-side", icmpFromLocalSide != null ? icmpFromLocalSide
                : v4 ? "203.0.113.2" : "2001:db8:ffff::2");
        if (Family.of(fromPeerSide) != family || Family.of(fromLocalSide) != family) {
            throw new IllegalArgumentException("--icmp-from-peer-side and --icmp-from-local-side must be " + family.label());
        }
        InetAddress neighbourAddress = address("--neighbour", neighbour);
        InetAddress linkLocalAddress = address("--link-local", linkLocal);
        if (Family.of(neighbourAddress) != Family.IPV6 || Family.of(linkLocalAddress) != Family.IPV6) {
            throw new IllegalArgumentException("--neighbour and --link-local are IPv6 addresses");
        }
        String peerIf = peerInterface != null ? peerInterface : asa ? "outside" : "eth0";
        String localIf = localInterface != null ? localInterface : asa ? "inside" : "eth1";
        if (position == Tunnel.Position.ROUTER && peerIf.equals(localIf)) {
            throw new IllegalArgumentException("--peer-if and --local-if are the same interface");
        }
        Tunnel.Initiator who = Tunnel.Initiator.valueOf(initiator.name().toUpperCase(Locale.ROOT));
        return new Tunnel(localAddress, peerAddress, ah, !ah && encap == EncapOption.udp, position, localIf, peerIf,
                who, ikeFragmentation, fromPeerSide, fromLocalSide, neighbourAddress, linkLocalAddress);
    }

    private static InetAddress address(String option, String text) {
        try {
            return Prefix.literal(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + ": " + e.getMessage());
        }
    }

    private static int fail(PrintWriter err, String message, int code) {
        err.println(message);
        err.flush();
        return code;
    }
}
