package org.ipsec4j.ike.sa;

import java.util.List;

/**
 * A snapshot of one IKE SA for `ipsec4j status`, in the terms of strongSwan's `swanctl --list-sas`.
 *
 * @param pathMtu      the path MTU probes found towards the peer (outer IP bytes), 0 if none (yet)
 * @param pathMtuState how probing stands: "confirmed", "searching between A and B", or why it is off
 * @param natFaked     whether we fake NAT detection to force ESP in UDP ({@code encap = yes}, or raw ESP found
 *                     blocked)
 */
public record IkeSaStatus(String connection, String state, long initiatorSpi, long responderSpi, boolean initiator,
                          Endpoint local, Endpoint remote, String localId, String remoteId, String suite,
                          boolean natLocal, boolean natRemote, boolean udpEncapsulation, boolean fragmentation,
                          String virtualIp, List<ChildSaStatus> children, int pathMtu, String pathMtuState,
                          boolean natFaked) {
}
