package org.ipsec4j.ike.crypto;

import static org.ipsec4j.ike.crypto.AcvpIkev2KdfVector.DKM;
import static org.ipsec4j.ike.crypto.AcvpIkev2KdfVector.GIR;
import static org.ipsec4j.ike.crypto.AcvpIkev2KdfVector.GIR_NEW;
import static org.ipsec4j.ike.crypto.AcvpIkev2KdfVector.NI;
import static org.ipsec4j.ike.crypto.AcvpIkev2KdfVector.NR;
import static org.ipsec4j.ike.crypto.AcvpIkev2KdfVector.SKEYSEED;
import static org.ipsec4j.ike.crypto.AcvpIkev2KdfVector.SKEYSEED_REKEY;
import static org.ipsec4j.ike.crypto.AcvpIkev2KdfVector.SPI_I;
import static org.ipsec4j.ike.crypto.AcvpIkev2KdfVector.SPI_R;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** IKE SA keys (RFC 7296 §2.14) and their rekey (§2.18): the NIST ACVP case, then an independent path per PRF. */
class IkeKeyMaterialTest {

    private static final PseudoRandomFunction SHA256 = PseudoRandomFunction.HMAC_SHA2_256;

    @Test
    void skeyseedMatchesAcvpVector() {
        assertArrayEquals(SKEYSEED, IkeKeyMaterial.skeyseed(SHA256, NI, NR, GIR));
    }

    @Test
    void theSevenKeysAreTheAcvpDerivedKeyingMaterialInOrder() {
        // SK_d 32 | SK_ai, SK_ar 64 | SK_ei, SK_er 80 | SK_pi, SK_pr 32 = 384 bytes, all of the vector's DKM.
        IkeKeyMaterial keys = IkeKeyMaterial.derive(SHA256, NI, NR, GIR, SPI_I, SPI_R, 80, 64);
        assertEquals(AcvpIkev2KdfVector.DKM_BITS / 8, concat(keys).length);
        assertArrayEquals(DKM, concat(keys));
        // A real suite (AES-GCM-256: 36 bytes of key material, no integrity key) takes a prefix.
        IkeKeyMaterial gcm = IkeKeyMaterial.derive(SHA256, NI, NR, GIR, SPI_I, SPI_R, 36, 0);
        assertArrayEquals(Arrays.copyOf(DKM, 32 * 3 + 2 * 36), concat(gcm));
        assertEquals(0, gcm.skAi().length);
        assertArrayEquals(Arrays.copyOfRange(DKM, 32, 68), gcm.skEi());
        assertArrayEquals(Arrays.copyOfRange(DKM, 68, 104), gcm.skEr());
        assertArrayEquals(Arrays.copyOfRange(DKM, 104, 136), gcm.skPi());
        assertArrayEquals(Arrays.copyOfRange(DKM, 136, 168), gcm.skPr());
    }

    @Test
    void rekeySkeyseedMatchesAcvpVector() {
        byte[] skD = Arrays.copyOf(DKM, 32);
        assertArrayEquals(SKEYSEED_REKEY, IkeKeyMaterial.rekeySkeyseed(SHA256, skD, GIR_NEW, NI, NR));
        // The whole rekey: that SKEYSEED, expanded as in §2.14 with the new exchange's nonces and SPIs.
        long newSpiI = 0x0102030405060708L;
        long newSpiR = 0x1112131415161718L;
        IkeKeyMaterial rekeyed = IkeKeyMaterial.rekey(SHA256, skD, GIR_NEW, NI, NR, newSpiI, newSpiR, 36, 0);
        byte[] seed = cat(NI, NR, spi(newSpiI), spi(newSpiR));
        assertArrayEquals(prfPlusByHand(SHA256, SKEYSEED_REKEY, seed, 32 * 3 + 72), concat(rekeyed));
    }

    @ParameterizedTest
    @EnumSource(PseudoRandomFunction.class)
    void deriveFollowsRfc7296ComputedWithPlainMacCalls(PseudoRandomFunction prf) throws Exception {
        Random random = new Random(prf.id());
        byte[] ni = bytes(random, 32);
        byte[] nr = bytes(random, 48);
        byte[] gir = bytes(random, 256);
        long spiI = random.nextLong();
        long spiR = random.nextLong();
        // AES-CBC-256 with HMAC-SHA2-512-256: 32-byte encryption keys, 64-byte integrity keys.
        IkeKeyMaterial keys = IkeKeyMaterial.derive(prf, ni, nr, gir, spiI, spiR, 32, 64);

        byte[] skeyseed = hmac(prf, cat(ni, nr), gir);
        int p = prf.outputLength();
        byte[] expected = prfPlusByHand(prf, skeyseed, cat(ni, nr, spi(spiI), spi(spiR)), 3 * p + 2 * 64 + 2 * 32);
        assertArrayEquals(expected, concat(keys));
        assertEquals(p, keys.skD().length);
        assertEquals(64, keys.skAr().length);
        assertEquals(32, keys.skEr().length);
        assertEquals(p, keys.skPr().length);
    }

    @Test
    void rekeyToAnotherPrfUsesTheOldPrfForSkeyseedAndTheNewForTheKeys() throws Exception {
        // RFC 7296 §2.18: the old SA's PRF computes SKEYSEED; SK_d etc. come from the new SA's PRF.
        Random random = new Random(218);
        byte[] oldSkD = bytes(random, 32);
        byte[] gir = bytes(random, 32);
        byte[] ni = bytes(random, 32);
        byte[] nr = bytes(random, 32);
        IkeKeyMaterial keys = IkeKeyMaterial.rekey(PseudoRandomFunction.HMAC_SHA2_256, PseudoRandomFunction.HMAC_SHA2_512,
                oldSkD, gir, ni, nr, 5, 6, 36, 0);
        byte[] skeyseed = hmac(PseudoRandomFunction.HMAC_SHA2_256, oldSkD, cat(gir, ni, nr));
        byte[] expected = prfPlusByHand(PseudoRandomFunction.HMAC_SHA2_512, skeyseed, cat(ni, nr, spi(5), spi(6)),
                3 * 64 + 72);
        assertArrayEquals(expected, concat(keys));
        assertEquals(64, keys.skD().length);
    }

    @Test
    void directionsAndPurposesGetDifferentKeys() {
        IkeKeyMaterial keys = IkeKeyMaterial.derive(SHA256, NI, NR, GIR, SPI_I, SPI_R, 32, 32);
        assertFalse(Arrays.equals(keys.skAi(), keys.skAr()));
        assertFalse(Arrays.equals(keys.skEi(), keys.skEr()));
        assertFalse(Arrays.equals(keys.skPi(), keys.skPr()));
        // Swapping the SPIs changes everything: they are part of the prf+ seed.
        IkeKeyMaterial swapped = IkeKeyMaterial.derive(SHA256, NI, NR, GIR, SPI_R, SPI_I, 32, 32);
        assertFalse(Arrays.equals(keys.skD(), swapped.skD()));
    }

    @Test
    void destroyZeroesEveryKeyAndToStringShowsNone() {
        IkeKeyMaterial keys = IkeKeyMaterial.derive(SHA256, NI, NR, GIR, SPI_I, SPI_R, 32, 32);
        String text = keys.toString();
        assertFalse(text.contains(Hex.of(keys.skD()).substring(0, 8)), text);
        byte[] heldByCaller = keys.skEi();
        keys.destroy();
        assertTrue(allZero(concat(keys)));
        assertTrue(allZero(heldByCaller));
    }

    static byte[] concat(IkeKeyMaterial k) {
        return cat(k.skD(), k.skAi(), k.skAr(), k.skEi(), k.skEr(), k.skPi(), k.skPr());
    }

    static byte[] hmac(PseudoRandomFunction prf, byte[] key, byte[] data) throws Exception {
        Mac mac = Mac.getInstance(prf.macAlgorithm());
        mac.init(new SecretKeySpec(key, prf.macAlgorithm()));
        return mac.doFinal(data);
    }

    /** prf+ written out with plain Mac calls (RFC 7296 §2.13). */
    static byte[] prfPlusByHand(PseudoRandomFunction prf, byte[] key, byte[] seed, int length) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] t = new byte[0];
            for (int n = 1; out.size() < length; n++) {
                t = hmac(prf, key, cat(t, seed, new byte[] {(byte) n}));
                out.write(t);
            }
            return Arrays.copyOf(out.toByteArray(), length);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    static byte[] spi(long spi) {
        return ByteBuffer.allocate(8).putLong(spi).array();
    }

    static byte[] bytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    static boolean allZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }
}
