package org.ipsec4j.ike.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * MODP groups 14 and 15: the primes rebuilt from RFC 3526's formula (so the hex in DhGroup cannot hide a typo),
 * g^ir against BigInteger arithmetic, the zero padding of RFC 7296 §3.4 / §2.14, and the checks of RFC 6989 §2.1.
 */
class ModpGroupTest {

    @ParameterizedTest
    @EnumSource(value = DhGroup.class, names = {"MODP_2048", "MODP_3072"})
    void primeIsRfc3526sFormula(DhGroup group) {
        // RFC 3526 §3, §4: p = 2^n - 2^(n-64) - 1 + 2^64 * ( [2^(n-130) pi] + c ).
        int n = group.publicValueLength() * 8;
        long c = group == DhGroup.MODP_2048 ? 124476 : 1690314;
        BigInteger floorPi = piTimesPowerOfTwo(n - 130);
        BigInteger p = BigInteger.TWO.pow(n).subtract(BigInteger.TWO.pow(n - 64)).subtract(BigInteger.ONE)
                .add(BigInteger.TWO.pow(64).multiply(floorPi.add(BigInteger.valueOf(c))));
        assertEquals(p, group.prime());
        assertEquals(BigInteger.TWO, group.modpParameters().getG());
    }

    @ParameterizedTest
    @EnumSource(value = DhGroup.class, names = {"MODP_2048", "MODP_3072"})
    void primeIsASafePrime(DhGroup group) {
        // Why 1 < y < p-1 is the whole check (RFC 6989 §2.1): the only small subgroup is {1, p-1}.
        BigInteger p = group.prime();
        assertTrue(p.isProbablePrime(16));
        assertTrue(p.shiftRight(1).isProbablePrime(16));
    }

    @ParameterizedTest
    @EnumSource(value = DhGroup.class, names = {"MODP_2048", "MODP_3072"})
    void sharedSecretIsPeerToTheExponentPaddedToThePrimeLength(DhGroup group) throws Exception {
        Random random = new Random(3526);
        BigInteger p = group.prime();
        BigInteger x = new BigInteger(256, random).setBit(255);
        DhKeyPair pair = DhTestKeys.modp(group, x);
        // Peer values whose g^ir has a zero first byte (about 1 in 256) exercise the padding.
        int padded = 0;
        for (int k = 2; padded < 2; k++) {
            BigInteger y = BigInteger.valueOf(k);
            BigInteger expected = y.modPow(x, p);
            byte[] secret = pair.sharedSecret(Bytes.unsignedFixed(y, group.publicValueLength()));
            assertEquals(group.sharedSecretLength(), secret.length);
            assertArrayEquals(Bytes.unsignedFixed(expected, group.sharedSecretLength()), secret);
            if (secret[0] == 0) {
                padded++;
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = DhGroup.class, names = {"MODP_2048", "MODP_3072"})
    void publicValueIsPaddedToThePrimeLength(DhGroup group) throws Exception {
        BigInteger p = group.prime();
        BigInteger g = group.modpParameters().getG();
        Random random = new Random(7296);
        BigInteger x = new BigInteger(256, random);
        while (g.modPow(x, p).bitLength() > p.bitLength() - 8) {
            x = x.add(BigInteger.ONE);
        }
        DhKeyPair pair = DhTestKeys.modp(group, x);
        byte[] pub = pair.publicValue();
        assertEquals(group.publicValueLength(), pub.length);
        assertEquals(0, pub[0]);
        assertEquals(g.modPow(x, p), new BigInteger(1, pub));
        // And generate() encodes through the same path: the JDK's public key y, fixed length.
        byte[] viaJdk = DhKeyPair.encodePublic(group, java.security.KeyFactory.getInstance("DH").generatePublic(
                new javax.crypto.spec.DHPublicKeySpec(g.modPow(x, p), p, g)));
        assertArrayEquals(pub, viaJdk);
    }

    @ParameterizedTest
    @EnumSource(value = DhGroup.class, names = {"MODP_2048", "MODP_3072"})
    void refusesValuesOutsideOneToPMinusOne(DhGroup group) throws Exception {
        BigInteger p = group.prime();
        DhKeyPair pair = DhTestKeys.modp(group, BigInteger.valueOf(0x1234567890abcdefL).shiftLeft(200));
        int n = group.publicValueLength();
        for (BigInteger bad : new BigInteger[] {BigInteger.ZERO, BigInteger.ONE, p.subtract(BigInteger.ONE), p,
                p.add(BigInteger.ONE), BigInteger.TWO.pow(8 * n).subtract(BigInteger.ONE)}) {
            byte[] encoded = Bytes.unsignedFixed(bad, n);
            assertThrows(InvalidKeyExchangeException.class, () -> pair.sharedSecret(encoded), bad.toString(16));
            // Our own check refuses it, not only the JDK's.
            assertThrows(InvalidKeyExchangeException.class, () -> DhKeyPair.checkModpPublicValue(group, bad));
        }
        // The boundaries just inside are fine.
        pair.sharedSecret(Bytes.unsignedFixed(BigInteger.TWO, n));
        pair.sharedSecret(Bytes.unsignedFixed(p.subtract(BigInteger.TWO), n));
    }

    @Test
    void anAllZeroValueIsRefused() throws Exception {
        DhKeyPair pair = DhGroup.MODP_2048.generate(new java.security.SecureRandom());
        assertThrows(InvalidKeyExchangeException.class, () -> pair.sharedSecret(new byte[256]));
        byte[] ones = new byte[256];
        Arrays.fill(ones, (byte) 0xff);
        assertThrows(InvalidKeyExchangeException.class, () -> pair.sharedSecret(ones));
    }

    /** floor(pi * 2^bits), by Machin's formula pi = 16 atan(1/5) - 4 atan(1/239) in fixed point with guard bits. */
    static BigInteger piTimesPowerOfTwo(int bits) {
        int precision = bits + 64;
        BigInteger pi = arctanOfInverse(5, precision).shiftLeft(4).subtract(arctanOfInverse(239, precision).shiftLeft(2));
        return pi.shiftRight(64);
    }

    /** atan(1/x) * 2^precision by its Taylor series. */
    private static BigInteger arctanOfInverse(int x, int precision) {
        BigInteger xSquared = BigInteger.valueOf((long) x * x);
        BigInteger power = BigInteger.ONE.shiftLeft(precision).divide(BigInteger.valueOf(x)); // 1/x^(2k+1)
        BigInteger sum = power;
        for (int k = 1; power.signum() != 0; k++) {
            power = power.divide(xSquared);
            BigInteger term = power.divide(BigInteger.valueOf(2L * k + 1));
            sum = (k % 2 == 1) ? sum.subtract(term) : sum.add(term);
        }
        return sum;
    }
}
