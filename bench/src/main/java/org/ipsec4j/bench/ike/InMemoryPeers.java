package org.ipsec4j.bench.ike;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.ipsec4j.esp.DataPlane;
import org.ipsec4j.esp.sad.IpsecMode;
import org.ipsec4j.esp.sad.SecurityAssociationDatabase;
import org.ipsec4j.esp.selector.AddressRange;
import org.ipsec4j.esp.selector.IpAddress;
import org.ipsec4j.esp.spd.SecurityPolicyDatabase;
import org.ipsec4j.ike.auth.Identity;
import org.ipsec4j.ike.kernel.DataPlaneKernel;
import org.ipsec4j.ike.message.Proposal;
import org.ipsec4j.ike.message.Transform;
import org.ipsec4j.ike.sa.ChildConnection;
import org.ipsec4j.ike.sa.IkeConnection;
import org.ipsec4j.ike.sa.IkeDatagram;
import org.ipsec4j.ike.sa.IkeEngine;
import org.ipsec4j.ike.sa.IkeSettings;
import org.ipsec4j.ike.sa.LocalAuthentication;
import org.ipsec4j.ike.sa.PeerAuthentication;
import org.ipsec4j.ike.sa.SelectorRange;

/**
 * Two IKE engines with their data planes wired back to back in memory: the initiator's datagrams go straight
 * into the responder and back, so a handshake costs exactly the IKE work of both sides (both on one core).
 */
final class InMemoryPeers {

    static final byte[] PSK = "a shared secret of decent length".getBytes(StandardCharsets.UTF_8);

    final IkeEngine initiator;
    final IkeEngine responder;
    final DataPlane initiatorPlane;
    final DataPlane responderPlane;
    long now = 1;

    /**
     * @param dhGroup IANA DH group id of the IKE proposal (31 = Curve25519)
     * @param children Child SAs per IKE SA (the first in IKE_AUTH, the rest with CREATE_CHILD_SA)
     */
    InMemoryPeers(int dhGroup, int children) {
        SecureRandom random = new SecureRandom();
        initiatorPlane = new DataPlane(new SecurityPolicyDatabase(), new SecurityAssociationDatabase());
        responderPlane = new DataPlane(new SecurityPolicyDatabase(), new SecurityAssociationDatabase());
        initiator = new IkeEngine(IkeSettings.DEFAULT, new DataPlaneKernel(initiatorPlane, () -> now), (l, r) -> PSK,
                random, Clock.systemUTC(), e -> { });
        responder = new IkeEngine(IkeSettings.DEFAULT, new DataPlaneKernel(responderPlane, () -> now), (l, r) -> PSK,
                random, Clock.systemUTC(), e -> { });
        initiator.addConnection(connection("a", "192.0.2.1", "192.0.2.2", "10.1.", "10.2.", dhGroup, children, true));
        responder.addConnection(connection("b", "192.0.2.2", "192.0.2.1", "10.2.", "10.1.", dhGroup, children, false));
    }

    private static IkeConnection connection(String id, String local, String remote, String localNet, String remoteNet,
                                            int dhGroup, int children, boolean initiator) {
        Proposal ike = new Proposal(1, 1, new byte[0], List.of(Transform.of(1, 20, 128), Transform.of(2, 5),
                Transform.of(4, dhGroup)));
        Proposal esp = new Proposal(1, 3, new byte[4], List.of(Transform.of(1, 20, 128), Transform.of(5, 0)));
        List<ChildConnection> cs = new ArrayList<>();
        for (int i = 0; i < children; i++) {
            cs.add(new ChildConnection("net" + i, List.of(SelectorRange.of(AddressRange.parse(localNet + i + ".0/24"))),
                    List.of(SelectorRange.of(AddressRange.parse(remoteNet + i + ".0/24"))), List.of(esp),
                    IpsecMode.TUNNEL, ChildConnection.StartAction.NONE, ChildConnection.DpdAction.CLEAR, Duration.ZERO,
                    Duration.ZERO, Duration.ZERO, 128));
        }
        return new IkeConnection("c", List.of(IpAddress.parse(local)), initiator ? List.of(IpAddress.parse(remote))
                : List.of(), 500, 500, List.of(ike), LocalAuthentication.psk(Identity.parse(id + "@bench")),
                new PeerAuthentication(LocalAuthentication.AuthKind.PSK, Identity.any(), null), false, true, 576, 1280,
                Duration.ZERO, Duration.ZERO, Duration.ZERO, null, false, cs);
    }

    /** One full IKE_SA_INIT + IKE_AUTH (and CREATE_CHILD_SA per extra child); returns the datagrams exchanged. */
    int handshake(int children) {
        initiator.initiate("c", null, now);
        for (int i = 1; i < children; i++) {
            initiator.initiate("c", "net" + i, now);
        }
        return pump();
    }

    /** Delivers datagrams both ways until both engines are quiet. */
    int pump() {
        int n = 0;
        while (true) {
            List<IkeDatagram> a = initiator.drainOutgoing();
            for (IkeDatagram d : a) {
                responder.receive(new IkeDatagram(d.remote(), d.local(), d.data()), now);
            }
            List<IkeDatagram> b = responder.drainOutgoing();
            for (IkeDatagram d : b) {
                initiator.receive(new IkeDatagram(d.remote(), d.local(), d.data()), now);
            }
            n += a.size() + b.size();
            if (a.isEmpty() && b.isEmpty()) {
                return n;
            }
        }
    }

    /** Tears everything down with DELETE exchanges so the next handshake starts from empty engines. */
    void deleteAll() {
        initiator.terminate("c", now);
        pump();
    }
}
