package org.ipsec4j.ike.sa;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.ipsec4j.esp.sad.IpsecMode;
import org.ipsec4j.esp.selector.AddressRange;
import org.ipsec4j.esp.selector.IpFamily;
import org.ipsec4j.ike.crypto.ChildKeyMaterial;
import org.ipsec4j.ike.crypto.DhGroup;
import org.ipsec4j.ike.crypto.DhKeyPair;
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
import org.ipsec4j.ike.message.TrafficSelectorEntry;
import org.ipsec4j.ike.message.TrafficSelectorPayload;
import org.ipsec4j.ike.message.Transform;

/**
 * A Child SA: created inside IKE_AUTH or with CREATE_CHILD_SA (RFC 7296 §1.3.1), or rekeyed (§1.3.3,
 * REKEY_SA), optionally with PFS. Make-before-break: the new pair is installed (outbound policies switch to
 * it) before the old one is deleted. Simultaneous rekeys of one SA are settled by §2.8.1's nonce rule: the
 * pair whose exchange had the lowest nonce is redundant and deleted by the side that created it.
 */
final class ChildCreateTask implements Task {

    private static final int PROTOCOL_ESP = 3;

    private final ChildConnection config;
    private final ChildSa rekeyed;
    /** A Child SA of another IKE SA of ours that the new one takes over from (ESP path repair), or null. */
    private final ChildSa replaced;
    private int inboundSpi;
    private byte[] nonce;
    private DhKeyPair dh;
    /** The PFS group the responder asked for with INVALID_KE_PAYLOAD, once (§1.3). */
    private DhGroup requestedGroup;
    private List<SelectorRange> proposedLocal;
    private List<SelectorRange> proposedRemote;

    private ChildCreateTask(ChildConnection config, ChildSa rekeyed, ChildSa replaced) {
        this.config = config;
        this.rekeyed = rekeyed;
        this.replaced = replaced;
    }

    static ChildCreateTask create(ChildConnection config) {
        return new ChildCreateTask(config, null, null);
    }

    static ChildCreateTask rekey(ChildSa old) {
        old.state = ChildSa.State.REKEYING;
        return new ChildCreateTask(old.config, old, null);
    }

    /**
     * A new Child SA, in another IKE SA, for the selectors of {@code old} and under its reqid: once installed it
     * carries the traffic of {@code old}'s policies at once (make-before-break), and the old pair can go.
     */
    static ChildCreateTask replacing(ChildSa old) {
        return new ChildCreateTask(old.config, null, old);
    }

    @Override
    public ExchangeType exchange() {
        return ExchangeType.CREATE_CHILD_SA;
    }

    ChildSa rekeyedChild() {
        return rekeyed;
    }

    // ---- initiator ---------------------------------------------------------------------------------------

    @Override
    public List<Payload> buildRequest(IkeSa sa, long now) {
        if (rekeyed != null && (rekeyed.state != ChildSa.State.REKEYING || !sa.children.contains(rekeyed))) {
            return null; // deleted meanwhile, or the peer's rekey won
        }
        if (rekeyed != null && rekeyed.peerReplacement != null) {
            // The peer rekeyed it while our request waited in the queue: nothing collides if we do not send;
            // the peer deletes the old pair.
            rekeyed.state = ChildSa.State.REKEYED;
            return null;
        }
        List<Payload> p = new ArrayList<>();
        if (rekeyed != null) {
            p.add(new NotifyPayload(PROTOCOL_ESP, spiBytes(rekeyed.inboundSpi), NotifyType.REKEY_SA, new byte[0]));
        }
        nonce = sa.engine.randomBytes(IkeSaInitTask.NONCE_LENGTH);
        List<Payload> child = childRequest(sa, false);
        p.addAll(child.subList(0, 1)); // SA
        p.add(new NoncePayload(nonce));
        DhGroup pfs = requestedGroup != null ? requestedGroup : pfsGroup(config.espProposals());
        if (pfs != null) {
            dh = pfs.generate(sa.engine.random());
            p.add(new KeyExchangePayload(pfs.id(), dh.publicValue()));
        }
        p.addAll(child.subList(1, child.size()));
        return p;
    }

    /**
     * SA, TSi, TSr (and USE_TRANSPORT_MODE) of a request; IKE_AUTH carries no KE, so its proposals lose their
     * DH transforms (§1.2).
     */
    List<Payload> childRequest(IkeSa sa, boolean inIkeAuth) {
        inboundSpi = sa.engine.kernel().allocateSpi();
        List<Proposal> proposals = new ArrayList<>();
        int n = 1;
        for (Proposal p : config.espProposals()) {
            List<Transform> ts = new ArrayList<>();
            for (Transform t : p.transforms()) {
                if (!(inIkeAuth && t.type() == IkeSuite.DH)) {
                    ts.add(t);
                }
            }
            proposals.add(new Proposal(n++, PROTOCOL_ESP, spiBytes(inboundSpi), ts));
        }
        if (rekeyed != null || replaced != null) {
            ChildSa model = rekeyed != null ? rekeyed : replaced;
            proposedLocal = model.localSelectors;
            proposedRemote = model.remoteSelectors;
        } else {
            proposedLocal = localSelectors(sa, config);
            proposedRemote = remoteSelectors(sa, config, null);
        }
        List<Payload> out = new ArrayList<>();
        out.add(new SecurityAssociationPayload(proposals));
        out.add(new TrafficSelectorPayload(true, entries(proposedLocal)));
        out.add(new TrafficSelectorPayload(false, entries(proposedRemote)));
        if (config.mode() == IpsecMode.TRANSPORT) {
            out.add(Notifies.status(NotifyType.USE_TRANSPORT_MODE));
        }
        return out;
    }

    @Override
    public void processResponse(IkeSa sa, IkeMessage message, List<Payload> payloads, long now) {
        complete(sa, payloads, nonce, now);
    }

    /** Installs the Child SA from the response (also for the IKE_AUTH response); a failure ends only the child. */
    void complete(IkeSa sa, List<Payload> payloads, byte[] ourNonce, long now) {
        NotifyPayload error = Notifies.firstError(payloads);
        if (error != null && error.notifyType() == NotifyType.INVALID_KE_PAYLOAD && retryWithGroup(sa, error)) {
            return;
        }
        if (error != null && error.notifyType() == NotifyType.CHILD_SA_NOT_FOUND && rekeyed != null
                && rekeyed.peerReplacement == null && sa.children.contains(rekeyed)) {
            // §2.25: the peer does not know the pair we wanted to rekey. Drop it silently and create it anew.
            childFailed(sa, "peer does not know Child SA " + rekeyed.describe() + "; creating it anew", now, false);
            rekeyed.removeFromKernel(sa.engine.kernel());
            sa.children.remove(rekeyed);
            sa.queue(create(config), now);
            return;
        }
        if (error != null) {
            childFailed(sa, "peer refused Child SA " + config.name() + ": " + Notifies.name(error.notifyType()), now,
                    error.notifyType() == NotifyType.TEMPORARY_FAILURE);
            return;
        }
        SecurityAssociationPayload saPayload = Notifies.first(payloads, SecurityAssociationPayload.class);
        TrafficSelectorPayload tsi = selectors(payloads, true);
        TrafficSelectorPayload tsr = selectors(payloads, false);
        NoncePayload peerNonce = Notifies.first(payloads, NoncePayload.class);
        boolean inIkeAuth = ourNonce == sa.nonceI || ourNonce == sa.nonceR;
        if (saPayload == null || tsi == null || tsr == null || saPayload.proposals().size() != 1
                || (!inIkeAuth && peerNonce == null)) {
            childFailed(sa, "Child SA " + config.name() + " response lacks SA, TS or nonce", now, false);
            return;
        }
        Proposal chosen = saPayload.proposals().get(0);
        List<Proposal> offered = IkeSaInitTask.numbered(config.espProposals());
        if (inIkeAuth) {
            offered = stripDh(offered);
        }
        EspSuite suite = ProposalNegotiation.acceptAnswer(offered, chosen) == null ? null : EspSuite.of(chosen);
        if (suite == null || chosen.spi().length != 4) {
            childFailed(sa, "peer chose an ESP proposal we did not offer: " + chosen, now, false);
            return;
        }
        byte[] shared = null;
        if (dh != null) {
            KeyExchangePayload ke = Notifies.first(payloads, KeyExchangePayload.class);
            try {
                if (ke == null || ke.dhGroup() != dh.group().id() || suite.dhGroup() != dh.group()) {
                    throw new InvalidKeyExchangeException(dh.group(), "no KE of this group in the response");
                }
                shared = dh.sharedSecret(ke.data());
            } catch (InvalidKeyExchangeException e) {
                childFailed(sa, "Child SA " + config.name() + ": " + e.getMessage(), now, false);
                return;
            } finally {
                dh.destroy();
            }
        }
        List<SelectorRange> local = ranges(tsi);
        List<SelectorRange> remote = ranges(tsr);
        if (!within(local, proposedLocal) || !within(remote, proposedRemote)) {
            childFailed(sa, "peer widened the traffic selectors of " + config.name(), now, false);
            return;
        }
        byte[] ni = ourNonce;
        byte[] nr = inIkeAuth ? sa.nonceR : peerNonce.nonce();
        if (inIkeAuth) {
            ni = sa.nonceI;
        }
        ChildKeyMaterial keys = ChildKeyMaterial.derive(sa.suite.prf(), sa.skD, shared, ni, nr,
                suite.encryptionKeyMaterialLength(), suite.integrityKeyLength());
        int outboundSpi = ByteBuffer.wrap(chosen.spi()).getInt();
        int reqid = rekeyed != null ? rekeyed.reqid : replaced != null && !replaced.removed ? replaced.reqid
                : sa.engine.newReqid();
        ChildSa child = install(sa, config, reqid, inboundSpi, outboundSpi, suite, local, remote, keys, true,
                rekeyed != null, now);
        if (rekeyed != null) {
            finishRekey(sa, child, minNonce(ni, nr), now);
        }
    }

    /** §2.8.1: our rekey is done; delete the old pair, or our own new one if the peer's rekey won. */
    private void finishRekey(IkeSa sa, ChildSa ours, byte[] ourLowest, long now) {
        ChildSa theirs = rekeyed.peerReplacement;
        if (theirs != null && Arrays.compareUnsigned(ourLowest, rekeyed.peerReplacementLowestNonce) < 0) {
            // Ours has the lowest nonce: it is redundant and ours to delete; the peer deletes the old pair.
            sa.engine.event(IkeEvent.Kind.CHILD_SA_REKEYED, sa, "collision with the peer's rekey of " + config.name()
                    + ": ours is redundant, deleting it");
            rekeyed.state = ChildSa.State.REKEYED;
            sa.queue(new ChildDeleteTask(ours), now);
            return;
        }
        rekeyed.state = ChildSa.State.REKEYED;
        sa.engine.event(IkeEvent.Kind.CHILD_SA_REKEYED, sa, rekeyed.describe() + " -> " + ours.describe());
        sa.queue(new ChildDeleteTask(rekeyed), now);
    }

    /**
     * §1.3: the responder wants the KE in another group of our proposals; send the request again with it (once:
     * a second refusal fails the child). The SPI we reserved is given back; the retry reserves a new one.
     */
    private boolean retryWithGroup(IkeSa sa, NotifyPayload invalidKe) {
        byte[] d = invalidKe.data();
        DhGroup wanted = d.length == 2 ? DhGroup.fromIke((d[0] & 0xFF) << 8 | (d[1] & 0xFF)) : null;
        if (requestedGroup != null || wanted == null || dh == null || wanted == dh.group()
                || !IkeSaInitTask.offersGroup(config.espProposals(), wanted)) {
            return false;
        }
        dh.destroy();
        dh = null;
        requestedGroup = wanted;
        sa.engine.kernel().releaseSpi(inboundSpi);
        inboundSpi = 0;
        sa.queueFirst(this);
        return true;
    }

    private void childFailed(IkeSa sa, String why, long now, boolean retry) {
        if (inboundSpi != 0) {
            sa.engine.kernel().releaseSpi(inboundSpi);
        }
        if (dh != null) {
            dh.destroy();
        }
        sa.engine.event(IkeEvent.Kind.CHILD_SA_FAILED, sa, why);
        if (rekeyed != null && rekeyed.state == ChildSa.State.REKEYING) {
            if (rekeyed.peerReplacement != null) {
                // §2.25.1: the peer's simultaneous rekey of this pair succeeded; it deletes the old pair.
                rekeyed.state = ChildSa.State.REKEYED;
                return;
            }
            rekeyed.state = ChildSa.State.INSTALLED;
            // §2.25: after TEMPORARY_FAILURE wait for the peer to finish what it is doing, with a little jitter
            // so that two peers do not collide again; other refusals are retried much later.
            rekeyed.rekeyAt = now + (retry ? 2_000_000_000L : 30_000_000_000L)
                    + sa.engine.random().nextLong(1_000_000_000L);
        }
    }

    // ---- responder ---------------------------------------------------------------------------------------

    /**
     * Answers a CREATE_CHILD_SA request for a new or rekeyed Child SA, or the child part of IKE_AUTH
     * ({@code ni}/{@code nr} are then the IKE SA's nonces and there is no KE).
     */
    static List<Payload> respond(IkeSa sa, List<Payload> payloads, boolean inIkeAuth, long now) {
        NotifyPayload rekeyNotify = Notifies.find(payloads, NotifyType.REKEY_SA);
        ChildSa old = null;
        if (rekeyNotify != null) {
            if (rekeyNotify.spi().length != 4) {
                return List.of(Notifies.error(NotifyType.INVALID_SYNTAX));
            }
            old = sa.childByOutboundSpi(ByteBuffer.wrap(rekeyNotify.spi()).getInt());
            if (old == null || old.state == ChildSa.State.DELETING || old.state == ChildSa.State.REKEYED) {
                return List.of(new NotifyPayload(PROTOCOL_ESP, rekeyNotify.spi(), NotifyType.CHILD_SA_NOT_FOUND,
                        new byte[0]));
            }
        }
        SecurityAssociationPayload saPayload = Notifies.first(payloads, SecurityAssociationPayload.class);
        TrafficSelectorPayload tsi = selectors(payloads, true);
        TrafficSelectorPayload tsr = selectors(payloads, false);
        NoncePayload peerNonce = Notifies.first(payloads, NoncePayload.class);
        if (saPayload == null || tsi == null || tsr == null || (!inIkeAuth && peerNonce == null)) {
            return List.of(Notifies.error(NotifyType.INVALID_SYNTAX));
        }
        List<SelectorRange> peerSide = ranges(tsi);
        List<SelectorRange> ourSide = ranges(tsr);
        ChildConnection config = null;
        List<SelectorRange> local = List.of();
        List<SelectorRange> remote = List.of();
        List<ChildConnection> candidates = old != null ? List.of(old.config) : sa.config.children();
        for (ChildConnection c : candidates) {
            List<SelectorRange> l = SelectorRange.narrow(ourSide, localSelectors(sa, c));
            List<SelectorRange> r = SelectorRange.narrow(peerSide, remoteSelectors(sa, c, peerSide));
            if (!l.isEmpty() && !r.isEmpty()) {
                config = c;
                local = l;
                remote = r;
                break;
            }
        }
        if (config == null) {
            sa.engine.event(IkeEvent.Kind.CHILD_SA_FAILED, sa, "traffic selectors " + peerSide + " === " + ourSide
                    + " unacceptable");
            return List.of(Notifies.error(NotifyType.TS_UNACCEPTABLE));
        }
        boolean transport = Notifies.find(payloads, NotifyType.USE_TRANSPORT_MODE) != null;
        if (transport != (config.mode() == IpsecMode.TRANSPORT)) {
            sa.engine.event(IkeEvent.Kind.CHILD_SA_FAILED, sa, config.name() + ": peer wants "
                    + (transport ? "transport" : "tunnel") + " mode, configured is " + config.mode());
            return List.of(Notifies.error(NotifyType.NO_PROPOSAL_CHOSEN));
        }
        List<Proposal> ours = IkeSaInitTask.numbered(config.espProposals());
        if (inIkeAuth) {
            ours = stripDh(ours);
        }
        KeyExchangePayload ke = Notifies.first(payloads, KeyExchangePayload.class);
        // PFS: prefer a proposal that fits the KE the peer sent over asking it to retry with another group.
        Proposal chosen = ke == null ? null
                : ProposalNegotiation.select(IkeSaInitTask.restrictGroup(ours, ke.dhGroup()), saPayload.proposals());
        if (chosen == null) {
            chosen = ProposalNegotiation.select(ours, saPayload.proposals());
        }
        EspSuite suite = chosen == null ? null : EspSuite.of(chosen);
        if (suite == null || chosen.spi().length != 4) {
            sa.engine.event(IkeEvent.Kind.CHILD_SA_FAILED, sa, config.name() + ": no acceptable ESP proposal (the "
                    + "peer offered " + ProposalNegotiation.describe(saPayload.proposals())
                    + "), answered NO_PROPOSAL_CHOSEN");
            return List.of(Notifies.error(NotifyType.NO_PROPOSAL_CHOSEN));
        }
        byte[] shared = null;
        DhKeyPair dh = null;
        if (suite.dhGroup() != null) {
            if (ke == null || ke.dhGroup() != suite.dhGroup().id()) {
                int g = suite.dhGroup().id();
                return List.of(Notifies.status(NotifyType.INVALID_KE_PAYLOAD, new byte[] {(byte) (g >>> 8), (byte) g}));
            }
            dh = suite.dhGroup().generate(sa.engine.random());
            try {
                shared = dh.sharedSecret(ke.data());
            } catch (InvalidKeyExchangeException e) {
                dh.destroy();
                sa.engine.event(IkeEvent.Kind.CHILD_SA_FAILED, sa, config.name() + ": invalid KE: " + e.getMessage());
                return List.of(Notifies.error(NotifyType.INVALID_SYNTAX));
            }
        }
        byte[] ni = inIkeAuth ? sa.nonceI : peerNonce.nonce();
        byte[] nr = inIkeAuth ? sa.nonceR : sa.engine.randomBytes(IkeSaInitTask.NONCE_LENGTH);
        int inbound = sa.engine.kernel().allocateSpi();
        int outbound = ByteBuffer.wrap(chosen.spi()).getInt();
        ChildKeyMaterial keys = ChildKeyMaterial.derive(sa.suite.prf(), sa.skD, shared, ni, nr,
                suite.encryptionKeyMaterialLength(), suite.integrityKeyLength());
        ChildSa child = install(sa, config, old != null ? old.reqid : sa.engine.newReqid(), inbound, outbound, suite,
                local, remote, keys, false, old != null, now);
        if (old != null) {
            if (old.state == ChildSa.State.REKEYING) {
                // Our own rekey of the same SA is in flight: remember theirs for the §2.8.1 decision.
                old.peerReplacement = child;
                old.peerReplacementLowestNonce = minNonce(ni, nr);
            } else {
                old.state = ChildSa.State.REKEYED; // the peer deletes it once its side is done
            }
            sa.engine.event(IkeEvent.Kind.CHILD_SA_REKEYED, sa, "peer rekeyed " + old.describe() + " -> "
                    + child.describe());
        }
        List<Payload> out = new ArrayList<>();
        out.add(new SecurityAssociationPayload(List.of(new Proposal(chosen.number(), PROTOCOL_ESP, spiBytes(inbound),
                chosen.transforms()))));
        if (!inIkeAuth) {
            out.add(new NoncePayload(nr));
            if (dh != null) {
                out.add(new KeyExchangePayload(dh.group().id(), dh.publicValue()));
                dh.destroy();
            }
        }
        out.add(new TrafficSelectorPayload(true, entries(remote)));
        out.add(new TrafficSelectorPayload(false, entries(local)));
        if (config.mode() == IpsecMode.TRANSPORT) {
            out.add(Notifies.status(NotifyType.USE_TRANSPORT_MODE));
        }
        return out;
    }

    // ---- shared ------------------------------------------------------------------------------------------

    /** Hands the pair to the data plane; keys in the order §2.17 gives: initiator→responder first. */
    private static ChildSa install(IkeSa sa, ChildConnection config, int reqid, int inbound, int outbound,
                                   EspSuite suite, List<SelectorRange> local, List<SelectorRange> remote,
                                   ChildKeyMaterial keys, boolean weInitiatedExchange, boolean rekey, long now) {
        byte[] outEnc = weInitiatedExchange ? keys.initiatorEncryption() : keys.responderEncryption();
        byte[] outInt = weInitiatedExchange ? keys.initiatorIntegrity() : keys.responderIntegrity();
        byte[] inEnc = weInitiatedExchange ? keys.responderEncryption() : keys.initiatorEncryption();
        byte[] inInt = weInitiatedExchange ? keys.responderIntegrity() : keys.initiatorIntegrity();
        boolean encap = sa.encapsulateEsp();
        ChildSaInstallation pair = new ChildSaInstallation(config.name(), reqid, config.mode(), suite.transform(),
                inbound, outbound, inEnc, inInt, outEnc, outInt, suite.extendedSequenceNumbers(), sa.local.address(),
                sa.remote.address(), sa.udpEncapsulation(), sa.natLocal, config.replayWindow(),
                SelectorRange.policies(local, remote), config.dontFragment(), config.prefragment());
        // The responder of a rekey keeps sending on the old SA until the initiator deletes it: until then it
        // cannot know its response arrived (RFC 7296 §2.8), and the kernel switches on that removal.
        sa.engine.observeChildKeys(sa, pair); // before the data plane: a dump sees the SA's first packet
        sa.pathMtu.childInstalling(reqid); // its first SYN already gets the search base
        sa.engine.kernel().install(pair, weInitiatedExchange || !rekey);
        ChildSa child = new ChildSa(config, reqid, inbound, outbound, suite, local, remote, encap);
        child.installedAt = now;
        child.rekeyAt = sa.engine.jitteredDeadline(now, config.rekeyTime(), config.randTime());
        child.expireAt = config.lifeTime().isZero() ? Long.MAX_VALUE : now + config.lifeTime().toNanos();
        sa.children.add(child);
        sa.engine.holdChild(sa, config);
        sa.pathMtu.childInstalled(reqid);
        sa.engine.event(IkeEvent.Kind.CHILD_SA_INSTALLED, sa, child.describe());
        return child;
    }

    /** Our side's selectors; empty config means dynamic: the virtual IP we got, or our IKE address. */
    static List<SelectorRange> localSelectors(IkeSa sa, ChildConnection c) {
        if (!c.localSelectors().isEmpty()) {
            return c.localSelectors();
        }
        if (sa.virtualIp != null) {
            return List.of(SelectorRange.host(sa.virtualIp));
        }
        if (sa.config.requestVirtualIp()) {
            return List.of(SelectorRange.of(AddressRange.any(IpFamily.IPV4))); // narrowed to the VIP by the peer
        }
        return List.of(SelectorRange.host(sa.local.address()));
    }

    /**
     * The peer's selectors; dynamic means the virtual IP we assigned it, or its IKE address — and, behind a
     * NAT, the private address it proposes for itself (a NAT hides it from us).
     */
    static List<SelectorRange> remoteSelectors(IkeSa sa, ChildConnection c, List<SelectorRange> proposed) {
        if (!c.remoteSelectors().isEmpty()) {
            return c.remoteSelectors();
        }
        if (sa.assignedVirtualIp != null) {
            return List.of(SelectorRange.host(sa.assignedVirtualIp));
        }
        List<SelectorRange> r = new ArrayList<>();
        r.add(SelectorRange.host(sa.remote.address()));
        if (sa.natRemote && proposed != null && !proposed.isEmpty()
                && proposed.get(0).addresses().first().equals(proposed.get(0).addresses().last())) {
            r.add(SelectorRange.of(proposed.get(0).addresses()));
        }
        return r;
    }

    static DhGroup pfsGroup(List<Proposal> proposals) {
        for (Proposal p : proposals) {
            for (Transform t : p.transforms()) {
                if (t.type() == IkeSuite.DH && t.id() != 0) {
                    return DhGroup.fromIke(t.id());
                }
            }
            return null; // the first proposal decides
        }
        return null;
    }

    private static List<Proposal> stripDh(List<Proposal> proposals) {
        List<Proposal> out = new ArrayList<>();
        for (Proposal p : proposals) {
            List<Transform> ts = new ArrayList<>();
            for (Transform t : p.transforms()) {
                if (t.type() != IkeSuite.DH) {
                    ts.add(t);
                }
            }
            out.add(new Proposal(p.number(), p.protocolId(), p.spi(), ts));
        }
        return out;
    }

    private static TrafficSelectorPayload selectors(List<Payload> payloads, boolean initiator) {
        for (Payload p : payloads) {
            if (p instanceof TrafficSelectorPayload t && t.initiator() == initiator) {
                return t;
            }
        }
        return null;
    }

    private static List<SelectorRange> ranges(TrafficSelectorPayload p) {
        List<SelectorRange> out = new ArrayList<>();
        for (TrafficSelectorEntry e : p.selectors()) {
            if (e.tsType() == SelectorRange.TS_IPV4_ADDR_RANGE || e.tsType() == SelectorRange.TS_IPV6_ADDR_RANGE) {
                out.add(SelectorRange.fromEntry(e));
            }
        }
        return out;
    }

    private static List<TrafficSelectorEntry> entries(List<SelectorRange> ranges) {
        List<TrafficSelectorEntry> out = new ArrayList<>();
        for (SelectorRange r : ranges) {
            out.add(r.toEntry());
        }
        return out;
    }

    private static boolean within(List<SelectorRange> got, List<SelectorRange> proposed) {
        for (SelectorRange g : got) {
            boolean ok = false;
            for (SelectorRange p : proposed) {
                ok |= p.covers(g);
            }
            if (!ok) {
                return false;
            }
        }
        return !got.isEmpty();
    }

    static byte[] minNonce(byte[] a, byte[] b) {
        return Arrays.compareUnsigned(a, b) <= 0 ? a : b;
    }

    static byte[] spiBytes(int spi) {
        return ByteBuffer.allocate(4).putInt(spi).array();
    }
}
