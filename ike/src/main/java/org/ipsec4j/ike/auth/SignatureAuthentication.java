package org.ipsec4j.ike.auth;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.Key;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.util.Arrays;
import java.util.EnumSet;

/**
 * Signature authentication of the AUTH payload: the Digital Signature method (RFC 7427, auth method 14) for
 * signing and verifying, and the legacy methods RSA Digital Signature (1, RFC 7296 §3.8: PKCS#1 v1.5 with
 * SHA-1) and ECDSA 256/384/521 (9/10/11, RFC 4754: r|s of fixed length) for peers that still send them.
 *
 * <p>The signed data is always the {@link SignedOctets}. Method 14 AUTH data is: one octet, the length of
 * the DER AlgorithmIdentifier; the AlgorithmIdentifier; the signature (for ECDSA, the DER ECDSA-Sig-Value).
 */
public final class SignatureAuthentication {

    /** The auth method numbers of RFC 7296 §3.8 (the same values as {@code message.AuthMethod}). */
    public static final int RSA_SIGNATURE = 1;
    public static final int ECDSA_256 = 9;
    public static final int ECDSA_384 = 10;
    public static final int ECDSA_521 = 11;
    public static final int DIGITAL_SIGNATURE = 14;

    private SignatureAuthentication() {}

    /**
     * The method 14 AUTH data for {@code octets}, signed with {@code key} under {@code scheme}.
     *
     * @throws IllegalArgumentException if the scheme does not fit the key
     */
    public static byte[] sign(PrivateKey key, byte[] octets, SignatureScheme scheme) {
        if (!scheme.fits(key)) {
            throw new IllegalArgumentException(scheme.description() + " cannot sign with a " + KeyKind.describe(key)
                    + " key");
        }
        byte[] signature = sign(scheme.verification(), key, octets);
        byte[] algorithmIdentifier = scheme.algorithmIdentifier();
        byte[] out = new byte[1 + algorithmIdentifier.length + signature.length];
        out[0] = (byte) algorithmIdentifier.length;
        System.arraycopy(algorithmIdentifier, 0, out, 1, algorithmIdentifier.length);
        System.arraycopy(signature, 0, out, 1 + algorithmIdentifier.length, signature.length);
        return out;
    }

    /**
     * Checks method 14 AUTH data: parses the AlgorithmIdentifier, checks that it fits {@code key}, verifies the
     * signature over {@code octets}.
     */
    public static void verify(PublicKey key, byte[] authData, byte[] octets) throws AuthenticationException {
        if (authData.length < 1) {
            throw new AuthenticationException("empty AUTH data");
        }
        int idLength = authData[0] & 0xFF;
        if (idLength == 0 || authData.length < 1 + idLength + 1) {
            throw new AuthenticationException("AUTH data too short for its AlgorithmIdentifier length " + idLength);
        }
        VerificationAlgorithm algorithm =
                SignatureAlgorithmIdentifiers.parse(Arrays.copyOfRange(authData, 1, 1 + idLength));
        KeyKind kind = KeyKind.of(key);
        if (kind == null || !algorithm.keyKinds().contains(kind)) {
            throw new AuthenticationException("peer signed with " + algorithm.description() + " but its key is "
                    + KeyKind.describe(key));
        }
        byte[] signature = Arrays.copyOfRange(authData, 1 + idLength, authData.length);
        check(algorithm, key, octets, signature);
    }

    /**
     * Checks AUTH data of any signature method: 14 (as {@link #verify(PublicKey, byte[], byte[])}), 1, 9, 10
     * or 11. Legacy ECDSA methods require the curve the method names (RFC 4754 §3).
     */
    public static void verify(int authMethod, PublicKey key, byte[] authData, byte[] octets)
            throws AuthenticationException {
        if (authMethod == DIGITAL_SIGNATURE) {
            verify(key, authData, octets);
            return;
        }
        VerificationAlgorithm algorithm = legacyAlgorithm(authMethod);
        String problem = legacyKeyProblem(authMethod, key);
        if (problem != null) {
            throw new AuthenticationException(problem);
        }
        if (authMethod != RSA_SIGNATURE && authData.length != 2 * legacyCoordinateLength(authMethod)) {
            throw new AuthenticationException("ECDSA AUTH data of " + authData.length + " octets for auth method "
                    + authMethod + " (RFC 4754: r|s, " + 2 * legacyCoordinateLength(authMethod) + ")");
        }
        check(algorithm, key, octets, authData);
    }

    /**
     * AUTH data for a legacy signature method (1, 9, 10, 11), for a peer that did not send
     * SIGNATURE_HASH_ALGORITHMS.
     *
     * @throws IllegalArgumentException if the method is not one of these or does not fit the key
     */
    public static byte[] signLegacy(int authMethod, PrivateKey key, byte[] octets) {
        VerificationAlgorithm algorithm = legacyAlgorithm(authMethod);
        if (algorithm == null) {
            throw new IllegalArgumentException("not a legacy signature auth method: " + authMethod);
        }
        String problem = legacyKeyProblem(authMethod, key);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        return sign(algorithm, key, octets);
    }

    /** The legacy auth method for a key (1 for RSA, 9/10/11 for P-256/384/521), or -1 if there is none. */
    public static int legacyMethodFor(PrivateKey key) {
        KeyKind kind = KeyKind.of(key);
        if (kind == KeyKind.RSA) {
            return RSA_SIGNATURE;
        }
        if (kind == KeyKind.EC) {
            return switch (KeyKind.ecFieldSize(key)) {
                case 256 -> ECDSA_256;
                case 384 -> ECDSA_384;
                case 521 -> ECDSA_521;
                default -> -1;
            };
        }
        return -1;
    }

    private static VerificationAlgorithm legacyAlgorithm(int authMethod) {
        return switch (authMethod) {
            case RSA_SIGNATURE -> legacy("SHA1withRSA", KeyKind.RSA, "RSA PKCS#1 v1.5 with SHA-1 (auth method 1)");
            case ECDSA_256 -> legacy("SHA256withECDSAinP1363Format", KeyKind.EC, "ECDSA P-256 with SHA-256 (auth method 9)");
            case ECDSA_384 -> legacy("SHA384withECDSAinP1363Format", KeyKind.EC, "ECDSA P-384 with SHA-384 (auth method 10)");
            case ECDSA_521 -> legacy("SHA512withECDSAinP1363Format", KeyKind.EC, "ECDSA P-521 with SHA-512 (auth method 11)");
            default -> null;
        };
    }

    private static VerificationAlgorithm legacy(String jdkAlgorithm, KeyKind kind, String description) {
        return new VerificationAlgorithm(jdkAlgorithm, null, EnumSet.of(kind), description, null);
    }

    /** What is wrong with using {@code key} under a legacy method, or null if nothing. */
    private static String legacyKeyProblem(int authMethod, Key key) {
        VerificationAlgorithm algorithm = legacyAlgorithm(authMethod);
        if (algorithm == null) {
            return "unsupported signature auth method " + authMethod;
        }
        KeyKind kind = KeyKind.of(key);
        if (kind == null || !algorithm.keyKinds().contains(kind)) {
            return algorithm.description() + " does not fit a " + KeyKind.describe(key) + " key";
        }
        if (kind == KeyKind.EC && KeyKind.ecFieldSize(key) != legacyFieldSize(authMethod)) {
            return algorithm.description() + " does not fit a " + KeyKind.describe(key) + " key";
        }
        return null;
    }

    private static int legacyFieldSize(int authMethod) {
        return switch (authMethod) {
            case ECDSA_256 -> 256;
            case ECDSA_384 -> 384;
            case ECDSA_521 -> 521;
            default -> 0;
        };
    }

    private static int legacyCoordinateLength(int authMethod) {
        return (legacyFieldSize(authMethod) + 7) / 8;
    }

    private static byte[] sign(VerificationAlgorithm algorithm, PrivateKey key, byte[] octets) {
        try {
            Signature s = algorithm.newSignature();
            s.initSign(key);
            s.update(octets);
            return s.sign();
        } catch (InvalidKeyException e) {
            throw new IllegalArgumentException(algorithm.description() + " cannot sign with this "
                    + KeyKind.describe(key) + " key: " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot sign with " + algorithm.description(), e);
        }
    }

    private static void check(VerificationAlgorithm algorithm, PublicKey key, byte[] octets, byte[] signature)
            throws AuthenticationException {
        boolean valid;
        try {
            Signature s = algorithm.newSignature();
            s.initVerify(key);
            s.update(octets);
            valid = s.verify(signature);
        } catch (InvalidKeyException e) {
            throw new AuthenticationException(algorithm.description() + " cannot be verified with the peer's "
                    + KeyKind.describe(key) + " key: " + e.getMessage(), e);
        } catch (SignatureException e) {
            // A malformed signature (wrong length, bad DER) is just an invalid one.
            valid = false;
        } catch (GeneralSecurityException e) {
            throw new AuthenticationException("cannot verify " + algorithm.description() + ": " + e.getMessage(), e);
        }
        if (!valid) {
            throw new AuthenticationException(algorithm.description() + " signature does not verify with the peer's "
                    + KeyKind.describe(key) + " key");
        }
    }
}
