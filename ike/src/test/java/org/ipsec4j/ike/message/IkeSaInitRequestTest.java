package org.ipsec4j.ike.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * A complete IKE_SA_INIT request built byte by byte from RFC 7296 §3 (and RFC 7383, RFC 7427 for two of its
 * notifications), as a modern initiator sends it: HDR, SAi1, KEi, Ni, N(NAT_DETECTION_SOURCE_IP),
 * N(NAT_DETECTION_DESTINATION_IP), N(IKEV2_FRAGMENTATION_SUPPORTED), N(SIGNATURE_HASH_ALGORITHMS).
 */
class IkeSaInitRequestTest {

    static final byte[] REQUEST = Hex.bytes("""
            5f3a9c1d27e4b806 0000000000000000   // SPIi, SPIr (zero in the first message)
            21 20 22 08                         // next SA, version 2.0, IKE_SA_INIT, flags I
            00000000 000000fe                   // message ID 0, length 254

            22 00 0028                          // SA: next KE, length 40
              00 00 0024 01 01 00 03            //   last proposal, length 36, #1, IKE, no SPI, 3 transforms
                03 00 000c 01 00 0014 800e 0100 //     ENCR AES-GCM-16, key length 256
                03 00 0008 02 00 0005           //     PRF HMAC-SHA2-256
                00 00 0008 04 00 0013           //     DH group 19 (ECP-256)

            28 00 0048 0013 0000                // KE: next Nonce, length 72, group 19
              6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296   // x (P-256 base point)
              4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5   // y

            29 00 0024                          // Nonce: next Notify, length 36
              a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0

            29 00 001c 00 00 4004               // N(NAT_DETECTION_SOURCE_IP), length 28
              0102030405060708090a0b0c0d0e0f1011121314
            29 00 001c 00 00 4005               // N(NAT_DETECTION_DESTINATION_IP)
              15161718191a1b1c1d1e1f202122232425262728
            29 00 0008 00 00 402e               // N(IKEV2_FRAGMENTATION_SUPPORTED)
            00 00 000e 00 00 402f 0002 0003 0004 // N(SIGNATURE_HASH_ALGORITHMS): SHA2-256, -384, -512; last
            """);

    @Test
    void decodesEveryPayload() throws MalformedMessageException {
        IkeMessage m = MessageCodec.decode(REQUEST, 0, REQUEST.length);
        IkeHeader h = m.header();
        assertEquals(0x5f3a9c1d27e4b806L, h.initiatorSpi());
        assertEquals(0, h.responderSpi());
        assertEquals(ExchangeType.IKE_SA_INIT, h.exchange());
        assertTrue(h.initiator());
        assertFalse(h.response());
        assertEquals(254, h.length());
        assertEquals(7, m.payloads().size());

        Proposal p = m.first(SecurityAssociationPayload.class).proposals().getFirst();
        assertEquals(ProtocolId.IKE, p.protocolId());
        assertEquals(List.of(Transform.of(TransformType.ENCR, 20, 256), Transform.of(TransformType.PRF, 5),
                Transform.of(TransformType.DH, 19)), p.transforms());

        KeyExchangePayload ke = m.first(KeyExchangePayload.class);
        assertEquals(19, ke.dhGroup());
        assertEquals(64, ke.data().length);
        assertEquals(32, m.first(NoncePayload.class).nonce().length);

        assertEquals(4, m.notifies().size());
        assertEquals(20, m.notify(NotifyType.NAT_DETECTION_SOURCE_IP).data().length);
        assertArrayEquals(Hex.bytes("15161718191a1b1c1d1e1f202122232425262728"),
                m.notify(NotifyType.NAT_DETECTION_DESTINATION_IP).data());
        assertEquals(0, m.notify(NotifyType.IKEV2_FRAGMENTATION_SUPPORTED).data().length);
        assertArrayEquals(Hex.bytes("000200030004"), m.notify(NotifyType.SIGNATURE_HASH_ALGORITHMS).data());
        assertNull(m.notify(NotifyType.COOKIE));
        assertEquals(-1, m.unsupportedCriticalPayload());
        assertNull(m.encrypted());
    }

    @Test
    void encodesTheSameBytes() throws MalformedMessageException {
        IkeMessage m = MessageCodec.decode(REQUEST, 0, REQUEST.length);
        IkeHeader blank = IkeHeader.of(0x5f3a9c1d27e4b806L, 0, ExchangeType.IKE_SA_INIT, true, false, 0);
        assertArrayEquals(REQUEST, MessageCodec.encode(blank, m.payloads()));
        assertArrayEquals(REQUEST, MessageCodec.encode(m.header(), m.payloads()));
    }

    @Test
    void decodesAtAnOffset() throws MalformedMessageException {
        byte[] padded = RoundTrip.concat(new byte[4], REQUEST, new byte[3]); // e.g. after the non-ESP marker
        assertEquals(MessageCodec.decode(REQUEST, 0, REQUEST.length), MessageCodec.decode(padded, 4, REQUEST.length));
    }

    @Test
    void everyTruncationIsRejected() {
        for (int n = 0; n < REQUEST.length; n++) {
            byte[] cut = Arrays.copyOf(REQUEST, n);
            assertThrows(MalformedMessageException.class, () -> MessageCodec.decode(cut, 0, cut.length));
            if (n >= IkeHeader.LENGTH && n != 28 + 40 + 72 + 36 + 28 + 28 + 8) {
                cut[27] = (byte) n; // even with a header length that agrees, the chain does not end right
                assertThrows(MalformedMessageException.class, () -> MessageCodec.decode(cut, 0, cut.length),
                        "cut to " + n);
            }
        }
    }

    @Test
    void cookieResponse() throws MalformedMessageException {
        // The responder's answer demanding a cookie (RFC 7296 §2.6): HDR(A,0), N(COOKIE).
        byte[] response = Hex.bytes("""
                5f3a9c1d27e4b806 0000000000000000 29 20 22 20 00000000 00000034
                00 00 0018 00 00 4006 00112233445566778899aabbccddeeff
                """);
        IkeMessage m = MessageCodec.decode(response, 0, response.length);
        assertTrue(m.header().response());
        assertEquals(16, m.notify(NotifyType.COOKIE).data().length);
        assertArrayEquals(response, MessageCodec.encode(m.header(), m.payloads()));
    }
}
