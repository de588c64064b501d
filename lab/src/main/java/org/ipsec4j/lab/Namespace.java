package org.ipsec4j.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** One network namespace of a {@link Lab}: a host, or a router that forwards IPv4 and IPv6. */
public final class Namespace {

    private final Lab lab;
    private final String name;
    private final String netnsName;
    private final boolean router;
    private final List<LinkEnd> interfaces = new ArrayList<>();

    Namespace(Lab lab, String name, String netnsName, boolean router) {
        this.lab = lab;
        this.name = name;
        this.netnsName = netnsName;
        this.router = router;
    }

    /** The name the test gave it, e.g. {@code "a"}. */
    public String name() {
        return name;
    }

    /** The system-wide name, as {@code ip netns list} shows it. */
    public String netnsName() {
        return netnsName;
    }

    public boolean isRouter() {
        return router;
    }

    public Lab lab() {
        return lab;
    }

    /** Its veth ends, in the order the links were made. */
    public synchronized List<LinkEnd> interfaces() {
        return List.copyOf(interfaces);
    }

    /** The end in this namespace of the one link to {@code peer}; throws if there is not exactly one. */
    public LinkEnd interfaceTo(Namespace peer) {
        List<LinkEnd> ends = interfaces().stream().filter(e -> e.peer().namespace() == peer).toList();
        if (ends.size() != 1) {
            throw new IllegalArgumentException(name + " has " + ends.size() + " links to " + peer.name());
        }
        return ends.getFirst();
    }

    synchronized String nextInterfaceName() {
        return "eth" + interfaces.size();
    }

    synchronized void addInterface(LinkEnd end) {
        interfaces.add(end);
    }

    // ---- commands ----

    /** Runs a command inside this namespace with the lab's default timeout; does not throw on failure. */
    public CommandResult exec(String... command) {
        return exec(Lab.COMMAND_TIMEOUT, command);
    }

    /** Runs a command inside this namespace, killing it after {@code timeout}; does not throw on failure. */
    public CommandResult exec(Duration timeout, String... command) {
        return lab.runCommand(inside(command), timeout);
    }

    /** Runs a command inside this namespace; throws {@link LabCommandException} (command line and stderr) on failure. */
    public CommandResult run(String... command) {
        return exec(command).orThrow();
    }

    /** {@code ip -n NETNS args...}; throws on failure. */
    public CommandResult ip(String... arguments) {
        List<String> command = new ArrayList<>(List.of("ip", "-n", netnsName));
        command.addAll(Arrays.asList(arguments));
        return lab.runCommand(command, Lab.COMMAND_TIMEOUT).orThrow();
    }

    List<String> inside(String... command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", netnsName));
        full.addAll(Arrays.asList(command));
        return full;
    }

    /** Sets kernel parameters of this namespace, each given as {@code key=value}. */
    public void sysctl(String... assignments) {
        List<String> command = new ArrayList<>(List.of("sysctl", "-q", "-w"));
        command.addAll(Arrays.asList(assignments));
        run(command.toArray(String[]::new));
    }

    /** Reads one kernel parameter of this namespace. */
    public String sysctlValue(String key) {
        return run("sysctl", "-n", key).stdout().strip();
    }

    /** One echo request with a 2 s wait, e.g. {@code ping("198.51.100.2", "-M", "do", "-s", "1400")}; does not throw. */
    public CommandResult ping(String address, String... options) {
        List<String> command = new ArrayList<>(List.of("ping", IpVersion.of(address).flag(), "-n", "-c", "1", "-W", "2"));
        command.addAll(Arrays.asList(options));
        command.add(address);
        return exec(command.toArray(String[]::new));
    }

    // ---- routing and NAT ----

    /** Adds a route, e.g. {@code addRoute("198.51.100.0/24", "192.0.2.1")} or {@code addRoute("default", "2001:db8:1::1")}. */
    public void addRoute(String destination, String gateway) {
        ip(IpVersion.of(gateway).flag(), "route", "add", destination, "via", gateway);
    }

    /** The default route of the gateway's family. */
    public void setDefaultRoute(String gateway) {
        ip(IpVersion.of(gateway).flag(), "route", "replace", "default", "via", gateway);
    }

    /** Makes this namespace a NAT router: IPv4 leaving through {@code outside} gets the outside address as source. */
    public void masquerade(LinkEnd outside) {
        masquerade(outside, IpVersion.V4);
    }

    /** As {@link #masquerade(LinkEnd)}, for one family (IPv6 NAT exists in Linux too). */
    public void masquerade(LinkEnd outside, IpVersion version) {
        requireOwn(outside);
        firewall(version, "nat").append("POSTROUTING", "-o", outside.interfaceName(), "-j", "MASQUERADE");
    }

    /**
     * As {@link #masquerade(LinkEnd)} for UDP only, with the outside source port taken from {@code firstPort ..
     * lastPort} (MASQUERADE {@code --to-ports}); put first, so that it takes UDP from a plain masquerade rule.
     */
    public void masqueradeUdp(LinkEnd outside, int firstPort, int lastPort) {
        requireOwn(outside);
        firewall(IpVersion.V4, "nat").command("-I", "POSTROUTING", "1", "-o", outside.interfaceName(), "-p", "udp",
                "-j", "MASQUERADE", "--to-ports", firstPort + "-" + lastPort);
    }

    /** The UDP flows conntrack tracks here, with their NAT mappings ({@code conntrack -L -p udp}). */
    public List<ConntrackEntry> udpConntrack() {
        return run("conntrack", "-L", "-p", "udp").stdout().lines().map(ConntrackEntry::parse)
                .flatMap(java.util.Optional::stream).toList();
    }

    /** Forgets every tracked flow, and so every NAT mapping ({@code conntrack -F}). */
    public void flushConntrack() {
        run("conntrack", "-F");
    }

    /**
     * How long conntrack (and so a NAT mapping) keeps an idle UDP flow in this namespace: both the timeout for
     * one-way flows and for flows that have seen replies, so tests of NAT keepalives need not wait minutes.
     */
    public void setUdpConntrackTimeout(Duration timeout) {
        long seconds = Math.max(1, timeout.toSeconds());
        sysctl("net.netfilter.nf_conntrack_udp_timeout=" + seconds,
                "net.netfilter.nf_conntrack_udp_timeout_stream=" + seconds);
    }

    // ---- firewall ----

    /** The filter table of iptables (V4) or ip6tables (V6) in this namespace. */
    public Firewall firewall(IpVersion version) {
        return firewall(version, "filter");
    }

    public Firewall firewall(IpVersion version, String table) {
        return new Firewall(this, version, table);
    }

    // ---- processes and captures ----

    /** Starts a process in this namespace that runs until it exits or the lab closes. */
    public BackgroundProcess start(String... command) {
        List<String> full = inside(command);
        lab.log(ShellWords.join(full) + " &");
        try {
            Process process = new ProcessBuilder(full).start();
            process.getOutputStream().close();
            return lab.register(new BackgroundProcess(full, process));
        } catch (IOException e) {
            throw new UncheckedIOException("could not start: " + ShellWords.join(full), e);
        }
    }

    /**
     * Starts {@code mainClass} in a new JVM (the java and class path of this one) inside this namespace, e.g. a
     * {@link org.ipsec4j.lab.traffic.UdpSink}.
     */
    public BackgroundProcess startJava(Class<?> mainClass, String... arguments) {
        return start(Lab.javaCommand(mainClass, arguments).toArray(String[]::new));
    }

    /** Runs {@code mainClass} in a new JVM inside this namespace to completion; does not throw on failure. */
    public CommandResult runJava(Duration timeout, Class<?> mainClass, String... arguments) {
        return exec(timeout, Lab.javaCommand(mainClass, arguments).toArray(String[]::new));
    }

    /**
     * Starts tcpdump on one of this namespace's interfaces, writing every packet (whole, as it crosses the
     * interface, before any firewall) to {@code file}; returns once tcpdump is capturing.
     *
     * @param filter optional pcap filter words, e.g. {@code "ip6"}
     */
    public PacketCapture capture(String interfaceName, Path file, String... filter) {
        return capture(interfaceName, file, 0, filter);
    }

    /**
     * As {@link #capture(String, Path, String...)}, keeping only the first {@code snapLength} bytes of each
     * packet (0: whole packets): headers are enough for many checks, and under load tcpdump then keeps up.
     */
    public PacketCapture capture(String interfaceName, Path file, int snapLength, String... filter) {
        List<String> command = new ArrayList<>(List.of("tcpdump", "-i", interfaceName, "-n",
                "--immediate-mode", // hand each packet over at once instead of per buffer block
                "-U",               // and write it to the file at once
                "-Z", "root",       // do not drop to a user that may not write the file
                "-w", file.toAbsolutePath().toString()));
        if (snapLength > 0) {
            command.addAll(List.of("-s", Integer.toString(snapLength)));
        }
        command.addAll(Arrays.asList(filter));
        BackgroundProcess tcpdump = start(command.toArray(String[]::new));
        tcpdump.awaitStderrLine("listening on", Duration.ofSeconds(10));
        return new PacketCapture(tcpdump, file);
    }

    private void requireOwn(LinkEnd end) {
        if (end.namespace() != this) {
            throw new IllegalArgumentException(end + " is not an interface of " + name);
        }
    }

    @Override
    public String toString() {
        return name + " (" + netnsName + ")";
    }
}
