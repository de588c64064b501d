package org.ipsec4j.ike.auth;

import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.spec.AlgorithmParameterSpec;
import java.util.Set;

/**
 * What an AlgorithmIdentifier asks a verifier to do: the JDK signature algorithm and its parameters, the key
 * kinds it works with, and the RFC 7427 hash id (for messages). {@code scheme} is the matching
 * {@link SignatureScheme}, or null for a valid combination outside the enum (RSASSA-PSS with another salt
 * length or MGF1 hash).
 */
record VerificationAlgorithm(String jdkAlgorithm, AlgorithmParameterSpec parameters, Set<KeyKind> keyKinds,
                             String description, SignatureScheme scheme) {

    VerificationAlgorithm {
        keyKinds = Set.copyOf(keyKinds);
    }

    Signature newSignature() throws GeneralSecurityException {
        Signature s = Signature.getInstance(jdkAlgorithm);
        if (parameters != null) {
            s.setParameter(parameters);
        }
        return s;
    }
}
