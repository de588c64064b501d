package org.ipsec4j.diag.analyze;

import java.util.ArrayList;
import java.util.List;

/** {@code ike-no-response}: IKE requests retransmitted, no answer at all. */
final class IkeNoResponseDetector implements FindingDetector {

    static final String ID = "ike-no-response";

    @Override
    public void ikeSaDone(IkeSaRecord sa, AnalysisContext context, FindingCollector out) {
        if (sa.majorVersion() == 1) {
            ikev1(sa, context, out);
            return;
        }
        List<IkeExchange> unanswered = UnansweredIkeExchanges.of(sa).noResponse;
        if (unanswered.isEmpty()) {
            return;
        }
        List<Long> evidence = new ArrayList<>();
        List<Long> icmp = new ArrayList<>();
        StringBuilder summary = new StringBuilder(Text.ikeSa(sa)).append(": ");
        for (int i = 0; i < unanswered.size(); i++) {
            IkeExchange e = unanswered.get(i);
            IkeMessageSighting first = e.requests().getFirst();
            for (IkeMessageSighting s : e.requests()) {
                evidence.add(s.packet());
                icmp.addAll(s.icmpErrors());
            }
            if (i > 0) {
                summary.append("; ");
            }
            summary.append("the ").append(IkeNames.exchange(2, e.exchangeType())).append(" request (msgid ")
                    .append(e.messageId()).append(") from ").append(first.source()).append(" to ")
                    .append(first.destination()).append(" was sent ").append(Text.times(e.requestTransmissions()))
                    .append(" over ").append(Text.seconds((e.lastRequestTime() - e.firstRequestTime()) / 1e9))
                    .append(context.at(first.point())).append(" without a response");
        }
        boolean nothingAnswered = sa.exchangesAnswered() == 0;
        if (nothingAnswered) {
            summary.append("; the peer never answered anything");
        }
        evidence.addAll(icmp);
        String cause;
        if (!icmp.isEmpty()) {
            cause = "ICMP errors came back for the requests (" + Text.packets(icmp, 4) + "): nothing listens for IKE "
                    + "at the destination (no IKE daemon, or one bound elsewhere), or a firewall rejects it.";
        } else if (nothingAnswered) {
            cause = "The requests get nowhere: the responder is down or does not listen at that address and port, "
                    + "a firewall on the path drops UDP 500/4500 silently, or the route to it is wrong. If it is "
                    + "only large messages that go unanswered, see ike-ip-fragments-dropped.";
        } else {
            cause = "The peer answered earlier and then stopped: it rebooted or lost the IKE SA (it should answer "
                    + "INVALID_IKE_SPI then), the path broke, or a NAT or firewall mapping expired.";
        }
        out.add(Finding.of(ID, Severity.ERROR, summary.toString(), evidence, cause,
                "Check that the responder runs and listens on UDP 500 and 4500 at that address; allow UDP 500 and "
                        + "4500 in both directions through every firewall on the path; capture on the responder's "
                        + "side as well to see where the requests stop."));
    }

    /** IKEv1 has no response flag: a first message repeated with only one side ever speaking. */
    private static void ikev1(IkeSaRecord sa, AnalysisContext context, FindingCollector out) {
        if (sa.messagesFromResponderSide() > 0 || sa.maxCopies() < 2 || sa.initiator() == null) {
            return;
        }
        List<Long> evidence = new ArrayList<>();
        for (IkeMessageSighting s : sa.messages()) {
            evidence.add(s.packet());
            evidence.addAll(s.icmpErrors());
        }
        IkeMessageSighting first = sa.messages().getFirst();
        out.add(Finding.of(ID, Severity.ERROR, Text.ikeSa(sa) + ": " + IkeNames.exchange(1,
                first.datagram().exchangeType()) + " from " + sa.initiator() + " to " + sa.responder() + " was sent "
                + Text.times(sa.maxCopies()) + " and the peer never answered", evidence,
                "The IKEv1 (ISAKMP) peer is down, does not speak IKEv1, or a firewall drops UDP 500 on the path.",
                "Check that the peer runs IKEv1 on UDP 500 at that address and that UDP 500 (and 4500 for NAT-T) "
                        + "passes both ways."));
    }
}
