package org.ipsec4j.esp.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EspRoundTripTest {

    static final int SPI = 0x1234_5678;

    static List<EspTransform> allTransforms() {
        List<EspTransform> list = new ArrayList<>();
        for (EncryptionAlgorithm e : EncryptionAlgorithm.values()) {
            if (e.aead()) {
                list.add(EspTransform.of(e, IntegrityAlgorithm.NONE, true));
            } else {
                for (IntegrityAlgorithm i : IntegrityAlgorithm.values()) {
                    if (i != IntegrityAlgorithm.NONE) {
                        list.add(EspTransform.of(e, i, true));
                    }
                }
            }
        }
        return list;
    }

    static Stream<Arguments> transformsAndEsn() {
        return allTransforms().stream().flatMap(t -> Stream.of(Arguments.of(t, false), Arguments.of(t, true)));
    }

    static EspCodec codec(EspTransform t, boolean esn, long seed) {
        Random r = new Random(seed);
        byte[] ek = new byte[t.encryption().keyMaterialLength()];
        byte[] ik = new byte[t.integrity().keyLength()];
        r.nextBytes(ek);
        r.nextBytes(ik);
        return new EspCodec(t, SPI, esn, ek, ik);
    }

    @ParameterizedTest
    @MethodSource("transformsAndEsn")
    void roundTripInPlace(EspTransform t, boolean esn) {
        EspCodec sender = codec(t, esn, 1);
        EspCodec receiver = codec(t, esn, 1);
        Random r = new Random(7);
        Decapsulated d = new Decapsulated();
        for (int len : new int[] {0, 1, 2, 13, 14, 15, 16, 17, 100, 1400, 1500}) {
            byte[] payload = new byte[len];
            r.nextBytes(payload);
            long seq = esn ? (3L << 32) + len + 1 : len + 1;
            byte[] buf = new byte[t.headerLength() + len + t.trailerMax()];
            System.arraycopy(payload, 0, buf, t.headerLength(), len);
            int espLen = sender.encapsulate(seq, 4, buf, t.headerLength(), len, buf, 0);
            assertEquals(t.espLength(len), espLen);
            assertEquals(0, (espLen - t.headerLength() - t.icvLength()) % t.alignment());
            assertEquals(DecapsulationResult.DELIVER, receiver.decapsulate(seq, buf, 0, espLen, d), t + " len " + len);
            assertEquals(4, d.nextHeader());
            assertEquals(t.headerLength(), d.payloadOffset());
            assertEquals(len, d.payloadLength());
            assertEquals(seq, d.sequenceNumber());
            byte[] got = new byte[len];
            System.arraycopy(buf, d.payloadOffset(), got, 0, len);
            assertArrayEquals(payload, got);
        }
    }

    @ParameterizedTest
    @MethodSource("transformsAndEsn")
    void wrongEsnHighBitsFailAuthentication(EspTransform t, boolean esn) {
        if (!esn) {
            return;
        }
        EspCodec sender = codec(t, true, 2);
        EspCodec receiver = codec(t, true, 2);
        byte[] buf = new byte[200];
        int espLen = sender.encapsulate((5L << 32) | 9, 41, new byte[60], 0, 60, buf, 0);
        assertEquals(DecapsulationResult.AUTHENTICATION_FAILED,
                receiver.decapsulate((6L << 32) | 9, buf, 0, espLen, new Decapsulated()));
    }
}
