package org.ipsec4j.ike.sa;

import java.util.ArrayList;
import java.util.List;

import org.ipsec4j.ike.auth.SignatureScheme;
import org.ipsec4j.ike.crypto.DhGroup;
import org.ipsec4j.ike.crypto.DhKeyPair;
import org.ipsec4j.ike.crypto.IkeKeyMaterial;
import org.ipsec4j.ike.crypto.InvalidKeyExchangeException;
import org.ipsec4j.ike.message.CertificateRequestPayload;
import org.ipsec4j.ike.message.ExchangeType;
import org.ipsec4j.ike.message.IkeHeader;
import org.ipsec4j.ike.message.IkeMessage;
import org.ipsec4j.ike.message.KeyExchangePayload;
import org.ipsec4j.ike.message.MessageCodec;
import org.ipsec4j.ike.message.NoncePayload;
import org.ipsec4j.ike.message.NotifyPayload;
import org.ipsec4j.ike.message.NotifyType;
import org.ipsec4j.ike.message.Payload;
import org.ipsec4j.ike.message.Proposal;
import org.ipsec4j.ike.message.SecurityAssociationPayload;
import org.ipsec4j.ike.message.Transform;

/**
 * IKE_SA_INIT (RFC 7296 §1.2): SA, KE, nonces, NAT detection (§2.23), COOKIE (§2.6), INVALID_KE_PAYLOAD
 * retry (§1.2), and the announcements of IKE fragmentation (RFC 7383) and signature hash algorithms
 * (RFC 7427). Both roles: {@link #buildRequest}/{@link #processResponse} for the initiator, {@link #respond}
 * for the responder.
 */
final class IkeSaInitTask implements Task {

    static final int NONCE_LENGTH = 32;
    /** Retries after COOKIE or INVALID_KE_PAYLOAD before we give up: a peer cannot keep us looping. */
    private static final int MAX_RETRIES = 3;

    private DhKeyPair dh;
    private DhGroup group;
    private byte[] cookie;
    private int retries;

    @Override
    public ExchangeType exchange() {
        return ExchangeType.IKE_SA_INIT;
    }

    @Override
    public List<Payload> buildRequest(IkeSa sa, long now) {
        List<Proposal> proposals = numbered(sa.config.proposals());
        if (group == null) {
            group = firstGroup(proposals);
        }
        // §2.6: a retry with a COOKIE repeats the request unchanged (the cookie covers Ni); after
        // INVALID_KE_PAYLOAD only the KE changes. Nonce and key pair are made once per group.
        if (dh == null || dh.group() != group) {
            if (dh != null) {
                dh.destroy();
            }
            dh = group.generate(sa.engine.random());
        }
        if (sa.nonceI == null) {
            sa.nonceI = sa.engine.randomBytes(NONCE_LENGTH);
        }
        List<Payload> p = new ArrayList<>();
        if (cookie != null) {
            p.add(Notifies.status(NotifyType.COOKIE, cookie)); // §2.6: the cookie comes first
        }
        p.add(new SecurityAssociationPayload(proposals));
        p.add(new KeyExchangePayload(group.id(), dh.publicValue()));
        p.add(new NoncePayload(sa.nonceI));
        p.add(NatDetection.source(sa.spiI, 0, sa.local, sa.forceEncapsulation, sa.engine.random()));
        p.add(NatDetection.destination(sa.spiI, 0, sa.remote));
        if (sa.config.fragmentation()) {
            p.add(Notifies.status(NotifyType.IKEV2_FRAGMENTATION_SUPPORTED));
        }
        p.add(Notifies.status(NotifyType.SIGNATURE_HASH_ALGORITHMS, SignatureScheme.supportedHashAlgorithms()));
        return p;
    }

    @Override
    public void processResponse(IkeSa sa, IkeMessage message, List<Payload> payloads, long now) throws IkeFailure {
        NotifyPayload c = Notifies.find(payloads, NotifyType.COOKIE);
        if (c != null) {
            retryWith(sa, "COOKIE");
            cookie = c.data().clone();
            return;
        }
        NotifyPayload invalidKe = Notifies.find(payloads, NotifyType.INVALID_KE_PAYLOAD);
        if (invalidKe != null) {
            byte[] d = invalidKe.data();
            DhGroup wanted = d.length == 2 ? DhGroup.fromIke((d[0] & 0xFF) << 8 | (d[1] & 0xFF)) : null;
            if (wanted == null || !offersGroup(sa.config.proposals(), wanted) || wanted == group) {
                throw IkeFailure.local("peer asks for DH group " + (wanted == null ? "?" : wanted)
                        + " which we did not offer");
            }
            retryWith(sa, "INVALID_KE_PAYLOAD(" + wanted + ")");
            group = wanted;
            return;
        }
        NotifyPayload error = Notifies.firstError(payloads);
        if (error != null) {
            throw IkeFailure.local("peer answered IKE_SA_INIT with " + Notifies.name(error.notifyType()));
        }
        SecurityAssociationPayload saPayload = Notifies.first(payloads, SecurityAssociationPayload.class);
        KeyExchangePayload ke = Notifies.first(payloads, KeyExchangePayload.class);
        NoncePayload nonce = Notifies.first(payloads, NoncePayload.class);
        if (saPayload == null || ke == null || nonce == null || saPayload.proposals().size() != 1) {
            throw IkeFailure.local("IKE_SA_INIT response without SA, KE or nonce");
        }
        Proposal chosen = saPayload.proposals().get(0);
        if (ProposalNegotiation.acceptAnswer(numbered(sa.config.proposals()), chosen) == null) {
            throw IkeFailure.local("peer chose a proposal we did not offer: " + chosen);
        }
        IkeSuite suite = IkeSuite.of(chosen);
        if (suite == null || suite.dhGroup() != group || ke.dhGroup() != group.id()) {
            throw IkeFailure.local("peer's KE group " + ke.dhGroup() + " does not match the chosen proposal");
        }
        sa.spiR = message.header().responderSpi();
        sa.nonceR = nonce.nonce().clone();
        byte[] shared;
        try {
            shared = dh.sharedSecret(ke.data());
        } catch (InvalidKeyExchangeException e) {
            throw IkeFailure.local("peer's KE value is invalid: " + e.getMessage());
        } finally {
            dh.destroy();
        }
        detectNat(sa, payloads, sa.spiI, sa.spiR, sa.remote, sa.local);
        sa.fragmentation = sa.config.fragmentation()
                && Notifies.find(payloads, NotifyType.IKEV2_FRAGMENTATION_SUPPORTED) != null;
        sa.peerSignatureHashes = Notifies.find(payloads, NotifyType.SIGNATURE_HASH_ALGORITHMS) != null;
        CertificateRequestPayload certReq = Notifies.first(payloads, CertificateRequestPayload.class);
        sa.peerCertificateRequest = certReq != null ? certReq.authorities() : null;
        IkeKeyMaterial keys = IkeKeyMaterial.derive(suite.prf(), sa.nonceI, sa.nonceR, shared, sa.spiI, sa.spiR,
                suite.encryptionKeyMaterialLength(), suite.integrityKeyLength());
        java.util.Arrays.fill(shared, (byte) 0);
        sa.installKeys(suite, keys);
        sa.initCompletedAsInitiator();
        sa.floatToNatTraversalPort();
    }

    private void retryWith(IkeSa sa, String why) throws IkeFailure {
        if (++retries > MAX_RETRIES) {
            throw IkeFailure.local("IKE_SA_INIT retried " + MAX_RETRIES + " times (" + why + "), giving up");
        }
        sa.queueFirst(this);
    }

    /**
     * The responder's side: answers a new IKE_SA_INIT request, creating a half-open IKE SA on success. Errors
     * (no proposal, wrong KE group, a cookie demanded) are answered statelessly.
     */
    static void respond(IkeEngine engine, IkeConnection config, IkeMessage request, byte[] raw, Endpoint from,
                        Endpoint to, long now) {
        IkeHeader h = request.header();
        List<Payload> payloads = request.payloads();
        SecurityAssociationPayload saPayload = Notifies.first(payloads, SecurityAssociationPayload.class);
        KeyExchangePayload ke = Notifies.first(payloads, KeyExchangePayload.class);
        NoncePayload nonce = Notifies.first(payloads, NoncePayload.class);
        if (saPayload == null || ke == null || nonce == null) {
            engine.answerInitError(h, from, to, NotifyType.INVALID_SYNTAX, new byte[0], config);
            return;
        }
        List<Proposal> ours = numbered(config.proposals());
        Proposal chosen = ProposalNegotiation.select(restrictGroup(ours, ke.dhGroup()), saPayload.proposals());
        if (chosen == null) {
            chosen = ProposalNegotiation.select(ours, saPayload.proposals());
        }
        IkeSuite suite = chosen == null ? null : IkeSuite.of(chosen);
        if (suite == null) {
            engine.eventFor(config, IkeEvent.Kind.IKE_SA_FAILED, "no acceptable IKE proposal from " + from
                    + " (it offered " + ProposalNegotiation.describe(saPayload.proposals())
                    + "), answered NO_PROPOSAL_CHOSEN");
            engine.answerInitError(h, from, to, NotifyType.NO_PROPOSAL_CHOSEN, new byte[0], config);
            return;
        }
        if (ke.dhGroup() != suite.dhGroup().id()) {
            int g = suite.dhGroup().id();
            engine.answerInitError(h, from, to, NotifyType.INVALID_KE_PAYLOAD, new byte[] {(byte) (g >>> 8), (byte) g}, config);
            return;
        }
        long spiR = engine.newSpi();
        IkeSa sa = new IkeSa(engine, config, false, h.initiatorSpi(), spiR, to, from, now);
        sa.nonceI = nonce.nonce().clone();
        sa.nonceR = engine.randomBytes(NONCE_LENGTH);
        DhKeyPair dh = suite.dhGroup().generate(engine.random());
        byte[] shared;
        try {
            shared = dh.sharedSecret(ke.data());
        } catch (InvalidKeyExchangeException e) {
            dh.destroy();
            engine.eventFor(config, IkeEvent.Kind.IKE_SA_FAILED, "invalid KE value from " + from + ": " + e.getMessage());
            engine.answerInitError(h, from, to, NotifyType.INVALID_SYNTAX, new byte[0], config);
            return;
        }
        detectNat(sa, payloads, h.initiatorSpi(), 0, from, to);
        sa.fragmentation = config.fragmentation()
                && Notifies.find(payloads, NotifyType.IKEV2_FRAGMENTATION_SUPPORTED) != null;
        sa.peerSignatureHashes = Notifies.find(payloads, NotifyType.SIGNATURE_HASH_ALGORITHMS) != null;

        List<Payload> out = new ArrayList<>();
        out.add(new SecurityAssociationPayload(List.of(chosen)));
        out.add(new KeyExchangePayload(suite.dhGroup().id(), dh.publicValue()));
        out.add(new NoncePayload(sa.nonceR));
        out.add(NatDetection.source(sa.spiI, spiR, to, config.forceEncapsulation(), engine.random()));
        out.add(NatDetection.destination(sa.spiI, spiR, from));
        if (config.remote().kind() == LocalAuthentication.AuthKind.PUBKEY) {
            out.add(new CertificateRequestPayload(4, config.remote().trust().certificateRequestData()));
        }
        if (sa.fragmentation) {
            out.add(Notifies.status(NotifyType.IKEV2_FRAGMENTATION_SUPPORTED));
        }
        out.add(Notifies.status(NotifyType.SIGNATURE_HASH_ALGORITHMS, SignatureScheme.supportedHashAlgorithms()));
        dh.destroy();
        IkeHeader rh = new IkeHeader(sa.spiI, spiR, 0, 2, 0, ExchangeType.IKE_SA_INIT.value(), false, true, false, 0, 0);
        byte[] response = MessageCodec.encode(rh, out);
        sa.initRequest = raw.clone();
        sa.initResponse = response;
        IkeKeyMaterial keys = IkeKeyMaterial.derive(suite.prf(), sa.nonceI, sa.nonceR, shared, sa.spiI, spiR,
                suite.encryptionKeyMaterialLength(), suite.integrityKeyLength());
        java.util.Arrays.fill(shared, (byte) 0);
        sa.installKeys(suite, keys);
        sa.cacheInitResponse(response);
        engine.adopt(sa);
        engine.send(config, new IkeDatagram(to, from, response));
        engine.observeMessage(config, true, to, from, rh, out);
    }

    /**
     * §2.23: compares the peer's NAT_DETECTION hashes with the addresses this message really carried. No
     * NAT-D at all means the peer does not do NAT traversal.
     */
    private static void detectNat(IkeSa sa, List<Payload> payloads, long spiI, long spiR, Endpoint peerSeen,
                                  Endpoint usSeen) {
        List<NotifyPayload> sources = new ArrayList<>();
        NotifyPayload destination = null;
        for (Payload p : payloads) {
            if (p instanceof NotifyPayload n) {
                if (n.notifyType() == NotifyType.NAT_DETECTION_SOURCE_IP) {
                    sources.add(n);
                } else if (n.notifyType() == NotifyType.NAT_DETECTION_DESTINATION_IP) {
                    destination = n;
                }
            }
        }
        if (sources.isEmpty() || destination == null) {
            return;
        }
        byte[] peerHash = NatDetection.hash(spiI, spiR, peerSeen);
        boolean peerMatches = false;
        for (NotifyPayload s : sources) {
            peerMatches |= java.util.Arrays.equals(s.data(), peerHash);
        }
        sa.natRemote = !peerMatches;
        sa.natLocal = !java.util.Arrays.equals(destination.data(), NatDetection.hash(spiI, spiR, usSeen));
    }

    /** Our proposals renumbered 1..n as §3.3.1 wants. */
    static List<Proposal> numbered(List<Proposal> proposals) {
        List<Proposal> out = new ArrayList<>(proposals.size());
        int n = 1;
        for (Proposal p : proposals) {
            out.add(new Proposal(n++, p.protocolId(), p.spi(), p.transforms()));
        }
        return out;
    }

    /** Our proposals with their DH transforms cut down to one group, so a KE the peer sent can be used. */
    static List<Proposal> restrictGroup(List<Proposal> proposals, int group) {
        List<Proposal> out = new ArrayList<>();
        for (Proposal p : proposals) {
            List<Transform> ts = new ArrayList<>();
            boolean has = false;
            for (Transform t : p.transforms()) {
                if (t.type() != IkeSuite.DH) {
                    ts.add(t);
                } else if (t.id() == group) {
                    ts.add(t);
                    has = true;
                }
            }
            if (has) {
                out.add(new Proposal(p.number(), p.protocolId(), p.spi(), ts));
            }
        }
        return out;
    }

    private static DhGroup firstGroup(List<Proposal> proposals) {
        for (Proposal p : proposals) {
            for (Transform t : p.transforms()) {
                if (t.type() == IkeSuite.DH && DhGroup.fromIke(t.id()) != null) {
                    return DhGroup.fromIke(t.id());
                }
            }
        }
        throw new IllegalArgumentException("no DH group we implement in the IKE proposals");
    }

    static boolean offersGroup(List<Proposal> proposals, DhGroup g) {
        for (Proposal p : proposals) {
            for (Transform t : p.transforms()) {
                if (t.type() == IkeSuite.DH && t.id() == g.id()) {
                    return true;
                }
            }
        }
        return false;
    }
}
