package org.ipsec4j.ike.sa;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.ipsec4j.esp.sad.IpsecMode;
import org.ipsec4j.esp.selector.AddressRange;
import org.ipsec4j.ike.auth.Identity;
import org.ipsec4j.ike.message.Proposal;
import org.ipsec4j.ike.message.Transform;

/** Connection builders for the in-memory tests: a site-to-site pair between 10.1.0.0/16 and 10.2.0.0/16. */
final class Peers {

    static final int ENCR = 1;
    static final int PRF = 2;
    static final int INTEG = 3;
    static final int DH = 4;
    static final int ESN = 5;

    private Peers() {
    }

    static final byte[] PSK = "a shared secret of decent length".getBytes(StandardCharsets.UTF_8);

    static SharedKeys psk(byte[] key) {
        return (l, r) -> key.clone();
    }

    /** aes128gcm16-prfsha256-ecp256 (IKE). */
    static Proposal ikeGcm(int... groups) {
        List<Transform> t = new ArrayList<>();
        t.add(Transform.of(ENCR, 20, 128));
        t.add(Transform.of(PRF, 5));
        for (int g : groups.length == 0 ? new int[] {19} : groups) {
            t.add(Transform.of(DH, g));
        }
        return new Proposal(1, 1, new byte[0], t);
    }

    /** aes256-sha256-modp2048 style (IKE, CBC + HMAC). */
    static Proposal ikeCbc(int group) {
        return new Proposal(1, 1, new byte[0], List.of(Transform.of(ENCR, 12, 256), Transform.of(PRF, 5),
                Transform.of(INTEG, 12), Transform.of(DH, group)));
    }

    /** aes128gcm16 (ESP), no ESN, optional PFS group. */
    static Proposal espGcm(int pfsGroup) {
        List<Transform> t = new ArrayList<>();
        t.add(Transform.of(ENCR, 20, 128));
        if (pfsGroup != 0) {
            t.add(Transform.of(DH, pfsGroup));
        }
        t.add(Transform.of(ESN, 0));
        return new Proposal(1, 3, new byte[4], t); // the SPI is filled in per exchange
    }

    static ChildConnection child(String name, String local, String remote, Proposal esp, Duration rekey) {
        return new ChildConnection(name, List.of(SelectorRange.of(AddressRange.parse(local))),
                List.of(SelectorRange.of(AddressRange.parse(remote))), List.of(esp), IpsecMode.TUNNEL,
                ChildConnection.StartAction.NONE, ChildConnection.DpdAction.CLEAR, rekey, Duration.ZERO,
                Duration.ZERO, 128);
    }

    static IkeConnection connection(String name, SimulatedNetwork.Host self, SimulatedNetwork.Host peer, String localId,
                                    String remoteId, Proposal ike, ChildConnection child, Duration ikeRekey,
                                    Duration dpd) {
        return new IkeConnection(name, List.of(self.address), peer == null ? List.of() : List.of(peer.natOutside != null
                ? peer.natOutside : peer.address), 500, 500, List.of(ike),
                LocalAuthentication.psk(Identity.parse(localId)),
                new PeerAuthentication(LocalAuthentication.AuthKind.PSK, Identity.parse(remoteId), null), false, true,
                576, 1280, dpd, ikeRekey, Duration.ZERO, null, false, List.of(child));
    }
}
