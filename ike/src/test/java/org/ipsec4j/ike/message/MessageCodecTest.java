package org.ipsec4j.ike.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The header and payload chain (RFC 7296 §3.1, §3.2): lengths, chain end, unknown and critical payloads. */
class MessageCodecTest {

    private static final IkeHeader INFO = IkeHeader.of(0x0102030405060708L, 0x1112131415161718L,
            ExchangeType.INFORMATIONAL, false, true, 5);

    private static byte[] encode(Payload... payloads) {
        return MessageCodec.encode(INFO, List.of(payloads));
    }

    private static MalformedMessageException rejects(byte[] message) {
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> MessageCodec.decode(message, 0, message.length), () -> Hex.of(message));
        assertEquals(NotifyType.INVALID_SYNTAX, e.notifyType());
        return e;
    }

    @Test
    void headerOnly() throws MalformedMessageException {
        byte[] b = encode();
        assertEquals(IkeHeader.LENGTH, b.length);
        IkeMessage m = MessageCodec.decode(b, 0, b.length);
        assertEquals(List.of(), m.payloads());
        assertEquals(INFO.withNextPayloadAndLength(0, 28), m.header());
    }

    @Test
    void lengthFieldMustEqualTheDatagram() {
        byte[] b = encode(DeletePayload.ike());
        rejects(RoundTrip.concat(b, new byte[1]));
        byte[] shorter = b.clone();
        shorter[27]++;
        MalformedMessageException e = rejects(shorter);
        assertEquals(24, e.offset());
    }

    @Test
    void wrongMajorVersionGetsItsOwnNotify() {
        byte[] b = encode(DeletePayload.ike());
        b[17] = 0x10;
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> MessageCodec.decode(b, 0, b.length));
        assertEquals(NotifyType.INVALID_MAJOR_VERSION, e.notifyType());
    }

    @Test
    void payloadLengthBelowTheGenericHeaderOrBeyondTheMessage() {
        byte[] b = encode(new VendorIdPayload(new byte[4]), DeletePayload.ike());
        for (int length : new int[] {0, 3, 17, 0xffff}) {
            byte[] m = b.clone();
            m[30] = (byte) (length >> 8);
            m[31] = (byte) length;
            assertEquals(30, rejects(m).offset(), "length " + length);
        }
    }

    @Test
    void announcedPayloadMustBeThere() {
        byte[] b = encode(new VendorIdPayload(new byte[4]));
        b[28] = (byte) PayloadType.NONCE.value();
        rejects(b);
        byte[] empty = encode();
        empty[16] = (byte) PayloadType.NOTIFY.value();
        rejects(empty);
    }

    @Test
    void noBytesAfterTheLastPayload() {
        byte[] b = encode(new VendorIdPayload(new byte[4]));
        byte[] longer = RoundTrip.concat(b, new byte[4]);
        longer[27] += 4;
        rejects(longer);
        byte[] headerOnly = RoundTrip.concat(encode(), new byte[4]);
        headerOnly[27] += 4;
        rejects(headerOnly);
    }

    @Test
    void unknownPayloadsAreKeptWithTheirCriticalBit() throws MalformedMessageException {
        UnknownPayload skip = new UnknownPayload(50, false, Hex.bytes("cafe"));
        UnknownPayload reject = new UnknownPayload(200, true, new byte[0]);
        byte[] b = encode(skip, NotifyPayload.of(NotifyType.INITIAL_CONTACT), reject);
        assertEquals((byte) 0x80, b[28 + 6 + 8 + 1], "critical bit sent");
        IkeMessage m = MessageCodec.decode(b, 0, b.length);
        assertEquals(List.of(skip, NotifyPayload.of(NotifyType.INITIAL_CONTACT), reject), m.payloads());
        assertEquals(200, m.unsupportedCriticalPayload());
        assertNull(m.payloads().getFirst().type());
        assertEquals(50, m.payloads().getFirst().typeValue());
        assertArrayEquals(b, MessageCodec.encode(m.header(), m.payloads()));
    }

    @Test
    void unknownWithoutCriticalBitIsNotUnsupported() throws MalformedMessageException {
        byte[] b = encode(new UnknownPayload(1, false, new byte[3]));
        assertEquals(-1, MessageCodec.decode(b, 0, b.length).unsupportedCriticalPayload());
    }

    @Test
    void criticalAndReservedBitsOfKnownPayloadsAreIgnored() throws MalformedMessageException {
        byte[] b = encode(new VendorIdPayload(new byte[4]));
        b[29] = (byte) 0xff;
        IkeMessage m = MessageCodec.decode(b, 0, b.length);
        assertFalse(m.payloads().getFirst().critical());
        assertEquals(-1, m.unsupportedCriticalPayload());
        assertEquals(0, MessageCodec.encode(m.header(), m.payloads())[29]);
    }

    @Test
    void lookups() throws MalformedMessageException {
        byte[] b = encode(NotifyPayload.of(NotifyType.COOKIE, new byte[4]), new VendorIdPayload(new byte[1]),
                NotifyPayload.of(NotifyType.INITIAL_CONTACT), new VendorIdPayload(new byte[2]));
        IkeMessage m = MessageCodec.decode(b, 0, b.length);
        assertEquals(new VendorIdPayload(new byte[1]), m.first(VendorIdPayload.class));
        assertEquals(2, m.all(VendorIdPayload.class).size());
        assertEquals(2, m.notifies().size());
        assertEquals(NotifyPayload.of(NotifyType.INITIAL_CONTACT), m.notify(NotifyType.INITIAL_CONTACT));
        assertNull(m.notify(NotifyType.REKEY_SA));
        assertNull(m.first(NoncePayload.class));
        assertTrue(m.all(DeletePayload.class).isEmpty());
        assertEquals(List.of(), m.withPayloads(List.of()).payloads());
    }

    @Test
    void bufferBoundsAreMalformedToo() {
        byte[] b = encode();
        assertThrows(MalformedMessageException.class, () -> MessageCodec.decode(b, 1, b.length));
        assertThrows(MalformedMessageException.class, () -> MessageCodec.decode(b, -1, 4));
        assertThrows(MalformedMessageException.class, () -> MessageCodec.decode(b, 0, -1));
        assertThrows(MalformedMessageException.class, () -> MessageCodec.decode(null, 0, 0));
        assertThrows(MalformedMessageException.class, () -> MessageCodec.decodePayloads(33, b, 20, 20));
    }

    @Test
    void emptyInnerChain() throws MalformedMessageException {
        assertEquals(List.of(), MessageCodec.decodePayloads(0, new byte[0], 0, 0));
        assertArrayEquals(new byte[0], MessageCodec.encodePayloads(List.of()));
        assertThrows(MalformedMessageException.class, () -> MessageCodec.decodePayloads(0, new byte[1], 0, 1));
    }

    @Test
    void unknownPayloadRefusesKnownTypes() {
        assertThrows(IllegalArgumentException.class, () -> new UnknownPayload(33, false, new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> new UnknownPayload(0, false, new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> new UnknownPayload(256, false, new byte[0]));
    }

    @Test
    void payloadTypes() {
        assertEquals(PayloadType.SKF, PayloadType.of(53));
        assertEquals(PayloadType.NONE, PayloadType.of(0));
        assertNull(PayloadType.of(49));
        assertNull(PayloadType.of(-1));
        assertNull(PayloadType.of(256));
    }
}
