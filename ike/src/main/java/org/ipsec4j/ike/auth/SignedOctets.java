package org.ipsec4j.ike.auth;

/**
 * The octets an AUTH payload signs or MACs (RFC 7296 §2.15): the sender's first message (IKE_SA_INIT, whole,
 * from the IKE header on), then the peer's nonce (Ni for the responder, Nr for the initiator, data only), then
 * prf(SK_px, IDx') where IDx' is the sender's ID payload body without its generic header.
 */
public final class SignedOctets {

    private SignedOctets() {}

    /**
     * message | nonce | prf(SK_p, IDx').
     *
     * @param ownFirstMessage the signer's IKE_SA_INIT message as sent (or as received, when checking the peer's)
     * @param peerNonce the other side's nonce data
     * @param prfMacAlgorithm the negotiated prf as a JDK Mac name, e.g. "HmacSHA256"
     * @param skP SK_pi for the initiator's AUTH, SK_pr for the responder's
     * @param idBody the signer's ID payload body: ID type, three reserved octets, identification data
     */
    public static byte[] of(byte[] ownFirstMessage, byte[] peerNonce, String prfMacAlgorithm, byte[] skP, byte[] idBody) {
        byte[] macedId = Prf.apply(prfMacAlgorithm, skP, idBody);
        byte[] out = new byte[ownFirstMessage.length + peerNonce.length + macedId.length];
        System.arraycopy(ownFirstMessage, 0, out, 0, ownFirstMessage.length);
        System.arraycopy(peerNonce, 0, out, ownFirstMessage.length, peerNonce.length);
        System.arraycopy(macedId, 0, out, ownFirstMessage.length + peerNonce.length, macedId.length);
        return out;
    }
}
