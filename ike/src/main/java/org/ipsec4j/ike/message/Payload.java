package org.ipsec4j.ike.message;

/**
 * One IKEv2 payload, without its generic payload header (RFC 7296 §3.2): {@link MessageCodec} reads and writes
 * that header (next payload, critical bit, length) once for all types, and each payload class parses and
 * encodes only its body.
 */
public sealed interface Payload permits SecurityAssociationPayload, KeyExchangePayload, IdentificationPayload,
        CertificatePayload, CertificateRequestPayload, AuthenticationPayload, NoncePayload, NotifyPayload,
        DeletePayload, VendorIdPayload, TrafficSelectorPayload, ConfigurationPayload, EapPayload, EncryptedPayload,
        EncryptedFragmentPayload, UnknownPayload {

    /** The payload type; null only for an {@link UnknownPayload}. */
    PayloadType type();

    /** The payload type as carried in the previous "Next Payload" field. */
    default int typeValue() {
        return type().value();
    }

    /**
     * The generic header's critical bit: always false for the types this codec knows (§3.2: it is set to zero
     * for them and ignored on receipt), kept as received for an {@link UnknownPayload}.
     */
    default boolean critical() {
        return false;
    }

    /** The length of the body, after the 4-byte generic payload header. */
    int bodyLength();

    /** Writes the body, {@link #bodyLength()} bytes, at {@code out[off]}. */
    void encodeBody(byte[] out, int off);
}
