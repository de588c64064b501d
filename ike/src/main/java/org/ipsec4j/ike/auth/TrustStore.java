package org.ipsec4j.ike.auth;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.PKIXCertPathValidatorResult;
import java.security.cert.PKIXParameters;
import java.security.cert.PKIXReason;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The certificate authorities we trust, and validation of a peer's chain against them (RFC 5280 path
 * validation by the JDK's PKIX CertPathValidator; revocation is not checked: no CRL or OCSP fetching here,
 * this layer does no I/O). Also the CERTREQ data naming them (RFC 7296 §3.7).
 */
public final class TrustStore {

    /** Longer chains than this are not followed (a peer could send many certificates). */
    private static final int MAX_PATH_LENGTH = 8;

    private final List<X509Certificate> authorities;
    private final Set<TrustAnchor> anchors;
    private final List<byte[]> authorityHashes;

    public TrustStore(List<X509Certificate> authorities) {
        this.authorities = List.copyOf(authorities);
        Set<TrustAnchor> a = new HashSet<>();
        List<byte[]> hashes = new ArrayList<>();
        for (X509Certificate ca : this.authorities) {
            a.add(new TrustAnchor(ca, null));
            hashes.add(Certificates.sha1(Certificates.subjectPublicKeyInfo(ca)));
        }
        this.anchors = Set.copyOf(a);
        this.authorityHashes = List.copyOf(hashes);
    }

    public List<X509Certificate> authorities() {
        return authorities;
    }

    /**
     * Validates a peer's chain at {@code now}.
     *
     * @param chain the end-entity certificate first, then whatever intermediates the peer sent, in any order
     *              (a copy of a trusted root among them is ignored)
     * @return the validated path: the end-entity certificate, the intermediates in order, the trusted authority
     *         last; just the end-entity certificate if it is itself one of the trusted certificates
     * @throws AuthenticationException naming the certificate and the reason if the chain does not validate
     */
    public List<X509Certificate> validate(List<X509Certificate> chain, Instant now) throws AuthenticationException {
        if (chain.isEmpty()) {
            throw new AuthenticationException("the peer sent no certificate");
        }
        X509Certificate endEntity = chain.get(0);
        if (authorities.contains(endEntity)) {
            // A certificate configured as trusted itself (e.g. a self-signed peer certificate).
            checkValidity(endEntity, now);
            return List.of(endEntity);
        }
        List<X509Certificate> path = order(chain);
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            CertPath certPath = factory.generateCertPath(path);
            PKIXParameters parameters = new PKIXParameters(anchors);
            parameters.setRevocationEnabled(false);
            parameters.setDate(Date.from(now));
            PKIXCertPathValidatorResult result =
                    (PKIXCertPathValidatorResult) CertPathValidator.getInstance("PKIX").validate(certPath, parameters);
            List<X509Certificate> validated = new ArrayList<>(path);
            validated.add(result.getTrustAnchor().getTrustedCert());
            return List.copyOf(validated);
        } catch (CertPathValidatorException e) {
            throw new AuthenticationException(explain(e, path), e);
        } catch (GeneralSecurityException e) {
            throw new AuthenticationException("cannot validate certificate chain: " + e.getMessage(), e);
        }
    }

    /**
     * The end entity followed by the issuer of each certificate in turn, taken from the rest of the chain, until
     * a certificate is issued by a trusted authority or no issuer is found.
     */
    private List<X509Certificate> order(List<X509Certificate> chain) {
        List<X509Certificate> path = new ArrayList<>();
        Set<X509Certificate> pool = new LinkedHashSet<>(chain.subList(1, chain.size()));
        pool.removeAll(authorities);
        X509Certificate current = chain.get(0);
        path.add(current);
        while (path.size() < MAX_PATH_LENGTH && !issuedByAnchor(current)) {
            X509Certificate issuer = null;
            for (X509Certificate candidate : pool) {
                if (candidate.getSubjectX500Principal().equals(current.getIssuerX500Principal())) {
                    issuer = candidate;
                    break;
                }
            }
            if (issuer == null) {
                break;
            }
            pool.remove(issuer);
            path.add(issuer);
            current = issuer;
        }
        return path;
    }

    private boolean issuedByAnchor(X509Certificate cert) {
        for (X509Certificate ca : authorities) {
            if (ca.getSubjectX500Principal().equals(cert.getIssuerX500Principal())) {
                return true;
            }
        }
        return false;
    }

    private static void checkValidity(X509Certificate cert, Instant now) throws AuthenticationException {
        try {
            cert.checkValidity(Date.from(now));
        } catch (CertificateExpiredException e) {
            throw new AuthenticationException("certificate " + CertificateIdentity.describe(cert) + " expired "
                    + cert.getNotAfter().toInstant(), e);
        } catch (CertificateNotYetValidException e) {
            throw new AuthenticationException("certificate " + CertificateIdentity.describe(cert) + " not valid before "
                    + cert.getNotBefore().toInstant(), e);
        }
    }

    private static String explain(CertPathValidatorException e, List<X509Certificate> path) {
        int index = e.getIndex();
        String which = index >= 0 && index < path.size()
                ? "certificate \"" + CertificateIdentity.describe(path.get(index)) + "\""
                : "chain of \"" + CertificateIdentity.describe(path.get(0)) + "\"";
        String reason = switch (e.getReason()) {
            case CertPathValidatorException.BasicReason.EXPIRED -> "expired";
            case CertPathValidatorException.BasicReason.NOT_YET_VALID -> "not yet valid";
            case CertPathValidatorException.BasicReason.INVALID_SIGNATURE -> "bad signature";
            case CertPathValidatorException.BasicReason.ALGORITHM_CONSTRAINED -> "algorithm not allowed";
            case PKIXReason.NO_TRUST_ANCHOR -> "no trusted authority issued it";
            default -> e.getMessage();
        };
        return which + " does not validate: " + reason;
    }

    /** The CERTREQ Certification Authority data: SHA-1 of each authority's SubjectPublicKeyInfo, concatenated. */
    public byte[] certificateRequestData() {
        byte[] out = new byte[authorityHashes.size() * 20];
        for (int i = 0; i < authorityHashes.size(); i++) {
            System.arraycopy(authorityHashes.get(i), 0, out, 20 * i, 20);
        }
        return out;
    }

    /** Whether a 20-octet CERTREQ hash names one of these authorities. */
    public boolean isRequested(byte[] hash) {
        return authorityFor(hash) != null;
    }

    /** The authority a 20-octet CERTREQ hash names, or null. */
    public X509Certificate authorityFor(byte[] hash) {
        for (int i = 0; i < authorityHashes.size(); i++) {
            if (MessageDigest.isEqual(authorityHashes.get(i), hash)) {
                return authorities.get(i);
            }
        }
        return null;
    }
}
