package org.ipsec4j.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.ipsec4j.lab.junit.UsesLab;
import org.ipsec4j.lab.traffic.ReceivedDatagram;
import org.ipsec4j.lab.traffic.UdpSender;
import org.ipsec4j.lab.traffic.UdpSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Field report "seed 000", without IPsec: a 1600-byte UDP datagram to port 4500 crosses a 1280-MTU IPv6 link
 * as two fragments (0|1232 and 1232|376, exactly as in the report) into a host whose ip6tables INPUT accepts
 * UDP 500/4500 and rejects the rest.
 */
@UsesLab
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class Seed000FragmentFirewallTest {

    private static final String A = "2001:db8:1::a";
    private static final String B = "2001:db8:1::b";
    private static final int NAT_T_PORT = 4500;
    private static final int DATAGRAM_LENGTH = 1600;

    private record Pair(Namespace a, Namespace b, LinkEnd bEnd) {
    }

    private static Pair build(Lab lab) {
        Namespace a = lab.host("a");
        Namespace b = lab.host("b");
        Link link = lab.link(a, b, 1280);
        link.a().addAddress(A + "/64");
        link.b().addAddress(B + "/64");
        return new Pair(a, b, link.b());
    }

    /** Sends the datagram from a's port 4500 (as IKE over NAT-T does) and returns the sink's lines. */
    private static List<ReceivedDatagram> sendDatagram(Pair net, Duration sinkWait) {
        BackgroundProcess sink = net.b().startJava(UdpSink.class, B, Integer.toString(NAT_T_PORT),
                Long.toString(sinkWait.toMillis()), "1");
        sink.awaitStderrLine("listening on", Duration.ofSeconds(10));
        net.a().runJava(Duration.ofSeconds(20), UdpSender.class, B, Integer.toString(NAT_T_PORT),
                Integer.toString(DATAGRAM_LENGTH), Integer.toString(NAT_T_PORT)).orThrow();
        sink.waitFor(sinkWait.plusSeconds(10));
        return sink.stdoutLines().stream().map(ReceivedDatagram::parse).toList();
    }

    @Test
    void statelessRulesAcceptTheFirstFragmentAndRejectTheSecond(Lab lab, @TempDir Path tmp) {
        Pair net = build(lab);
        Firewall input = net.b().firewall(IpVersion.V6);
        // The report's rules "in relevant part"; ICMPv6 must pass for neighbour discovery.
        input.append("INPUT", "-p", "ipv6-icmp", "-j", "ACCEPT");
        input.append("INPUT", "-p", "udp", "--dport", "500", "-j", "ACCEPT");
        input.append("INPUT", "-p", "udp", "--dport", "4500", "-j", "ACCEPT");
        input.append("INPUT", "-j", "REJECT", "--reject-with", "icmp6-port-unreachable");
        // b holds the accepted first fragment until reassembly times out (60 s by default); shortened to see what b does then.
        net.b().sysctl("net.ipv6.ip6frag_time=1");

        PacketCapture capture = net.bEnd().capture(tmp.resolve("stateless.pcap"));
        List<ReceivedDatagram> received = sendDatagram(net, Duration.ofMillis(2500));
        capture.stop();

        assertEquals(List.of(), received, "the datagram must never reach the socket");
        FirewallRule natT = input.rule("INPUT", "--dport 4500");
        FirewallRule reject = input.rule("INPUT", "-j REJECT");
        System.out.println("stateless: " + input.rules("INPUT"));
        System.out.println(capture.tcpdumpOutput());
        // First fragment: 40 (IPv6) + 8 (fragment header) + 1232; the second: 40 + 8 + 376 = 424, the LEN=424 of the report's log.
        assertEquals(1, natT.packets(), natT::toString);
        assertEquals(1280, natT.bytes(), natT::toString);
        assertEquals(1, reject.packets(), reject::toString);
        assertEquals(424, reject.bytes(), reject::toString);
    }

    @Test
    void conntrackRulesReassembleBeforeFilteringAndTheDatagramArrives(Lab lab, @TempDir Path tmp) {
        Pair net = build(lab);
        Firewall input = net.b().firewall(IpVersion.V6);
        // The accepted answer's rules; any conntrack match makes netfilter reassemble before INPUT.
        input.append("INPUT", "-p", "ipv6-icmp", "-j", "ACCEPT");
        input.append("INPUT", "-m", "conntrack", "--ctstate", "ESTABLISHED,RELATED", "-j", "ACCEPT");
        input.append("INPUT", "-m", "conntrack", "--ctstate", "NEW", "-p", "udp", "--dport", "500", "-j", "ACCEPT");
        input.append("INPUT", "-m", "conntrack", "--ctstate", "NEW", "-p", "udp", "--dport", "4500", "-j", "ACCEPT");
        input.append("INPUT", "-j", "REJECT", "--reject-with", "icmp6-port-unreachable");

        PacketCapture capture = net.bEnd().capture(tmp.resolve("conntrack.pcap"));
        List<ReceivedDatagram> received = sendDatagram(net, Duration.ofSeconds(10));
        capture.stop();

        assertEquals(List.of(new ReceivedDatagram(DATAGRAM_LENGTH, InetAddress.ofLiteral(A), NAT_T_PORT)), received);
        FirewallRule natT = input.rule("INPUT", "--dport 4500");
        FirewallRule reject = input.rule("INPUT", "-j REJECT");
        System.out.println("conntrack: " + input.rules("INPUT"));
        System.out.println(capture.tcpdumpOutput());
        // One reassembled packet without the fragment header: 40 + 8 + 1600.
        assertEquals(1, natT.packets(), natT::toString);
        assertEquals(1648, natT.bytes(), natT::toString);
        assertEquals(0, reject.packets(), reject::toString);
    }
}
