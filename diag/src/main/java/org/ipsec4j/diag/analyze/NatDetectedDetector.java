package org.ipsec4j.diag.analyze;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code nat-detected}: the NAT_DETECTION hashes of IKE_SA_INIT, recomputed (RFC 7296 §2.23), do not match the
 * addresses and ports the capture saw; says on which side the NAT is, relative to the capture point.
 */
final class NatDetectedDetector implements FindingDetector {

    static final String ID = "nat-detected";

    @Override
    public void ikeSaDone(IkeSaRecord sa, AnalysisContext context, FindingCollector out) {
        NatDetectionResult r = sa.natDetection();
        if (!r.evaluated() || !(r.initiatorBehindNat() || r.responderBehindNat())) {
            return;
        }
        List<Long> evidence = new ArrayList<>();
        if (r.requestPacket() > 0) {
            evidence.add(r.requestPacket());
        }
        if (r.responsePacket() > 0) {
            evidence.add(r.responsePacket());
        }
        List<String> sides = new ArrayList<>();
        if (r.initiatorBehindNat()) {
            sides.add("the initiator " + sa.initiator() + " is behind a NAT ("
                    + (Boolean.FALSE.equals(r.requestSourceMatches()) ? "its NAT_DETECTION_SOURCE_IP does not match "
                            + "the source seen" + context.at(r.point()) : "the responder's NAT_DETECTION_DESTINATION_IP "
                            + "does not match the destination seen" + context.at(r.point())) + ")");
        }
        if (r.responderBehindNat()) {
            sides.add("the responder " + sa.responder() + " is behind a NAT ("
                    + (Boolean.FALSE.equals(r.responseSourceMatches()) ? "its NAT_DETECTION_SOURCE_IP does not match "
                            + "the source seen" + context.at(r.point()) : "the initiator's NAT_DETECTION_DESTINATION_IP "
                            + "does not match the destination seen" + context.at(r.point())) + ")");
        }
        if (Boolean.FALSE.equals(r.requestSourceMatches()) && Boolean.FALSE.equals(r.responseSourceMatches())) {
            sides.add("both peers' source hashes match nothing seen here, which is also what peers that fake NAT "
                    + "detection to force UDP encapsulation look like");
        }
        String floatText;
        if (sa.floatPacket() > 0) {
            floatText = "; IKE moved to UDP 4500 at #" + sa.floatPacket() + " (NAT-T float)";
            evidence.add(sa.floatPacket());
        } else {
            floatText = "; no move to UDP 4500 was seen";
        }
        out.add(Finding.of(ID, Severity.INFO, Text.ikeSa(sa) + ": " + String.join(", and ", sides) + floatText,
                evidence,
                "A NAT between that peer and the capture point rewrote its address or port (or, for a destination "
                        + "hash, the capture point is inside the other peer's NAT). If there is no NAT on this path, "
                        + "the peer fakes NAT detection to force UDP encapsulation (encap = yes in strongSwan and "
                        + "ipsec4j; strongSwan's kernel-libipsec always does).",
                "Nothing, if the peers moved to UDP 4500 and ESP travels in UDP. Otherwise allow UDP 4500 both ways, "
                        + "and keep NAT keepalives (RFC 3948 §2.3) more frequent than the NAT's UDP timeout."));
    }
}
