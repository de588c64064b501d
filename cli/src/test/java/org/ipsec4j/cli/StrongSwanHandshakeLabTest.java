package org.ipsec4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.ipsec4j.cli.StrongSwanPeerLab.Setup;
import org.ipsec4j.lab.IkeSaStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The ipsec4j daemon against strongSwan, each as initiator ({@code ipsec4j up} or {@code swanctl --initiate})
 * and as responder, with pre-shared keys and certificates and three proposal sets: the tunnel carries pings
 * both ways and TCP, and {@code swanctl --list-sas} and {@code ipsec4j status --json} agree on the IKE SPIs,
 * the Child SPIs (crosswise) and the algorithms. One topology for all cases; each reloads both ends.
 */
@Tag("lab")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StrongSwanHandshakeLabTest {

    private StrongSwanPeerLab peers;

    @BeforeAll
    void start() {
        peers = StrongSwanPeerLab.create("");
    }

    @AfterEach
    void reset() {
        peers.reset();
    }

    @AfterAll
    void stop() {
        if (peers != null) {
            assertTrue(peers.daemon() == null || peers.daemon().process().isAlive(), "the daemon ran throughout");
            peers.close();
        }
    }

    @ParameterizedTest(name = "{0} by {1}, {2} / {3}")
    @CsvSource({
        "PSK,          ipsec4j,    aes128gcm16-prfsha256-ecp256,   aes128gcm16,        AES_GCM_16_128/PRF_HMAC_SHA2_256/ECP_256",
        "PSK,          strongSwan, aes128gcm16-prfsha256-ecp256,   aes128gcm16,        AES_GCM_16_128/PRF_HMAC_SHA2_256/ECP_256",
        "PSK,          ipsec4j,    aes256-sha256-modp2048,         aes256-sha256,      AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048",
        "PSK,          strongSwan, aes256-sha256-modp2048,         aes256-sha256,      AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048",
        "CERTIFICATES, ipsec4j,    aes128gcm16-prfsha256-x25519,   chacha20poly1305,   AES_GCM_16_128/PRF_HMAC_SHA2_256/CURVE_25519",
        "CERTIFICATES, strongSwan, aes128gcm16-prfsha256-x25519,   aes128gcm16-x25519, AES_GCM_16_128/PRF_HMAC_SHA2_256/CURVE_25519",
        "CERTIFICATES, ipsec4j,    aes256-sha256-modp2048,         aes256-sha256,      AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048",
        "CERTIFICATES, strongSwan, aes128gcm16-prfsha256-ecp256,   aes128gcm16,        AES_GCM_16_128/PRF_HMAC_SHA2_256/ECP_256",
    })
    void tunnelCarriesPingAndTcpAndBothEndsAgree(StrongSwanPeerLab.Auth auth, String initiator, String ike, String esp,
            String expectedIke) {
        peers.configure(auth == StrongSwanPeerLab.Auth.PSK ? Setup.psk(ike, esp) : Setup.certificates(ike, esp));
        boolean javaInitiates = initiator.equals("ipsec4j");
        if (javaInitiates) {
            peers.javaUp();
        } else {
            peers.charon.initiate("net", StrongSwanPeerLab.WAIT);
        }
        peers.awaitJavaSa();

        IkeSaStatus theirs = peers.assertAgree();
        assertEquals(!javaInitiates, theirs.initiator());
        Map<String, Object> ours = peers.javaIkeSas().getFirst();
        assertEquals(expectedIke, ours.get("algorithms"));
        assertEquals(StrongSwanPeerLab.JAVA_ID, ours.get("local_id"));
        assertEquals(StrongSwanPeerLab.SWAN_ID, ours.get("remote_id"));
        assertEquals(StrongSwanPeerLab.JAVA_ID, theirs.remoteId());
        // kernel-libipsec fakes a NAT to get ESP in UDP: both ends float to port 4500.
        assertEquals(4500L, ours.get("local_port"));
        assertEquals(true, ours.get("udp_encapsulation"));

        long bytes = peers.tcpTransfer();
        assertTrue(bytes > 10_000, "TCP moved " + bytes + " bytes");

        // Under iperf3 charon's single-threaded libipsec falls behind and its socket drops ESP packets, which TCP
        // resends; with pings every ESP packet must arrive, and each end must count what the other sent.
        long[] before = quietCounters();
        peers.assertPingsBothWays();
        long[] after = quietCounters();
        String counts = "before " + java.util.Arrays.toString(before) + ", after " + java.util.Arrays.toString(after);
        assertTrue(after[0] - before[0] >= 6, "ESP packets the daemon sent: 3 requests, 3 replies; " + counts);
        assertEquals(after[0] - before[0], after[1] - before[1], "charon received them all; " + counts);
        assertTrue(after[2] - before[2] >= 6, "ESP packets charon sent; " + counts);
        assertEquals(after[2] - before[2], after[3] - before[3], "the daemon received them all; " + counts);
    }

    /** The counters once nothing moved for half a second (iperf3's last segments may still be under way). */
    private long[] quietCounters() {
        long[] last = counters();
        for (int i = 0; i < 20; i++) {
            IkeTunnelLabTest.sleep(500);
            long[] now = counters();
            if (java.util.Arrays.equals(last, now)) {
                return now;
            }
            last = now;
        }
        throw new AssertionError("the tunnel never went quiet: " + java.util.Arrays.toString(last));
    }

    /** The daemon's packets out, charon's packets in, charon's packets out, the daemon's packets in. */
    private long[] counters() {
        Map<String, Object> ours = StrongSwanPeerLab.children(peers.javaIkeSas().getFirst()).getFirst();
        var theirs = peers.charon.listSas().getFirst().installedChild("net").orElseThrow();
        return new long[] {(Long) ours.get("packets_out"), theirs.packetsIn(), theirs.packetsOut(),
                (Long) ours.get("packets_in")};
    }
}
