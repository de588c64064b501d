package org.ipsec4j.ike.crypto;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECFieldFp;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.NamedParameterSpec;
import java.util.Objects;
import javax.crypto.spec.DHParameterSpec;

/**
 * The Diffie-Hellman groups ipsec4j implements (IANA "Transform Type 4 - Key Exchange Method Transform IDs"),
 * with the length of their KE payload data (RFC 7296 §3.4, RFC 5903 §7, RFC 8031).
 */
public enum DhGroup {

    /** RFC 3526 §3: 2048-bit MODP group, generator 2. */
    MODP_2048(14, Kind.MODP, 256, null),
    /** RFC 3526 §4: 3072-bit MODP group, generator 2. */
    MODP_3072(15, Kind.MODP, 384, null),
    /** RFC 5903 §3.1: 256-bit random ECP group (NIST P-256, secp256r1). */
    ECP_256(19, Kind.ECP, 32, "secp256r1"),
    /** RFC 5903 §3.2: 384-bit random ECP group (NIST P-384, secp384r1). */
    ECP_384(20, Kind.ECP, 48, "secp384r1"),
    /** RFC 8031: Curve25519 (X25519, RFC 7748). */
    CURVE25519(31, Kind.X25519, 32, "X25519");

    enum Kind { MODP, ECP, X25519 }

    /** RFC 3526 §3, the 2048-bit prime p = 2^2048 - 2^1984 - 1 + 2^64 * ([2^1918 pi] + 124476). */
    private static final String MODP_2048_PRIME_HEX = """
            FFFFFFFF FFFFFFFF C90FDAA2 2168C234 C4C6628B 80DC1CD1
            29024E08 8A67CC74 020BBEA6 3B139B22 514A0879 8E3404DD
            EF9519B3 CD3A431B 302B0A6D F25F1437 4FE1356D 6D51C245
            E485B576 625E7EC6 F44C42E9 A637ED6B 0BFF5CB6 F406B7ED
            EE386BFB 5A899FA5 AE9F2411 7C4B1FE6 49286651 ECE45B3D
            C2007CB8 A163BF05 98DA4836 1C55D39A 69163FA8 FD24CF5F
            83655D23 DCA3AD96 1C62F356 208552BB 9ED52907 7096966D
            670C354E 4ABC9804 F1746C08 CA18217C 32905E46 2E36CE3B
            E39E772C 180E8603 9B2783A2 EC07A28F B5C55DF0 6F4C52C9
            DE2BCBF6 95581718 3995497C EA956AE5 15D22618 98FA0510
            15728E5A 8AACAA68 FFFFFFFF FFFFFFFF""";

    /** RFC 3526 §4, the 3072-bit prime p = 2^3072 - 2^3008 - 1 + 2^64 * ([2^2942 pi] + 1690314). */
    private static final String MODP_3072_PRIME_HEX = """
            FFFFFFFF FFFFFFFF C90FDAA2 2168C234 C4C6628B 80DC1CD1
            29024E08 8A67CC74 020BBEA6 3B139B22 514A0879 8E3404DD
            EF9519B3 CD3A431B 302B0A6D F25F1437 4FE1356D 6D51C245
            E485B576 625E7EC6 F44C42E9 A637ED6B 0BFF5CB6 F406B7ED
            EE386BFB 5A899FA5 AE9F2411 7C4B1FE6 49286651 ECE45B3D
            C2007CB8 A163BF05 98DA4836 1C55D39A 69163FA8 FD24CF5F
            83655D23 DCA3AD96 1C62F356 208552BB 9ED52907 7096966D
            670C354E 4ABC9804 F1746C08 CA18217C 32905E46 2E36CE3B
            E39E772C 180E8603 9B2783A2 EC07A28F B5C55DF0 6F4C52C9
            DE2BCBF6 95581718 3995497C EA956AE5 15D22618 98FA0510
            15728E5A 8AAAC42D AD33170D 04507A33 A85521AB DF1CBA64
            ECFB8504 58DBEF0A 8AEA7157 5D060C7D B3970F85 A6E1E4C7
            ABF5AE8C DB0933D7 1E8C94E0 4A25619D CEE3D226 1AD2EE6B
            F12FFA06 D98A0864 D8760273 3EC86A64 521F2B18 177B200C
            BBE11757 7A615D6C 770988C0 BAD946E2 08E24FA0 74E5AB31
            43DB5BFC E0FD108E 4B82D120 A93AD2CA FFFFFFFF FFFFFFFF""";

    private final int id;
    private final Kind kind;
    /** MODP: the prime's length; ECP: one coordinate's length; X25519: the u-coordinate's length. */
    private final int fieldLength;
    private final String curveName;
    private final DHParameterSpec modpParameters;
    private final ECParameterSpec ecParameters;

    DhGroup(int id, Kind kind, int fieldLength, String curveName) {
        this.id = id;
        this.kind = kind;
        this.fieldLength = fieldLength;
        this.curveName = curveName;
        this.modpParameters = kind == Kind.MODP
                ? new DHParameterSpec(new BigInteger((id == 14 ? MODP_2048_PRIME_HEX : MODP_3072_PRIME_HEX)
                        .replaceAll("\\s+", ""), 16), BigInteger.TWO)
                : null;
        this.ecParameters = kind == Kind.ECP ? namedCurve(curveName) : null;
    }

    private static ECParameterSpec namedCurve(String name) {
        try {
            AlgorithmParameters p = AlgorithmParameters.getInstance("EC");
            p.init(new ECGenParameterSpec(name));
            return p.getParameterSpec(ECParameterSpec.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks the curve " + name, e);
        }
    }

    /** The IKEv2 Transform Type 4 id. */
    public int id() {
        return id;
    }

    /** The group for an IKEv2 Transform Type 4 id, or null if ipsec4j does not implement it. */
    public static DhGroup fromIke(int id) {
        for (DhGroup g : values()) {
            if (g.id == id) {
                return g;
            }
        }
        return null;
    }

    /**
     * The exact length of the KE payload's key exchange data: the prime's length for MODP (RFC 7296 §3.4),
     * twice the coordinate length for ECP (x | y, RFC 5903 §7), 32 for Curve25519 (RFC 8031).
     */
    public int publicValueLength() {
        return kind == Kind.ECP ? 2 * fieldLength : fieldLength;
    }

    /** The length of g^ir: the prime's length for MODP, the x coordinate's for ECP, 32 for Curve25519. */
    public int sharedSecretLength() {
        return fieldLength;
    }

    /** A fresh ephemeral key pair. */
    public DhKeyPair generate(SecureRandom random) {
        Objects.requireNonNull(random, "random");
        try {
            KeyPairGenerator generator;
            switch (kind) {
                case MODP -> {
                    // The JDK picks the private exponent's length for the prime (NIST SP 800-56A); that is
                    // well above twice the group's strength, which RFC 3526 §8 asks for.
                    generator = KeyPairGenerator.getInstance("DH");
                    generator.initialize(modpParameters, random);
                }
                case ECP -> {
                    generator = KeyPairGenerator.getInstance("EC");
                    generator.initialize(new ECGenParameterSpec(curveName), random);
                }
                case X25519 -> {
                    generator = KeyPairGenerator.getInstance("XDH");
                    generator.initialize(NamedParameterSpec.X25519, random);
                }
                default -> throw new AssertionError(kind);
            }
            KeyPair pair = generator.generateKeyPair();
            return new DhKeyPair(this, pair.getPrivate(), DhKeyPair.encodePublic(this, pair.getPublic()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot generate keys for " + this, e);
        }
    }

    Kind kind() {
        return kind;
    }

    int fieldLength() {
        return fieldLength;
    }

    /** MODP only: p and g. */
    DHParameterSpec modpParameters() {
        return modpParameters;
    }

    /** MODP only. */
    BigInteger prime() {
        return modpParameters.getP();
    }

    /** ECP only: the curve (prime field, a, b, generator, order). */
    ECParameterSpec ecParameters() {
        return ecParameters;
    }

    /** ECP only: the field prime. */
    BigInteger ecFieldPrime() {
        return ((ECFieldFp) ecParameters.getCurve().getField()).getP();
    }
}
