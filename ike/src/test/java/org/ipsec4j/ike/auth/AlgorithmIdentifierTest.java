package org.ipsec4j.ike.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.stream.Stream;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSASSAPSSparams;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The AlgorithmIdentifiers in our AUTH data, byte for byte: the encodings listed in RFC 7427 Appendix A (and
 * RFC 8420 §2 for EdDSA), and the same structures as Bouncy Castle encodes them.
 */
class AlgorithmIdentifierTest {

    static Stream<Arguments> rfc7427AppendixA() {
        return Stream.of(
                // A.1.2-A.1.4: sha*WithRSAEncryption, NULL parameters
                Arguments.of(SignatureScheme.RSA_PKCS1_SHA256, "300d 0609 2a864886f70d01010b 0500"),
                Arguments.of(SignatureScheme.RSA_PKCS1_SHA384, "300d 0609 2a864886f70d01010c 0500"),
                Arguments.of(SignatureScheme.RSA_PKCS1_SHA512, "300d 0609 2a864886f70d01010d 0500"),
                // A.3.2-A.3.4: ecdsa-with-SHA*, no parameters
                Arguments.of(SignatureScheme.ECDSA_SHA256, "300a 0608 2a8648ce3d040302"),
                Arguments.of(SignatureScheme.ECDSA_SHA384, "300a 0608 2a8648ce3d040303"),
                Arguments.of(SignatureScheme.ECDSA_SHA512, "300a 0608 2a8648ce3d040304"),
                // A.4.3: RSASSA-PSS with SHA-256, MGF1-SHA-256, salt 32
                Arguments.of(SignatureScheme.RSA_PSS_SHA256, """
                        3041 0609 2a864886f70d01010a
                             3034 a00f 300d 0609 608648016503040201 0500
                                  a11c 301a 0609 2a864886f70d010108
                                            300d 0609 608648016503040201 0500
                                  a203 0201 20"""),
                // RFC 8420 §2: id-Ed25519, id-Ed448
                Arguments.of(SignatureScheme.ED25519, "3005 0603 2b6570"),
                Arguments.of(SignatureScheme.ED448, "3005 0603 2b6571"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rfc7427AppendixA")
    void publishedEncodings(SignatureScheme scheme, String hex) {
        assertEquals(Hex.of(Hex.bytes(hex)), Hex.of(scheme.algorithmIdentifier()));
        assertEquals(scheme, SignatureScheme.ofAlgorithmIdentifier(Hex.bytes(hex)));
    }

    @Test
    void pssEncodingsMatchBouncyCastle() throws Exception {
        record Pss(SignatureScheme scheme, ASN1ObjectIdentifier hash, int salt) {}
        for (Pss p : new Pss[] {
            new Pss(SignatureScheme.RSA_PSS_SHA256, NISTObjectIdentifiers.id_sha256, 32),
            new Pss(SignatureScheme.RSA_PSS_SHA384, NISTObjectIdentifiers.id_sha384, 48),
            new Pss(SignatureScheme.RSA_PSS_SHA512, NISTObjectIdentifiers.id_sha512, 64),
        }) {
            AlgorithmIdentifier hash = new AlgorithmIdentifier(p.hash(), DERNull.INSTANCE);
            RSASSAPSSparams params = new RSASSAPSSparams(hash,
                    new AlgorithmIdentifier(PKCSObjectIdentifiers.id_mgf1, hash),
                    new ASN1Integer(p.salt()), RSASSAPSSparams.DEFAULT_TRAILER_FIELD);
            byte[] bc = new AlgorithmIdentifier(PKCSObjectIdentifiers.id_RSASSA_PSS, params).getEncoded("DER");
            assertArrayEquals(bc, p.scheme().algorithmIdentifier(), p.scheme().name());
            assertEquals(p.scheme(), SignatureScheme.ofAlgorithmIdentifier(bc));
        }
    }

    @Test
    void otherEncodingsMatchBouncyCastle() throws Exception {
        assertArrayEquals(new AlgorithmIdentifier(PKCSObjectIdentifiers.sha384WithRSAEncryption, DERNull.INSTANCE)
                .getEncoded("DER"), SignatureScheme.RSA_PKCS1_SHA384.algorithmIdentifier());
        assertArrayEquals(new AlgorithmIdentifier(X9ObjectIdentifiers.ecdsa_with_SHA512).getEncoded("DER"),
                SignatureScheme.ECDSA_SHA512.algorithmIdentifier());
        assertArrayEquals(new AlgorithmIdentifier(EdECObjectIdentifiers.id_Ed25519).getEncoded("DER"),
                SignatureScheme.ED25519.algorithmIdentifier());
    }

    @Test
    void tolerantReadings() {
        // RSA PKCS#1 without NULL (RFC 4055 §5 asks to accept both)
        assertEquals(SignatureScheme.RSA_PKCS1_SHA512, SignatureScheme.ofAlgorithmIdentifier(Hex.bytes("300b06092a864886f70d01010d")));
        // ECDSA with a NULL
        assertEquals(SignatureScheme.ECDSA_SHA384, SignatureScheme.ofAlgorithmIdentifier(Hex.bytes("300c06082a8648ce3d0403030500")));
        // PSS, hash AlgorithmIdentifiers without NULL
        byte[] sha256 = Der.sequence(Der.oid(Oids.SHA256));
        byte[] pss = Der.sequence(Der.oid(Oids.RSASSA_PSS), Der.sequence(Der.explicit(0, sha256),
                Der.explicit(1, Der.sequence(Der.oid(Oids.MGF1), sha256)), Der.explicit(2, Der.integer(32))));
        assertEquals(SignatureScheme.RSA_PSS_SHA256, SignatureScheme.ofAlgorithmIdentifier(pss));
        // PSS with an explicit trailer field 1
        byte[] withTrailer = Der.sequence(Der.oid(Oids.RSASSA_PSS), Der.sequence(Der.explicit(0, sha256),
                Der.explicit(1, Der.sequence(Der.oid(Oids.MGF1), sha256)), Der.explicit(2, Der.integer(32)),
                Der.explicit(3, Der.integer(1))));
        assertEquals(SignatureScheme.RSA_PSS_SHA256, SignatureScheme.ofAlgorithmIdentifier(withTrailer));
    }

    @Test
    void notSchemesOfOurs() {
        assertNull(SignatureScheme.ofAlgorithmIdentifier(Hex.bytes("300d06092a864886f70d0101050500"))); // SHA-1
        assertNull(SignatureScheme.ofAlgorithmIdentifier(Hex.bytes("300d06092a864886f70d01010a3000"))); // PSS defaults
        assertNull(SignatureScheme.ofAlgorithmIdentifier(Hex.bytes("3009 0607 2a8648ce3d0401"))); // ecdsa-with-SHA1
        assertNull(SignatureScheme.ofAlgorithmIdentifier(new byte[0]));
        byte[] sha256 = Der.sequence(Der.oid(Oids.SHA256), Der.nullValue());
        byte[] salt20 = Der.sequence(Der.oid(Oids.RSASSA_PSS), Der.sequence(Der.explicit(0, sha256),
                Der.explicit(1, Der.sequence(Der.oid(Oids.MGF1), sha256)), Der.explicit(2, Der.integer(20))));
        assertNull(SignatureScheme.ofAlgorithmIdentifier(salt20)); // valid, but not one of the enum's
        byte[] trailer2 = Der.sequence(Der.oid(Oids.RSASSA_PSS), Der.sequence(Der.explicit(0, sha256),
                Der.explicit(1, Der.sequence(Der.oid(Oids.MGF1), sha256)), Der.explicit(2, Der.integer(32)),
                Der.explicit(3, Der.integer(2))));
        assertNull(SignatureScheme.ofAlgorithmIdentifier(trailer2));
    }
}
