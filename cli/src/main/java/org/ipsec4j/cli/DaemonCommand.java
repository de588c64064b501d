package org.ipsec4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.ipsec4j.daemon.Daemon;
import org.ipsec4j.daemon.DaemonException;
import org.ipsec4j.daemon.DaemonLog;
import org.ipsec4j.daemon.DaemonOptions;
import org.ipsec4j.daemon.config.DefaultEncapsulation;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ipsec4j daemon --conf FILE | --setkey FILE}: the IKE daemon and the ESP data plane in the foreground until
 * SIGTERM or SIGINT.
 */
@Command(name = "daemon", mixinStandardHelpOptions = true,
        description = {
            "Run IPsec in the foreground: IKEv2 connections from a swanctl.conf (--conf), Security Associations "
                + "keyed by hand from a setkey file (--setkey), or both. A TUN device, routes for the remote "
                + "selectors of the outbound policies (in their own routing table, with a rule that the daemon's "
                + "own marked packets skip), IKE on UDP ports 500 and 4500, ESP in UDP on port 4500 or raw ESP, "
                + "and a control socket for 'ipsec4j status', 'reload', 'up', 'down' and 'rekey'. AH SAs (setkey "
                + "only) travel as raw IP protocol 51.",
            "Logs one line per event on stderr. SIGTERM or SIGINT stops it and removes the TUN device, its routes "
                + "and the control socket; the tunnel's prefixes keep prohibit routes (and the rule) so that "
                + "protected traffic is refused, not sent in the clear, until the daemon runs again (--on-exit "
                + "release removes them too). Needs root (CAP_NET_ADMIN, CAP_NET_RAW)."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {
            "0:stopped by SIGTERM or SIGINT",
            "1:stopped by an internal error",
            "2:wrong command-line usage",
            "3:a configuration file cannot be read or is wrong (file:line:column: problem)",
            "4:the system refused: TUN device, socket (port in use), routes, control socket, state directory"},
        footer = {"", "At least one of --conf and --setkey is needed."})
public final class DaemonCommand implements Callable<Integer> {

    static final int EXIT_CONFIGURATION = 3;
    static final int EXIT_SYSTEM = 4;

    @Spec
    private CommandSpec spec;

    @Option(names = "--conf", paramLabel = "FILE",
            description = "IKEv2 connections, children, pools and pre-shared keys in swanctl.conf syntax (the subset "
                + "README describes); certs, cacerts and private keys in the x509/, x509ca/ and private/ "
                + "directories next to it")
    private Path swanctlFile;

    @Option(names = "--setkey", paramLabel = "FILE",
            description = "manual SAs and policies in setkey syntax (add, spdadd, flush, ...)")
    private Path setkeyFile;

    @Option(names = "--tun", paramLabel = "NAME", defaultValue = DaemonOptions.DEFAULT_TUN,
            description = "the TUN interface to create (default: ${DEFAULT-VALUE})")
    private String tunName;

    @Option(names = "--control", paramLabel = "PATH", defaultValue = "/run/ipsec4j/control.sock",
            description = "the control socket (default: ${DEFAULT-VALUE})")
    private Path controlPath;

    @Option(names = "--allow-legacy",
            description = "accept 3des-cbc and hmac-md5 (RFC 8221 says not to; for old peers only)")
    private boolean allowLegacy;

    @Option(names = "--encap", paramLabel = "udp|none", defaultValue = "udp", converter = EncapsulationConverter.class,
            description = "how 'esp' SAs travel: udp = ESP in UDP port 4500 (RFC 3948), none = raw ESP "
                + "(IP protocol 50); 'esp-udp' SAs always use UDP (default: ${DEFAULT-VALUE})")
    private DefaultEncapsulation encapsulation;

    @Option(names = "--table", paramLabel = "N", defaultValue = "" + DaemonOptions.DEFAULT_TABLE,
            description = "routing table for the tunnel routes (default: ${DEFAULT-VALUE})")
    private int table;

    @Option(names = "--fwmark", paramLabel = "MARK", defaultValue = "0x4500", converter = MarkConverter.class,
            description = "firewall mark of the daemon's own packets (default: ${DEFAULT-VALUE})")
    private int mark;

    @Option(names = "--tun-offload", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "TCP segmentation offload on the TUN device (IFF_VNET_HDR): the kernel hands over 64 KB TCP "
                + "super-packets that ipsec4j cuts and encrypts, and receives joined ones; about four times the "
                + "throughput of one packet per system call (default: on; --no-tun-offload for plain packets)")
    private boolean tunOffload;

    @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = "/var/lib/ipsec4j",
            description = "where each outbound SA reserves its sequence numbers ahead of use, so that a restart with "
                + "the same manual keys continues above them: never an AES-GCM nonce twice, no replay drops at the "
                + "peer (default: ${DEFAULT-VALUE}; created mode 0700)")
    private Path stateDirectory;

    @Option(names = "--on-exit", paramLabel = "hold|release", defaultValue = "hold", converter = OnExitConverter.class,
            description = "what stays when the daemon stops: hold = a prohibit route for every tunnel prefix and the "
                + "routing rule (fail closed: protected traffic is refused until a daemon runs again, which "
                + "removes those it no longer needs); release = nothing (default: ${DEFAULT-VALUE})")
    private DaemonOptions.OnExit onExit;

    @Option(names = "--bypass", paramLabel = "ike,nd|none", defaultValue = "ike,nd", converter = BypassConverter.class,
            description = "the built-in SPD bypasses, ahead of every policy: ike = this host's own IKE (UDP 500 and "
                + "4500 from its addresses), nd = IPv6 neighbour and router discovery (ICMPv6 133-137); none "
                + "for neither (default: ${DEFAULT-VALUE}; more in swanctl.conf as mode = pass children)")
    private java.util.Set<DaemonOptions.BuiltInBypass> bypass;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        DaemonOptions options;
        try {
            options = new DaemonOptions(setkeyFile, swanctlFile, tunName, controlPath, allowLegacy, encapsulation, table, mark,
                    DaemonOptions.DEFAULT_RULE_PRIORITY, tunOffload, stateDirectory, onExit, bypass);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        AtomicReference<Daemon> running = new AtomicReference<>();
        AtomicBoolean stopRequested = new AtomicBoolean();
        StopSignals.install(() -> {
            stopRequested.set(true);
            Daemon daemon = running.get();
            if (daemon != null) {
                daemon.close();
            }
        });
        Daemon daemon;
        try {
            daemon = Daemon.start(options, DaemonLog.standardError());
        } catch (DaemonException e) {
            err.println("ipsec4j daemon: " + e.getMessage());
            err.flush();
            return e.kind() == DaemonException.Kind.CONFIGURATION ? EXIT_CONFIGURATION : EXIT_SYSTEM;
        }
        running.set(daemon);
        if (stopRequested.get()) {
            daemon.close(); // a signal came while starting
        }
        try {
            String failure = daemon.awaitStop();
            return failure == null ? 0 : 1;
        } catch (InterruptedException e) {
            daemon.close();
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    /** {@code udp} or {@code none}, any case. */
    static final class EncapsulationConverter implements CommandLine.ITypeConverter<DefaultEncapsulation> {
        @Override
        public DefaultEncapsulation convert(String value) {
            return switch (value.toLowerCase(Locale.ROOT)) {
                case "udp" -> DefaultEncapsulation.UDP;
                case "none" -> DefaultEncapsulation.NONE;
                default -> throw new CommandLine.TypeConversionException("expected udp or none, not '" + value + "'");
            };
        }
    }

    /** {@code hold} or {@code release}. */
    static final class OnExitConverter implements CommandLine.ITypeConverter<DaemonOptions.OnExit> {
        @Override
        public DaemonOptions.OnExit convert(String value) {
            return switch (value.toLowerCase(Locale.ROOT)) {
                case "hold" -> DaemonOptions.OnExit.HOLD;
                case "release" -> DaemonOptions.OnExit.RELEASE;
                default -> throw new CommandLine.TypeConversionException("expected hold or release, not '" + value
                        + "'");
            };
        }
    }

    /** {@code ike}, {@code nd}, both comma separated, or {@code none}. */
    static final class BypassConverter implements CommandLine.ITypeConverter<java.util.Set<DaemonOptions.BuiltInBypass>> {
        @Override
        public java.util.Set<DaemonOptions.BuiltInBypass> convert(String value) {
            java.util.Set<DaemonOptions.BuiltInBypass> out = java.util.EnumSet.noneOf(DaemonOptions.BuiltInBypass.class);
            if (value.equalsIgnoreCase("none")) {
                return out;
            }
            for (String item : value.split(",")) {
                switch (item.strip().toLowerCase(Locale.ROOT)) {
                    case "ike" -> out.add(DaemonOptions.BuiltInBypass.IKE);
                    case "nd" -> out.add(DaemonOptions.BuiltInBypass.ND);
                    default -> throw new CommandLine.TypeConversionException("expected ike, nd, both (ike,nd) or none, "
                            + "not '" + item.strip() + "'");
                }
            }
            return out;
        }
    }

    /** A mark in decimal or 0x-hex, not 0. */
    static final class MarkConverter implements CommandLine.ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            try {
                long mark = value.toLowerCase(Locale.ROOT).startsWith("0x") ? Long.parseLong(value.substring(2), 16)
                        : Long.parseLong(value);
                if (mark <= 0 || mark > 0xFFFF_FFFFL) {
                    throw new CommandLine.TypeConversionException("a mark is 1..0xffffffff, not " + value);
                }
                return (int) mark;
            } catch (NumberFormatException e) {
                throw new CommandLine.TypeConversionException("not a number: '" + value + "'");
            }
        }
    }
}
