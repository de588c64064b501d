package org.ipsec4j.ike.message;

import static org.ipsec4j.ike.message.RoundTrip.rejects;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Delete payload (RFC 7296 §3.11): the IKE SA without SPIs, AH/ESP with 4-byte SPIs, size × count = body. */
class DeletePayloadTest {

    @Test
    void ikeSa() throws MalformedMessageException {
        assertArrayEquals(Hex.bytes("01 00 0000"), RoundTrip.body(DeletePayload.ike()));
        RoundTrip.payload(DeletePayload.ike());
    }

    @Test
    void espSpis() throws MalformedMessageException {
        DeletePayload d = DeletePayload.esp(0x01020304, 0xfffffffe);
        assertArrayEquals(Hex.bytes("03 04 0002 01020304 fffffffe"), RoundTrip.body(d));
        RoundTrip.payload(d);
        assertArrayEquals(new int[] {0x01020304, 0xfffffffe}, d.espSpis());
        assertEquals(2, d.spis().size());
        assertArrayEquals(Hex.bytes("fffffffe"), d.spis().get(1));
    }

    @Test
    void ahSpis() throws MalformedMessageException {
        RoundTrip.payload(new DeletePayload(ProtocolId.AH, 4, List.of(new byte[4])));
    }

    @Test
    void rejectsSizeTimesCountMismatch() {
        rejects(PayloadType.DELETE, Hex.bytes("03 04 0002 01020304"));              // one SPI missing
        rejects(PayloadType.DELETE, Hex.bytes("03 04 0001 01020304 05"));           // a stray byte
        rejects(PayloadType.DELETE, Hex.bytes("03 04 ffff 01020304"));              // a hostile count
        rejects(PayloadType.DELETE, Hex.bytes("03 02 0002 01020304"));              // ESP SPIs are 4 bytes
        rejects(PayloadType.DELETE, Hex.bytes("01 00 0001"));                       // IKE names no SPI
        rejects(PayloadType.DELETE, Hex.bytes("01 08 0001 0102030405060708"));      // not even its own
        rejects(PayloadType.DELETE, Hex.bytes("04 04 0001 01020304"));              // unknown protocol
        rejects(PayloadType.DELETE, Hex.bytes("03 04 00"));
    }

    @Test
    void constructorChecksTheSameRules() {
        assertThrows(IllegalArgumentException.class, () -> new DeletePayload(3, 4, List.of(new byte[3])));
        assertThrows(IllegalArgumentException.class, () -> new DeletePayload(1, 0, List.of(new byte[0])));
        assertThrows(IllegalStateException.class, () -> DeletePayload.ike().espSpis());
    }
}
