package org.ipsec4j.ike.sa;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

import org.ipsec4j.esp.selector.IpAddress;
import org.ipsec4j.ike.crypto.IkeKeyMaterial;
import org.ipsec4j.ike.keys.EspSaSecrets;
import org.ipsec4j.ike.keys.IkeSaSecrets;
import org.ipsec4j.ike.message.ExchangeType;
import org.ipsec4j.ike.message.IkeHeader;
import org.ipsec4j.ike.message.IkeMessage;
import org.ipsec4j.ike.message.MalformedMessageException;
import org.ipsec4j.ike.message.MessageCodec;
import org.ipsec4j.ike.message.NoncePayload;
import org.ipsec4j.ike.message.NotifyPayload;
import org.ipsec4j.ike.message.NotifyType;
import org.ipsec4j.ike.message.Payload;

/**
 * The IKEv2 engine, sans-IO (as quinn-proto): datagrams and the time go in through {@link #receive} and
 * {@link #onTimer}, commands through {@link #initiate} and {@link #terminate}; datagrams to send come out of
 * {@link #drainOutgoing}, events through the listener, Child SAs through the {@link IpsecKernel}. It never
 * reads a clock except the wall clock for certificate validity, and never blocks. Not thread-safe: one event
 * loop drives it.
 */
public final class IkeEngine {

    private static final int COOKIE_SECRET_LENGTH = 32;

    private final IkeSettings settings;
    private final IpsecKernel kernel;
    private final SharedKeys sharedKeys;
    private final SecureRandom random;
    private final Clock wallClock;
    private final Consumer<IkeEvent> events;
    private final Map<String, IkeConnection> connections = new LinkedHashMap<>();
    /** Every IKE SA by the SPI we chose for it. */
    private final Map<Long, IkeSa> byOurSpi = new HashMap<>();
    /** Responder IKE SAs by the initiator's SPI and address, to recognise retransmitted IKE_SA_INIT requests. */
    private final Map<String, IkeSa> halfOpen = new HashMap<>();
    /**
     * Every IKE SA we answered an IKE_SA_INIT for, by the initiator's SPI and address, for as long as it lives:
     * a late copy of that request is a retransmission, not a new initiation (§2.1).
     */
    private final Map<String, IkeSa> byInitRequest = new HashMap<>();
    private final List<IkeDatagram> outgoing = new ArrayList<>();
    /**
     * IKE SAs deleted at the peer's request, by our SPI: their last response, for a retransmitted Delete whose
     * answer was lost (§2.1: a request is never processed twice, but always answered). Kept as long as the
     * peer would retransmit.
     */
    private final Map<Long, Tombstone> tombstones = new HashMap<>();
    private final byte[] cookieSecret = new byte[COOKIE_SECRET_LENGTH];
    private int nextReqid = 1;
    /** Set only while a tunnel dump runs. */
    private IkeObserver observer;
    private long droppedMessages;
    private long cookiesDemanded;
    /** The MTU of the link that holds a local address: the largest path MTU probe worth sending. */
    private java.util.function.ToIntFunction<org.ipsec4j.esp.selector.IpAddress> linkMtu = a -> 1500;
    private java.util.function.LongSupplier sendClock;
    /** Connections whose raw ESP was found blocked: their new IKE SAs force UDP encapsulation. */
    private final java.util.Set<String> encapsulationLearned = new java.util.HashSet<>();
    /** When each connection last got an ESP path repair (not more than one per {@link #REPAIR_INTERVAL}). */
    private final Map<String, Long> lastRepair = new HashMap<>();
    private static final long REPAIR_INTERVAL = 600_000_000_000L;

    public IkeEngine(IkeSettings settings, IpsecKernel kernel, SharedKeys sharedKeys, SecureRandom random,
                     Clock wallClock, Consumer<IkeEvent> events) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.kernel = Objects.requireNonNull(kernel, "kernel");
        this.sharedKeys = Objects.requireNonNull(sharedKeys, "sharedKeys");
        this.random = Objects.requireNonNull(random, "random");
        this.wallClock = Objects.requireNonNull(wallClock, "wallClock");
        this.events = Objects.requireNonNull(events, "events");
        random.nextBytes(cookieSecret);
    }

    // ---- configuration and commands ----------------------------------------------------------------------

    public void addConnection(IkeConnection c) {
        if (connections.putIfAbsent(c.name(), c) != null) {
            throw new IllegalArgumentException("connection " + c.name() + " exists");
        }
        holdStarted(c);
    }

    /** Replaces the configuration; IKE SAs of removed connections are deleted, and their holds released. */
    public void replaceConnections(List<IkeConnection> fresh, long now) {
        Map<String, IkeConnection> next = new LinkedHashMap<>();
        for (IkeConnection c : fresh) {
            next.put(c.name(), c);
        }
        for (IkeConnection old : List.copyOf(connections.values())) {
            IkeConnection replacement = next.get(old.name());
            if (replacement == null) {
                terminate(old.name(), now);
                releaseHolds(old, true);
            } else if (replacement != old) {
                encapsulationLearned.remove(old.name());
                for (ChildConnection child : old.children()) {
                    if (replacement.child(child.name()) == null) {
                        kernel.release(holdKey(old.name(), child.name()));
                    }
                }
            }
        }
        connections.clear();
        connections.putAll(next);
        for (IkeConnection c : next.values()) {
            holdStarted(c);
        }
    }

    // ---- fail closed: holds ------------------------------------------------------------------------------

    /** The name of a child's holds in the kernel: {@code connection/child}. */
    public static String holdKey(String connection, String child) {
        return connection + "/" + child;
    }

    /** The connection and child a hold belongs to. */
    public record HoldOwner(String connection, String child) {
    }

    /** start_action = start or trap: what the child protects is held from the moment it is configured. */
    private void holdStarted(IkeConnection c) {
        for (ChildConnection child : c.children()) {
            if (child.startAction() != ChildConnection.StartAction.NONE) {
                hold(c, child, null);
            }
        }
    }

    /** A Child SA of {@code config} is installed: its selectors stay held when it goes, whatever the reason. */
    void holdChild(IkeSa sa, ChildConnection config) {
        hold(sa.config, config, sa);
    }

    private void hold(IkeConnection c, ChildConnection child, IkeSa sa) {
        List<org.ipsec4j.esp.selector.TrafficSelector> selectors = holdSelectors(c, child, sa);
        if (!selectors.isEmpty()) {
            kernel.hold(holdKey(c.name(), child.name()), selectors);
        }
    }

    /**
     * The traffic a child is to protect, from its configuration: dynamic remote selectors are the peer's
     * address (or our pool, whose addresses only ever reach clients through the tunnel); dynamic local ones
     * hold whatever the source, since a virtual IP comes and goes with the tunnel. Nothing when the peer's side
     * cannot be known (a responder for any address without a pool).
     */
    private static List<org.ipsec4j.esp.selector.TrafficSelector> holdSelectors(IkeConnection c, ChildConnection child,
            IkeSa sa) {
        List<SelectorRange> remote = child.remoteSelectors();
        if (remote.isEmpty()) {
            if (c.pool() != null) {
                remote = List.of(SelectorRange.of(c.pool().range()));
            } else if (sa != null) {
                remote = List.of(SelectorRange.host(sa.assignedVirtualIp != null ? sa.assignedVirtualIp
                        : sa.remote.address()));
            } else if (c.remoteAddresses().size() == 1) {
                remote = List.of(SelectorRange.host(c.remoteAddresses().get(0)));
            } else {
                return List.of();
            }
        }
        List<SelectorRange> local = child.localSelectors();
        if (local.isEmpty()) {
            List<SelectorRange> any = new ArrayList<>();
            for (SelectorRange r : remote) {
                SelectorRange a = SelectorRange.of(org.ipsec4j.esp.selector.AddressRange.any(r.family()));
                if (!any.contains(a)) {
                    any.add(a);
                }
            }
            local = any;
        }
        return SelectorRange.policies(local, remote);
    }

    /** Releases a connection's holds: all of them, or those of children that do not trap. */
    private void releaseHolds(IkeConnection c, boolean traps) {
        for (ChildConnection child : c.children()) {
            if (traps || !traps(child)) {
                kernel.release(holdKey(c.name(), child.name()));
            }
        }
    }

    private static boolean traps(ChildConnection child) {
        return child.startAction() == ChildConnection.StartAction.TRAP
                || child.dpdAction() == ChildConnection.DpdAction.TRAP;
    }

    /**
     * A packet hit the hold {@code key} (dropped for want of an SA): whom to initiate, if the child traps
     * (start_action or dpd_action = trap) and no IKE SA of its connection is up or on its way with it; else
     * null. The caller initiates (and limits how often it asks).
     */
    public HoldOwner acquire(String key) {
        int slash = key.lastIndexOf('/');
        if (slash < 0) {
            return null;
        }
        IkeConnection c = connections.get(key.substring(0, slash));
        ChildConnection child = c == null ? null : c.child(key.substring(slash + 1));
        if (child == null || !traps(child) || c.remoteAddresses().isEmpty()) {
            return null;
        }
        for (IkeSa sa : byOurSpi.values()) {
            if (sa.config == c && (sa.state == IkeSa.State.CONNECTING || sa.state == IkeSa.State.ESTABLISHED
                    && (hasChild(sa, child) || sa.hasQueued(ChildCreateTask.class)))) {
                return null;
            }
        }
        return new HoldOwner(c.name(), child.name());
    }

    /** Whether new IKE SAs of the connection force UDP encapsulation, because its raw ESP was found blocked. */
    public boolean encapsulationLearned(String connection) {
        return encapsulationLearned.contains(connection);
    }

    /**
     * The clock that times a request from the moment it leaves rather than from the event that made it (the
     * {@code now} the engine was called with): building and signing a message (an RSA-3072 AUTH on a busy machine)
     * can take a good part of the first retransmission interval. The same clock as the callers' {@code now}; unset,
     * requests are timed from that {@code now}.
     */
    public void setSendClock(java.util.function.LongSupplier clock) {
        this.sendClock = Objects.requireNonNull(clock, "clock");
    }

    /** When a request made at {@code now} leaves: now, or later by the send clock. */
    long sendTime(long now) {
        return sendClock == null ? now : Math.max(now, sendClock.getAsLong());
    }

    /** The MTU of the link that holds a local address (the upper end of path MTU searches; 1500 if unset). */
    public void setLinkMtu(java.util.function.ToIntFunction<org.ipsec4j.esp.selector.IpAddress> linkMtu) {
        this.linkMtu = Objects.requireNonNull(linkMtu, "linkMtu");
    }

    int linkMtu(org.ipsec4j.esp.selector.IpAddress local) {
        int mtu = linkMtu.applyAsInt(local);
        return mtu > 0 ? mtu : 1500;
    }

    // ---- ESP path repair ---------------------------------------------------------------------------------

    /**
     * Raw ESP of {@code old}'s Child SAs gets no answer while IKE does: build a new IKE SA to the same peer whose
     * IKE_SA_INIT fakes NAT detection (as {@code encap = yes} does; RFC 7296 §2.23), so that both ends put ESP in
     * UDP, create the Child SAs again in it under their reqids (their policies switch to the new pairs when they
     * are installed), then delete {@code old}. No INITIAL_CONTACT: {@code old} is alive until then. The
     * connection's later IKE SAs force encapsulation too.
     */
    void repairWithEncapsulation(IkeSa old, long now) {
        if (old.replacedBy != null || old.state != IkeSa.State.ESTABLISHED) {
            return;
        }
        String name = old.config.name();
        Long last = lastRepair.get(name);
        if (last != null && now - last < REPAIR_INTERVAL) {
            return;
        }
        List<ChildSa> moving = new ArrayList<>();
        for (ChildSa c : old.children) {
            if (c.state == ChildSa.State.INSTALLED || c.state == ChildSa.State.REKEYING) {
                moving.add(c);
            }
        }
        if (moving.isEmpty()) {
            return;
        }
        lastRepair.put(name, now);
        encapsulationLearned.add(name);
        int localPort = old.config.localPort() == UdpEncapsulationPorts.NAT_T ? UdpEncapsulationPorts.NAT_T : 500;
        int remotePort = old.config.remoteAddresses().isEmpty() ? 500 : old.config.remotePort();
        IkeSa fresh = new IkeSa(this, old.config, true, newSpi(), 0, old.local.withPort(localPort),
                old.remote.withPort(remotePort), now);
        fresh.forceEncapsulation = true;
        fresh.initialContact = false;
        fresh.replacing = old;
        old.replacedBy = fresh;
        byOurSpi.put(fresh.spiI, fresh);
        event(IkeEvent.Kind.ESP_PATH_REPAIR, old, "a new IKE SA " + fresh.name() + " with UDP encapsulation "
                + "forced takes over " + moving.size() + " Child SA" + (moving.size() == 1 ? "" : "s")
                + ", then this one is deleted");
        fresh.queue(new IkeSaInitTask(), now);
        fresh.queue(new IkeAuthTask(ChildCreateTask.replacing(moving.get(0))), now);
        for (ChildSa c : moving.subList(1, moving.size())) {
            fresh.queue(ChildCreateTask.replacing(c), now);
        }
        fresh.queue(new RetireTask(old), now);
    }

    /** The ports of RFC 3948 (kept here to avoid a dependency on the data plane's class for one constant). */
    private static final class UdpEncapsulationPorts {
        static final int NAT_T = 4500;
    }

    public List<IkeConnection> connections() {
        return List.copyOf(connections.values());
    }

    /**
     * Brings up a connection: IKE_SA_INIT + IKE_AUTH with the named child (or the first), or, if an IKE SA of
     * this connection is up, a CREATE_CHILD_SA for the child.
     */
    public void initiate(String connection, String child, long now) {
        IkeConnection c = connections.get(connection);
        if (c == null) {
            throw new IllegalArgumentException("no connection named " + connection);
        }
        if (c.remoteAddresses().isEmpty() || c.localAddresses().isEmpty()) {
            throw new IllegalArgumentException(connection + ": to initiate, local_addrs and remote_addrs must name addresses");
        }
        ChildConnection first = child == null ? (c.children().isEmpty() ? null : c.children().get(0)) : c.child(child);
        if (child != null && first == null) {
            throw new IllegalArgumentException(connection + " has no child named " + child);
        }
        for (IkeSa sa : byOurSpi.values()) {
            if (sa.config == c && (sa.state == IkeSa.State.ESTABLISHED || sa.state == IkeSa.State.CONNECTING)) {
                if (first != null && !hasChild(sa, first)) {
                    sa.queue(ChildCreateTask.create(first), now);
                }
                return;
            }
        }
        Endpoint local = new Endpoint(c.localAddresses().get(0), c.localPort());
        Endpoint remote = new Endpoint(c.remoteAddresses().get(0), c.remotePort());
        if (first != null) {
            hold(c, first, null); // fail closed while negotiating
        }
        IkeSa sa = new IkeSa(this, c, true, newSpi(), 0, local, remote, now);
        sa.forceEncapsulation |= encapsulationLearned.contains(c.name());
        byOurSpi.put(sa.spiI, sa);
        sa.queue(new IkeSaInitTask(), now);
        sa.queue(new IkeAuthTask(first), now);
    }

    private static boolean hasChild(IkeSa sa, ChildConnection c) {
        for (ChildSa child : sa.children) {
            if (child.config == c) {
                return true;
            }
        }
        return false;
    }

    /**
     * Deletes every IKE SA of a connection with an INFORMATIONAL (the children go with them): the operator's
     * {@code down}. Its holds go too, except those of children that trap.
     */
    public void terminate(String connection, long now) {
        IkeConnection c = connections.get(connection);
        if (c != null) {
            releaseHolds(c, false);
        }
        for (IkeSa sa : List.copyOf(byOurSpi.values())) {
            if (sa.config.name().equals(connection)) {
                if (sa.state == IkeSa.State.ESTABLISHED) {
                    sa.queue(new IkeDeleteTask(false), now);
                } else {
                    sa.destroy(now, false);
                }
            }
        }
    }

    /**
     * Deletes the named Child SA of a connection with an INFORMATIONAL (RFC 7296 §1.4.1); the IKE SA stays up.
     */
    public void terminateChild(String connection, String child, long now) {
        boolean found = false;
        for (IkeSa sa : List.copyOf(byOurSpi.values())) {
            if (sa.config.name().equals(connection) && sa.state == IkeSa.State.ESTABLISHED) {
                for (ChildSa c : List.copyOf(sa.children)) {
                    if (c.name().equals(child) && c.state != ChildSa.State.DELETING) {
                        sa.queue(new ChildDeleteTask(c), now);
                        found = true;
                    }
                }
            }
        }
        IkeConnection c = connections.get(connection);
        ChildConnection cc = c == null ? null : c.child(child);
        if (cc != null && !traps(cc)) {
            kernel.release(holdKey(connection, child));
        }
        if (!found) {
            throw new IllegalArgumentException("no Child SA " + child + " of " + connection + " to delete");
        }
    }

    /** The established IKE SA of a connection, or null (for tests in this package). */
    IkeSa established(String connection) {
        for (IkeSa sa : byOurSpi.values()) {
            if (sa.config.name().equals(connection) && sa.state == IkeSa.State.ESTABLISHED) {
                return sa;
            }
        }
        return null;
    }

    /** Rekeys the IKE SA of a connection now. */
    public void rekeyIke(String connection, long now) {
        for (IkeSa sa : byOurSpi.values()) {
            if (sa.config.name().equals(connection) && sa.state == IkeSa.State.ESTABLISHED) {
                sa.queue(new IkeRekeyTask(), now);
                return;
            }
        }
        throw new IllegalArgumentException("no established IKE SA for " + connection);
    }

    /** Rekeys the named Child SA of a connection now. */
    public void rekeyChild(String connection, String child, long now) {
        for (IkeSa sa : byOurSpi.values()) {
            if (sa.config.name().equals(connection) && sa.state == IkeSa.State.ESTABLISHED) {
                for (ChildSa c : sa.children) {
                    if (c.name().equals(child) && c.state == ChildSa.State.INSTALLED) {
                        sa.queue(ChildCreateTask.rekey(c), now);
                        return;
                    }
                }
            }
        }
        throw new IllegalArgumentException("no installed Child SA " + child + " of " + connection);
    }

    /** Starts every connection with {@code start_action = start}. */
    public void startAll(long now) {
        for (IkeConnection c : connections.values()) {
            for (ChildConnection child : c.children()) {
                if (child.startAction() == ChildConnection.StartAction.START) {
                    initiate(c.name(), child.name(), now);
                }
            }
        }
    }

    /**
     * Hands the traffic and the new keys of the connections the observer asks for to it, from now on (null:
     * nobody watches any more). Set one only while it is needed: keys reach it.
     */
    public void observe(IkeObserver observer) {
        this.observer = observer;
    }

    public List<IkeSaStatus> status() {
        List<IkeSaStatus> out = new ArrayList<>();
        for (IkeSa sa : byOurSpi.values()) {
            out.add(sa.status());
        }
        return out;
    }

    public long droppedMessages() {
        return droppedMessages;
    }

    /** IKE_SA_INIT requests answered with a COOKIE because too many IKE SAs were half-open (§2.6). */
    public long cookiesDemanded() {
        return cookiesDemanded;
    }

    /** Responder IKE SAs waiting for IKE_AUTH; from {@link IkeSettings#cookieThreshold()} on, COOKIEs are demanded. */
    public int halfOpenSas() {
        return halfOpenCount();
    }

    // ---- I/O ---------------------------------------------------------------------------------------------

    /** An IKE message arrived (the non-ESP marker already removed). Never throws for any content. */
    public void receive(IkeDatagram datagram, long now) {
        byte[] data = datagram.data();
        IkeMessage message;
        try {
            message = MessageCodec.decode(data, 0, data.length);
        } catch (MalformedMessageException e) {
            droppedMessages++;
            event(IkeEvent.Kind.MESSAGE_DROPPED, "-", "malformed message from " + datagram.remote() + ": "
                    + e.getMessage());
            return;
        }
        IkeHeader h = message.header();
        Endpoint from = datagram.remote();
        Endpoint to = datagram.local();
        if (h.exchange() == ExchangeType.IKE_SA_INIT && !h.response() && h.responderSpi() == 0) {
            receiveInitRequest(message, data, from, to, now);
            return;
        }
        long ourSpi = h.initiator() ? h.responderSpi() : h.initiatorSpi();
        IkeSa sa = byOurSpi.get(ourSpi);
        if (sa == null && !h.response() && answerFromTombstone(ourSpi, h, datagram, now)) {
            return;
        }
        if (sa == null || (h.initiator() ? sa.spiI != h.initiatorSpi() : (sa.spiR != 0 && sa.spiR != h.responderSpi()))) {
            droppedMessages++;
            event(IkeEvent.Kind.MESSAGE_DROPPED, "-", "message for unknown IKE SA " + Long.toHexString(h.initiatorSpi())
                    + "_" + Long.toHexString(h.responderSpi()) + " from " + from);
            return;
        }
        if (h.initiator() == sa.initiator) {
            droppedMessages++; // our own role's flag: a reflected or forged message
            return;
        }
        observeReceived(sa.config, datagram, sa.local);
        sa.receive(message, data, data.length, from, to, now);
    }

    private void receiveInitRequest(IkeMessage message, byte[] data, Endpoint from, Endpoint to, long now) {
        IkeHeader h = message.header();
        IkeSa known = byInitRequest.get(halfOpenKey(h.initiatorSpi(), from));
        if (known != null) {
            observeReceived(known.config, new IkeDatagram(to, from, data), known.local);
            // A retransmission: the same answer while the SA is half-open, silence once IKE_AUTH went through.
            known.receive(message, data, data.length, from, to, now);
            return;
        }
        if (halfOpenCount() >= settings.cookieThreshold()) {
            byte[] expected = cookie(message.payloads(), h.initiatorSpi(), from);
            NotifyPayload c = Notifies.find(message.payloads(), NotifyType.COOKIE);
            if (expected == null) {
                droppedMessages++;
                return;
            }
            if (c == null || !java.security.MessageDigest.isEqual(c.data(), expected)) {
                // §2.6: no state until the initiator proves it receives at its address.
                cookiesDemanded++;
                answerInitError(h, from, to, NotifyType.COOKIE, expected);
                return;
            }
        }
        IkeConnection config = null;
        for (IkeConnection c : connections.values()) {
            if (c.acceptsLocal(to.address()) && c.acceptsPeer(from.address())) {
                config = c;
                break;
            }
        }
        if (config == null) {
            event(IkeEvent.Kind.IKE_SA_FAILED, "-", "no connection for " + to + " <- " + from);
            answerInitError(h, from, to, NotifyType.NO_PROPOSAL_CHOSEN, new byte[0]);
            return;
        }
        observeReceived(config, new IkeDatagram(to, from, data), to);
        observeMessage(config, false, to, from, h, message.payloads());
        IkeSaInitTask.respond(this, config, message, data, from, to, now);
    }

    /** §2.6 cookie: SHA-256(secret | Ni | IPi | SPIi), 16 bytes; null if the request has no nonce. */
    private byte[] cookie(List<Payload> payloads, long spiI, Endpoint from) {
        NoncePayload n = Notifies.first(payloads, NoncePayload.class);
        if (n == null) {
            return null;
        }
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(cookieSecret);
            d.update(n.nonce());
            d.update(from.address().toBytes());
            for (int i = 0; i < 8; i++) {
                d.update((byte) (spiI >>> (56 - 8 * i)));
            }
            return java.util.Arrays.copyOf(d.digest(), 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A stateless answer to an IKE_SA_INIT request: one notify, responder SPI zero (§2.6, §1.2). */
    void answerInitError(IkeHeader request, Endpoint from, Endpoint to, int notifyType, byte[] data) {
        answerInitError(request, from, to, notifyType, data, null);
    }

    /** As above, for a request of a known connection (a tunnel dump of it shows the answer). */
    void answerInitError(IkeHeader request, Endpoint from, Endpoint to, int notifyType, byte[] data,
                         IkeConnection config) {
        IkeHeader h = new IkeHeader(request.initiatorSpi(), 0, 0, 2, 0, ExchangeType.IKE_SA_INIT.value(), false, true,
                false, 0, 0);
        List<Payload> payloads = List.of(new NotifyPayload(0, new byte[0], notifyType, data));
        send(config, new IkeDatagram(to, from, MessageCodec.encode(h, payloads)));
        observeMessage(config, true, to, from, h, payloads);
    }

    /** A record of an IKE SA the peer deleted: enough to answer its retransmitted Delete again. */
    private record Tombstone(long spiI, long spiR, int messageId, List<byte[]> response, long until,
                             IkeConnection config) {
    }

    /** Remembers the response that ended an IKE SA (a Delete we answered). */
    void bury(IkeSa sa, int messageId, List<byte[]> response, long now) {
        tombstones.values().removeIf(t -> t.until() <= now);
        tombstones.put(sa.ourSpi(), new Tombstone(sa.spiI, sa.spiR, messageId, response,
                now + settings.retransmitGiveUpNanos(), sa.config));
    }

    private boolean answerFromTombstone(long ourSpi, IkeHeader h, IkeDatagram datagram, long now) {
        Endpoint from = datagram.remote();
        Endpoint to = datagram.local();
        Tombstone t = tombstones.get(ourSpi);
        if (t == null || t.until() <= now || t.spiI() != h.initiatorSpi() || t.spiR() != h.responderSpi()
                || t.messageId() != h.messageId()) {
            return false;
        }
        observeReceived(t.config(), datagram, null);
        for (byte[] d : t.response()) {
            send(t.config(), new IkeDatagram(to, from, d));
        }
        return true;
    }

    /**
     * The data plane received ESP for our inbound SA {@code inboundSpi} from {@code from}, which is not where the
     * SA's peer was: the packet's ICV verified and its sequence number was new (Linux's XFRM_MSG_MAPPING). The
     * IKE SA that owns the Child SA follows the peer's new NAT mapping if it is the one to (RFC 7296 §2.23).
     */
    public void espPeerMoved(int inboundSpi, Endpoint from, long now) {
        for (IkeSa sa : List.copyOf(byOurSpi.values())) {
            if (sa.childByInboundSpi(inboundSpi) != null) {
                sa.espFrom(from, now);
                return;
            }
        }
    }

    public void onTimer(long now) {
        tombstones.values().removeIf(t -> t.until() <= now);
        for (IkeSa sa : List.copyOf(byOurSpi.values())) {
            if (sa.nextDeadline() <= now) {
                sa.onTimer(now);
            }
        }
    }

    public long nextDeadline() {
        long d = Long.MAX_VALUE;
        for (IkeSa sa : byOurSpi.values()) {
            d = Math.min(d, sa.nextDeadline());
        }
        return d;
    }

    /** The datagrams produced since the last call, in order. */
    public List<IkeDatagram> drainOutgoing() {
        List<IkeDatagram> out = List.copyOf(outgoing);
        outgoing.clear();
        return out;
    }

    // ---- for the IKE SAs and tasks -----------------------------------------------------------------------

    void send(IkeDatagram d) {
        outgoing.add(d);
    }

    /** Sends a datagram of a connection's IKE SA (null: of none); an observer of the connection sees it. */
    void send(IkeConnection config, IkeDatagram d) {
        outgoing.add(d);
        IkeObserver o = observerOf(config);
        if (o != null) {
            try {
                o.datagram(config.name(), true, d);
            } catch (RuntimeException e) {
                // an observer's problem is not the IKE SA's
            }
        }
    }

    // ---- observation (tunnel dumps) ------------------------------------------------------------------------

    private IkeObserver observerOf(IkeConnection config) {
        IkeObserver o = observer;
        if (o == null || config == null) {
            return null;
        }
        try {
            return o.observes(config.name()) ? o : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** A datagram that arrived for a connection; {@code local} fills in an address the socket did not tell. */
    void observeReceived(IkeConnection config, IkeDatagram d, Endpoint local) {
        IkeObserver o = observerOf(config);
        if (o == null) {
            return;
        }
        IkeDatagram seen = d.local().address().isZero() && local != null
                ? new IkeDatagram(new Endpoint(local.address(), d.local().port()), d.remote(), d.data()) : d;
        try {
            o.datagram(config.name(), false, seen);
        } catch (RuntimeException e) {
            // an observer's problem is not the IKE SA's
        }
    }

    /** A whole message in the clear (see {@link IkeObserver#message}). */
    void observeMessage(IkeConnection config, boolean outbound, Endpoint local, Endpoint remote, IkeHeader h,
                        List<Payload> payloads) {
        IkeObserver o = observerOf(config);
        if (o == null) {
            return;
        }
        try {
            o.message(config.name(), outbound, local, remote, h, payloads);
        } catch (RuntimeException e) {
            // an observer's problem is not the IKE SA's
        }
    }

    /** The keys of a new IKE SA, copied, for an observer of its connection. */
    void observeIkeKeys(IkeSa sa, IkeSuite suite, IkeKeyMaterial keys) {
        IkeObserver o = observerOf(sa.config);
        if (o == null) {
            return;
        }
        IkeSaSecrets copy = new IkeSaSecrets(sa.spiI, sa.spiR, suite.encryption(), suite.keyBits(), suite.integrity(),
                keys.skEi().clone(), keys.skEr().clone(), keys.skAi().clone(), keys.skAr().clone());
        try {
            o.ikeSaKeys(sa.config.name(), copy);
        } catch (RuntimeException e) {
            copy.destroy();
        }
    }

    /** The keys of a new Child SA pair, copied, for an observer of its connection. */
    void observeChildKeys(IkeSa sa, ChildSaInstallation pair) {
        IkeObserver o = observerOf(sa.config);
        if (o == null) {
            return;
        }
        IpAddress local = pair.localAddress();
        IpAddress remote = pair.remoteAddress();
        EspSaSecrets out = new EspSaSecrets(pair.outboundSpi(), local, remote, pair.transform(),
                pair.extendedSequenceNumbers(), copy(pair.outboundEncryptionKey()), copy(pair.outboundIntegrityKey()));
        EspSaSecrets in = new EspSaSecrets(pair.inboundSpi(), remote, local, pair.transform(),
                pair.extendedSequenceNumbers(), copy(pair.inboundEncryptionKey()), copy(pair.inboundIntegrityKey()));
        try {
            o.childSaKeys(sa.config.name(), pair.name(), sa.spiI, sa.spiR, out, in);
        } catch (RuntimeException e) {
            out.destroy();
            in.destroy();
        }
    }

    private static byte[] copy(byte[] key) {
        return key == null ? new byte[0] : key.clone();
    }

    IkeSettings settings() {
        return settings;
    }

    IpsecKernel kernel() {
        return kernel;
    }

    SharedKeys sharedKeys() {
        return sharedKeys;
    }

    SecureRandom random() {
        return random;
    }

    Clock wallClock() {
        return wallClock;
    }

    byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    long newSpi() {
        long spi;
        do {
            spi = random.nextLong();
        } while (spi == 0 || byOurSpi.containsKey(spi));
        return spi;
    }

    int newReqid() {
        return nextReqid++;
    }

    /** {@code now + time - random(0..rand)}, or never for a zero time (RFC 7296 §2.8 jitter). */
    long jitteredDeadline(long now, Duration time, Duration rand) {
        if (time.isZero()) {
            return Long.MAX_VALUE;
        }
        long r = rand.isZero() ? 0 : random.nextLong(Math.min(rand.toNanos(), time.toNanos() / 2) + 1);
        return now + time.toNanos() - r;
    }

    /** Whether any child of this SA received packets since the last look: then DPD need not ask (§2.4). */
    boolean childTrafficSinceLastCheck(IkeSa sa) {
        boolean traffic = false;
        for (ChildSa c : sa.children) {
            IpsecKernel.ChildSaUsage u = kernel.usage(c.inboundSpi, c.outboundSpi);
            if (u != null && u.inboundPackets() != c.inboundPacketsSeen) {
                c.inboundPacketsSeen = u.inboundPackets();
                traffic = true;
            }
        }
        return traffic;
    }

    void adopt(IkeSa sa) {
        byOurSpi.put(sa.ourSpi(), sa);
        if (!sa.initiator && sa.state == IkeSa.State.CONNECTING) {
            sa.initRequestKey = halfOpenKey(sa.spiI, sa.remote);
            halfOpen.put(sa.initRequestKey, sa);
            byInitRequest.put(sa.initRequestKey, sa);
        }
    }

    void forget(IkeSa sa) {
        byOurSpi.remove(sa.ourSpi(), sa);
        if (sa.initRequestKey != null) {
            halfOpen.remove(sa.initRequestKey, sa);
            byInitRequest.remove(sa.initRequestKey, sa);
        }
    }

    /** §2.4 INITIAL_CONTACT: other IKE SAs with this peer identity are stale; they go without a message. */
    void initialContact(IkeSa fresh, long now) {
        for (IkeSa sa : List.copyOf(byOurSpi.values())) {
            if (sa != fresh && sa.config == fresh.config && sa.state == IkeSa.State.ESTABLISHED && fresh.peerId != null
                    && fresh.peerId.equals(sa.peerId)) {
                sa.destroy(now, false);
            }
        }
    }

    /** dpd_action = restart: bring the connection up again. */
    void restart(IkeConnection c, long now) {
        if (connections.get(c.name()) == c) {
            initiate(c.name(), null, now);
        }
    }

    private int halfOpenCount() {
        halfOpen.values().removeIf(sa -> sa.state != IkeSa.State.CONNECTING);
        return halfOpen.size();
    }

    private static String halfOpenKey(long spiI, Endpoint from) {
        return Long.toHexString(spiI) + "@" + from.address();
    }

    void event(IkeEvent.Kind kind, IkeSa sa, String detail) {
        if (kind == IkeEvent.Kind.IKE_SA_ESTABLISHED || kind == IkeEvent.Kind.IKE_SA_DELETED) {
            halfOpen.values().remove(sa);
        }
        events.accept(new IkeEvent(kind, sa.name(), detail));
    }

    void eventFor(IkeConnection c, IkeEvent.Kind kind, String detail) {
        events.accept(new IkeEvent(kind, c.name(), detail));
    }

    private void event(IkeEvent.Kind kind, String name, String detail) {
        events.accept(new IkeEvent(kind, name, detail));
    }

    void dropped(IkeSa sa, String why) {
        droppedMessages++;
        events.accept(new IkeEvent(IkeEvent.Kind.MESSAGE_DROPPED, sa.name(), why));
    }
}
