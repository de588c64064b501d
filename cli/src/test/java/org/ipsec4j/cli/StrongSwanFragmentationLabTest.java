package org.ipsec4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.ipsec4j.cli.StrongSwanPeerLab.Setup;
import org.ipsec4j.lab.CommandResult;
import org.ipsec4j.lab.IpVersion;
import org.ipsec4j.lab.PacketCapture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seed 000 with IPsec: certificates of about 3000 bytes make each IKE_AUTH message far larger than the path MTU,
 * and the router between the daemon and strongSwan drops every non-initial IP fragment (a stateless
 * {@code -f -j DROP}, as a firewall without conntrack filters fragments one by one). The tunnel still comes up
 * whoever initiates, because both ends split IKE_AUTH into RFC 7383 fragments that each fit a packet: the
 * capture on the router shows IKE fragments (SKF payloads) both ways and not one IP fragment, and the DROP rule
 * never matched.
 */
@Tag("lab")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StrongSwanFragmentationLabTest {

    /** IKE messages whose first payload is SKF (53): after the non-ESP marker on 4500, or directly on 500. */
    private static final String SKF = "(udp port 4500 and udp[8:4] = 0 and udp[28] = 53) or (udp port 500 and udp[24] = 53)";
    /** Any IPv4 fragment: more-fragments set or a non-zero offset. */
    private static final String IP_FRAGMENT = "ip[6:2] & 0x3fff != 0";

    @TempDir
    Path tmp;

    private StrongSwanPeerLab peers;

    @BeforeAll
    void start() {
        peers = StrongSwanPeerLab.create("");
        peers.router.firewall(IpVersion.V4).append("FORWARD", "-f", "-j", "DROP");
        // The path as IKE without RFC 7383 would meet it: what fits a packet passes, what needs IP fragments not.
        assertTrue(peers.java.ping(StrongSwanPeerLab.SWAN_OUTER, "-s", "1400").succeeded());
        assertTrue(!peers.java.ping(StrongSwanPeerLab.SWAN_OUTER, "-s", "3000", "-W", "1").succeeded(),
                "the router drops what needs IP fragments");
        peers.router.firewall(IpVersion.V4).zeroCounters("FORWARD");
    }

    @AfterEach
    void reset() {
        peers.reset();
    }

    @AfterAll
    void stop() {
        if (peers != null) {
            peers.close();
        }
    }

    @ParameterizedTest(name = "{0} initiates")
    @ValueSource(strings = {"ipsec4j", "strongSwan"})
    void bigCertificatesTravelInIkeFragmentsThroughAFragmentDroppingRouter(String initiator) throws IOException {
        peers.configure(Setup.certificates("aes128gcm16-prfsha256-ecp256", "aes128gcm16").withBigCertificates());
        assertTrue(Files.size(peers.javaDirectory.resolve("x509/java.pem")) > 4000, "a big certificate (PEM)");
        Path pcap = tmp.resolve(initiator + ".pcap");
        PacketCapture capture = peers.router.capture(peers.javaLink.b().interfaceName(), pcap, "udp or ip[6:2] & 0x3fff != 0");
        long charonLogBefore = Files.size(peers.charon.log());
        if (initiator.equals("ipsec4j")) {
            peers.javaUp();
        } else {
            peers.charon.initiate("net", StrongSwanPeerLab.WAIT);
        }
        peers.awaitJavaSa();
        peers.assertAgree();
        peers.assertPingsBothWays();
        capture.stop();

        long fromJava = count(pcap, "src host " + StrongSwanPeerLab.JAVA_OUTER + " and (" + SKF + ")");
        long fromSwan = count(pcap, "src host " + StrongSwanPeerLab.SWAN_OUTER + " and (" + SKF + ")");
        long ipFragments = count(pcap, IP_FRAGMENT);
        long largest = largestIkePacket(pcap);
        String facts = initiator + " initiated: IKE fragments from the daemon " + fromJava + ", from charon "
                + fromSwan + ", IP fragments " + ipFragments + ", largest IKE packet " + largest + " bytes";
        System.out.println(facts);
        assertTrue(fromJava >= 5, "the daemon split its IKE_AUTH (576-byte fragments): " + facts);
        assertTrue(fromSwan >= 2, "charon split its IKE_AUTH (1280-byte fragments): " + facts);
        assertEquals(0, ipFragments, "no IP fragment crossed the router: " + facts);
        assertEquals(0, peers.router.firewall(IpVersion.V4).rule("FORWARD", "-f").packets(),
                "the fragment-dropping rule never matched");
        Map<String, Object> ours = peers.javaIkeSas().getFirst();
        assertEquals(true, ours.get("fragmentation"), ours.toString());

        String charonLog = Files.readString(peers.charon.log()).substring((int) charonLogBefore);
        assertTrue(charonLog.contains("received fragment #"), "charon reassembled our fragments");
        assertTrue(charonLog.matches("(?s).*splitting IKE message \\(\\d+ bytes\\) into \\d+ fragments.*"),
                "charon split its own IKE_AUTH");
    }

    /** Packets in a capture matching a pcap filter, as tcpdump reads them. */
    private long count(Path pcap, String filter) {
        CommandResult read = peers.router.exec("tcpdump", "-n", "-r", pcap.toString(), filter);
        assertTrue(read.succeeded(), read.stderr());
        return read.stdout().lines().filter(l -> !l.isBlank()).count();
    }

    /** The largest IP packet carrying IKE (UDP 500, or 4500 with the non-ESP marker). */
    private long largestIkePacket(Path pcap) {
        CommandResult read = peers.router.exec("tcpdump", "-n", "-v", "-r", pcap.toString(),
                "udp port 500 or (udp port 4500 and udp[8:4] = 0)");
        return read.stdout().lines().map(l -> java.util.regex.Pattern.compile("length (\\d+)\\)").matcher(l))
                .filter(java.util.regex.Matcher::find).mapToLong(m -> Long.parseLong(m.group(1))).max().orElse(0);
    }
}
