package org.ipsec4j.ike.sa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * The usual scene of the in-memory tests: "left" (192.0.2.1, protecting 10.1.0.0/16) and "right" (192.0.2.2,
 * 10.2.0.0/16) with one connection "net" and one child "net" each, PSK authenticated. Tests adjust either
 * side's connection and child before {@link #install()}.
 */
final class SiteToSite {

    final SimulatedNetwork net;
    final SimulatedNetwork.Host left;
    final SimulatedNetwork.Host right;
    String leftSubnet = "10.1.0.0/16";
    String rightSubnet = "10.2.0.0/16";
    String leftInner = "10.1.0.5";
    String rightInner = "10.2.0.7";
    private final List<BiConsumer<Peers.Conn, Peers.Child>> leftChanges = new ArrayList<>();
    private final List<BiConsumer<Peers.Conn, Peers.Child>> rightChanges = new ArrayList<>();
    private int pingSequence;

    SiteToSite(long seed) {
        this(seed, "192.0.2.1", "192.0.2.2", IkeSettings.DEFAULT);
    }

    SiteToSite(long seed, String leftAddress, String rightAddress, IkeSettings settings) {
        net = new SimulatedNetwork(seed);
        left = net.host("left", leftAddress, Peers.psk(Peers.PSK), settings);
        right = net.host("right", rightAddress, Peers.psk(Peers.PSK), settings);
    }

    /** Inner subnets and the hosts pinged inside them (e.g. IPv6 inside). */
    SiteToSite inner(String leftNet, String leftHost, String rightNet, String rightHost) {
        leftSubnet = leftNet;
        leftInner = leftHost;
        rightSubnet = rightNet;
        rightInner = rightHost;
        return this;
    }

    SiteToSite both(BiConsumer<Peers.Conn, Peers.Child> change) {
        leftChanges.add(change);
        rightChanges.add(change);
        return this;
    }

    SiteToSite left(BiConsumer<Peers.Conn, Peers.Child> change) {
        leftChanges.add(change);
        return this;
    }

    SiteToSite right(BiConsumer<Peers.Conn, Peers.Child> change) {
        rightChanges.add(change);
        return this;
    }

    /** Builds both connections (after any NAT is in place: the peer address is the NAT's) and adds them. */
    SiteToSite install() {
        left.engine.addConnection(build(left, right, "left@example.org", "right@example.org", leftSubnet,
                rightSubnet, leftChanges));
        right.engine.addConnection(build(right, left, "right@example.org", "left@example.org", rightSubnet,
                leftSubnet, rightChanges));
        return this;
    }

    private static IkeConnection build(SimulatedNetwork.Host self, SimulatedNetwork.Host peer, String localId,
                                       String remoteId, String localNet, String remoteNet,
                                       List<BiConsumer<Peers.Conn, Peers.Child>> changes) {
        Peers.Conn c = new Peers.Conn("net", self, peer, localId, remoteId);
        Peers.Child ch = new Peers.Child("net").local(localNet).remote(remoteNet);
        for (BiConsumer<Peers.Conn, Peers.Child> change : changes) {
            change.accept(c, ch);
        }
        c.children.add(ch.build());
        return c.build();
    }

    /** Left initiates; runs the network for a few simulated seconds. */
    SiteToSite up() {
        left.engine.initiate("net", null, net.now);
        net.run(Duration.ofSeconds(5));
        return this;
    }

    boolean pingLeftToRight() {
        return net.ping(left, leftInner, right, rightInner, ++pingSequence);
    }

    boolean pingRightToLeft() {
        return net.ping(right, rightInner, left, leftInner, ++pingSequence);
    }

    void assertPingsBothWays() {
        assertTrue(pingLeftToRight(), () -> "left -> right: " + net.lastPing + "\n" + describe());
        assertTrue(pingRightToLeft(), () -> "right -> left: " + net.lastPing + "\n" + describe());
    }

    /**
     * Exactly one IKE SA on each side (no half-open, rekeyed or redundant ones left), the same SPIs; one child
     * pair each whose SPIs cross; one pair in each data plane.
     */
    void assertOneTunnel() {
        List<IkeSaStatus> l = left.ikeSas();
        List<IkeSaStatus> r = right.ikeSas();
        assertEquals(1, l.size(), () -> "left IKE SAs: " + describe());
        assertEquals(1, r.size(), () -> "right IKE SAs: " + describe());
        IkeSaStatus a = l.get(0);
        IkeSaStatus b = r.get(0);
        assertEquals("ESTABLISHED", a.state(), this::describe);
        assertEquals("ESTABLISHED", b.state(), this::describe);
        assertEquals(a.initiatorSpi(), b.initiatorSpi(), this::describe);
        assertEquals(a.responderSpi(), b.responderSpi(), this::describe);
        assertEquals(1, a.children().size(), () -> "left children: " + describe());
        assertEquals(1, b.children().size(), () -> "right children: " + describe());
        assertEquals(a.children().get(0).inboundSpi(), b.children().get(0).outboundSpi(), this::describe);
        assertEquals(a.children().get(0).outboundSpi(), b.children().get(0).inboundSpi(), this::describe);
        assertEquals("INSTALLED", a.children().get(0).state(), this::describe);
        assertEquals("INSTALLED", b.children().get(0).state(), this::describe);
        assertEquals(1, left.kernel.pairs(), () -> "left kernel pairs: " + describe());
        assertEquals(1, right.kernel.pairs(), () -> "right kernel pairs: " + describe());
    }

    /** Nothing left on either side: no IKE SA in any state, no pair in the data planes. */
    void assertNothingLeft() {
        assertEquals(List.of(), left.ikeSas(), this::describe);
        assertEquals(List.of(), right.ikeSas(), this::describe);
        assertEquals(0, left.kernel.pairs(), this::describe);
        assertEquals(0, right.kernel.pairs(), this::describe);
    }

    String describe() {
        StringBuilder b = new StringBuilder();
        for (SimulatedNetwork.Host h : List.of(left, right)) {
            b.append(h.name).append(": ").append(h.ikeSas()).append("\n  kernel pairs ").append(h.kernel.pairs())
                    .append("\n  last events:");
            List<IkeEvent> ev = h.events;
            for (IkeEvent e : ev.subList(Math.max(0, ev.size() - 25), ev.size())) {
                b.append("\n    ").append(e);
            }
            b.append('\n');
        }
        return b.toString();
    }
}
