package org.ipsec4j.ike.crypto;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.XECPublicKey;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.KeySpec;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPublicKeySpec;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.KeyAgreement;
import javax.crypto.interfaces.DHPublicKey;
import javax.crypto.spec.DHPublicKeySpec;
import javax.security.auth.DestroyFailedException;

/**
 * One side's ephemeral Diffie-Hellman key pair for one exchange, and the computation of g^ir from the peer's
 * KE payload data, which is validated first (RFC 6989).
 *
 * <p>The JDK's private key objects cannot be zeroed (their {@code destroy()} throws); {@link #destroy()} tries
 * and then drops the reference, so the key is unreachable after it. Not thread-safe.
 */
public final class DhKeyPair {

    /** 2^255 - 19, the field prime of Curve25519 (RFC 7748 §4.1). */
    private static final BigInteger CURVE25519_PRIME = BigInteger.TWO.pow(255).subtract(BigInteger.valueOf(19));

    private final DhGroup group;
    private final byte[] publicValue;
    private PrivateKey privateKey;

    /** A pair from its parts; {@code publicValue} is in the IKE encoding and kept (not copied). */
    DhKeyPair(DhGroup group, PrivateKey privateKey, byte[] publicValue) {
        this.group = Objects.requireNonNull(group, "group");
        this.privateKey = Objects.requireNonNull(privateKey, "privateKey");
        if (publicValue.length != group.publicValueLength()) {
            throw new IllegalArgumentException("public value of " + publicValue.length + " bytes for " + group);
        }
        this.publicValue = publicValue;
    }

    public DhGroup group() {
        return group;
    }

    /**
     * Our public value as the KE payload carries it: MODP big-endian padded to the prime's length (RFC 7296
     * §3.4), ECP x | y each padded to the coordinate length (RFC 5903 §7), X25519 the 32 bytes of RFC 7748 §5
     * (little-endian u). A copy.
     */
    public byte[] publicValue() {
        return publicValue.clone();
    }

    /**
     * g^ir from the peer's KE payload data, after checking the value (RFC 6989 §2): exact length; MODP
     * 1 &lt; y &lt; p-1; ECP coordinates below the field prime and the point on the curve (which also rules out
     * the point at infinity, which x | y cannot encode); X25519 a result that is not all zeros (RFC 7748 §6.1,
     * RFC 8031 §2). The result is the prime's length for MODP, the x coordinate for ECP (RFC 5903 §7) and
     * 32 bytes for X25519; the caller owns it and should zero it when the keys are derived.
     *
     * @throws InvalidKeyExchangeException if the peer's value must be refused
     * @throws IllegalStateException after {@link #destroy()}
     */
    public byte[] sharedSecret(byte[] peerPublicValue) throws InvalidKeyExchangeException {
        PrivateKey key = privateKey;
        if (key == null) {
            throw new IllegalStateException("key pair destroyed");
        }
        if (peerPublicValue == null || peerPublicValue.length != group.publicValueLength()) {
            throw new InvalidKeyExchangeException(group, "peer public value of "
                    + (peerPublicValue == null ? "no" : Integer.toString(peerPublicValue.length))
                    + " bytes, expected " + group.publicValueLength() + " (RFC 7296 §3.4)");
        }
        return switch (group.kind()) {
            case MODP -> modpSecret(key, peerPublicValue);
            case ECP -> ecpSecret(key, peerPublicValue);
            case X25519 -> x25519Secret(key, peerPublicValue);
        };
    }

    /** Forgets the private key (see the class comment on what the JDK allows). Idempotent. */
    public void destroy() {
        PrivateKey key = privateKey;
        privateKey = null;
        if (key != null) {
            try {
                key.destroy();
            } catch (DestroyFailedException e) {
                // The JDK's DH, EC and XDH private keys do not support it; the reference is dropped instead.
            }
        }
    }

    public boolean isDestroyed() {
        return privateKey == null;
    }

    @Override
    public String toString() {
        return "DhKeyPair[" + group + (privateKey == null ? ", destroyed" : "") + "]";
    }

    // --- MODP ---

    private byte[] modpSecret(PrivateKey key, byte[] peer) throws InvalidKeyExchangeException {
        BigInteger y = new BigInteger(1, peer);
        checkModpPublicValue(group, y);
        PublicKey peerKey = peerKey("DH", new DHPublicKeySpec(y, group.prime(), group.modpParameters().getG()));
        // RFC 7296 §2.14: g^ir padded with zeros to the length of the modulus.
        return Bytes.leftPad(agree("DH", key, peerKey), group.sharedSecretLength());
    }

    /** RFC 6989 §2.1: 1 &lt; y &lt; p-1 (the groups' primes are safe primes, so no subgroup test is needed). */
    static void checkModpPublicValue(DhGroup group, BigInteger y) throws InvalidKeyExchangeException {
        BigInteger pMinusOne = group.prime().subtract(BigInteger.ONE);
        if (y.compareTo(BigInteger.ONE) <= 0 || y.compareTo(pMinusOne) >= 0) {
            throw new InvalidKeyExchangeException(group, "peer public value outside 1 < y < p-1 (RFC 6989 §2.1)");
        }
    }

    // --- ECP ---

    private byte[] ecpSecret(PrivateKey key, byte[] peer) throws InvalidKeyExchangeException {
        int n = group.fieldLength();
        BigInteger x = new BigInteger(1, Arrays.copyOfRange(peer, 0, n));
        BigInteger y = new BigInteger(1, Arrays.copyOfRange(peer, n, 2 * n));
        checkEcpPoint(group, x, y);
        PublicKey peerKey = peerKey("EC", new ECPublicKeySpec(new ECPoint(x, y), group.ecParameters()));
        // RFC 5903 §7: the shared secret is the x coordinate of g^ir, padded to the coordinate length.
        return Bytes.leftPad(agree("ECDH", key, peerKey), n);
    }

    /**
     * RFC 6989 §2.3: the coordinates are field elements and the point satisfies y^2 = x^3 + ax + b. The point at
     * infinity has no x | y encoding and (0, 0) is not on these curves (b != 0); the cofactor is 1, so a point
     * on the curve is in the prime-order group.
     */
    static void checkEcpPoint(DhGroup group, BigInteger x, BigInteger y) throws InvalidKeyExchangeException {
        BigInteger p = group.ecFieldPrime();
        if (x.signum() < 0 || y.signum() < 0 || x.compareTo(p) >= 0 || y.compareTo(p) >= 0) {
            throw new InvalidKeyExchangeException(group, "peer point has a coordinate >= p (RFC 6989 §2.3)");
        }
        ECParameterSpec params = group.ecParameters();
        BigInteger a = params.getCurve().getA();
        BigInteger b = params.getCurve().getB();
        BigInteger left = y.multiply(y).mod(p);
        BigInteger right = x.multiply(x).add(a).multiply(x).add(b).mod(p);
        if (!left.equals(right)) {
            throw new InvalidKeyExchangeException(group, "peer point is not on the curve (RFC 6989 §2.3)");
        }
    }

    // --- X25519 ---

    private byte[] x25519Secret(PrivateKey key, byte[] peer) throws InvalidKeyExchangeException {
        PublicKey peerKey = peerKey("XDH", new XECPublicKeySpec(NamedParameterSpec.X25519, decodeX25519(peer)));
        byte[] secret = agree("XDH", key, peerKey);
        requireNotAllZero(group, secret);
        return secret;
    }

    /**
     * RFC 7748 §5: the u-coordinate is little-endian, its top bit is masked, and a value at or above p is taken
     * modulo p.
     */
    static BigInteger decodeX25519(byte[] u) {
        byte[] bigEndian = new byte[32];
        for (int i = 0; i < 32; i++) {
            bigEndian[i] = u[31 - i];
        }
        bigEndian[0] &= 0x7f;
        return new BigInteger(1, bigEndian).mod(CURVE25519_PRIME);
    }

    static byte[] encodeX25519(BigInteger u) {
        byte[] bigEndian = Bytes.unsignedFixed(u, 32);
        byte[] out = new byte[32];
        for (int i = 0; i < 32; i++) {
            out[i] = bigEndian[31 - i];
        }
        return out;
    }

    /**
     * RFC 7748 §6.1, RFC 8031 §2: an all-zero X25519 result means the peer sent a point of small order; refuse
     * it. Checked without an early exit.
     */
    static void requireNotAllZero(DhGroup group, byte[] secret) throws InvalidKeyExchangeException {
        int acc = 0;
        for (byte b : secret) {
            acc |= b;
        }
        if (acc == 0) {
            throw new InvalidKeyExchangeException(group,
                    "the shared secret is all zeros: the peer sent a point of small order (RFC 8031 §2)");
        }
    }

    // --- common ---

    static byte[] encodePublic(DhGroup group, PublicKey key) {
        return switch (group.kind()) {
            case MODP -> Bytes.unsignedFixed(((DHPublicKey) key).getY(), group.publicValueLength());
            case ECP -> {
                ECPoint w = ((ECPublicKey) key).getW();
                yield Bytes.concat(Bytes.unsignedFixed(w.getAffineX(), group.fieldLength()),
                        Bytes.unsignedFixed(w.getAffineY(), group.fieldLength()));
            }
            case X25519 -> encodeX25519(((XECPublicKey) key).getU());
        };
    }

    private PublicKey peerKey(String keyAlgorithm, KeySpec spec) throws InvalidKeyExchangeException {
        try {
            return KeyFactory.getInstance(keyAlgorithm).generatePublic(spec);
        } catch (GeneralSecurityException e) {
            throw new InvalidKeyExchangeException(group, "the JDK refuses the peer public value: " + e.getMessage(), e);
        }
    }

    private byte[] agree(String algorithm, PrivateKey key, PublicKey peerKey) throws InvalidKeyExchangeException {
        KeyAgreement agreement;
        try {
            agreement = KeyAgreement.getInstance(algorithm);
            agreement.init(key);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks " + algorithm, e);
        }
        try {
            agreement.doPhase(peerKey, true);
            return agreement.generateSecret();
        } catch (InvalidKeyException | IllegalStateException e) {
            // Our checks above come first; this is the JDK's own validation agreeing with them.
            throw new InvalidKeyExchangeException(group, "the JDK refuses the peer public value: " + e.getMessage(), e);
        }
    }
}
