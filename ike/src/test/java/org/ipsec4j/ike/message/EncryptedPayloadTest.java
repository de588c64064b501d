package org.ipsec4j.ike.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;

/** SK (RFC 7296 §3.14) and SKF (RFC 7383 §2.5): opaque bodies, next payload = first inner type, always last. */
class EncryptedPayloadTest {

    private static final IkeHeader AUTH = IkeHeader.of(0x1111L, 0x2222L, ExchangeType.IKE_AUTH, true, false, 1);

    @Test
    void skCarriesTheFirstInnerTypeInItsGenericHeader() throws MalformedMessageException {
        EncryptedPayload sk = new EncryptedPayload(PayloadType.IDI.value(), Hex.bytes("00112233445566778899"));
        byte[] message = MessageCodec.encode(AUTH, List.of(sk));
        assertArrayEquals(Hex.bytes("""
                0000000000001111 0000000000002222 2e 20 23 08 00000001 0000002a
                23 00 000e 00112233445566778899
                """), message);
        IkeMessage m = MessageCodec.decode(message, 0, message.length);
        assertEquals(List.of(sk), m.payloads());
        assertSame(m.payloads().getLast(), m.encrypted());
        // The associated data is everything before the body.
        assertEquals(32, message.length - sk.body().length);
    }

    @Test
    void innerChainRoundTrip() throws MalformedMessageException {
        List<Payload> inner = List.of(
                new IdentificationPayload(true, IdentificationType.FQDN, "sun".getBytes()),
                new AuthenticationPayload(AuthMethod.SHARED_KEY, new byte[32]),
                NotifyPayload.of(NotifyType.INITIAL_CONTACT));
        byte[] plain = MessageCodec.encodePayloads(inner);
        assertEquals(PayloadType.IDI.value(), MessageCodec.firstType(inner));
        assertEquals(0, plain[plain.length - 8], "the last payload's next payload is 0");
        assertEquals(inner, MessageCodec.decodePayloads(MessageCodec.firstType(inner), plain, 0, plain.length));
    }

    @Test
    void fragments() throws MalformedMessageException {
        EncryptedFragmentPayload first = new EncryptedFragmentPayload(PayloadType.IDI.value(), 1, 3, new byte[40]);
        EncryptedFragmentPayload second = new EncryptedFragmentPayload(0, 2, 3, new byte[40]);
        for (EncryptedFragmentPayload f : List.of(first, second)) {
            byte[] message = MessageCodec.encode(AUTH, List.of(f));
            assertEquals(List.of(f), MessageCodec.decode(message, 0, message.length).payloads());
        }
        assertArrayEquals(Hex.bytes("0002 0003"), java.util.Arrays.copyOf(RoundTrip.body(second), 4));
    }

    @Test
    void fragmentNumbersAreChecked() {
        RoundTrip.rejects(PayloadType.SKF, Hex.bytes("0000 0003 00"));   // fragment 0
        RoundTrip.rejects(PayloadType.SKF, Hex.bytes("0004 0003 00"));   // beyond the total
        RoundTrip.rejects(PayloadType.SKF, Hex.bytes("0001 0000 00"));   // total 0
        RoundTrip.rejects(PayloadType.SKF, Hex.bytes("0001 00"));
        assertThrows(IllegalArgumentException.class, () -> new EncryptedFragmentPayload(35, 2, 3, new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> new EncryptedFragmentPayload(0, 4, 3, new byte[0]));
    }

    @Test
    void nonFirstFragmentMustNotNameAnInnerPayload() throws MalformedMessageException {
        byte[] message = MessageCodec.encode(AUTH, List.of(new EncryptedFragmentPayload(0, 2, 2, new byte[8])));
        message[IkeHeader.LENGTH] = 35;
        byte[] m = message;
        assertThrows(MalformedMessageException.class, () -> MessageCodec.decode(m, 0, m.length));
    }

    @Test
    void encryptedPayloadMustBeLast() {
        byte[] message = MessageCodec.encode(AUTH, List.of(new EncryptedPayload(0, new byte[16])));
        byte[] longer = RoundTrip.concat(message, new byte[8]);
        longer[27] = (byte) longer.length; // header length now covers 8 more bytes
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> MessageCodec.decode(longer, 0, longer.length));
        assertEquals(IkeHeader.LENGTH, e.offset());
        assertThrows(IllegalArgumentException.class, () -> MessageCodec.encode(AUTH,
                List.of(new EncryptedPayload(0, new byte[16]), NotifyPayload.of(NotifyType.COOKIE))));
    }

    @Test
    void noEncryptedPayloadInsideOne() {
        byte[] nested = RoundTrip.chain(PayloadType.SK.value(), new byte[8]);
        assertThrows(MalformedMessageException.class,
                () -> MessageCodec.decodePayloads(PayloadType.SK.value(), nested, 0, nested.length));
        byte[] fragment = RoundTrip.chain(PayloadType.SKF.value(), Hex.bytes("0001 0001"));
        assertThrows(MalformedMessageException.class,
                () -> MessageCodec.decodePayloads(PayloadType.SKF.value(), fragment, 0, fragment.length));
        assertThrows(IllegalArgumentException.class,
                () -> MessageCodec.encodePayloads(List.of(new EncryptedPayload(0, new byte[0]))));
    }
}
