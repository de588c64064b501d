package org.ipsec4j.diag.analyze;

/**
 * {@code nd-unanswered} (seed 002): IPv6 neighbour solicitations that no neighbour advertisement answers. A
 * warning when the target or the solicitor speaks IKE or ESP in the capture (the peer or its gateway),
 * information otherwise.
 */
final class NdUnansweredDetector implements FindingDetector {

    static final String ID = "nd-unanswered";

    @Override
    public void finish(AnalysisContext context, FindingCollector out) {
        for (NeighborDiscovery.UnansweredEpisode e : context.neighborDiscovery.unanswered()) {
            boolean ipsec = context.speaksIpsec(e.target()) || context.speaksIpsec(e.solicitor());
            out.add(Finding.of(ID, ipsec ? Severity.WARNING : Severity.INFO, e.solicitor() + " asked "
                    + Text.times(e.solicitations()) + " for the link-layer address of " + e.target()
                    + context.at(e.point()) + " (neighbour solicitation, " + Text.packets(e.packets(), 4)
                    + ") and no neighbour advertisement came" + (ipsec ? "; " + (context.speaksIpsec(e.target())
                            ? e.target() : e.solicitor()) + " is an IPsec peer in this capture" : ""),
                    e.packets(),
                    "The neighbour is down or not on this link, or its advertisement never leaves it: an IPsec "
                            + "policy on the neighbour that covers ICMPv6 traps the advertisement in the tunnel "
                            + "(seed 002: after one peer reboots, the other answers its solicitation through the "
                            + "tunnel the rebooted peer no longer has), or a firewall drops ICMPv6 types 135/136.",
                    "Exempt neighbour discovery from the IPsec policies (a bypass policy for ICMPv6 types 133-137, "
                            + "e.g. libreswan's v6neighbour-hole connection, protoport=58/34816 for type 136), and "
                            + "never filter ICMPv6 neighbour discovery on the link (RFC 4890)."));
        }
    }
}
