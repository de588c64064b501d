package org.ipsec4j.ike.auth;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Just enough DER (X.690) for AlgorithmIdentifiers, key containers and names: a strict reader (definite,
 * minimal lengths; low tag numbers only) and a writer for the few fixed structures this package builds.
 */
final class Der {

    static final int INTEGER = 0x02;
    static final int BIT_STRING = 0x03;
    static final int OCTET_STRING = 0x04;
    static final int NULL = 0x05;
    static final int OBJECT_IDENTIFIER = 0x06;
    static final int UTF8_STRING = 0x0C;
    static final int PRINTABLE_STRING = 0x13;
    static final int T61_STRING = 0x14;
    static final int IA5_STRING = 0x16;
    static final int UNIVERSAL_STRING = 0x1C;
    static final int BMP_STRING = 0x1E;
    static final int SEQUENCE = 0x30;
    static final int SET = 0x31;

    private static final int MAX_LENGTH_OCTETS = 4;

    private Der() {}

    /** The tag of a constructed context-specific element [n], as in {@code [0] EXPLICIT}. */
    static int context(int n) {
        return 0xA0 | n;
    }

    /** Malformed or unexpected DER; the message says what and where. */
    static final class DerException extends Exception {
        private static final long serialVersionUID = 1L;

        DerException(String message) {
            super(message);
        }
    }

    /** One TLV inside {@code buf}: the header starts at {@code start}, the content is [offset, offset + length). */
    record Element(int tag, byte[] buf, int start, int offset, int length) {

        int end() {
            return offset + length;
        }

        boolean is(int expectedTag) {
            return tag == expectedTag;
        }

        /** A copy of the content octets. */
        byte[] content() {
            return Arrays.copyOfRange(buf, offset, offset + length);
        }

        /** A copy of the whole TLV. */
        byte[] encoded() {
            return Arrays.copyOfRange(buf, start, offset + length);
        }

        Reader reader() {
            return new Reader(buf, offset, offset + length);
        }

        /** The elements of a SEQUENCE, SET or constructed context element, all of them. */
        List<Element> children() throws DerException {
            if ((tag & 0x20) == 0) {
                throw new DerException("element with tag 0x" + Integer.toHexString(tag) + " at " + start
                        + " is not constructed");
            }
            List<Element> out = new ArrayList<>();
            Reader r = reader();
            while (r.hasMore()) {
                out.add(r.next());
            }
            return out;
        }

        Element expect(int expectedTag) throws DerException {
            if (tag != expectedTag) {
                throw new DerException("expected tag 0x" + Integer.toHexString(expectedTag) + " at " + start
                        + ", found 0x" + Integer.toHexString(tag));
            }
            return this;
        }

        /** The dotted text of an OBJECT IDENTIFIER. */
        String oid() throws DerException {
            expect(OBJECT_IDENTIFIER);
            if (length == 0 || (buf[end() - 1] & 0x80) != 0) {
                throw new DerException("malformed object identifier at " + start);
            }
            StringBuilder text = new StringBuilder();
            long arc = 0;
            boolean first = true;
            for (int i = offset; i < end(); i++) {
                int b = buf[i] & 0xFF;
                if (arc == 0 && b == 0x80) {
                    throw new DerException("non-minimal object identifier arc at " + i);
                }
                if (arc > (Long.MAX_VALUE >>> 7)) {
                    throw new DerException("object identifier arc too large at " + i);
                }
                arc = (arc << 7) | (b & 0x7F);
                if ((b & 0x80) == 0) {
                    if (first) {
                        long top = Math.min(arc / 40, 2);
                        text.append(top).append('.').append(arc - 40 * top);
                        first = false;
                    } else {
                        text.append('.').append(arc);
                    }
                    arc = 0;
                }
            }
            return text.toString();
        }

        /** A non-negative INTEGER that fits an int. */
        int smallInteger() throws DerException {
            BigInteger v = integer();
            if (v.signum() < 0 || v.bitLength() > 31) {
                throw new DerException("integer out of range at " + start);
            }
            return v.intValueExact();
        }

        BigInteger integer() throws DerException {
            expect(INTEGER);
            if (length == 0) {
                throw new DerException("empty integer at " + start);
            }
            return new BigInteger(buf, offset, length);
        }
    }

    /** Reads consecutive elements from a region. */
    static final class Reader {
        private final byte[] buf;
        private final int end;
        private int pos;

        Reader(byte[] buf, int offset, int end) {
            this.buf = buf;
            this.pos = offset;
            this.end = end;
        }

        boolean hasMore() {
            return pos < end;
        }

        /** The tag of the next element without consuming it, or -1 at the end. */
        int peekTag() {
            return pos < end ? buf[pos] & 0xFF : -1;
        }

        Element next() throws DerException {
            int start = pos;
            if (end - pos < 2) {
                throw new DerException("truncated element at " + start);
            }
            int tag = buf[pos++] & 0xFF;
            if ((tag & 0x1F) == 0x1F) {
                throw new DerException("high tag number at " + start + " is not supported");
            }
            int first = buf[pos++] & 0xFF;
            int length;
            if (first < 0x80) {
                length = first;
            } else {
                int octets = first & 0x7F;
                if (octets == 0) {
                    throw new DerException("indefinite length at " + start + " is not DER");
                }
                if (octets > MAX_LENGTH_OCTETS || end - pos < octets) {
                    throw new DerException("bad length at " + start);
                }
                long value = 0;
                for (int i = 0; i < octets; i++) {
                    value = (value << 8) | (buf[pos++] & 0xFF);
                }
                if (value < 0x80 || value >>> (8 * (octets - 1)) == 0) {
                    throw new DerException("non-minimal length at " + start);
                }
                if (value > Integer.MAX_VALUE) {
                    throw new DerException("length too large at " + start);
                }
                length = (int) value;
            }
            if (length > end - pos) {
                throw new DerException("element at " + start + " runs past its enclosing data");
            }
            Element e = new Element(tag, buf, start, pos, length);
            pos += length;
            return e;
        }

        Element next(int expectedTag) throws DerException {
            return next().expect(expectedTag);
        }

        /** The next element if it has {@code tag}, else null (nothing consumed). */
        Element optional(int tag) throws DerException {
            return peekTag() == tag ? next() : null;
        }

        void expectEnd() throws DerException {
            if (pos != end) {
                throw new DerException("unexpected data at " + pos);
            }
        }
    }

    /** The single element that {@code b} must consist of, exactly. */
    static Element parse(byte[] b) throws DerException {
        return parse(b, 0, b.length);
    }

    static Element parse(byte[] b, int off, int len) throws DerException {
        Reader r = new Reader(b, off, off + len);
        Element e = r.next();
        r.expectEnd();
        return e;
    }

    // ---- writer ----

    static byte[] tlv(int tag, byte[]... parts) {
        int length = 0;
        for (byte[] p : parts) {
            length += p.length;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(length + 6);
        out.write(tag);
        if (length < 0x80) {
            out.write(length);
        } else {
            int octets = (32 - Integer.numberOfLeadingZeros(length) + 7) / 8;
            out.write(0x80 | octets);
            for (int i = octets - 1; i >= 0; i--) {
                out.write(length >>> (8 * i));
            }
        }
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    static byte[] sequence(byte[]... parts) {
        return tlv(SEQUENCE, parts);
    }

    static byte[] explicit(int n, byte[] inner) {
        return tlv(context(n), inner);
    }

    static byte[] nullValue() {
        return new byte[] {NULL, 0};
    }

    static byte[] integer(long value) {
        return tlv(INTEGER, BigInteger.valueOf(value).toByteArray());
    }

    static byte[] octetString(byte[] content) {
        return tlv(OCTET_STRING, content);
    }

    static byte[] oid(String dotted) {
        String[] arcs = dotted.split("\\.");
        if (arcs.length < 2) {
            throw new IllegalArgumentException("object identifier needs two arcs: " + dotted);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long first = Long.parseLong(arcs[0]);
        long second = Long.parseLong(arcs[1]);
        if (first > 2 || (first < 2 && second >= 40) || second < 0) {
            throw new IllegalArgumentException("bad object identifier: " + dotted);
        }
        writeArc(out, first * 40 + second);
        for (int i = 2; i < arcs.length; i++) {
            long arc = Long.parseLong(arcs[i]);
            if (arc < 0) {
                throw new IllegalArgumentException("bad object identifier: " + dotted);
            }
            writeArc(out, arc);
        }
        return tlv(OBJECT_IDENTIFIER, out.toByteArray());
    }

    private static void writeArc(ByteArrayOutputStream out, long arc) {
        int groups = Math.max(1, (64 - Long.numberOfLeadingZeros(arc) + 6) / 7);
        for (int i = groups - 1; i >= 0; i--) {
            int bits = (int) ((arc >>> (7 * i)) & 0x7F);
            out.write(i == 0 ? bits : bits | 0x80);
        }
    }
}
