package org.ipsec4j.ike.message;

import static org.ipsec4j.ike.message.RoundTrip.rejects;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Notify payload (RFC 7296 §3.10): SPI sizes per protocol, data, error/status split, names. */
class NotifyPayloadTest {

    @Test
    void rekeySaWithEspSpi() throws MalformedMessageException {
        NotifyPayload n = NotifyPayload.esp(NotifyType.REKEY_SA, 0xc0ffee01, new byte[0]);
        assertArrayEquals(Hex.bytes("03 04 4009 c0ffee01"), RoundTrip.body(n));
        RoundTrip.payload(n);
        assertEquals(0xc0ffee01, n.childSpi());
        assertFalse(n.isError());
    }

    @Test
    void cookieWithData() throws MalformedMessageException {
        NotifyPayload n = NotifyPayload.of(NotifyType.COOKIE, Hex.bytes("0102030405060708"));
        assertArrayEquals(Hex.bytes("00 00 4006 0102030405060708"), RoundTrip.body(n));
        assertEquals(n, RoundTrip.decodeBody(PayloadType.NOTIFY, RoundTrip.body(n)));
    }

    @Test
    void errorWithoutSpiOrData() throws MalformedMessageException {
        NotifyPayload n = NotifyPayload.of(NotifyType.NO_PROPOSAL_CHOSEN);
        assertTrue(n.isError());
        assertArrayEquals(Hex.bytes("00 00 000e"), RoundTrip.body(n));
        RoundTrip.payload(n);
        assertThrows(IllegalStateException.class, n::childSpi);
    }

    @Test
    void protocolIdWithoutSpiIsKept() throws MalformedMessageException {
        // "If the SPI field is empty, this field MUST be sent as zero and MUST be ignored on receipt" — kept
        // as received so a decoded message re-encodes to itself.
        NotifyPayload n = (NotifyPayload) RoundTrip.decodeBody(PayloadType.NOTIFY, Hex.bytes("01 00 4000"));
        assertEquals(ProtocolId.IKE, n.protocolId());
        assertEquals(NotifyType.INITIAL_CONTACT, n.notifyType());
    }

    @Test
    void ikeSpiOfEightBytesFromOlderPeers() throws MalformedMessageException {
        RoundTrip.payload(new NotifyPayload(ProtocolId.IKE, new byte[8], NotifyType.INVALID_SELECTORS, new byte[3]));
    }

    @Test
    void rejectsBadSpiSizes() {
        rejects(PayloadType.NOTIFY, Hex.bytes("03 08 4009 0000000000000000")); // ESP with 8
        rejects(PayloadType.NOTIFY, Hex.bytes("02 02 4009 0000"));             // AH with 2
        rejects(PayloadType.NOTIFY, Hex.bytes("01 04 4009 00000000"));         // IKE with 4
        rejects(PayloadType.NOTIFY, Hex.bytes("00 04 4009 00000000"));         // no protocol but an SPI
        rejects(PayloadType.NOTIFY, Hex.bytes("03 04 4009 000000"));           // SPI cut short
        rejects(PayloadType.NOTIFY, Hex.bytes("03 04 40"));                    // header cut short
        rejects(PayloadType.NOTIFY, new byte[0]);
    }

    @Test
    void constructorChecksTheSameRules() {
        assertThrows(IllegalArgumentException.class, () -> new NotifyPayload(3, new byte[8], 1, new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> new NotifyPayload(0, new byte[4], 1, new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> new NotifyPayload(0, new byte[0], 65536, new byte[0]));
    }

    @Test
    void names() {
        assertEquals("INVALID_MAJOR_VERSION", NotifyType.name(5));
        assertEquals("NAT_DETECTION_DESTINATION_IP", NotifyType.name(16389));
        assertEquals("IKEV2_FRAGMENTATION_SUPPORTED", NotifyType.name(NotifyType.IKEV2_FRAGMENTATION_SUPPORTED));
        assertEquals("SIGNATURE_HASH_ALGORITHMS", NotifyType.name(16431));
        assertEquals("error 8191", NotifyType.name(8191));
        assertEquals("status 40000", NotifyType.name(40000));
        assertTrue(NotifyType.isError(16383));
        assertFalse(NotifyType.isError(16384));
    }
}
