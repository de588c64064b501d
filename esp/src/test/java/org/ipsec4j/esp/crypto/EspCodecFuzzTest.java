package org.ipsec4j.esp.crypto;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer target for {@link EspCodec#decapsulate}. The first byte picks a mode: 0 and 1 hand the rest to a
 * GCM and a CBC+HMAC codec as an ESP packet (which the fuzzer cannot forge, so it exercises the length
 * checks); 2 takes the rest as the body of a NULL+HMAC packet and appends the right ICV, so the padding
 * and trailer checks behind the ICV are reached too. Plain {@code mvn test} replays the seeds in
 * {@code src/test/resources/org/ipsec4j/esp/crypto/EspCodecFuzzTestInputs/decapsulate/}.
 */
class EspCodecFuzzTest {

    private static final int SPI = 0x0102_0304;
    private final EspCodec gcm = new EspCodec(
            EspTransform.of(EncryptionAlgorithm.AES_GCM_16_128, IntegrityAlgorithm.NONE, false), SPI, false,
            new byte[20], null);
    private final EspCodec cbc = new EspCodec(
            EspTransform.of(EncryptionAlgorithm.AES_CBC_128, IntegrityAlgorithm.HMAC_SHA1_96, false), SPI, true,
            new byte[16], new byte[20]);
    private final EspCodec nul = new EspCodec(
            EspTransform.of(EncryptionAlgorithm.NULL, IntegrityAlgorithm.HMAC_SHA2_256_128, false), SPI, false,
            null, new byte[32]);
    private final Hmac icv = new Hmac(IntegrityAlgorithm.HMAC_SHA2_256_128, new byte[32], 0, 32);
    private final byte[] mac = new byte[32];
    private final Decapsulated out = new Decapsulated();

    @FuzzTest(maxDuration = "30s")
    void decapsulate(byte[] input) {
        if (input.length == 0) {
            return;
        }
        int mode = (input[0] & 0xFF) % 3;
        int length = input.length - 1;
        byte[] buf;
        EspCodec codec;
        if (mode == 2) {
            buf = new byte[length + 16 + 3];
            System.arraycopy(input, 1, buf, 3, length);
            icv.update(buf, 3, length);
            icv.finish(mac, 0);
            System.arraycopy(mac, 0, buf, 3 + length, 16);
            length += 16;
            codec = nul;
        } else {
            buf = new byte[length + 3];
            System.arraycopy(input, 1, buf, 3, length);
            codec = mode == 0 ? gcm : cbc;
        }
        DecapsulationResult r = codec.decapsulate(7L << 32, buf, 3, length, out);
        if (r == DecapsulationResult.DELIVER || r == DecapsulationResult.DUMMY) {
            int header = codec.transform().headerLength();
            int trailer = 2 + codec.transform().icvLength();
            if (out.payloadOffset() != 3 + header || out.payloadLength() < 0
                    || out.payloadOffset() + out.payloadLength() > 3 + length - trailer) {
                throw new IllegalStateException("payload outside the packet: " + out + " in " + length + " bytes");
            }
        }
    }
}
