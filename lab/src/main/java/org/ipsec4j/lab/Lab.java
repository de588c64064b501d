package org.ipsec4j.lab;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A throw-away network of Linux network namespaces joined by veth links, for tests that need real kernels
 * between real sockets: routers, NAT, firewalls, MTUs, loss.
 *
 * <pre>{@code
 * try (Lab lab = Lab.create()) {
 *     Namespace a = lab.host("a"), r = lab.router("r"), b = lab.host("b");
 *     Link ar = lab.link(a, r, 1500), rb = lab.link(r, b, 1280);
 *     ar.a().addAddress("192.0.2.2/24");   ar.b().addAddress("192.0.2.1/24");
 *     rb.a().addAddress("198.51.100.1/24"); rb.b().addAddress("198.51.100.2/24");
 *     a.setDefaultRoute("192.0.2.1");      b.setDefaultRoute("198.51.100.1");
 *     a.ping("198.51.100.2").orThrow();
 * }
 * }</pre>
 *
 * <p>Namespaces are named {@code ipsec4j-lab-<pid>-<lab>-<name>}, so parallel test JVMs never collide and the
 * leftovers of a JVM that died without closing its lab are recognised (its pid is gone) and removed by the next
 * lab. {@link #close()} stops every process the lab started, kills anything else still running inside its
 * namespaces, and deletes them; a shutdown hook does the same for labs still open when the JVM exits.
 * Needs root.
 */
public final class Lab implements AutoCloseable {

    /** Every namespace a lab creates has a name starting with this. */
    public static final String NAMESPACE_PREFIX = "ipsec4j-lab-";
    /** How long a command ({@code ip}, {@code iptables}, ...) may run before it is killed. */
    public static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(20);

    private static final Pattern OUR_NAMESPACE = Pattern.compile(Pattern.quote(NAMESPACE_PREFIX) + "(\\d+)-.*");
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");
    private static final int LOG_LIMIT = 5000;

    private static final AtomicInteger LAB_NUMBERS = new AtomicInteger();
    private static final Set<Lab> OPEN_LABS = ConcurrentHashMap.newKeySet();
    private static final AtomicBoolean SHUTDOWN_HOOK_INSTALLED = new AtomicBoolean();
    private static final AtomicBoolean STALE_NAMESPACES_REMOVED = new AtomicBoolean();
    private static volatile NetemSupport netemSupport;

    private final int number = LAB_NUMBERS.incrementAndGet();
    private final List<String> commandLog = Collections.synchronizedList(new ArrayList<>());
    private final CommandRunner runner = new CommandRunner(this::log);
    private final List<Namespace> namespaces = new ArrayList<>();
    private final List<BackgroundProcess> processes = new ArrayList<>();
    private boolean closed;

    private Lab() {
    }

    /**
     * Creates an empty lab. Fails with "lab tests need root" when not root, and removes namespaces that an
     * earlier, crashed test JVM left behind.
     */
    public static Lab create() {
        requireRoot();
        if (SHUTDOWN_HOOK_INSTALLED.compareAndSet(false, true)) {
            Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(Lab::closeAllOpenLabs));
        }
        Lab lab = new Lab();
        if (STALE_NAMESPACES_REMOVED.compareAndSet(false, true)) {
            lab.removeStaleNamespaces();
        }
        OPEN_LABS.add(lab);
        return lab;
    }

    /** Throws {@link IllegalStateException} unless this JVM runs as root. */
    public static void requireRoot() {
        int uid = effectiveUid();
        if (uid != 0) {
            throw new IllegalStateException("lab tests need root; run bin/test as root (this JVM runs as uid " + uid
                    + ", and namespaces, veth links and iptables need uid 0)");
        }
    }

    private static int effectiveUid() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return Integer.parseInt(line.split("\\s+")[2]); // real, effective, saved, fs
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc/self/status to check for root", e);
        }
        throw new IllegalStateException("no Uid line in /proc/self/status");
    }

    // ---- building the topology ----

    /** A namespace for an end host: loopback up, no forwarding. */
    public Namespace host(String name) {
        return addNamespace(name, false);
    }

    /** A namespace that forwards IPv4 and IPv6 between its links. */
    public Namespace router(String name) {
        return addNamespace(name, true);
    }

    private Namespace addNamespace(String name, boolean router) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("namespace names are lower-case letters, digits and '-': " + name);
        }
        Namespace namespace;
        synchronized (this) {
            requireOpen();
            if (namespaces.stream().anyMatch(n -> n.name().equals(name))) {
                throw new IllegalArgumentException("this lab already has a namespace " + name);
            }
            namespace = new Namespace(this, name, NAMESPACE_PREFIX + ProcessHandle.current().pid() + "-" + number + "-" + name,
                    router);
            // Registered before it exists, so close() deletes it even if setting it up fails halfway.
            namespaces.add(namespace);
        }
        runCommand(List.of("ip", "netns", "add", namespace.netnsName()), COMMAND_TIMEOUT).orThrow();
        namespace.ip("link", "set", "lo", "up");
        // No duplicate address detection, also for link-local addresses: addresses work the moment they are set.
        namespace.sysctl("net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0");
        if (router) {
            namespace.sysctl("net.ipv4.ip_forward=1", "net.ipv6.conf.all.forwarding=1");
        }
        return namespace;
    }

    /** Joins two namespaces with a veth pair of MTU 1500, both ends up. */
    public Link link(Namespace a, Namespace b) {
        return link(a, b, 1500);
    }

    /** Joins two namespaces with a veth pair of the given MTU (both ends), both ends up and without addresses. */
    public Link link(Namespace a, Namespace b, int mtu) {
        requireMine(a);
        requireMine(b);
        if (a == b) {
            throw new IllegalArgumentException("a link needs two namespaces: " + a.name());
        }
        LinkEnd endA = new LinkEnd(a, a.nextInterfaceName());
        LinkEnd endB = new LinkEnd(b, b.nextInterfaceName());
        String mtuText = Integer.toString(mtu);
        // Created directly inside the namespaces, so the names never meet in the root namespace (no clashes
        // between parallel labs, and nothing left there if we crash).
        runCommand(List.of("ip", "link", "add", endA.interfaceName(), "netns", a.netnsName(), "mtu", mtuText,
                "type", "veth", "peer", "name", endB.interfaceName(), "netns", b.netnsName(), "mtu", mtuText),
                COMMAND_TIMEOUT).orThrow();
        Link link = new Link(endA, endB);
        a.addInterface(endA);
        b.addInterface(endB);
        a.ip("link", "set", endA.interfaceName(), "up");
        b.ip("link", "set", endB.interfaceName(), "up");
        return link;
    }

    public synchronized List<Namespace> namespaces() {
        return List.copyOf(namespaces);
    }

    /** The namespace the test called {@code name}. */
    public synchronized Namespace namespace(String name) {
        return namespaces.stream().filter(n -> n.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no namespace " + name));
    }

    private void requireMine(Namespace namespace) {
        if (namespace.lab() != this) {
            throw new IllegalArgumentException(namespace + " belongs to another lab");
        }
    }

    private synchronized void requireOpen() {
        if (closed) {
            throw new IllegalStateException("lab is closed");
        }
    }

    // ---- netem ----

    /**
     * Whether the kernel has the netem qdisc, probed once per JVM by adding one to the loopback device of a
     * scratch namespace.
     */
    public NetemSupport netemSupport() {
        NetemSupport known = netemSupport;
        if (known == null) {
            Namespace probe = host("netem-probe");
            try {
                CommandResult result = probe.exec("tc", "qdisc", "add", "dev", "lo", "root", "netem", "delay", "1ms");
                known = result.succeeded()
                        ? new NetemSupport(true, "tc qdisc add ... netem works")
                        : new NetemSupport(false, "tc qdisc add ... netem failed: " + result.stderr().strip());
            } finally {
                removeNamespace(probe);
            }
            netemSupport = known;
        }
        return known;
    }

    private void removeNamespace(Namespace namespace) {
        synchronized (this) {
            namespaces.remove(namespace);
        }
        deleteNamespace(namespace.netnsName());
    }

    // ---- commands and processes (used by Namespace) ----

    CommandResult runCommand(List<String> command, Duration timeout) {
        return runner.run(command, timeout);
    }

    void log(String line) {
        synchronized (commandLog) {
            if (commandLog.size() >= LOG_LIMIT) {
                commandLog.removeFirst();
            }
            commandLog.add(line);
        }
    }

    BackgroundProcess register(BackgroundProcess process) {
        synchronized (this) {
            if (!closed) {
                processes.add(process);
                return process;
            }
        }
        process.stop();
        throw new IllegalStateException("lab is closed");
    }

    /** The java command line that runs {@code mainClass} with this JVM's java and class path. */
    static List<String> javaCommand(Class<?> mainClass, String... arguments) {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // The class's own location first: under Surefire java.class.path may be a manifest-only jar.
        String classPath = codeLocation(mainClass) + File.pathSeparator + System.getProperty("java.class.path");
        List<String> command = new ArrayList<>(List.of(java,
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx64m", // small, quick-starting helper JVMs
                "-cp", classPath, mainClass.getName()));
        command.addAll(Arrays.asList(arguments));
        return command;
    }

    private static String codeLocation(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException | NullPointerException e) {
            return "";
        }
    }

    /** Every command the lab ran so far, oldest first (the most recent few thousand). */
    public List<String> commandLog() {
        synchronized (commandLog) {
            return List.copyOf(commandLog);
        }
    }

    /** Addresses, routes and firewall tables of every namespace: what a failed test should print. */
    public String describe() {
        StringBuilder out = new StringBuilder();
        for (Namespace ns : namespaces()) {
            out.append("=== ").append(ns).append(ns.isRouter() ? " [router]" : "").append('\n');
            appendOutput(out, ns.exec("ip", "-br", "addr"));
            appendOutput(out, ns.exec("ip", "-4", "route"));
            appendOutput(out, ns.exec("ip", "-6", "route"));
            for (IpVersion version : IpVersion.values()) {
                for (String table : List.of("filter", "nat", "mangle")) {
                    String dump = ns.firewall(version, table).dump();
                    if (dump.lines().anyMatch(l -> l.startsWith("-A "))) {
                        out.append(version.iptablesCommand()).append(" -t ").append(table).append(":\n").append(dump);
                    }
                }
            }
        }
        for (BackgroundProcess process : processesSnapshot()) {
            out.append("=== process ").append(process).append(process.isAlive() ? " (running)" : " (exited)")
                    .append('\n').append(process.describeOutput());
        }
        return out.toString();
    }

    private static void appendOutput(StringBuilder out, CommandResult result) {
        out.append("$ ").append(result.commandLine()).append('\n').append(result.stdout()).append(result.stderr());
    }

    private synchronized List<BackgroundProcess> processesSnapshot() {
        return List.copyOf(processes);
    }

    // ---- teardown ----

    /**
     * Stops every process the lab started, kills whatever else runs in its namespaces, and deletes them.
     * Keeps going past errors and reports them all at the end; safe to call twice.
     */
    @Override
    public void close() {
        List<BackgroundProcess> toStop;
        List<Namespace> toDelete;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            toStop = new ArrayList<>(processes);
            toDelete = new ArrayList<>(namespaces);
        }
        OPEN_LABS.remove(this);
        List<Exception> problems = new ArrayList<>();
        for (BackgroundProcess process : toStop.reversed()) {
            try {
                process.stop();
            } catch (RuntimeException e) {
                problems.add(e);
            }
        }
        for (Namespace namespace : toDelete.reversed()) {
            try {
                deleteNamespace(namespace.netnsName());
            } catch (RuntimeException e) {
                problems.add(e);
            }
        }
        try {
            List<String> left = listNamespaces().stream()
                    .filter(n -> toDelete.stream().anyMatch(ns -> ns.netnsName().equals(n))).toList();
            if (!left.isEmpty()) {
                problems.add(new IllegalStateException("namespaces still present after teardown: " + left));
            }
        } catch (RuntimeException e) {
            problems.add(e);
        }
        if (!problems.isEmpty()) {
            IllegalStateException failure = new IllegalStateException("lab teardown incomplete: " + problems.getFirst().getMessage());
            problems.forEach(failure::addSuppressed);
            throw failure;
        }
    }

    /** Kills every process still inside the namespace (daemons a test left behind), then deletes it. */
    private void deleteNamespace(String netnsName) {
        CommandResult pids = runCommand(List.of("ip", "netns", "pids", netnsName), COMMAND_TIMEOUT);
        if (pids.succeeded()) {
            for (String pid : pids.stdoutLines()) {
                ProcessHandle.of(Long.parseLong(pid.strip())).ifPresent(Lab::kill);
            }
        }
        runCommand(List.of("ip", "netns", "delete", netnsName), COMMAND_TIMEOUT).orThrow();
    }

    /**
     * SIGKILL, then a short wait until it is dead. Polls /proc itself: it is not our child, so it stays a zombie
     * (which ProcessHandle counts as alive) until whoever inherited it reaps it, and onExit() polls slowly.
     */
    private static void kill(ProcessHandle process) {
        process.destroyForcibly();
        long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while (!isDeadOrZombie(process.pid()) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static boolean isDeadOrZombie(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // "pid (command) S ...": the state follows the last ')', as the command may contain one.
            return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (IOException | RuntimeException e) {
            return true;
        }
    }

    /** Names from {@code ip netns list} (which prints "name" or "name (id: N)"). */
    public static List<String> listNamespaces() {
        CommandResult result = new CommandRunner(line -> { }).run(List.of("ip", "netns", "list"), COMMAND_TIMEOUT).orThrow();
        return result.stdoutLines().stream().map(String::strip).filter(l -> !l.isEmpty())
                .map(l -> l.split("\\s+")[0]).toList();
    }

    /** Deletes lab namespaces whose creating JVM no longer runs: what a killed test run left behind. */
    private void removeStaleNamespaces() {
        for (String name : listNamespaces()) {
            Matcher m = OUR_NAMESPACE.matcher(name);
            if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).map(p -> !p.isAlive()).orElse(true)) {
                log("# removing stale namespace " + name);
                try {
                    deleteNamespace(name);
                } catch (RuntimeException e) {
                    System.err.println("ipsec4j lab: could not remove stale namespace " + name + ": " + e.getMessage());
                }
            }
        }
    }

    private static void closeAllOpenLabs() {
        for (Lab lab : List.copyOf(OPEN_LABS)) {
            try {
                lab.close();
            } catch (RuntimeException e) {
                System.err.println("ipsec4j lab: teardown at JVM exit failed: " + e.getMessage());
            }
        }
    }
}
