package org.ipsec4j.esp.crypto;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.ipsec4j.wire.MalformedPacketException;

/**
 * Jazzer target for {@link AhCodec#verify} and {@link AhCodec#findHeader} on arbitrary bytes as an IPv4 or
 * IPv6 packet, and then for the round trip: where {@link AhCodec#protect} accepts the packet as an AH
 * layout, verify must accept what it produced (or, stricter, call the packet malformed). Plain
 * {@code mvn test} replays the seeds in
 * {@code src/test/resources/org/ipsec4j/esp/crypto/AhCodecFuzzTestInputs/verify/}.
 */
class AhCodecFuzzTest {

    private final AhCodec ah = new AhCodec(IntegrityAlgorithm.HMAC_SHA2_256_128, 0x0A0B_0C0D, true, new byte[32],
            false);
    private final AhVerified out = new AhVerified();

    @FuzzTest(maxDuration = "30s")
    void verify(byte[] input) {
        int found = AhCodec.findHeader(input, 0, input.length);
        if (found != -1 && (found < 0 || found + AhCodec.FIXED_LENGTH > input.length)) {
            throw new IllegalStateException("findHeader " + found + " in " + input.length + " bytes");
        }
        ah.verify(1, input, 0, input.length, out); // the seeds verify; anything else is a drop, never a throw
        byte[] copy = input.clone();
        try {
            ah.protect(1, 4, copy, 0, copy.length);
        } catch (IllegalArgumentException | MalformedPacketException refused) {
            return;
        }
        AhVerification again = ah.verify(1, copy, 0, copy.length, out);
        if (again != AhVerification.VERIFIED && again != AhVerification.MALFORMED) {
            throw new IllegalStateException("protect produced a packet verify calls " + again);
        }
        if (again == AhVerification.VERIFIED && (out.payloadOffset() > copy.length || out.payloadLength() < 0)) {
            throw new IllegalStateException("payload outside the packet: " + out);
        }
    }
}
