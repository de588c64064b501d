package org.ipsec4j.esp.sad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.ipsec4j.esp.selector.IpFamily;
import org.junit.jupiter.api.Test;

/**
 * The search base IKE sets while its first path MTU search runs lowers only what SYNs are clamped to
 * ({@link PathMtu#currentForSyn()}); the value packets are sized by ({@link PathMtu#current()}) stays the link's,
 * the learned and the probed one.
 */
class PathMtuTest {

    @Test
    void theSearchBaseLowersOnlyWhatSynsAreClampedTo() {
        PathMtu p = new PathMtu(IpFamily.IPV4);
        assertEquals(PathMtu.UNKNOWN, p.currentForSyn(), "nothing known: nothing to clamp to");
        p.setSearchBase(1280);
        assertEquals(PathMtu.UNKNOWN, p.current());
        assertEquals(1280, p.currentForSyn(), "an unknown link is no larger than the base either");

        p.setLinkMtu(1500);
        assertEquals(1500, p.current(), "packets: the link's MTU while searching");
        assertEquals(1280, p.currentForSyn());
        assertEquals(1280, p.searchBase());
        assertTrue(p.toString().endsWith(", SYNs as if 1280 while searching"), p.toString());

        // A path known to be smaller than the base wins for SYNs too.
        assertEquals(PathMtuOutcome.UPDATED, p.report(1000, 0));
        assertEquals(1000, p.current());
        assertEquals(1000, p.currentForSyn());

        p.current(PathMtu.AGE_NANOS); // the ICMP value ages out
        assertEquals(1500, p.current());
        assertEquals(1280, p.currentForSyn(), "aging recomputes both");

        // The search confirmed 1300 and IKE cleared the base: SYNs follow the path again.
        p.setProbedMtu(1300);
        assertEquals(1280, p.currentForSyn());
        p.setSearchBase(0);
        assertEquals(1300, p.current());
        assertEquals(1300, p.currentForSyn());
        assertEquals(0, p.searchBase());
        assertEquals("1300 (probed; link 1500)", p.toString());
    }

    @Test
    void theSearchBaseIsNeverBelowTheFamilysFloor() {
        PathMtu v4 = new PathMtu(IpFamily.IPV4);
        v4.setSearchBase(500);
        assertEquals(576, v4.searchBase());
        PathMtu v6 = new PathMtu(IpFamily.IPV6);
        v6.setSearchBase(1000);
        assertEquals(1280, v6.searchBase());
        assertThrows(IllegalArgumentException.class, () -> v6.setSearchBase(-1));
    }

    @Test
    void aRekeyedSaInheritsTheSearchBase() {
        PathMtu old = new PathMtu(IpFamily.IPV4);
        old.setLinkMtu(1500);
        old.setSearchBase(1280);
        PathMtu fresh = new PathMtu(IpFamily.IPV4);
        fresh.setLinkMtu(1500);
        fresh.inherit(old);
        assertEquals(1280, fresh.searchBase());
        assertEquals(1280, fresh.currentForSyn());
        assertEquals(1500, fresh.current());

        PathMtu done = new PathMtu(IpFamily.IPV4);
        done.setLinkMtu(1500);
        done.inherit(new PathMtu(IpFamily.IPV4));
        assertEquals(1500, done.currentForSyn(), "no base to inherit");
    }
}
