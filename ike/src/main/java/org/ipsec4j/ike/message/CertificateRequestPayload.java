package org.ipsec4j.ike.message;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Certificate Request payload (RFC 7296 §3.7): an encoding byte and the trusted authorities, for X.509 the
 * concatenated 20-byte SHA-1 hashes of their SubjectPublicKeyInfo.
 *
 * <p>A length that is not a multiple of 20 is accepted, not rejected: a stray request must not cost the
 * whole exchange; {@link #authorityHashes()} returns the whole hashes only.
 */
public record CertificateRequestPayload(int encoding, byte[] authorities) implements Payload {

    /** The length of one authority hash (SHA-1). */
    public static final int HASH_LENGTH = 20;

    public CertificateRequestPayload {
        Octets.checkRange(encoding, 0, 255, "certificate encoding");
        authorities = Octets.copy(authorities, "authorities");
        Octets.checkRange(authorities.length, 0, MessageCodec.MAX_BODY_LENGTH - 1, "authorities length");
    }

    /** A request for X.509 certificates signed by the authorities with these hashes. */
    public static CertificateRequestPayload x509(List<byte[]> hashes) {
        byte[] all = new byte[hashes.size() * HASH_LENGTH];
        for (int i = 0; i < hashes.size(); i++) {
            if (hashes.get(i).length != HASH_LENGTH) {
                throw new IllegalArgumentException("authority hash of " + hashes.get(i).length + " bytes, not 20");
            }
            System.arraycopy(hashes.get(i), 0, all, i * HASH_LENGTH, HASH_LENGTH);
        }
        return new CertificateRequestPayload(CertificatePayload.X509_SIGNATURE, all);
    }

    @Override
    public PayloadType type() {
        return PayloadType.CERTREQ;
    }

    @Override
    public byte[] authorities() {
        return authorities.clone();
    }

    /** The authorities split into 20-byte hashes; a trailing partial hash is left out. */
    public List<byte[]> authorityHashes() {
        List<byte[]> out = new ArrayList<>(authorities.length / HASH_LENGTH);
        for (int i = 0; i + HASH_LENGTH <= authorities.length; i += HASH_LENGTH) {
            out.add(Arrays.copyOfRange(authorities, i, i + HASH_LENGTH));
        }
        return out;
    }

    @Override
    public int bodyLength() {
        return 1 + authorities.length;
    }

    @Override
    public void encodeBody(byte[] out, int off) {
        out[off] = (byte) encoding;
        System.arraycopy(authorities, 0, out, off + 1, authorities.length);
    }

    public static CertificateRequestPayload parseBody(byte[] b, int off, int len) throws MalformedMessageException {
        Octets.requireBytes(1, len, "certreq", off);
        return new CertificateRequestPayload(b[off] & 0xFF, Octets.slice(b, off + 1, len - 1));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CertificateRequestPayload that && encoding == that.encoding
                && Arrays.equals(authorities, that.authorities);
    }

    @Override
    public int hashCode() {
        return encoding * 31 + Arrays.hashCode(authorities);
    }

    @Override
    public String toString() {
        return "CertificateRequestPayload[encoding " + encoding + ", " + Octets.hex(authorities) + "]";
    }
}
