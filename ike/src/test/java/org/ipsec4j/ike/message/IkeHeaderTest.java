package org.ipsec4j.ike.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The 28-byte IKE header (RFC 7296 §3.1): fields, flags, version and length checks. */
class IkeHeaderTest {

    private static final byte[] RESPONSE = Hex.bytes("""
            0011223344556677 8899aabbccddeeff // SPIi, SPIr
            29 20 25 20                       // next payload N(41), version 2.0, INFORMATIONAL, flags R
            00000007 0000001c                 // message ID 7, length 28
            """);

    @Test
    void parsesEveryField() throws MalformedMessageException {
        IkeHeader h = IkeHeader.parse(RESPONSE, 0, RESPONSE.length);
        assertEquals(0x0011223344556677L, h.initiatorSpi());
        assertEquals(0x8899aabbccddeeffL, h.responderSpi());
        assertEquals(41, h.nextPayload());
        assertEquals(2, h.majorVersion());
        assertEquals(0, h.minorVersion());
        assertEquals(ExchangeType.INFORMATIONAL, h.exchange());
        assertTrue(h.response());
        assertFalse(h.initiator());
        assertFalse(h.higherVersion());
        assertEquals(7, h.messageId());
        assertEquals(28, h.length());
    }

    @Test
    void encodesWhatItParses() throws MalformedMessageException {
        byte[] out = new byte[30];
        IkeHeader.parse(RESPONSE, 0, 28).encode(out, 2);
        assertArrayEquals(RESPONSE, java.util.Arrays.copyOfRange(out, 2, 30));
    }

    @Test
    void flagBitsAreIVAndR() throws MalformedMessageException {
        byte[] b = RESPONSE.clone();
        b[19] = 0x08;
        IkeHeader i = IkeHeader.parse(b, 0, 28);
        assertTrue(i.initiator() && !i.response() && !i.higherVersion());
        b[19] = 0x10;
        IkeHeader v = IkeHeader.parse(b, 0, 28);
        assertTrue(!v.initiator() && !v.response() && v.higherVersion());
    }

    @Test
    void reservedFlagBitsAndMinorVersionAreIgnored() throws MalformedMessageException {
        byte[] b = RESPONSE.clone();
        b[17] = 0x2f; // 2.15
        b[19] = (byte) 0xc7; // every reserved bit, no I/V/R
        IkeHeader h = IkeHeader.parse(b, 0, 28);
        assertEquals(15, h.minorVersion());
        assertFalse(h.initiator() || h.response() || h.higherVersion());
        byte[] out = new byte[28];
        h.encode(out, 0);
        assertEquals(0, out[19], "reserved flags are sent as zero");
    }

    @Test
    void otherMajorVersionsGetInvalidMajorVersion() {
        for (int version : new int[] {0x10, 0x30, 0xf0, 0x00}) {
            byte[] b = RESPONSE.clone();
            b[17] = (byte) version;
            MalformedMessageException e = assertThrows(MalformedMessageException.class, () -> IkeHeader.parse(b, 0, 28));
            assertEquals(NotifyType.INVALID_MAJOR_VERSION, e.notifyType(), e.getMessage());
            assertEquals(17, e.offset());
        }
    }

    @Test
    void anyVersionStillReadsTheFieldsForTheAnswer() throws MalformedMessageException {
        byte[] b = RESPONSE.clone();
        b[17] = 0x10;
        IkeHeader h = IkeHeader.parseAnyVersion(b, 0, 28);
        assertEquals(1, h.majorVersion());
        assertEquals(7, h.messageId());
    }

    @Test
    void tooShortOrBadLengthField() {
        assertThrows(MalformedMessageException.class, () -> IkeHeader.parse(RESPONSE, 0, 27));
        for (String length : new String[] {"0000001b", "00000000", "80000000", "ffffffff"}) {
            byte[] b = RESPONSE.clone();
            System.arraycopy(Hex.bytes(length), 0, b, 24, 4);
            MalformedMessageException e = assertThrows(MalformedMessageException.class, () -> IkeHeader.parse(b, 0, 28));
            assertEquals(24, e.offset());
            assertEquals(NotifyType.INVALID_SYNTAX, e.notifyType());
        }
    }

    @Test
    void exchangeTypes() {
        assertEquals(ExchangeType.IKE_SA_INIT, ExchangeType.of(34));
        assertEquals(ExchangeType.CREATE_CHILD_SA, ExchangeType.of(36));
        assertNull(ExchangeType.of(33));
        IkeHeader auth = IkeHeader.of(1, 0, ExchangeType.IKE_AUTH, true, false, 1);
        assertEquals(35, auth.exchangeType());
        assertEquals(2, auth.majorVersion());
        IkeHeader h = new IkeHeader(1, 2, 0, 2, 0, 40, false, false, false, 0, 28);
        assertNull(h.exchange());
        assertEquals(40, h.exchangeType());
    }

    @Test
    void constructorRefusesOutOfRangeFields() {
        assertThrows(IllegalArgumentException.class, () -> new IkeHeader(0, 0, 256, 2, 0, 34, true, false, false, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new IkeHeader(0, 0, 0, 16, 0, 34, true, false, false, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new IkeHeader(0, 0, 0, 2, 0, 34, true, false, false, 0, -1));
    }
}
