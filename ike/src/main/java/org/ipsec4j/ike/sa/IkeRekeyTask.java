package org.ipsec4j.ike.sa;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import org.ipsec4j.ike.crypto.DhKeyPair;
import org.ipsec4j.ike.crypto.IkeKeyMaterial;
import org.ipsec4j.ike.crypto.InvalidKeyExchangeException;
import org.ipsec4j.ike.message.ExchangeType;
import org.ipsec4j.ike.message.IkeMessage;
import org.ipsec4j.ike.message.KeyExchangePayload;
import org.ipsec4j.ike.message.NoncePayload;
import org.ipsec4j.ike.message.NotifyPayload;
import org.ipsec4j.ike.message.NotifyType;
import org.ipsec4j.ike.message.Payload;
import org.ipsec4j.ike.message.Proposal;
import org.ipsec4j.ike.message.SecurityAssociationPayload;

/**
 * Rekeying the IKE SA with CREATE_CHILD_SA (RFC 7296 §1.3.2, §2.18): new SPIs, nonces and a fresh DH, keys
 * from the old SK_d. The Child SAs move to the new IKE SA, and the side that initiated the rekey deletes the
 * old one. Simultaneous rekeys (§2.8.2) follow the nonce rule: the new IKE SA with the lowest nonce is
 * redundant and deleted by its creator.
 */
final class IkeRekeyTask implements Task {

    private static final int PROTOCOL_IKE = 1;

    private long newSpi;
    private byte[] nonce;
    private DhKeyPair dh;
    /** The group the peer asked for with INVALID_KE_PAYLOAD, tried once; else the current SA's. */
    private org.ipsec4j.ike.crypto.DhGroup group;
    private boolean retriedGroup;

    @Override
    public ExchangeType exchange() {
        return ExchangeType.CREATE_CHILD_SA;
    }

    @Override
    public List<Payload> buildRequest(IkeSa sa, long now) {
        if (sa.state != IkeSa.State.ESTABLISHED) {
            return null;
        }
        newSpi = sa.engine.newSpi();
        nonce = sa.engine.randomBytes(IkeSaInitTask.NONCE_LENGTH);
        dh = (group != null ? group : sa.suite.dhGroup()).generate(sa.engine.random());
        List<Proposal> proposals = new ArrayList<>();
        for (Proposal p : IkeSaInitTask.numbered(sa.config.proposals())) {
            proposals.add(new Proposal(p.number(), PROTOCOL_IKE, spiBytes(newSpi), p.transforms()));
        }
        sa.rekeyNonce = nonce;
        return List.of(new SecurityAssociationPayload(proposals), new NoncePayload(nonce),
                new KeyExchangePayload(dh.group().id(), dh.publicValue()));
    }

    @Override
    public void processResponse(IkeSa sa, IkeMessage message, List<Payload> payloads, long now) throws IkeFailure {
        sa.rekeyNonce = null;
        NotifyPayload error = Notifies.firstError(payloads);
        if (error != null && error.notifyType() == NotifyType.INVALID_KE_PAYLOAD && !retriedGroup
                && sa.peerRekey == null) {
            // §1.3.2 / §1.2: the responder prefers another of our groups; retry once with it right away.
            byte[] d = error.data();
            org.ipsec4j.ike.crypto.DhGroup wanted = d.length == 2
                    ? org.ipsec4j.ike.crypto.DhGroup.fromIke((d[0] & 0xFF) << 8 | (d[1] & 0xFF)) : null;
            if (wanted != null && IkeSaInitTask.offersGroup(sa.config.proposals(), wanted)) {
                dh.destroy();
                group = wanted;
                retriedGroup = true;
                sa.queueFirst(this);
                return;
            }
        }
        if (error != null) {
            dh.destroy();
            IkeSa theirs = sa.peerRekey;
            if (theirs != null && theirs.state == IkeSa.State.ESTABLISHED) {
                // §2.25.2: the peer's simultaneous rekey went through and ours did not (it had finished first, so
                // the old SA is gone on its side). Its new SA takes over; the peer deletes the old one.
                sa.engine.event(IkeEvent.Kind.IKE_SA_REKEYED, sa, "collision: our rekey was refused ("
                        + Notifies.name(error.notifyType()) + "), the peer's " + theirs.name() + " takes over");
                sa.handOver(theirs, now);
                return;
            }
            sa.engine.event(IkeEvent.Kind.IKE_SA_FAILED, sa, "peer refused the IKE SA rekey: "
                    + Notifies.name(error.notifyType()) + "; retrying later");
            sa.rekeyAt = now + (error.notifyType() == NotifyType.TEMPORARY_FAILURE ? 2_000_000_000L : 60_000_000_000L)
                    + sa.engine.random().nextLong(1_000_000_000L);
            return;
        }
        SecurityAssociationPayload saPayload = Notifies.first(payloads, SecurityAssociationPayload.class);
        NoncePayload nr = Notifies.first(payloads, NoncePayload.class);
        KeyExchangePayload ke = Notifies.first(payloads, KeyExchangePayload.class);
        if (saPayload == null || nr == null || ke == null || saPayload.proposals().size() != 1
                || saPayload.proposals().get(0).spi().length != 8) {
            dh.destroy();
            throw IkeFailure.error("IKE rekey response lacks SA, nonce or KE", NotifyType.INVALID_SYNTAX);
        }
        Proposal chosen = saPayload.proposals().get(0);
        IkeSuite suite = IkeSuite.of(chosen);
        if (suite == null || suite.dhGroup() != dh.group() || ke.dhGroup() != dh.group().id()) {
            dh.destroy();
            throw IkeFailure.error("IKE rekey response: unacceptable proposal " + chosen, NotifyType.NO_PROPOSAL_CHOSEN);
        }
        byte[] shared;
        try {
            shared = dh.sharedSecret(ke.data());
        } catch (InvalidKeyExchangeException e) {
            throw IkeFailure.error("IKE rekey: " + e.getMessage(), NotifyType.INVALID_SYNTAX);
        } finally {
            dh.destroy();
        }
        long peerSpi = ByteBuffer.wrap(chosen.spi()).getLong();
        IkeSa fresh = successor(sa, true, newSpi, peerSpi, suite, shared, nonce, nr.nonce(), now);
        IkeSa theirs = sa.peerRekey;
        if (theirs != null && java.util.Arrays.compareUnsigned(ChildCreateTask.minNonce(nonce, nr.nonce()),
                sa.peerRekeyLowestNonce) < 0) {
            // §2.8.2: ours is redundant; the children stay with the peer's new SA, we delete ours.
            // The peer, whose SA won, deletes the old one.
            sa.engine.event(IkeEvent.Kind.IKE_SA_REKEYED, sa, "collision: our new IKE SA is redundant, deleting it");
            sa.handOver(theirs, now);
            fresh.queue(new IkeDeleteTask(true), now);
            return;
        }
        // Ours won (or there was no collision): the children move to it and we delete the old SA. A redundant
        // SA of the peer's is the peer's to delete; should it never do so, we forget it.
        sa.handOver(fresh, now);
        sa.forgetAt = Long.MAX_VALUE; // our own Delete ends it
        if (theirs != null) {
            theirs.forgetUnlessDeletedBy(now);
        }
        sa.engine.event(IkeEvent.Kind.IKE_SA_REKEYED, sa, "-> " + fresh.name());
        sa.queue(new IkeDeleteTask(true), now);
    }

    /** The responder's side; a rekey of our own in flight is resolved when it completes (§2.8.2). */
    static List<Payload> respond(IkeSa sa, List<Payload> payloads, long now) {
        SecurityAssociationPayload saPayload = Notifies.first(payloads, SecurityAssociationPayload.class);
        NoncePayload ni = Notifies.first(payloads, NoncePayload.class);
        KeyExchangePayload ke = Notifies.first(payloads, KeyExchangePayload.class);
        if (sa.state != IkeSa.State.ESTABLISHED || sa.hasQueued(IkeDeleteTask.class)) {
            return List.of(Notifies.error(NotifyType.TEMPORARY_FAILURE));
        }
        Task active = sa.activeTask();
        if (active != null && !(active instanceof IkeRekeyTask) && !(active instanceof LivenessTask)
                && !(active instanceof PathProbeTask)) {
            // §2.25: our own Child SA exchange is in flight; its answer must not arrive at an SA whose children
            // have moved on. The peer tries again a little later. An empty INFORMATIONAL (a liveness check or a
            // path MTU probe) changes no state, so it does not hold the rekey up.
            return List.of(Notifies.error(NotifyType.TEMPORARY_FAILURE));
        }
        if (saPayload == null || ni == null || ke == null) {
            return List.of(Notifies.error(NotifyType.INVALID_SYNTAX));
        }
        List<Proposal> ours = new ArrayList<>();
        for (Proposal p : IkeSaInitTask.numbered(sa.config.proposals())) {
            ours.add(new Proposal(p.number(), PROTOCOL_IKE, new byte[0], p.transforms()));
        }
        // As in IKE_SA_INIT: if any acceptable proposal fits the KE the peer sent, take it rather than make the
        // peer try again with our preferred group.
        Proposal chosen = ProposalNegotiation.select(IkeSaInitTask.restrictGroup(ours, ke.dhGroup()),
                saPayload.proposals());
        if (chosen == null) {
            chosen = ProposalNegotiation.select(ours, saPayload.proposals());
        }
        IkeSuite suite = chosen == null ? null : IkeSuite.of(chosen);
        if (suite == null || chosen.spi().length != 8) {
            return List.of(Notifies.error(NotifyType.NO_PROPOSAL_CHOSEN));
        }
        if (ke.dhGroup() != suite.dhGroup().id()) {
            int g = suite.dhGroup().id();
            return List.of(Notifies.status(NotifyType.INVALID_KE_PAYLOAD, new byte[] {(byte) (g >>> 8), (byte) g}));
        }
        DhKeyPair dh = suite.dhGroup().generate(sa.engine.random());
        byte[] shared;
        try {
            shared = dh.sharedSecret(ke.data());
        } catch (InvalidKeyExchangeException e) {
            dh.destroy();
            return List.of(Notifies.error(NotifyType.INVALID_SYNTAX));
        }
        long spi = sa.engine.newSpi();
        byte[] nr = sa.engine.randomBytes(IkeSaInitTask.NONCE_LENGTH);
        long peerSpi = ByteBuffer.wrap(chosen.spi()).getLong();
        IkeSa fresh = successor(sa, false, peerSpi, spi, suite, shared, ni.nonce(), nr, now);
        if (sa.rekeyNonce != null) {
            sa.peerRekey = fresh; // our own rekey is in flight: decide when it completes
            sa.peerRekeyLowestNonce = ChildCreateTask.minNonce(ni.nonce(), nr);
        } else {
            sa.handOver(fresh, now); // the peer deletes the old SA
        }
        sa.engine.event(IkeEvent.Kind.IKE_SA_REKEYED, sa, "peer rekeyed -> " + fresh.name());
        List<Payload> out = List.of(
                new SecurityAssociationPayload(List.of(new Proposal(chosen.number(), PROTOCOL_IKE, spiBytes(spi),
                        chosen.transforms()))),
                new NoncePayload(nr), new KeyExchangePayload(dh.group().id(), dh.publicValue()));
        dh.destroy();
        return out;
    }

    /**
     * The new IKE SA: SPIs of the rekey exchange, SKEYSEED = prf(SK_d(old), g^ir | Ni | Nr), and message IDs
     * from zero. Whoever initiated the rekey is the new SA's original initiator.
     */
    private static IkeSa successor(IkeSa old, boolean weInitiated, long spiI, long spiR, IkeSuite suite, byte[] shared,
                                   byte[] ni, byte[] nr, long now) {
        IkeSa fresh = new IkeSa(old.engine, old.config, weInitiated, spiI, spiR, old.local, old.remote, now);
        // §2.18: SKEYSEED with the old SA's PRF, the key expansion with the new one's.
        IkeKeyMaterial keys = IkeKeyMaterial.rekey(old.suite.prf(), suite.prf(), old.skD, shared, ni, nr, spiI, spiR,
                suite.encryptionKeyMaterialLength(), suite.integrityKeyLength());
        java.util.Arrays.fill(shared, (byte) 0);
        fresh.installKeys(suite, keys);
        fresh.nonceI = ni;
        fresh.nonceR = nr;
        fresh.natLocal = old.natLocal;
        fresh.natRemote = old.natRemote;
        fresh.fragmentation = old.fragmentation;
        fresh.peerSignatureHashes = old.peerSignatureHashes;
        fresh.peerId = old.peerId;
        fresh.virtualIp = old.virtualIp;
        fresh.assignedVirtualIp = old.assignedVirtualIp;
        fresh.resetMessageIds();
        fresh.state = IkeSa.State.ESTABLISHED;
        fresh.establishedAt = now;
        fresh.scheduleRekey(now);
        fresh.scheduleDpd(now);
        fresh.forceEncapsulation = old.forceEncapsulation;
        fresh.pathMtu.inheritFrom(old.pathMtu, now);
        fresh.espPath.start(now);
        old.engine.adopt(fresh);
        return fresh;
    }

    private static byte[] spiBytes(long spi) {
        return ByteBuffer.allocate(8).putLong(spi).array();
    }
}
