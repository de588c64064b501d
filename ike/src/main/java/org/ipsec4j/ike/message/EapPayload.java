package org.ipsec4j.ike.message;

import java.util.Arrays;

import org.ipsec4j.wire.BigEndian;

/**
 * EAP payload (RFC 7296 §3.16): one EAP message (RFC 3748 §4): code, identifier, a 16-bit length that must
 * cover exactly the payload body here, then type and data for requests and responses.
 */
public record EapPayload(byte[] message) implements Payload {

    /** Code, identifier and length: an EAP Success or Failure is just these. */
    public static final int MIN_LENGTH = 4;

    public EapPayload {
        message = Octets.copy(message, "message");
        Octets.checkRange(message.length, MIN_LENGTH, MessageCodec.MAX_BODY_LENGTH, "EAP message length");
        int declared = BigEndian.u16(message, 2);
        if (declared != message.length) {
            throw new IllegalArgumentException("EAP length field " + declared + " but " + message.length + " bytes");
        }
    }

    @Override
    public PayloadType type() {
        return PayloadType.EAP;
    }

    @Override
    public byte[] message() {
        return message.clone();
    }

    /** The EAP code: 1 request, 2 response, 3 success, 4 failure. */
    public int code() {
        return message[0] & 0xFF;
    }

    @Override
    public int bodyLength() {
        return message.length;
    }

    @Override
    public void encodeBody(byte[] out, int off) {
        System.arraycopy(message, 0, out, off, message.length);
    }

    public static EapPayload parseBody(byte[] b, int off, int len) throws MalformedMessageException {
        Octets.requireBytes(MIN_LENGTH, len, "eap", off);
        int declared = BigEndian.u16(b, off + 2);
        Octets.require(declared == len, "eap.length", off + 2, "EAP length " + declared + " in a payload body of "
                + len + " bytes");
        return new EapPayload(Octets.slice(b, off, len));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EapPayload that && Arrays.equals(message, that.message);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(message);
    }

    @Override
    public String toString() {
        // Not the contents: some EAP methods (GTC) carry a password in the clear.
        return "EapPayload[code " + code() + ", identifier " + (message[1] & 0xFF) + ", " + message.length + " bytes"
                + (message.length > 4 ? ", type " + (message[4] & 0xFF) : "") + "]";
    }
}
