package org.ipsec4j.diag.analyze;

import java.util.List;

/**
 * What one IKE datagram shows in the clear: the header (RFC 7296 §3.1; RFC 2408 §3.1 for IKEv1/ISAKMP), the
 * chain of payload types, the notify types among them, the NAT_DETECTION hashes, and for a protected IKEv2
 * message the SK payload's first inner payload type or the SKF fragment number (RFC 7383 §2.5).
 *
 * @param majorVersion     2 for IKEv2, 1 for IKEv1/ISAKMP
 * @param flags            the header's flag octet (IKEv2: I 0x08, V 0x10, R 0x20; IKEv1: E 0x01, C 0x02, A 0x04)
 * @param declaredLength   the header's length field
 * @param presentLength    bytes of the message present in the capture (less when cut by a snapshot length
 *                         or seen only as a first IP fragment)
 * @param payloads         the payload types of the clear chain, in order (for IKEv1 with the E flag, only
 *                         the first, announced by the header)
 * @param encryptedFirstPayload the SK/SKF payload's next-payload field (the first inner payload), or -1
 * @param fragmentNumber   SKF fragment number, 0 without SKF
 * @param fragmentTotal    SKF total fragments, 0 without SKF
 * @param notifies         notify types of the clear Notify payloads, in order
 * @param natdSource       the NAT_DETECTION_SOURCE_IP hashes (IKEv2)
 * @param natdDestination  the NAT_DETECTION_DESTINATION_IP hash, or null
 * @param problem          why the message could not be decoded to its end, or null
 * @param fingerprint      a hash of the bytes present: equal for retransmissions of one message
 */
public record IkeDatagram(int majorVersion, int minorVersion, long initiatorSpi, long responderSpi,
        int exchangeType, int flags, int messageId, long declaredLength, int presentLength, List<Integer> payloads,
        int encryptedFirstPayload, int fragmentNumber, int fragmentTotal, List<Integer> notifies,
        List<byte[]> natdSource, byte[] natdDestination, String problem, long fingerprint) {

    public boolean v2() {
        return majorVersion == 2;
    }

    /** IKEv2 I flag: sent by the original initiator of the IKE SA. */
    public boolean fromOriginalInitiator() {
        return (flags & 0x08) != 0;
    }

    /** IKEv2 R flag. */
    public boolean response() {
        return (flags & 0x20) != 0;
    }

    /** IKEv1 E flag: the payloads after the header are encrypted. */
    public boolean v1Encrypted() {
        return majorVersion == 1 && (flags & 0x01) != 0;
    }

    /** Whether the whole message is present (not cut by a snapshot length or an IP fragment's end). */
    public boolean complete() {
        return presentLength >= declaredLength;
    }

    /** IKEv2: the exchange was started by the original initiator (a request with I set, or a response without). */
    public boolean startedByOriginalInitiator() {
        return response() != fromOriginalInitiator();
    }

    /** Carries an SK or SKF payload. */
    public boolean protectedMessage() {
        return encryptedFirstPayload >= 0;
    }
}
