package org.ipsec4j.ike.sa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.ipsec4j.ike.message.Transform;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Authentication and negotiation outcomes (RFC 7296 §2.15, §2.21, RFC 7427): certificate authentication with
 * RSA, ECDSA P-256 and Ed25519 keys succeeds; a wrong PSK, a certificate from another CA or the wrong identity
 * fail with AUTHENTICATION_FAILED on both sides and leave no SA anywhere; no common IKE proposal ends in
 * NO_PROPOSAL_CHOSEN without state; no common ESP proposal or traffic selectors leave the IKE SA up without a
 * Child SA.
 */
class AuthenticationTest {

    private static final String LEFT = "left@example.org";
    private static final String RIGHT = "right@example.org";

    /** Both sides authenticate with certificates: left's from {@code leftCa}, right's from {@code rightCa}. */
    static SiteToSite certificates(long seed, TestAuthority leftCa, TestAuthority.KeyKind leftKey,
                                   TestAuthority rightCa, TestAuthority.KeyKind rightKey, TestAuthority trustedByLeft,
                                   TestAuthority trustedByRight, int padding) {
        TestAuthority.Issued l = leftCa.issue(LEFT, leftKey, padding);
        TestAuthority.Issued r = rightCa.issue(RIGHT, rightKey, padding);
        return new SiteToSite(seed).left((c, ch) -> {
            c.localAuth = TestAuthority.local(LEFT, l);
            c.remoteAuth = TestAuthority.remote(RIGHT, trustedByLeft);
        }).right((c, ch) -> {
            c.localAuth = TestAuthority.local(RIGHT, r);
            c.remoteAuth = TestAuthority.remote(LEFT, trustedByRight);
        });
    }

    @ParameterizedTest
    @EnumSource(TestAuthority.KeyKind.class)
    void certificateAuthenticationSucceeds(TestAuthority.KeyKind key) {
        TestAuthority ca = new TestAuthority("Test Root " + key, key);
        SiteToSite t = certificates(100 + key.ordinal(), ca, key, ca, key, ca, ca, 0).install().up();
        t.assertOneTunnel();
        assertEquals(RIGHT, t.left.onlyIkeSa().remoteId());
        assertEquals(LEFT, t.right.onlyIkeSa().remoteId());
        t.assertPingsBothWays();
    }

    @Test
    void mixedKeyTypesAndCertificateAuthoritiesSucceed() {
        TestAuthority rsaCa = new TestAuthority("RSA Root", TestAuthority.KeyKind.RSA);
        TestAuthority edCa = new TestAuthority("Ed25519 Root", TestAuthority.KeyKind.ED25519);
        SiteToSite t = certificates(104, rsaCa, TestAuthority.KeyKind.ECDSA_P256, edCa, TestAuthority.KeyKind.RSA,
                edCa, rsaCa, 0).install().up();
        t.assertOneTunnel();
        t.assertPingsBothWays();
    }

    private static void assertAuthenticationFailedEverywhere(SiteToSite t) {
        assertFalse(t.left.events(IkeEvent.Kind.AUTHENTICATION_FAILED).isEmpty(), t::describe);
        assertFalse(t.right.events(IkeEvent.Kind.AUTHENTICATION_FAILED).isEmpty(), t::describe);
        t.assertNothingLeft();
        assertTrue(t.left.events(IkeEvent.Kind.IKE_SA_ESTABLISHED).size()
                == t.left.events(IkeEvent.Kind.IKE_SA_DELETED).size(), t::describe);
        assertFalse(t.pingLeftToRight());
    }

    @Test
    void wrongPreSharedKey() {
        SiteToSite t = new SiteToSite(110, "192.0.2.1", "192.0.2.2", IkeSettings.DEFAULT);
        SimulatedNetwork.Host other = t.net.host("other", "192.0.2.3",
                Peers.psk("another secret entirely".getBytes(StandardCharsets.US_ASCII)), IkeSettings.DEFAULT);
        // "other" takes right's place with a different key.
        t.left.engine.addConnection(Peers.connection("net", t.left, other, LEFT, RIGHT, Peers.ikeGcm(),
                Peers.child("net", "10.1.0.0/16", "10.2.0.0/16", Peers.espGcm(0), Duration.ZERO), Duration.ZERO,
                Duration.ZERO));
        other.engine.addConnection(Peers.connection("net", other, t.left, RIGHT, LEFT, Peers.ikeGcm(),
                Peers.child("net", "10.2.0.0/16", "10.1.0.0/16", Peers.espGcm(0), Duration.ZERO), Duration.ZERO,
                Duration.ZERO));
        t.left.engine.initiate("net", null, t.net.now);
        t.net.run(Duration.ofMinutes(1));
        assertFalse(t.left.events(IkeEvent.Kind.AUTHENTICATION_FAILED).isEmpty(), t::describe);
        assertFalse(other.events(IkeEvent.Kind.AUTHENTICATION_FAILED).isEmpty(), other.events::toString);
        assertTrue(other.events(IkeEvent.Kind.AUTHENTICATION_FAILED).get(0).detail().contains("wrong PSK"));
        assertEquals(List.of(), t.left.ikeSas());
        assertEquals(List.of(), other.ikeSas());
        assertEquals(0, t.left.kernel.pairs() + other.kernel.pairs());
    }

    @Test
    void responderRejectsAnInitiatorCertifiedByAnotherAuthority() {
        TestAuthority ours = new TestAuthority("Our Root", TestAuthority.KeyKind.ECDSA_P256);
        TestAuthority foreign = new TestAuthority("Foreign Root", TestAuthority.KeyKind.ECDSA_P256);
        SiteToSite t = certificates(111, foreign, TestAuthority.KeyKind.ECDSA_P256, ours,
                TestAuthority.KeyKind.ECDSA_P256, ours, ours, 0).install().up();
        assertAuthenticationFailedEverywhere(t);
        assertTrue(t.right.events(IkeEvent.Kind.AUTHENTICATION_FAILED).get(0).detail().contains("not trusted"),
                t::describe);
    }

    @Test
    void initiatorRejectsAResponderCertifiedByAnotherAuthority() {
        TestAuthority ours = new TestAuthority("Our Root", TestAuthority.KeyKind.ECDSA_P256);
        TestAuthority foreign = new TestAuthority("Foreign Root", TestAuthority.KeyKind.ECDSA_P256);
        SiteToSite t = certificates(112, ours, TestAuthority.KeyKind.ECDSA_P256, foreign,
                TestAuthority.KeyKind.ECDSA_P256, ours, ours, 0).install().up();
        assertAuthenticationFailedEverywhere(t);
        assertTrue(t.left.events(IkeEvent.Kind.AUTHENTICATION_FAILED).get(0).detail().contains("not trusted"),
                t::describe);
    }

    @Test
    void responderHasAnotherIdentityThanTheInitiatorExpects() {
        SiteToSite t = new SiteToSite(113).left((c, ch) -> c.remoteAuth = new PeerAuthentication(
                LocalAuthentication.AuthKind.PSK, org.ipsec4j.ike.auth.Identity.parse("gateway@example.org"), null))
                .install().up();
        assertAuthenticationFailedEverywhere(t);
        assertTrue(t.left.events(IkeEvent.Kind.AUTHENTICATION_FAILED).get(0).detail().contains("right@example.org"));
    }

    @Test
    void initiatorHasAnotherIdentityThanTheResponderExpects() {
        SiteToSite t = new SiteToSite(114).right((c, ch) -> c.remoteAuth = new PeerAuthentication(
                LocalAuthentication.AuthKind.PSK, org.ipsec4j.ike.auth.Identity.parse("roadwarrior@example.org"), null))
                .install().up();
        assertAuthenticationFailedEverywhere(t);
    }

    @Test
    void certificateForAnotherIdentity() {
        TestAuthority ca = new TestAuthority("Root", TestAuthority.KeyKind.ECDSA_P256);
        TestAuthority.Issued wrong = ca.issue("mallory@example.org", TestAuthority.KeyKind.ECDSA_P256, 0);
        SiteToSite t = certificates(115, ca, TestAuthority.KeyKind.ECDSA_P256, ca, TestAuthority.KeyKind.ECDSA_P256,
                ca, ca, 0).left((c, ch) -> c.localAuth = TestAuthority.local(LEFT, wrong)).install().up();
        assertAuthenticationFailedEverywhere(t);
        assertTrue(t.right.events(IkeEvent.Kind.AUTHENTICATION_FAILED).get(0).detail().contains("does not carry"),
                t::describe);
    }

    @Test
    void noCommonIkeProposal() {
        SiteToSite t = new SiteToSite(116).left((c, ch) -> c.ike = List.of(Peers.ikeGcm(Peers.ECP384)))
                .right((c, ch) -> c.ike = List.of(Peers.ike(Transform.of(Peers.ENCR, Peers.CHACHA20_POLY1305), 0,
                        Peers.PRF_SHA512, Peers.X25519)))
                .install().up();
        assertFalse(t.left.events(IkeEvent.Kind.IKE_SA_FAILED).isEmpty(), t::describe);
        assertTrue(t.left.events(IkeEvent.Kind.IKE_SA_FAILED).get(0).detail().contains("NO_PROPOSAL_CHOSEN"),
                t::describe);
        assertTrue(t.right.events(IkeEvent.Kind.IKE_SA_FAILED).get(0).detail().contains("no acceptable IKE proposal"),
                t::describe);
        // The responder names what it was offered, as strongSwan would print it, and what it answered.
        assertTrue(t.right.events(IkeEvent.Kind.IKE_SA_FAILED).get(0).detail().endsWith(
                "(it offered AES_GCM_16_128/PRF_HMAC_SHA2_256/ECP_384), answered NO_PROPOSAL_CHOSEN"), t::describe);
        t.assertNothingLeft();
    }

    @Test
    void noCommonEspProposalLeavesTheIkeSaUp() {
        SiteToSite t = new SiteToSite(117).right((c, ch) -> ch.esp(Peers.esp(
                Transform.of(Peers.ENCR, Peers.AES_CBC, 256), Peers.AUTH_SHA512_256, 0, false))).install().up();
        assertChildFailedIkeUp(t, "NO_PROPOSAL_CHOSEN");
        assertTrue(t.right.events(IkeEvent.Kind.CHILD_SA_FAILED).get(0).detail().contains("no acceptable ESP proposal "
                + "(the peer offered AES_GCM_16_128/NO_ESN), answered NO_PROPOSAL_CHOSEN"), t::describe);
    }

    @Test
    void unacceptableTrafficSelectorsLeaveTheIkeSaUp() {
        SiteToSite t = new SiteToSite(118).right((c, ch) -> ch.remote("172.16.0.0/12")).install().up();
        assertChildFailedIkeUp(t, "TS_UNACCEPTABLE");
    }

    private static void assertChildFailedIkeUp(SiteToSite t, String notify) {
        IkeSaStatus l = t.left.onlyIkeSa();
        IkeSaStatus r = t.right.onlyIkeSa();
        assertEquals(l.initiatorSpi(), r.initiatorSpi());
        assertEquals(List.of(), l.children());
        assertEquals(List.of(), r.children());
        assertEquals(0, t.left.kernel.pairs() + t.right.kernel.pairs());
        assertFalse(t.left.events(IkeEvent.Kind.CHILD_SA_FAILED).isEmpty(), t::describe);
        assertTrue(t.left.events(IkeEvent.Kind.CHILD_SA_FAILED).get(0).detail().contains(notify), t::describe);
        assertFalse(t.right.events(IkeEvent.Kind.CHILD_SA_FAILED).isEmpty(), t::describe);
        assertTrue(t.right.events(IkeEvent.Kind.AUTHENTICATION_FAILED).isEmpty());
    }
}
