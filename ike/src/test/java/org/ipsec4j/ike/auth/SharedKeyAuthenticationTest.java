package org.ipsec4j.ike.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Pre-shared key AUTH (RFC 7296 §2.15), checked against HMAC computed from RFC 2104 by hand. */
class SharedKeyAuthenticationTest {

    private static final byte[] PAD = "Key Pad for IKEv2".getBytes(StandardCharsets.US_ASCII);

    private static byte[] random(int length, long seed) {
        byte[] b = new byte[length];
        new Random(seed).nextBytes(b);
        return b;
    }

    @ParameterizedTest
    @ValueSource(strings = {"HmacSHA256", "HmacSHA384", "HmacSHA512"})
    void authIsPrfOfPrfOfSecretAndKeyPad(String prf) {
        byte[] secret = "This is a strong password".getBytes(StandardCharsets.US_ASCII);
        byte[] octets = random(600, 1);
        byte[] expected = ReferenceHmac.prf(prf, ReferenceHmac.prf(prf, secret, PAD), octets);

        byte[] auth = SharedKeyAuthentication.compute(prf, secret, octets);

        assertArrayEquals(expected, auth);
        assertEquals(Integer.parseInt(prf.substring(7)) / 8, auth.length);
        assertTrue(SharedKeyAuthentication.verify(prf, secret, octets, auth));
    }

    @Test
    void keyPadIsSeventeenOctetsWithoutNul() {
        assertEquals(17, PAD.length);
        byte[] secret = {1, 2, 3};
        byte[] octets = {4, 5, 6};
        byte[] withNul = Arrays.copyOf(PAD, 18);
        assertFalse(Arrays.equals(ReferenceHmac.prf("HmacSHA256", ReferenceHmac.prf("HmacSHA256", secret, withNul), octets),
                SharedKeyAuthentication.compute("HmacSHA256", secret, octets)));
    }

    @Test
    void longSecretIsHashedAsHmacSays() {
        byte[] secret = random(200, 2); // longer than the SHA-256 block
        byte[] octets = random(100, 3);
        assertArrayEquals(ReferenceHmac.prf("HmacSHA256", ReferenceHmac.prf("HmacSHA256", secret, PAD), octets),
                SharedKeyAuthentication.compute("HmacSHA256", secret, octets));
    }

    @Test
    void verifyRejectsOtherSecretOctetsOrData() {
        byte[] secret = "secret".getBytes(StandardCharsets.US_ASCII);
        byte[] octets = random(300, 4);
        byte[] auth = SharedKeyAuthentication.compute("HmacSHA256", secret, octets);

        assertFalse(SharedKeyAuthentication.verify("HmacSHA256", "Secret".getBytes(StandardCharsets.US_ASCII), octets, auth));
        byte[] tamperedOctets = octets.clone();
        tamperedOctets[299] ^= 1;
        assertFalse(SharedKeyAuthentication.verify("HmacSHA256", secret, tamperedOctets, auth));
        byte[] tamperedAuth = auth.clone();
        tamperedAuth[0] ^= (byte) 0x80;
        assertFalse(SharedKeyAuthentication.verify("HmacSHA256", secret, octets, tamperedAuth));
        assertFalse(SharedKeyAuthentication.verify("HmacSHA256", secret, octets, Arrays.copyOf(auth, 16)));
        assertFalse(SharedKeyAuthentication.verify("HmacSHA256", secret, octets, new byte[0]));
        assertFalse(SharedKeyAuthentication.verify("HmacSHA384", secret, octets, auth));
    }

    @Test
    void emptySecretAndUnknownPrfAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> SharedKeyAuthentication.compute("HmacSHA256", new byte[0], new byte[1]));
        assertThrows(IllegalArgumentException.class, () -> SharedKeyAuthentication.compute("HmacNope", new byte[1], new byte[1]));
    }

    @Test
    void callersArraysAreLeftAlone() {
        byte[] secret = {9, 8, 7};
        byte[] octets = {1, 2, 3};
        SharedKeyAuthentication.compute("HmacSHA256", secret, octets);
        assertArrayEquals(new byte[] {9, 8, 7}, secret);
        assertArrayEquals(new byte[] {1, 2, 3}, octets);
    }
}
