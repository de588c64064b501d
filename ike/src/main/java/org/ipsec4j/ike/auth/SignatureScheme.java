package org.ipsec4j.ike.auth;

import java.security.Key;
import java.security.PrivateKey;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The signature algorithms ipsec4j signs with under the Digital Signature auth method (RFC 7427), each with the
 * AlgorithmIdentifier it puts in the AUTH payload and the hash id it stands for in SIGNATURE_HASH_ALGORITHMS.
 * RSASSA-PSS uses MGF1 with the same hash and a salt as long as the hash (RFC 8247 §3.2, strongSwan's default).
 */
public enum SignatureScheme {
    RSA_PKCS1_SHA256(Family.RSA_PKCS1, Hash.SHA256, Oids.SHA256_WITH_RSA),
    RSA_PKCS1_SHA384(Family.RSA_PKCS1, Hash.SHA384, Oids.SHA384_WITH_RSA),
    RSA_PKCS1_SHA512(Family.RSA_PKCS1, Hash.SHA512, Oids.SHA512_WITH_RSA),
    RSA_PSS_SHA256(Family.RSA_PSS, Hash.SHA256, Oids.RSASSA_PSS),
    RSA_PSS_SHA384(Family.RSA_PSS, Hash.SHA384, Oids.RSASSA_PSS),
    RSA_PSS_SHA512(Family.RSA_PSS, Hash.SHA512, Oids.RSASSA_PSS),
    ECDSA_SHA256(Family.ECDSA, Hash.SHA256, Oids.ECDSA_WITH_SHA256),
    ECDSA_SHA384(Family.ECDSA, Hash.SHA384, Oids.ECDSA_WITH_SHA384),
    ECDSA_SHA512(Family.ECDSA, Hash.SHA512, Oids.ECDSA_WITH_SHA512),
    /** Pure EdDSA (RFC 8420): the signer hashes internally, so the hash id is 5, "Identity". */
    ED25519(Family.EDDSA, Hash.IDENTITY, Oids.ED25519),
    ED448(Family.EDDSA, Hash.IDENTITY, Oids.ED448);

    /** RFC 7427 §4 / IANA "IKEv2 Hash Algorithms". */
    static final int HASH_SHA1 = 1;
    static final int HASH_SHA2_256 = 2;
    static final int HASH_SHA2_384 = 3;
    static final int HASH_SHA2_512 = 4;
    static final int HASH_IDENTITY = 5;

    enum Family { RSA_PKCS1, RSA_PSS, ECDSA, EDDSA }

    /** The hashes a scheme can use, by JDK name, OID and RFC 7427 id. */
    enum Hash {
        SHA256("SHA-256", "SHA256", Oids.SHA256, HASH_SHA2_256, 32),
        SHA384("SHA-384", "SHA384", Oids.SHA384, HASH_SHA2_384, 48),
        SHA512("SHA-512", "SHA512", Oids.SHA512, HASH_SHA2_512, 64),
        IDENTITY(null, null, null, HASH_IDENTITY, 0);

        final String jdkName;
        final String jdkPrefix;
        final String oid;
        final int id;
        final int length;

        Hash(String jdkName, String jdkPrefix, String oid, int id, int length) {
            this.jdkName = jdkName;
            this.jdkPrefix = jdkPrefix;
            this.oid = oid;
            this.id = id;
            this.length = length;
        }

        static Hash ofOid(String oid) {
            for (Hash h : values()) {
                if (oid.equals(h.oid)) {
                    return h;
                }
            }
            return null;
        }

        MGF1ParameterSpec mgf1() {
            return switch (this) {
                case SHA256 -> MGF1ParameterSpec.SHA256;
                case SHA384 -> MGF1ParameterSpec.SHA384;
                case SHA512 -> MGF1ParameterSpec.SHA512;
                case IDENTITY -> throw new IllegalStateException("no MGF1 without a hash");
            };
        }
    }

    private final Family family;
    private final Hash hash;
    private final byte[] algorithmIdentifier;
    private final VerificationAlgorithm verification;

    SignatureScheme(Family family, Hash hash, String oid) {
        this.family = family;
        this.hash = hash;
        this.algorithmIdentifier = encodeAlgorithmIdentifier(family, hash, oid);
        this.verification = new VerificationAlgorithm(jdkAlgorithm(family, hash, oid), parameters(family, hash),
                keyKinds(family, oid), describe(family, hash, oid), null);
    }

    private static byte[] encodeAlgorithmIdentifier(Family family, Hash hash, String oid) {
        return switch (family) {
            // RFC 8017 Appendix C: the PKCS#1 v1.5 signature OIDs take NULL parameters.
            case RSA_PKCS1 -> Der.sequence(Der.oid(oid), Der.nullValue());
            // RFC 4055 §3.1: RSASSA-PSS-params; the hash AlgorithmIdentifiers carry NULL as in RFC 7427 A.4.
            case RSA_PSS -> {
                byte[] hashId = Der.sequence(Der.oid(hash.oid), Der.nullValue());
                yield Der.sequence(Der.oid(oid), Der.sequence(
                        Der.explicit(0, hashId),
                        Der.explicit(1, Der.sequence(Der.oid(Oids.MGF1), hashId)),
                        Der.explicit(2, Der.integer(hash.length))));
            }
            // RFC 5758 §3.2 and RFC 8410 §3: parameters absent.
            case ECDSA, EDDSA -> Der.sequence(Der.oid(oid));
        };
    }

    private static String jdkAlgorithm(Family family, Hash hash, String oid) {
        return switch (family) {
            case RSA_PKCS1 -> hash.jdkPrefix + "withRSA";
            case RSA_PSS -> "RSASSA-PSS";
            case ECDSA -> hash.jdkPrefix + "withECDSA";
            case EDDSA -> oid.equals(Oids.ED25519) ? "Ed25519" : "Ed448";
        };
    }

    private static AlgorithmParameterSpec parameters(Family family, Hash hash) {
        return family == Family.RSA_PSS ? pss(hash, hash, hash.length) : null;
    }

    static PSSParameterSpec pss(Hash hash, Hash mgfHash, int saltLength) {
        return new PSSParameterSpec(hash.jdkName, "MGF1", mgfHash.mgf1(), saltLength, PSSParameterSpec.TRAILER_FIELD_BC);
    }

    private static Set<KeyKind> keyKinds(Family family, String oid) {
        return switch (family) {
            case RSA_PKCS1 -> EnumSet.of(KeyKind.RSA);
            case RSA_PSS -> EnumSet.of(KeyKind.RSA, KeyKind.RSA_PSS_ONLY);
            case ECDSA -> EnumSet.of(KeyKind.EC);
            case EDDSA -> EnumSet.of(oid.equals(Oids.ED25519) ? KeyKind.ED25519 : KeyKind.ED448);
        };
    }

    private static String describe(Family family, Hash hash, String oid) {
        return switch (family) {
            case RSA_PKCS1 -> "RSA PKCS#1 v1.5 with " + hash.jdkName;
            case RSA_PSS -> "RSASSA-PSS with " + hash.jdkName;
            case ECDSA -> "ECDSA with " + hash.jdkName;
            case EDDSA -> oid.equals(Oids.ED25519) ? "Ed25519" : "Ed448";
        };
    }

    /** The DER AlgorithmIdentifier that goes into the AUTH data (RFC 7427 §3). */
    public byte[] algorithmIdentifier() {
        return algorithmIdentifier.clone();
    }

    /** This scheme's entry in SIGNATURE_HASH_ALGORITHMS (RFC 7427 §4): 2, 3, 4 for SHA-2, 5 for EdDSA. */
    public int hashAlgorithmId() {
        return hash.id;
    }

    /** The JDK {@code Signature} algorithm name ("SHA256withRSA", "RSASSA-PSS", "SHA384withECDSA", "Ed25519"). */
    public String jdkAlgorithm() {
        return verification.jdkAlgorithm();
    }

    /** Readable name for logs, e.g. "RSASSA-PSS with SHA-256". */
    public String description() {
        return verification.description();
    }

    /** Whether {@code key} (private or public) can make or check this scheme's signatures. */
    public boolean fits(Key key) {
        KeyKind kind = KeyKind.of(key);
        return kind != null && verification.keyKinds().contains(kind);
    }

    VerificationAlgorithm verification() {
        return new VerificationAlgorithm(verification.jdkAlgorithm(), verification.parameters(),
                verification.keyKinds(), verification.description(), this);
    }

    Family family() {
        return family;
    }

    Hash hash() {
        return hash;
    }

    /**
     * What ipsec4j signs with by default, as strongSwan 5.9 does: RSA PKCS#1 v1.5 with SHA-256 (PSS only for a
     * PSS-only key), ECDSA with the hash that matches the curve, Ed25519 / Ed448.
     */
    public static SignatureScheme defaultFor(PrivateKey key) {
        KeyKind kind = KeyKind.of(key);
        if (kind == null) {
            throw new IllegalArgumentException("no signature scheme for a " + key.getAlgorithm() + " key");
        }
        return switch (kind) {
            case RSA -> RSA_PKCS1_SHA256;
            case RSA_PSS_ONLY -> RSA_PSS_SHA256;
            case EC -> ecdsaFor(KeyKind.ecFieldSize(key));
            case ED25519 -> ED25519;
            case ED448 -> ED448;
        };
    }

    private static SignatureScheme ecdsaFor(int fieldSize) {
        if (fieldSize <= 256) {
            return ECDSA_SHA256;
        }
        return fieldSize <= 384 ? ECDSA_SHA384 : ECDSA_SHA512;
    }

    /**
     * The scheme to sign with for a peer that announced {@code peerHashAlgorithms} (the SIGNATURE_HASH_ALGORITHMS
     * notify data): the key's default first, then the other hashes, RSASSA-PSS before PKCS#1 if {@code preferPss}.
     * Null if the peer supports none of them (then only the legacy auth methods are left).
     */
    public static SignatureScheme select(PrivateKey key, byte[] peerHashAlgorithms, boolean preferPss) {
        int[] peer = parseHashAlgorithms(peerHashAlgorithms);
        for (SignatureScheme candidate : candidates(key, preferPss)) {
            for (int id : peer) {
                if (id == candidate.hashAlgorithmId()) {
                    return candidate;
                }
            }
        }
        return null;
    }

    private static List<SignatureScheme> candidates(PrivateKey key, boolean preferPss) {
        SignatureScheme first = defaultFor(key);
        if (preferPss && first.family == Family.RSA_PKCS1) {
            first = RSA_PSS_SHA256;
        }
        List<SignatureScheme> out = new ArrayList<>();
        out.add(first);
        for (SignatureScheme s : values()) {
            if (s.family == first.family && s != first && s.fits(key)) {
                out.add(s);
            }
        }
        for (SignatureScheme s : values()) {
            if (s.family != first.family && s.fits(key)) {
                out.add(s);
            }
        }
        return out;
    }

    /** The SIGNATURE_HASH_ALGORITHMS notify data ipsec4j sends: SHA2-256, SHA2-384, SHA2-512, Identity. */
    public static byte[] supportedHashAlgorithms() {
        return new byte[] {0, HASH_SHA2_256, 0, HASH_SHA2_384, 0, HASH_SHA2_512, 0, HASH_IDENTITY};
    }

    /** The 16-bit hash ids in SIGNATURE_HASH_ALGORITHMS notify data (a trailing odd byte is ignored). */
    public static int[] parseHashAlgorithms(byte[] notifyData) {
        if (notifyData == null) {
            return new int[0];
        }
        int[] ids = new int[notifyData.length / 2];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = ((notifyData[2 * i] & 0xFF) << 8) | (notifyData[2 * i + 1] & 0xFF);
        }
        return ids;
    }

    /**
     * The scheme an AlgorithmIdentifier stands for (NULL and absent parameters alike), or null if it is malformed,
     * unsupported, or RSASSA-PSS with parameters other than this enum's.
     */
    public static SignatureScheme ofAlgorithmIdentifier(byte[] der) {
        try {
            return SignatureAlgorithmIdentifiers.parse(der).scheme();
        } catch (AuthenticationException e) {
            return null;
        }
    }
}
