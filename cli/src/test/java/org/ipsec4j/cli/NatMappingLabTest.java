package org.ipsec4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.ipsec4j.cli.StrongSwanPeerLab.Setup;
import org.ipsec4j.lab.BackgroundProcess;
import org.ipsec4j.lab.ChildSaStatus;
import org.ipsec4j.lab.CommandResult;
import org.ipsec4j.lab.ConntrackEntry;
import org.ipsec4j.lab.IkeSaStatus;
import org.ipsec4j.lab.Lab;
import org.ipsec4j.lab.LinkEnd;
import org.ipsec4j.lab.Namespace;
import org.ipsec4j.lab.PacketCapture;
import org.ipsec4j.lab.junit.UsesLab;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The initiator behind a masquerading router whose conntrack forgets an idle UDP flow after 30 s.
 *
 * <p>Idle: two minutes without a packet through the tunnel, and the first ping after them is answered, from the
 * side outside the NAT, whose packets need the old mapping: the NAT keepalives (RFC 3948 §2.3, one after 20 s
 * without ESP) held it. The router's conntrack shows the same flow and mapped port throughout and reports neither
 * its end nor a new one, and the capture outside holds keepalives and nothing else.
 *
 * <p>Rebinding: the router forgets its mappings ({@code conntrack -F}) and maps UDP to other ports from then on,
 * as a NAT that reboots or times a flow out does. The tunnel carries traffic again in the same IKE SA and Child
 * SA (same SPIs on both ends): the end outside the NAT follows the new mapping (RFC 7296 §2.23) — ipsec4j on the
 * first verified ESP packet from it, charon (kernel-libipsec, which reports no ESP mappings) on the next IKE
 * message from it, after which it rekeys the Child SA (kernel-libipsec cannot move one).
 */
@UsesLab
class NatMappingLabTest {

    private static final Duration UDP_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration IDLE = Duration.ofMinutes(2);
    private static final int NEW_FIRST_PORT = 20000;
    private static final int NEW_LAST_PORT = 20999;
    /** A keepalive: UDP with the one byte 0xFF (UDP length 9). */
    private static final String KEEPALIVE = "udp[4:2] = 9 and udp[8] = 0xff";

    @TempDir
    Path tmp;

    // ---- two minutes idle ----

    /**
     * ipsec4j to ipsec4j and ipsec4j to charon, each with the ipsec4j daemon behind the NAT, idle through the same
     * two minutes (one wait for both). Path MTU probes are off: IKE would otherwise hold the mappings open too.
     */
    @Test
    @Timeout(value = 330, unit = TimeUnit.SECONDS)
    void twoMinutesIdleBehindANatThatForgetsIn30sAndTheFirstPingIsAnswered(Lab lab) throws InterruptedException {
        RoutedIkeLab net = nattedRoutedLab(lab);
        RoutedIkeLab.Conf leftConf = RoutedIkeLab.Conf.left().set(c -> {
            c.startAction = "start";
            c.connection.add("pmtu_discovery = no");
        });
        RoutedIkeLab.Conf rightConf = RoutedIkeLab.Conf.right().set(c -> {
            c.remoteAddrs = "%any";
            c.connection.add("pmtu_discovery = no");
        });
        DaemonProcess right = net.start(net.right, "right", rightConf, List.of());
        DaemonProcess left = net.start(net.left, "left", leftConf, List.of());
        RoutedIkeLab.await(left, Duration.ofSeconds(30), "the tunnel comes up", RoutedIkeLab::childInstalled);
        RoutedIkeLab.await(right, Duration.ofSeconds(10), "the tunnel comes up", RoutedIkeLab::childInstalled);

        try (StrongSwanPeerLab peers = StrongSwanPeerLab.create("")) {
            peers.javaConnectionSettings.add("pmtu_discovery = no");
            peers.upThroughNat(true, Setup.psk("aes128gcm16-prfsha256-ecp256", "aes128gcm16"));
            peers.router.setUdpConntrackTimeout(UDP_TIMEOUT); // from the next packet of each flow on

            assertPings(net.left, RoutedIkeLab.LEFT_INNER, RoutedIkeLab.RIGHT_INNER, 3, left);
            assertPings(net.right, RoutedIkeLab.RIGHT_INNER, RoutedIkeLab.LEFT_INNER, 3, right);
            assertPingsBothWays(peers);
            long idleSince = System.nanoTime();
            IdleWatch routed = new IdleWatch("ipsec4j-ipsec4j", net.router, RoutedIkeLab.LEFT, net.rightLink.a(),
                    tmp.resolve("routed-outside.pcap"));
            IdleWatch interop = new IdleWatch("ipsec4j-charon", peers.router, StrongSwanPeerLab.JAVA_OUTER,
                    peers.swanLink.a(), tmp.resolve("interop-outside.pcap"));
            while (System.nanoTime() - idleSince < IDLE.toNanos()) {
                Thread.sleep(5000);
                routed.sample();
                interop.sample();
            }
            routed.stop();
            interop.stop();

            // The side outside speaks first: its packets reach the inside only through the mapping held open.
            long t0 = System.nanoTime();
            CommandResult first = net.right.exec("ping", "-n", "-c", "1", "-W", "2", "-I", RoutedIkeLab.RIGHT_INNER,
                    RoutedIkeLab.LEFT_INNER);
            long routedFirstMillis = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(first.succeeded(), () -> "the first ping after two minutes, right -> left:\n" + first.stdout()
                    + "\nright:\n" + right.stderr());
            t0 = System.nanoTime();
            CommandResult firstInterop = peers.swan.exec("ping", "-n", "-c", "1", "-W", "2", "-I",
                    StrongSwanPeerLab.SWAN_INNER, StrongSwanPeerLab.JAVA_INNER);
            long interopFirstMillis = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(firstInterop.succeeded(), () -> "the first ping after two minutes, charon -> daemon:\n"
                    + firstInterop.stdout() + "\n" + peers.diagnostics());
            assertPings(net.left, RoutedIkeLab.LEFT_INNER, RoutedIkeLab.RIGHT_INNER, 3, left);
            assertPingsBothWays(peers);
            routed.assertHeldByKeepalivesAlone();
            interop.assertHeldByKeepalivesAlone();
            peers.assertAgree();
            System.out.printf("NAT idle %d s: %s; %s; first pings answered in %d ms (ipsec4j) and %d ms (charon)%n",
                    (System.nanoTime() - idleSince) / 1_000_000_000L, routed, interop, routedFirstMillis,
                    interopFirstMillis);
        }
    }

    /**
     * The router's view of one NAT mapping through an idle period: its conntrack entry sampled, its conntrack
     * events, and a capture on its outside interface.
     */
    private static final class IdleWatch {
        final String name;
        final Namespace router;
        final String inside;
        final ConntrackEntry before;
        final BackgroundProcess events;
        final PacketCapture capture;
        int fewestSecondsLeft = Integer.MAX_VALUE;
        int samples;
        int keepalives;

        IdleWatch(String name, Namespace router, String inside, LinkEnd outside, Path file) {
            this.name = name;
            this.router = router;
            this.inside = inside;
            this.before = mapping(router, inside);
            // Line-buffered, so that what it saw is there when it is stopped.
            this.events = router.start("stdbuf", "-oL", "conntrack", "-E", "-p", "udp");
            this.capture = router.capture(outside.interfaceName(), file, "udp port 4500");
        }

        void sample() {
            ConntrackEntry now = mapping(router, inside);
            assertEquals(before.mappedPort(), now.mappedPort(), name + ": the mapping stays: " + before + " / " + now);
            assertTrue(now.secondsLeft() <= UDP_TIMEOUT.toSeconds(), name + ": the 30 s timeout applies: " + now);
            fewestSecondsLeft = Math.min(fewestSecondsLeft, now.secondsLeft());
            samples++;
        }

        void stop() {
            capture.stop();
            events.stop();
        }

        void assertHeldByKeepalivesAlone() {
            List<String> ended = events.stdoutLines().stream()
                    .filter(l -> l.contains("[DESTROY]") || l.contains("[NEW]")).toList();
            assertTrue(ended.isEmpty(), name + ": conntrack neither ended nor began a flow while idle: " + ended);
            String from = before.mappedAddress() + "." + before.mappedPort() + " > ";
            List<String> all = router.run("tcpdump", "-n", "-r", capture.file().toString()).stdout().lines().toList();
            List<String> kept = router.run("tcpdump", "-n", "-r", capture.file().toString(), KEEPALIVE).stdout()
                    .lines().toList();
            keepalives = kept.size();
            assertEquals(all, kept, name + ": nothing but keepalives crossed while idle");
            assertTrue(kept.stream().allMatch(l -> l.contains(from)), name + ": through the mapping " + from + kept);
            // One after every 20 s without ESP: six in two minutes; five at least, should the last be about due.
            assertTrue(keepalives >= 5, name + ": keepalives in two minutes: " + kept);
        }

        @Override
        public String toString() {
            return name + " mapping " + before.mappedAddress() + ":" + before.mappedPort() + " kept by " + keepalives
                    + " keepalives, " + samples + " samples, at least " + fewestSecondsLeft + " s left of "
                    + UDP_TIMEOUT.toSeconds();
        }
    }

    // ---- a new mapping ----

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void anIpsec4jResponderFollowsTheNewMappingOfItsIpsec4jPeer(Lab lab) {
        RoutedIkeLab net = nattedRoutedLab(lab);
        RoutedIkeLab.Conf leftConf = RoutedIkeLab.Conf.left().set(c -> c.startAction = "start");
        RoutedIkeLab.Conf rightConf = RoutedIkeLab.Conf.right().set(c -> c.remoteAddrs = "%any");
        DaemonProcess right = net.start(net.right, "right", rightConf, List.of());
        DaemonProcess left = net.start(net.left, "left", leftConf, List.of());
        RoutedIkeLab.await(left, Duration.ofSeconds(30), "the tunnel comes up", RoutedIkeLab::childInstalled);
        RoutedIkeLab.await(right, Duration.ofSeconds(10), "the tunnel comes up", RoutedIkeLab::childInstalled);
        assertPings(net.left, RoutedIkeLab.LEFT_INNER, RoutedIkeLab.RIGHT_INNER, 3, left);
        assertPings(net.right, RoutedIkeLab.RIGHT_INNER, RoutedIkeLab.LEFT_INNER, 3, right);
        Map<String, Object> rightBefore = RoutedIkeLab.onlyEstablished(right.statusJson());
        Map<String, Object> leftBefore = RoutedIkeLab.onlyEstablished(left.statusJson());
        assertEquals((long) mapping(net.router, RoutedIkeLab.LEFT).mappedPort(), rightBefore.get("remote_port"));

        Rebinding r = rebindAndPing(net.router, net.rightLink.a(), RoutedIkeLab.LEFT, net.left, RoutedIkeLab.LEFT_INNER,
                RoutedIkeLab.RIGHT_INNER, Duration.ofSeconds(60), () -> left.stderr() + right.stderr());
        // From outside at once: right sends to the new mapping now.
        assertPings(net.right, RoutedIkeLab.RIGHT_INNER, RoutedIkeLab.LEFT_INNER, 3, right);
        assertPings(net.left, RoutedIkeLab.LEFT_INNER, RoutedIkeLab.RIGHT_INNER, 3, left);

        ConntrackEntry fresh = r.fresh();
        Map<String, Object> rightAfter = RoutedIkeLab.onlyEstablished(right.statusJson());
        Map<String, Object> leftAfter = RoutedIkeLab.onlyEstablished(left.statusJson());
        assertEquals((long) fresh.mappedPort(), rightAfter.get("remote_port"), "right follows: " + rightAfter);
        assertSameSas(rightBefore, rightAfter);
        assertSameSas(leftBefore, leftAfter);
        assertTrue(right.stderr().contains(" -> " + fresh.mappedAddress() + ":" + fresh.mappedPort() + " (ESP)"),
                () -> "right followed verified ESP, not an IKE message:\n" + right.stderr());
        assertFalse(left.stderr().contains("PEER_ADDRESS_CHANGED"), "the side behind the NAT stays put");
        System.out.println(r.describe("ipsec4j -> ipsec4j", "same IKE SA and Child SA"));
    }

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void theDaemonFollowsTheNewMappingOfCharonBehindTheNat() {
        try (StrongSwanPeerLab peers = StrongSwanPeerLab.create("")) {
            CharonRebinding c = rebindWithCharon(peers, false, Duration.ofSeconds(60));
            assertSameSas(c.before(), c.after());
            Map<String, Object> ours = peers.javaIkeSas().getFirst();
            assertEquals((long) c.rebinding().fresh().mappedPort(), ours.get("remote_port"), "the daemon follows: "
                    + ours);
            assertTrue(peers.daemonLog().contains(" (ESP)"), () -> "on verified ESP:\n" + peers.daemonLog());
            System.out.println(c.rebinding().describe("charon -> ipsec4j", "same IKE SA and Child SA"));
        }
    }

    /**
     * charon with kernel-libipsec learns of no ESP mapping change (Linux's XFRM would report one): it follows
     * the daemon's next IKE message, which the daemon's ESP path check sends once its ESP has gone unanswered
     * for 20 s (or DPD, where configured).
     */
    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void charonFollowsTheNewMappingOfTheDaemonBehindTheNatOnItsNextIkeMessage() {
        try (StrongSwanPeerLab peers = StrongSwanPeerLab.create("")) {
            CharonRebinding c = rebindWithCharon(peers, true, Duration.ofSeconds(90));
            IkeSaStatus before = c.before();
            IkeSaStatus after = c.after();
            assertEquals(c.rebinding().fresh().mappedPort(), after.remotePort(), "charon follows: " + after);
            assertEquals(before.initiatorSpi(), after.initiatorSpi(), "the same IKE SA");
            assertEquals(before.responderSpi(), after.responderSpi(), "the same IKE SA");
            // kernel-libipsec cannot move an SA (its update_sa is NOT_SUPPORTED): charon rekeys the Child SA in
            // the same IKE SA instead, which then runs between the new addresses.
            ChildSaStatus oldChild = before.children().stream().filter(ChildSaStatus::isInstalled).findFirst()
                    .orElseThrow();
            assertFalse(installed(before).equals(installed(after)), "charon rekeyed the Child SA: " + after);
            String rekeyed = "peer rekeyed net {" + Integer.toHexString(oldChild.spiOut()) + "_i "
                    + Integer.toHexString(oldChild.spiIn()) + "_o}";
            assertTrue(peers.daemonLog().contains(rekeyed), () -> rekeyed + "\n" + peers.daemonLog());
            System.out.println(c.rebinding().describe("ipsec4j -> charon", "same IKE SA, Child SA rekeyed by charon"));
            // What the daemon made of it (its ESP path check may have found the old Child SA still silent).
            peers.daemonLog().lines().filter(l -> l.contains("ike: ESP_PATH") || l.contains("ike: CHILD_SA_REKEYED"))
                    .forEach(System.out::println);
        }
    }

    // ---- helpers ----

    /** RoutedIkeLab with left behind the router's masquerade and a 30 s UDP conntrack timeout on the router. */
    private static RoutedIkeLab nattedRoutedLab(Lab lab) {
        RoutedIkeLab net = new RoutedIkeLab(lab);
        net.router.masquerade(net.rightLink.a());
        net.router.setUdpConntrackTimeout(UDP_TIMEOUT);
        return net;
    }

    /** The router's mapping of the NAT-traversal flow from {@code inside}. */
    private static ConntrackEntry mapping(Namespace router, String inside) {
        List<ConntrackEntry> flows = router.udpConntrack().stream()
                .filter(e -> e.source().equals(inside) && e.destinationPort() == 4500).toList();
        assertEquals(1, flows.size(), () -> "one NAT-traversal flow from " + inside + ": " + router.udpConntrack());
        return flows.getFirst();
    }

    /** A NAT's new mapping of the flow from behind it, and how long until pings from there were answered again. */
    private record Rebinding(ConntrackEntry old, ConntrackEntry fresh, Duration recovery) {

        String describe(String peers, String sas) {
            return "NAT rebinding " + old.mappedPort() + " -> " + fresh.mappedPort() + ", " + peers
                    + ": pings from behind the NAT answered again " + recovery.toMillis() + " ms after the change; "
                    + sas;
        }
    }

    /**
     * The NAT forgets its mappings and gives new ones other ports ({@code --to-ports}), as after a reboot or a
     * timeout on a NAT that does not keep the inside port; then pings from behind it until one is answered.
     *
     * @param insideOuter the outer address of the peer behind the NAT (its flow's source in conntrack)
     */
    private static Rebinding rebindAndPing(Namespace router, LinkEnd outside, String insideOuter, Namespace inside,
            String from, String to, Duration limit, Supplier<String> diagnostics) {
        ConntrackEntry old = mapping(router, insideOuter);
        router.masqueradeUdp(outside, NEW_FIRST_PORT, NEW_LAST_PORT);
        router.flushConntrack();
        Duration recovery = firstAnswer(inside, from, to, System.currentTimeMillis(), limit, diagnostics);
        ConntrackEntry fresh = mapping(router, insideOuter);
        assertTrue(fresh.mappedPort() >= NEW_FIRST_PORT && fresh.mappedPort() <= NEW_LAST_PORT, fresh.toString());
        return new Rebinding(old, fresh, recovery);
    }

    /** charon's view before and after a rebinding, and the rebinding. */
    private record CharonRebinding(IkeSaStatus before, IkeSaStatus after, Rebinding rebinding) {}

    /**
     * The tunnel up through the NAT from the side behind it, pings both ways, the NAT rebinds, pings from behind it
     * until one is answered, and pings both ways again (the daemon's first).
     */
    private static CharonRebinding rebindWithCharon(StrongSwanPeerLab peers, boolean daemonBehindNat, Duration limit) {
        IkeSaStatus before = peers.upThroughNat(daemonBehindNat, Setup.psk("aes128gcm16-prfsha256-ecp256",
                "aes128gcm16"));
        assertPingsBothWays(peers);
        Rebinding r = daemonBehindNat
                ? rebindAndPing(peers.router, peers.swanLink.a(), StrongSwanPeerLab.JAVA_OUTER, peers.java,
                        StrongSwanPeerLab.JAVA_INNER, StrongSwanPeerLab.SWAN_INNER, limit, peers::diagnostics)
                : rebindAndPing(peers.router, peers.javaLink.b(), StrongSwanPeerLab.SWAN_OUTER, peers.swan,
                        StrongSwanPeerLab.SWAN_INNER, StrongSwanPeerLab.JAVA_INNER, limit, peers::diagnostics);
        assertPingsBothWays(peers);
        return new CharonRebinding(before, peers.assertAgree(), r);
    }

    /** Pings every 100 ms until one is answered; how long after {@code sinceMillis} (epoch) that answer came. */
    private static Duration firstAnswer(Namespace ns, String from, String to, long sinceMillis, Duration limit,
            Supplier<String> diagnostics) {
        BackgroundProcess ping = ns.start("ping", "-D", "-n", "-i", "0.1", "-W", "1", "-w",
                Long.toString(limit.toSeconds()), "-I", from, to);
        Pattern answer = Pattern.compile("^\\[(\\d+\\.\\d+)\\] \\d+ bytes from ");
        try {
            long deadline = System.nanoTime() + limit.toNanos();
            while (System.nanoTime() < deadline) {
                for (String line : ping.stdoutLines()) {
                    Matcher m = answer.matcher(line);
                    if (m.find()) {
                        long at = Math.round(Double.parseDouble(m.group(1)) * 1000);
                        return Duration.ofMillis(at - sinceMillis);
                    }
                }
                RoutedIkeLab.sleep(50);
            }
        } finally {
            ping.stop();
        }
        return fail("no ping from " + ns.name() + " answered within " + limit.toSeconds() + " s of the new mapping:\n"
                + String.join("\n", ping.stdoutLines()) + "\n" + diagnostics.get());
    }

    private static void assertPings(Namespace ns, String from, String to, int count, DaemonProcess daemon) {
        assertPings(ns, from, to, count, daemon::stderr);
    }

    /**
     * {@code count} pings half a second apart, all answered. Not closer: ping waits for the last answer only about
     * as long as its interval, and charon on a loaded machine has been seen to take 150 ms for one.
     */
    private static void assertPings(Namespace ns, String from, String to, int count,
            Supplier<String> diagnostics) {
        CommandResult ping = ns.exec("ping", "-n", "-c", Integer.toString(count), "-i", "0.5", "-W", "2", "-I", from,
                to);
        assertTrue(ping.succeeded() && ping.stdout().contains(" " + count + " received"),
                () -> "ping " + from + " -> " + to + ":\n" + ping.stdout() + ping.stderr() + "\n" + diagnostics.get());
    }

    /** Three pings from the daemon's side, then three from charon's. */
    private static void assertPingsBothWays(StrongSwanPeerLab peers) {
        assertPings(peers.java, StrongSwanPeerLab.JAVA_INNER, StrongSwanPeerLab.SWAN_INNER, 3, peers::diagnostics);
        assertPings(peers.swan, StrongSwanPeerLab.SWAN_INNER, StrongSwanPeerLab.JAVA_INNER, 3, peers::diagnostics);
    }

    /** The same IKE SA and the same Child SA (neither rekeyed nor made anew), from the daemon's status. */
    private static void assertSameSas(Map<String, Object> before, Map<String, Object> after) {
        assertEquals(before.get("initiator_spi"), after.get("initiator_spi"));
        assertEquals(before.get("responder_spi"), after.get("responder_spi"));
        List<List<Object>> childrenBefore = StrongSwanPeerLab.children(before).stream()
                .map(c -> List.of(c.get("spi_in"), c.get("spi_out"))).toList();
        List<List<Object>> childrenAfter = StrongSwanPeerLab.children(after).stream()
                .map(c -> List.of(c.get("spi_in"), c.get("spi_out"))).toList();
        assertEquals(childrenBefore, childrenAfter, "the same Child SA");
    }

    /** The same, from charon's view. */
    private static void assertSameSas(IkeSaStatus before, IkeSaStatus after) {
        assertEquals(before.initiatorSpi(), after.initiatorSpi());
        assertEquals(before.responderSpi(), after.responderSpi());
        assertEquals(installed(before), installed(after), "the same Child SA");
    }

    private static List<List<Integer>> installed(IkeSaStatus sa) {
        return sa.children().stream().filter(ChildSaStatus::isInstalled).map(c -> List.of(c.spiIn(), c.spiOut()))
                .toList();
    }
}
