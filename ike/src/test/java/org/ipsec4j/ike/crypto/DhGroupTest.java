package org.ipsec4j.ike.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What every group shares: ids, lengths, agreement between two fresh pairs, refusal of wrong lengths, destroy. */
class DhGroupTest {

    private static final SecureRandom RANDOM = new SecureRandom();

    @Test
    void idsAndLengthsFollowTheIanaRegistryAndTheRfcs() {
        assertEquals(14, DhGroup.MODP_2048.id());
        assertEquals(15, DhGroup.MODP_3072.id());
        assertEquals(19, DhGroup.ECP_256.id());
        assertEquals(20, DhGroup.ECP_384.id());
        assertEquals(31, DhGroup.CURVE25519.id());
        assertEquals(256, DhGroup.MODP_2048.publicValueLength());
        assertEquals(384, DhGroup.MODP_3072.publicValueLength());
        assertEquals(64, DhGroup.ECP_256.publicValueLength());
        assertEquals(96, DhGroup.ECP_384.publicValueLength());
        assertEquals(32, DhGroup.CURVE25519.publicValueLength());
        assertEquals(32, DhGroup.ECP_256.sharedSecretLength());
        assertEquals(48, DhGroup.ECP_384.sharedSecretLength());
        for (DhGroup g : DhGroup.values()) {
            assertEquals(g, DhGroup.fromIke(g.id()));
        }
        assertNull(DhGroup.fromIke(2)); // 1024-bit MODP: not implemented
        assertNull(DhGroup.fromIke(21));
        assertNull(DhGroup.fromIke(0));
    }

    @ParameterizedTest
    @EnumSource(DhGroup.class)
    void twoFreshPairsAgree(DhGroup group) throws Exception {
        DhKeyPair a = group.generate(RANDOM);
        DhKeyPair b = group.generate(RANDOM);
        assertEquals(group, a.group());
        assertEquals(group.publicValueLength(), a.publicValue().length);
        byte[] ab = a.sharedSecret(b.publicValue());
        byte[] ba = b.sharedSecret(a.publicValue());
        assertArrayEquals(ab, ba);
        assertEquals(group.sharedSecretLength(), ab.length);
        assertFalse(java.util.Arrays.equals(a.publicValue(), b.publicValue()));
    }

    @ParameterizedTest
    @EnumSource(DhGroup.class)
    void refusesAPublicValueOfAnyOtherLength(DhGroup group) {
        DhKeyPair a = group.generate(RANDOM);
        byte[] good = group.generate(RANDOM).publicValue();
        int n = group.publicValueLength();
        for (int length : new int[] {0, 1, n - 1, n + 1, 2 * n}) {
            byte[] wrong = java.util.Arrays.copyOf(good, length);
            InvalidKeyExchangeException e = assertThrows(InvalidKeyExchangeException.class, () -> a.sharedSecret(wrong));
            assertEquals(group, e.group());
        }
        assertThrows(InvalidKeyExchangeException.class, () -> a.sharedSecret(null));
        // An uncompressed SEC 1 point (0x04 | x | y) is not the IKE encoding (RFC 5903 §7).
        byte[] sec1 = new byte[n + 1];
        sec1[0] = 4;
        System.arraycopy(good, 0, sec1, 1, n);
        assertThrows(InvalidKeyExchangeException.class, () -> a.sharedSecret(sec1));
    }

    @ParameterizedTest
    @EnumSource(DhGroup.class)
    void publicValueIsACopyAndDestroyEndsUse(DhGroup group) throws Exception {
        DhKeyPair a = group.generate(RANDOM);
        byte[] peer = group.generate(RANDOM).publicValue();
        byte[] pub = a.publicValue();
        pub[0] ^= 1;
        assertFalse(java.util.Arrays.equals(pub, a.publicValue()));
        a.sharedSecret(peer);
        a.destroy();
        assertTrue(a.isDestroyed());
        assertThrows(IllegalStateException.class, () -> a.sharedSecret(peer));
        a.destroy(); // idempotent
        assertFalse(a.toString().isEmpty());
    }
}
