package org.ipsec4j.ike.sa;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import org.ipsec4j.esp.sad.UdpEncapsulation;
import org.ipsec4j.esp.selector.IpAddress;
import org.ipsec4j.esp.selector.IpFamily;
import org.ipsec4j.ike.auth.Identity;
import org.ipsec4j.ike.crypto.IkeKeyMaterial;
import org.ipsec4j.ike.crypto.IntegrityCheckFailedException;
import org.ipsec4j.ike.crypto.SkCipher;
import org.ipsec4j.ike.message.ExchangeType;
import org.ipsec4j.ike.message.IkeHeader;
import org.ipsec4j.ike.message.IkeMessage;
import org.ipsec4j.ike.message.MalformedMessageException;
import org.ipsec4j.ike.message.NotifyPayload;
import org.ipsec4j.ike.message.NotifyType;
import org.ipsec4j.ike.message.Payload;

/**
 * One IKE SA: its keys, message IDs, the exchange in flight and the queue of tasks waiting for it
 * (strongSwan's task manager, with the window of one RFC 7296 §2.3 allows without SET_WINDOW_SIZE), the
 * cached last response for retransmitted requests, and its Child SAs. Sans-IO: the engine feeds it messages
 * and time, it hands datagrams to {@link IkeEngine#send}.
 */
final class IkeSa {

    enum State { CONNECTING, ESTABLISHED, REKEYED, DELETING, DEAD }

    final IkeEngine engine;
    final IkeConnection config;
    /** Whether we are the original initiator of this IKE SA (the I flag of our messages). */
    final boolean initiator;
    long spiI;
    long spiR;
    State state = State.CONNECTING;
    Endpoint local;
    Endpoint remote;

    IkeSuite suite;
    byte[] skD;
    byte[] skPi;
    byte[] skPr;
    MessageProtection protection;
    byte[] nonceI;
    byte[] nonceR;
    /** The IKE_SA_INIT request and response as sent, signed in IKE_AUTH (§2.15). */
    byte[] initRequest;
    byte[] initResponse;

    boolean natLocal;
    boolean natRemote;
    boolean fragmentation;
    boolean peerSignatureHashes;
    byte[] peerCertificateRequest;
    Identity peerId;
    IpAddress virtualIp;
    IpAddress assignedVirtualIp;
    String poolLeaseOwner;

    private int nextRequestId;
    private int peerNextRequestId;
    private Task active;
    private List<byte[]> activeDatagrams;
    private int retransmits;
    private long retransmitAt = Long.MAX_VALUE;
    private final Deque<Task> queue = new ArrayDeque<>();
    private int cachedResponseId = -1;
    private List<byte[]> cachedResponse;

    final List<ChildSa> children = new ArrayList<>();
    long establishedAt;
    long createdAt;
    long lastInboundAt;
    long rekeyAt = Long.MAX_VALUE;
    long dpdAt = Long.MAX_VALUE;
    /** Our nonce while our own IKE rekey is in flight; the peer's simultaneous rekey result (§2.8.2). */
    byte[] rekeyNonce;
    IkeSa peerRekey;
    byte[] peerRekeyLowestNonce;
    /**
     * A replaced SA waiting for the peer's Delete, or the peer's redundant SA of a rekey collision waiting for
     * the peer to delete it: if that never comes (the peer gave up, or never completed its side), we forget
     * the SA silently at this time.
     */
    long forgetAt = Long.MAX_VALUE;
    /** For a responder: the initiator's SPI and address its IKE_SA_INIT came with (the engine's key). */
    String initRequestKey;

    /** ESP in UDP whatever NAT detection finds: {@code encap = yes}, or learnt from an ESP path failure. */
    boolean forceEncapsulation;
    /** Whether IKE_AUTH says INITIAL_CONTACT: not when this SA is to replace a live one of ours. */
    boolean initialContact = true;
    /** The IKE SA built to take over from this one (ESP path repair), or null. */
    IkeSa replacedBy;
    /** The IKE SA this one is built to take over from, or null. */
    IkeSa replacing;
    final PathMtuDiscovery pathMtu = new PathMtuDiscovery(this);
    final EspPathMonitor espPath = new EspPathMonitor(this);
    /**
     * Round trip of the last exchange answered at the first try (a path MTU probe too, unless its stand-in took
     * over: then the answer may be to either), nanoseconds; -1 before one.
     */
    long roundTrip = -1;
    private long requestSentAt;
    private IkeHeader activeHeader;
    private List<Payload> activePayloads;
    private boolean activeDontFragment;
    /** A path MTU probe's first, full-size transmission (resent beside its small stand-in), or null. */
    private List<byte[]> probeOriginal;

    IkeSa(IkeEngine engine, IkeConnection config, boolean initiator, long spiI, long spiR, Endpoint local,
          Endpoint remote, long now) {
        this.engine = engine;
        this.config = config;
        this.initiator = initiator;
        this.spiI = spiI;
        this.spiR = spiR;
        this.local = local;
        this.remote = remote;
        this.createdAt = now;
        this.lastInboundAt = now;
        this.forceEncapsulation = config.forceEncapsulation();
    }

    long ourSpi() {
        return initiator ? spiI : spiR;
    }

    String name() {
        return config.name() + "[" + Long.toHexString(spiI) + "_" + Long.toHexString(spiR) + "]";
    }

    // ---- keys ----------------------------------------------------------------------------------------------

    /** Installs the keys of a new or rekeyed IKE SA (§2.14 / §2.18). */
    void installKeys(IkeSuite s, IkeKeyMaterial keys) {
        engine.observeIkeKeys(this, s, keys);
        suite = s;
        skD = keys.skD();
        skPi = keys.skPi();
        skPr = keys.skPr();
        SkCipher fromInitiator = SkCipher.create(s.encryption(), s.keyBits(), s.integrity(), keys.skEi(), keys.skAi());
        SkCipher fromResponder = SkCipher.create(s.encryption(), s.keyBits(), s.integrity(), keys.skEr(), keys.skAr());
        protection = initiator ? new MessageProtection(fromInitiator, fromResponder)
                : new MessageProtection(fromResponder, fromInitiator);
    }

    /** After IKE_SA_INIT: move to port 4500 if a NAT is in the way or encapsulation is forced (§2.23). */
    void floatToNatTraversalPort() {
        if ((natLocal || natRemote || forceEncapsulation) && local.port() == 500) {
            local = local.withPort(UdpEncapsulation.NAT_T_PORT);
            if (remote.port() == 500) {
                remote = remote.withPort(UdpEncapsulation.NAT_T_PORT);
            }
        }
    }

    boolean encapsulateEsp() {
        return natLocal || natRemote || forceEncapsulation;
    }

    UdpEncapsulation udpEncapsulation() {
        return encapsulateEsp() ? new UdpEncapsulation(local.port(), remote.port()) : null;
    }

    /** The largest IKE message one datagram may carry on this path (RFC 7383 §2.5.1). */
    int maxMessageLength() {
        boolean v6 = remote.address().family() == IpFamily.IPV6;
        int ip = v6 ? config.fragmentSizeIpv6() - 40 : config.fragmentSizeIpv4() - 20;
        return ip - 8 - (local.port() != 500 ? 4 : 0);
    }

    // ---- tasks and requests --------------------------------------------------------------------------------

    void queue(Task t, long now) {
        queue.add(t);
        kick(now);
    }

    boolean hasQueued(Class<? extends Task> type) {
        if (type.isInstance(active)) {
            return true;
        }
        for (Task t : queue) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    boolean busy() {
        return active != null;
    }

    /** The exchange we have in flight, or null. */
    Task activeTask() {
        return active;
    }

    /**
     * This SA was rekeyed (§2.18): its Child SAs, the exchanges queued for them and the pool lease move to the
     * successor; this SA only waits for its Delete now.
     */
    void handOver(IkeSa successor, long now) {
        successor.children.addAll(children);
        children.clear();
        successor.poolLeaseOwner = poolLeaseOwner;
        poolLeaseOwner = null;
        List<Task> moved = new ArrayList<>();
        for (java.util.Iterator<Task> it = queue.iterator(); it.hasNext(); ) {
            Task t = it.next();
            if (t instanceof ChildCreateTask || t instanceof ChildDeleteTask) {
                it.remove();
                moved.add(t);
            }
        }
        state = State.REKEYED;
        forgetUnlessDeletedBy(now);
        for (Task t : moved) {
            successor.queue(t, now);
        }
    }

    /** The peer is to delete this SA; if it has not after all its retransmissions would take, we forget it. */
    void forgetUnlessDeletedBy(long now) {
        forgetAt = now + engine.settings().retransmitGiveUpNanos();
    }

    /** Starts the next queued task if no request is outstanding (window of one). */
    void kick(long now) {
        while (active == null && !queue.isEmpty() && state != State.DEAD) {
            Task t = queue.poll();
            if (state != State.ESTABLISHED && !(t instanceof IkeSaInitTask) && !(t instanceof IkeAuthTask)
                    && !(t instanceof IkeDeleteTask)) {
                if (state == State.CONNECTING) {
                    queue.addFirst(t);
                    return; // waits for the IKE SA
                }
                continue; // the SA is going away; drop it
            }
            List<Payload> payloads;
            try {
                payloads = t.buildRequest(this, now);
            } catch (IkeFailure f) {
                fail(f, now);
                return;
            }
            if (payloads == null) {
                continue; // nothing to do any more
            }
            active = t;
            sendRequest(t.exchange(), payloads, now);
        }
    }

    private void sendRequest(ExchangeType exchange, List<Payload> payloads, long now) {
        int id = exchange == ExchangeType.IKE_SA_INIT ? 0 : nextRequestId;
        IkeHeader h = new IkeHeader(spiI, spiR, 0, 2, 0, exchange.value(), initiator, false, false, id, 0);
        activeHeader = h;
        activePayloads = payloads;
        activeDontFragment = false;
        probeOriginal = null;
        retransmits = 0;
        if (exchange == ExchangeType.IKE_SA_INIT) {
            byte[] m = org.ipsec4j.ike.message.MessageCodec.encode(h, payloads);
            initRequest = m;
            activeDatagrams = List.of(m);
        } else if (active instanceof PathProbeTask probe && probe.sizesThePath()) {
            // One IP packet of exactly the probed size, DF set; a short wait, then the same message in fragments.
            activeDatagrams = protection.seal(h, payloads, false, Integer.MAX_VALUE);
            probeOriginal = activeDatagrams;
            activeDontFragment = true;
        } else {
            activeDatagrams = protection.seal(h, payloads, fragmentation, maxMessageLength());
        }
        engine.observeMessage(config, true, local, remote, h, payloads);
        long sent = engine.sendTime(now); // timed from here: building it may have taken a while
        retransmitAt = sent + (probeOriginal != null ? probeTimeout() : engine.settings().retransmitDelayNanos(0));
        requestSentAt = sent;
        transmit(activeDatagrams);
        activeDontFragment = false;
    }

    /** How long an unfragmented probe may go unanswered: a few round trips, 0.5 to 3 s (1 s before we know). */
    long probeTimeout() {
        long rtt = roundTrip < 0 ? 250_000_000L : roundTrip;
        return Math.clamp(4 * rtt, 500_000_000L, 3_000_000_000L);
    }

    /** Puts a task at the head of the queue: a retried IKE_SA_INIT, or IKE_AUTH right after it. */
    void queueFirst(Task t) {
        queue.addFirst(t);
    }

    private void transmit(List<byte[]> datagrams) {
        for (byte[] d : datagrams) {
            engine.send(config, new IkeDatagram(local, remote, d, activeDontFragment));
        }
    }

    // ---- receiving -----------------------------------------------------------------------------------------

    /** A message for this SA (its SPIs matched). */
    void receive(IkeMessage message, byte[] datagram, int length, Endpoint from, Endpoint to, long now) {
        IkeHeader h = message.header();
        ExchangeType exchange = h.exchange();
        if (exchange == null) {
            engine.dropped(this, "unknown exchange type " + h.exchangeType());
            return;
        }
        if (h.response()) {
            receiveResponse(message, datagram, length, from, now);
        } else {
            receiveRequest(message, datagram, length, from, to, now);
        }
    }

    private void receiveResponse(IkeMessage message, byte[] datagram, int length, Endpoint from, long now) {
        IkeHeader h = message.header();
        if (active == null || h.exchangeType() != active.exchange().value()
                || h.messageId() != (active.exchange() == ExchangeType.IKE_SA_INIT ? 0 : nextRequestId)) {
            engine.dropped(this, "unexpected response, message ID " + h.messageId());
            return;
        }
        List<Payload> payloads;
        if (active.exchange() == ExchangeType.IKE_SA_INIT) {
            payloads = message.payloads();
            initResponse = java.util.Arrays.copyOf(datagram, length);
        } else {
            payloads = open(message, datagram, length);
            if (payloads == null) {
                return;
            }
        }
        engine.observeMessage(config, false, local, from, h, inClear(message, payloads));
        authenticated(from, now);
        // Karn's rule: only an answer that can be to nothing but the first transmission times the path. A probe's
        // answer does (the responder's first requests are probes; without them it would time every lost probe
        // as if the round trip were unknown).
        if (retransmits == 0 && !(active instanceof PathProbeTask probe && probe.standingIn())) {
            roundTrip = now - requestSentAt;
        }
        Task t = active;
        active = null;
        activeDatagrams = null;
        activeHeader = null;
        activePayloads = null;
        retransmitAt = Long.MAX_VALUE;
        if (t.exchange() != ExchangeType.IKE_SA_INIT) {
            nextRequestId++;
        }
        try {
            t.processResponse(this, message, payloads, now);
        } catch (IkeFailure f) {
            fail(f, now);
            return;
        }
        kick(now);
    }

    private void receiveRequest(IkeMessage message, byte[] datagram, int length, Endpoint from, Endpoint to, long now) {
        IkeHeader h = message.header();
        if (h.exchange() == ExchangeType.IKE_SA_INIT) {
            // A retransmitted IKE_SA_INIT request: the engine resends our cached response.
            if (cachedResponseId == 0 && cachedResponse != null) {
                transmit(cachedResponse);
            }
            return;
        }
        if (h.messageId() == peerNextRequestId - 1 && cachedResponseId == h.messageId() && cachedResponse != null) {
            // §2.1: a retransmission; answer again without processing it twice. Only whole messages or the
            // first fragment trigger a resend (RFC 7383 §2.6.1).
            if (!(message.payloads().getLast() instanceof org.ipsec4j.ike.message.EncryptedFragmentPayload f)
                    || f.fragmentNumber() == 1) {
                transmit(cachedResponse);
            }
            return;
        }
        if (h.messageId() != peerNextRequestId) {
            engine.dropped(this, "request with message ID " + h.messageId() + ", expected " + peerNextRequestId);
            return;
        }
        List<Payload> payloads = open(message, datagram, length);
        if (payloads == null) {
            return;
        }
        engine.observeMessage(config, false, to, from, h, inClear(message, payloads));
        if (state == State.CONNECTING) {
            // §2.23: the initiator moved to port 4500 for IKE_AUTH; answer where it now talks from.
            local = to;
            remote = from;
        }
        authenticated(from, now);
        Responder.Answer answer;
        try {
            answer = Responder.handle(this, h.exchange(), message, payloads, now);
        } catch (IkeFailure f) {
            answer = new Responder.Answer(f.notifyPayload() != null ? List.of(f.notifyPayload()) : List.of(), true);
            engine.event(f.authentication() ? IkeEvent.Kind.AUTHENTICATION_FAILED : IkeEvent.Kind.IKE_SA_FAILED, this,
                    f.getMessage());
        }
        IkeHeader rh = new IkeHeader(spiI, spiR, 0, 2, 0, h.exchangeType(), initiator, true, false, h.messageId(), 0);
        cachedResponse = protection.seal(rh, answer.payloads(), fragmentation, maxMessageLength());
        engine.observeMessage(config, true, local, remote, rh, answer.payloads());
        cachedResponseId = h.messageId();
        peerNextRequestId++;
        transmit(cachedResponse);
        if (answer.destroy()) {
            destroy(now, false);
            engine.bury(this, h.messageId(), cachedResponse, now);
        } else {
            kick(now);
        }
    }

    /**
     * Remembers the IKE_SA_INIT response so retransmitted requests get it again. The peer's next request is
     * IKE_AUTH (1); our own first request will be 0: each direction counts for itself (§2.2).
     */
    void cacheInitResponse(byte[] response) {
        cachedResponseId = 0;
        cachedResponse = List.of(response);
        peerNextRequestId = 1;
        nextRequestId = 0; // §2.2: each side counts its own requests; the responder's first is 0
    }

    /** §2.18: a rekeyed IKE SA counts message IDs from zero in both directions. */
    void resetMessageIds() {
        nextRequestId = 0;
        peerNextRequestId = 0;
        cachedResponseId = -1;
        cachedResponse = null;
    }

    void initCompletedAsInitiator() {
        nextRequestId = 1;
        peerNextRequestId = 0;
    }

    /** A received message's payloads in the clear: those before its SK (or SKF) payload, then the ones inside. */
    private static List<Payload> inClear(IkeMessage message, List<Payload> inner) {
        if (message.encrypted() == null) {
            return inner;
        }
        List<Payload> all = new ArrayList<>(message.payloads().subList(0, message.payloads().size() - 1));
        all.addAll(inner);
        return all;
    }

    private List<Payload> open(IkeMessage message, byte[] datagram, int length) {
        if (protection == null) {
            engine.dropped(this, "encrypted message before keys");
            return null;
        }
        try {
            MessageProtection.Opened o = protection.open(datagram, length, message);
            return o.payloads();
        } catch (IntegrityCheckFailedException e) {
            engine.dropped(this, "integrity check failed (" + e.getMessage() + ")");
            return null;
        } catch (MalformedMessageException e) {
            engine.dropped(this, "malformed encrypted content: " + e.getMessage());
            return null;
        }
    }

    /** An authenticated message arrived: liveness, and §2.23 NAT mapping updates. */
    private void authenticated(Endpoint from, long now) {
        lastInboundAt = now;
        scheduleDpd(now);
        if (!from.equals(remote) && state == State.ESTABLISHED && natRemote) {
            movePeer(from, "IKE");
        }
    }

    /**
     * ESP of one of our Child SAs came from {@code from} instead of the peer's address and port, its ICV verified
     * and its sequence number new, so neither a forgery nor a replay. §2.23: a host that is not behind a NAT
     * should send everything to where the validated packet came from; one behind a NAT should not (a single
     * packet could then break the SA). As strongSwan does, a responder behind a NAT still follows: its NAT is
     * taken for a static one that forwards to it, while its peer's is the one that rebinds. ESP and IKE share
     * the NAT-traversal port and so the mapping: the IKE SA moves too, and its next request goes there.
     */
    void espFrom(Endpoint from, long now) {
        if (state != State.ESTABLISHED || from.equals(remote) || !natRemote || natLocal && initiator
                || from.address().family() != remote.address().family()) {
            return;
        }
        movePeer(from, "ESP");
    }

    private void movePeer(Endpoint to, String seenIn) {
        Endpoint old = remote;
        remote = to;
        for (ChildSa c : children) {
            engine.kernel().updateAddresses(c.reqid, local.address(), remote.address(), udpEncapsulation());
        }
        engine.event(IkeEvent.Kind.PEER_ADDRESS_CHANGED, this, old + " -> " + remote + " (" + seenIn + ")");
    }

    // ---- timers --------------------------------------------------------------------------------------------

    void scheduleDpd(long now) {
        long d = config.dpdDelay().toNanos();
        dpdAt = d > 0 && state == State.ESTABLISHED ? now + d : Long.MAX_VALUE;
    }

    void scheduleRekey(long now) {
        rekeyAt = engine.jitteredDeadline(now, config.rekeyTime(), config.randTime());
    }

    /** The next time {@link #onTimer} has something to do; only timers it acts on in the current state count. */
    long nextDeadline() {
        long d = Math.min(retransmitAt, forgetAt);
        if (state == State.CONNECTING && !initiator) {
            d = Math.min(d, createdAt + engine.settings().halfOpenTimeout().toNanos());
        }
        if (state == State.ESTABLISHED) {
            d = Math.min(d, Math.min(rekeyAt, dpdAt));
            d = Math.min(d, espPath.nextDeadline());
            if (!busy() && queue.isEmpty() && replacedBy == null) {
                d = Math.min(d, pathMtu.nextProbeAt()); // probes go only when nothing else waits
            }
            for (ChildSa c : children) {
                if (c.state == ChildSa.State.INSTALLED) {
                    d = Math.min(d, c.rekeyAt);
                }
                d = Math.min(d, c.expireAt);
            }
        }
        return d;
    }

    void onTimer(long now) {
        if (state == State.DEAD) {
            return;
        }
        if (now >= retransmitAt && active instanceof PathProbeTask probe && probe.sizesThePath()
                && !probe.standingIn()) {
            // The probe got no answer in time: its size did not pass. Its stand-in carries the same request without
            // the padding (its private notify shortened, which the peer ignores either way), small enough for any
            // path: an answer says the peer is there, and costs neither the exchange nor the IKE SA. (Re-sending
            // the probe in IKE fragments, as RFC 7383 §2.5.2 would allow, does not work with strongSwan 5.9,
            // which takes an INFORMATIONAL whose first payload is SKF for an unencrypted one and drops it.)
            probe.firstTransmissionLost();
            activeDatagrams = protection.seal(activeHeader, probe.standIn(), fragmentation, maxMessageLength());
            retransmitAt = now + engine.settings().retransmitDelayNanos(0);
            transmit(activeDatagrams);
        }
        if (now >= retransmitAt && probeOriginal != null && retransmits > 0) {
            // Should the probe itself have arrived and only its answer been lost, a peer that checks that a
            // retransmission is bitwise the request it answered (newer strongSwan) ignores the stand-in: send the
            // probe too, unchanged, from the second retransmission on.
            activeDontFragment = true;
            transmit(probeOriginal);
            activeDontFragment = false;
        }
        if (now >= retransmitAt) {
            if (retransmits >= engine.settings().retransmitTries()) {
                String what = active == null ? "request" : active.exchange().name();
                engine.event(IkeEvent.Kind.PEER_DEAD, this, "no answer to " + what + " after " + retransmits
                        + " retransmissions");
                peerDead(now);
                return;
            }
            retransmits++;
            retransmitAt = now + engine.settings().retransmitDelayNanos(retransmits);
            transmit(activeDatagrams);
        }
        if (now >= forgetAt) {
            forgetAt = Long.MAX_VALUE;
            if (children.isEmpty()) {
                destroy(now, false);
                return;
            }
        }
        if (state == State.CONNECTING && !initiator && now >= createdAt + engine.settings().halfOpenTimeout().toNanos()) {
            engine.event(IkeEvent.Kind.IKE_SA_FAILED, this, "half-open IKE SA timed out");
            destroy(now, false);
            return;
        }
        if (state != State.ESTABLISHED) {
            return;
        }
        if (now >= rekeyAt) {
            rekeyAt = Long.MAX_VALUE;
            queue(new IkeRekeyTask(), now);
        }
        if (now >= dpdAt) {
            dpdAt = Long.MAX_VALUE;
            if (!busy() && !engine.childTrafficSinceLastCheck(this)) {
                queue(new LivenessTask(), now);
            } else {
                scheduleDpd(now);
            }
        }
        espPath.onTimer(now);
        if (now >= pathMtu.nextProbeAt() && !busy() && queue.isEmpty() && replacedBy == null
                && state == State.ESTABLISHED) {
            int size = pathMtu.nextSize();
            pathMtu.probeQueued();
            if (size > 0) {
                queue(new PathProbeTask(PathProbeTask.Purpose.PATH_MTU, size), now);
            } else {
                pathMtu.result(0, true, now); // nothing left to narrow: the search is over
            }
        }
        for (ChildSa c : List.copyOf(children)) {
            if (now >= c.expireAt) {
                // Hard lifetime: the pair stops carrying traffic now, and the peer hears of it (§1.4.1) so that it
                // does not keep sending into it.
                c.expireAt = Long.MAX_VALUE;
                c.state = ChildSa.State.DELETING;
                c.removeFromKernel(engine.kernel());
                engine.event(IkeEvent.Kind.CHILD_SA_FAILED, this, c.name() + " reached its hard lifetime unrekeyed");
                queue(new ChildDeleteTask(c), now);
            } else if (now >= c.rekeyAt && c.state == ChildSa.State.INSTALLED) {
                c.rekeyAt = Long.MAX_VALUE;
                queue(ChildCreateTask.rekey(c), now);
            }
        }
    }

    /** The established IKE SA starts watching its path: path MTU probes and ESP path checks. */
    void startPathWatch(long now) {
        pathMtu.start(now);
        espPath.start(now);
    }

    /** The peer answered an ESP path check ({@link EspPathMonitor}). */
    void espPathChecked(boolean fullSizeLost, int size, long now) {
        espPath.checked(fullSizeLost, size, now);
    }

    /** Retransmissions exhausted: the peer is gone. Children and SA go without a message (§2.4). */
    void peerDead(long now) {
        List<ChildConnection.DpdAction> actions = new ArrayList<>();
        for (ChildSa c : children) {
            actions.add(c.config.dpdAction());
        }
        destroy(now, false);
        if (actions.contains(ChildConnection.DpdAction.RESTART) && initiator) {
            engine.restart(config, now);
        }
    }

    void fail(IkeFailure f, long now) {
        engine.event(f.authentication() ? IkeEvent.Kind.AUTHENTICATION_FAILED : IkeEvent.Kind.IKE_SA_FAILED, this,
                f.getMessage());
        if (f.notifyPeer() && protection != null && state != State.DEAD) {
            // Tell the peer in an INFORMATIONAL it need not answer before we forget the SA (§2.21.2).
            IkeHeader h = new IkeHeader(spiI, spiR, 0, 2, 0, ExchangeType.INFORMATIONAL.value(), initiator, false,
                    false, nextRequestId, 0);
            List<Payload> p = f.notifyPayload() != null ? List.of(f.notifyPayload())
                    : List.of(new NotifyPayload(0, new byte[0], NotifyType.AUTHENTICATION_FAILED, new byte[0]));
            transmit(protection.seal(h, p, fragmentation, maxMessageLength()));
            engine.observeMessage(config, true, local, remote, h, p);
        }
        destroy(now, false);
    }

    /** Forgets the SA, its children and its keys. */
    void destroy(long now, boolean keepChildren) {
        if (state == State.DEAD) {
            return;
        }
        State was = state;
        state = State.DEAD;
        if (!keepChildren) {
            for (ChildSa c : children) {
                c.removeFromKernel(engine.kernel());
                engine.event(IkeEvent.Kind.CHILD_SA_DELETED, this, c.describe());
            }
            children.clear();
        }
        if (protection != null) {
            protection.destroy();
        }
        wipe(skD);
        wipe(skPi);
        wipe(skPr);
        if (poolLeaseOwner != null && config.pool() != null) {
            config.pool().release(poolLeaseOwner);
        }
        active = null;
        queue.clear();
        retransmitAt = Long.MAX_VALUE;
        if (replacing != null && replacing.replacedBy == this && was != State.ESTABLISHED) {
            replacing.replacedBy = null; // the repair failed; the old SA goes on (and may try again later)
        }
        engine.forget(this);
        if (was == State.ESTABLISHED || was == State.DELETING) {
            engine.event(IkeEvent.Kind.IKE_SA_DELETED, this, "");
        }
    }

    private static void wipe(byte[] b) {
        if (b != null) {
            java.util.Arrays.fill(b, (byte) 0);
        }
    }

    ChildSa childByInboundSpi(int spi) {
        for (ChildSa c : children) {
            if (c.inboundSpi == spi) {
                return c;
            }
        }
        return null;
    }

    ChildSa childByOutboundSpi(int spi) {
        for (ChildSa c : children) {
            if (c.outboundSpi == spi) {
                return c;
            }
        }
        return null;
    }

    IkeSaStatus status() {
        List<ChildSaStatus> cs = new ArrayList<>();
        for (ChildSa c : children) {
            cs.add(c.status(engine.kernel()));
        }
        return new IkeSaStatus(config.name(), state.name(), spiI, spiR, initiator, local, remote,
                config.local().id().toString(), peerId != null ? peerId.toString() : config.remote().id().toString(),
                suite != null ? suite.toString() : null, natLocal, natRemote, encapsulateEsp(), fragmentation,
                virtualIp != null ? virtualIp.toString() : assignedVirtualIp != null ? assignedVirtualIp.toString()
                        : null, cs, pathMtu.pathMtu(), pathMtu.describe(), forceEncapsulation);
    }
}
