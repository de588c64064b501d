package org.ipsec4j.diag.analyze;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code ike-ip-fragments-dropped} (seed 000): an IKE message crossed the capture point as IP fragments and
 * was never answered (or its fragmented response never reached the requester), while unfragmented IKE
 * between the same peers was answered.
 */
final class IkeIpFragmentsDroppedDetector implements FindingDetector {

    static final String ID = "ike-ip-fragments-dropped";

    @Override
    public void ikeSaDone(IkeSaRecord sa, AnalysisContext context, FindingCollector out) {
        UnansweredIkeExchanges u = UnansweredIkeExchanges.of(sa);
        List<IkeExchange> lost = new ArrayList<>(u.fragmentsDropped);
        lost.addAll(u.responseFragmentsDropped);
        if (lost.isEmpty()) {
            return;
        }
        List<Long> evidence = new ArrayList<>();
        List<Long> icmp = new ArrayList<>();
        StringBuilder summary = new StringBuilder();
        for (IkeExchange e : lost) {
            boolean responseLost = u.responseFragmentsDropped.contains(e);
            List<IkeMessageSighting> fragmented = responseLost ? e.responses() : e.requests();
            IkeMessageSighting first = fragmented.stream().filter(IkeMessageSighting::ipFragmented).findFirst()
                    .orElse(fragmented.getFirst());
            for (IkeMessageSighting s : e.requests()) {
                evidence.add(s.packet());
                evidence.addAll(s.ipFragmentPackets());
                icmp.addAll(s.icmpErrors());
            }
            for (IkeMessageSighting s : e.responses()) {
                evidence.add(s.packet());
                evidence.addAll(s.ipFragmentPackets());
                icmp.addAll(s.icmpErrors());
            }
            if (!summary.isEmpty()) {
                summary.append("; ");
            }
            IkeDatagram d = first.datagram();
            summary.append("the ").append(IkeNames.exchange(2, e.exchangeType()))
                    .append(responseLost ? " response" : " request").append(" (msgid ").append(e.messageId())
                    .append(", ").append(d.declaredLength()).append(" bytes) from ").append(first.source())
                    .append(" to ").append(first.destination()).append(" crossed").append(context.at(first.point()))
                    .append(" as ").append(Text.plural(Math.max(2, first.ipFragmentPackets().size()), "IP fragment"));
            if (responseLost) {
                summary.append(", yet the request came ").append(Text.times(e.requestTransmissions()))
                        .append(": the response never arrived");
            } else {
                summary.append(" and was sent ").append(Text.times(e.requestTransmissions()))
                        .append(" without an answer");
            }
        }
        IkeExchange ok = u.answeredUnfragmented;
        evidence.add(ok.requests().getFirst().packet());
        evidence.add(ok.responses().getFirst().packet());
        evidence.addAll(icmp);
        summary.insert(0, Text.ikeSa(sa) + ": ");
        summary.append(", while the unfragmented ").append(IkeNames.exchange(2, ok.exchangeType()))
                .append(" was answered (#").append(ok.requests().getFirst().packet()).append(" → #")
                .append(ok.responses().getFirst().packet()).append(')');
        if (!icmp.isEmpty()) {
            summary.append("; ICMP errors quoted the fragments (").append(Text.packets(icmp, 4)).append(')');
        }
        String support;
        if (sa.initiatorFragmentationSupported() && sa.responderFragmentationSupported()) {
            support = " Both peers announced IKEV2_FRAGMENTATION_SUPPORTED, yet the message was not sent in SKF "
                    + "fragments.";
        } else if (sa.initiatorFragmentationSupported() || sa.responderFragmentationSupported()) {
            support = " Only the " + (sa.initiatorFragmentationSupported() ? "initiator" : "responder")
                    + " announced IKEV2_FRAGMENTATION_SUPPORTED (RFC 7383), so IKE fragmentation was not used.";
        } else {
            support = " Neither peer announced IKEV2_FRAGMENTATION_SUPPORTED (RFC 7383).";
        }
        out.add(Finding.of(ID, Severity.ERROR, summary.toString(), evidence,
                "Something between the peers drops IP fragments. A stateless firewall that accepts UDP 500/4500 by "
                        + "port sees no ports in non-initial fragments and rejects them (seed 000: netfilter "
                        + "reassembles only for rules that use conntrack), or a router or middlebox filters "
                        + "fragments." + support,
                "Enable IKE fragmentation (RFC 7383) on both peers (fragmentation = yes in strongSwan and ipsec4j), "
                        + "or make the firewall stateful so it reassembles before filtering (-m conntrack --ctstate "
                        + "ESTABLISHED,RELATED -j ACCEPT, then --ctstate NEW for UDP 500 and 4500), or accept the "
                        + "peer's fragments explicitly (iptables -f, ip6tables -m frag). Smaller IKE_AUTH messages "
                        + "(no certificate chain, no CERTREQ) help too."));
    }
}
