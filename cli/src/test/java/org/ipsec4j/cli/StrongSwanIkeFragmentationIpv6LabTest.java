package org.ipsec4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.ipsec4j.cli.StrongSwanPeerLab.Setup;
import org.ipsec4j.diag.analyze.IkeExchange;
import org.ipsec4j.lab.Firewall;
import org.ipsec4j.lab.PacketCapture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seed 000 against strongSwan (issue 5 §5): the ipsec4j daemon and charon over IPv6 outer addresses, links of MTU
 * 1280, certificates padded to 3000 bytes so that each IKE_AUTH is far larger than a packet, and the router's
 * ip6tables FORWARD chain holding the seed's stateless rules ({@link IkeFragmentationIpv6LabTest#seed000Rules}).
 * Whoever initiates, both ends split IKE_AUTH into RFC 7383 fragments: the tunnel comes up and carries pings both
 * ways, no IP fragment crosses, the REJECT rule never matches. charon's kernel-libipsec puts ESP in UDP 4500, which
 * the seed's rules admit.
 */
@Tag("lab")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class StrongSwanIkeFragmentationIpv6LabTest {

    private static final Pattern SPLIT = Pattern.compile("splitting IKE message \\((\\d+) bytes\\) into (\\d+) fragments");
    private static final Pattern REASSEMBLED = Pattern.compile("reassembled fragmented IKE message \\((\\d+) bytes\\)");

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path tmp;

    private StrongSwanPeerLab peers;
    private Firewall forward;

    @BeforeAll
    void start() {
        peers = StrongSwanPeerLab.create("");
        peers.ipv6();
        peers.javaLink.setMtu(IkeFragmentationIpv6LabTest.MTU);
        peers.swanLink.setMtu(IkeFragmentationIpv6LabTest.MTU);
        forward = IkeFragmentationIpv6LabTest.seed000Rules(peers.router);
    }

    @AfterEach
    void reset() {
        peers.reset();
        forward.zeroCounters("FORWARD");
    }

    @AfterAll
    void stop() {
        if (peers != null) {
            peers.close();
        }
    }

    @ParameterizedTest(name = "{0} initiates")
    @ValueSource(strings = {"ipsec4j", "strongSwan"})
    void ikeFragmentsCrossTheSeedsStatelessRulesBetweenIpsec4jAndCharon(String initiator) throws IOException {
        peers.configure(Setup.certificates("aes128gcm16-prfsha256-ecp256", "aes128gcm16").withBigCertificates()
                .overIpv6());
        PacketCapture capture = peers.router.capture(peers.javaLink.b().interfaceName(),
                tmp.resolve(initiator + ".pcap"), "ip6");
        long charonLogBefore = Files.size(peers.charon.log());
        if (initiator.equals("ipsec4j")) {
            peers.javaUp();
        } else {
            peers.charon.initiate("net", StrongSwanPeerLab.WAIT);
        }
        Map<String, Object> ours = peers.awaitJavaSa();
        peers.assertAgree();
        peers.assertPingsBothWays();
        capture.stop();
        assertEquals(StrongSwanPeerLab.SWAN_OUTER6, ours.get("remote_host"), ours.toString());
        assertEquals(true, ours.get("fragmentation"), ours.toString());

        String rules = forward.rules("FORWARD").toString();
        assertEquals(0, forward.rule("FORWARD", "-j REJECT").packets(), "nothing was rejected: " + rules);
        assertTrue(forward.rule("FORWARD", "--dport 4500").packets() > 6, "IKE fragments and ESP in UDP: " + rules);

        AnalyzeLab.Analysis a = AnalyzeLab.analyze(capture.file());
        assertEquals(0, a.report().fragmentPackets(), "not one IP fragment: " + a.explain());
        IkeExchange auth = IkeFragmentationIpv6LabTest.ikeAuth(a);
        assertTrue(auth.answered(), a::explain);
        long request = IkeFragmentationIpv6LabTest.reassembledLengthAtLeast(auth.requests(), a);
        long response = IkeFragmentationIpv6LabTest.reassembledLengthAtLeast(auth.responses(), a);

        // charon says how big the messages were whole: its own before splitting, ours after reassembly.
        String log = Files.readString(peers.charon.log()).substring((int) charonLogBefore);
        long split = largest(SPLIT, log);
        long reassembled = largest(REASSEMBLED, log);
        String facts = initiator + " initiated: IKE_AUTH request >= " + request + " bytes in "
                + auth.requests().getFirst().datagram().fragmentTotal() + " SKF messages, response >= " + response
                + " in " + auth.responses().getFirst().datagram().fragmentTotal() + "; charon split " + split
                + " bytes, reassembled ours of " + reassembled + " bytes; FORWARD " + rules;
        System.out.println(facts);
        assertTrue(request > IkeFragmentationIpv6LabTest.MTU && response > IkeFragmentationIpv6LabTest.MTU, facts);
        assertTrue(split > IkeFragmentationIpv6LabTest.MTU && reassembled > IkeFragmentationIpv6LabTest.MTU, facts);
    }

    /** The largest byte count a charon log line of this pattern gives; fails if there is none. */
    private static long largest(Pattern pattern, String log) {
        Matcher m = pattern.matcher(log);
        long max = -1;
        while (m.find()) {
            max = Math.max(max, Long.parseLong(m.group(1)));
        }
        assertTrue(max > 0, "charon's log has no '" + pattern + "'");
        return max;
    }
}
