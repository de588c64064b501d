package org.ipsec4j.ike.sa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A simulated day of rekeying (RFC 7296 §1.3.2, §1.3.3, §2.8): IKE SA every hour, Child SA every 20 minutes,
 * with jitter, on timers of both sides (or only the responder's), with and without PFS, while pings cross the
 * tunnel both ways every minute. No ping may be lost and the end state is one tunnel.
 */
class RekeyDayTest {

    private static final Duration DAY = Duration.ofHours(24);

    private record Counts(int ikeRekeys, int childRekeys, int ikeInitiatedByLeft, int ikeInitiatedByRight,
                          int childInitiatedByLeft, int childInitiatedByRight) {
    }

    @ParameterizedTest(name = "pfs group {0}")
    @ValueSource(ints = {0, Peers.ECP256, Peers.X25519})
    void bothSidesRekeyForADayWithoutLosingAPing(int pfs) {
        SiteToSite t = new SiteToSite(24 + pfs).both((c, ch) -> {
            c.rekey = Duration.ofHours(1);
            c.rand = Duration.ofMinutes(6);
            ch.esp(Peers.espGcm(pfs));
            ch.rekey = Duration.ofMinutes(20);
            ch.rand = Duration.ofMinutes(2);
            ch.life = Duration.ofMinutes(22);
        }).install().up();
        t.assertOneTunnel();

        List<String> lost = runDayWithPings(t);

        assertEquals(List.of(), lost, t::describe);
        Counts n = count(t);
        // 54..60 min per IKE SA and 18..20 min per Child SA, whichever side's timer fires first.
        assertTrue(n.ikeRekeys() >= 23 && n.ikeRekeys() <= 27, n + "\n" + t.describe());
        assertTrue(n.childRekeys() >= 71 && n.childRekeys() <= 81, n + "\n" + t.describe());
        assertTrue(n.ikeInitiatedByLeft() > 0 && n.ikeInitiatedByRight() > 0, n.toString());
        assertTrue(n.childInitiatedByLeft() > 0 && n.childInitiatedByRight() > 0, n.toString());
        t.assertOneTunnel();
        assertEquals(0, events(t, IkeEvent.Kind.CHILD_SA_FAILED) + events(t, IkeEvent.Kind.IKE_SA_FAILED),
                t::describe);
        if (pfs != 0) {
            assertTrue(t.left.onlyIkeSa().children().get(0).suite().contains("/"), "PFS group in the suite");
        }
    }

    @ParameterizedTest(name = "pfs group {0}")
    @ValueSource(ints = {0, Peers.ECP256})
    void onlyTheResponderRekeys(int pfs) {
        SiteToSite t = new SiteToSite(25 + pfs).both((c, ch) -> ch.esp(Peers.espGcm(pfs))).right((c, ch) -> {
            c.rekey = Duration.ofHours(1);
            c.rand = Duration.ofMinutes(6);
            ch.rekey = Duration.ofMinutes(20);
            ch.rand = Duration.ofMinutes(2);
        }).install().up();

        List<String> lost = runDayWithPings(t);

        assertEquals(List.of(), lost, t::describe);
        Counts n = count(t);
        assertEquals(0, n.ikeInitiatedByLeft(), n.toString());
        assertEquals(0, n.childInitiatedByLeft(), n.toString());
        assertTrue(n.ikeInitiatedByRight() >= 23 && n.ikeInitiatedByRight() <= 27, n.toString());
        assertTrue(n.childInitiatedByRight() >= 71 && n.childInitiatedByRight() <= 81, n.toString());
        t.assertOneTunnel();
        // The original responder is the initiator of the IKE SA it rekeyed last (§2.18).
        assertTrue(t.right.onlyIkeSa().initiator(), t::describe);
    }

    private static List<String> runDayWithPings(SiteToSite t) {
        List<String> lost = new ArrayList<>();
        long start = t.net.now;
        t.net.run(DAY, Duration.ofMinutes(1), () -> {
            String at = " at " + (t.net.now - start) / SimulatedNetwork.SECOND + " s: ";
            if (!t.pingLeftToRight()) {
                lost.add("left->right" + at + t.net.lastPing);
            }
            if (!t.pingRightToLeft()) {
                lost.add("right->left" + at + t.net.lastPing);
            }
        });
        // The first few tell the story.
        return lost.size() > 6 ? List.of(lost.get(0), lost.get(1), lost.get(2), "... " + lost.size() + " lost")
                : lost;
    }

    private static Counts count(SiteToSite t) {
        int ikeL = initiated(t.left, IkeEvent.Kind.IKE_SA_REKEYED);
        int ikeR = initiated(t.right, IkeEvent.Kind.IKE_SA_REKEYED);
        int childL = initiated(t.left, IkeEvent.Kind.CHILD_SA_REKEYED);
        int childR = initiated(t.right, IkeEvent.Kind.CHILD_SA_REKEYED);
        return new Counts(ikeL + ikeR, childL + childR, ikeL, ikeR, childL, childR);
    }

    /** Rekeys this host initiated and completed (the responder's events say "peer rekeyed"). */
    static int initiated(SimulatedNetwork.Host h, IkeEvent.Kind kind) {
        return (int) h.events(kind).stream().filter(e -> !e.detail().startsWith("peer rekeyed")
                && !e.detail().startsWith("collision")).count();
    }

    private static int events(SiteToSite t, IkeEvent.Kind kind) {
        return t.left.events(kind).size() + t.right.events(kind).size();
    }
}
