package org.ipsec4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.ipsec4j.lab.BackgroundProcess;
import org.ipsec4j.lab.CommandResult;
import org.ipsec4j.lab.Lab;
import org.ipsec4j.lab.junit.UsesLab;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Two daemons in two namespaces, keyed by hand, carry ping and an iperf3 TCP run: ESP in UDP, raw ESP and AH,
 * tunnel and transport mode, IPv4 and IPv6 outer. Status shows the traffic on the SAs the file names, and an
 * SA's packets and bytes are the same at both ends in every mode.
 */
@UsesLab
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class TunnelTrafficLabTest {

    static Stream<Arguments> setups() {
        List<Arguments> all = new ArrayList<>();
        for (TunnelLab.Encapsulation encapsulation : TunnelLab.Encapsulation.values()) {
            for (TunnelLab.Mode mode : TunnelLab.Mode.values()) {
                for (TunnelLab.Outer outer : TunnelLab.Outer.values()) {
                    all.add(Arguments.of(new TunnelLab.Setup(outer, mode, encapsulation)));
                }
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("setups")
    void pingAndIperfThroughTheTunnel(TunnelLab.Setup setup, Lab lab) {
        TunnelLab tunnel = new TunnelLab(lab);
        DaemonProcess[] daemons = tunnel.startPair(setup);
        DaemonProcess left = daemons[0];
        DaemonProcess right = daemons[1];

        CommandResult ping = tunnel.left.exec("ping", "-n", "-c", "3", "-i", "0.2", "-W", "2", "-I",
                setup.leftInner(), setup.rightInner());
        assertTrue(ping.succeeded(), () -> "ping through the tunnel (" + setup + ") failed:\n" + ping.stdout()
                + ping.stderr() + "\nleft:\n" + left.stderr() + "\nright:\n" + right.stderr());

        BackgroundProcess server = tunnel.right.start("iperf3", "-s", "-1", "--forceflush", "-B", setup.rightInner());
        server.awaitStdoutLine("Server listening", Duration.ofSeconds(10));
        CommandResult iperf = tunnel.left.exec(Duration.ofSeconds(30), "iperf3", "-c", setup.rightInner(), "-B",
                setup.leftInner(), "-t", "3", "-J");
        assertTrue(iperf.succeeded(), () -> "iperf3 through the tunnel (" + setup + ") failed:\n" + iperf.stdout()
                + iperf.stderr() + "\nleft:\n" + left.stderr() + "\nright:\n" + right.stderr());
        Map<String, Object> end = MinimalJson.object(MinimalJson.object(MinimalJson.parse(iperf.stdout())).get("end"));
        Map<String, Object> received = MinimalJson.object(end.get("sum_received"));
        double bitsPerSecond = ((Number) received.get("bits_per_second")).doubleValue();
        long bytes = ((Number) received.get("bytes")).longValue();
        System.out.printf("iperf3 through the tunnel, %s: %.2f Gbit/s (%d bytes in 3 s)%n", setup,
                bitsPerSecond / 1e9, bytes);
        assertTrue(bytes > 1_000_000, "iperf3 moved " + bytes + " bytes");

        sleep(300); // the last TCP segments of the run settle before both sides are asked
        Map<String, Object> leftStatus = left.statusJson();
        Map<String, Object> rightStatus = right.statusJson();
        Map<String, Object> leftOut = DaemonProcess.sa(leftStatus, TunnelLab.SPI_LEFT_TO_RIGHT);
        Map<String, Object> rightIn = DaemonProcess.sa(rightStatus, TunnelLab.SPI_LEFT_TO_RIGHT);
        Map<String, Object> rightOut = DaemonProcess.sa(rightStatus, TunnelLab.SPI_RIGHT_TO_LEFT);
        Map<String, Object> leftIn = DaemonProcess.sa(leftStatus, TunnelLab.SPI_RIGHT_TO_LEFT);
        assertEquals("out", leftOut.get("direction"));
        assertEquals("in", rightIn.get("direction"));
        assertEquals("out", rightOut.get("direction"));
        assertEquals("in", leftIn.get("direction"));
        String mode = setup.mode().name().toLowerCase();
        for (Map<String, Object> sa : List.of(leftOut, rightIn, rightOut, leftIn)) {
            assertEquals(mode, sa.get("mode"));
            assertEquals(setup.encryptionName(), sa.get("encryption"));
            assertEquals(setup.integrityName(), sa.get("integrity"));
            assertEquals(setup.encapsulation() == TunnelLab.Encapsulation.AH ? "ah" : "esp", sa.get("protocol"));
            // ACKs are few: the receiving TUN hands TCP coalesced segments, and one ACK covers many of them.
            assertTrue((Long) sa.get("packets") > 10, "packets on " + sa);
            if (setup.encapsulation() == TunnelLab.Encapsulation.UDP) {
                assertEquals(Map.of("local_port", 4500L, "remote_port", 4500L), sa.get("udp_encapsulation"));
            } else {
                assertEquals(null, sa.get("udp_encapsulation"));
            }
        }
        assertTrue((Long) leftOut.get("bytes") > bytes, "the data went through 0x1001: " + leftOut);
        // Every ESP/AH packet holds at most one link MTU of inner packet: the data was split, not sent as one.
        assertTrue((Long) leftOut.get("packets") >= bytes / 1500, "the data in MTU-sized packets: " + leftOut);
        assertEquals(setup.outer().left, leftOut.get("local"));
        assertEquals(setup.outer().right, leftOut.get("remote"));
        // What left sent on 0x1001, right received on 0x1001 (TCP loses nothing here, the veth drops nothing),
        // and both count the same bytes: the clear IP packets, in tunnel and transport mode alike.
        assertEquals(leftOut.get("packets"), rightIn.get("packets"));
        assertEquals(leftOut.get("bytes"), rightIn.get("bytes"));
        assertEquals(rightOut.get("packets"), leftIn.get("packets"));
        assertEquals(rightOut.get("bytes"), leftIn.get("bytes"));
        assertEquals(Map.of(), rightIn.get("drops"));
        assertEquals(Map.of(), leftIn.get("drops"));

        List<Object> policies = MinimalJson.array(leftStatus.get("policies"));
        assertEquals(2, policies.size(), "left has its two policies, not the right's: " + policies);
        for (Object policy : policies) {
            assertTrue((Long) MinimalJson.object(policy).get("hits") > 10, "hits on " + policy);
        }
        assertEquals(0, left.stop(), left.stderr());
        assertEquals(0, right.stop(), right.stderr());
        assertTrue(left.stderr().contains("stopped; removed ipsec4j0"), left.stderr());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
