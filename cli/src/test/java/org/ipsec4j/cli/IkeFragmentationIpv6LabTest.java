package org.ipsec4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.ipsec4j.diag.analyze.FragmentTrain;
import org.ipsec4j.diag.analyze.IkeExchange;
import org.ipsec4j.diag.analyze.IkeMessageSighting;
import org.ipsec4j.diag.analyze.IkeSaRecord;
import org.ipsec4j.diag.analyze.NetAddress;
import org.ipsec4j.lab.CommandResult;
import org.ipsec4j.lab.Firewall;
import org.ipsec4j.lab.FirewallRule;
import org.ipsec4j.lab.IpVersion;
import org.ipsec4j.lab.Lab;
import org.ipsec4j.lab.Namespace;
import org.ipsec4j.lab.PacketCapture;
import org.ipsec4j.lab.junit.UsesLab;
import org.ipsec4j.lab.pki.IssuedCertificate;
import org.ipsec4j.lab.pki.KeyType;
import org.ipsec4j.lab.pki.TestPki;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Seed 000 between two ipsec4j daemons (issue 5 §5): IPv6 outer addresses over links of MTU 1280, RSA 3072
 * certificates that make IKE_AUTH about 1700 bytes each way, and a router whose ip6tables FORWARD chain holds the
 * seed's rules: UDP 500 and 4500 accepted by port, without conntrack, everything else rejected.
 *
 * <p>Netfilter filters each IPv6 fragment on its own unless conntrack asks for reassembly: the first fragment
 * carries the UDP header and matches {@code --dport 4500}, the others carry none and fall through to REJECT.
 * <ul>
 *   <li>IKE fragmentation (RFC 7383) on, ipsec4j's default: both daemons split IKE_AUTH into SKF messages that
 *       each fit a 1280-byte packet; not one IP fragment crosses, the REJECT rule never matches, the tunnel comes
 *       up and carries pings both ways.</li>
 *   <li>{@code fragmentation = no} on both: the IKE_AUTH request leaves as IP fragments, the router passes the
 *       first and rejects the rest, the responder never sees a whole IKE_AUTH and the initiator retransmits until
 *       {@code ipsec4j up} fails, as the seed tells.</li>
 * </ul>
 * The seed's rules admit no IP protocol 50, so both daemons run {@code encap = yes}: ESP in UDP 4500 (as
 * charon's kernel-libipsec always does), IKE_AUTH on port 4500 as in the seed's tcpdump.
 */
@UsesLab
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class IkeFragmentationIpv6LabTest {

    /** The MTU of both links: IPv6's minimum, what the seed's 0|1232 fragments show. */
    static final int MTU = 1280;
    /** IKE_AUTH (RFC 7296 §3.1). */
    static final int IKE_AUTH = 35;

    private static IssuedCertificate ca;
    private static IssuedCertificate leftCertificate;
    private static IssuedCertificate rightCertificate;

    @BeforeAll
    static void certificates() {
        TestPki pki = new TestPki();
        ca = pki.rootCa("C=CH, O=ipsec4j lab, CN=seed 000 CA", KeyType.RSA_3072);
        leftCertificate = pki.endEntity("C=CH, O=ipsec4j lab, CN=left.lab.ipsec4j.test", KeyType.RSA_3072,
                "left.lab.ipsec4j.test", ca);
        rightCertificate = pki.endEntity("C=CH, O=ipsec4j lab, CN=right.lab.ipsec4j.test", KeyType.RSA_3072,
                "right.lab.ipsec4j.test", ca);
    }

    /** The seed's rules, on the router's FORWARD chain: UDP 500 and 4500 by port, no conntrack, REJECT the rest. */
    static Firewall seed000Rules(Namespace router) {
        Firewall forward = router.firewall(IpVersion.V6);
        forward.append("FORWARD", "-m", "udp", "-p", "udp", "--dport", "500", "-j", "ACCEPT");
        forward.append("FORWARD", "-m", "udp", "-p", "udp", "--dport", "4500", "-j", "ACCEPT");
        forward.append("FORWARD", "-j", "REJECT", "--reject-with", "icmp6-port-unreachable");
        return forward;
    }

    /**
     * The lab with both links at 1280, the seed's rules, the certificates, captures on both router sides, and
     * both daemons started (neither initiates).
     */
    private record Path6(RoutedIkeLab net, Firewall forward, PacketCapture leftSide, PacketCapture rightSide,
            DaemonProcess left, DaemonProcess right) {

        static Path6 build(Lab lab, boolean fragmentation) {
            RoutedIkeLab net = new RoutedIkeLab(lab, MTU);
            net.leftLink.setMtu(MTU);
            Firewall forward = seed000Rules(net.router);
            net.installCa("ca", ca);
            net.installCertificate("left", leftCertificate);
            net.installCertificate("right", rightCertificate);
            PacketCapture leftSide = net.leftLink.b().capture(net.directory.resolve("left-side.pcap"), "ip6");
            PacketCapture rightSide = net.rightLink.a().capture(net.directory.resolve("right-side.pcap"), "ip6");
            DaemonProcess right = start(net, false, fragmentation);
            return new Path6(net, forward, leftSide, rightSide, start(net, true, fragmentation), right);
        }

        private static DaemonProcess start(RoutedIkeLab net, boolean left, boolean fragmentation) {
            RoutedIkeLab.Conf conf = (left ? RoutedIkeLab.Conf.left() : RoutedIkeLab.Conf.right()).set(c -> {
                c.localAddrs = left ? RoutedIkeLab.LEFT6 : RoutedIkeLab.RIGHT6;
                c.remoteAddrs = left ? RoutedIkeLab.RIGHT6 : RoutedIkeLab.LEFT6;
                c.certificate = left ? "left.pem" : "right.pem";
                c.encap = "yes";
                if (!fragmentation) {
                    c.connection.add("fragmentation = no");
                }
            });
            return net.start(left ? net.left : net.right, left ? "left" : "right", conf,
                    List.of(RoutedIkeLab.QUICK_RETRANSMITS));
        }

        FirewallRule rule(String fragment) {
            return forward.rule("FORWARD", fragment);
        }
    }

    @Test
    void ikeFragmentsCrossTheStatelessRulesAndTheTunnelCarriesPings(Lab lab) {
        Path6 path = Path6.build(lab, true);
        DaemonProcess left = path.left();
        DaemonProcess right = path.right();

        DaemonLifecycleLabTest.Result up = up(left);
        assertEquals(0, up.exitCode(), () -> up + "\nleft:\n" + left.stderr() + "\nright:\n" + right.stderr());
        assertTrue(up.out().endsWith("lab/net is up\n"), up.out());
        pingBothWays(path.net(), left, right);
        Map<String, Object> sa = RoutedIkeLab.onlyEstablished(left.statusJson());
        assertEquals(true, sa.get("fragmentation"), sa.toString());
        assertEquals(true, sa.get("udp_encapsulation"), sa.toString());
        path.leftSide().stop();
        path.rightSide().stop();

        String rules = path.forward().rules("FORWARD").toString();
        assertEquals(0, path.rule("-j REJECT").packets(), "nothing was rejected: " + rules);
        assertTrue(path.rule("--dport 500").packets() >= 2, "IKE_SA_INIT on port 500: " + rules);
        assertTrue(path.rule("--dport 4500").packets() >= 6, "IKE_AUTH fragments and ESP in UDP: " + rules);

        AnalyzeLab.Analysis a = AnalyzeLab.analyze(path.leftSide().file());
        assertEquals(0, a.report().fragmentPackets(), "not one IP fragment: " + a.explain());
        IkeExchange auth = ikeAuth(a);
        assertTrue(auth.answered(), a::explain);
        long request = reassembledLengthAtLeast(auth.requests(), a);
        long response = reassembledLengthAtLeast(auth.responses(), a);
        System.out.println("IKE_AUTH in IKE fragments: request at least " + request + " bytes in "
                + auth.requests().size() + " SKF messages, response at least " + response + " bytes in "
                + auth.responses().size() + "; FORWARD " + rules);
        assertTrue(request > MTU && response > MTU, "IKE_AUTH does not fit one packet unfragmented: " + a.explain());
        assertEquals(0, left.stop(), left.stderr());
        assertEquals(0, right.stop(), right.stderr());
    }

    @Test
    void withoutIkeFragmentationTheRejectRuleEatsTheNonInitialFragmentsAndUpFails(Lab lab) {
        Path6 path = Path6.build(lab, false);
        DaemonProcess left = path.left();
        DaemonProcess right = path.right();

        DaemonLifecycleLabTest.Result up = up(left);
        assertNotEquals(0, up.exitCode(), () -> up + "\nleft:\n" + left.stderr());
        assertTrue(up.err().startsWith("ipsec4j up: lab: ") && up.err().contains("no answer to IKE_AUTH"),
                up.toString());
        assertTrue(MinimalJson.array(right.statusJson().get("ike_sas")).stream().map(MinimalJson::object)
                .noneMatch(s -> "ESTABLISHED".equals(s.get("state"))), "the responder never got IKE_AUTH");
        RoutedIkeLab.sleep(500);
        path.leftSide().stop();
        path.rightSide().stop();

        // Before the router: IKE_AUTH left as IP fragments, again and again, and nothing answered it.
        AnalyzeLab.Analysis before = AnalyzeLab.analyze(path.leftSide().file());
        IkeExchange auth = ikeAuth(before);
        assertFalse(auth.answered(), before::explain);
        assertTrue(auth.requestTransmissions() >= 2, "retransmitted: " + before.explain());
        long unfragmented = 0;
        for (IkeMessageSighting s : auth.requests()) {
            assertTrue(s.ipFragmented(), before::explain);
            assertEquals(0, s.datagram().fragmentTotal(), "no SKF: " + before.explain());
            assertTrue(s.nonEspMarker() && s.destination().port() == 4500, before::explain);
            unfragmented = s.datagram().declaredLength();
        }
        assertTrue(unfragmented > MTU, "the unfragmented IKE_AUTH: " + unfragmented + " bytes");
        assertTrue(before.ids().contains("ike-ip-fragments-dropped"), before::explain);
        NetAddress left6 = NetAddress.parse(RoutedIkeLab.LEFT6);
        long firstFragments = fragments(before, left6, true);
        long laterFragments = fragments(before, left6, false);

        // The router: the first fragments matched --dport 4500, every later one hit REJECT.
        String rules = path.forward().rules("FORWARD").toString();
        assertTrue(laterFragments >= auth.requestTransmissions(), before::explain);
        assertEquals(laterFragments, path.rule("-j REJECT").packets(), rules);
        assertTrue(path.rule("--dport 4500").packets() >= firstFragments, rules);
        // The seed's 2013 kernel answered the rejected fragment with a port unreachable; today's sends no ICMPv6
        // error about a non-initial fragment, so the initiator learns nothing and just retransmits.
        assertEquals(0, before.report().icmpErrorCount(), before::explain);

        // After the router: only the first fragments, so the responder's kernel never had a whole datagram.
        AnalyzeLab.Analysis after = AnalyzeLab.analyze(path.rightSide().file());
        assertEquals(firstFragments, fragments(after, left6, true), after::explain);
        assertEquals(0, fragments(after, left6, false), after::explain);
        assertTrue(after.report().ikeSas().stream().flatMap(s -> s.exchanges().stream())
                .filter(e -> e.exchangeType() == IKE_AUTH).noneMatch(IkeExchange::answered), after::explain);
        System.out.println("IKE_AUTH without IKE fragmentation: " + unfragmented + " bytes, sent "
                + auth.requestTransmissions() + " times as " + firstFragments + " first and " + laterFragments
                + " later IP fragments; FORWARD " + rules + "; up: " + up.err().strip());
        assertEquals(0, left.stop(), left.stderr());
        assertEquals(0, right.stop(), right.stderr());
    }

    private static DaemonLifecycleLabTest.Result up(DaemonProcess left) {
        return DaemonLifecycleLabTest.run("up", "lab", "--timeout", "30", "--control", left.control().toString());
    }

    private static void pingBothWays(RoutedIkeLab net, DaemonProcess left, DaemonProcess right) {
        for (boolean fromLeft : new boolean[] {true, false}) {
            Namespace ns = fromLeft ? net.left : net.right;
            CommandResult ping = ns.exec(Duration.ofSeconds(20), "ping", "-n", "-c", "3", "-i", "0.2", "-W", "2",
                    "-I", fromLeft ? RoutedIkeLab.LEFT_INNER : RoutedIkeLab.RIGHT_INNER,
                    fromLeft ? RoutedIkeLab.RIGHT_INNER : RoutedIkeLab.LEFT_INNER);
            assertTrue(ping.succeeded(), () -> "ping from " + ns.name() + ":\n" + ping.stdout() + ping.stderr()
                    + "\nleft:\n" + left.stderr() + "\nright:\n" + right.stderr());
        }
    }

    /** The one IKE SA's IKE_AUTH exchange. */
    static IkeExchange ikeAuth(AnalyzeLab.Analysis a) {
        List<IkeSaRecord> sas = a.report().ikeSas();
        assertEquals(1, sas.size(), a::explain);
        return sas.getFirst().exchanges().stream().filter(e -> e.exchangeType() == IKE_AUTH).findFirst()
                .orElseThrow(() -> new AssertionError("no IKE_AUTH: " + a.explain()));
    }

    /**
     * A lower bound on the length of the message that one transmission of SKF fragments (RFC 7383 §2.5) carries,
     * had it gone unfragmented: the content of each fragment is its length less the IKE header (28), the SKF
     * header (8), an IV (at most 16), the ICV (at most 16) and padding (at most 16); the whole message adds one
     * IKE header and an SK header (4) back.
     */
    static long reassembledLengthAtLeast(List<IkeMessageSighting> fragments, AnalyzeLab.Analysis a) {
        IkeMessageSighting first = fragments.getFirst();
        int total = first.datagram().fragmentTotal();
        assertTrue(total >= 2, "IKE_AUTH went in SKF fragments: " + a.explain());
        long content = fragments.stream().filter(s -> s.retransmissionOf() < 0).limit(total)
                .mapToLong(s -> s.datagram().declaredLength() - (28 + 8 + 16 + 16 + 16)).sum();
        return content + 28 + 4;
    }

    /** IPv6 fragments from {@code source} in the capture: first ones (offset 0), or later ones. */
    static long fragments(AnalyzeLab.Analysis a, NetAddress source, boolean first) {
        assertTrue(a.report().fragmentTrainCount() <= a.report().fragmentTrains().size(), a::explain);
        return a.report().fragmentTrains().stream().filter(t -> t.key().source().equals(source))
                .flatMap(t -> t.fragments().stream()).filter(f -> (f.offset() == 0) == first)
                .map(FragmentTrain.Fragment::packet).count();
    }
}
