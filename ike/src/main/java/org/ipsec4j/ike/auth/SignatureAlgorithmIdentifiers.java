package org.ipsec4j.ike.auth;

import java.util.EnumSet;
import java.util.List;

import org.ipsec4j.ike.auth.Der.DerException;
import org.ipsec4j.ike.auth.Der.Element;
import org.ipsec4j.ike.auth.SignatureScheme.Family;
import org.ipsec4j.ike.auth.SignatureScheme.Hash;

/**
 * Reads the AlgorithmIdentifier a peer puts in its AUTH data (RFC 7427 §3) into what the verifier must do.
 * Tolerant where the standards ask for it: RSA PKCS#1 v1.5 with NULL or absent parameters (RFC 4055 §5),
 * hash AlgorithmIdentifiers inside RSASSA-PSS-params with NULL or absent parameters (RFC 4055 §2.1), any
 * salt length and MGF1 hash. SHA-1 is refused: ipsec4j does not announce it in SIGNATURE_HASH_ALGORITHMS.
 */
final class SignatureAlgorithmIdentifiers {

    /** Longer salts than this are no real signer's choice; the bound keeps the JDK from odd parameters. */
    private static final int MAX_SALT_LENGTH = 512;

    private SignatureAlgorithmIdentifiers() {}

    static VerificationAlgorithm parse(byte[] der) throws AuthenticationException {
        try {
            return parseDer(der);
        } catch (DerException e) {
            throw new AuthenticationException("malformed signature AlgorithmIdentifier: " + e.getMessage(), e);
        }
    }

    private static VerificationAlgorithm parseDer(byte[] der) throws DerException, AuthenticationException {
        Element sequence = Der.parse(der).expect(Der.SEQUENCE);
        Der.Reader r = sequence.reader();
        String oid = r.next().oid();
        Element parameters = r.hasMore() ? r.next() : null;
        r.expectEnd();
        switch (oid) {
            case Oids.SHA256_WITH_RSA, Oids.SHA384_WITH_RSA, Oids.SHA512_WITH_RSA -> {
                requireNullOrAbsent(parameters, oid);
                Hash hash = switch (oid) {
                    case Oids.SHA256_WITH_RSA -> Hash.SHA256;
                    case Oids.SHA384_WITH_RSA -> Hash.SHA384;
                    default -> Hash.SHA512;
                };
                return scheme(Family.RSA_PKCS1, hash).verification();
            }
            case Oids.ECDSA_WITH_SHA256, Oids.ECDSA_WITH_SHA384, Oids.ECDSA_WITH_SHA512 -> {
                // RFC 5758 §3.2 says absent; a NULL does no harm and some encoders write it.
                requireNullOrAbsent(parameters, oid);
                Hash hash = switch (oid) {
                    case Oids.ECDSA_WITH_SHA256 -> Hash.SHA256;
                    case Oids.ECDSA_WITH_SHA384 -> Hash.SHA384;
                    default -> Hash.SHA512;
                };
                return scheme(Family.ECDSA, hash).verification();
            }
            case Oids.ED25519, Oids.ED448 -> {
                if (parameters != null) {
                    throw new AuthenticationException("EdDSA AlgorithmIdentifier with parameters (RFC 8410 §3: absent)");
                }
                return (oid.equals(Oids.ED25519) ? SignatureScheme.ED25519 : SignatureScheme.ED448).verification();
            }
            case Oids.RSASSA_PSS -> {
                return pss(parameters);
            }
            case Oids.SHA1_WITH_RSA, Oids.ECDSA_WITH_SHA1 ->
                    throw new AuthenticationException("signature with SHA-1 refused (not in our SIGNATURE_HASH_ALGORITHMS)");
            default -> throw new AuthenticationException("unsupported signature algorithm " + oid);
        }
    }

    private static VerificationAlgorithm pss(Element parameters) throws DerException, AuthenticationException {
        if (parameters == null) {
            // All defaults: SHA-1 with MGF1-SHA-1.
            throw new AuthenticationException("RSASSA-PSS without parameters means SHA-1, refused");
        }
        Der.Reader r = parameters.expect(Der.SEQUENCE).reader();
        Hash hash = null;
        Hash mgfHash = null;
        int saltLength = 20;
        Element e = r.optional(Der.context(0));
        if (e != null) {
            hash = hashAlgorithm(Der.parse(e.buf(), e.offset(), e.length()));
        }
        e = r.optional(Der.context(1));
        if (e != null) {
            Element mgf = Der.parse(e.buf(), e.offset(), e.length()).expect(Der.SEQUENCE);
            Der.Reader m = mgf.reader();
            String mgfOid = m.next().oid();
            if (!mgfOid.equals(Oids.MGF1)) {
                throw new AuthenticationException("RSASSA-PSS with mask generation function " + mgfOid + " (only MGF1)");
            }
            if (!m.hasMore()) {
                throw new AuthenticationException("RSASSA-PSS MGF1 without a hash");
            }
            mgfHash = hashAlgorithm(m.next());
            m.expectEnd();
        }
        e = r.optional(Der.context(2));
        if (e != null) {
            saltLength = Der.parse(e.buf(), e.offset(), e.length()).smallInteger();
        }
        e = r.optional(Der.context(3));
        if (e != null && Der.parse(e.buf(), e.offset(), e.length()).smallInteger() != 1) {
            throw new AuthenticationException("RSASSA-PSS trailer field other than 1 (RFC 8017 A.2.3)");
        }
        r.expectEnd();
        if (hash == null || mgfHash == null) {
            throw new AuthenticationException("RSASSA-PSS with the default SHA-1 hash refused");
        }
        if (saltLength > MAX_SALT_LENGTH) {
            throw new AuthenticationException("RSASSA-PSS salt length " + saltLength + " out of range");
        }
        SignatureScheme exact = hash == mgfHash && saltLength == hash.length ? scheme(Family.RSA_PSS, hash) : null;
        String description = "RSASSA-PSS with " + hash.jdkName + ", MGF1 " + mgfHash.jdkName + ", salt " + saltLength;
        return new VerificationAlgorithm("RSASSA-PSS", SignatureScheme.pss(hash, mgfHash, saltLength),
                EnumSet.of(KeyKind.RSA, KeyKind.RSA_PSS_ONLY), description, exact);
    }

    /** A hash AlgorithmIdentifier with NULL or absent parameters; SHA-2 only. */
    private static Hash hashAlgorithm(Element e) throws DerException, AuthenticationException {
        List<Element> parts = e.expect(Der.SEQUENCE).children();
        if (parts.isEmpty() || parts.size() > 2) {
            throw new DerException("malformed hash AlgorithmIdentifier at " + e.start());
        }
        String oid = parts.get(0).oid();
        requireNullOrAbsent(parts.size() == 2 ? parts.get(1) : null, oid);
        Hash hash = Hash.ofOid(oid);
        if (hash == null) {
            throw new AuthenticationException(oid.equals(Oids.SHA1) ? "RSASSA-PSS with SHA-1 refused"
                    : "unsupported hash algorithm " + oid);
        }
        return hash;
    }

    private static void requireNullOrAbsent(Element parameters, String oid) throws AuthenticationException {
        if (parameters != null && !(parameters.is(Der.NULL) && parameters.length() == 0)) {
            throw new AuthenticationException("unexpected parameters for " + oid);
        }
    }

    private static SignatureScheme scheme(Family family, Hash hash) {
        for (SignatureScheme s : SignatureScheme.values()) {
            if (s.family() == family && s.hash() == hash) {
                return s;
            }
        }
        throw new IllegalStateException(family + " " + hash);
    }
}
