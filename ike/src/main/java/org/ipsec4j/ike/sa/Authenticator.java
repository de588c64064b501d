package org.ipsec4j.ike.sa;

import java.io.ByteArrayInputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

import org.ipsec4j.ike.auth.AuthenticationException;
import org.ipsec4j.ike.auth.CertificateIdentity;
import org.ipsec4j.ike.auth.Identity;
import org.ipsec4j.ike.auth.SharedKeyAuthentication;
import org.ipsec4j.ike.auth.SignatureAuthentication;
import org.ipsec4j.ike.auth.SignatureScheme;
import org.ipsec4j.ike.auth.SignedOctets;
import org.ipsec4j.ike.message.AuthMethod;
import org.ipsec4j.ike.message.AuthenticationPayload;
import org.ipsec4j.ike.message.CertificatePayload;
import org.ipsec4j.ike.message.IdentificationPayload;
import org.ipsec4j.ike.message.Payload;

/**
 * The AUTH payload (RFC 7296 §2.15): what we sign or MAC, and checking the peer's — PSK, or RFC 7427
 * signatures over a certificate chain validated against the configured CAs.
 */
final class Authenticator {

    private static final int CERT_X509_SIGNATURE = 4;

    private Authenticator() {
    }

    /** Our IDx payload. */
    static IdentificationPayload ourId(IkeSa sa, boolean asInitiator) {
        Identity id = sa.config.local().id();
        return new IdentificationPayload(asInitiator, id.type(), id.data());
    }

    /** Our AUTH (and CERT) payloads; the octets are built from our own IKE_SA_INIT message and the peer's nonce. */
    static List<Payload> authenticate(IkeSa sa, IdentificationPayload id) throws IkeFailure {
        boolean weInitiated = sa.initiator;
        byte[] octets = SignedOctets.of(weInitiated ? sa.initRequest : sa.initResponse,
                weInitiated ? sa.nonceR : sa.nonceI, sa.suite.prf().macAlgorithm(), weInitiated ? sa.skPi : sa.skPr,
                id.body());
        LocalAuthentication local = sa.config.local();
        List<Payload> out = new ArrayList<>();
        if (local.kind() == LocalAuthentication.AuthKind.PSK) {
            Identity remoteId = sa.peerId != null ? sa.peerId : sa.config.remote().id();
            byte[] secret = sa.engine.sharedKeys().find(local.id(), remoteId);
            if (secret == null) {
                throw IkeFailure.local("no pre-shared key for " + local.id() + " - " + remoteId);
            }
            out.add(new AuthenticationPayload(AuthMethod.SHARED_KEY,
                    SharedKeyAuthentication.compute(sa.suite.prf().macAlgorithm(), secret, octets)));
            return out;
        }
        if (!sa.peerSignatureHashes) {
            throw IkeFailure.local("peer did not announce RFC 7427 signature authentication"
                    + " (SIGNATURE_HASH_ALGORITHMS); legacy RSA/ECDSA methods are not offered");
        }
        for (X509Certificate c : local.certificates()) {
            try {
                out.add(new CertificatePayload(CERT_X509_SIGNATURE, c.getEncoded()));
            } catch (java.security.cert.CertificateEncodingException e) {
                throw IkeFailure.local("cannot encode our certificate: " + e.getMessage());
            }
        }
        SignatureScheme scheme = SignatureScheme.defaultFor(local.privateKey());
        out.add(new AuthenticationPayload(AuthMethod.DIGITAL_SIGNATURE,
                SignatureAuthentication.sign(local.privateKey(), octets, scheme)));
        return out;
    }

    /**
     * Checks the peer's identity and AUTH; sets {@code sa.peerId}. Any failure is AUTHENTICATION_FAILED with
     * a reason an operator can act on.
     */
    static void verifyPeer(IkeSa sa, List<Payload> payloads, boolean peerIsInitiator) throws IkeFailure {
        IdentificationPayload id = null;
        for (Payload p : payloads) {
            if (p instanceof IdentificationPayload i && i.initiator() == peerIsInitiator) {
                id = i;
            }
        }
        AuthenticationPayload auth = Notifies.first(payloads, AuthenticationPayload.class);
        if (id == null) {
            throw IkeFailure.authentication("peer sent no ID" + (peerIsInitiator ? "i" : "r") + " payload");
        }
        if (auth == null) {
            throw IkeFailure.authentication("peer sent no AUTH payload (EAP is not supported)");
        }
        Identity peer = new Identity(id.idType(), id.data());
        PeerAuthentication expected = sa.config.remote();
        if (!expected.id().matches(peer)) {
            throw IkeFailure.authentication("peer identity '" + peer + "' is not the configured '" + expected.id() + "'");
        }
        sa.peerId = peer;
        byte[] octets = SignedOctets.of(peerIsInitiator ? sa.initRequest : sa.initResponse,
                peerIsInitiator ? sa.nonceR : sa.nonceI, sa.suite.prf().macAlgorithm(),
                peerIsInitiator ? sa.skPi : sa.skPr, id.body());
        if (expected.kind() == LocalAuthentication.AuthKind.PSK) {
            if (auth.method() != AuthMethod.SHARED_KEY) {
                throw IkeFailure.authentication("peer '" + peer + "' used auth method " + auth.method()
                        + ", configured is a pre-shared key");
            }
            byte[] secret = sa.engine.sharedKeys().find(sa.config.local().id(), peer);
            if (secret == null) {
                throw IkeFailure.authentication("no pre-shared key for " + sa.config.local().id() + " - " + peer);
            }
            if (!SharedKeyAuthentication.verify(sa.suite.prf().macAlgorithm(), secret, octets, auth.data())) {
                throw IkeFailure.authentication("pre-shared key of '" + peer + "' does not match ours (wrong PSK)");
            }
            return;
        }
        if (auth.method() != AuthMethod.DIGITAL_SIGNATURE) {
            throw IkeFailure.authentication("peer '" + peer + "' used auth method " + auth.method()
                    + "; only RFC 7427 digital signatures (14) are accepted for certificates");
        }
        List<X509Certificate> chain = certificates(Notifies.all(payloads, CertificatePayload.class));
        if (chain.isEmpty()) {
            throw IkeFailure.authentication("peer '" + peer + "' sent no certificate");
        }
        try {
            expected.trust().validate(chain, sa.engine.wallClock().instant());
        } catch (AuthenticationException e) {
            throw IkeFailure.authentication("certificate of '" + peer + "' is not trusted: " + e.getMessage());
        }
        if (!CertificateIdentity.matches(chain.get(0), peer)) {
            throw IkeFailure.authentication("certificate " + chain.get(0).getSubjectX500Principal()
                    + " does not carry identity '" + peer + "'");
        }
        try {
            SignatureAuthentication.verify(chain.get(0).getPublicKey(), auth.data(), octets);
        } catch (AuthenticationException e) {
            throw IkeFailure.authentication("signature of '" + peer + "' does not verify: " + e.getMessage());
        }
    }

    private static List<X509Certificate> certificates(List<CertificatePayload> payloads) throws IkeFailure {
        List<X509Certificate> out = new ArrayList<>();
        try {
            CertificateFactory f = CertificateFactory.getInstance("X.509");
            for (CertificatePayload p : payloads) {
                if (p.encoding() != CERT_X509_SIGNATURE) {
                    continue;
                }
                out.add((X509Certificate) f.generateCertificate(new ByteArrayInputStream(p.data())));
            }
        } catch (CertificateException e) {
            throw IkeFailure.authentication("peer sent an unreadable certificate: " + e.getMessage());
        }
        return out;
    }
}
