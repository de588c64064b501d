package org.ipsec4j.ike.sa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.ipsec4j.ike.message.ExchangeType;
import org.ipsec4j.ike.message.IkeHeader;
import org.junit.jupiter.api.Test;

/**
 * IKE fragmentation (RFC 7383): an IKE_AUTH with big certificates travels as SKF fragments that each fit the
 * path (576 bytes of IPv4, 1280 of IPv6, less IP and UDP headers and the non-ESP marker), survives the loss
 * of fragments by retransmission, and is sent whole when one side does not support fragmentation.
 */
class FragmentationTest {

    /** About 3 kB of certificate each: IKE_AUTH needs several 576-byte datagrams. */
    private static final int PADDING = 2500;
    private static final int IPV4_UDP = 20 + 8;
    private static final int IPV6_UDP = 40 + 8;

    private static SiteToSite bigCertificates(long seed, String left, String right) {
        TestAuthority ca = new TestAuthority("Fragmenting Root", TestAuthority.KeyKind.RSA);
        TestAuthority.Issued l = ca.issue("left@example.org", TestAuthority.KeyKind.RSA, PADDING);
        TestAuthority.Issued r = ca.issue("right@example.org", TestAuthority.KeyKind.RSA, PADDING);
        return new SiteToSite(seed, left, right, IkeSettings.DEFAULT).left((c, ch) -> {
            c.localAuth = TestAuthority.local("left@example.org", l);
            c.remoteAuth = TestAuthority.remote("right@example.org", ca);
        }).right((c, ch) -> {
            c.localAuth = TestAuthority.local("right@example.org", r);
            c.remoteAuth = TestAuthority.remote("left@example.org", ca);
        });
    }

    /** Every IKE_AUTH datagram, requests and responses. */
    private static List<IkeDatagram> recordIkeAuth(SiteToSite t) {
        List<IkeDatagram> auth = new ArrayList<>();
        t.net.tap = d -> {
            IkeHeader h = Messages.header(d);
            if (h != null && h.exchange() == ExchangeType.IKE_AUTH) {
                auth.add(d);
            }
        };
        return auth;
    }

    private static void assertFragmented(List<IkeDatagram> auth, boolean response, int maxIkeBytes) {
        List<IkeDatagram> these = auth.stream().filter(d -> Messages.header(d).response() == response).toList();
        assertTrue(these.size() > 1, "IKE_AUTH " + (response ? "response" : "request") + " in " + these.size()
                + " datagram(s)");
        for (IkeDatagram d : these) {
            assertTrue(Messages.isFragment(d), "an SKF fragment");
            int marker = d.needsNonEspMarker() ? 4 : 0;
            assertTrue(d.data().length + marker <= maxIkeBytes, d.data().length + marker + " > " + maxIkeBytes);
        }
    }

    @Test
    void bigIkeAuthTravelsInFragmentsThatFitIpv4MinimumMtu() {
        SiteToSite t = bigCertificates(71, "192.0.2.1", "192.0.2.2").install();
        List<IkeDatagram> auth = recordIkeAuth(t);
        t.up();
        t.assertOneTunnel();
        assertTrue(t.left.onlyIkeSa().fragmentation() && t.right.onlyIkeSa().fragmentation());
        assertFragmented(auth, false, 576 - IPV4_UDP);
        assertFragmented(auth, true, 576 - IPV4_UDP);
        t.assertPingsBothWays();
    }

    @Test
    void behindNatTheFragmentsLeaveRoomForTheNonEspMarker() {
        SiteToSite t = bigCertificates(72, "192.0.2.1", "192.0.2.2");
        t.net.natInFrontOf(t.left, "198.51.100.1", 40000);
        t.install();
        List<IkeDatagram> auth = recordIkeAuth(t);
        t.up();
        t.assertOneTunnel();
        assertTrue(auth.stream().allMatch(IkeDatagram::needsNonEspMarker), "IKE_AUTH on port 4500");
        assertFragmented(auth, false, 576 - IPV4_UDP);
        assertFragmented(auth, true, 576 - IPV4_UDP);
    }

    @Test
    void overIpv6TheFragmentsFit1280() {
        SiteToSite t = bigCertificates(73, "2001:db8::1", "2001:db8::2").install();
        List<IkeDatagram> auth = recordIkeAuth(t);
        t.up();
        t.assertOneTunnel();
        assertFragmented(auth, false, 1280 - IPV6_UDP);
        assertFragmented(auth, true, 1280 - IPV6_UDP);
        assertTrue(auth.stream().anyMatch(d -> d.data().length > 576), "IPv6 fragments are larger");
        t.assertPingsBothWays();
    }

    @Test
    void lostFragmentsAreRetransmitted() {
        SiteToSite t = bigCertificates(74, "192.0.2.1", "192.0.2.2").install();
        List<IkeDatagram> auth = recordIkeAuth(t);
        // The second fragment of the first request and the last fragment of the first response are lost.
        AtomicInteger requestFragments = new AtomicInteger();
        AtomicInteger responseFragments = new AtomicInteger();
        int[] responseTotal = {0};
        int[] requestTotal = {0};
        t.net.drop = d -> {
            IkeHeader h = Messages.header(d);
            if (h == null || h.exchange() != ExchangeType.IKE_AUTH) {
                return false;
            }
            if (!h.response()) {
                requestTotal[0] = fragmentTotal(d);
                return requestFragments.incrementAndGet() == 2;
            }
            int n = responseFragments.incrementAndGet();
            if (responseTotal[0] == 0) {
                responseTotal[0] = fragmentTotal(d);
            }
            return n == responseTotal[0];
        };
        t.up();
        t.net.run(Duration.ofSeconds(20));
        t.assertOneTunnel();
        assertEquals(2, t.net.droppedByLink);
        // Sent three times, whole each time: the first lacked a fragment, the answer to the second lacked one.
        assertEquals(3 * requestTotal[0], requestFragments.get(), "the request was sent again, all its fragments");
        assertEquals(1, t.right.events(IkeEvent.Kind.CHILD_SA_INSTALLED).size(), "IKE_AUTH processed once");
        assertFragmented(auth, false, 576 - IPV4_UDP);
        t.assertPingsBothWays();
    }

    @Test
    void withoutFragmentationSupportOnOneSideIkeAuthIsSentWhole() {
        SiteToSite t = bigCertificates(75, "192.0.2.1", "192.0.2.2").right((c, ch) -> c.fragmentation = false)
                .install();
        List<IkeDatagram> auth = recordIkeAuth(t);
        t.up();
        t.assertOneTunnel();
        assertTrue(!t.left.onlyIkeSa().fragmentation() && !t.right.onlyIkeSa().fragmentation());
        assertEquals(2, auth.size(), "one request, one response");
        for (IkeDatagram d : auth) {
            assertTrue(!Messages.isFragment(d) && d.data().length > 576, "whole: " + d.data().length + " bytes");
        }
    }

    /** The "Total Fragments" field of an SKF payload (RFC 7383 §2.5). */
    private static int fragmentTotal(IkeDatagram d) {
        byte[] b = d.data();
        int o = IkeHeader.LENGTH + 6;
        return (b[o] & 0xFF) << 8 | (b[o + 1] & 0xFF);
    }
}
