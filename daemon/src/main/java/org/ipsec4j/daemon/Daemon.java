package org.ipsec4j.daemon;

import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import org.ipsec4j.daemon.config.ActiveConfiguration;
import org.ipsec4j.daemon.config.ConfigurationHooks;
import org.ipsec4j.daemon.config.LocalAddresses;
import org.ipsec4j.daemon.config.OuterSocket;
import org.ipsec4j.daemon.config.SecurityDatabaseLoader;
import org.ipsec4j.daemon.config.SocketUnavailableException;
import org.ipsec4j.daemon.config.TranslationOptions;
import org.ipsec4j.daemon.config.setkey.SetkeyException;
import org.ipsec4j.daemon.control.ControlProtocol;
import org.ipsec4j.daemon.control.ControlResponse;
import org.ipsec4j.daemon.control.ControlServer;
import org.ipsec4j.daemon.control.StatusJson;
import org.ipsec4j.daemon.control.StatusReport;
import org.ipsec4j.daemon.control.StatusText;
import org.ipsec4j.daemon.dump.TunnelDumps;
import org.ipsec4j.daemon.ike.IkeConfiguration;
import org.ipsec4j.daemon.ike.IkeRuntime;
import org.ipsec4j.daemon.ike.IkeService;
import org.ipsec4j.daemon.ike.SourceAddressResolver;
import org.ipsec4j.daemon.ike.SwanctlTranslator;
import org.ipsec4j.daemon.loop.DataPlaneGate;
import org.ipsec4j.daemon.loop.DataPlaneTimer;
import org.ipsec4j.daemon.loop.InboundLoop;
import org.ipsec4j.daemon.loop.OuterSocketSet;
import org.ipsec4j.daemon.loop.OutboundLoop;
import org.ipsec4j.daemon.net.TunnelMtu;
import org.ipsec4j.daemon.net.TunnelNetwork;
import org.ipsec4j.daemon.net.TunnelRoutes;
import org.ipsec4j.daemon.state.SequenceStateDirectory;
import org.ipsec4j.esp.DataPlane;
import org.ipsec4j.esp.sad.SecurityAssociation;
import org.ipsec4j.esp.sad.SecurityAssociationDatabase;
import org.ipsec4j.esp.spd.Direction;
import org.ipsec4j.esp.spd.SecurityPolicyDatabase;
import org.ipsec4j.ike.config.ConfigException;
import org.ipsec4j.ike.config.PoolConfig;
import org.ipsec4j.ike.sa.AddressPool;
import org.ipsec4j.linux.SocketEndpoint;
import org.ipsec4j.linux.TunOptions;

/**
 * The ESP data plane running over real Linux I/O, keyed from a setkey file, by IKEv2 from a swanctl.conf, or
 * both (the file's policies come first in the SPD).
 *
 * <p>Threads: one reads the TUN device and sends (outbound SAs live there), one per outer socket receives and
 * writes to the TUN device (inbound SAs live there; they share one inbound data plane under a lock), a timer
 * handles lifetimes and NAT keepalives, the IKE thread runs the IKE engine (its messages on port 4500 come
 * through the inbound thread of that socket, those on port 500 through a socket of its own), and the control
 * socket answers {@code status}, {@code reload}, {@code up}, {@code down} and {@code rekey}. Each packet thread
 * has its own {@link DataPlane} over the shared SPD and SAD.
 *
 * <p>Routes and the TUN MTU follow every change, whoever made it: the routes cover the remote selectors of all
 * outbound PROTECT policies in the SPD, and the MTU fits all outbound SAs; virtual IPs that IKE peers assign
 * to us go on the TUN device and become the source of the routes whose policies they match.
 *
 * <p>{@link #start} sets up everything or nothing (the first problem is one line in a {@link DaemonException});
 * {@link #close} takes it all down again: control socket, routes, rules, TUN device, sockets, keys.
 */
public final class Daemon implements AutoCloseable {

    public static final String VERSION = "0.1.0";

    private final DaemonOptions options;
    private final Consumer<String> log;
    private final long startedAt = System.nanoTime();
    private final SecurityAssociationDatabase sad = new SecurityAssociationDatabase();
    private final SecurityPolicyDatabase spd = new SecurityPolicyDatabase();
    private final DataPlane outboundPlane = new DataPlane(spd, sad);
    private final DataPlane inboundPlane = new DataPlane(spd, sad);
    private final ReentrantLock inboundLock = new ReentrantLock();
    private final DataPlaneGate gate = new DataPlaneGate();
    private final OuterSocketSet sockets;
    private final SecurityDatabaseLoader loader;
    private final List<OuterSocketSet.Opened> waitingForTun = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Object lifecycle = new Object();
    private final Object closeLock = new Object();
    private TunnelNetwork network;
    private DataPlaneTimer timer;
    private ControlServer control;
    private volatile IkeRuntime ike;
    private final TunnelDumps dumps;
    private final Object networkLock = new Object();
    private volatile boolean closing;
    private volatile boolean ready;
    private volatile boolean socketRefused;
    private volatile boolean stateRefused;
    private volatile String failure;

    private Daemon(DaemonOptions options, LocalAddresses localAddresses, SequenceStateDirectory sequenceState,
            Consumer<String> log) {
        this.options = options;
        this.log = log;
        this.dumps = new TunnelDumps(log);
        // ESP in UDP leaves through a UDP socket, which fills in the UDP checksum itself.
        outboundPlane.setIpv6UdpChecksum(false);
        this.sockets = new OuterSocketSet(options.firewallMark(), log, this::socketOpened);
        spd.setIkeBypass(options.builtInBypasses().contains(DaemonOptions.BuiltInBypass.IKE));
        spd.setNeighborDiscoveryBypass(options.builtInBypasses().contains(DaemonOptions.BuiltInBypass.ND));
        TranslationOptions translation = TranslationOptions.defaults().withAllowLegacy(options.allowLegacy())
                .withEncapsulation(options.encapsulation());
        this.loader = new SecurityDatabaseLoader(sad, spd, translation, localAddresses, sequenceState, new Hooks(),
                System::nanoTime, log);
    }

    /**
     * Loads the setkey file, creates the TUN device, routes and sockets, starts the threads and the control
     * socket.
     *
     * @throws DaemonException one line: a bad setkey file with its line and column, a TUN device that cannot be
     *                         created, a port in use, a control socket another daemon holds
     */
    public static Daemon start(DaemonOptions options, Consumer<String> log) throws DaemonException {
        return start(options, LocalAddresses.system(), log);
    }

    static Daemon start(DaemonOptions options, LocalAddresses localAddresses, Consumer<String> log)
            throws DaemonException {
        SequenceStateDirectory sequenceState;
        try {
            sequenceState = SequenceStateDirectory.open(options.stateDirectory());
        } catch (IOException | UnsupportedOperationException e) {
            throw new DaemonException(DaemonException.Kind.SYSTEM, "state directory " + options.stateDirectory()
                    + ": " + (e.getMessage() == null ? e.toString() : e.getMessage()), e);
        }
        Daemon daemon = new Daemon(options, localAddresses, sequenceState, log);
        try {
            daemon.startUp();
            return daemon;
        } catch (DaemonException | RuntimeException e) {
            daemon.close();
            throw e;
        }
    }

    private void startUp() throws DaemonException {
        Path file = options.setkeyFile();
        if (file != null) {
            loadSetkeyAtStart(file);
        }
        IkeConfiguration ikeConfiguration = null;
        if (options.swanctlFile() != null) {
            ikeConfiguration = loadSwanctlAtStart(options.swanctlFile());
        }
        try {
            startNetworkAndThreads(ikeConfiguration);
        } catch (DaemonException | RuntimeException e) {
            if (ikeConfiguration != null && ike == null) {
                ikeConfiguration.destroySecrets();
            }
            throw e;
        }
        ready = true;
        ActiveConfiguration active = loader.active();
        List<String> parts = new ArrayList<>();
        if (file != null) {
            parts.add(active.sas().size() + " SAs, " + active.policies().size() + " policies from " + file);
        }
        if (ikeConfiguration != null) {
            parts.add(ikeConfiguration.connections().size() + " IKE connections from " + options.swanctlFile());
        }
        log.accept("ready: " + String.join("; ", parts) + "; control socket " + control.path());
        if (ike != null) {
            ike.service().startConfigured();
        }
    }

    private void loadSetkeyAtStart(Path file) throws DaemonException {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new DaemonException(DaemonException.Kind.CONFIGURATION, "cannot read setkey file " + file
                    + (Files.exists(file) ? "" : ": no such file"), null);
        }
        try {
            loader.load(file);
        } catch (SetkeyException e) {
            // A socket the file needs (its line is in the message) is the system's refusal, not the file's fault.
            throw new DaemonException(socketRefused || stateRefused ? DaemonException.Kind.SYSTEM
                    : DaemonException.Kind.CONFIGURATION, e.getMessage(), e);
        } catch (IOException e) {
            throw new DaemonException(DaemonException.Kind.CONFIGURATION, "cannot read setkey file " + file + ": "
                    + e.getMessage(), e);
        }
    }

    private IkeConfiguration loadSwanctlAtStart(Path file) throws DaemonException {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new DaemonException(DaemonException.Kind.CONFIGURATION, "cannot read swanctl file " + file
                    + (Files.exists(file) ? "" : ": no such file"), null);
        }
        try {
            return loadSwanctl(file, Map.of());
        } catch (ConfigException e) {
            throw new DaemonException(DaemonException.Kind.CONFIGURATION, e.getMessage(), e);
        } catch (IOException e) {
            throw new DaemonException(DaemonException.Kind.CONFIGURATION, "cannot read swanctl file " + file + ": "
                    + e.getMessage(), e);
        }
    }

    private IkeConfiguration loadSwanctl(Path file, Map<PoolConfig, AddressPool> pools)
            throws IOException, ConfigException {
        return SwanctlTranslator.load(file, SourceAddressResolver.kernel(options.firewallMark()), pools);
    }

    private void startNetworkAndThreads(IkeConfiguration ikeConfiguration) throws DaemonException {
        int mtu = tunnelMtu(sad.list());
        TunOptions tunOptions = TunOptions.defaults().withName(options.tunName());
        if (options.tunOffloads()) {
            tunOptions = tunOptions.withTcpOffloads();
        }
        try {
            synchronized (lifecycle) {
                network = TunnelNetwork.open(tunOptions, mtu, options.routingTable(), options.firewallMark(),
                        options.rulePriority(), TunnelNetwork.stateFile(options.stateDirectory(),
                                options.routingTable()), log);
            }
        } catch (IOException e) {
            throw new DaemonException(DaemonException.Kind.SYSTEM, e.getMessage(), e);
        }
        log.accept("tunnel " + network.name() + " up, mtu " + mtu + ", routes in table " + network.table()
                + ", own packets marked 0x" + Integer.toHexString(network.mark()));
        refreshNetwork();
        timer = new DataPlaneTimer(sad, outboundPlane, sockets, gate, () -> loader.active().sequenceReservations(),
                log);
        OutboundLoop outbound = new OutboundLoop(network.tun(), outboundPlane, sockets, gate, inboundLock,
                timer::wake, dumps, log);
        outbound.onHeld(this::held);
        startThread("ipsec4j-outbound", outbound);
        synchronized (lifecycle) {
            for (OuterSocketSet.Opened opened : waitingForTun) {
                startInbound(opened);
            }
            waitingForTun.clear();
        }
        startThread("ipsec4j-timer", timer);
        if (ikeConfiguration != null) {
            spd.setShunts(ikeConfiguration.shunts());
            try {
                ike = IkeRuntime.start(ikeConfiguration, outboundPlane, gate, sockets, this::ikeChanged, dumps, log);
                IkeRuntime started = ike;
                inboundPlane.setIkeSaCheck((i, r) -> started.service().isLiveIkeSa(i, r));
                inboundPlane.setPeerMoveListener((sa, address, port) -> started.service().espPeerMoved(sa.spi(),
                        address, port));
            } catch (SocketUnavailableException e) {
                throw new DaemonException(DaemonException.Kind.SYSTEM, e.getMessage(), e);
            }
            ike.service().setLinkMtu(address -> pathMtu(address.toInetAddress()));
        }
        // Everything this daemon protects has its routes (setkey policies, IKE's holds, drop shunts): only now
        // may the prohibit routes a previous daemon left for prefixes nobody protects any more go.
        refreshNetwork();
        network.releaseLeftovers();
        try {
            control = ControlServer.start(options.controlPath(), this::handle, log);
        } catch (IOException e) {
            throw new DaemonException(DaemonException.Kind.SYSTEM, "control socket " + options.controlPath() + ": "
                    + e.getMessage(), e);
        }
    }

    /** IKE installed or removed Child SAs, or a virtual IP came or went (called on the IKE thread). */
    private void ikeChanged(Set<java.net.InetAddress> virtualIps) {
        refreshNetwork();
    }

    /** An outbound packet hit one of IKE's holds (on the outbound thread): a trap child may want initiating. */
    private void held(org.ipsec4j.esp.spd.SecurityPolicy hold) {
        IkeRuntime i = ike;
        String key = org.ipsec4j.ike.kernel.DataPlaneKernel.holdKey(hold);
        if (i != null && key != null) {
            i.service().acquire(key);
        }
    }

    /**
     * The outbound policies that route into the tunnel: the ordered ones (setkey's, IKE's Child SAs'), IKE's
     * fail-closed holds, and the drop shunts.
     */
    private List<org.ipsec4j.esp.spd.SecurityPolicy> routedPolicies() {
        List<org.ipsec4j.esp.spd.SecurityPolicy> all = new ArrayList<>(spd.policies(Direction.OUT));
        all.addAll(spd.holds());
        all.addAll(spd.shunts());
        return all;
    }

    /**
     * Makes the TUN device's MTU, addresses and routes fit what runs now: every outbound SA, the virtual IPs
     * IKE peers gave us, and every outbound PROTECT policy (setkey's and IKE's).
     */
    private void refreshNetwork() {
        synchronized (networkLock) {
            TunnelNetwork net = network;
            if (net == null || closing) {
                return; // stopping: what stays is decided by close (fail closed)
            }
            IkeRuntime i = ike;
            Set<java.net.InetAddress> virtualIps = i == null ? Set.of() : i.service().virtualIps();
            Set<java.net.InetAddress> addresses = new LinkedHashSet<>(LocalAddresses.system().addresses());
            addresses.addAll(virtualIps);
            // The built-in IKE bypass: UDP 500/4500 of this host's own addresses (not only the setkey SAs').
            Set<org.ipsec4j.esp.selector.IpAddress> ikeAddresses = new LinkedHashSet<>();
            addresses.forEach(a -> ikeAddresses.add(org.ipsec4j.esp.selector.IpAddress.of(a)));
            sad.list().forEach(sa -> ikeAddresses.add(sa.localAddress()));
            spd.setIkeAddresses(ikeAddresses);
            try {
                for (SecurityAssociation sa : sad.list()) {
                    sa.pathMtu().setLinkMtu(pathMtu(sa.localAddress().toInetAddress())); // ICMP lowers it later
                }
                net.setMtu(tunnelMtu(sad.list()));
                net.addAddresses(virtualIps);
                List<org.ipsec4j.daemon.net.TunnelRoute> routes = TunnelRoutes.of(routedPolicies(), addresses);
                net.setRoutes(routes);
                net.retainAddresses(virtualIps);
                setIcmpSources(virtualIps, routes);
            } catch (IOException | RuntimeException e) {
                log.accept("routes, addresses or MTU not updated: " + e.getMessage());
            }
        }
    }

    /**
     * Where "fragmentation needed" / "packet too big" to inner senders come from, per family: a virtual IP on
     * the TUN device, else the source of a tunnel route (one of our addresses inside a local traffic selector,
     * e.g. the gateway's LAN address), else the data plane falls back to the SA's outer address.
     */
    private void setIcmpSources(Set<java.net.InetAddress> virtualIps, List<org.ipsec4j.daemon.net.TunnelRoute> routes) {
        for (org.ipsec4j.esp.selector.IpFamily family : org.ipsec4j.esp.selector.IpFamily.values()) {
            org.ipsec4j.esp.selector.IpAddress source = null;
            for (java.net.InetAddress a : virtualIps) {
                org.ipsec4j.esp.selector.IpAddress ip = org.ipsec4j.esp.selector.IpAddress.of(a);
                if (source == null && ip.family() == family) {
                    source = ip;
                }
            }
            for (org.ipsec4j.daemon.net.TunnelRoute route : routes) {
                if (source == null && route.preferredSource() != null) {
                    org.ipsec4j.esp.selector.IpAddress ip = org.ipsec4j.esp.selector.IpAddress.of(route.preferredSource());
                    source = ip.family() == family ? ip : null;
                }
            }
            outboundPlane.setIcmpSource(family, source);
        }
    }

    private void socketOpened(OuterSocketSet.Opened opened) {
        synchronized (lifecycle) {
            if (network == null) {
                waitingForTun.add(opened);
            } else {
                startInbound(opened);
            }
        }
    }

    private void startInbound(OuterSocketSet.Opened opened) {
        startThread("ipsec4j-inbound-" + opened.purpose(), new InboundLoop(opened.purpose(), opened.socket(),
                network.tun(), inboundPlane, inboundLock, gate, options.swanctlFile() == null ? null
                        : this::ikeReceived, dumps, log));
    }

    /** An IKE message on the NAT-traversal socket (from an inbound thread). */
    private void ikeReceived(SocketEndpoint source, java.net.InetAddress local, int localPort, byte[] message) {
        IkeRuntime i = ike;
        if (i != null) {
            i.receive(source, local, localPort, message);
        }
    }

    private void startThread(String name, Runnable loop) {
        Thread thread = Thread.ofPlatform().name(name).daemon().start(() -> {
            loop.run();
            if (!closing) {
                failure = name + " ended unexpectedly";
                log.accept(failure + "; stopping");
                Thread.ofPlatform().start(this::close);
            }
        });
        synchronized (threads) {
            threads.add(thread);
        }
    }

    private int tunnelMtu(List<SecurityAssociation> sas) {
        int mtu = TunnelMtu.compute(sas, sa -> pathMtu(sa.localAddress().toInetAddress()));
        if (mtu < TunnelMtu.IPV6_MINIMUM) {
            log.accept("tunnel MTU " + mtu + " is below 1280: IPv6 cannot use the tunnel");
        }
        return mtu;
    }

    /** The MTU of the interface that holds {@code local}; 1500 when it cannot be told. */
    private static int pathMtu(InetAddress local) {
        try {
            NetworkInterface nic = NetworkInterface.getByInetAddress(local);
            return nic == null ? 1500 : nic.getMTU();
        } catch (SocketException e) {
            return 1500;
        }
    }

    // ---- control requests ----

    ControlResponse handle(String request) {
        return switch (request) {
            case ControlProtocol.STATUS -> ControlResponse.ok(StatusText.render(status()));
            case ControlProtocol.STATUS_JSON -> ControlResponse.ok(StatusJson.render(status()));
            case ControlProtocol.VERSION -> ControlResponse.ok("ipsec4j " + VERSION + "\n");
            case ControlProtocol.RELOAD -> reload();
            default -> {
                ControlProtocol.DumpCommand dump;
                try {
                    dump = ControlProtocol.DumpCommand.parse(request);
                } catch (IllegalArgumentException e) {
                    yield ControlResponse.error(e.getMessage());
                }
                if (dump != null) {
                    yield dump(dump);
                }
                ControlProtocol.IkeCommand command;
                try {
                    command = ControlProtocol.IkeCommand.parse(request);
                } catch (IllegalArgumentException e) {
                    yield ControlResponse.error(e.getMessage());
                }
                if (command == null) {
                    yield ControlResponse.error("unknown request '" + request + "'; expected status, status json, "
                            + "reload, version, up, down, rekey or dump");
                }
                yield ike(command);
            }
        };
    }

    private ControlResponse dump(ControlProtocol.DumpCommand command) {
        IkeRuntime i = ike;
        if (i == null) {
            return ControlResponse.error("tunnel dumps are per IKE connection, and this daemon runs without IKE (start"
                    + " it with --conf FILE, a swanctl.conf)");
        }
        IkeService.Outcome outcome = command.directory() == null ? i.service().stopDump(command.connection())
                : i.service().startDump(command.connection(), command.directory(), command.rekey());
        if (outcome.ok()) {
            log.accept("dump: " + (command.directory() == null ? outcome.message().lines().findFirst().orElse("")
                    : command.connection() + " into " + command.directory()));
        }
        return outcome.ok() ? ControlResponse.ok(outcome.text()) : ControlResponse.error(outcome.message());
    }

    private ControlResponse ike(ControlProtocol.IkeCommand command) {
        IkeRuntime i = ike;
        if (i == null) {
            return ControlResponse.error("this daemon runs without IKE (start it with --conf FILE, a swanctl.conf)");
        }
        Duration timeout = command.timeout();
        IkeService.Outcome outcome = switch (command.verb()) {
            case UP -> i.service().up(command.connection(), command.child(), timeout);
            case DOWN -> i.service().down(command.connection(), timeout);
            case REKEY -> i.service().rekey(command.connection(), command.child(), timeout);
        };
        StringBuilder events = new StringBuilder();
        outcome.events().forEach(e -> events.append(e).append('\n'));
        return outcome.ok() ? ControlResponse.ok(outcome.text())
                : new ControlResponse(false, outcome.message(), events.toString());
    }

    /** The status now. */
    public StatusReport status() {
        TunnelNetwork net = network;
        long pid = ProcessHandle.current().pid();
        StatusReport.DaemonSummary summary = new StatusReport.DaemonSummary(VERSION, pid,
                (System.nanoTime() - startedAt) / 1_000_000_000L, options.setkeyFile() == null ? null
                        : options.setkeyFile().toAbsolutePath().toString(),
                net == null ? options.tunName() : net.name(), net == null ? 0 : net.mtu(),
                options.encapsulation().name().toLowerCase(), options.routingTable(), options.firewallMark());
        StatusReport report = StatusReports.build(summary, loader.active(), outboundPlane.counters(),
                inboundPlane.counters(), System.nanoTime());
        IkeRuntime i = ike;
        if (i == null) {
            return report;
        }
        return new StatusReport(report.daemon(), report.sas(), report.policies(), report.global(),
                i.service().summary(), withPathMtus(i.service().status()), failClosed());
    }

    /** IKE's holds and the shunts, with their hits. */
    private List<StatusReport.HeldPolicy> failClosed() {
        List<StatusReport.HeldPolicy> out = new ArrayList<>();
        for (org.ipsec4j.esp.spd.SecurityPolicy p : spd.holds()) {
            out.add(new StatusReport.HeldPolicy(p.name(), p.selector().toString(), "drop (no SA)", p.hits()));
        }
        for (org.ipsec4j.esp.spd.SecurityPolicy p : spd.shunts()) {
            out.add(new StatusReport.HeldPolicy(p.name(), p.selector().toString(), p.action().toString(), p.hits()));
        }
        return out;
    }

    /** Each Child SA's path MTU, from its outbound SA in the SAD (IKE knows SPIs, not the data plane's state). */
    private List<StatusReport.IkeSaReport> withPathMtus(List<StatusReport.IkeSaReport> ikeSas) {
        long now = System.nanoTime();
        Map<String, SecurityAssociation> outbound = new java.util.HashMap<>();
        for (SecurityAssociation sa : sad.list()) {
            if (sa.flow() == SecurityAssociation.Flow.OUTBOUND) {
                outbound.put(String.format("%08x", sa.spi()), sa);
            }
        }
        List<StatusReport.IkeSaReport> out = new ArrayList<>();
        for (StatusReport.IkeSaReport ikeSa : ikeSas) {
            List<StatusReport.ChildSaReport> children = new ArrayList<>();
            for (StatusReport.ChildSaReport child : ikeSa.children()) {
                SecurityAssociation sa = outbound.get(child.outboundSpi());
                children.add(sa == null ? child : child.withPathMtu(StatusReports.pathMtu(sa, now)));
            }
            out.add(new StatusReport.IkeSaReport(ikeSa.connection(), ikeSa.state(), ikeSa.initiatorSpi(),
                    ikeSa.responderSpi(), ikeSa.initiator(), ikeSa.localAddress(), ikeSa.localPort(),
                    ikeSa.remoteAddress(), ikeSa.remotePort(), ikeSa.localId(), ikeSa.remoteId(), ikeSa.algorithms(),
                    ikeSa.localBehindNat(), ikeSa.remoteBehindNat(), ikeSa.udpEncapsulation(), ikeSa.natFaked(),
                    ikeSa.fragmentation(), ikeSa.localVirtualIp(), ikeSa.remoteVirtualIp(), children,
                    ikeSa.pathMtu(), ikeSa.pathMtuState()));
        }
        return out;
    }

    /**
     * Re-reads the setkey file and the swanctl.conf, all or nothing: both are checked first; a bad one changes
     * nothing and the answer says why, with line and column.
     */
    private ControlResponse reload() {
        IkeRuntime i = ike;
        IkeConfiguration fresh = null;
        Path swanctl = options.swanctlFile();
        if (swanctl != null && i != null) {
            try {
                fresh = loadSwanctl(swanctl, i.service().pools());
            } catch (ConfigException e) {
                log.accept("reload refused, configuration unchanged: " + e.getMessage());
                return ControlResponse.error(e.getMessage());
            } catch (IOException e) {
                log.accept("reload refused, configuration unchanged: cannot read " + swanctl + ": " + e.getMessage());
                return ControlResponse.error("cannot read " + swanctl + ": " + e.getMessage());
            }
        }
        StringBuilder answer = new StringBuilder();
        Path file = options.setkeyFile();
        if (file != null) {
            try {
                loader.load(file);
            } catch (SetkeyException e) {
                log.accept("reload refused, configuration unchanged: " + e.getMessage());
                if (fresh != null) {
                    fresh.destroySecrets();
                }
                return ControlResponse.error(e.getMessage());
            } catch (IOException e) {
                log.accept("reload refused, configuration unchanged: " + e.getMessage());
                if (fresh != null) {
                    fresh.destroySecrets();
                }
                return ControlResponse.error("cannot read " + file + ": " + e.getMessage());
            }
            ActiveConfiguration active = loader.active();
            String summary = "reloaded " + file + ": " + active.sas().size() + " SAs, " + active.policies().size()
                    + " policies";
            log.accept(summary);
            answer.append(summary).append('\n');
        }
        if (fresh != null) {
            spd.setShunts(fresh.shunts());
            String summary = "reloaded " + swanctl + ": " + i.service().replace(fresh);
            log.accept(summary);
            answer.append(summary).append('\n');
        }
        return ControlResponse.ok(answer.toString());
    }

    /** Loader callbacks: sockets before, the swap under the gate, routes and MTU after. */
    private final class Hooks implements ConfigurationHooks {
        @Override
        public void prepareSockets(java.util.Set<OuterSocket> needed) throws SocketUnavailableException {
            try {
                sockets.ensureOpen(needed);
            } catch (SocketUnavailableException e) {
                socketRefused = true;
                throw e;
            }
        }

        @Override
        public void stateUnavailable(IOException problem) {
            stateRefused = true;
        }

        @Override
        public void exclusively(Runnable change) {
            gate.exclusively(change);
        }

        @Override
        public void applied(ActiveConfiguration previous, ActiveConfiguration current) {
            refreshNetwork(); // on the first load there is no network yet: it is set up from the SPD next
        }
    }

    // ---- lifecycle ----

    /** Waits until the daemon has stopped; returns why it stopped on its own, or null after {@link #close}. */
    public String awaitStop() throws InterruptedException {
        stopped.await();
        return failure;
    }

    /** Stops everything and removes what the daemon added to the system. Idempotent. */
    @Override
    public void close() {
        synchronized (closeLock) {
            if (stopped.getCount() == 0) {
                return;
            }
            closing = true;
            shutDown();
        }
    }

    private void shutDown() {
        if (control != null) {
            control.close();
        }
        IkeRuntime i = ike;
        if (i != null) {
            i.close(); // deletes go to the peers while the sockets are still open
        }
        for (org.ipsec4j.daemon.dump.TunnelDump.Summary s : dumps.stopAll()) { // after the deletes: they are in it
            log.accept("dump: " + s.text().lines().findFirst().orElse(""));
        }
        if (timer != null) {
            timer.stop();
        }
        TunnelNetwork net;
        synchronized (lifecycle) {
            net = network;
        }
        boolean heldClosed = false;
        if (net != null) {
            // The device and its routes go (the outbound thread wakes and ends); the prohibit routes and the rule
            // stay unless told otherwise: fail closed until a daemon runs again.
            // A daemon that never got ready leaves nothing of its own, but what a previous one left stays.
            heldClosed = net.close(options.onExit() == DaemonOptions.OnExit.HOLD && (ready || net.inherited()));
        }
        sockets.close(); // the inbound threads wake and end
        List<Thread> all;
        synchronized (threads) {
            all = List.copyOf(threads);
        }
        for (Thread thread : all) {
            if (thread != Thread.currentThread()) {
                try {
                    thread.join(5000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        gate.exclusively(() -> {
            sad.flush(); // zeroes every key
            spd.flush();
        });
        if (ready) {
            log.accept("stopped" + (net != null ? "; removed " + net.name() + (heldClosed ? " and its routes"
                    : ", its routes and rules") : "") + (control != null ? " and " + control.path() : "")
                    + (heldClosed ? "; kept " + net.prohibited().size() + " prohibit route"
                    + (net.prohibited().size() == 1 ? "" : "s") + " and the rule in table " + net.table()
                    + " (fail closed until a daemon runs again; --on-exit release removes them)" : ""));
        }
        stopped.countDown();
    }
}
