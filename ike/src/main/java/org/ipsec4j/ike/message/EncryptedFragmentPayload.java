package org.ipsec4j.ike.message;

import java.util.Arrays;

import org.ipsec4j.wire.BigEndian;

/**
 * Encrypted Fragment payload, SKF (RFC 7383 §2.5): fragment number (1-based), total fragments, then IV,
 * ciphertext and ICV as in SK. Only fragment 1 names the first inner payload; the others carry zero
 * there. Like SK it must be the last payload, and the fragment number and total are part of the associated
 * data (everything before {@code body}).
 */
public record EncryptedFragmentPayload(int firstInnerPayload, int fragmentNumber, int totalFragments, byte[] body)
        implements Payload {

    public EncryptedFragmentPayload {
        Octets.checkRange(firstInnerPayload, 0, 255, "first inner payload");
        Octets.checkRange(totalFragments, 1, 65535, "total fragments");
        Octets.checkRange(fragmentNumber, 1, totalFragments, "fragment number");
        if (fragmentNumber > 1 && firstInnerPayload != 0) {
            throw new IllegalArgumentException("fragment " + fragmentNumber + " names a first inner payload ("
                    + firstInnerPayload + "); only fragment 1 does (RFC 7383 §2.5)");
        }
        body = Octets.copy(body, "body");
        Octets.checkRange(body.length, 0, MessageCodec.MAX_BODY_LENGTH - 4, "SKF body length");
    }

    @Override
    public PayloadType type() {
        return PayloadType.SKF;
    }

    @Override
    public byte[] body() {
        return body.clone();
    }

    @Override
    public int bodyLength() {
        return 4 + body.length;
    }

    @Override
    public void encodeBody(byte[] out, int off) {
        BigEndian.put16(out, off, fragmentNumber);
        BigEndian.put16(out, off + 2, totalFragments);
        System.arraycopy(body, 0, out, off + 4, body.length);
    }

    /** Fragment number and total must satisfy 1 ≤ number ≤ total (RFC 7383 §2.6). */
    public static EncryptedFragmentPayload parseBody(int firstInnerPayload, byte[] b, int off, int len)
            throws MalformedMessageException {
        Octets.requireBytes(4, len, "skf", off);
        int number = BigEndian.u16(b, off);
        int total = BigEndian.u16(b, off + 2);
        Octets.require(total >= 1, "skf.total", off + 2, "total fragments 0");
        Octets.require(number >= 1 && number <= total, "skf.number", off, "fragment " + number + " of " + total);
        Octets.require(number == 1 || firstInnerPayload == 0, "skf.nextPayload", off - 4,
                "fragment " + number + " names first inner payload " + firstInnerPayload + "; only fragment 1 may");
        return new EncryptedFragmentPayload(firstInnerPayload, number, total, Octets.slice(b, off + 4, len - 4));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EncryptedFragmentPayload that && firstInnerPayload == that.firstInnerPayload
                && fragmentNumber == that.fragmentNumber && totalFragments == that.totalFragments
                && Arrays.equals(body, that.body);
    }

    @Override
    public int hashCode() {
        return ((firstInnerPayload * 31 + fragmentNumber) * 31 + totalFragments) * 31 + Arrays.hashCode(body);
    }

    @Override
    public String toString() {
        return "EncryptedFragmentPayload[fragment " + fragmentNumber + "/" + totalFragments + ", first inner "
                + firstInnerPayload + ", " + body.length + " bytes]";
    }
}
