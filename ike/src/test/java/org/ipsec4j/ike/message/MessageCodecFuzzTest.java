package org.ipsec4j.ike.message;

import java.util.Arrays;
import java.util.List;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer target for {@link MessageCodec}. The first byte picks a mode: 0 decodes the rest as a datagram; 1
 * takes the next byte as the first payload type and the rest as a payload chain behind a valid header whose
 * length matches, so the fuzzer reaches the payload parsers without forging the header; 2 decodes the same as
 * the decrypted inner chain of an SK payload. Anything but MalformedMessageException is a finding, and so is
 * an accepted input that does not re-encode to the same length and decode to the same message. Plain
 * {@code mvn test} replays the seeds in
 * {@code src/test/resources/org/ipsec4j/ike/message/MessageCodecFuzzTestInputs/decode/}.
 */
class MessageCodecFuzzTest {

    private static final IkeHeader HEADER = IkeHeader.of(0x0123456789abcdefL, 0x7edcba9876543210L,
            ExchangeType.IKE_AUTH, true, false, 1);

    @FuzzTest(maxDuration = "30s")
    void decode(byte[] input) {
        if (input.length == 0) {
            return;
        }
        int mode = (input[0] & 0xFF) % 3;
        try {
            if (mode == 0) {
                checkMessage(Arrays.copyOfRange(input, 1, input.length));
            } else if (input.length >= 2) {
                int first = input[1] & 0xFF;
                byte[] chain = Arrays.copyOfRange(input, 2, input.length);
                if (mode == 1) {
                    byte[] message = new byte[IkeHeader.LENGTH + chain.length];
                    HEADER.withNextPayloadAndLength(first, message.length).encode(message, 0);
                    System.arraycopy(chain, 0, message, IkeHeader.LENGTH, chain.length);
                    checkMessage(message);
                } else {
                    checkChain(first, chain);
                }
            }
        } catch (MalformedMessageException expected) {
            // counted and dropped by the caller
        }
    }

    private static void checkMessage(byte[] b) throws MalformedMessageException {
        IkeMessage m = MessageCodec.decode(b, 0, b.length);
        byte[] again = MessageCodec.encode(m.header(), m.payloads());
        check(again.length == b.length, "re-encoded length " + again.length + " of " + b.length, m);
        check(m.equals(MessageCodec.decode(again, 0, again.length)), "re-encoding decodes differently", m);
        m.toString();
    }

    private static void checkChain(int first, byte[] b) throws MalformedMessageException {
        List<Payload> payloads = MessageCodec.decodePayloads(first, b, 0, b.length);
        byte[] again = MessageCodec.encodePayloads(payloads);
        check(again.length == b.length, "re-encoded length " + again.length + " of " + b.length, payloads);
        check(payloads.equals(MessageCodec.decodePayloads(first, again, 0, again.length)),
                "re-encoding decodes differently", payloads);
        payloads.toString();
    }

    private static void check(boolean condition, String what, Object decoded) {
        if (!condition) {
            throw new IllegalStateException(what + ": " + decoded);
        }
    }
}
