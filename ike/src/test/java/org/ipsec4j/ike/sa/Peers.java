package org.ipsec4j.ike.sa;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.ipsec4j.esp.sad.IpsecMode;
import org.ipsec4j.esp.selector.AddressRange;
import org.ipsec4j.esp.selector.IpAddress;
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

    static final int AES_CBC = 12;
    static final int AES_GCM_16 = 20;
    static final int CHACHA20_POLY1305 = 28;
    static final int PRF_SHA256 = 5;
    static final int PRF_SHA384 = 6;
    static final int PRF_SHA512 = 7;
    static final int AUTH_SHA256_128 = 12;
    static final int AUTH_SHA384_192 = 13;
    static final int AUTH_SHA512_256 = 14;
    static final int MODP2048 = 14;
    static final int ECP256 = 19;
    static final int ECP384 = 20;
    static final int X25519 = 31;

    private Peers() {
    }

    static final byte[] PSK = "a shared secret of decent length".getBytes(StandardCharsets.UTF_8);

    static SharedKeys psk(byte[] key) {
        return (l, r) -> key.clone();
    }

    /** aes128gcm16-prfsha256-ecp256 (IKE). */
    static Proposal ikeGcm(int... groups) {
        List<Transform> t = new ArrayList<>();
        t.add(Transform.of(ENCR, AES_GCM_16, 128));
        t.add(Transform.of(PRF, PRF_SHA256));
        for (int g : groups.length == 0 ? new int[] {ECP256} : groups) {
            t.add(Transform.of(DH, g));
        }
        return new Proposal(1, 1, new byte[0], t);
    }

    /** aes256-sha256-modp2048 style (IKE, CBC + HMAC). */
    static Proposal ikeCbc(int group) {
        return new Proposal(1, 1, new byte[0], List.of(Transform.of(ENCR, AES_CBC, 256), Transform.of(PRF, PRF_SHA256),
                Transform.of(INTEG, AUTH_SHA256_128), Transform.of(DH, group)));
    }

    /** Any IKE proposal: an encryption transform (key length 0 = none), an optional integrity, PRF and groups. */
    static Proposal ike(Transform encryption, int integrity, int prf, int... groups) {
        List<Transform> t = new ArrayList<>();
        t.add(encryption);
        if (integrity != 0) {
            t.add(Transform.of(INTEG, integrity));
        }
        t.add(Transform.of(PRF, prf));
        for (int g : groups) {
            t.add(Transform.of(DH, g));
        }
        return new Proposal(1, 1, new byte[0], t);
    }

    /** aes128gcm16 (ESP), no ESN, optional PFS group. */
    static Proposal espGcm(int pfsGroup) {
        List<Transform> t = new ArrayList<>();
        t.add(Transform.of(ENCR, AES_GCM_16, 128));
        if (pfsGroup != 0) {
            t.add(Transform.of(DH, pfsGroup));
        }
        t.add(Transform.of(ESN, 0));
        return new Proposal(1, 3, new byte[4], t); // the SPI is filled in per exchange
    }

    /** Any ESP proposal: encryption, integrity (0 = none, AEAD), PFS group (0 = none), ESN. */
    static Proposal esp(Transform encryption, int integrity, int pfsGroup, boolean esn) {
        List<Transform> t = new ArrayList<>();
        t.add(encryption);
        if (integrity != 0) {
            t.add(Transform.of(INTEG, integrity));
        }
        if (pfsGroup != 0) {
            t.add(Transform.of(DH, pfsGroup));
        }
        t.add(Transform.of(ESN, esn ? 1 : 0));
        return new Proposal(1, 3, new byte[4], t);
    }

    static ChildConnection child(String name, String local, String remote, Proposal esp, Duration rekey) {
        return new Child(name).local(local).remote(remote).esp(esp).rekey(rekey).build();
    }

    static IkeConnection connection(String name, SimulatedNetwork.Host self, SimulatedNetwork.Host peer, String localId,
                                    String remoteId, Proposal ike, ChildConnection child, Duration ikeRekey,
                                    Duration dpd) {
        Conn c = new Conn(name, self, peer, localId, remoteId);
        c.ike = List.of(ike);
        c.children.add(child);
        c.rekey = ikeRekey;
        c.dpd = dpd;
        return c.build();
    }

    /** A mutable IkeConnection under construction; PSK authentication unless changed. */
    static final class Conn {
        String name;
        List<IpAddress> local;
        List<IpAddress> remote;
        int localPort = 500;
        int remotePort = 500;
        List<Proposal> ike = List.of(ikeGcm());
        LocalAuthentication localAuth;
        PeerAuthentication remoteAuth;
        boolean encap;
        boolean fragmentation = true;
        int fragmentSizeIpv4 = 576;
        int fragmentSizeIpv6 = 1280;
        Duration dpd = Duration.ZERO;
        Duration rekey = Duration.ZERO;
        Duration rand = Duration.ZERO;
        AddressPool pool;
        boolean requestVirtualIp;
        IkeConnection.PathOptions path = IkeConnection.PathOptions.NO_PROBES;
        final List<ChildConnection> children = new ArrayList<>();

        Conn(String name, SimulatedNetwork.Host self, SimulatedNetwork.Host peer, String localId, String remoteId) {
            this.name = name;
            this.local = List.of(self.address);
            this.remote = peer == null ? List.of()
                    : List.of(peer.natOutside != null ? peer.natOutside : peer.address);
            this.localAuth = LocalAuthentication.psk(Identity.parse(localId));
            this.remoteAuth = new PeerAuthentication(LocalAuthentication.AuthKind.PSK, Identity.parse(remoteId), null);
        }

        IkeConnection build() {
            return new IkeConnection(name, local, remote, localPort, remotePort, ike, localAuth, remoteAuth, encap,
                    fragmentation, fragmentSizeIpv4, fragmentSizeIpv6, dpd, rekey, rand, pool, requestVirtualIp,
                    children, path);
        }
    }

    /** A mutable ChildConnection under construction: tunnel mode, aes128gcm16 without PFS, no rekeying. */
    static final class Child {
        String name;
        List<SelectorRange> local = List.of();
        List<SelectorRange> remote = List.of();
        List<Proposal> esp = List.of(espGcm(0));
        IpsecMode mode = IpsecMode.TUNNEL;
        ChildConnection.StartAction start = ChildConnection.StartAction.NONE;
        ChildConnection.DpdAction dpdAction = ChildConnection.DpdAction.CLEAR;
        Duration rekey = Duration.ZERO;
        Duration life = Duration.ZERO;
        Duration rand = Duration.ZERO;
        int replayWindow = 128;

        Child(String name) {
            this.name = name;
        }

        Child local(String... ranges) {
            local = selectors(ranges);
            return this;
        }

        Child remote(String... ranges) {
            remote = selectors(ranges);
            return this;
        }

        Child esp(Proposal... proposals) {
            esp = List.of(proposals);
            return this;
        }

        Child rekey(Duration d) {
            rekey = d;
            return this;
        }

        ChildConnection build() {
            return new ChildConnection(name, local, remote, esp, mode, start, dpdAction, rekey, life, rand,
                    replayWindow);
        }

        private static List<SelectorRange> selectors(String... ranges) {
            List<SelectorRange> out = new ArrayList<>();
            for (String r : ranges) {
                out.add(SelectorRange.of(AddressRange.parse(r)));
            }
            return out;
        }
    }
}
