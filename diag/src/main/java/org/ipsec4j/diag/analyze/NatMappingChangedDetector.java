package org.ipsec4j.diag.analyze;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code nat-mapping-changed}: the same IKE SA or ESP SA arriving from a new address or port (not the NAT-T
 * float from 500 to 4500), or ESP in UDP answered by an ICMP port unreachable from a NAT whose mapping
 * expired.
 */
final class NatMappingChangedDetector implements FindingDetector {

    static final String ID = "nat-mapping-changed";
    private static final String CAUSE = "A NAT between that peer and the capture point forgot its mapping (idle "
            + "longer than the NAT's UDP timeout, or the NAT restarted) and made a new one with another port or "
            + "address; or the peer moved (MOBIKE, a new address).";
    private static final String FIX = "Send NAT keepalives (RFC 3948 §2.3) more often than the NAT's UDP timeout "
            + "(strongSwan's keep_alive, 20 s by default), raise the NAT's UDP timeout for port 4500, and use MOBIKE "
            + "(RFC 4555) so the peers follow a changed mapping.";

    @Override
    public void ikeSaDone(IkeSaRecord sa, AnalysisContext context, FindingCollector out) {
        if (sa.mappingChanges().isEmpty()) {
            return;
        }
        List<Long> evidence = new ArrayList<>();
        StringBuilder summary = new StringBuilder(Text.ikeSa(sa)).append(": ");
        for (int i = 0; i < sa.mappingChanges().size(); i++) {
            IkeSaRecord.MappingChange c = sa.mappingChanges().get(i);
            if (i > 0) {
                summary.append("; ");
            }
            summary.append("the ").append(c.initiatorSide() ? "initiator" : "responder").append("'s messages")
                    .append(context.at(c.point())).append(" came from ").append(c.before());
            if (c.previousPacket() > 0) {
                summary.append(" (last #").append(c.previousPacket()).append(')');
                evidence.add(c.previousPacket());
            }
            summary.append(", then from ").append(c.after()).append(" (#").append(c.packet()).append(')');
            evidence.add(c.packet());
        }
        if (sa.mappingChangeCount() > sa.mappingChanges().size()) {
            summary.append("; ").append(sa.mappingChangeCount() - sa.mappingChanges().size()).append(" more changes");
        }
        out.add(Finding.of(ID, Severity.WARNING, summary.toString(), evidence, CAUSE, FIX));
    }

    @Override
    public void finish(AnalysisContext context, FindingCollector out) {
        for (EspFlowTable.MappingChange c : context.espFlows.mappingChanges()) {
            List<Long> evidence = new ArrayList<>();
            if (c.previousLastPacket() > 0) {
                evidence.add(c.previousLastPacket());
            }
            evidence.add(c.packet());
            out.add(Finding.of(ID, Severity.WARNING, "ESP spi " + Text.spi32(c.spi()) + " to " + c.destination()
                    + context.at(c.point()) + " came from " + c.before() + " (last #" + c.previousLastPacket()
                    + "), then from " + c.after() + " (#" + c.packet() + ")", evidence, CAUSE, FIX));
        }
        for (IcmpError e : context.portUnreachables()) {
            QuotedPacket q = e.quoted();
            boolean udpIpsec = q.kind() == QuotedPacket.Kind.ESP_IN_UDP || q.kind() == QuotedPacket.Kind.NAT_KEEPALIVE
                    || q.kind() == QuotedPacket.Kind.IKE && q.protocol() == 17;
            if (!udpIpsec || q.destinationPort() == 500 || q.destinationPort() == 4500) {
                continue; // to the IKE ports themselves: nothing listens there, which is ike-no-response's story
            }
            List<Long> evidence = new ArrayList<>();
            evidence.add(e.packet());
            if (e.quotedPacket() > 0) {
                evidence.add(e.quotedPacket());
            }
            out.add(Finding.of(ID, Severity.WARNING, q.kind().label() + " " + new TransportEndpoint(q.source(),
                    q.sourcePort()) + " > " + new TransportEndpoint(q.destination(), q.destinationPort())
                    + (q.spi() != 0 ? " spi " + Text.spi32(q.spi()) : "") + " was answered with ICMP port unreachable"
                    + " by " + e.reporter() + " (#" + e.packet() + "): the NAT there no longer maps port "
                    + q.destinationPort(), evidence,
                    "The NAT in front of the other peer dropped the mapping for its UDP 4500 flow (idle longer than "
                            + "the NAT's UDP timeout, or the NAT restarted); packets sent to the old public port "
                            + "reach nobody until the peer behind the NAT sends again and gets a new mapping.",
                    FIX));
        }
    }
}
