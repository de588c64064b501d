package org.ipsec4j.ike.sa;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

import org.ipsec4j.ike.crypto.IntegrityCheckFailedException;
import org.ipsec4j.ike.crypto.SkCipher;
import org.ipsec4j.ike.message.EncryptedFragmentPayload;
import org.ipsec4j.ike.message.EncryptedPayload;
import org.ipsec4j.ike.message.IkeHeader;
import org.ipsec4j.ike.message.IkeMessage;
import org.ipsec4j.ike.message.MalformedMessageException;
import org.ipsec4j.ike.message.MessageCodec;
import org.ipsec4j.ike.message.Payload;
import org.ipsec4j.ike.message.PayloadType;

/**
 * The Encrypted payload (RFC 7296 §3.14) and its fragments (RFC 7383): seals the inner payloads of an
 * outgoing message — in one SK payload, or split over SKF payloads when the message would not fit the
 * fragment size — and opens and reassembles incoming ones. One instance per IKE SA; the two SkCiphers are
 * our sending and receiving directions.
 */
final class MessageProtection {

    /** RFC 7383 §2.5: SKF fields after the generic header: fragment number and total fragments. */
    private static final int SKF_HEADER = 8;
    private static final int SK_HEADER = 4;
    /** A hostile peer must not make us hold many fragments: 64 covers a 30 kB message at 576 bytes. */
    static final int MAX_FRAGMENTS = 64;

    private final SkCipher sender;
    private final SkCipher receiver;
    /** One reassembly each for requests and responses: the two flows run independently. */
    private final Reassembly[] reassembly = new Reassembly[2];

    MessageProtection(SkCipher sender, SkCipher receiver) {
        this.sender = sender;
        this.receiver = receiver;
    }

    /**
     * The datagrams of one protected message: a single SK message if it fits {@code maxMessageLength} (or
     * fragmentation is off), otherwise SKF fragments each within it.
     */
    List<byte[]> seal(IkeHeader header, List<Payload> inner, boolean fragmentation, int maxMessageLength) {
        byte[] plain = inner.isEmpty() ? new byte[0] : MessageCodec.encodePayloads(inner);
        int first = inner.isEmpty() ? 0 : inner.get(0).typeValue();
        int whole = IkeHeader.LENGTH + SK_HEADER + sender.sealedLength(plain.length);
        if (!fragmentation || whole <= maxMessageLength) {
            return List.of(sealOne(header, first, plain));
        }
        int chunk = largestPlaintext(maxMessageLength - IkeHeader.LENGTH - SKF_HEADER);
        int total = (plain.length + chunk - 1) / chunk;
        List<byte[]> out = new ArrayList<>(total);
        for (int i = 0; i < total; i++) {
            int from = i * chunk;
            int len = Math.min(chunk, plain.length - from);
            byte[] part = new byte[len];
            System.arraycopy(plain, from, part, 0, len);
            out.add(sealFragment(header, i == 0 ? first : 0, i + 1, total, part));
        }
        return out;
    }

    /** The length of the unfragmented SK message whose inner payloads encode to {@code plainLength} bytes. */
    int messageLength(int plainLength) {
        return IkeHeader.LENGTH + SK_HEADER + sender.sealedLength(plainLength);
    }

    private int largestPlaintext(int space) {
        int n = space;
        while (n > 1 && sender.sealedLength(n) > space) {
            n--;
        }
        if (n <= 1) {
            throw new IllegalArgumentException("fragment size too small for the cipher");
        }
        return n;
    }

    private byte[] sealOne(IkeHeader h, int firstInner, byte[] plain) {
        int sealed = sender.sealedLength(plain.length);
        int length = IkeHeader.LENGTH + SK_HEADER + sealed;
        byte[] aad = new byte[IkeHeader.LENGTH + SK_HEADER];
        withLength(h, PayloadType.SK.value(), length).encode(aad, 0);
        aad[IkeHeader.LENGTH] = (byte) firstInner;
        writeShort(aad, IkeHeader.LENGTH + 2, SK_HEADER + sealed);
        return concat(aad, sender.seal(aad, plain));
    }

    private byte[] sealFragment(IkeHeader h, int firstInner, int number, int total, byte[] plain) {
        int sealed = sender.sealedLength(plain.length);
        int length = IkeHeader.LENGTH + SKF_HEADER + sealed;
        byte[] aad = new byte[IkeHeader.LENGTH + SKF_HEADER];
        withLength(h, PayloadType.SKF.value(), length).encode(aad, 0);
        int o = IkeHeader.LENGTH;
        aad[o] = (byte) firstInner;
        writeShort(aad, o + 2, SKF_HEADER + sealed);
        writeShort(aad, o + 4, number);
        writeShort(aad, o + 6, total);
        return concat(aad, sender.seal(aad, plain));
    }

    /** The result of opening a datagram: the inner payloads once complete, else null (more fragments due). */
    record Opened(List<Payload> payloads, int fragments) {
    }

    /**
     * Opens an SK message or adds an SKF fragment. The integrity check comes first: nothing unauthenticated is
     * kept (RFC 7383 §2.6).
     *
     * @throws IntegrityCheckFailedException the ICV or padding is wrong
     * @throws MalformedMessageException the decrypted content does not parse, or fragments contradict
     */
    Opened open(byte[] datagram, int length, IkeMessage message) throws IntegrityCheckFailedException,
            MalformedMessageException {
        Payload last = message.payloads().isEmpty() ? null : message.payloads().get(message.payloads().size() - 1);
        if (last instanceof EncryptedPayload sk) {
            byte[] plain = receiver.open(aad(datagram, length, sk.body().length), sk.body());
            return new Opened(MessageCodec.decodePayloads(sk.firstInnerPayload(), plain, 0, plain.length), 1);
        }
        if (last instanceof EncryptedFragmentPayload skf) {
            int number = skf.fragmentNumber();
            int total = skf.totalFragments();
            if (number < 1 || total < 1 || number > total || total > MAX_FRAGMENTS) {
                throw new MalformedMessageException("SKF fragment number", IkeHeader.LENGTH + 4,
                        "fragment " + number + " of " + total + " (at most " + MAX_FRAGMENTS + ")");
            }
            byte[] plain = receiver.open(aad(datagram, length, skf.body().length), skf.body());
            int id = message.header().messageId();
            int flow = message.header().response() ? 1 : 0;
            Reassembly r = reassembly[flow];
            if (r == null || r.messageId != id || total > r.parts.length) {
                // §2.6.1: a larger total means the sender re-fragmented for a smaller MTU: start over.
                r = new Reassembly(id, total);
                reassembly[flow] = r;
            } else if (total < r.parts.length) {
                return new Opened(null, 0); // a stale fragment of an earlier, larger split
            }
            if (number == 1) {
                r.firstInner = skf.firstInnerPayload();
            }
            r.parts[number - 1] = plain;
            if (!r.complete()) {
                return new Opened(null, 0);
            }
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            for (byte[] p : r.parts) {
                all.writeBytes(p);
            }
            int firstInner = r.firstInner;
            int count = r.parts.length;
            reassembly[flow] = null;
            byte[] joined = all.toByteArray();
            return new Opened(MessageCodec.decodePayloads(firstInner, joined, 0, joined.length), count);
        }
        throw new MalformedMessageException("encrypted payload", IkeHeader.LENGTH, "no SK or SKF payload last");
    }

    void destroy() {
        sender.destroy();
        receiver.destroy();
        reassembly[0] = null;
        reassembly[1] = null;
    }

    private static byte[] aad(byte[] datagram, int length, int bodyLength) {
        byte[] aad = new byte[length - bodyLength];
        System.arraycopy(datagram, 0, aad, 0, aad.length);
        return aad;
    }

    private static IkeHeader withLength(IkeHeader h, int nextPayload, int length) {
        return new IkeHeader(h.initiatorSpi(), h.responderSpi(), nextPayload, 2, 0, h.exchangeType(), h.initiator(),
                h.response(), false, h.messageId(), length);
    }

    private static void writeShort(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 8);
        b[off + 1] = (byte) v;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = new byte[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    private static final class Reassembly {
        final int messageId;
        final byte[][] parts;
        int firstInner;

        Reassembly(int messageId, int total) {
            this.messageId = messageId;
            this.parts = new byte[total][];
        }

        boolean complete() {
            for (byte[] p : parts) {
                if (p == null) {
                    return false;
                }
            }
            return true;
        }
    }
}
