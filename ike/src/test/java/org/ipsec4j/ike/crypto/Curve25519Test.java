package org.ipsec4j.ike.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Group 31 (RFC 8031): the X25519 vectors of RFC 7748 §5.2 and §6.1, and the refusal of small-order points. */
class Curve25519Test {

    @Test
    void rfc7748Section52ScalarMultiplication() throws Exception {
        assertEquals("c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552", Hex.of(
                DhTestKeys.x25519(Hex.bytes("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4"))
                        .sharedSecret(Hex.bytes("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c"))));
        // The u-coordinate here has its top bit set: it must be masked (RFC 7748 §5).
        assertEquals("95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957", Hex.of(
                DhTestKeys.x25519(Hex.bytes("4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d"))
                        .sharedSecret(Hex.bytes("e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493"))));
    }

    @Test
    void rfc7748Section52Iterated() throws Exception {
        // k = u = 9; each round k, u := X25519(k, u), k. After 1 and 1,000 rounds (the 1,000,000 one is too slow here).
        byte[] k = DhTestKeys.X25519_BASE_POINT.clone();
        byte[] u = DhTestKeys.X25519_BASE_POINT.clone();
        for (int round = 1; round <= 1000; round++) {
            byte[] result = DhTestKeys.x25519(k).sharedSecret(u);
            u = k;
            k = result;
            if (round == 1) {
                assertEquals("422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079", Hex.of(k));
            }
        }
        assertEquals("684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51", Hex.of(k));
    }

    @Test
    void rfc7748Section61DiffieHellman() throws Exception {
        DhKeyPair alice = DhTestKeys.x25519(Hex.bytes("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"));
        DhKeyPair bob = DhTestKeys.x25519(Hex.bytes("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"));
        assertEquals("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a", Hex.of(alice.publicValue()));
        assertEquals("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f", Hex.of(bob.publicValue()));
        String shared = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";
        assertEquals(shared, Hex.of(alice.sharedSecret(bob.publicValue())));
        assertEquals(shared, Hex.of(bob.sharedSecret(alice.publicValue())));
    }

    /** Points of order 1, 2, 4 and 8, and non-canonical encodings of 0 and 1 (u + p), little-endian. */
    @ParameterizedTest
    @ValueSource(strings = {
            "0000000000000000000000000000000000000000000000000000000000000000", // 0
            "0100000000000000000000000000000000000000000000000000000000000000", // 1
            "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800", // order 8
            "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157", // order 8
            "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // p - 1, order 2
            "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // p = 0
            "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // p + 1 = 1
    })
    void refusesSmallOrderPoints(String u) {
        DhKeyPair pair = DhGroup.CURVE25519.generate(new SecureRandom());
        assertThrows(InvalidKeyExchangeException.class, () -> pair.sharedSecret(Hex.bytes(u)));
    }

    @Test
    void ourAllZeroCheckRefusesZerosAndOnlyZeros() throws Exception {
        // The JDK also refuses small-order points; this is our own check of RFC 8031 §2, on its own.
        assertThrows(InvalidKeyExchangeException.class,
                () -> DhKeyPair.requireNotAllZero(DhGroup.CURVE25519, new byte[32]));
        for (int i = 0; i < 32; i++) {
            byte[] secret = new byte[32];
            secret[i] = (byte) 0x80;
            DhKeyPair.requireNotAllZero(DhGroup.CURVE25519, secret);
        }
    }

    @Test
    void theTopBitOfThePeerValueIsIgnored() throws Exception {
        DhKeyPair a = DhGroup.CURVE25519.generate(new SecureRandom());
        byte[] peer = DhGroup.CURVE25519.generate(new SecureRandom()).publicValue();
        byte[] flipped = peer.clone();
        flipped[31] ^= (byte) 0x80;
        assertArrayEquals(a.sharedSecret(peer), a.sharedSecret(flipped));
    }

    @Test
    void decodingIsLittleEndianAndEncodingInvertsIt() {
        byte[] nine = DhTestKeys.X25519_BASE_POINT;
        assertEquals(java.math.BigInteger.valueOf(9), DhKeyPair.decodeX25519(nine));
        byte[] v = Hex.bytes("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c");
        assertArrayEquals(v, DhKeyPair.encodeX25519(DhKeyPair.decodeX25519(v)));
    }
}
