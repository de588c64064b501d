package org.ipsec4j.daemon.net;

import java.io.IOException;
import java.net.InetAddress;
import java.net.StandardProtocolFamily;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

import org.ipsec4j.linux.ErrnoException;
import org.ipsec4j.linux.IpPrefix;
import org.ipsec4j.linux.NetlinkRouteSocket;
import org.ipsec4j.linux.Route;
import org.ipsec4j.linux.RoutingRule;
import org.ipsec4j.linux.TunDevice;
import org.ipsec4j.linux.TunOptions;

/**
 * The daemon's footprint in the kernel's network configuration, and how it is removed again.
 *
 * <p>Routing, wg-quick's way: the tunnel routes live in a table of their own, {@code table}, consulted by one
 * rule per family, {@code not fwmark MARK lookup TABLE}, placed before the main table. Every packet the host
 * sends looks there first, except the daemon's own ESP packets, whose sockets carry the mark (SO_MARK) and so
 * go out by the main table; they can never loop back into the tunnel, also when a tunnel route covers the peer
 * itself (host-to-host transport mode) or everything (0.0.0.0/0). Unlike wg-quick, there is no
 * {@code lookup main suppress_prefixlength 0} rule in front: it would let a more specific main route (the
 * peer's own subnet) win over a tunnel route, and traffic the SPD says to protect would leave in the clear.
 * Destinations no policy protects find no route in the table and fall through to main as before.
 *
 * <p>Fail closed: next to each tunnel route there is a {@code prohibit} route to the same prefix in the same
 * table, with a higher metric ({@value #FAIL_CLOSED_METRIC}): while the TUN device lives its route wins; when the
 * daemon is gone — stopped, crashed, killed, restarting — the device and its routes vanish with it, and the
 * prohibit route refuses what the tunnel would have carried (the sender gets EACCES, a forwarded packet an ICMP
 * "administratively prohibited") instead of letting it leave in the clear by the main table. The rule stays too.
 * Which prohibit routes exist is written to a file in the state directory, so that the next daemon can remove
 * those it no longer wants, after it has put its own in place.
 *
 * <p>{@link #close(boolean)} deletes the tunnel routes and the TUN device (by closing it), and, unless told to
 * keep them (the default on exit: fail closed until the daemon runs again), the prohibit routes and rules.
 */
public final class TunnelNetwork implements AutoCloseable {

    private static final int EAFNOSUPPORT = 97; // asm-generic/errno.h: no IPv6 in this kernel/namespace
    private static final int EEXIST = 17;
    /** The metric of the fail-closed prohibit routes: above the tunnel routes' (0 for IPv4, 1024 for IPv6). */
    public static final int FAIL_CLOSED_METRIC = 65535;

    private final TunDevice tun;
    private final NetlinkRouteSocket netlink;
    private final int table;
    private final int mark;
    private final int rulePriority;
    private final Consumer<String> log;
    private final List<RoutingRule> rules = new ArrayList<>();
    private final Set<TunnelRoute> routes = new LinkedHashSet<>();
    private final Set<InetAddress> addresses = new LinkedHashSet<>();
    /** Prefixes with a fail-closed prohibit route: ours, and those a previous daemon left. */
    private final Set<IpPrefix> prohibited = new LinkedHashSet<>();
    private final Set<IpPrefix> leftovers = new LinkedHashSet<>();
    private final java.nio.file.Path stateFile;
    private boolean closed;
    /** Whether a previous daemon left this table fail closed (its rule or prohibit routes were here). */
    private boolean inherited;
    private int mtu;

    private TunnelNetwork(TunDevice tun, NetlinkRouteSocket netlink, int table, int mark, int rulePriority,
            java.nio.file.Path stateFile, Consumer<String> log) {
        this.tun = tun;
        this.netlink = netlink;
        this.table = table;
        this.mark = mark;
        this.rulePriority = rulePriority;
        this.stateFile = stateFile;
        this.log = log;
    }

    /** The file in {@code stateDirectory} that lists the prohibit routes of {@code table}. */
    public static java.nio.file.Path stateFile(java.nio.file.Path stateDirectory, int table) {
        return stateDirectory.resolve("fail-closed-routes." + table);
    }

    /**
     * Creates the TUN device (up, with {@code mtu}) and the routing rules.
     *
     * @throws IOException with a one-line message: the device name is taken, no /dev/net/tun, no permission
     */
    public static TunnelNetwork open(TunOptions tunOptions, int mtu, int table, int mark, int rulePriority,
            Consumer<String> log) throws IOException {
        return open(tunOptions, mtu, table, mark, rulePriority, null, log);
    }

    /**
     * As {@link #open(TunOptions, int, int, int, int, Consumer)}, remembering the fail-closed prohibit routes in
     * {@code stateFile} (null: nowhere); those a previous daemon left there are kept until
     * {@link #releaseLeftovers()}.
     */
    public static TunnelNetwork open(TunOptions tunOptions, int mtu, int table, int mark, int rulePriority,
            java.nio.file.Path stateFile, Consumer<String> log) throws IOException {
        Objects.requireNonNull(tunOptions, "tunOptions");
        TunDevice tun;
        try {
            tun = TunDevice.open(tunOptions);
        } catch (ErrnoException e) {
            if (!tunOptions.virtioNetHeader() || !e.call().startsWith("TUNSET")
                    || e.call().startsWith("TUNSETIFF")) {
                throw new IOException("cannot create TUN device " + (tunOptions.name() == null ? ""
                        : tunOptions.name()) + ": " + e.getMessage(), e);
            }
            // An older kernel refuses the virtio-net header or an offload: plain packets still work.
            log.accept("TUN offloads refused (" + e.getMessage() + "); one packet per read and write");
            try {
                tun = TunDevice.open(TunOptions.defaults().withName(tunOptions.name()));
            } catch (ErrnoException plain) {
                throw new IOException("cannot create TUN device " + tunOptions.name() + ": " + plain.getMessage(), plain);
            }
        }
        NetlinkRouteSocket netlink = null;
        TunnelNetwork network = null;
        try {
            netlink = NetlinkRouteSocket.open();
            network = new TunnelNetwork(tun, netlink, table, mark, rulePriority, stateFile, log);
            network.readLeftovers();
            network.setMtu(mtu);
            withoutIpv6LinkLocal(tun.name());
            acceptLocalSources(tun.name(), log);
            netlink.setUp(tun.name());
            network.addRules();
            return network;
        } catch (IOException | RuntimeException e) {
            if (network != null) {
                network.close(network.inherited()); // what a previous daemon left stays
            } else {
                if (netlink != null) {
                    netlink.close();
                }
                tun.close();
            }
            throw e;
        }
    }

    /**
     * No IPv6 link-local address on the device (addr_gen_mode 1, "none"), so the kernel sends no router
     * solicitations or MLD reports into the tunnel; routed IPv6 works without it (the routes carry a source).
     * Best effort: without IPv6 the file is not there.
     */
    private static void withoutIpv6LinkLocal(String name) {
        try {
            java.nio.file.Files.writeString(java.nio.file.Path.of("/proc/sys/net/ipv6/conf", name, "addr_gen_mode"), "1");
        } catch (IOException | RuntimeException e) {
            // IPv6 is off here, or /proc/sys is read-only: nothing to suppress or nothing we can do
        }
    }

    /**
     * accept_local on the device: the "fragmentation needed" messages the data plane writes into it come from
     * one of this host's own addresses (Linux ignores a Packet Too Big whose source is its destination, so it
     * cannot be the sender's), and without accept_local IPv4 drops such packets as martians. Strict reverse-path
     * filtering (rp_filter 1) drops them all the same: warn about it. Best effort.
     */
    private static void acceptLocalSources(String name, Consumer<String> log) {
        java.nio.file.Path conf = java.nio.file.Path.of("/proc/sys/net/ipv4/conf");
        try {
            java.nio.file.Files.writeString(conf.resolve(name).resolve("accept_local"), "1");
            int strict = Math.max(readInt(conf.resolve("all/rp_filter")), readInt(conf.resolve(name).resolve("rp_filter")));
            if (strict == 1) {
                log.accept("rp_filter is strict (1) for " + name + ": the \"fragmentation needed\" messages ipsec4j "
                        + "writes into it will be dropped; set net.ipv4.conf.all.rp_filter to 0 or 2");
            }
        } catch (IOException | RuntimeException e) {
            log.accept("could not set accept_local on " + name + " (" + e.getMessage() + "): \"fragmentation needed\""
                    + " messages to senders behind the tunnel may be dropped as martians");
        }
    }

    private static int readInt(java.nio.file.Path file) throws IOException {
        return Integer.parseInt(java.nio.file.Files.readString(file).trim());
    }

    /**
     * The rules, one per family. A previous daemon's rule (left on exit to fail closed, or by a crash) is kept as
     * it is: deleting and adding it again would let packets past the tunnel's table for a moment.
     */
    private void addRules() throws IOException {
        for (StandardProtocolFamily family : List.of(StandardProtocolFamily.INET, StandardProtocolFamily.INET6)) {
            RoutingRule rule = RoutingRule.lookup(family, table).notFwmark(mark).priority(rulePriority);
            try {
                netlink.addRule(rule);
                rules.add(rule);
            } catch (ErrnoException e) {
                if (family == StandardProtocolFamily.INET6 && e.errno() == EAFNOSUPPORT) {
                    log.accept("IPv6 is off here; no IPv6 routing rule");
                    continue;
                }
                if (e.errno() == EEXIST) {
                    log.accept("kept the routing rule a previous daemon left: " + rule);
                    rules.add(rule);
                    inherited = true;
                    continue;
                }
                throw e;
            }
        }
    }

    /**
     * Takes over the prohibit routes the state file lists. Each is put in place again (replace: a no-op where it
     * still is): the file outlives a reboot, the routes do not, and a prefix counted as prohibited never gets its
     * prohibit route from {@link #setRoutes} — a daemon started after a reboot would otherwise run without one,
     * and its next crash would send the tunnel's traffic in the clear (seed 002's reboot).
     */
    private void readLeftovers() {
        if (stateFile == null || !java.nio.file.Files.isRegularFile(stateFile)) {
            return;
        }
        try {
            for (String line : java.nio.file.Files.readAllLines(stateFile)) {
                if (!line.isBlank()) {
                    IpPrefix prefix = IpPrefix.parse(line.strip());
                    try {
                        netlink.replaceRoute(prohibitRoute(prefix));
                    } catch (IOException e) {
                        log.accept("could not put back prohibit route " + prefix + ": " + e.getMessage());
                        continue;
                    }
                    leftovers.add(prefix);
                    prohibited.add(prefix);
                    inherited = true;
                }
            }
            if (!leftovers.isEmpty()) {
                log.accept("fail closed: " + leftovers.size() + " prohibit route" + (leftovers.size() == 1 ? "" : "s")
                        + " of the previous daemon in table " + table + " (put back if gone) stay until ours are in "
                        + "place");
            }
        } catch (IOException | RuntimeException e) {
            log.accept("could not read " + stateFile + ": " + e.getMessage());
        }
    }

    /**
     * Removes the prohibit routes a previous daemon left that this one does not want: call once the routes of
     * everything this daemon protects are in place.
     */
    public synchronized void releaseLeftovers() {
        Set<IpPrefix> wanted = new LinkedHashSet<>();
        routes.forEach(r -> wanted.add(r.destination()));
        boolean changed = false;
        for (IpPrefix prefix : List.copyOf(leftovers)) {
            if (!wanted.contains(prefix)) {
                deleteProhibitQuietly(prefix);
                prohibited.remove(prefix);
                log.accept("fail closed: released " + prefix + ", which nothing protects any more");
                changed = true;
            }
        }
        leftovers.clear();
        if (changed) {
            writeState();
        }
    }

    private void writeState() {
        if (stateFile == null) {
            return;
        }
        try {
            StringBuilder text = new StringBuilder();
            prohibited.forEach(p -> text.append(p).append('\n'));
            java.nio.file.Path tmp = stateFile.resolveSibling(stateFile.getFileName() + ".tmp");
            java.nio.file.Files.writeString(tmp, text);
            java.nio.file.Files.move(tmp, stateFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            log.accept("could not write " + stateFile + ": " + e.getMessage());
        }
    }

    public TunDevice tun() {
        return tun;
    }

    public String name() {
        return tun.name();
    }

    public int mtu() {
        return mtu;
    }

    public int table() {
        return table;
    }

    public int mark() {
        return mark;
    }

    public void setMtu(int newMtu) throws IOException {
        if (newMtu != mtu) {
            netlink.setMtu(tun.name(), newMtu);
            mtu = newMtu;
        }
    }

    /**
     * Makes the tunnel routes exactly {@code wanted}: adds the new ones (each with its fail-closed prohibit route
     * first), deletes the ones gone (and their prohibit routes, unless a previous daemon's leftover).
     */
    public synchronized void setRoutes(List<TunnelRoute> wanted) throws IOException {
        Set<TunnelRoute> target = new LinkedHashSet<>(wanted);
        Set<IpPrefix> prefixes = new LinkedHashSet<>();
        target.forEach(r -> prefixes.add(r.destination()));
        boolean changed = false;
        for (TunnelRoute route : List.copyOf(routes)) {
            if (!target.contains(route)) {
                deleteQuietly(route);
                routes.remove(route);
            }
        }
        for (IpPrefix prefix : List.copyOf(prohibited)) {
            if (!prefixes.contains(prefix) && !leftovers.contains(prefix)) {
                deleteProhibitQuietly(prefix);
                prohibited.remove(prefix);
                changed = true;
            }
        }
        for (TunnelRoute route : target) {
            if (!prohibited.contains(route.destination())) {
                netlink.replaceRoute(prohibitRoute(route.destination()));
                prohibited.add(route.destination());
                changed = true;
            }
            if (!routes.contains(route)) {
                netlink.replaceRoute(kernelRoute(route));
                routes.add(route);
                log.accept("route " + route + " dev " + tun.name() + " table " + table + " (prohibit when the "
                        + "daemon is gone)");
            }
        }
        if (changed) {
            writeState();
        }
    }

    /** Whether a previous daemon left the table fail closed: a daemon that fails to start then keeps it so. */
    public synchronized boolean inherited() {
        return inherited;
    }

    /** The prefixes that have a fail-closed prohibit route now. */
    public synchronized Set<IpPrefix> prohibited() {
        return Set.copyOf(prohibited);
    }

    private Route prohibitRoute(IpPrefix prefix) {
        return Route.to(prefix).type(Route.Type.PROHIBIT).table(table).metric(FAIL_CLOSED_METRIC);
    }

    private void deleteProhibitQuietly(IpPrefix prefix) {
        try {
            netlink.deleteRoute(prohibitRoute(prefix));
        } catch (IOException e) {
            log.accept("could not delete prohibit route " + prefix + ": " + e.getMessage());
        }
    }

    /**
     * Adds the device addresses of {@code wanted} it does not have yet (host prefixes): the virtual IPs IKE peers
     * assigned to us, which routes into the tunnel then use as their source (as strongSwan's kernel-libipsec puts
     * them on its TUN device). Call before {@link #setRoutes}, and {@link #retainAddresses} after it: a route
     * needs its source address, and the kernel drops routes whose source address goes.
     */
    public synchronized void addAddresses(Set<InetAddress> wanted) throws IOException {
        for (InetAddress address : wanted) {
            if (!addresses.contains(address)) {
                netlink.addAddress(tun.name(), hostPrefix(address));
                addresses.add(address);
                log.accept("address " + address.getHostAddress() + " on " + tun.name());
            }
        }
    }

    /** Removes the device addresses this daemon added that are not in {@code wanted}. */
    public synchronized void retainAddresses(Set<InetAddress> wanted) {
        for (InetAddress address : List.copyOf(addresses)) {
            if (!wanted.contains(address)) {
                try {
                    netlink.deleteAddress(tun.name(), hostPrefix(address));
                    log.accept("address " + address.getHostAddress() + " removed from " + tun.name());
                } catch (IOException e) {
                    log.accept("could not remove address " + address.getHostAddress() + " from " + tun.name() + ": "
                            + e.getMessage());
                }
                addresses.remove(address);
            }
        }
    }

    public synchronized Set<InetAddress> addresses() {
        return Set.copyOf(addresses);
    }

    private static IpPrefix hostPrefix(InetAddress address) {
        return new IpPrefix(address, address.getAddress().length * 8);
    }

    public synchronized Set<TunnelRoute> routes() {
        return Set.copyOf(routes);
    }

    private Route kernelRoute(TunnelRoute route) {
        Route kernel = Route.to(route.destination()).device(tun.name()).table(table);
        return route.preferredSource() == null ? kernel : kernel.preferredSource(route.preferredSource());
    }

    private void deleteQuietly(TunnelRoute route) {
        try {
            netlink.deleteRoute(Route.to(route.destination()).device(tun.name()).table(table));
        } catch (IOException e) {
            log.accept("could not delete route " + route + ": " + e.getMessage());
        }
    }

    /** Deletes everything: routes, prohibit routes, rules, the TUN device. Idempotent; never throws. */
    @Override
    public void close() {
        close(false);
    }

    /**
     * Deletes the tunnel routes and the TUN device; with {@code failClosed} the prohibit routes and the rules
     * stay, so that until a daemon runs again what the tunnel carried is refused rather than sent in the clear.
     * Idempotent; never throws.
     *
     * @return whether anything stays behind to keep it closed
     */
    public synchronized boolean close(boolean failClosed) {
        if (closed) {
            return false;
        }
        closed = true;
        for (TunnelRoute route : List.copyOf(routes)) {
            deleteQuietly(route);
        }
        routes.clear();
        boolean keep = failClosed && !prohibited.isEmpty();
        if (!keep) {
            for (IpPrefix prefix : List.copyOf(prohibited)) {
                deleteProhibitQuietly(prefix);
            }
            prohibited.clear();
            for (RoutingRule rule : List.copyOf(rules)) {
                try {
                    netlink.deleteRule(rule);
                } catch (IOException e) {
                    log.accept("could not delete routing rule " + rule + ": " + e.getMessage());
                }
            }
            rules.clear();
            if (stateFile != null) {
                try {
                    java.nio.file.Files.deleteIfExists(stateFile);
                } catch (IOException e) {
                    log.accept("could not delete " + stateFile + ": " + e.getMessage());
                }
            }
        } else {
            writeState();
        }
        netlink.close();
        tun.close();
        return keep;
    }
}
