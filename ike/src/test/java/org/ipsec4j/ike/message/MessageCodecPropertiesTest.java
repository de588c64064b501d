package org.ipsec4j.ike.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Properties of the whole codec: random messages with payloads of every kind survive encode → decode, and no
 * input, random or a mutated valid message, makes decoding throw anything but MalformedMessageException.
 * Whatever decoding accepts re-encodes to a message that decodes to the same thing.
 */
class MessageCodecPropertiesTest {

    @Provide
    Arbitrary<IkeMessage> messages() {
        return MessageArbitraries.message();
    }

    @Provide
    Arbitrary<List<Payload>> innerChains() {
        return MessageArbitraries.plainPayload().list().ofMaxSize(8);
    }

    @Provide
    Arbitrary<List<Integer>> positions() {
        return Arbitraries.integers().between(0, Integer.MAX_VALUE).list().ofMinSize(1).ofMaxSize(4);
    }

    /** Byte values that hit length fields, markers and flags hardest, and any other. */
    @Provide
    Arbitrary<List<Byte>> values() {
        return Arbitraries.frequencyOf(
                        Tuple.of(3, Arbitraries.of((byte) 0, (byte) 1, (byte) 2, (byte) 3, (byte) 4, (byte) 8,
                                (byte) 0x7f, (byte) 0x80, (byte) 0xff)),
                        Tuple.of(1, Arbitraries.bytes()))
                .list().ofMinSize(1).ofMaxSize(4);
    }

    @Property(tries = 1000)
    void messagesRoundTrip(@ForAll("messages") IkeMessage m) throws MalformedMessageException {
        byte[] b = MessageCodec.encode(m.header(), m.payloads());
        IkeMessage back = MessageCodec.decode(b, 0, b.length);
        assertEquals(m.payloads(), back.payloads());
        assertEquals(m.header().withNextPayloadAndLength(MessageCodec.firstType(m.payloads()), b.length), back.header());
        assertArrayEquals(b, MessageCodec.encode(back.header(), back.payloads()));
    }

    @Property(tries = 500)
    void innerChainsRoundTrip(@ForAll("innerChains") List<Payload> payloads) throws MalformedMessageException {
        byte[] b = MessageCodec.encodePayloads(payloads);
        assertEquals(payloads, MessageCodec.decodePayloads(MessageCodec.firstType(payloads), b, 0, b.length));
    }

    @Property(tries = 2000)
    void randomBytesOnlyMalformed(@ForAll @Size(max = 400) byte[] b) {
        decodeStable(b);
    }

    /** Random bytes behind a valid header with a matching length reach the payload chain. */
    @Property(tries = 3000)
    void randomChainsOnlyMalformed(@ForAll("messages") IkeMessage m, @ForAll @IntRange(min = 0, max = 255) int next,
                                   @ForAll @Size(max = 400) byte[] chain) {
        byte[] header = new byte[IkeHeader.LENGTH];
        m.header().withNextPayloadAndLength(next, IkeHeader.LENGTH + chain.length).encode(header, 0);
        decodeStable(RoundTrip.concat(header, chain));
        decodeInnerStable(next, chain);
    }

    @Property(tries = 3000)
    void mutatedMessagesOnlyMalformed(@ForAll("messages") IkeMessage m, @ForAll("positions") List<Integer> positions,
                                      @ForAll("values") List<Byte> values, @ForAll int truncateTo,
                                      @ForAll boolean fixLength) {
        byte[] valid = MessageCodec.encode(m.header(), m.payloads());
        byte[] b = valid.clone();
        for (int i = 0; i < positions.size(); i++) {
            b[positions.get(i) % b.length] = values.get(i % values.size());
        }
        if (truncateTo % 4 == 0) {
            b = Arrays.copyOf(b, Math.floorMod(truncateTo, b.length + 1));
        }
        if (fixLength && b.length >= IkeHeader.LENGTH) {
            org.ipsec4j.wire.BigEndian.put32(b, 24, b.length);
        }
        decodeStable(b);
        if (b.length > IkeHeader.LENGTH) {
            decodeInnerStable(b[16] & 0xFF, Arrays.copyOfRange(b, IkeHeader.LENGTH, b.length));
        }
    }

    /** Decodes; MalformedMessageException is fine, anything else fails the property; success must be stable. */
    static void decodeStable(byte[] b) {
        IkeMessage m;
        try {
            m = MessageCodec.decode(b, 0, b.length);
        } catch (MalformedMessageException expected) {
            return;
        }
        byte[] again = MessageCodec.encode(m.header(), m.payloads());
        assertEquals(b.length, again.length);
        try {
            assertEquals(m, MessageCodec.decode(again, 0, again.length));
        } catch (MalformedMessageException e) {
            throw new AssertionError("re-encoding of an accepted message is refused: " + Hex.of(b), e);
        }
    }

    static void decodeInnerStable(int first, byte[] b) {
        List<Payload> payloads;
        try {
            payloads = MessageCodec.decodePayloads(first, b, 0, b.length);
        } catch (MalformedMessageException expected) {
            return;
        }
        byte[] again = MessageCodec.encodePayloads(payloads);
        try {
            assertEquals(payloads, MessageCodec.decodePayloads(first, again, 0, again.length));
        } catch (MalformedMessageException e) {
            throw new AssertionError("re-encoding of an accepted chain is refused: " + Hex.of(b), e);
        }
    }
}
