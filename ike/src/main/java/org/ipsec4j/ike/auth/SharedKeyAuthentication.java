package org.ipsec4j.ike.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * Shared Key Message Integrity Code authentication (auth method 2, RFC 7296 §2.15):
 * AUTH = prf(prf(Shared Secret, "Key Pad for IKEv2"), signed octets). The pad is the 17 ASCII octets, without
 * a terminating NUL. The same computation serves EAP, with the MSK as the shared secret (§2.16).
 */
public final class SharedKeyAuthentication {

    private static final byte[] KEY_PAD = "Key Pad for IKEv2".getBytes(StandardCharsets.US_ASCII);

    private SharedKeyAuthentication() {}

    /** The AUTH data for {@code octets} under the pre-shared {@code secret}. */
    public static byte[] compute(String prfMacAlgorithm, byte[] secret, byte[] octets) {
        if (secret.length == 0) {
            throw new IllegalArgumentException("empty pre-shared key");
        }
        byte[] padKey = Prf.apply(prfMacAlgorithm, secret, KEY_PAD);
        try {
            return Prf.apply(prfMacAlgorithm, padKey, octets);
        } finally {
            Arrays.fill(padKey, (byte) 0);
        }
    }

    /** Whether {@code authData} is the AUTH data for {@code octets}; compared in constant time. */
    public static boolean verify(String prfMacAlgorithm, byte[] secret, byte[] octets, byte[] authData) {
        byte[] expected = compute(prfMacAlgorithm, secret, octets);
        try {
            // MessageDigest.isEqual does not stop at the first difference (JDK-6863503).
            return MessageDigest.isEqual(expected, authData);
        } finally {
            Arrays.fill(expected, (byte) 0);
        }
    }
}
