package org.ipsec4j.ike.message;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BinaryOperator;
import java.util.function.IntUnaryOperator;

import org.ipsec4j.wire.BigEndian;

/**
 * Reads and writes IKE messages (RFC 7296 §3): the header, then the chain of payloads, each behind a generic
 * payload header (next payload type, critical bit, 7 reserved bits, payload length including the header,
 * §3.2) that is handled here once for all types.
 *
 * <p>Decoding is strict: every length must be at least the generic header and fit in what encloses it, the
 * chain must end exactly at the end of the message, an SK or SKF payload must be the last one (its next
 * payload field names the first inner payload instead, §3.14, RFC 7383 §2.5), and the payload bodies must be
 * well formed. Decoding throws nothing but {@link MalformedMessageException}, whatever the input: every read
 * is checked against the bounds first, and nothing is allocated that is larger than the input.
 */
public final class MessageCodec {

    /** The largest payload body: the 16-bit payload length includes the 4-byte generic header. */
    public static final int MAX_BODY_LENGTH = 65535 - 4;
    static final int GENERIC_HEADER_LENGTH = 4;
    private static final int CRITICAL = 0x80;

    private MessageCodec() {}

    /**
     * Decodes the message in {@code b[off, off+len)}, one UDP datagram's payload (without the 4-byte non-ESP
     * marker on port 4500). The header's length field must equal {@code len}.
     */
    public static IkeMessage decode(byte[] b, int off, int len) throws MalformedMessageException {
        Octets.checkBounds(b, off, len);
        IkeHeader header = IkeHeader.parse(b, off, len);
        Octets.require(header.length() == len, "ike.length", off + 24,
                "length field " + header.length() + " in a datagram of " + len + " bytes");
        List<Payload> payloads = decodeChain(header.nextPayload(), b, off + IkeHeader.LENGTH,
                len - IkeHeader.LENGTH, true);
        return new IkeMessage(header, payloads);
    }

    /**
     * Decodes the payload chain inside a decrypted SK payload (or reassembled SKF fragments): {@code firstType}
     * is the SK payload's next payload field, the chain must end with next payload 0 exactly at the end of the
     * range, and an encrypted payload inside is refused (§3.14).
     */
    public static List<Payload> decodePayloads(int firstType, byte[] b, int off, int len)
            throws MalformedMessageException {
        Octets.checkBounds(b, off, len);
        return decodeChain(firstType, b, off, len, false);
    }

    private static List<Payload> decodeChain(int firstType, byte[] b, int off, int len, boolean outer)
            throws MalformedMessageException {
        List<Payload> payloads = new ArrayList<>();
        int type = firstType;
        int pos = off;
        int end = off + len;
        while (type != PayloadType.NONE.value()) {
            Octets.require(end - pos >= GENERIC_HEADER_LENGTH, "payload", pos, "payload type " + type
                    + " announced, " + (end - pos) + " bytes left");
            int next = BigEndian.u8(b, pos);
            boolean critical = (BigEndian.u8(b, pos + 1) & CRITICAL) != 0;
            int length = BigEndian.u16(b, pos + 2);
            Octets.require(length >= GENERIC_HEADER_LENGTH && length <= end - pos, "payload.length", pos + 2,
                    "length " + length + " outside " + GENERIC_HEADER_LENGTH + ".." + (end - pos));
            int bodyOff = pos + GENERIC_HEADER_LENGTH;
            int bodyLen = length - GENERIC_HEADER_LENGTH;
            PayloadType known = PayloadType.of(type);
            if (known == PayloadType.SK || known == PayloadType.SKF) {
                Octets.require(outer, "payload", pos, known + " inside an encrypted payload (RFC 7296 §3.14)");
                Octets.require(pos + length == end, "payload", pos, known + " is not the last payload ("
                        + (end - pos - length) + " bytes follow)");
                payloads.add(known == PayloadType.SK ? EncryptedPayload.parseBody(next, b, bodyOff, bodyLen)
                        : EncryptedFragmentPayload.parseBody(next, b, bodyOff, bodyLen));
                return payloads;
            }
            payloads.add(known == null ? UnknownPayload.parseBody(type, critical, b, bodyOff, bodyLen)
                    : parseBody(known, b, bodyOff, bodyLen));
            pos += length;
            type = next;
        }
        Octets.require(pos == end, "payload", pos, (end - pos) + " bytes after the last payload");
        return payloads;
    }

    private static Payload parseBody(PayloadType type, byte[] b, int off, int len) throws MalformedMessageException {
        return switch (type) {
            case SA -> SecurityAssociationPayload.parseBody(b, off, len);
            case KE -> KeyExchangePayload.parseBody(b, off, len);
            case IDI -> IdentificationPayload.parseBody(true, b, off, len);
            case IDR -> IdentificationPayload.parseBody(false, b, off, len);
            case CERT -> CertificatePayload.parseBody(b, off, len);
            case CERTREQ -> CertificateRequestPayload.parseBody(b, off, len);
            case AUTH -> AuthenticationPayload.parseBody(b, off, len);
            case NONCE -> NoncePayload.parseBody(b, off, len);
            case NOTIFY -> NotifyPayload.parseBody(b, off, len);
            case DELETE -> DeletePayload.parseBody(b, off, len);
            case VENDOR_ID -> VendorIdPayload.parseBody(b, off, len);
            case TSI -> TrafficSelectorPayload.parseBody(true, b, off, len);
            case TSR -> TrafficSelectorPayload.parseBody(false, b, off, len);
            case CP -> ConfigurationPayload.parseBody(b, off, len);
            case EAP -> EapPayload.parseBody(b, off, len);
            // NONE ends the chain before this switch; SK and SKF are handled by the caller.
            case NONE, SK, SKF -> throw new IllegalStateException(type.toString());
        };
    }

    /**
     * Encodes a message: the header with its next payload field set to the first payload's type (0 without
     * payloads) and its length to the total, then the payloads. An SK or SKF payload may only be last.
     *
     * @throws IllegalArgumentException if an encrypted payload is not last
     */
    public static byte[] encode(IkeHeader header, List<Payload> payloads) {
        int length = IkeHeader.LENGTH + chainLength(payloads, true);
        byte[] out = new byte[length];
        header.withNextPayloadAndLength(payloads.isEmpty() ? 0 : payloads.getFirst().typeValue(), length)
                .encode(out, 0);
        encodeChain(payloads, out, IkeHeader.LENGTH);
        return out;
    }

    /**
     * Encodes the payload chain that goes, encrypted, inside an SK payload; the last payload's next payload
     * field is 0, and the first payload's type is the SK payload's {@code firstInnerPayload}.
     *
     * @throws IllegalArgumentException if the list holds an encrypted payload
     */
    public static byte[] encodePayloads(List<Payload> payloads) {
        byte[] out = new byte[chainLength(payloads, false)];
        encodeChain(payloads, out, 0);
        return out;
    }

    /**
     * Encodes a protected message: the header, any clear payloads, then an SK payload holding the inner
     * payloads sealed by the crypto layer (RFC 7296 §3.14). The SK body's length must be known before sealing,
     * because the associated data (the message up to the body) carries the final length fields.
     *
     * @param sealedLength the body length for a plaintext length, e.g. {@code cipher::sealedLength}
     * @param seal         (associated data, plaintext) → body of exactly that length, e.g. {@code cipher::seal}
     */
    public static byte[] encodeEncrypted(IkeHeader header, List<Payload> clearPayloads, List<Payload> innerPayloads,
                                         IntUnaryOperator sealedLength, BinaryOperator<byte[]> seal) {
        byte[] plaintext = encodePayloads(innerPayloads);
        int bodyLength = sealedLength.applyAsInt(plaintext.length);
        List<Payload> all = new ArrayList<>(clearPayloads);
        all.add(new EncryptedPayload(firstType(innerPayloads), new byte[bodyLength]));
        return sealInto(encode(header, all), bodyLength, plaintext, seal);
    }

    /**
     * Encodes one fragment of a protected message (RFC 7383 §2.5): {@code chunk} is this fragment's part of
     * the encoded inner payload chain, sealed with the fragment's own associated data.
     */
    public static byte[] encodeEncryptedFragment(IkeHeader header, int firstInnerPayload, int fragmentNumber,
                                                 int totalFragments, byte[] chunk, IntUnaryOperator sealedLength,
                                                 BinaryOperator<byte[]> seal) {
        int bodyLength = sealedLength.applyAsInt(chunk.length);
        byte[] message = encode(header, List.of(new EncryptedFragmentPayload(fragmentNumber == 1 ? firstInnerPayload : 0,
                fragmentNumber, totalFragments, new byte[bodyLength])));
        return sealInto(message, bodyLength, chunk, seal);
    }

    private static byte[] sealInto(byte[] message, int bodyLength, byte[] plaintext, BinaryOperator<byte[]> seal) {
        int bodyOff = message.length - bodyLength;
        byte[] body = seal.apply(Arrays.copyOf(message, bodyOff), plaintext);
        if (body.length != bodyLength) {
            throw new IllegalStateException("sealed " + body.length + " bytes, announced " + bodyLength);
        }
        System.arraycopy(body, 0, message, bodyOff, bodyLength);
        return message;
    }

    /**
     * The associated data of a received protected message: its bytes from the header up to the SK or SKF
     * body (the IV), which the ICV or AEAD tag covers (RFC 7296 §3.14, RFC 7383 §2.5).
     *
     * @param b       the datagram the message was decoded from, starting at {@code off}
     * @param decoded its decoding, whose last payload is SK or SKF
     */
    public static byte[] associatedData(byte[] b, int off, IkeMessage decoded) {
        int bodyLength = switch (decoded.encrypted()) {
            case EncryptedPayload sk -> sk.bodyLength();
            case EncryptedFragmentPayload skf -> skf.bodyLength() - 4;
            case null, default -> throw new IllegalArgumentException("no encrypted payload in " + decoded);
        };
        return Arrays.copyOfRange(b, off, off + decoded.header().length() - bodyLength);
    }

    /** The type value of the first payload of a chain, 0 for an empty one: an SK payload's first inner payload. */
    public static int firstType(List<Payload> payloads) {
        return payloads.isEmpty() ? 0 : payloads.getFirst().typeValue();
    }

    private static int chainLength(List<Payload> payloads, boolean outer) {
        long length = 0;
        for (int i = 0; i < payloads.size(); i++) {
            Payload p = payloads.get(i);
            if (p instanceof EncryptedPayload || p instanceof EncryptedFragmentPayload) {
                if (!outer) {
                    throw new IllegalArgumentException(p.type() + " inside an encrypted payload (RFC 7296 §3.14)");
                }
                if (i != payloads.size() - 1) {
                    throw new IllegalArgumentException(p.type() + " must be the last payload, not " + (i + 1)
                            + " of " + payloads.size());
                }
            }
            int body = p.bodyLength();
            if (body > MAX_BODY_LENGTH) {
                throw new IllegalArgumentException(p.type() + " body of " + body + " bytes exceeds " + MAX_BODY_LENGTH);
            }
            length += GENERIC_HEADER_LENGTH + body;
        }
        if (length > Integer.MAX_VALUE - IkeHeader.LENGTH) {
            throw new IllegalArgumentException("message of " + length + " bytes");
        }
        return (int) length;
    }

    private static void encodeChain(List<Payload> payloads, byte[] out, int off) {
        int pos = off;
        for (int i = 0; i < payloads.size(); i++) {
            Payload p = payloads.get(i);
            int next = switch (p) {
                case EncryptedPayload sk -> sk.firstInnerPayload();
                case EncryptedFragmentPayload skf -> skf.firstInnerPayload();
                default -> i + 1 < payloads.size() ? payloads.get(i + 1).typeValue() : 0;
            };
            int body = p.bodyLength();
            BigEndian.put8(out, pos, next);
            BigEndian.put8(out, pos + 1, p.critical() ? CRITICAL : 0);
            BigEndian.put16(out, pos + 2, GENERIC_HEADER_LENGTH + body);
            p.encodeBody(out, pos + GENERIC_HEADER_LENGTH);
            pos += GENERIC_HEADER_LENGTH + body;
        }
    }
}
