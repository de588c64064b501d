package org.ipsec4j.cli.firewall;

import java.net.InetAddress;
import java.util.Objects;

/**
 * The tunnel whose packets are walked through a ruleset.
 *
 * @param local the address of the local IPsec host (the firewall host itself when {@code position} is
 *        {@link Position#LOCAL_HOST})
 * @param peer the address of the remote IPsec host
 * @param ah whether the tunnel uses AH (protocol 51) instead of ESP
 * @param udpEncapsulation ESP in UDP port 4500 (RFC 3948), IKE moving to port 4500 after IKE_SA_INIT
 * @param localInterface the firewall's interface towards the local host (router position only)
 * @param peerInterface the firewall's interface towards the peer
 * @param ikeFragmentation both peers use IKE fragmentation (RFC 7383): IKE never crosses as IP fragments
 * @param icmpFromPeerSide the source of ICMP errors from a router between the firewall and the peer
 * @param icmpFromLocalSide the source of ICMP errors from a router between the local host and the firewall
 * @param neighbour a neighbour (the default gateway) on the firewall's links, for neighbour discovery
 * @param linkLocal the firewall host's own link-local address
 */
public record Tunnel(InetAddress local, InetAddress peer, boolean ah, boolean udpEncapsulation, Position position,
        String localInterface, String peerInterface, Initiator initiator, boolean ikeFragmentation,
        InetAddress icmpFromPeerSide, InetAddress icmpFromLocalSide, InetAddress neighbour, InetAddress linkLocal) {

    /** Where the firewall sits. */
    public enum Position {
        /** On the local IPsec host itself: INPUT and OUTPUT. */
        LOCAL_HOST,
        /** On a router between the two: FORWARD. */
        ROUTER
    }

    /** Who starts IKE SAs. */
    public enum Initiator {
        LOCAL,
        PEER,
        BOTH
    }

    public Tunnel {
        Objects.requireNonNull(local, "local");
        Objects.requireNonNull(peer, "peer");
        if (Family.of(local) != Family.of(peer)) {
            throw new IllegalArgumentException("local " + Addresses.text(local) + " and peer " + Addresses.text(peer)
                    + " are of different families");
        }
        if (ah && udpEncapsulation) {
            throw new IllegalArgumentException("AH cannot be UDP-encapsulated (RFC 3948 covers ESP only)");
        }
    }

    public Family family() {
        return Family.of(local);
    }
}
