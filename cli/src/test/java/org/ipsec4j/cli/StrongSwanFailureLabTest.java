package org.ipsec4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.ipsec4j.cli.StrongSwanPeerLab.Setup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What goes wrong between the daemon and strongSwan, started from either end: a wrong pre-shared key, a
 * certificate from a CA the other end does not trust, no proposal both accept. Each is a clear line in the
 * daemon's log naming the failure (AUTHENTICATION_FAILED, NO_PROPOSAL_CHOSEN), {@code ipsec4j up} says so too,
 * neither end keeps an SA, and the daemon carries on.
 */
@Tag("lab")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StrongSwanFailureLabTest {

    private StrongSwanPeerLab peers;

    @BeforeAll
    void start() {
        peers = StrongSwanPeerLab.create(StrongSwanPeerLab.QUICK_RETRANSMITS);
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

    enum Failure { WRONG_PSK, UNTRUSTED_CERTIFICATE, NO_PROPOSAL }

    @ParameterizedTest(name = "{0}, {1} initiates")
    @CsvSource({
        "WRONG_PSK,             ipsec4j,    AUTHENTICATION_FAILED, AUTHENTICATION_FAILED",
        "WRONG_PSK,             strongSwan, AUTHENTICATION_FAILED, wrong PSK",
        "UNTRUSTED_CERTIFICATE, ipsec4j,    AUTHENTICATION_FAILED, AUTHENTICATION_FAILED",
        "UNTRUSTED_CERTIFICATE, strongSwan, AUTHENTICATION_FAILED, not trusted",
        "NO_PROPOSAL,           ipsec4j,    NO_PROPOSAL_CHOSEN,    NO_PROPOSAL_CHOSEN",
        "NO_PROPOSAL,           strongSwan, NO_PROPOSAL_CHOSEN,    NO_PROPOSAL_CHOSEN",
    })
    void failsCleanlyOnBothEnds(Failure failure, String initiator, String kind, String detail) {
        String ike = "aes128gcm16-prfsha256-ecp256";
        Setup setup = switch (failure) {
            case WRONG_PSK -> Setup.psk(ike, "aes128gcm16").withJavaSecret("not the key strongSwan has");
            // The end that answers is the one that finds the other's certificate untrusted.
            case UNTRUSTED_CERTIFICATE -> Setup.certificates(ike, "aes128gcm16")
                    .untrusted(initiator.equals("strongSwan"), initiator.equals("ipsec4j"));
            case NO_PROPOSAL -> Setup.psk(ike, "aes128gcm16").withJavaProposals("aes256-sha512-modp3072",
                    "aes256-sha512");
        };
        peers.configure(setup);
        sleepOverTheLogLimit();
        int linesBefore = peers.daemonLog().split("\n").length;
        if (initiator.equals("ipsec4j")) {
            DaemonLifecycleLabTest.Result up = peers.ipsec4j("up", "s2s");
            assertEquals(1, up.exitCode(), () -> up + "\n" + peers.diagnostics());
            assertTrue(up.err().startsWith("ipsec4j up: s2s: ") && up.err().contains(kind), up.toString());
        } else {
            IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                    () -> peers.charon.initiate("net", StrongSwanPeerLab.WAIT));
            assertTrue(e.getMessage().contains(kind), "charon heard " + kind + ":\n" + e.getMessage());
        }
        peers.waitUntil(() -> newLines(linesBefore).stream().anyMatch(l -> l.contains("ike: ")
                && l.contains(kind) && l.contains(detail)), "a log line with " + kind + " and '" + detail + "'");
        List<String> lines = newLines(linesBefore).stream().filter(l -> l.contains(kind)).toList();
        System.out.println(failure + ", " + initiator + " initiates: " + lines);

        peers.waitUntil(() -> peers.javaIkeSas().isEmpty() && peers.charon.listSas().isEmpty(),
                "no IKE SA left on either end");
        assertEquals(List.of(), MinimalJson.array(peers.status().get("sas")), "no ESP SA in the daemon");
        assertTrue(peers.daemon().process().isAlive());
        assertTrue(peers.daemon().request("version").ok(), "the daemon answers");
        // Fail closed: a route left behind is a hold — into the TUN device, where the packets are dropped for
        // want of an SA, with its prohibit route — never a way out in the clear; `down` releases it.
        String routes = IkeTunnelLabTest.tunnelRoutes(peers.java);
        assertTrue(routes.isEmpty() || routes.contains("prohibit 10.2.0.0/24"), "only a hold may stay: " + routes);
        peers.ipsec4j("down", "s2s");
        assertEquals("", IkeTunnelLabTest.tunnelRoutes(peers.java), "down released any hold");
    }

    /** The daemon logs one authentication failure a second (an attacker can cause them at will). */
    private static void sleepOverTheLogLimit() {
        try {
            Thread.sleep(1100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private List<String> newLines(int skip) {
        return peers.daemonLog().lines().skip(skip).toList();
    }
}
