package org.ipsec4j.diag.analyze;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code pmtu-black-hole} (seed 003): a flow's largest packets, with DF, go out again and again at the growing
 * intervals of a retransmission timer backing off, no ICMP fragmentation-needed / Packet Too Big comes back
 * for them, and smaller packets of the same tunnel pass. One observation point cannot see the loss itself;
 * this is its shape: the inner TCP retransmits the same full-size segment (so the ESP packet has the same
 * size each time), and nothing else large gets through.
 */
final class PmtuBlackHoleDetector implements FindingDetector {

    static final String ID = "pmtu-black-hole";
    static final int MIN_REPEATS = 3;

    @Override
    public void espFlowDone(EspFlow flow, AnalysisContext context, FindingCollector out) {
        List<Long> run = flow.retransmissionRun();
        if (run.size() < MIN_REPEATS || flow.retransmissionRunSize() != flow.maxSize()) {
            return;
        }
        boolean v6 = flow.key().destination().v6();
        if (flow.maxSize() <= (v6 ? 1280 : 576)) {
            return; // every IPv6 link carries 1280 bytes (RFC 8200 §5); 576 is IPv4's floor in practice
        }
        if (flow.reportedMtu() > 0) {
            return; // a router did report: path-mtu-reported tells that story
        }
        PeerPair pair = flow.peers();
        int reverse = 1 - pair.direction(flow.key().source());
        long smaller = flow.packetsBelowMax();
        long back = pair.espPackets(reverse);
        if (smaller == 0 && back == 0) {
            return; // nothing shows the path works at all
        }
        List<Long> evidence = new ArrayList<>(run);
        String summary = flow.carrier() + " spi " + Text.spi32(flow.key().spi()) + " " + endpoints(flow)
                + context.at(flow.point()) + ": its largest packets (" + flow.maxSize() + " bytes, DF) went out "
                + Text.times(run.size()) + " at growing intervals (" + gaps(flow.retransmissionRunGapsMillis())
                + "), as a retransmission timer backs off, and no ICMP fragmentation-needed or Packet Too Big came "
                + "back for them, while " + Text.plural(smaller, "smaller packet") + " of this flow and "
                + Text.plural(back, "packet") + " the other way passed";
        out.add(Finding.of(ID, Severity.ERROR, summary, evidence,
                "A link on the path has a smaller MTU than these packets, and the router in front of it drops them "
                        + "without a report that reaches the sender: ICMP fragmentation-needed (IPv4 type 3 code 4) "
                        + "or Packet Too Big (ICMPv6 type 2) is filtered on the way back, or not sent at all. Path "
                        + "MTU discovery cannot work, and every full-size packet in the tunnel is lost (seed 003).",
                "Let ICMP fragmentation-needed and ICMPv6 Packet Too Big through to the sender (RFC 4890; never "
                        + "filter them), or lower the tunnel MTU and clamp the inner TCP MSS (iptables -t mangle -A "
                        + "FORWARD -p tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu) so packets fit the "
                        + "smallest link, or clear DF on the outer header so routers may fragment."));
    }

    static String endpoints(EspFlow flow) {
        EspFlow.Key k = flow.key();
        return flow.udpEncapsulated()
                ? new TransportEndpoint(k.source(), k.sourcePort()) + " > " + new TransportEndpoint(k.destination(), k.destinationPort())
                : k.source() + " > " + k.destination();
    }

    private static String gaps(List<Long> millis) {
        StringBuilder sb = new StringBuilder("waits of ");
        for (int i = 0; i < millis.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(Text.millis(millis.get(i)));
        }
        return sb.toString();
    }
}
