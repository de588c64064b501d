package org.ipsec4j.ike.crypto;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import javax.crypto.spec.DHPrivateKeySpec;

/** Key pairs with a given private value, for the known-answer tests. */
final class DhTestKeys {

    private DhTestKeys() {}

    /** X25519 u = 9, the base point (RFC 7748 §4.1), little-endian. */
    static final byte[] X25519_BASE_POINT = Hex.bytes("09" + "00".repeat(31));

    static DhKeyPair ecp(DhGroup group, String privateHex, String publicXHex, String publicYHex) throws Exception {
        PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(
                new ECPrivateKeySpec(new BigInteger(1, Hex.bytes(privateHex)), group.ecParameters()));
        return new DhKeyPair(group, key, Hex.bytes(publicXHex + publicYHex));
    }

    /** An X25519 pair from a 32-byte scalar (clamped by the JDK, RFC 7748 §5); the public value is k * 9. */
    static DhKeyPair x25519(byte[] scalar) throws Exception {
        PrivateKey key = KeyFactory.getInstance("XDH").generatePrivate(
                new XECPrivateKeySpec(NamedParameterSpec.X25519, scalar));
        byte[] publicValue = new DhKeyPair(DhGroup.CURVE25519, key, new byte[32]).sharedSecret(X25519_BASE_POINT);
        return new DhKeyPair(DhGroup.CURVE25519, key, publicValue);
    }

    static DhKeyPair modp(DhGroup group, BigInteger x) throws GeneralSecurityException {
        BigInteger p = group.prime();
        BigInteger g = group.modpParameters().getG();
        PrivateKey key = KeyFactory.getInstance("DH").generatePrivate(new DHPrivateKeySpec(x, p, g));
        return new DhKeyPair(group, key, Bytes.unsignedFixed(g.modPow(x, p), group.publicValueLength()));
    }
}
