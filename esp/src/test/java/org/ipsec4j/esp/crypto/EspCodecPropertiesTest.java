package org.ipsec4j.esp.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Round trips, tampering, truncation and the size math, for every transform, with and without ESN. */
class EspCodecPropertiesTest {

    @Provide
    Arbitrary<EspTransform> transforms() {
        return Arbitraries.of(EspRoundTripTest.allTransforms());
    }

    /**
     * Any payload of 0..1500 bytes survives encapsulate/decapsulate, in place with headroom or from a separate
     * array at arbitrary offsets, and the receiver reports what the sender put in.
     */
    @Property(tries = 600)
    void roundTrip(@ForAll("transforms") EspTransform t, @ForAll boolean esn, @ForAll boolean inPlace,
                   @ForAll @IntRange(max = 1500) int length, @ForAll @IntRange(max = 37) int offset,
                   @ForAll @IntRange(min = 0, max = 255) int nextHeader, @ForAll long seed) {
        Random r = new Random(seed);
        byte[] payload = new byte[length];
        r.nextBytes(payload);
        long seq = esn ? 1 + (r.nextLong() >>> 1) : 1 + r.nextInt(Integer.MAX_VALUE);
        EspCodec sender = EspRoundTripTest.codec(t, esn, seed);
        EspCodec receiver = EspRoundTripTest.codec(t, esn, seed);

        byte[] buf = new byte[offset + t.headerLength() + length + t.trailerMax() + 5];
        r.nextBytes(buf); // stale bytes around the packet must not matter
        int espLength;
        if (inPlace) {
            System.arraycopy(payload, 0, buf, offset + t.headerLength(), length);
            espLength = sender.encapsulate(seq, nextHeader, buf, offset + t.headerLength(), length, buf, offset);
        } else {
            byte[] src = new byte[length + 3];
            System.arraycopy(payload, 0, src, 3, length);
            espLength = sender.encapsulate(seq, nextHeader, src, 3, length, buf, offset);
        }
        assertEquals(t.espLength(length), espLength);

        Decapsulated d = new Decapsulated();
        DecapsulationResult result = receiver.decapsulate(seq, buf, offset, espLength, d);
        assertEquals(nextHeader == EspCodec.NEXT_HEADER_DUMMY ? DecapsulationResult.DUMMY : DecapsulationResult.DELIVER,
                result);
        assertEquals(nextHeader, d.nextHeader());
        assertEquals(offset + t.headerLength(), d.payloadOffset());
        assertArrayEquals(payload, Arrays.copyOfRange(buf, d.payloadOffset(), d.payloadOffset() + d.payloadLength()));
        assertEquals(seq, d.sequenceNumber());
    }

    /** espLength and maxPayloadLength are exact inverses over the whole range the data plane uses. */
    @Property(tries = 2000)
    void maxPayloadLengthIsTheExactInverse(@ForAll("transforms") EspTransform t,
                                           @ForAll @IntRange(max = 66000) int space) {
        int p = t.maxPayloadLength(space);
        if (p < 0) {
            assertTrue(t.espLength(0) > space, t + " space " + space);
        } else {
            assertTrue(t.espLength(p) <= space, t + " space " + space);
            assertTrue(t.espLength(p + 1) > space, t + " space " + space);
        }
    }

    @Test
    void sizeMathOfWellKnownTransforms() {
        EspTransform gcm = EspTransform.of(EncryptionAlgorithm.AES_GCM_16_128, IntegrityAlgorithm.NONE, false);
        assertEquals(16, gcm.headerLength());
        // 1400 + 2 = 1402 -> 1404: 2 bytes of padding; 8 + 8 + 1404 + 16.
        assertEquals(1436, gcm.espLength(1400));
        assertEquals(1402, gcm.maxPayloadLength(1436)); // 1402 + 2 is already aligned: no padding
        EspTransform cbc = EspTransform.of(EncryptionAlgorithm.AES_CBC_128, IntegrityAlgorithm.HMAC_SHA2_256_128, false);
        // 1400 + 2 -> 1408; 8 + 16 + 1408 + 16.
        assertEquals(1448, cbc.espLength(1400));
        assertEquals(8 + 16 + 16 + 16, cbc.espLength(0));
        EspTransform tdes = EspTransform.of(EncryptionAlgorithm.TRIPLE_DES_CBC, IntegrityAlgorithm.HMAC_MD5_96, true);
        assertEquals(8 + 8 + 8 + 12, tdes.espLength(6));
        EspTransform nul = EspTransform.of(EncryptionAlgorithm.NULL, IntegrityAlgorithm.HMAC_SHA1_96, false);
        assertEquals(8 + 4 + 12, nul.espLength(1));
        assertEquals(-1, nul.maxPayloadLength(8 + 12 + 1));
        assertEquals(2, nul.maxPayloadLength(8 + 12 + 4));
    }

    @Test
    void combinationsAreValidated() {
        IllegalArgumentException aeadWithHmac = assertThrows(IllegalArgumentException.class,
                () -> EspTransform.of(EncryptionAlgorithm.AES_GCM_16_256, IntegrityAlgorithm.HMAC_SHA1_96, false));
        assertTrue(aeadWithHmac.getMessage().contains("NONE"), aeadWithHmac.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> EspTransform.of(EncryptionAlgorithm.NULL, IntegrityAlgorithm.NONE, true));
        assertThrows(IllegalArgumentException.class,
                () -> EspTransform.of(EncryptionAlgorithm.AES_CBC_256, IntegrityAlgorithm.NONE, true));
        IllegalArgumentException legacy = assertThrows(IllegalArgumentException.class,
                () -> EspTransform.of(EncryptionAlgorithm.TRIPLE_DES_CBC, IntegrityAlgorithm.HMAC_SHA1_96, false));
        assertTrue(legacy.getMessage().contains("allowLegacy"), legacy.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> EspTransform.of(EncryptionAlgorithm.AES_CBC_128, IntegrityAlgorithm.HMAC_MD5_96, false));
        EspTransform.of(EncryptionAlgorithm.AES_CBC_128, IntegrityAlgorithm.HMAC_MD5_96, true);
    }

    @Test
    void ikeIdentifiersRoundTrip() {
        for (EncryptionAlgorithm a : EncryptionAlgorithm.values()) {
            assertEquals(a, EncryptionAlgorithm.fromIke(a.ikeTransformId(), a.ikeKeyLengthAttribute()));
        }
        for (IntegrityAlgorithm a : IntegrityAlgorithm.values()) {
            assertEquals(a, IntegrityAlgorithm.fromIke(a.ikeTransformId()));
        }
        assertEquals(EncryptionAlgorithm.AES_GCM_16_256, EncryptionAlgorithm.fromIke(20, 256));
        assertEquals(28, EncryptionAlgorithm.CHACHA20_POLY1305.ikeTransformId());
        assertEquals(12, IntegrityAlgorithm.HMAC_SHA2_256_128.ikeTransformId());
    }

    /**
     * Every single-bit flip anywhere in the packet is caught: in the SPI as SPI_MISMATCH (the data plane would
     * not even have found this SA), everywhere else as AUTHENTICATION_FAILED. Never an exception, never a
     * delivery.
     */
    @ParameterizedTest(name = "{0} esn={1}")
    @MethodSource("org.ipsec4j.esp.crypto.EspRoundTripTest#transformsAndEsn")
    void everySingleBitFlipIsRejected(EspTransform t, boolean esn) {
        EspCodec sender = EspRoundTripTest.codec(t, esn, 3);
        EspCodec receiver = EspRoundTripTest.codec(t, esn, 3);
        long seq = esn ? (7L << 32) | 42 : 42;
        byte[] payload = new byte[21];
        new Random(5).nextBytes(payload);
        byte[] packet = new byte[t.espLength(payload.length)];
        sender.encapsulate(seq, 6, payload, 0, payload.length, packet, 0);
        Decapsulated d = new Decapsulated();
        byte[] work = new byte[packet.length];
        for (int bit = 0; bit < packet.length * 8; bit++) {
            System.arraycopy(packet, 0, work, 0, packet.length);
            work[bit >>> 3] ^= (byte) (0x80 >>> (bit & 7));
            DecapsulationResult r = receiver.decapsulate(seq, work, 0, work.length, d);
            assertEquals(bit < 32 ? DecapsulationResult.SPI_MISMATCH : DecapsulationResult.AUTHENTICATION_FAILED, r,
                    "bit " + bit);
        }
        System.arraycopy(packet, 0, work, 0, packet.length);
        assertEquals(DecapsulationResult.DELIVER, receiver.decapsulate(seq, work, 0, work.length, d));
    }

    /** Anything shorter than the smallest possible packet is TRUNCATED; CBC ciphertext off the block grid is BAD_LENGTH. */
    @ParameterizedTest(name = "{0} esn={1}")
    @MethodSource("org.ipsec4j.esp.crypto.EspRoundTripTest#transformsAndEsn")
    void truncatedAndMisalignedPacketsAreDropped(EspTransform t, boolean esn) {
        EspCodec sender = EspRoundTripTest.codec(t, esn, 4);
        EspCodec receiver = EspRoundTripTest.codec(t, esn, 4);
        byte[] packet = new byte[t.espLength(100)];
        int len = sender.encapsulate(9, 4, new byte[100], 0, 100, packet, 0);
        Decapsulated d = new Decapsulated();
        int minimum = t.headerLength() + 2 + t.icvLength();
        for (int cut = 0; cut < len; cut++) {
            byte[] work = packet.clone();
            DecapsulationResult r = receiver.decapsulate(9, work, 0, cut, d);
            if (cut < minimum) {
                assertEquals(DecapsulationResult.TRUNCATED, r, "length " + cut);
            } else if (t.encryption().blockSize() > 4 && (cut - t.headerLength() - t.icvLength()) % t.alignment() != 0) {
                assertEquals(DecapsulationResult.BAD_LENGTH, r, "length " + cut);
            } else {
                assertTrue(r.isDrop(), "length " + cut + ": " + r);
            }
        }
    }

    /**
     * Packets whose ICV is right but whose padding is wrong, built by hand with NULL encryption and the JDK's
     * Mac: wrong padding bytes and a pad length longer than the plaintext are BAD_PADDING.
     */
    @Test
    void badPaddingUnderAValidIcvIsBadPadding() throws Exception {
        byte[] ik = new byte[32];
        Arrays.fill(ik, (byte) 0x42);
        EspTransform t = EspTransform.of(EncryptionAlgorithm.NULL, IntegrityAlgorithm.HMAC_SHA2_256_128, false);
        EspCodec receiver = new EspCodec(t, 0x777, false, null, ik);
        Decapsulated d = new Decapsulated();
        // SPI, seq, 4 payload bytes, then trailer variants (8-byte ciphertext + 4 = 12: aligned).
        String[] badTrailers = {
                "aabbccdd 0103 0204", // pad bytes 1,3 instead of 1,2
                "aabbccdd 0000 0204", // pad bytes 0,0
                "aabbccdd 0102 0704", // pad length 7 > 6 bytes available
                "aabbccdd 0102 ff04", // pad length 255
        };
        for (String trailer : badTrailers) {
            byte[] body = Hex.bytes("00000777 00000001 " + trailer);
            byte[] packet = EspKnownAnswerTest.concat(body,
                    EspKnownAnswerTest.truncatedHmac("HmacSHA256", ik, body, 16));
            assertEquals(DecapsulationResult.BAD_PADDING, receiver.decapsulate(1, packet, 0, packet.length, d), trailer);
        }
        byte[] good = Hex.bytes("00000777 00000001 aabbccdd 0102 0204");
        byte[] packet = EspKnownAnswerTest.concat(good, EspKnownAnswerTest.truncatedHmac("HmacSHA256", ik, good, 16));
        assertEquals(DecapsulationResult.DELIVER, receiver.decapsulate(1, packet, 0, packet.length, d));
        assertEquals(4, d.payloadLength());
        // RFC 4303 §2.4 lets a sender pad up to 255 bytes; longer correct padding is accepted.
        byte[] longPad = Hex.bytes("00000777 00000001 aabbccdd 0102030405060708090a 0a04");
        packet = EspKnownAnswerTest.concat(longPad, EspKnownAnswerTest.truncatedHmac("HmacSHA256", ik, longPad, 16));
        assertEquals(DecapsulationResult.DELIVER, receiver.decapsulate(1, packet, 0, packet.length, d));
        assertEquals(4, d.payloadLength());
    }

    @Test
    void wrongSpiIsReportedBeforeAnyCrypto() {
        EspTransform t = EspTransform.of(EncryptionAlgorithm.AES_GCM_16_128, IntegrityAlgorithm.NONE, false);
        EspCodec a = EspRoundTripTest.codec(t, false, 1);
        EspCodec b = new EspCodec(t, 0x999, false, new byte[20], null);
        byte[] packet = new byte[t.espLength(10)];
        a.encapsulate(1, 4, new byte[10], 0, 10, packet, 0);
        assertEquals(DecapsulationResult.SPI_MISMATCH, b.decapsulate(1, packet, 0, packet.length, new Decapsulated()));
    }

    @Test
    void dummyPacketsAreReported() {
        EspTransform t = EspTransform.of(EncryptionAlgorithm.CHACHA20_POLY1305, IntegrityAlgorithm.NONE, false);
        EspCodec s = EspRoundTripTest.codec(t, true, 8);
        EspCodec r = EspRoundTripTest.codec(t, true, 8);
        byte[] packet = new byte[t.espLength(0)];
        s.encapsulate(1, EspCodec.NEXT_HEADER_DUMMY, new byte[0], 0, 0, packet, 0);
        Decapsulated d = new Decapsulated();
        assertEquals(DecapsulationResult.DUMMY, r.decapsulate(1, packet, 0, packet.length, d));
        assertTrue(DecapsulationResult.DUMMY.isDrop());
    }

    @Test
    void sequenceNumbersOutOfRangeAreRefused() {
        EspTransform t = EspTransform.of(EncryptionAlgorithm.AES_GCM_16_128, IntegrityAlgorithm.NONE, false);
        EspCodec plain = EspRoundTripTest.codec(t, false, 1);
        byte[] out = new byte[100];
        assertThrows(IllegalArgumentException.class, () -> plain.encapsulate(0, 4, new byte[1], 0, 1, out, 0));
        assertThrows(IllegalArgumentException.class, () -> plain.encapsulate(1L << 32, 4, new byte[1], 0, 1, out, 0));
        EspCodec esn = EspRoundTripTest.codec(t, true, 1);
        esn.encapsulate(1L << 32, 4, new byte[1], 0, 1, out, 0);
        esn.encapsulate(-1L, 4, new byte[1], 0, 1, out, 0); // 2^64 - 1, the last ESN
    }

    /** The JDK refuses to encrypt twice under one GCM nonce; the codec surfaces that instead of reusing it. */
    @Test
    void reusingASequenceNumberWithAeadThrows() {
        for (EncryptionAlgorithm alg : new EncryptionAlgorithm[] {EncryptionAlgorithm.AES_GCM_16_128,
                EncryptionAlgorithm.CHACHA20_POLY1305}) {
            EspTransform t = EspTransform.of(alg, IntegrityAlgorithm.NONE, false);
            EspCodec c = EspRoundTripTest.codec(t, false, 1);
            byte[] out = new byte[100];
            c.encapsulate(5, 4, new byte[1], 0, 1, out, 0);
            assertThrows(IllegalStateException.class, () -> c.encapsulate(5, 4, new byte[1], 0, 1, out, 0), alg.name());
        }
    }

    @Test
    void keysMustHaveTheRightLength() {
        EspTransform gcm = EspTransform.of(EncryptionAlgorithm.AES_GCM_16_128, IntegrityAlgorithm.NONE, false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new EspCodec(gcm, 1, false, new byte[16], null));
        assertTrue(e.getMessage().contains("salt"), e.getMessage());
        EspTransform cbc = EspTransform.of(EncryptionAlgorithm.AES_CBC_256, IntegrityAlgorithm.HMAC_SHA2_512_256, false);
        assertThrows(IllegalArgumentException.class, () -> new EspCodec(cbc, 1, false, new byte[32], new byte[32]));
    }

    @Test
    void destroyZeroesKeysAndRetiresTheCodec() {
        EspTransform t = EspTransform.of(EncryptionAlgorithm.AES_CBC_128, IntegrityAlgorithm.HMAC_SHA1_96, false);
        EspCodec c = EspRoundTripTest.codec(t, false, 1);
        byte[] out = new byte[200];
        int len = c.encapsulate(1, 4, new byte[10], 0, 10, out, 0);
        assertFalse(c.isDestroyed());
        c.destroy();
        assertTrue(c.isDestroyed());
        assertThrows(IllegalStateException.class, () -> c.encapsulate(2, 4, new byte[10], 0, 10, out, 0));
        assertThrows(IllegalStateException.class, () -> c.decapsulate(1, out, 0, len, new Decapsulated()));
        DestroyableSecretKey key = new DestroyableSecretKey(new byte[] {1, 2, 3}, 0, 3, "AES");
        key.destroy();
        assertTrue(key.isDestroyed());
        assertThrows(IllegalStateException.class, key::getEncoded);
    }

    /** CBC IVs differ packet to packet and are not the sequence number. */
    @Test
    void cbcIvsAreFreshPerPacket() {
        EspTransform t = EspTransform.of(EncryptionAlgorithm.AES_CBC_128, IntegrityAlgorithm.HMAC_SHA1_96, false);
        EspCodec c = EspRoundTripTest.codec(t, false, 1);
        java.util.Set<String> ivs = new java.util.HashSet<>();
        byte[] out = new byte[200];
        for (int i = 1; i <= 2000; i++) {
            c.encapsulate(i, 4, new byte[10], 0, 10, out, 0);
            assertTrue(ivs.add(Hex.of(out, 8, 16)), "repeated IV at packet " + i);
        }
    }
}
