package org.ipsec4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.ipsec4j.cli.StrongSwanPeerLab.PingStream;
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
 * Rekeys of the IKE SA and the Child SA, started by strongSwan ({@code swanctl --rekey}) and by ipsec4j
 * ({@code ipsec4j rekey}), while pings run every 50 ms in both directions through the tunnel: not one is lost,
 * and after each rekey both ends agree on the new SPIs.
 */
@Tag("lab")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class StrongSwanRekeyLabTest {

    /** Pings per stream: 14 s at 50 ms, longer than the four rekeys take (checked). */
    private static final int PINGS = 280;

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
            peers.close();
        }
    }

    @ParameterizedTest(name = "{0} initiates, ESP {1}")
    @CsvSource({"ipsec4j, aes128gcm16", "strongSwan, aes256-sha256-modp2048"})
    void rekeysBothWaysLoseNoPing(String initiator, String esp) throws InterruptedException {
        peers.configure(Setup.psk("aes128gcm16-prfsha256-ecp256", esp));
        if (initiator.equals("ipsec4j")) {
            peers.javaUp();
        } else {
            peers.charon.initiate("net", StrongSwanPeerLab.WAIT);
        }
        peers.awaitJavaSa();
        IkeSaStatus first = peers.assertAgree();
        PingStream fromJava = peers.pingStream(true, PINGS);
        PingStream fromSwan = peers.pingStream(false, PINGS);
        Thread.sleep(1000);

        List<String> steps = new ArrayList<>();
        // strongSwan rekeys the Child SA, then the IKE SA.
        var child = peers.charon.rekeyChild("net");
        IkeSaStatus now = peers.assertAgree();
        assertEquals(child.spiIn(), now.installedChild("net").orElseThrow().spiIn());
        steps.add("strongSwan rekeyed the Child SA: " + now.installedChild("net").orElseThrow());
        Thread.sleep(1000);

        IkeSaStatus rekeyedIke = peers.charon.rekeyIke("s2s");
        now = peers.assertAgree();
        assertEquals(rekeyedIke.initiatorSpi(), now.initiatorSpi());
        assertNotEquals(first.initiatorSpi(), now.initiatorSpi());
        assertTrue(now.initiator(), "the new IKE SA is strongSwan's: " + now);
        steps.add("strongSwan rekeyed the IKE SA: " + now);
        Thread.sleep(1000);

        // ipsec4j rekeys the Child SA, then the IKE SA.
        String childBefore = (String) StrongSwanPeerLab.children(peers.javaIkeSas().getFirst()).getFirst().get("spi_in");
        DaemonLifecycleLabTest.Result rekeyChild = peers.ipsec4j("rekey", "s2s", "--child", "net");
        assertEquals(0, rekeyChild.exitCode(), () -> rekeyChild + "\n" + peers.diagnostics());
        peers.waitUntil(() -> peers.javaIkeSas().size() == 1 && StrongSwanPeerLab.children(peers.javaIkeSas()
                .getFirst()).stream().noneMatch(c -> childBefore.equals(c.get("spi_in"))), "the old Child SA gone");
        now = peers.assertAgree();
        steps.add("ipsec4j rekeyed the Child SA: " + now.installedChild("net").orElseThrow());
        Thread.sleep(1000);

        long spiBefore = now.initiatorSpi();
        DaemonLifecycleLabTest.Result rekeyIke = peers.ipsec4j("rekey", "s2s");
        assertEquals(0, rekeyIke.exitCode(), () -> rekeyIke + "\n" + peers.diagnostics());
        peers.waitUntil(() -> peers.javaIkeSas().size() == 1
                && !StrongSwanPeerLab.hex16(spiBefore).equals(peers.javaIkeSas().getFirst().get("initiator_spi")),
                "one IKE SA, the new one");
        now = peers.assertAgree();
        assertTrue(!now.initiator(), "the new IKE SA is ipsec4j's: " + now);
        steps.add("ipsec4j rekeyed the IKE SA: " + now);

        assertTrue(fromJava.process().isAlive() && fromSwan.process().isAlive(),
                "the pings still ran when the last rekey was done");
        PingStream.Result there = fromJava.finish();
        PingStream.Result back = fromSwan.finish();
        String story = String.join("\n", steps) + "\n" + peers.diagnostics();
        assertEquals(PINGS, there.transmitted(), there.output());
        assertEquals(PINGS, there.received(), () -> "pings from the daemon's side lost during the rekeys:\n"
                + there.output() + "\n" + story);
        assertEquals(PINGS, back.received(), () -> "pings from charon's side lost during the rekeys:\n"
                + back.output() + "\n" + story);
        System.out.println(initiator + " initiated, ESP " + esp + ": pings " + there.received() + "/"
                + there.transmitted() + " from the daemon's side, " + back.received() + "/" + back.transmitted()
                + " from charon's, through four rekeys:\n" + String.join("\n", steps));
        Map<String, Object> ours = peers.javaIkeSas().getFirst();
        assertEquals(1, StrongSwanPeerLab.children(ours).size(), ours.toString());
        assertEquals(1, peers.charon.listSas().size(), () -> peers.charon.listSas().toString());
    }
}
