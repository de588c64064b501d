package org.ipsec4j.ike.auth;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.security.KeyPair;
import java.util.Arrays;

/**
 * Jazzer targets for what a peer controls: AUTH data (the RFC 7427 AlgorithmIdentifier parser and the legacy
 * methods) must fail only with {@link AuthenticationException}; identification data of any type must print and
 * match itself; identity text must parse or be refused with {@link IllegalArgumentException}. Plain
 * {@code mvn test} replays the seeds in {@code src/test/resources/org/ipsec4j/ike/auth/PeerDataFuzzTestInputs/}.
 */
class PeerDataFuzzTest {

    private static final KeyPair RSA = TestPki.shared("RSA-2048");
    private static final KeyPair EC = TestPki.shared("EC-secp256r1");
    private static final byte[] OCTETS = {1, 2, 3, 4};

    @FuzzTest(maxDuration = "30s")
    void authData(byte[] input) {
        SignatureScheme.ofAlgorithmIdentifier(input);
        for (KeyPair keys : new KeyPair[] {RSA, EC}) {
            try {
                SignatureAuthentication.verify(keys.getPublic(), input, OCTETS);
                throw new IllegalStateException("fuzzed AUTH data verified");
            } catch (AuthenticationException expected) {
                // the only way to fail
            }
            int method = input.length > 0 ? input[0] & 0x0F : 14;
            try {
                SignatureAuthentication.verify(method, keys.getPublic(), input, OCTETS);
                throw new IllegalStateException("fuzzed legacy AUTH data verified");
            } catch (AuthenticationException expected) {
                // likewise
            }
        }
    }

    @FuzzTest(maxDuration = "30s")
    void identificationData(byte[] input) {
        if (input.length == 0) {
            return;
        }
        Identity id = new Identity(input[0] & 0xFF, Arrays.copyOfRange(input, 1, input.length));
        if (id.toString() == null || !id.matches(id)) {
            throw new IllegalStateException("identity does not match itself: " + id);
        }
        Identity.parse("C=CH, O=strongSwan, CN=*").matches(id);
        Identity.parse("*.strongswan.org").matches(id);
    }

    @FuzzTest(maxDuration = "30s")
    void identityText(FuzzedDataProvider data) {
        String text = data.consumeRemainingAsString();
        Identity id;
        try {
            id = Identity.parse(text);
        } catch (IllegalArgumentException refused) {
            return;
        }
        if (!id.matches(id)) {
            throw new IllegalStateException("identity does not match itself: " + id);
        }
        id.toString();
    }
}
