package org.ipsec4j.ike.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;

/** Single-payload helpers: through the codec's chain with its generic header, and straight from body bytes. */
final class RoundTrip {

    private RoundTrip() {}

    /** Encodes the payload alone as a chain, decodes it back, checks equality and returns the encoding. */
    static byte[] payload(Payload p) throws MalformedMessageException {
        byte[] chain = MessageCodec.encodePayloads(List.of(p));
        assertEquals(4 + p.bodyLength(), chain.length);
        // A 3-byte shift inside a larger array: offsets must be honored.
        byte[] shifted = new byte[chain.length + 5];
        System.arraycopy(chain, 0, shifted, 3, chain.length);
        List<Payload> back = MessageCodec.decodePayloads(p.typeValue(), shifted, 3, chain.length);
        assertEquals(List.of(p), back);
        assertEquals(p.hashCode(), back.getFirst().hashCode());
        assertArrayEquals(chain, MessageCodec.encodePayloads(back));
        return chain;
    }

    /** The body of a payload, as encodeBody writes it. */
    static byte[] body(Payload p) {
        byte[] out = new byte[p.bodyLength()];
        p.encodeBody(out, 0);
        return out;
    }

    /** A chain of one payload of this type with this body. */
    static byte[] chain(int type, byte[] body) {
        byte[] out = new byte[4 + body.length];
        out[2] = (byte) (out.length >> 8);
        out[3] = (byte) out.length;
        System.arraycopy(body, 0, out, 4, body.length);
        return out;
    }

    /** Decodes a one-payload chain of this type with this body. */
    static Payload decodeBody(PayloadType type, byte[] body) throws MalformedMessageException {
        byte[] chain = chain(type.value(), body);
        List<Payload> payloads = MessageCodec.decodePayloads(type.value(), chain, 0, chain.length);
        assertEquals(1, payloads.size());
        return payloads.getFirst();
    }

    /** Asserts that the body is rejected as malformed, and returns the exception. */
    static MalformedMessageException rejects(PayloadType type, byte[] body) {
        MalformedMessageException e = assertThrows(MalformedMessageException.class, () -> decodeBody(type, body),
                () -> type + " body " + Hex.of(body));
        assertEquals(NotifyType.INVALID_SYNTAX, e.notifyType());
        return e;
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int pos = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, pos, p.length);
            pos += p.length;
        }
        return out;
    }

    static byte[] filled(int n, int value) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) value);
        return b;
    }
}
