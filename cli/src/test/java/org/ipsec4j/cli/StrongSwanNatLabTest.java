package org.ipsec4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.ipsec4j.cli.StrongSwanPeerLab.Setup;
import org.ipsec4j.lab.CommandResult;
import org.ipsec4j.lab.IkeSaStatus;
import org.ipsec4j.lab.PacketCapture;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A masquerading router between the daemon and strongSwan; the side behind it initiates. Both ends detect the
 * NAT where it is (not only charon's faked one), ESP goes in UDP through the mapping both ways, and the NATed
 * side sends NAT keepalives (RFC 3948 §2.3) that the router forwards through the same mapping.
 */
@Tag("lab")
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class StrongSwanNatLabTest {

    /** A keepalive: UDP to port 4500 with the one byte 0xFF (UDP length 9). */
    private static final String KEEPALIVE_FILTER = "udp dst port 4500 and udp[4:2] = 9 and udp[8] = 0xff";

    @TempDir
    Path tmp;

    @Test
    void theDaemonBehindNatInitiatesAndKeepsTheMappingAlive() throws InterruptedException {
        try (StrongSwanPeerLab peers = StrongSwanPeerLab.create("")) {
            IkeSaStatus theirs = peers.upThroughNat(true, Setup.psk("aes128gcm16-prfsha256-ecp256", "aes128gcm16"));
            assertEquals(StrongSwanPeerLab.ROUTER_SWAN_SIDE, theirs.remoteHost().getHostAddress(),
                    "charon sees the router's address");
            assertTrue(theirs.natRemote(), "charon found the daemon behind a NAT: " + theirs);
            assertFalse(theirs.natLocal(), theirs.toString());
            Map<String, Object> ours = peers.javaIkeSas().getFirst();
            assertEquals(true, ours.get("nat_local"), "the daemon found itself behind the NAT: " + ours);
            assertEquals(4500L, ours.get("local_port"));
            peers.assertPingsBothWays();

            // 20 s without outbound ESP: the daemon sends a keepalive through the mapping.
            PacketCapture outside = peers.router.capture(peers.swanLink.a().interfaceName(),
                    tmp.resolve("outside.pcap"), KEEPALIVE_FILTER);
            long sentBefore = keepalivesSent(peers);
            peers.waitUntil(() -> keepalivesSent(peers) > sentBefore, Duration.ofSeconds(30),
                    "a NAT keepalive from the daemon after 20 s without ESP");
            outside.stop();
            assertTrue(outside.packetsCaptured() >= 1, "the keepalive crossed the NAT: " + outside.tcpdumpOutput());
            CommandResult seen = peers.router.exec("tcpdump", "-n", "-r", outside.file().toString());
            assertTrue(seen.stdout().contains(StrongSwanPeerLab.ROUTER_SWAN_SIDE + ".4500 > "
                    + StrongSwanPeerLab.SWAN_OUTER + ".4500"), "from the mapped address and port:\n" + seen.stdout());
            // charon reaches the daemon through the mapping the keepalives hold open.
            peers.assertPingsBothWays();
            peers.assertAgree();
        }
    }

    @Test
    void strongSwanBehindNatInitiatesAndItsKeepalivesArrive() {
        try (StrongSwanPeerLab peers = StrongSwanPeerLab.create("keep_alive = 2s")) {
            IkeSaStatus theirs = peers.upThroughNat(false, Setup.psk("aes256-sha256-modp2048", "aes256-sha256"));
            assertTrue(theirs.natLocal(), "charon found itself behind the NAT: " + theirs);
            Map<String, Object> ours = peers.javaIkeSas().getFirst();
            assertEquals(StrongSwanPeerLab.ROUTER_JAVA_SIDE, ours.get("remote_host"), ours.toString());
            assertEquals(true, ours.get("nat_remote"), "the daemon found charon behind a NAT: " + ours);
            assertEquals(false, ours.get("nat_local"), ours.toString());
            peers.assertPingsBothWays();
            long before = keepalivesReceived(peers);
            peers.waitUntil(() -> keepalivesReceived(peers) >= before + 2, "charon's keepalives (every 2 s) counted");
            peers.assertPingsBothWays();
        }
    }

    private static long keepalivesSent(StrongSwanPeerLab peers) {
        return (Long) MinimalJson.object(peers.status().get("global")).get("keepalives_sent");
    }

    private static long keepalivesReceived(StrongSwanPeerLab peers) {
        return (Long) MinimalJson.object(peers.status().get("global")).get("keepalives_received");
    }
}
