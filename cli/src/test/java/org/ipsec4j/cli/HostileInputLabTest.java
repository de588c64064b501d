package org.ipsec4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.ipsec4j.esp.crypto.EncryptionAlgorithm;
import org.ipsec4j.esp.crypto.EspCodec;
import org.ipsec4j.esp.crypto.EspTransform;
import org.ipsec4j.esp.crypto.IntegrityAlgorithm;
import org.ipsec4j.esp.selector.IpAddress;
import org.ipsec4j.lab.CommandResult;
import org.ipsec4j.lab.Lab;
import org.ipsec4j.lab.junit.UsesLab;
import org.ipsec4j.linux.NetworkNamespace;
import org.ipsec4j.linux.SocketEndpoint;
import org.ipsec4j.linux.UdpSocket;
import org.ipsec4j.wire.Icmpv4Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Bad input from the network never crashes the daemon or grows its memory; it ends as counted drops in
 * status. A sender in the left namespace aims at the right daemon's UDP port 4500: random garbage, truncated
 * ESP, ESP with a forged ICV, a replayed packet, a NAT keepalive and an IKE message, while the tunnel keeps
 * working.
 */
@UsesLab
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HostileInputLabTest {

    /** An extra SA from left to right that only this test's sender uses, so it can build valid ESP. */
    static final int TEST_SPI = 0x2001;
    static final String TEST_KEY = "0x0f0e0d0c0b0a09080706050403020100deadbeef";
    static final int FLOOD = 40_000;

    @Test
    void garbageAndForgeriesAreCountedDropsAndTheDaemonCarriesOn(Lab lab) throws Exception {
        TunnelLab tunnel = new TunnelLab(lab);
        TunnelLab.Setup setup = new TunnelLab.Setup(TunnelLab.Outer.V4, TunnelLab.Mode.TUNNEL,
                TunnelLab.Encapsulation.UDP);
        // Added before the tunnel's SAs: left's policy takes the newest SA that fits, 0x1001, not this one.
        String setkey = setup.setkey().replace("spdflush;\n", "spdflush;\nadd 192.0.2.1[4500] 192.0.2.2[4500] "
                + "esp-udp 0x2001 -m tunnel -r 64 -E aes-gcm-16 " + TEST_KEY + ";\n");
        Path file = tunnel.write("hostile.setkey", setkey);
        DaemonProcess left = DaemonProcess.start(tunnel.left, file, tunnel.control("left"));
        // A small heap: a leak would show up as an OutOfMemoryError rather than a slowly growing process.
        DaemonProcess right = DaemonProcess.launch(tunnel.right, file, tunnel.control("right"),
                List.of("-Xmx48m", "-XX:+ExitOnOutOfMemoryError"));
        right.awaitReady();
        assertPing(tunnel, left, right);

        SocketEndpoint target = SocketEndpoint.of("192.0.2.2", 4500);
        try (UdpSocket sender = NetworkNamespace.named(tunnel.left.netnsName())
                .call(() -> UdpSocket.openBound(SocketEndpoint.of("192.0.2.1", 40000)))) {
            Random random = new Random(42);
            flood(sender, target, random);
            long rssAfterFirstFlood = residentKilobytes(right.pid());
            flood(sender, target, random);
            flood(sender, target, random);
            long rssAfterThirdFlood = residentKilobytes(right.pid());
            System.out.printf("right daemon resident memory: %d KB after the first %d garbage datagrams, %d KB "
                    + "after %d more%n", rssAfterFirstFlood, FLOOD, rssAfterThirdFlood, 2 * FLOOD);
            assertTrue(rssAfterThirdFlood - rssAfterFirstFlood < 24 * 1024,
                    "resident memory grew from " + rssAfterFirstFlood + " KB to " + rssAfterThirdFlood + " KB");

            EspCodec codec = new EspCodec(new EspTransform(EncryptionAlgorithm.AES_GCM_16_128, IntegrityAlgorithm.NONE),
                    TEST_SPI, false, HexFormat.of().parseHex(TEST_KEY.substring(2)), null);
            byte[] packet = new byte[2048];
            for (int seq = 1; seq <= 100; seq++) {
                int length = esp(codec, seq, packet);
                packet[length - 5] ^= 0x20; // a bit of the ICV
                sender.send(packet, 0, length, target);
            }
            for (int i = 0; i < 100; i++) {
                int length = esp(codec, 200 + i, packet);
                sender.send(packet, 0, 8 + random.nextInt(16), target); // SPI and sequence, then little or nothing
            }
            int length = esp(codec, 1000, packet);
            sender.send(packet, 0, length, target);
            sender.send(packet, 0, length, target); // the same again: a replay
            sender.send(new byte[] {(byte) 0xFF}, 0, 1, target); // NAT keepalive (RFC 3948 §2.3)
            byte[] ike = new byte[64]; // non-ESP marker (four zero bytes), then an IKE header's worth
            ike[4] = 1;
            sender.send(ike, 0, ike.length, target);
        }
        Thread.sleep(500);

        assertTrue(right.process().isAlive(), right.stderr());
        assertPing(tunnel, left, right);
        Map<String, Object> status = right.statusJson();
        Map<String, Object> testSa = DaemonProcess.sa(status, TEST_SPI);
        Map<String, Object> drops = MinimalJson.object(testSa.get("drops"));
        assertEquals(100L, drops.get("authentication-failed"), "forged ICVs: " + drops);
        assertEquals(100L, drops.get("truncated"), "truncated ESP: " + drops);
        assertEquals(1L, drops.get("replayed"), "the replay: " + drops);
        assertEquals(1L, testSa.get("packets"), "the one valid packet was delivered");
        Map<String, Object> global = MinimalJson.object(status.get("global"));
        Map<String, Object> inbound = MinimalJson.object(global.get("inbound"));
        Map<String, Object> inboundDrops = MinimalJson.object(inbound.get("drops"));
        assertTrue((Long) inboundDrops.get("no-sa") > FLOOD, "random SPIs: " + inboundDrops);
        assertTrue((Long) global.get("keepalives_received") >= 1, "keepalive: " + global);
        assertTrue((Long) global.get("ike_messages") >= 1, "IKE: " + global);
        Map<String, Object> tunnelSa = DaemonProcess.sa(status, TunnelLab.SPI_LEFT_TO_RIGHT);
        assertEquals(Map.of(), tunnelSa.get("drops"), "the tunnel's own SA saw nothing bad");
        String log = right.stderr();
        assertTrue(log.contains("inbound drop: no-sa"), log);
        assertTrue(log.lines().count() < 60, "drop logs are rate-limited:\n" + log);
    }

    /** Datagrams of random bytes and random lengths, a few of them shaped like truncated ESP headers. */
    private static void flood(UdpSocket sender, SocketEndpoint target, Random random) throws IOException {
        byte[] garbage = new byte[1500];
        for (int i = 0; i < FLOOD; i++) {
            random.nextBytes(garbage);
            int length = 1 + random.nextInt(i % 10 == 0 ? 12 : garbage.length);
            if (length >= 4 && garbage[0] == 0 && garbage[1] == 0 && garbage[2] == 0 && garbage[3] == 0) {
                garbage[0] = 1; // keep IKE out of the flood
            }
            sender.send(garbage, 0, length, target);
            if (i % 2000 == 0) {
                Thread.onSpinWait();
                try {
                    Thread.sleep(1); // let the daemon keep up: counting is the point, not its socket buffer
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** ESP (for ESP in UDP: starts with the SPI) carrying a ping from 10.0.1.1 to 10.0.2.1 in tunnel mode. */
    private static int esp(EspCodec codec, long sequence, byte[] out) {
        byte[] inner = new byte[128];
        int length = Icmpv4Message.writeEchoPacket(inner, 0, IpAddress.parse(TunnelLab.LEFT_INNER).ipv4Value(),
                IpAddress.parse(TunnelLab.RIGHT_INNER).ipv4Value(), 64, Icmpv4Message.TYPE_ECHO_REQUEST, 7,
                (int) sequence, 32);
        return codec.encapsulate(sequence, 4, inner, 0, length, out, 0);
    }

    private static void assertPing(TunnelLab tunnel, DaemonProcess left, DaemonProcess right) {
        CommandResult ping = tunnel.left.exec("ping", "-n", "-c", "2", "-i", "0.2", "-W", "2", "-I",
                TunnelLab.LEFT_INNER, TunnelLab.RIGHT_INNER);
        assertTrue(ping.succeeded(), () -> ping.stdout() + ping.stderr() + "\nleft:\n" + left.stderr() + "\nright:\n"
                + right.stderr());
    }

    private static long residentKilobytes(long pid) throws IOException {
        // The daemon's JVM is a child of "ip netns exec", which execs it: same pid.
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS for pid " + pid);
    }
}
