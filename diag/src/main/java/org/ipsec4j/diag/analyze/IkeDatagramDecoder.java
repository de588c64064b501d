package org.ipsec4j.diag.analyze;

import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

import org.ipsec4j.ike.message.EncryptedFragmentPayload;
import org.ipsec4j.ike.message.EncryptedPayload;
import org.ipsec4j.ike.message.IkeMessage;
import org.ipsec4j.ike.message.MalformedMessageException;
import org.ipsec4j.ike.message.MessageCodec;
import org.ipsec4j.ike.message.NotifyPayload;
import org.ipsec4j.ike.message.NotifyType;
import org.ipsec4j.ike.message.Payload;
import org.ipsec4j.wire.BigEndian;

/**
 * Decodes the clear part of an IKE datagram into an {@link IkeDatagram}. A whole IKEv2 message goes through
 * the ike module's strict {@link MessageCodec}; a message cut short (a first IP fragment, a snapshot length),
 * one the codec refuses, and IKEv1/ISAKMP (whose generic payload header has the same layout, RFC 2408 §3.2)
 * are walked here payload header by payload header, as far as the bytes go.
 */
final class IkeDatagramDecoder {

    static final int HEADER_LENGTH = 28;
    /** A longer chain is not listed further: nothing legitimate comes near it. */
    private static final int MAX_LISTED_PAYLOADS = 64;
    private static final int NOTIFY = 41;
    private static final int SK = 46;
    private static final int SKF = 53;
    private static final int V1_NOTIFY = 11;

    private IkeDatagramDecoder() {}

    /**
     * Decodes the IKE message at {@code b[off, off+present)}, or returns null when fewer than the 28 header
     * bytes are there or the major version is neither 1 nor 2.
     */
    static IkeDatagram decode(byte[] b, int off, int present) {
        if (present < HEADER_LENGTH) {
            return null;
        }
        int version = b[off + 17] & 0xFF;
        int major = version >>> 4;
        if (major != 1 && major != 2) {
            return null;
        }
        long declared = Integer.toUnsignedLong(BigEndian.i32(b, off + 24));
        int length = (int) Math.min(present, Math.max(declared, HEADER_LENGTH));
        Builder out = new Builder(major, version & 0x0F, b, off, length, declared);
        if (major == 2 && declared == length) {
            try {
                IkeMessage message = MessageCodec.decode(b, off, length);
                for (Payload p : message.payloads()) {
                    out.payloads.add(p.typeValue());
                    switch (p) {
                        case NotifyPayload n -> out.notify(n.notifyType(), n.data());
                        case EncryptedPayload sk -> out.encryptedFirst = sk.firstInnerPayload();
                        case EncryptedFragmentPayload skf -> {
                            out.encryptedFirst = skf.firstInnerPayload();
                            out.fragmentNumber = skf.fragmentNumber();
                            out.fragmentTotal = skf.totalFragments();
                        }
                        default -> { }
                    }
                }
                return out.build(null);
            } catch (MalformedMessageException e) {
                out.reset();
                String problem = e.getMessage();
                walk(out, b, off, length);
                return out.build(problem);
            }
        }
        String problem = walk(out, b, off, length);
        if (problem == null && declared > length) {
            problem = "only " + length + " of " + declared + " bytes present";
        }
        return out.build(problem);
    }

    /** Walks the generic payload headers; returns a problem, or null if the chain ended cleanly. */
    private static String walk(Builder out, byte[] b, int off, int length) {
        int end = off + length;
        int type = b[off + 16] & 0xFF;
        int pos = off + HEADER_LENGTH;
        boolean v2 = out.major == 2;
        if (!v2 && (b[off + 19] & 0x01) != 0) {
            // IKEv1 E flag: everything after the header is ciphertext; the header names the first payload.
            if (type != 0) {
                out.payloads.add(type);
            }
            return null;
        }
        while (type != 0) {
            if (out.payloads.size() >= MAX_LISTED_PAYLOADS) {
                return "more than " + MAX_LISTED_PAYLOADS + " payloads";
            }
            if (end - pos < 4) {
                return end - pos == 0 && out.cut() ? null : "payload header cut at offset " + (pos - off);
            }
            int next = b[pos] & 0xFF;
            int payloadLength = BigEndian.u16(b, pos + 2);
            out.payloads.add(type);
            if (payloadLength < 4) {
                return "payload length " + payloadLength + " at offset " + (pos - off);
            }
            int bodyOff = pos + 4;
            int bodyPresent = Math.min(payloadLength, end - pos) - 4;
            if (v2 && (type == SK || type == SKF)) {
                out.encryptedFirst = next;
                if (type == SKF && bodyPresent >= 4) {
                    out.fragmentNumber = BigEndian.u16(b, bodyOff);
                    out.fragmentTotal = BigEndian.u16(b, bodyOff + 2);
                }
                return null;
            }
            if (v2 && type == NOTIFY && bodyPresent >= 4) {
                int spiSize = b[bodyOff + 1] & 0xFF;
                int dataOff = bodyOff + 4 + spiSize;
                int dataLength = bodyOff + bodyPresent - dataOff;
                byte[] data = dataLength > 0 ? java.util.Arrays.copyOfRange(b, dataOff, dataOff + dataLength) : new byte[0];
                out.notify(BigEndian.u16(b, bodyOff + 2), data);
            } else if (!v2 && type == V1_NOTIFY && bodyPresent >= 8) {
                out.notifies.add(BigEndian.u16(b, bodyOff + 6));
            }
            if (payloadLength > end - pos) {
                return out.cut() ? null : "payload length " + payloadLength + " runs past the message end";
            }
            pos += payloadLength;
            type = next;
        }
        return pos == end ? null : (end - pos) + " bytes after the last payload";
    }

    private static final class Builder {
        final int major;
        final int minor;
        final byte[] b;
        final int off;
        final int length;
        final long declared;
        final List<Integer> payloads = new ArrayList<>(8);
        final List<Integer> notifies = new ArrayList<>(4);
        final List<byte[]> natdSource = new ArrayList<>(1);
        byte[] natdDestination;
        int encryptedFirst = -1;
        int fragmentNumber;
        int fragmentTotal;

        Builder(int major, int minor, byte[] b, int off, int length, long declared) {
            this.major = major;
            this.minor = minor;
            this.b = b;
            this.off = off;
            this.length = length;
            this.declared = declared;
        }

        boolean cut() {
            return length < declared;
        }

        void notify(int type, byte[] data) {
            notifies.add(type);
            if (type == NotifyType.NAT_DETECTION_SOURCE_IP) {
                natdSource.add(data);
            } else if (type == NotifyType.NAT_DETECTION_DESTINATION_IP) {
                natdDestination = data;
            }
        }

        void reset() {
            payloads.clear();
            notifies.clear();
            natdSource.clear();
            natdDestination = null;
            encryptedFirst = -1;
            fragmentNumber = 0;
            fragmentTotal = 0;
        }

        IkeDatagram build(String problem) {
            CRC32C crc = new CRC32C();
            crc.update(b, off, length);
            long fingerprint = (crc.getValue() << 32) ^ length;
            return new IkeDatagram(major, minor, BigEndian.i64(b, off), BigEndian.i64(b, off + 8), b[off + 18] & 0xFF,
                    b[off + 19] & 0xFF, BigEndian.i32(b, off + 20), declared, length, List.copyOf(payloads),
                    encryptedFirst, fragmentNumber, fragmentTotal, List.copyOf(notifies), List.copyOf(natdSource),
                    natdDestination, problem, fingerprint);
        }
    }
}
