package org.ipsec4j.daemon.ike;

import java.io.IOException;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.ipsec4j.daemon.control.StatusReport;
import org.ipsec4j.daemon.dump.TunnelDump;
import org.ipsec4j.daemon.dump.TunnelDumps;
import org.ipsec4j.daemon.loop.RateLimitedLog;
import org.ipsec4j.ike.sa.ChildConnection;
import org.ipsec4j.ike.sa.ChildSaStatus;
import org.ipsec4j.ike.sa.IkeConnection;
import org.ipsec4j.ike.sa.IkeDatagram;
import org.ipsec4j.ike.sa.IkeEngine;
import org.ipsec4j.ike.sa.IkeEvent;
import org.ipsec4j.ike.sa.IkeSaStatus;
import org.ipsec4j.ike.sa.IkeSettings;
import org.ipsec4j.ike.sa.IpsecKernel;

/**
 * The IKE daemon around the sans-IO {@link IkeEngine}: one thread owns the engine (it is not thread-safe) and
 * runs everything through a queue — datagrams from the sockets, commands from the control socket, reloads — and
 * the engine's timers in between. After each step it sends what the engine produced, logs its events, and,
 * when Child SAs or virtual IPs changed, tells the daemon to update routes and addresses.
 *
 * <p>Commands ({@link #up}, {@link #down}, {@link #rekey}) wait for the outcome the way {@code swanctl
 * --initiate} does: until the SA is up, failed, or the time is over, and answer with the events of their
 * connection. {@code keyingtries} is implemented here: a connection we initiate whose IKE SA fails before it
 * is established (no answer, or an error that is not an authentication failure) is initiated again, up to
 * that many attempts in all (0: forever).
 */
public final class IkeService implements AutoCloseable {

    /** Told, on the IKE thread, that Child SAs or virtual IPs changed. */
    @FunctionalInterface
    public interface NetworkListener {

        /** @param virtualIps the virtual IPs peers assigned to us that are in use now */
        void ikeChanged(Set<InetAddress> virtualIps);
    }

    /** A command's answer: whether it did what was asked, a one-line summary, and the events it saw. */
    public record Outcome(boolean ok, String message, List<String> events) {

        public Outcome {
            events = List.copyOf(events);
        }

        /** The events, then the summary, one per line. */
        public String text() {
            StringBuilder b = new StringBuilder();
            events.forEach(e -> b.append(e).append('\n'));
            return b.append(message).append('\n').toString();
        }
    }

    private static final int MAX_QUEUED_DATAGRAMS = 1024;
    private static final long IDLE_WAKE_NANOS = 1_000_000_000L;
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(10);
    private static final long COOKIE_LINE_INTERVAL_NANOS = 10_000_000_000L;
    private static final Set<IkeEvent.Kind> NETWORK_EVENTS = EnumSet.of(IkeEvent.Kind.CHILD_SA_INSTALLED,
            IkeEvent.Kind.CHILD_SA_REKEYED, IkeEvent.Kind.CHILD_SA_DELETED, IkeEvent.Kind.IKE_SA_DELETED,
            IkeEvent.Kind.IKE_SA_REKEYED,
            IkeEvent.Kind.IKE_SA_ESTABLISHED, IkeEvent.Kind.VIRTUAL_IP_ASSIGNED, IkeEvent.Kind.PEER_ADDRESS_CHANGED,
            IkeEvent.Kind.PEER_DEAD, IkeEvent.Kind.IKE_SA_FAILED);
    /** How often traffic on a trap child's hold may start an initiation. */
    private static final long ACQUIRE_INTERVAL_NANOS = 1_000_000_000L;

    private final IkeEngine engine;
    private final TunnelDumps dumps;
    private final IkeTransport transport;
    private final NetworkListener network;
    private final Consumer<String> log;
    private final IkeEventLog eventLog;
    private final RateLimitedLog sendProblems;
    private final RateLimitedLog floodLog;
    private final LinkedBlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
    private final AtomicInteger queuedDatagrams = new AtomicInteger();
    private final java.util.concurrent.atomic.AtomicLong overflowed = new java.util.concurrent.atomic.AtomicLong();
    private final Thread thread;
    private volatile boolean stopped;
    /** Set by the kernel when IKE's holds changed (the routes follow); read and cleared on the IKE thread. */
    private final java.util.function.BooleanSupplier holdsChanged;
    private final java.util.concurrent.ConcurrentHashMap<String, Long> lastAcquire = new java.util.concurrent.ConcurrentHashMap<>();

    // IKE thread only:
    private IkeConfiguration configuration;
    private final List<IkeEvent> events = new ArrayList<>();
    private final List<Waiter> waiters = new ArrayList<>();
    private final Map<String, Attempts> attempts = new HashMap<>();
    /** IKE SAs (by connection and initiator SPI) whose failure started another attempt: not a failure of up. */
    private final Set<String> retried = new HashSet<>();
    private Set<InetAddress> virtualIps = Set.of();
    private long cookiesLogged;
    private long nextCookieLineAt;
    /** The SPI pairs of the established IKE SAs, for ICMP errors that quote our IKE packets (any thread reads). */
    private volatile Set<List<Long>> liveIkeSas = Set.of();

    private record Attempts(String child, int allowed, int made) {}

    /** A command waiting for an event of its connection. */
    private static final class Waiter {
        final String connection;
        final String child;
        final Set<IkeEvent.Kind> success;
        final Set<IkeEvent.Kind> failure;
        final String done;
        /** Also true before a success event counts (e.g. no IKE SA of the connection left); null: always. */
        final java.util.function.BooleanSupplier finished;
        final List<String> seen = new ArrayList<>();
        final CompletableFuture<Outcome> result = new CompletableFuture<>();

        Waiter(String connection, String child, Set<IkeEvent.Kind> success, Set<IkeEvent.Kind> failure, String done) {
            this(connection, child, success, failure, done, null);
        }

        Waiter(String connection, String child, Set<IkeEvent.Kind> success, Set<IkeEvent.Kind> failure, String done,
                java.util.function.BooleanSupplier finished) {
            this.connection = connection;
            this.child = child;
            this.success = success;
            this.failure = failure;
            this.done = done;
            this.finished = finished;
        }
    }

    private IkeService(IkeConfiguration configuration, IpsecKernel kernel, IkeTransport transport,
            NetworkListener network, TunnelDumps dumps, Consumer<String> log,
            java.util.function.BooleanSupplier holdsChanged) {
        this.holdsChanged = holdsChanged;
        this.configuration = configuration;
        this.dumps = dumps;
        this.transport = transport;
        this.network = network;
        this.log = log;
        this.eventLog = new IkeEventLog(log);
        this.sendProblems = new RateLimitedLog(log, 10_000_000_000L);
        this.floodLog = new RateLimitedLog(log, 10_000_000_000L);
        // The keys are looked up on the IKE thread, always in the configuration in force.
        this.engine = new IkeEngine(settings(log), kernel,
                (local, remote) -> this.configuration.sharedKeys().find(local, remote), new SecureRandom(),
                Clock.systemUTC(), events::add);
        engine.setSendClock(System::nanoTime); // the clock of every now this service passes the engine
        for (IkeConnection c : configuration.connections()) {
            engine.addConnection(c);
        }
        this.thread = Thread.ofPlatform().name("ipsec4j-ike").daemon().unstarted(this::run);
    }

    /**
     * System property {@value #RETRANSMIT_PROPERTY}: strongSwan's charon.retransmit_timeout, _base and _tries as
     * {@code SECONDS,BASE,TRIES} (e.g. {@code 1,1.2,3}: a silent peer is given up after about 5 s instead of the
     * default 2,1.8,5's 80 s); for impatient networks and tests.
     */
    public static final String RETRANSMIT_PROPERTY = "ipsec4j.ike.retransmit";

    private static IkeSettings settings(Consumer<String> log) {
        String value = System.getProperty(RETRANSMIT_PROPERTY);
        if (value == null || value.isBlank()) {
            return IkeSettings.DEFAULT;
        }
        try {
            String[] parts = value.split(",");
            IkeSettings d = IkeSettings.DEFAULT;
            IkeSettings s = new IkeSettings(Duration.ofMillis((long) (Double.parseDouble(parts[0].strip()) * 1000)),
                    Double.parseDouble(parts[1].strip()), Integer.parseInt(parts[2].strip()), d.cookieThreshold(),
                    d.halfOpenTimeout(), d.natKeepalive());
            log.accept("ike: retransmissions after " + s.retransmitTimeout().toMillis() + " ms, each "
                    + s.retransmitBase() + " times later, " + s.retransmitTries() + " times (" + RETRANSMIT_PROPERTY + ")");
            return s;
        } catch (RuntimeException e) {
            log.accept("ike: ignoring " + RETRANSMIT_PROPERTY + "=" + value + " (expected SECONDS,BASE,TRIES): " + e);
            return IkeSettings.DEFAULT;
        }
    }

    /** Starts the IKE thread; nothing is initiated until {@link #startConfigured}. */
    public static IkeService start(IkeConfiguration configuration, IpsecKernel kernel, IkeTransport transport,
            NetworkListener network, Consumer<String> log) {
        return start(configuration, kernel, transport, network, new TunnelDumps(log), log, () -> false);
    }

    /** As above, with the daemon's tunnel dumps (the packet threads consult the same object). */
    public static IkeService start(IkeConfiguration configuration, IpsecKernel kernel, IkeTransport transport,
            NetworkListener network, TunnelDumps dumps, Consumer<String> log) {
        return start(configuration, kernel, transport, network, dumps, log, () -> false);
    }

    /** As above, without tunnel dumps, telling the routes about fail-closed holds (see below). */
    public static IkeService start(IkeConfiguration configuration, IpsecKernel kernel, IkeTransport transport,
            NetworkListener network, Consumer<String> log, java.util.function.BooleanSupplier holdsChanged) {
        return start(configuration, kernel, transport, network, new TunnelDumps(log), log, holdsChanged);
    }

    /**
     * The daemon's IKE service with its tunnel dumps; {@code holdsChanged} says (and forgets) whether the
     * kernel's fail-closed holds changed, so that the routes follow them too.
     */
    public static IkeService start(IkeConfiguration configuration, IpsecKernel kernel, IkeTransport transport,
            NetworkListener network, TunnelDumps dumps, Consumer<String> log,
            java.util.function.BooleanSupplier holdsChanged) {
        IkeService service = new IkeService(configuration, kernel, transport, network, dumps, log, holdsChanged);
        service.thread.start();
        return service;
    }

    // ---- the IKE thread ----

    private void run() {
        while (!stopped) {
            try {
                long now = System.nanoTime();
                long deadline = engine.nextDeadline();
                long wait = deadline == Long.MAX_VALUE ? IDLE_WAKE_NANOS : Math.min(IDLE_WAKE_NANOS, deadline - now);
                Runnable task = wait <= 0 ? queue.poll() : queue.poll(wait, TimeUnit.NANOSECONDS);
                if (task != null) {
                    task.run();
                }
                now = System.nanoTime();
                if (engine.nextDeadline() - now <= 0) {
                    engine.onTimer(now);
                }
                afterStep(System.nanoTime());
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // A bug in one step must not end IKE for every peer.
                log.accept("ike: internal error, carrying on: " + e);
                events.clear();
            }
        }
    }

    private void afterStep(long now) {
        boolean networkChanged = false;
        while (!events.isEmpty()) {
            List<IkeEvent> batch = List.copyOf(events);
            events.clear();
            for (IkeEvent event : batch) {
                eventLog.log(event, now);
                boolean superseded = retryIfAllowed(event, now);
                notifyWaiters(event, superseded);
                networkChanged |= NETWORK_EVENTS.contains(event.kind());
            }
        }
        for (IkeDatagram datagram : engine.drainOutgoing()) {
            try {
                transport.send(datagram);
            } catch (IOException e) {
                sendProblems.log("ike: sending " + datagram + " failed: " + e.getMessage(), now);
            }
        }
        if (networkChanged | holdsChanged.getAsBoolean()) {
            updateNetwork();
        }
        logCookies(now);
    }

    /**
     * A line when the engine starts demanding COOKIEs, and at most one per 10 s while it goes on: the operator
     * learns that many IKE SAs are half-open (a flood, or many peers at once) and how many requests were asked
     * to prove their address instead of getting state.
     */
    private void logCookies(long now) {
        long cookies = engine.cookiesDemanded();
        if (cookies == cookiesLogged || cookiesLogged != 0 && now - nextCookieLineAt < 0) {
            return;
        }
        log.accept("ike: " + engine.halfOpenSas() + " half-open IKE SAs: new IKE_SA_INIT requests must return a "
                + "COOKIE (RFC 7296 §2.6); " + (cookies - cookiesLogged) + " COOKIEs demanded since the last line, "
                + cookies + " in all");
        cookiesLogged = cookies;
        nextCookieLineAt = now + COOKIE_LINE_INTERVAL_NANOS;
    }

    private void updateNetwork() {
        Set<InetAddress> ours = new LinkedHashSet<>();
        Set<List<Long>> live = new HashSet<>();
        for (IkeSaStatus sa : engine.status()) {
            if (!sa.state().equals("CONNECTING") && !sa.state().equals("DEAD")) {
                live.add(List.of(sa.initiatorSpi(), sa.responderSpi()));
            }
            IkeConnection c = configuration.connection(sa.connection());
            if (sa.virtualIp() != null && c != null && c.requestVirtualIp() && sa.state().equals("ESTABLISHED")) {
                ours.add(org.ipsec4j.esp.selector.IpAddress.parse(sa.virtualIp()).toInetAddress());
            }
        }
        virtualIps = Set.copyOf(ours);
        liveIkeSas = Set.copyOf(live);
        try {
            network.ikeChanged(virtualIps);
        } catch (RuntimeException e) {
            log.accept("ike: updating routes and addresses failed: " + e);
        }
    }

    /** The connection an event is about: its name without the SPIs ({@code home[1a2b_3c4d]} → {@code home}). */
    static String connectionOf(IkeEvent event) {
        String c = event.connection();
        int bracket = c.indexOf('[');
        return bracket < 0 ? c : c.substring(0, bracket);
    }

    /** The IKE SA an event is about, by connection and initiator SPI (the responder SPI arrives later). */
    private static String saOf(IkeEvent event) {
        String c = event.connection();
        int underscore = c.indexOf('_');
        return underscore < 0 ? c : c.substring(0, underscore);
    }

    private void initiate(String connection, String child, long now) {
        engine.initiate(connection, child, now);
        IkeConfiguration.Extras extras = configuration.extras(connection);
        attempts.put(connection, new Attempts(child, extras == null ? 1 : extras.keyingTries(), 1));
    }

    /** keyingtries: a failed first connect of ours is tried again; returns whether it was. */
    private boolean retryIfAllowed(IkeEvent event, long now) {
        String connection = connectionOf(event);
        Attempts a = attempts.get(connection);
        if (a == null) {
            if (event.kind() == IkeEvent.Kind.PEER_DEAD && connectingNow(connection)) {
                // dpd_action = restart: the engine initiated again; keyingtries governs that attempt as any other.
                IkeConfiguration.Extras extras = configuration.extras(connection);
                attempts.put(connection, new Attempts(null, extras == null ? 1 : extras.keyingTries(), 1));
                log.accept("ike: " + connection + ": peer dead, initiating again (dpd_action = restart)");
            }
            return false;
        }
        switch (event.kind()) {
            case IKE_SA_ESTABLISHED, AUTHENTICATION_FAILED -> { // done; or trying again will not help
                attempts.remove(connection);
                retried.removeIf(sa -> sa.startsWith(connection + "["));
            }
            case PEER_DEAD, IKE_SA_FAILED -> {
                if (a.allowed() != 0 && a.made() >= a.allowed() || !retried.add(saOf(event))
                        || engine.connections().stream().noneMatch(c -> c.name().equals(connection))) {
                    attempts.remove(connection);
                    return false;
                }
                attempts.put(connection, new Attempts(a.child(), a.allowed(), a.made() + 1));
                log.accept("ike: " + connection + ": trying again, attempt " + (a.made() + 1)
                        + (a.allowed() == 0 ? " (keyingtries = 0: until it works)" : " of " + a.allowed()));
                try {
                    engine.initiate(connection, a.child(), now);
                    return true;
                } catch (IllegalArgumentException e) {
                    attempts.remove(connection);
                    return false;
                }
            }
            default -> { }
        }
        return false;
    }

    private boolean connectingNow(String connection) {
        return engine.status().stream().anyMatch(sa -> sa.connection().equals(connection)
                && sa.state().equals("CONNECTING"));
    }

    private void notifyWaiters(IkeEvent event, boolean superseded) {
        String connection = connectionOf(event);
        for (Waiter w : List.copyOf(waiters)) {
            if (!w.connection.equals(connection)) {
                continue;
            }
            w.seen.add(IkeEventLog.line(event));
            boolean childMatches = w.child == null || event.detail() == null
                    || event.detail().startsWith(w.child + " ") || event.detail().startsWith(w.child + ":");
            if (w.success.contains(event.kind()) && (event.kind() != IkeEvent.Kind.CHILD_SA_INSTALLED
                    && event.kind() != IkeEvent.Kind.CHILD_SA_REKEYED || childMatches)
                    && (w.finished == null || w.finished.getAsBoolean())) {
                waiters.remove(w);
                w.result.complete(new Outcome(true, w.done, w.seen));
            } else if (w.failure.contains(event.kind()) && !superseded && !retried.contains(saOf(event))) {
                waiters.remove(w);
                w.result.complete(new Outcome(false, connection + ": " + event.kind()
                        + (event.detail() == null || event.detail().isEmpty() ? "" : ": " + event.detail()), w.seen));
            }
        }
    }

    // ---- from other threads ----

    /** An IKE message from a socket; dropped (and counted in the log) if the IKE thread is far behind. */
    public void receive(IkeDatagram datagram) {
        if (stopped) {
            return;
        }
        if (queuedDatagrams.incrementAndGet() > MAX_QUEUED_DATAGRAMS) {
            queuedDatagrams.decrementAndGet();
            overflowed.incrementAndGet();
            synchronized (floodLog) {
                floodLog.log("ike: more than " + MAX_QUEUED_DATAGRAMS + " IKE messages waiting; dropping what "
                        + "arrives (a flood?)", System.nanoTime());
            }
            return;
        }
        queue.add(() -> {
            queuedDatagrams.decrementAndGet();
            engine.receive(datagram, System.nanoTime());
        });
    }

    /**
     * The inbound data plane saw verified, new ESP for our SA {@code inboundSpi} from another address or port than
     * its peer's (a NAT's new mapping; reported at most once a second per SA): the IKE SA decides whether to
     * follow (RFC 7296 §2.23). Any thread.
     */
    public void espPeerMoved(int inboundSpi, org.ipsec4j.esp.selector.IpAddress address, int port) {
        if (stopped) {
            return;
        }
        org.ipsec4j.ike.sa.Endpoint from = new org.ipsec4j.ike.sa.Endpoint(address, port);
        queue.add(() -> engine.espPeerMoved(inboundSpi, from, System.nanoTime()));
    }

    /**
     * An outbound packet hit the hold {@code key} and was dropped for want of an SA (from a packet thread; at most
     * once a second per hold reaches the IKE thread): a child that traps (start_action or dpd_action = trap) is
     * initiated, unless it is up or on its way.
     */
    public void acquire(String key) {
        if (stopped) {
            return;
        }
        long now = System.nanoTime();
        Long last = lastAcquire.get(key);
        if (last != null && now - last < ACQUIRE_INTERVAL_NANOS) {
            return;
        }
        lastAcquire.put(key, now);
        queue.add(() -> {
            IkeEngine.HoldOwner owner = engine.acquire(key);
            if (owner == null) {
                return;
            }
            log.accept("ike: traffic for " + key + " (held, trap): initiating " + owner.connection());
            try {
                initiate(owner.connection(), owner.child(), System.nanoTime());
            } catch (IllegalArgumentException e) {
                log.accept("ike: cannot initiate " + key + ": " + e.getMessage());
            }
        });
    }

    /** The MTU of the link that holds a local address: the upper end of the path MTU probes. */
    public void setLinkMtu(java.util.function.ToIntFunction<org.ipsec4j.esp.selector.IpAddress> linkMtu) {
        queue.add(() -> engine.setLinkMtu(linkMtu));
    }

    /** Initiates every child with {@code start_action = start}. */
    public void startConfigured() {
        queue.add(() -> {
            long now = System.nanoTime();
            for (IkeConnection c : engine.connections()) {
                startChildren(c, now);
            }
        });
    }

    private void startChildren(IkeConnection c, long now) {
        for (ChildConnection child : c.children()) {
            if (child.startAction() == ChildConnection.StartAction.START) {
                try {
                    initiate(c.name(), child.name(), now);
                } catch (IllegalArgumentException e) {
                    log.accept("ike: cannot start " + c.name() + "/" + child.name() + ": " + e.getMessage());
                }
            }
        }
    }

    /**
     * Brings a connection up (IKE_SA_INIT + IKE_AUTH with the child, or CREATE_CHILD_SA if the IKE SA is up) and
     * waits until its Child SA is installed, it failed, or {@code timeout} passed.
     *
     * @param child the child to bring up, or null for the connection's first
     */
    public Outcome up(String connection, String child, Duration timeout) {
        return await(() -> {
            IkeConnection c = connection(connection);
            if (c == null) {
                return done(false, "no connection named '" + connection + "'" + names());
            }
            String childName = child != null ? child : c.children().isEmpty() ? null : c.children().getFirst().name();
            if (child != null && c.child(child) == null) {
                return done(false, connection + " has no child named '" + child + "' (children: "
                        + c.children().stream().map(ChildConnection::name).toList() + ")");
            }
            for (IkeSaStatus sa : engine.status()) {
                if (sa.connection().equals(connection) && sa.state().equals("ESTABLISHED")
                        && (childName == null || sa.children().stream().anyMatch(ch -> ch.name().equals(childName)
                        && ch.state().equals("INSTALLED")))) {
                    return done(true, connection + (childName == null ? "" : "/" + childName) + " is up already");
                }
            }
            Waiter w = new Waiter(connection, childName, childName == null
                    ? EnumSet.of(IkeEvent.Kind.IKE_SA_ESTABLISHED) : EnumSet.of(IkeEvent.Kind.CHILD_SA_INSTALLED),
                    EnumSet.of(IkeEvent.Kind.IKE_SA_FAILED, IkeEvent.Kind.AUTHENTICATION_FAILED,
                            IkeEvent.Kind.CHILD_SA_FAILED, IkeEvent.Kind.PEER_DEAD, IkeEvent.Kind.IKE_SA_DELETED),
                    connection + (childName == null ? "" : "/" + childName) + " is up");
            try {
                initiate(connection, childName, System.nanoTime());
            } catch (IllegalArgumentException e) {
                return done(false, e.getMessage());
            }
            waiters.add(w);
            return w.result;
        }, timeout, connection + ": not up after " + timeout.toSeconds() + " s; still trying (see the log)");
    }

    /** Deletes every IKE SA of a connection (and their Child SAs) with an INFORMATIONAL; waits for the end. */
    public Outcome down(String connection, Duration timeout) {
        return await(() -> {
            attempts.remove(connection);
            boolean any = engine.status().stream().anyMatch(sa -> sa.connection().equals(connection));
            if (connection(connection) == null && !any) {
                return done(false, "no connection named '" + connection + "'" + names());
            }
            if (!any) {
                // What it held (fail closed) is released all the same: the operator wants it down.
                engine.terminate(connection, System.nanoTime());
                return done(false, connection + " has no IKE SA");
            }
            boolean established = engine.status().stream().anyMatch(sa -> sa.connection().equals(connection)
                    && sa.state().equals("ESTABLISHED"));
            // Done when the last IKE SA of the connection is gone (one deleted after a rekey does not count).
            Waiter w = new Waiter(connection, null, EnumSet.of(IkeEvent.Kind.IKE_SA_DELETED),
                    EnumSet.noneOf(IkeEvent.Kind.class), connection + " is down",
                    () -> engine.status().stream().noneMatch(sa -> sa.connection().equals(connection)));
            engine.terminate(connection, System.nanoTime());
            if (!established) {
                return done(true, connection + " is down (it was still connecting)");
            }
            waiters.add(w);
            return w.result;
        }, timeout, connection + ": the peer did not confirm the delete within " + timeout.toSeconds()
                + " s (the SAs go when its retransmissions give up)");
    }

    /**
     * Rekeys the IKE SA of a connection (child null) or one of its Child SAs, and waits for the new one.
     */
    public Outcome rekey(String connection, String child, Duration timeout) {
        return await(() -> {
            if (connection(connection) == null) {
                return done(false, "no connection named '" + connection + "'" + names());
            }
            Waiter w = child == null
                    ? new Waiter(connection, null, EnumSet.of(IkeEvent.Kind.IKE_SA_REKEYED),
                            EnumSet.of(IkeEvent.Kind.IKE_SA_FAILED, IkeEvent.Kind.PEER_DEAD), connection
                            + ": IKE SA rekeyed")
                    : new Waiter(connection, child, EnumSet.of(IkeEvent.Kind.CHILD_SA_REKEYED),
                            EnumSet.of(IkeEvent.Kind.CHILD_SA_FAILED, IkeEvent.Kind.PEER_DEAD,
                                    IkeEvent.Kind.IKE_SA_FAILED), connection + "/" + child + ": Child SA rekeyed");
            try {
                if (child == null) {
                    engine.rekeyIke(connection, System.nanoTime());
                } else {
                    engine.rekeyChild(connection, child, System.nanoTime());
                }
            } catch (IllegalArgumentException e) {
                return done(false, e.getMessage());
            }
            waiters.add(w);
            return w.result;
        }, timeout, connection + ": the rekey did not finish within " + timeout.toSeconds() + " s");
    }

    /**
     * Starts a tunnel dump of a connection into {@code directory}: from now on its IKE messages (in the clear
     * and as on the wire), its ESP, its inner traffic and the keys of the SAs negotiated go there. SAs that are up
     * already have their traffic dumped but their keys are not known (the engine keeps no copy); with
     * {@code rekey} they are rekeyed at once (make-before-break, the tunnel carries on) so that the new ones are
     * in the key log.
     */
    public Outcome startDump(String connection, java.nio.file.Path directory, boolean rekey) {
        try {
            return call(() -> {
                if (connection(connection) == null) {
                    return new Outcome(false, "no connection named '" + connection + "'" + names(), List.of());
                }
                TunnelDump dump;
                try {
                    dump = dumps.start(connection, directory);
                } catch (IllegalStateException e) {
                    return new Outcome(false, e.getMessage(), List.of());
                } catch (IOException e) {
                    return new Outcome(false, "cannot dump " + connection + " into " + directory + ": "
                            + e.getMessage(), List.of());
                }
                engine.observe(dumps);
                List<String> lines = new ArrayList<>();
                List<IkeSaStatus> existing = engine.status().stream().filter(sa -> sa.connection().equals(connection))
                        .toList();
                for (IkeSaStatus sa : existing) {
                    String spis = String.format("%016x_%016x", sa.initiatorSpi(), sa.responderSpi());
                    dump.note("IKE SA " + spis + " (" + sa.state() + ") predates the dump: no keys");
                    for (ChildSaStatus ch : sa.children()) {
                        dump.watch(ch.inboundSpi());
                        dump.watch(ch.outboundSpi());
                        dump.note("Child SA " + ch.name() + String.format(" in %08x out %08x", ch.inboundSpi(),
                                ch.outboundSpi()) + " predates the dump: its traffic is dumped, its keys are not known");
                    }
                }
                long now = System.nanoTime();
                int rekeyed = 0;
                if (rekey) {
                    for (IkeSaStatus sa : existing) {
                        if (!sa.state().equals("ESTABLISHED")) {
                            continue;
                        }
                        engine.rekeyIke(connection, now);
                        rekeyed++;
                        for (ChildSaStatus ch : sa.children()) {
                            if (ch.state().equals("INSTALLED")) {
                                engine.rekeyChild(connection, ch.name(), now);
                                rekeyed++;
                            }
                        }
                        break; // rekeyIke and rekeyChild act on the connection's established IKE SA
                    }
                }
                lines.add("dumping " + connection + " into " + directory + ":");
                for (java.nio.file.Path f : dump.files()) {
                    lines.add("  " + f);
                }
                if (rekey) {
                    lines.add(rekeyed == 0 ? "nothing to rekey: no SA is up" : "rekeying its IKE SA and "
                            + (rekeyed - 1) + " Child SA(s) so that their keys go into the key log");
                } else if (!existing.isEmpty()) {
                    lines.add("its " + existing.size() + " IKE SA(s) and their Child SAs were up before: their traffic"
                            + " is dumped, their keys are not in the key log (dump with rekey, or rekey them)");
                }
                return new Outcome(true, "ipsec4j dump " + connection + " --stop ends it", lines);
            });
        } catch (IllegalStateException e) {
            return new Outcome(false, e.getMessage(), List.of());
        }
    }

    /** Stops a connection's tunnel dump and closes its files. */
    public Outcome stopDump(String connection) {
        TunnelDump dump;
        try {
            dump = call(() -> {
                TunnelDump d = dumps.detach(connection);
                if (dumps.isEmpty()) {
                    engine.observe(null);
                }
                return d;
            });
        } catch (IllegalStateException e) {
            dump = dumps.detach(connection); // the IKE thread is gone: nothing observes any more
        }
        if (dump == null) {
            return new Outcome(false, "no dump of " + connection + " runs", List.of());
        }
        TunnelDump.Summary summary = dump.close();
        return new Outcome(true, summary.text().stripTrailing(), List.of());
    }

    /** The IKE SAs now, for {@code status}. */
    public List<StatusReport.IkeSaReport> status() {
        try {
            return call(() -> engine.status().stream().map(this::report).toList());
        } catch (IllegalStateException e) {
            return List.of();
        }
    }

    /** The configuration in force, for {@code status}. */
    public StatusReport.IkeSummary summary() {
        try {
            return call(() -> summary(configuration, engine.droppedMessages() + overflowed.get(),
                    engine.cookiesDemanded(), engine.halfOpenSas()));
        } catch (IllegalStateException e) {
            return null;
        }
    }

    /** The pools in use, for a reload to keep their leases. */
    public java.util.Map<org.ipsec4j.ike.config.PoolConfig, org.ipsec4j.ike.sa.AddressPool> pools() {
        return call(() -> configuration.pools());
    }

    /**
     * Whether the SPIs name an IKE SA that is up (as of the last IKE SA or Child SA change), for the data plane's
     * check of ICMP errors that quote an IKE message (RFC 4301 §6.1.2). Any thread.
     */
    public boolean isLiveIkeSa(long initiatorSpi, long responderSpi) {
        return liveIkeSas.contains(List.of(initiatorSpi, responderSpi));
    }

    /** The virtual IPs peers gave us, in use now. */
    public Set<InetAddress> virtualIps() {
        return virtualIps;
    }

    /**
     * Makes {@code fresh} the configuration: unchanged connections keep running as they are, changed ones apply
     * to new IKE SAs, removed ones lose their IKE SAs, added ones with {@code start_action = start} start. The
     * old pre-shared keys are zeroed.
     *
     * @return a one-line summary
     */
    public String replace(IkeConfiguration fresh) {
        return call(() -> {
            long now = System.nanoTime();
            IkeConfiguration old = configuration;
            List<IkeConnection> merged = new ArrayList<>();
            List<IkeConnection> added = new ArrayList<>();
            int kept = 0;
            int changed = 0;
            for (IkeConnection c : fresh.connections()) {
                IkeConnection previous = old.connection(c.name());
                if (previous != null && old.extras(c.name()).fingerprint().equals(fresh.extras(c.name()).fingerprint())) {
                    merged.add(previous); // the very object: its IKE SAs stay its own
                    kept++;
                } else {
                    merged.add(c);
                    if (previous == null) {
                        added.add(c);
                    } else {
                        changed++;
                    }
                }
            }
            int removed = (int) old.connections().stream().filter(c -> fresh.connection(c.name()) == null).count();
            IkeConfiguration effective = fresh.withConnections(merged);
            configuration = effective;
            engine.replaceConnections(merged, now);
            old.destroySecrets();
            for (IkeConnection c : added) {
                startChildren(c, now);
            }
            return fresh.connections().size() + " IKE connections (" + kept + " unchanged, " + changed + " changed, "
                    + added.size() + " added, " + removed + " removed)";
        });
    }

    /** Deletes every IKE SA (telling the peers), stops the thread, zeroes the pre-shared keys. */
    @Override
    public void close() {
        if (stopped) {
            return;
        }
        try {
            call(() -> {
                long now = System.nanoTime();
                for (IkeConnection c : engine.connections()) {
                    engine.terminate(c.name(), now);
                }
                // One INFORMATIONAL DELETE each goes out now; there is no waiting for the answers.
                afterStep(now);
                return null;
            });
        } catch (IllegalStateException e) {
            log.accept("ike: could not tell the peers: " + e.getMessage());
        }
        stopped = true;
        thread.interrupt();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        configuration.destroySecrets();
        for (Waiter w : waiters) {
            w.result.complete(new Outcome(false, "the daemon is stopping", w.seen));
        }
    }

    // ---- helpers ----

    private IkeConnection connection(String name) {
        for (IkeConnection c : engine.connections()) {
            if (c.name().equals(name)) {
                return c;
            }
        }
        return null;
    }

    private String names() {
        List<String> names = engine.connections().stream().map(IkeConnection::name).toList();
        return names.isEmpty() ? " (there are none)" : " (connections: " + String.join(", ", names) + ")";
    }

    private static CompletableFuture<Outcome> done(boolean ok, String message) {
        return CompletableFuture.completedFuture(new Outcome(ok, message, List.of()));
    }

    /** Runs {@code start} on the IKE thread and waits for the outcome it returns, at most {@code timeout}. */
    private Outcome await(Callable<CompletableFuture<Outcome>> start, Duration timeout, String timedOut) {
        CompletableFuture<Outcome> outcome;
        try {
            outcome = call(start);
        } catch (IllegalStateException e) {
            return new Outcome(false, e.getMessage(), List.of());
        }
        try {
            return outcome.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            queue.add(() -> waiters.removeIf(w -> w.result == outcome));
            return new Outcome(false, timedOut, List.of());
        } catch (ExecutionException e) {
            return new Outcome(false, "internal error: " + e.getCause(), List.of());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(false, "interrupted", List.of());
        }
    }

    /** Runs {@code task} on the IKE thread and returns its result. */
    private <T> T call(Callable<T> task) {
        if (stopped) {
            throw new IllegalStateException("IKE is stopped");
        }
        if (Thread.currentThread() == thread) {
            try {
                return task.call();
            } catch (Exception e) {
                throw new IllegalStateException(e.toString(), e);
            }
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        queue.add(() -> {
            try {
                result.complete(task.call());
            } catch (Exception | Error e) {
                result.completeExceptionally(e);
            }
        });
        try {
            return result.get(COMMAND_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("internal error: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("the IKE thread did not answer within " + COMMAND_TIMEOUT.toSeconds()
                    + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }

    private StatusReport.IkeSaReport report(IkeSaStatus sa) {
        IkeConnection c = configuration.connection(sa.connection());
        boolean ours = c != null && c.requestVirtualIp();
        List<StatusReport.ChildSaReport> children = new ArrayList<>();
        for (ChildSaStatus ch : sa.children()) {
            children.add(new StatusReport.ChildSaReport(ch.name(), ch.state(), ch.reqid(), ch.mode(),
                    String.format("%08x", ch.inboundSpi()), String.format("%08x", ch.outboundSpi()), ch.suite(),
                    ch.udpEncapsulation(), ch.localSelectors(), ch.remoteSelectors(), ch.inboundBytes(),
                    ch.inboundPackets(), ch.outboundBytes(), ch.outboundPackets(), ch.espPathFailure()));
        }
        return new StatusReport.IkeSaReport(sa.connection(), sa.state(), String.format("%016x", sa.initiatorSpi()),
                String.format("%016x", sa.responderSpi()), sa.initiator(), sa.local().address().toString(),
                sa.local().port(), sa.remote().address().toString(), sa.remote().port(), sa.localId(), sa.remoteId(),
                sa.suite(), sa.natLocal(), sa.natRemote(), sa.udpEncapsulation(), sa.natFaked(),
                sa.fragmentation(),
                ours ? sa.virtualIp() : null, ours ? null : sa.virtualIp(), children, sa.pathMtu(), sa.pathMtuState());
    }

    private static StatusReport.IkeSummary summary(IkeConfiguration configuration, long dropped, long cookies,
            int halfOpen) {
        List<StatusReport.ConnectionSummary> connections = new ArrayList<>();
        for (IkeConnection c : configuration.connections()) {
            connections.add(new StatusReport.ConnectionSummary(c.name(),
                    c.localAddresses().stream().map(Object::toString).toList(),
                    c.remoteAddresses().stream().map(Object::toString).toList(), c.local().id().toString(),
                    c.remote().id().toString(), c.local().kind().name().toLowerCase(java.util.Locale.ROOT),
                    c.children().stream().map(ch -> ch.name() + (ch.startAction() == ChildConnection.StartAction.START
                            ? " (start)" : "")).toList()));
        }
        return new StatusReport.IkeSummary(configuration.file().toAbsolutePath().toString(), connections, dropped,
                cookies, halfOpen);
    }
}
