package org.ipsec4j.ike.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Random;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * prf+ (RFC 7296 §2.13) against the definition written out with plain {@code Mac} calls, at lengths around the
 * block boundaries and at the 255-block limit.
 */
class PrfPlusTest {

    /** T1 = prf(K, S | 0x01), Tn = prf(K, Tn-1 | S | n), straight from the RFC's text. */
    private static byte[] reference(PseudoRandomFunction prf, byte[] key, byte[] seed, int length) throws Exception {
        Mac mac = Mac.getInstance(prf.macAlgorithm());
        mac.init(new SecretKeySpec(key, prf.macAlgorithm()));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] previous = new byte[0];
        for (int n = 1; out.size() < length; n++) {
            ByteArrayOutputStream input = new ByteArrayOutputStream();
            input.write(previous);
            input.write(seed);
            input.write(n);
            previous = mac.doFinal(input.toByteArray());
            out.write(previous);
        }
        return Arrays.copyOf(out.toByteArray(), length);
    }

    @ParameterizedTest
    @EnumSource(PseudoRandomFunction.class)
    void matchesTheRfcDefinition(PseudoRandomFunction prf) throws Exception {
        Random random = new Random(7296);
        int block = prf.outputLength();
        int[] lengths = {1, block - 1, block, block + 1, 2 * block, 3 * block + 5, 200, 1000,
                255 * block - 1, 255 * block};
        for (int length : lengths) {
            byte[] key = new byte[1 + random.nextInt(150)];
            byte[] seed = new byte[random.nextInt(600)];
            random.nextBytes(key);
            random.nextBytes(seed);
            assertArrayEquals(reference(prf, key, seed, length), prf.prfPlus(key, seed, length), "length " + length);
        }
    }

    @ParameterizedTest
    @EnumSource(PseudoRandomFunction.class)
    void aShorterOutputIsAPrefixOfALongerOne(PseudoRandomFunction prf) {
        byte[] key = new byte[32];
        byte[] seed = {1, 2, 3};
        byte[] longer = prf.prfPlus(key, seed, 500);
        assertArrayEquals(Arrays.copyOf(longer, 77), prf.prfPlus(key, seed, 77));
    }

    @ParameterizedTest
    @EnumSource(PseudoRandomFunction.class)
    void refusesMoreThan255BlocksAndEmptyOutput(PseudoRandomFunction prf) {
        byte[] key = new byte[32];
        assertThrows(IllegalArgumentException.class, () -> prf.prfPlus(key, new byte[8], 255 * prf.outputLength() + 1));
        assertThrows(IllegalArgumentException.class, () -> prf.prfPlus(key, new byte[8], 0));
        assertThrows(IllegalArgumentException.class, () -> prf.prfPlus(key, new byte[8], -1));
    }
}
