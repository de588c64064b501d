package org.ipsec4j.diag.analyze;

/**
 * NAT_DETECTION_SOURCE_IP / _DESTINATION_IP of an IKE_SA_INIT exchange recomputed against the addresses and
 * ports the capture saw (RFC 7296 §2.23: SHA-1 of SPIi, SPIr, address and port; SPIr is 0 in the request).
 * A source hash that does not match means the sender's address or port was rewritten between the sender and
 * the capture point; a destination hash that does not match means the sender addressed a different address
 * or port than the one seen here, so a NAT between the sender and the capture point rewrote the destination
 * (the capture point is inside the receiver's NAT). Each field is null until its hash was checked.
 */
public final class NatDetectionResult {

    Boolean requestSourceMatches;
    Boolean requestDestinationMatches;
    Boolean responseSourceMatches;
    Boolean responseDestinationMatches;
    long requestPacket = -1;
    long responsePacket = -1;
    ObservationPoint point;

    public boolean evaluated() {
        return requestSourceMatches != null || requestDestinationMatches != null || responseSourceMatches != null
                || responseDestinationMatches != null;
    }

    /** The initiator's address was translated on its way to the capture point, or its peer answered elsewhere. */
    public boolean initiatorBehindNat() {
        return Boolean.FALSE.equals(requestSourceMatches) || Boolean.FALSE.equals(responseDestinationMatches);
    }

    /** The responder's address was translated, or the initiator addressed another (public) address. */
    public boolean responderBehindNat() {
        return Boolean.FALSE.equals(responseSourceMatches) || Boolean.FALSE.equals(requestDestinationMatches);
    }

    public Boolean requestSourceMatches() {
        return requestSourceMatches;
    }

    public Boolean requestDestinationMatches() {
        return requestDestinationMatches;
    }

    public Boolean responseSourceMatches() {
        return responseSourceMatches;
    }

    public Boolean responseDestinationMatches() {
        return responseDestinationMatches;
    }

    public long requestPacket() {
        return requestPacket;
    }

    public long responsePacket() {
        return responsePacket;
    }

    /** Where the hashes were compared with the addresses: the first point that saw the message. */
    public ObservationPoint point() {
        return point;
    }
}
