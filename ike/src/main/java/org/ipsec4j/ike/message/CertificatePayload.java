package org.ipsec4j.ike.message;

import java.util.Arrays;

/** Certificate payload (RFC 7296 §3.6): an encoding byte and the certificate data. */
public record CertificatePayload(int encoding, byte[] data) implements Payload {

    /** A DER-encoded X.509 certificate. */
    public static final int X509_SIGNATURE = 4;
    /** A DER-encoded X.509 CRL. */
    public static final int CRL = 7;
    /** A raw RSA key (PKCS #1). */
    public static final int RAW_RSA_KEY = 11;
    /** A hash of an X.509 certificate and the URL it can be fetched from. */
    public static final int HASH_AND_URL_X509 = 12;
    /** A hash of an X.509 bundle and its URL. */
    public static final int HASH_AND_URL_BUNDLE = 13;

    public CertificatePayload {
        Octets.checkRange(encoding, 0, 255, "certificate encoding");
        data = Octets.copy(data, "data");
        Octets.checkRange(data.length, 0, MessageCodec.MAX_BODY_LENGTH - 1, "certificate data length");
    }

    @Override
    public PayloadType type() {
        return PayloadType.CERT;
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    @Override
    public int bodyLength() {
        return 1 + data.length;
    }

    @Override
    public void encodeBody(byte[] out, int off) {
        out[off] = (byte) encoding;
        System.arraycopy(data, 0, out, off + 1, data.length);
    }

    public static CertificatePayload parseBody(byte[] b, int off, int len) throws MalformedMessageException {
        Octets.requireBytes(1, len, "cert", off);
        return new CertificatePayload(b[off] & 0xFF, Octets.slice(b, off + 1, len - 1));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CertificatePayload that && encoding == that.encoding && Arrays.equals(data, that.data);
    }

    @Override
    public int hashCode() {
        return encoding * 31 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "CertificatePayload[encoding " + encoding + ", " + data.length + " bytes]";
    }
}
