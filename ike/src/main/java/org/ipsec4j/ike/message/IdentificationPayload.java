package org.ipsec4j.ike.message;

import java.util.Arrays;

/**
 * Identification payload, IDi or IDr (RFC 7296 §3.5): an ID type, three reserved bytes and the identity.
 * Address types must carry exactly an address's bytes.
 *
 * @param initiator true for IDi (type 35), false for IDr (type 36)
 * @param idType    one of {@link IdentificationType}'s values, or another from IANA's registry
 */
public record IdentificationPayload(boolean initiator, int idType, byte[] data) implements Payload {

    public IdentificationPayload {
        Octets.checkRange(idType, 0, 255, "ID type");
        data = Octets.copy(data, "data");
        Octets.checkRange(data.length, 0, MessageCodec.MAX_BODY_LENGTH - 4, "identification data length");
        int required = IdentificationType.requiredLength(idType);
        if (required >= 0 && data.length != required) {
            throw new IllegalArgumentException(IdentificationType.name(idType) + " needs " + required
                    + " bytes, not " + data.length);
        }
    }

    @Override
    public PayloadType type() {
        return initiator ? PayloadType.IDI : PayloadType.IDR;
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    /**
     * The payload body, RFC 7296 §2.15's RestOfInitIDPayload / RestOfRespIDPayload (IDx'): ID type, three
     * reserved bytes, data. The AUTH payload signs prf(SK_px, IDx'). The reserved bytes are zero here, as
     * they must be sent (§3.5).
     */
    public byte[] body() {
        byte[] out = new byte[bodyLength()];
        encodeBody(out, 0);
        return out;
    }

    @Override
    public int bodyLength() {
        return 4 + data.length;
    }

    @Override
    public void encodeBody(byte[] out, int off) {
        out[off] = (byte) idType;
        out[off + 1] = 0;
        out[off + 2] = 0;
        out[off + 3] = 0;
        System.arraycopy(data, 0, out, off + 4, data.length);
    }

    public static IdentificationPayload parseBody(boolean initiator, byte[] b, int off, int len)
            throws MalformedMessageException {
        Octets.requireBytes(4, len, "id", off);
        int type = b[off] & 0xFF;
        int required = IdentificationType.requiredLength(type);
        Octets.require(required < 0 || len - 4 == required, "id.data", off + 4,
                IdentificationType.name(type) + " needs " + required + " bytes, has " + (len - 4));
        return new IdentificationPayload(initiator, type, Octets.slice(b, off + 4, len - 4));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IdentificationPayload that && initiator == that.initiator && idType == that.idType
                && Arrays.equals(data, that.data);
    }

    @Override
    public int hashCode() {
        return (Boolean.hashCode(initiator) * 31 + idType) * 31 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "IdentificationPayload[" + (initiator ? "IDi " : "IDr ") + IdentificationType.name(idType) + " "
                + Octets.hex(data) + "]";
    }
}
