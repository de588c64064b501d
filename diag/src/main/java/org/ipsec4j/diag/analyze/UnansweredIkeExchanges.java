package org.ipsec4j.diag.analyze;

import java.util.ArrayList;
import java.util.List;

/**
 * Sorts an IKEv2 SA's retransmitted-but-unanswered exchanges into the two findings that explain them, so
 * that each exchange is explained once: lost as IP fragments while unfragmented IKE got through
 * ({@code ike-ip-fragments-dropped}), or simply never answered ({@code ike-no-response}). An exchange whose
 * response was IP-fragmented and whose request kept coming back after it counts as lost fragments too: the
 * response never reached the requester.
 */
final class UnansweredIkeExchanges {

    final List<IkeExchange> fragmentsDropped = new ArrayList<>();
    final List<IkeExchange> responseFragmentsDropped = new ArrayList<>();
    final List<IkeExchange> noResponse = new ArrayList<>();
    /** An exchange answered with neither side IP-fragmented: unfragmented IKE gets through. */
    IkeExchange answeredUnfragmented;

    static UnansweredIkeExchanges of(IkeSaRecord sa) {
        UnansweredIkeExchanges out = new UnansweredIkeExchanges();
        if (sa.majorVersion() != 2) {
            return out;
        }
        List<IkeExchange> exchanges = sa.exchanges();
        out.answeredUnfragmented = sa.firstAnsweredUnfragmented();
        for (IkeExchange e : exchanges) {
            if (!e.answered() && e.requestTransmissions() >= 2) {
                if (e.requestIpFragmented() && out.answeredUnfragmented != null) {
                    out.fragmentsDropped.add(e);
                } else {
                    out.noResponse.add(e);
                }
            } else if (e.answered() && e.responseIpFragmented() && e.requestRetransmittedAfterResponse()
                    && out.answeredUnfragmented != null) {
                out.responseFragmentsDropped.add(e);
            }
        }
        return out;
    }
}
