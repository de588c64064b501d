package org.ipsec4j.ike.auth;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.ipsec4j.ike.auth.Der.DerException;
import org.ipsec4j.ike.auth.Der.Element;

/**
 * Reads the key and certificate files strongSwan's {@code pki} and OpenSSL write, PEM or DER:
 * certificates (several per PEM file), private keys as PKCS#8 ("PRIVATE KEY", RFC 5208), PKCS#1
 * ("RSA PRIVATE KEY", RFC 8017 A.1.2) or SEC1 ("EC PRIVATE KEY", RFC 5915, named curves only), and public
 * keys. PKCS#1 and SEC1 keys are wrapped into PKCS#8 for the JDK's KeyFactory. Encrypted keys are refused
 * with a message saying so. Every error is a {@link KeyFileException} naming the file.
 */
public final class KeyFiles {

    /** Key and certificate files are small; a bigger file is a mistake, not something to read into memory. */
    private static final int MAX_FILE_SIZE = 1 << 20;

    private static final Set<String> CERTIFICATE_LABELS = Set.of("CERTIFICATE", "X509 CERTIFICATE", "TRUSTED CERTIFICATE");
    private static final Set<String> PRIVATE_KEY_LABELS =
            Set.of("PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY", "ENCRYPTED PRIVATE KEY");
    private static final String ENCRYPTED =
            "the private key is encrypted, which is not supported: store it unencrypted (mode 0600), e.g. with "
                    + "'openssl pkey -in KEY -out PLAIN'";

    private KeyFiles() {}

    /** All certificates in a file: PEM with one or more CERTIFICATE blocks, or DER (one or more in a row). */
    public static List<X509Certificate> readCertificates(Path file) throws KeyFileException {
        byte[] content = read(file);
        List<byte[]> ders = new ArrayList<>();
        if (Pem.isPem(content)) {
            Set<String> others = new LinkedHashSet<>();
            for (Pem.Block block : pemBlocks(file, content)) {
                if (CERTIFICATE_LABELS.contains(block.label())) {
                    ders.add(block.der());
                } else {
                    others.add(block.label());
                }
            }
            if (ders.isEmpty()) {
                throw new KeyFileException(file, "no CERTIFICATE block" + (others.isEmpty() ? "" : " (found " + others + ")"));
            }
        } else {
            try {
                Der.Reader r = new Der.Reader(content, 0, content.length);
                while (r.hasMore()) {
                    ders.add(r.next(Der.SEQUENCE).encoded());
                }
            } catch (DerException e) {
                throw new KeyFileException(file, "neither PEM nor a DER certificate (" + e.getMessage() + ")");
            }
            if (ders.isEmpty()) {
                throw new KeyFileException(file, "empty file");
            }
        }
        List<X509Certificate> out = new ArrayList<>();
        for (int i = 0; i < ders.size(); i++) {
            out.add(certificate(file, i, ders.get(i)));
        }
        return out;
    }

    private static X509Certificate certificate(Path file, int index, byte[] der) throws KeyFileException {
        try {
            // A TRUSTED CERTIFICATE carries OpenSSL's trust settings after the certificate: take the first element.
            Element cert = new Der.Reader(der, 0, der.length).next(Der.SEQUENCE);
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            return (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(cert.encoded()));
        } catch (DerException | CertificateException e) {
            throw new KeyFileException(file, "certificate " + (index + 1) + " is malformed: " + e.getMessage(), e);
        }
    }

    /** The one private key in a file (PEM or DER; PKCS#8, PKCS#1 or SEC1). */
    public static PrivateKey readPrivateKey(Path file) throws KeyFileException {
        byte[] content = read(file);
        try {
            if (!Pem.isPem(content)) {
                return derPrivateKey(file, content);
            }
            List<Pem.Block> keys = new ArrayList<>();
            Set<String> others = new LinkedHashSet<>();
            for (Pem.Block block : pemBlocks(file, content)) {
                if (PRIVATE_KEY_LABELS.contains(block.label())) {
                    keys.add(block);
                } else {
                    others.add(block.label());
                }
            }
            if (keys.isEmpty()) {
                throw new KeyFileException(file, "no PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY block"
                        + (others.isEmpty() ? "" : " (found " + others + ")"));
            }
            if (keys.size() > 1) {
                throw new KeyFileException(file, "holds " + keys.size() + " private keys; expected one");
            }
            Pem.Block key = keys.get(0);
            try {
                if (key.encrypted() || key.label().equals("ENCRYPTED PRIVATE KEY")) {
                    throw new KeyFileException(file, ENCRYPTED);
                }
                return switch (key.label()) {
                    case "RSA PRIVATE KEY" -> pkcs8(file, wrapPkcs1(file, key.der()));
                    case "EC PRIVATE KEY" -> pkcs8(file, wrapSec1(file, key.der()));
                    default -> pkcs8(file, key.der());
                };
            } finally {
                Arrays.fill(key.der(), (byte) 0);
            }
        } finally {
            Arrays.fill(content, (byte) 0);
        }
    }

    /** A DER private key: which of the three containers it is follows from its structure. */
    private static PrivateKey derPrivateKey(Path file, byte[] der) throws KeyFileException {
        List<Element> parts;
        try {
            parts = Der.parse(der).expect(Der.SEQUENCE).children();
        } catch (DerException e) {
            throw new KeyFileException(file, "neither PEM nor a DER private key (" + e.getMessage() + ")");
        }
        if (parts.size() == 2 && parts.get(0).is(Der.SEQUENCE) && parts.get(1).is(Der.OCTET_STRING)) {
            throw new KeyFileException(file, ENCRYPTED); // EncryptedPrivateKeyInfo, RFC 5208 §6
        }
        if (parts.size() >= 3 && parts.get(0).is(Der.INTEGER) && parts.get(1).is(Der.SEQUENCE)
                && parts.get(2).is(Der.OCTET_STRING)) {
            return pkcs8(file, der);
        }
        if (parts.size() >= 9 && parts.stream().allMatch(p -> p.is(Der.INTEGER))) {
            return pkcs8(file, wrapPkcs1(file, der));
        }
        if (parts.size() >= 2 && parts.get(0).is(Der.INTEGER) && parts.get(1).is(Der.OCTET_STRING)) {
            return pkcs8(file, wrapSec1(file, der));
        }
        throw new KeyFileException(file, "not a private key (expected PKCS#8, PKCS#1 RSA or SEC1 EC, PEM or DER)");
    }

    private static PrivateKey pkcs8(Path file, byte[] der) throws KeyFileException {
        String algorithm;
        try {
            Der.Reader r = Der.parse(der).expect(Der.SEQUENCE).reader();
            r.next(Der.INTEGER);
            algorithm = keyAlgorithm(file, r.next(Der.SEQUENCE));
        } catch (DerException e) {
            throw new KeyFileException(file, "malformed PKCS#8 private key (" + e.getMessage() + ")", e);
        }
        try {
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new KeyFileException(file, "unusable " + algorithm + " private key: " + e.getMessage(), e);
        }
    }

    /** The KeyFactory name for a key's AlgorithmIdentifier. */
    private static String keyAlgorithm(Path file, Element algorithmIdentifier) throws DerException, KeyFileException {
        String oid = algorithmIdentifier.reader().next().oid();
        return switch (oid) {
            case Oids.RSA_ENCRYPTION -> "RSA";
            case Oids.RSASSA_PSS -> "RSASSA-PSS";
            case Oids.EC_PUBLIC_KEY -> "EC";
            case Oids.ED25519 -> "Ed25519";
            case Oids.ED448 -> "Ed448";
            case Oids.X25519, Oids.X448 -> throw new KeyFileException(file, "holds a key-agreement key ("
                    + (oid.equals(Oids.X25519) ? "X25519" : "X448") + "), not a signature key");
            default -> throw new KeyFileException(file, "unsupported key algorithm " + oid);
        };
    }

    /** PrivateKeyInfo around an RSAPrivateKey (RFC 8017 A.1.2); the AlgorithmIdentifier has NULL parameters. */
    private static byte[] wrapPkcs1(Path file, byte[] pkcs1) throws KeyFileException {
        try {
            List<Element> ints = Der.parse(pkcs1).expect(Der.SEQUENCE).children();
            if (ints.size() < 9 || ints.get(0).integer().signum() != 0 && ints.get(0).integer().intValue() != 1) {
                throw new KeyFileException(file, "malformed RSA PRIVATE KEY (PKCS#1 needs version 0 and eight integers)");
            }
            for (Element e : ints) {
                e.expect(Der.INTEGER);
            }
        } catch (DerException e) {
            throw new KeyFileException(file, "malformed RSA PRIVATE KEY (" + e.getMessage() + ")", e);
        }
        return Der.sequence(Der.integer(0), Der.sequence(Der.oid(Oids.RSA_ENCRYPTION), Der.nullValue()),
                Der.octetString(pkcs1));
    }

    /** PrivateKeyInfo around an ECPrivateKey (RFC 5915 §3), with the named curve from its parameters. */
    private static byte[] wrapSec1(Path file, byte[] sec1) throws KeyFileException {
        byte[] curve = null;
        try {
            Der.Reader r = Der.parse(sec1).expect(Der.SEQUENCE).reader();
            if (r.next(Der.INTEGER).smallInteger() != 1) {
                throw new KeyFileException(file, "EC PRIVATE KEY of unknown version (RFC 5915: 1)");
            }
            r.next(Der.OCTET_STRING);
            Element parameters = r.optional(Der.context(0));
            if (parameters != null) {
                Element inner = Der.parse(parameters.buf(), parameters.offset(), parameters.length());
                if (!inner.is(Der.OBJECT_IDENTIFIER)) {
                    throw new KeyFileException(file, "EC PRIVATE KEY with explicit curve parameters; only named curves "
                            + "are supported (openssl: -param_enc named_curve)");
                }
                inner.oid();
                curve = inner.encoded();
            }
        } catch (DerException e) {
            throw new KeyFileException(file, "malformed EC PRIVATE KEY (" + e.getMessage() + ")", e);
        }
        if (curve == null) {
            throw new KeyFileException(file, "EC PRIVATE KEY without its curve (the SEC1 parameters are missing)");
        }
        return Der.sequence(Der.integer(0), Der.sequence(Der.oid(Oids.EC_PUBLIC_KEY), curve), Der.octetString(sec1));
    }

    /**
     * A public key: PEM "PUBLIC KEY" (SubjectPublicKeyInfo) or "RSA PUBLIC KEY" (PKCS#1), DER of either, or the
     * key of the (first) certificate in the file.
     */
    public static PublicKey readPublicKey(Path file) throws KeyFileException {
        byte[] content = read(file);
        if (Pem.isPem(content)) {
            for (Pem.Block block : pemBlocks(file, content)) {
                switch (block.label()) {
                    case "PUBLIC KEY" -> {
                        return spki(file, block.der());
                    }
                    case "RSA PUBLIC KEY" -> {
                        return spki(file, wrapRsaPublic(block.der()));
                    }
                    default -> {
                        if (CERTIFICATE_LABELS.contains(block.label())) {
                            return certificate(file, 0, block.der()).getPublicKey();
                        }
                    }
                }
            }
            throw new KeyFileException(file, "no PUBLIC KEY, RSA PUBLIC KEY or CERTIFICATE block");
        }
        List<Element> parts;
        try {
            parts = Der.parse(content).expect(Der.SEQUENCE).children();
        } catch (DerException e) {
            throw new KeyFileException(file, "neither PEM nor a DER public key (" + e.getMessage() + ")");
        }
        if (parts.size() == 2 && parts.get(0).is(Der.SEQUENCE) && parts.get(1).is(Der.BIT_STRING)) {
            return spki(file, content);
        }
        if (parts.size() == 2 && parts.get(0).is(Der.INTEGER) && parts.get(1).is(Der.INTEGER)) {
            return spki(file, wrapRsaPublic(content));
        }
        if (parts.size() == 3 && parts.get(0).is(Der.SEQUENCE)) {
            return certificate(file, 0, content).getPublicKey();
        }
        throw new KeyFileException(file, "not a public key or certificate");
    }

    private static byte[] wrapRsaPublic(byte[] pkcs1) {
        byte[] bits = new byte[pkcs1.length + 1]; // leading octet: no unused bits
        System.arraycopy(pkcs1, 0, bits, 1, pkcs1.length);
        return Der.sequence(Der.sequence(Der.oid(Oids.RSA_ENCRYPTION), Der.nullValue()), Der.tlv(Der.BIT_STRING, bits));
    }

    private static PublicKey spki(Path file, byte[] der) throws KeyFileException {
        String algorithm;
        try {
            algorithm = keyAlgorithm(file, Der.parse(der).expect(Der.SEQUENCE).reader().next(Der.SEQUENCE));
        } catch (DerException e) {
            throw new KeyFileException(file, "malformed public key (" + e.getMessage() + ")", e);
        }
        try {
            return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new KeyFileException(file, "unusable " + algorithm + " public key: " + e.getMessage(), e);
        }
    }

    private static List<Pem.Block> pemBlocks(Path file, byte[] content) throws KeyFileException {
        try {
            return Pem.blocks(content);
        } catch (IllegalArgumentException e) {
            throw new KeyFileException(file, e.getMessage(), e);
        }
    }

    private static byte[] read(Path file) throws KeyFileException {
        try {
            long size = Files.size(file);
            if (size > MAX_FILE_SIZE) {
                throw new KeyFileException(file, "too large for a key or certificate file (" + size + " bytes)");
            }
            if (size == 0) {
                throw new KeyFileException(file, "empty file");
            }
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new KeyFileException(file, "no such file", e);
        } catch (AccessDeniedException e) {
            throw new KeyFileException(file, "permission denied", e);
        } catch (IOException e) {
            throw new KeyFileException(file, "cannot read: " + e.getMessage(), e);
        }
    }
}
