package org.ipsec4j.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.ipsec4j.lab.CapturedIpv6.Fragment;
import org.ipsec4j.lab.junit.UsesLab;
import org.ipsec4j.lab.traffic.ReceivedDatagram;
import org.ipsec4j.lab.traffic.UdpSender;
import org.ipsec4j.lab.traffic.UdpSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Field report "seed 000", without IPsec: a 1600-byte UDP datagram from port 4500 to port 4500 crosses a
 * 1280-MTU IPv6 link as two fragments (0|1232 and 1232|376, exactly as in the report) into a host whose
 * ip6tables INPUT accepts UDP 500/4500 and rejects the rest.
 *
 * <p>Without conntrack, netfilter filters each fragment on its own: the first one carries the UDP header and
 * matches {@code --dport 4500}, the second one has no UDP header and falls through to REJECT. Unlike the
 * report's 2013 kernel, today's kernels send no ICMPv6 error for a rejected non-initial fragment
 * (nf_reject refuses to answer a packet with a non-zero fragment offset). What the sender does see, once
 * {@code ip6frag_time} expires, is b's own "fragment reassembly time exceeded" for the first fragment it
 * held. With a conntrack rule, netfilter reassembles before INPUT and the whole datagram matches the
 * 4500 rule.
 */
@UsesLab
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class Seed000FragmentFirewallTest {

    private static final InetAddress A = InetAddress.ofLiteral("2001:db8:1::a");
    private static final InetAddress B = InetAddress.ofLiteral("2001:db8:1::b");
    private static final int NAT_T_PORT = 4500;
    private static final int DATAGRAM_LENGTH = 1600;
    /** 1280 - 40 (IPv6) - 8 (fragment header): the report's first fragment. */
    private static final int FIRST_FRAGMENT_DATA = 1232;
    /** 8 (UDP) + 1600 - 1232: the report's second fragment. */
    private static final int SECOND_FRAGMENT_DATA = 376;

    private record Pair(Namespace a, Namespace b, LinkEnd bEnd) {

        static Pair build(Lab lab) {
            Namespace a = lab.host("a");
            Namespace b = lab.host("b");
            Link link = lab.link(a, b, 1280);
            link.a().addAddress(A.getHostAddress() + "/64");
            link.b().addAddress(B.getHostAddress() + "/64");
            return new Pair(a, b, link.b());
        }

        /** Sends the datagram from a's port 4500 (as IKE behind NAT does) and returns what b's socket got. */
        List<ReceivedDatagram> sendDatagram(Duration sinkWait) {
            BackgroundProcess sink = b.startJava(UdpSink.class, B.getHostAddress(), Integer.toString(NAT_T_PORT),
                    Long.toString(sinkWait.toMillis()), "1");
            sink.awaitStderrLine("listening on", Duration.ofSeconds(10));
            a.runJava(Duration.ofSeconds(20), UdpSender.class, B.getHostAddress(), Integer.toString(NAT_T_PORT),
                    Integer.toString(DATAGRAM_LENGTH), Integer.toString(NAT_T_PORT)).orThrow();
            sink.waitFor(sinkWait.plusSeconds(10));
            return sink.stdoutLines().stream().map(ReceivedDatagram::parse).toList();
        }
    }

    @Test
    void statelessRulesAcceptTheFirstFragmentAndRejectTheSecond(Lab lab, @TempDir Path tmp) throws IOException {
        Pair net = Pair.build(lab);
        Firewall input = net.b().firewall(IpVersion.V6);
        // The report's rules "in relevant part"; ICMPv6 must pass for neighbour discovery.
        input.append("INPUT", "-p", "ipv6-icmp", "-j", "ACCEPT");
        input.append("INPUT", "-p", "udp", "--dport", "500", "-j", "ACCEPT");
        input.append("INPUT", "-p", "udp", "--dport", "4500", "-j", "ACCEPT");
        input.append("INPUT", "-j", "REJECT", "--reject-with", "icmp6-port-unreachable");
        // b holds the accepted first fragment until reassembly gives up (60 s by default); 1 s here, to see what b does then.
        net.b().sysctl("net.ipv6.ip6frag_time=1");

        PacketCapture capture = net.bEnd().capture(tmp.resolve("stateless.pcap"));
        List<ReceivedDatagram> received = net.sendDatagram(Duration.ofMillis(2500));
        capture.stop();

        // (a) the receiver
        assertEquals(List.of(), received, "the datagram must never reach the socket");

        // (b) the rule counters: first fragment 40 + 8 + 1232 bytes, second 40 + 8 + 376 = 424 (the LEN=424 of the report's log)
        List<FirewallRule> rules = input.rules("INPUT");
        FirewallRule natT = input.rule("INPUT", "--dport 4500");
        FirewallRule reject = input.rule("INPUT", "-j REJECT");
        assertEquals(1, natT.packets(), rules::toString);
        assertEquals(40 + 8 + FIRST_FRAGMENT_DATA, natT.bytes(), rules::toString);
        assertEquals(1, reject.packets(), rules::toString);
        assertEquals(40 + 8 + SECOND_FRAGMENT_DATA, reject.bytes(), rules::toString);

        // (c) the capture on b's interface
        List<CapturedIpv6> packets = CapturedIpv6.read(capture.file());
        assertTwoFragmentsLikeTheReport(packets);
        List<CapturedIpv6> fromB = packets.stream().filter(p -> p.source().equals(B) && p.destination().equals(A)).toList();
        assertFalse(fromB.stream().anyMatch(p -> p.isIcmp(CapturedIpv6.ICMPV6_DESTINATION_UNREACHABLE)),
                "today's kernel sends no port unreachable for the rejected non-initial fragment: " + packets);
        List<CapturedIpv6> timeExceeded = fromB.stream().filter(p -> p.isIcmp(CapturedIpv6.ICMPV6_TIME_EXCEEDED)).toList();
        assertEquals(1, timeExceeded.size(), "b reports the reassembly it gave up on: " + packets);
        assertEquals(CapturedIpv6.CODE_FRAGMENT_REASSEMBLY_TIME_EXCEEDED, timeExceeded.getFirst().icmpCode());
    }

    @Test
    void conntrackRulesReassembleBeforeFilteringAndTheDatagramArrives(Lab lab, @TempDir Path tmp) throws IOException {
        Pair net = Pair.build(lab);
        Firewall input = net.b().firewall(IpVersion.V6);
        // The accepted answer's rules; any conntrack match makes netfilter reassemble before INPUT.
        input.append("INPUT", "-p", "ipv6-icmp", "-j", "ACCEPT");
        input.append("INPUT", "-m", "conntrack", "--ctstate", "ESTABLISHED,RELATED", "-j", "ACCEPT");
        input.append("INPUT", "-m", "conntrack", "--ctstate", "NEW", "-p", "udp", "--dport", "500", "-j", "ACCEPT");
        input.append("INPUT", "-m", "conntrack", "--ctstate", "NEW", "-p", "udp", "--dport", "4500", "-j", "ACCEPT");
        input.append("INPUT", "-j", "REJECT", "--reject-with", "icmp6-port-unreachable");

        PacketCapture capture = net.bEnd().capture(tmp.resolve("conntrack.pcap"));
        List<ReceivedDatagram> received = net.sendDatagram(Duration.ofSeconds(10));
        capture.stop();

        // (a) the receiver got all 1600 bytes
        assertEquals(List.of(new ReceivedDatagram(DATAGRAM_LENGTH, A, NAT_T_PORT)), received);

        // (b) one reassembled packet, fragment header gone: 40 + 8 + 1600 bytes; nothing rejected
        List<FirewallRule> rules = input.rules("INPUT");
        FirewallRule natT = input.rule("INPUT", "--dport 4500");
        FirewallRule reject = input.rule("INPUT", "-j REJECT");
        assertEquals(1, natT.packets(), rules::toString);
        assertEquals(40 + 8 + DATAGRAM_LENGTH, natT.bytes(), rules::toString);
        assertEquals(0, reject.packets(), rules::toString);

        // (c) the wire still carried two fragments (tcpdump sees them before netfilter), and b sent no error
        List<CapturedIpv6> packets = CapturedIpv6.read(capture.file());
        assertTwoFragmentsLikeTheReport(packets);
        assertFalse(packets.stream().anyMatch(p -> p.source().equals(B)
                        && (p.isIcmp(CapturedIpv6.ICMPV6_DESTINATION_UNREACHABLE) || p.isIcmp(CapturedIpv6.ICMPV6_TIME_EXCEEDED))),
                packets::toString);
    }

    /** a to b: frag (ID:0|1232) with M set, then frag (ID:1232|376), as tcpdump printed them in the report. */
    private static void assertTwoFragmentsLikeTheReport(List<CapturedIpv6> packets) {
        List<CapturedIpv6> fragments = packets.stream()
                .filter(p -> p.source().equals(A) && p.destination().equals(B) && p.fragment() != null).toList();
        assertEquals(2, fragments.size(), packets::toString);
        Fragment first = fragments.get(0).fragment();
        Fragment second = fragments.get(1).fragment();
        assertEquals(first.identification(), second.identification(), fragments::toString);
        assertEquals(new Fragment(0, true, first.identification(), CapturedIpv6.UDP), first);
        assertEquals(new Fragment(FIRST_FRAGMENT_DATA, false, first.identification(), CapturedIpv6.UDP), second);
        // payload length = fragment header + fragment data: the report's "payload length: 1240" and "384"
        assertEquals(8 + FIRST_FRAGMENT_DATA, fragments.get(0).payloadLength());
        assertEquals(8 + SECOND_FRAGMENT_DATA, fragments.get(1).payloadLength());
        assertTrue(packets.stream().noneMatch(p -> p.source().equals(A) && p.nextHeader() == CapturedIpv6.UDP),
                "the datagram should only have crossed as fragments: " + packets);
    }
}
