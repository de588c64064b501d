package org.ipsec4j.diag.analyze;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What the detectors may consult besides the SA, flow or pair they are judging: the capture's time span and
 * observation points, the ICMP errors that matter to them, and the addresses that spoke IKE or ESP.
 */
final class AnalysisContext {

    private static final int MAX_EVENTS = 1024;
    private static final int MAX_ADDRESSES = 4096;

    long firstTime = Long.MIN_VALUE;
    long lastTime = Long.MIN_VALUE;
    ObservationPoints points;
    private final List<IcmpError> pathMtuErrors = new ArrayList<>();
    private final List<IcmpError> portUnreachables = new ArrayList<>();
    private final Set<NetAddress> ipsecAddresses = new HashSet<>();
    EspFlowTable espFlows;
    NeighborDiscovery neighborDiscovery;

    void icmpError(IcmpError e) {
        if (e.quoted() == null) {
            return;
        }
        if (e.pathMtu() && pathMtuErrors.size() < MAX_EVENTS) {
            pathMtuErrors.add(e);
        } else if (e.portUnreachable() && portUnreachables.size() < MAX_EVENTS) {
            portUnreachables.add(e);
        }
    }

    void ipsecAddress(NetAddress a) {
        if (ipsecAddresses.size() < MAX_ADDRESSES) {
            ipsecAddresses.add(a);
        }
    }

    /** ICMP fragmentation-needed and Packet Too Big errors, in capture order. */
    List<IcmpError> pathMtuErrors() {
        return Collections.unmodifiableList(pathMtuErrors);
    }

    /** ICMP port-unreachable errors, in capture order. */
    List<IcmpError> portUnreachables() {
        return Collections.unmodifiableList(portUnreachables);
    }

    /** Whether the address sent or received IKE or ESP in this capture. */
    boolean speaksIpsec(NetAddress a) {
        return ipsecAddresses.contains(a);
    }

    boolean severalPoints() {
        return points.size() > 1;
    }

    /** {@code  at r-eth0} when the capture has several observation points, else "". */
    String at(ObservationPoint point) {
        return severalPoints() && point != null ? " at " + point.name() : "";
    }
}
