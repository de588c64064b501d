package org.ipsec4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.ipsec4j.lab.BackgroundProcess;
import org.ipsec4j.lab.CommandResult;
import org.ipsec4j.lab.Firewall;
import org.ipsec4j.lab.Lab;
import org.ipsec4j.lab.Namespace;
import org.ipsec4j.lab.junit.UsesLab;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seed 003 (issue 5 §5): a bulk TCP transfer through a tunnel whose outer path is narrower than the gateways'
 * own links, behind routers that drop every "fragmentation needed" (ICMPv6 "packet too big") they would send or
 * forward — the path MTU black hole in which the seed's backups stalled:
 *
 * <pre>
 *   initiator --1500-- router --1300-- core --1500-- responder      (both routers drop the ICMP errors)
 * </pre>
 *
 * TCP between the gateways' inner addresses carries 100 MB each way (iperf3, then iperf3 -R) once IKE's probes
 * (PLPMTUD over the IKE SA) confirmed the path MTU: it feeds each Child SA's path MTU, which clamps the MSS of
 * the tunnelled SYNs, so no ESP packet is too big for the narrow link and no ICMP is needed. Between two ipsec4j
 * daemons and between ipsec4j and strongSwan's charon (which does not probe: the MSS that ipsec4j clamps in both
 * SYNs keeps charon's ESP packets small as well). The ipsec4j pair over IPv4 and over IPv6 outside. A connection
 * opened before the probes are done gets the MSS of RFC 8899's BASE_PLPMTU (1280) in its SYNs, so it fits the
 * narrow link as well, also where charon sends (nothing could make it send smaller later: it hears no ICMP).
 *
 * <p>Without the probes ({@code pmtu_discovery = no}; the outer DF bit copied from TCP's, the default) the same
 * transfer stalls outright: the first full-size segments vanish, the router's error about them is dropped, and
 * TCP retransmits the same size into the hole. There is no setting for MSS clamping (it is always on), but
 * without a path MTU below the link's it clamps to what the TUN MTU already allows, so it changes nothing there.
 * Widening the narrow link then lets the same daemons move data at once: the stall was the black hole.
 */
@UsesLab
@Timeout(value = 420, unit = TimeUnit.SECONDS)
class BlackHolePathLabTest {

    /** The MTU of the link between the two routers. */
    private static final int NARROW = 1300;
    /**
     * How long 100 MB may take. A transfer here runs in seconds (charon's single-threaded libipsec is the slow
     * one); a loaded 2-CPU machine may take several times as long, but a stall never ends.
     */
    private static final Duration DEADLINE = Duration.ofSeconds(150);
    /** How long the transfer without path MTU discovery is given, and what it may move meanwhile. */
    private static final int STALL_SECONDS = 8;
    private static final long STALL_BYTES = 64 * 1024;
    /** What charon sends on the connection opened while the first search runs. */
    private static final long EARLY_MEGABYTES = 50;

    @ParameterizedTest(name = "outer {0}")
    @ValueSource(strings = {"IPv4", "IPv6"})
    void ipsec4jPeersCarry100MegabytesEachWayThroughTheBlackHole(String outer, Lab lab) {
        RoutedIkeLab net = RoutedIkeLab.withNarrowMiddle(lab, NARROW);
        List<Firewall> firewalls = net.middle.dropTooBigErrors();
        boolean v6 = outer.equals("IPv6");
        RoutedIkeLab.Conf rightConf = RoutedIkeLab.Conf.right();
        RoutedIkeLab.Conf leftConf = RoutedIkeLab.Conf.left().set(c -> c.startAction = "start");
        if (v6) {
            rightConf.localAddrs = leftConf.remoteAddrs = RoutedIkeLab.RIGHT6;
            leftConf.localAddrs = rightConf.remoteAddrs = RoutedIkeLab.LEFT6;
        }
        try (DaemonProcess right = net.start(net.right, "right", rightConf, List.of());
                DaemonProcess left = net.start(net.left, "left", leftConf, List.of())) {
            Supplier<String> logs = () -> "\nleft:\n" + left.stderr() + "\nright:\n" + right.stderr();
            for (DaemonProcess daemon : List.of(left, right)) {
                assertPathMtuConfirmed(RoutedIkeLab.onlyEstablished(RoutedIkeLab.await(daemon,
                        Duration.ofSeconds(60), "a Child SA and a confirmed path MTU", BlackHolePathLabTest::probed)),
                        daemon);
            }
            long droppedBefore = NarrowMiddle.tooBigErrorsDropped(firewalls);
            assertTrue(droppedBefore > 0, "the routers had errors to drop about the larger probes");

            Transfer there = transfer(net.right, RoutedIkeLab.RIGHT_INNER, net.left, RoutedIkeLab.LEFT_INNER,
                    false, logs);
            Transfer back = transfer(net.right, RoutedIkeLab.RIGHT_INNER, net.left, RoutedIkeLab.LEFT_INNER,
                    true, logs);
            System.out.println("ipsec4j <-> ipsec4j over " + outer + ", path MTU " + NARROW + ", ICMP dropped: "
                    + there + "; " + back);

            assertEquals(droppedBefore, NarrowMiddle.tooBigErrorsDropped(firewalls),
                    "no ESP packet was too big for the narrow link");
            for (DaemonProcess daemon : List.of(left, right)) {
                Map<String, Object> counters = pathMtuCounters(daemon);
                assertTrue((Long) counters.getOrDefault("mss-clamped", 0L) >= 2, counters + logs.get());
            }
        }
    }

    @Test
    void ipsec4jAndStrongSwanCarry100MegabytesEachWayThroughTheBlackHole() {
        try (StrongSwanPeerLab peers = StrongSwanPeerLab.withNarrowMiddle(NARROW)) {
            List<Firewall> firewalls = peers.middle.dropTooBigErrors();
            peers.configure(StrongSwanPeerLab.Setup.psk("aes128gcm16-prfsha256-x25519", "aes128gcm16"));
            peers.javaUp();
            Map<String, Object>[] sa = new Map[1];
            peers.waitUntil(() -> {
                Map<String, Object> status = peers.status();
                if (!probed(status)) {
                    return false;
                }
                sa[0] = RoutedIkeLab.onlyEstablished(status);
                return true;
            }, Duration.ofSeconds(60), "a confirmed path MTU to charon");
            assertPathMtuConfirmed(sa[0], peers.daemon());
            long droppedBefore = NarrowMiddle.tooBigErrorsDropped(firewalls);
            assertTrue(droppedBefore > 0, "the routers had errors to drop about the larger probes");

            Supplier<String> logs = peers::diagnostics;
            Transfer there = transfer(peers.swan, StrongSwanPeerLab.SWAN_INNER, peers.java,
                    StrongSwanPeerLab.JAVA_INNER, false, logs);
            Transfer back = transfer(peers.swan, StrongSwanPeerLab.SWAN_INNER, peers.java,
                    StrongSwanPeerLab.JAVA_INNER, true, logs);
            System.out.println("ipsec4j <-> charon, path MTU " + NARROW + ", ICMP dropped: " + there + "; " + back);

            assertEquals(droppedBefore, NarrowMiddle.tooBigErrorsDropped(firewalls),
                    "no ESP packet was too big for the narrow link, neither ipsec4j's nor charon's");
            Map<String, Object> counters = pathMtuCounters(peers.daemon());
            assertTrue((Long) counters.getOrDefault("mss-clamped", 0L) >= 4, counters + logs.get());
        }
    }

    /**
     * A connection opened before the probes found the path MTU gets its MSS from RFC 8899's BASE_PLPMTU (1280),
     * not from the unsearched 1500-byte link: its segments fit the narrow link from the first, and the gateway
     * never needs to answer one with a "fragmentation needed" into its TUN device once the search ends (the rescue
     * {@link PathMtuLabTest} still shows). The responder sends here (iperf3 -R), and its first search ends seconds
     * after the Child SA is installed.
     */
    @Test
    void aTransferStartedBeforeTheProbesFinishFitsThePathFromTheStart(Lab lab) {
        RoutedIkeLab net = RoutedIkeLab.withNarrowMiddle(lab, NARROW);
        net.middle.dropTooBigErrors();
        try (DaemonProcess right = net.start(net.right, "right", RoutedIkeLab.Conf.right(), List.of());
                DaemonProcess left = net.start(net.left, "left", RoutedIkeLab.Conf.left()
                        .set(c -> c.startAction = "start"), List.of())) {
            Supplier<String> logs = () -> "\nleft:\n" + left.stderr() + "\nright:\n" + right.stderr();
            Map<String, Object> status = RoutedIkeLab.await(right, Duration.ofSeconds(30), "the tunnel comes up",
                    RoutedIkeLab::childInstalled);
            String state = (String) RoutedIkeLab.onlyEstablished(status).get("path_mtu_state");
            assertTrue(state.startsWith("searching"), () -> "the responder's probes were done before TCP started: "
                    + state + logs.get());
            assertSearchBase(RoutedIkeLab.onlyEstablished(status));
            Transfer back = transfer(net.right, RoutedIkeLab.RIGHT_INNER, net.left, RoutedIkeLab.LEFT_INNER,
                    true, logs);
            Map<String, Object> counters = pathMtuCounters(right);
            System.out.println("ipsec4j <-> ipsec4j, started before the probes finished: " + back + ", responder "
                    + counters);
            assertEquals(0L, counters.getOrDefault("too-big-sent", 0L), counters + logs.get());
            assertTrue((Long) counters.getOrDefault("mss-clamped", 0L) >= 1, counters + logs.get());
        }
    }

    /**
     * The same race with charon sending: charon does not probe and no ICMP reaches it, and TCP fixes the MSS at the
     * SYN, so nothing could rescue a connection whose SYNs crossed with the MSS of the unsearched 1500-byte path.
     * Until the first search confirms a value, the daemon clamps SYNs as if the path MTU were RFC 8899's
     * BASE_PLPMTU (1280): charon's ESP packets fit the narrow link from the first segment. The iperf3 server runs
     * on charon's side before the tunnel is up, and its client (-R: charon sends) starts once the Child SA is
     * installed, while the search still runs.
     */
    @Test
    void charonSendsOnAConnectionOpenedBeforeTheProbesFinish() {
        try (StrongSwanPeerLab peers = StrongSwanPeerLab.withNarrowMiddle(NARROW)) {
            peers.middle.dropTooBigErrors();
            peers.configure(StrongSwanPeerLab.Setup.psk("aes128gcm16-prfsha256-x25519", "aes128gcm16"));
            Supplier<String> logs = peers::diagnostics;
            Transfer back;
            try (BackgroundProcess _ = startServer(peers.swan, StrongSwanPeerLab.SWAN_INNER)) {
                // The server listens before the tunnel is up: the client starts as soon as the Child SA is.
                peers.javaUp();
                Map<String, Object> sa = RoutedIkeLab.onlyEstablished(peers.status());
                String state = (String) sa.get("path_mtu_state");
                assertTrue(state.startsWith("searching"), () -> "the probes were done before TCP started: " + state
                        + logs.get());
                assertSearchBase(sa);
                back = client(StrongSwanPeerLab.SWAN_INNER, peers.java, StrongSwanPeerLab.JAVA_INNER, DEADLINE, logs, "-n",
                        EARLY_MEGABYTES + "M", "-R");
            }
            assertMoved(back, EARLY_MEGABYTES, logs);
            Map<String, Object>[] done = new Map[1];
            peers.waitUntil(() -> {
                Map<String, Object> status = peers.status();
                done[0] = RoutedIkeLab.onlyEstablished(status);
                return probed(status);
            }, Duration.ofSeconds(60), "a confirmed path MTU to charon");
            assertPathMtuConfirmed(done[0], peers.daemon()); // and with it no search base: SYNs follow the path
            Map<String, Object> counters = pathMtuCounters(peers.daemon());
            System.out.println("ipsec4j <-> charon, charon sending on a connection opened before the probes "
                    + "finished: " + back + "; " + counters);
            assertTrue((Long) counters.getOrDefault("mss-clamped", 0L) >= 2, counters + logs.get());
        }
    }

    @Test
    void withoutPathMtuDiscoveryTheTransferStallsInTheBlackHole(Lab lab) {
        RoutedIkeLab net = RoutedIkeLab.withNarrowMiddle(lab, NARROW);
        List<Firewall> firewalls = net.middle.dropTooBigErrors();
        String noProbes = "pmtu_discovery = no";
        try (DaemonProcess right = net.start(net.right, "right", RoutedIkeLab.Conf.right()
                        .set(c -> c.connection.add(noProbes)), List.of());
                DaemonProcess left = net.start(net.left, "left", RoutedIkeLab.Conf.left()
                        .set(c -> c.startAction = "start").set(c -> c.connection.add(noProbes)), List.of())) {
            Supplier<String> logs = () -> "\nleft:\n" + left.stderr() + "\nright:\n" + right.stderr();
            Map<String, Object> sa = RoutedIkeLab.onlyEstablished(RoutedIkeLab.await(left, Duration.ofSeconds(30),
                    "the tunnel comes up", RoutedIkeLab::childInstalled));
            assertEquals("off (pmtu_discovery = no)", sa.get("path_mtu_state"), sa.toString());
            CommandResult ping = net.left.exec(Duration.ofSeconds(15), "ping", "-n", "-c", "2", "-i", "0.2", "-W",
                    "2", "-I", RoutedIkeLab.LEFT_INNER, RoutedIkeLab.RIGHT_INNER);
            assertTrue(ping.succeeded(), () -> "small packets pass:\n" + ping.stdout() + ping.stderr() + logs.get());

            long droppedBefore = NarrowMiddle.tooBigErrorsDropped(firewalls);
            Transfer stalled = run(net.right, RoutedIkeLab.RIGHT_INNER, net.left, RoutedIkeLab.LEFT_INNER,
                    Duration.ofSeconds(STALL_SECONDS + 30), logs, "-t", Integer.toString(STALL_SECONDS));
            long dropped = NarrowMiddle.tooBigErrorsDropped(firewalls) - droppedBefore;
            System.out.println("ipsec4j <-> ipsec4j without path MTU discovery, path MTU " + NARROW
                    + ", ICMP dropped: " + stalled + ", " + dropped + " errors dropped by the routers");
            assertTrue(stalled.bytes() < STALL_BYTES, () -> "TCP got through the black hole: " + stalled + logs.get());
            assertTrue(dropped > 0, "the router's errors about the full-size ESP packets were dropped");

            // The same daemons over a path as wide as their links: the stall was the narrow link's black hole.
            net.middle.link().setMtu(1500);
            Transfer wide = transfer(net.right, RoutedIkeLab.RIGHT_INNER, net.left, RoutedIkeLab.LEFT_INNER, false,
                    logs);
            System.out.println("the same with the middle link widened to 1500: " + wide);
        }
    }

    /** Whether the status has an installed Child SA under an IKE SA whose probes confirmed a path MTU. */
    private static boolean probed(Map<String, Object> status) {
        return RoutedIkeLab.childInstalled(status)
                && "confirmed".equals(RoutedIkeLab.onlyEstablished(status).get("path_mtu_state"));
    }

    /** The probes found the narrow link's MTU within their granularity, and the Child SA's path MTU took it. */
    private static void assertPathMtuConfirmed(Map<String, Object> ikeSa, DaemonProcess daemon) {
        long pmtu = (Long) ikeSa.get("path_mtu");
        assertTrue(pmtu <= NARROW && pmtu > NARROW - 8, () -> "probed " + pmtu + ", the path's is " + NARROW
                + "\n" + daemon.stderr());
        Map<String, Object> child = StrongSwanPeerLab.children(ikeSa).stream()
                .filter(c -> "INSTALLED".equals(c.get("state"))).findFirst().orElseThrow();
        Map<String, Object> path = MinimalJson.object(child.get("path_mtu"));
        assertEquals(1500L, path.get("link"), path.toString());
        assertEquals(pmtu, path.get("probed"), path.toString());
        assertEquals(pmtu, path.get("current"), path.toString());
        assertEquals(false, path.get("searching"), path.toString());
        assertEquals(0L, path.get("search_base"), path.toString());
    }

    /** While the first search runs, the Child SA's path MTU shows SYNs clamped to BASE_PLPMTU. */
    private static void assertSearchBase(Map<String, Object> ikeSa) {
        Map<String, Object> child = StrongSwanPeerLab.children(ikeSa).stream()
                .filter(c -> "INSTALLED".equals(c.get("state"))).findFirst().orElseThrow();
        Map<String, Object> path = MinimalJson.object(child.get("path_mtu"));
        assertEquals(true, path.get("searching"), path.toString());
        assertEquals(1280L, path.get("search_base"), path.toString());
        assertEquals(1500L, path.get("current"), "packets keep the link's limit: " + path);
    }

    private static Map<String, Object> pathMtuCounters(DaemonProcess daemon) {
        return MinimalJson.object(MinimalJson.object(daemon.statusJson().get("global")).get("path_mtu"));
    }

    /**
     * What iperf3 reported about one run (bytes sent, bytes the receiver counted before the end of the test, which
     * leaves out the last ones under way), and how long the whole command took.
     */
    private record Transfer(String direction, long sent, long bytes, double seconds, double bitsPerSecond,
            long wallMillis) {
        @Override
        public String toString() {
            return "%s %,d bytes sent, %,d received in %.2f s (%.0f Mbit/s; %d ms with setup)".formatted(direction,
                    sent, bytes, seconds, bitsPerSecond / 1e6, wallMillis);
        }
    }

    /** 100 MB over TCP between the inner addresses, from the client's side or ({@code reverse}) to it. */
    private static Transfer transfer(Namespace serverSide, String serverAddress, Namespace clientSide,
            String clientAddress, boolean reverse, Supplier<String> diagnostics) {
        List<String> options = reverse ? List.of("-n", "100M", "-R") : List.of("-n", "100M");
        Transfer t = run(serverSide, serverAddress, clientSide, clientAddress, DEADLINE, diagnostics,
                options.toArray(String[]::new));
        assertMoved(t, 100, diagnostics);
        return t;
    }

    /** iperf3 sent {@code megabytes} and the receiver counted most of them before the end of the test. */
    private static void assertMoved(Transfer t, long megabytes, Supplier<String> diagnostics) {
        assertTrue(t.sent() >= megabytes * 1024 * 1024 && t.bytes() > t.sent() * 9 / 10, () -> "moved " + t
                + diagnostics.get());
    }

    /**
     * iperf3 from {@code clientAddress} to a one-shot server at {@code serverAddress}, with {@code options}; fails
     * if it does not end within {@code deadline}.
     */
    private static Transfer run(Namespace serverSide, String serverAddress, Namespace clientSide,
            String clientAddress, Duration deadline, Supplier<String> diagnostics, String... options) {
        try (BackgroundProcess server = startServer(serverSide, serverAddress)) {
            return client(serverAddress, clientSide, clientAddress, deadline, diagnostics, options);
        }
    }

    /** A one-shot iperf3 server at {@code address}, listening once this returns. */
    private static BackgroundProcess startServer(Namespace side, String address) {
        BackgroundProcess server = side.start("iperf3", "-s", "-1", "--forceflush", "-B", address);
        try {
            server.awaitStdoutLine("Server listening", Duration.ofSeconds(10));
            return server;
        } catch (RuntimeException | AssertionError e) {
            server.stop();
            throw e;
        }
    }

    /** iperf3's client of the server at {@code serverAddress}; fails if it does not end within {@code deadline}. */
    private static Transfer client(String serverAddress, Namespace clientSide, String clientAddress,
            Duration deadline, Supplier<String> diagnostics, String... options) {
        List<String> command = new java.util.ArrayList<>(List.of("iperf3", "-c", serverAddress, "-B",
                clientAddress, "-J"));
        command.addAll(List.of(options));
        long start = System.nanoTime();
        CommandResult iperf = clientSide.exec(deadline, command.toArray(String[]::new));
        long wallMillis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(iperf.succeeded(), () -> String.join(" ", options) + " did not finish within "
                + deadline.toSeconds() + " s:\n" + iperf.stdout() + iperf.stderr() + diagnostics.get());
        Map<String, Object> report = MinimalJson.object(MinimalJson.parse(iperf.stdout()));
        // iperf3 gives up on a receiver idle for 2 minutes (a stall) with an error in its report, not its exit code.
        assertNull(report.get("error"), () -> String.join(" ", options) + ": " + report.get("error")
                + diagnostics.get());
        Map<String, Object> end = MinimalJson.object(report.get("end"));
        Map<String, Object> received = MinimalJson.object(end.get("sum_received"));
        long sent = ((Number) MinimalJson.object(end.get("sum_sent")).get("bytes")).longValue();
        String direction = List.of(options).contains("-R") ? "reverse" : "forward";
        return new Transfer(direction, sent, ((Number) received.get("bytes")).longValue(),
                ((Number) received.get("seconds")).doubleValue(),
                ((Number) received.get("bits_per_second")).doubleValue(), wallMillis);
    }
}
