package org.ipsec4j.esp.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import org.ipsec4j.esp.replay.ReplayWindow;
import org.junit.jupiter.api.Test;

/**
 * DESIGN.md: no allocation of our own per packet. Counts bytes per packet once warm: the NULL, CBC and HMAC
 * paths, AH and the replay window allocate nothing; the AEAD paths allocate only inside the JDK (the
 * ParameterSpec and its nonce copy per init, GCM's and ChaCha20's per-init engine state), bounded here so a
 * regression of our own shows. The JMH gc profiler gives the exact figures (esp/README.md).
 */
class SteadyStateAllocationTest {

    private static final int ROUNDS = 5_000;
    private static final int MEASURED_ROUNDS = 3;

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    /** Bytes allocated per encapsulate+decapsulate of a 1400-byte payload, in place. */
    static double bytesPerPacket(EspTransform t) {
        EspCodec sender = EspRoundTripTest.codec(t, true, 1);
        EspCodec receiver = EspRoundTripTest.codec(t, true, 1);
        byte[] buf = new byte[t.headerLength() + 1400 + t.trailerMax()];
        Decapsulated d = new Decapsulated();
        long seq = 1;
        for (int i = 0; i < ROUNDS; i++) {
            int len = sender.encapsulate(seq, 4, buf, t.headerLength(), 1400, buf, 0);
            receiver.decapsulate(seq++, buf, 0, len, d);
        }
        // The least of several measured rounds: a one-off allocation on this thread while measuring (a
        // deoptimisation, a lazily loaded class) must not count, while a real per-packet allocation shows in
        // every round.
        double least = Double.MAX_VALUE;
        for (int round = 0; round < MEASURED_ROUNDS; round++) {
            long before = allocatedBytes();
            for (int i = 0; i < ROUNDS; i++) {
                int len = sender.encapsulate(seq, 4, buf, t.headerLength(), 1400, buf, 0);
                if (receiver.decapsulate(seq++, buf, 0, len, d) != DecapsulationResult.DELIVER) {
                    throw new AssertionError();
                }
            }
            least = Math.min(least, (double) (allocatedBytes() - before) / ROUNDS);
        }
        return least;
    }

    @Test
    void cbcHmacAndNullPathsAllocateNothing() {
        for (EspTransform t : EspRoundTripTest.allTransforms()) {
            if (!t.encryption().aead()) {
                double perPacket = bytesPerPacket(t);
                assertTrue(perPacket < 1, t + ": " + perPacket + " bytes per packet");
            }
        }
    }

    @Test
    void aeadPathsAllocateOnlyWhatTheJdkDoes() {
        for (EspTransform t : EspRoundTripTest.allTransforms()) {
            if (t.encryption().aead()) {
                double perPacket = bytesPerPacket(t);
                // Measured on JDK 25: ~2.3 KB for GCM and ~4.6 KB for ChaCha20-Poly1305 per encapsulate +
                // decapsulate, all inside Cipher.init/doFinal. A copy of the packet of our own would add 1.4 KB.
                long bound = t.encryption() == EncryptionAlgorithm.CHACHA20_POLY1305 ? 5_200 : 2_800;
                assertTrue(perPacket < bound, t + ": " + perPacket + " bytes per packet");
            }
        }
    }

    @Test
    void ahAndTheReplayWindowAllocateNothing() {
        AhCodec ah = AhCodecTest.codec(IntegrityAlgorithm.HMAC_SHA2_256_128, true);
        int ahLength = ah.headerLength(6);
        byte[] template = AhCodecTest.ipv6WithExtensionHeaders(1200, ahLength);
        byte[] buf = template.clone();
        AhVerified v = new AhVerified();
        ReplayWindow window = new ReplayWindow(4096, true);
        long seq = 1;
        long least = Long.MAX_VALUE;
        for (int round = 0; round <= MEASURED_ROUNDS; round++) {
            long before = allocatedBytes();
            for (int i = 0; i < ROUNDS; i++) {
                System.arraycopy(template, 0, buf, 0, template.length);
                int len = ah.encapsulateTransport(seq, buf, 0, template.length - ahLength);
                long inferred = window.check((int) seq);
                assertEquals(AhVerification.VERIFIED, ah.verify(inferred, buf, 0, len, v));
                window.accept(inferred);
                ah.decapsulateTransport(buf, v);
                seq++;
            }
            if (round > 0) { // round 0 warms up
                least = Math.min(least, (allocatedBytes() - before) / ROUNDS);
            }
        }
        assertEquals(0, least, "AH + replay window: bytes per packet");
    }
}
