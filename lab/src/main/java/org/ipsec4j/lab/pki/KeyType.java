package org.ipsec4j.lab.pki;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.NamedParameterSpec;

/**
 * The key pairs {@link TestPki} issues certificates for, each with the signature algorithm a certificate signed
 * by such a key carries (what strongSwan and RFC 7427 expect by default).
 */
public enum KeyType {
    RSA_2048("RSA", 2048, null, "SHA256withRSA"),
    RSA_3072("RSA", 3072, null, "SHA256withRSA"),
    RSA_4096("RSA", 4096, null, "SHA384withRSA"),
    ECDSA_P256("EC", 256, "secp256r1", "SHA256withECDSA"),
    ECDSA_P384("EC", 384, "secp384r1", "SHA384withECDSA"),
    ED25519("Ed25519", 256, null, "Ed25519");

    private final String jcaAlgorithm;
    private final int bits;
    private final String curve;
    private final String signatureAlgorithm;

    KeyType(String jcaAlgorithm, int bits, String curve, String signatureAlgorithm) {
        this.jcaAlgorithm = jcaAlgorithm;
        this.bits = bits;
        this.curve = curve;
        this.signatureAlgorithm = signatureAlgorithm;
    }

    /** The JCA key algorithm: {@code RSA}, {@code EC} or {@code Ed25519}. */
    public String jcaAlgorithm() {
        return jcaAlgorithm;
    }

    /** The RSA modulus or the curve's size in bits. */
    public int bits() {
        return bits;
    }

    /** The JCA signature algorithm of certificates this key signs, e.g. {@code SHA256withECDSA}. */
    public String signatureAlgorithm() {
        return signatureAlgorithm;
    }

    public boolean isRsa() {
        return jcaAlgorithm.equals("RSA");
    }

    public boolean isEcdsa() {
        return jcaAlgorithm.equals("EC");
    }

    /** A fresh key pair from the JDK's providers. */
    public KeyPair generate(SecureRandom random) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(jcaAlgorithm);
            if (isRsa()) {
                generator.initialize(bits, random);
            } else if (isEcdsa()) {
                generator.initialize(new ECGenParameterSpec(curve), random);
            } else {
                generator.initialize(NamedParameterSpec.ED25519, random);
            }
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate a " + this + " key pair", e);
        }
    }

    /** The type of a JDK key pair, e.g. one given to {@link CertificateRequest#key(KeyPair)}. */
    public static KeyType of(KeyPair keyPair) {
        var key = keyPair.getPublic();
        if (key instanceof java.security.interfaces.RSAPublicKey rsa) {
            int size = rsa.getModulus().bitLength();
            return switch (size) {
                case 2048 -> RSA_2048;
                case 3072 -> RSA_3072;
                case 4096 -> RSA_4096;
                default -> throw new IllegalArgumentException("unsupported RSA modulus size " + size);
            };
        }
        if (key instanceof java.security.interfaces.ECPublicKey ec) {
            int size = ec.getParams().getCurve().getField().getFieldSize();
            return switch (size) {
                case 256 -> ECDSA_P256;
                case 384 -> ECDSA_P384;
                default -> throw new IllegalArgumentException("unsupported EC field size " + size);
            };
        }
        if (key instanceof java.security.interfaces.EdECPublicKey ed && ed.getParams().getName().equals("Ed25519")) {
            return ED25519;
        }
        throw new IllegalArgumentException("unsupported key algorithm " + key.getAlgorithm());
    }
}
