package org.ipsec4j.esp.sad;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

import org.ipsec4j.esp.selector.IpFamily;

/**
 * The Security Association Database (RFC 4301 §4.4.2): installed SAs, inbound ones found by SPI, protocol
 * and destination; SPI allocation; lifetimes and their events.
 *
 * <h2>Inbound lookup</h2>
 * An open-addressing table keyed by SPI (linear probing, load at most 1/2) holding the SA objects
 * themselves: a lookup hashes the SPI and compares fields in place, allocating nothing. Several SAs may
 * share an SPI if their protocol or destination differ (manual keying allows it). The table is copied on
 * every install or removal and published through a volatile field, so the packet thread never locks.
 * Outbound SAs are not looked up here: a PROTECT policy points at its current one.
 *
 * <h2>SPIs</h2>
 * {@link #allocateSpi} draws from a {@link SecureRandom}, skips 0–255 (reserved, RFC 4303 §2.1) and every
 * SPI held by a live SA (inbound or outbound, so a NAT that tells flows apart by SPI does not see ours
 * collide with the peer's either, seed 004) or by an earlier reservation. The reservation lasts until the SA
 * with that SPI is installed and removed, or until {@link #releaseSpi}.
 *
 * <h2>Lifetimes</h2>
 * Byte and packet limits are checked as the data plane {@link #account accounts} each packet; time limits
 * by {@link #checkUsable} on each use and by {@link #expire} for idle SAs ({@link #nextDeadline} says when to
 * call it). Reaching a soft limit raises a SOFT event once; reaching a hard one (or running out of sequence
 * numbers) raises HARD, marks the SA unusable, removes it and zeroes its keys. Events go to the listener, if
 * any, as they happen, and are also queued for {@link #expire} to return.
 *
 * <p>Threads: installs, removals and SPI allocation may come from any thread (they serialize on a lock);
 * lookups, accounting and {@link #expire} belong to the data plane's thread.
 */
public final class SecurityAssociationDatabase {

    /** SPIs 1–255 are reserved by IANA and 0 is never sent (RFC 4303 §2.1). */
    public static final int FIRST_ALLOCATABLE_SPI = 256;
    private static final int MAX_ALLOCATION_ATTEMPTS = 1 << 16;

    private final Object lock = new Object();
    private final RandomGenerator random;
    /** How many live SAs use each SPI, plus 1 for a pending reservation. */
    private final Map<Integer, Integer> spiUses = new HashMap<>();
    private final Set<Integer> reservations = new HashSet<>();
    private final List<SecurityAssociation> installed = new ArrayList<>();
    private volatile SecurityAssociation[] inboundTable = new SecurityAssociation[16];
    private volatile List<SecurityAssociation> snapshot = List.of();

    private final List<LifetimeEvent> pending = new ArrayList<>();
    private volatile Consumer<LifetimeEvent> listener;

    public SecurityAssociationDatabase() {
        this(new SecureRandom());
    }

    /** With a given random source, for tests. */
    public SecurityAssociationDatabase(RandomGenerator random) {
        this.random = Objects.requireNonNull(random);
    }

    // ---- SPIs ----

    /**
     * Reserves a fresh random SPI for an inbound SA IKE is about to negotiate.
     *
     * @throws IllegalStateException if no free SPI was found (practically only with a broken random source)
     */
    public int allocateSpi() {
        synchronized (lock) {
            for (int attempt = 0; attempt < MAX_ALLOCATION_ATTEMPTS; attempt++) {
                int spi = random.nextInt();
                if (Integer.compareUnsigned(spi, FIRST_ALLOCATABLE_SPI) < 0 || spiUses.containsKey(spi)) {
                    continue;
                }
                spiUses.put(spi, 1);
                reservations.add(spi);
                return spi;
            }
            throw new IllegalStateException("no free SPI after " + MAX_ALLOCATION_ATTEMPTS + " draws");
        }
    }

    /** Gives back a reservation that will not be installed (the negotiation failed). */
    public void releaseSpi(int spi) {
        synchronized (lock) {
            if (reservations.remove(spi)) {
                decrementUse(spi);
            }
        }
    }

    /** Whether an SPI is held by a live SA or a reservation. */
    public boolean spiInUse(int spi) {
        synchronized (lock) {
            return spiUses.containsKey(spi);
        }
    }

    private void decrementUse(int spi) {
        spiUses.computeIfPresent(spi, (k, v) -> v == 1 ? null : v - 1);
    }

    // ---- install and remove ----

    /**
     * Adds an SA; its lifetimes start at {@code nowNanos}. An inbound SA becomes visible to
     * {@link #lookupInbound}; an outbound one is used once a policy is bound to it.
     *
     * @throws IllegalArgumentException if an inbound SA with the same SPI, protocol and local address exists
     */
    public void install(SecurityAssociation sa, long nowNanos) {
        synchronized (lock) {
            if (sa.installed || sa.state == SecurityAssociation.State.HARD_EXPIRED) {
                throw new IllegalStateException("SA already installed or dead: " + sa);
            }
            if (sa.flow() == SecurityAssociation.Flow.INBOUND) {
                for (SecurityAssociation other : installed) {
                    if (other.flow() == SecurityAssociation.Flow.INBOUND && other.spi() == sa.spi()
                            && other.protocol() == sa.protocol() && other.localAddress().equals(sa.localAddress())) {
                        throw new IllegalArgumentException("an inbound SA with SPI 0x" + Integer.toHexString(sa.spi())
                                + " to " + sa.localAddress() + " exists already");
                    }
                }
            }
            if (!reservations.remove(sa.spi())) {
                spiUses.merge(sa.spi(), 1, Integer::sum);
            }
            LifetimeLimits l = sa.limits();
            sa.addedAtNanos = nowNanos;
            sa.softDeadlineNanos = deadline(nowNanos, l.softTimeNanos());
            sa.hardDeadlineNanos = deadline(nowNanos, l.hardTimeNanos());
            sa.lastSentNanos = nowNanos;
            sa.installed = true;
            installed.add(sa);
            snapshot = List.copyOf(installed);
            if (sa.flow() == SecurityAssociation.Flow.INBOUND) {
                inboundTable = buildTable();
            }
        }
    }

    private static long deadline(long now, long limit) {
        if (limit == LifetimeLimits.NONE) {
            return Long.MAX_VALUE;
        }
        long d = now + limit;
        return ((now ^ d) & (limit ^ d)) < 0 ? Long.MAX_VALUE : d; // saturate on overflow
    }

    /**
     * Removes an SA (IKE deleted it), marks it unusable and zeroes its keys. No event is raised.
     *
     * @return false if it was not installed
     */
    public boolean remove(SecurityAssociation sa) {
        return removeInternal(sa);
    }

    private boolean removeInternal(SecurityAssociation sa) {
        synchronized (lock) {
            sa.state = SecurityAssociation.State.HARD_EXPIRED;
            if (!sa.installed) {
                return false;
            }
            sa.installed = false;
            installed.remove(sa);
            snapshot = List.copyOf(installed);
            decrementUse(sa.spi());
            if (sa.flow() == SecurityAssociation.Flow.INBOUND) {
                inboundTable = buildTable();
            }
            sa.destroyKeys();
            return true;
        }
    }

    /** Removes every SA (setkey's {@code flush}). */
    public void flush() {
        for (SecurityAssociation sa : list()) {
            removeInternal(sa);
        }
    }

    /** The installed SAs, in installation order. */
    public List<SecurityAssociation> list() {
        return snapshot;
    }

    public int size() {
        return snapshot.size();
    }

    private SecurityAssociation[] buildTable() {
        int inbound = 0;
        for (SecurityAssociation sa : installed) {
            if (sa.flow() == SecurityAssociation.Flow.INBOUND) {
                inbound++;
            }
        }
        int capacity = 16;
        while (capacity < inbound * 2) {
            capacity <<= 1;
        }
        SecurityAssociation[] table = new SecurityAssociation[capacity];
        int mask = capacity - 1;
        for (SecurityAssociation sa : installed) {
            if (sa.flow() != SecurityAssociation.Flow.INBOUND) {
                continue;
            }
            int i = hash(sa.spi()) & mask;
            while (table[i] != null) {
                i = (i + 1) & mask;
            }
            table[i] = sa;
        }
        return table;
    }

    private static int hash(int spi) {
        int h = spi * 0x9E3779B9; // Fibonacci hashing; SPIs from peers need not be random
        return h ^ (h >>> 16);
    }

    // ---- lookups (packet thread) ----

    /**
     * The inbound SA for an SPI and protocol whose local address is the packet's destination.
     *
     * @param destination the packet's destination address bytes, or null when the caller does not know it
     *                    (a UDP socket without IP_PKTINFO): then the first SA with the SPI and protocol wins
     * @return the SA or null; allocates nothing
     */
    public SecurityAssociation lookupInbound(int spi, SecurityProtocol protocol, IpFamily family, byte[] destination,
                                             int destinationOffset) {
        SecurityAssociation[] table = inboundTable;
        int mask = table.length - 1;
        for (int i = hash(spi) & mask; ; i = (i + 1) & mask) {
            SecurityAssociation sa = table[i];
            if (sa == null) {
                return null;
            }
            if (sa.spi() == spi && sa.protocol() == protocol
                    && (destination == null || sa.localAddress().isZero()
                    || (sa.localAddress().family() == family && sa.localAddress().equalsBytes(destination, destinationOffset)))) {
                return sa;
            }
        }
    }

    /** {@link #lookupInbound(int, SecurityProtocol, IpFamily, byte[], int)} without a destination. */
    public SecurityAssociation lookupInbound(int spi, SecurityProtocol protocol) {
        return lookupInbound(spi, protocol, null, null, 0);
    }

    // ---- lifetimes (packet thread) ----

    /** Sets the listener that hears each lifetime event as it is raised (null for none). */
    public void setListener(Consumer<LifetimeEvent> l) {
        this.listener = l;
    }

    /**
     * Whether the SA may process a packet now; checks its time limits, raising SOFT or HARD as they pass.
     * One comparison while no time limit is near.
     */
    public boolean checkUsable(SecurityAssociation sa, long nowNanos) {
        if (sa.state == SecurityAssociation.State.HARD_EXPIRED) {
            return false;
        }
        if (nowNanos >= sa.softDeadlineNanos) {
            if (nowNanos >= sa.hardDeadlineNanos) {
                hardExpire(sa, LifetimeEvent.Cause.TIME, nowNanos);
                return false;
            }
            if (sa.state == SecurityAssociation.State.ACTIVE) {
                softExpire(sa, LifetimeEvent.Cause.TIME, nowNanos);
            }
        }
        return true;
    }

    /**
     * Counts one packet of {@code bytes} (inner length) on the SA and applies the byte and packet limits. A
     * packet that reaches a hard limit is the last one the SA carries.
     */
    public void account(SecurityAssociation sa, int bytes, long nowNanos) {
        sa.counters().recordPacket(bytes);
        LifetimeLimits l = sa.limits();
        long packets = sa.counters().packets();
        long total = sa.counters().bytes();
        if (packets >= l.hardPackets()) {
            hardExpire(sa, LifetimeEvent.Cause.PACKETS, nowNanos);
        } else if (total >= l.hardBytes()) {
            hardExpire(sa, LifetimeEvent.Cause.BYTES, nowNanos);
        } else if (sa.state == SecurityAssociation.State.ACTIVE) {
            if (packets >= l.softPackets()) {
                softExpire(sa, LifetimeEvent.Cause.PACKETS, nowNanos);
            } else if (total >= l.softBytes()) {
                softExpire(sa, LifetimeEvent.Cause.BYTES, nowNanos);
            }
        }
    }

    /** The outbound SA ran out of sequence numbers (RFC 4303 §3.3.3): it ends now. */
    public void sequenceExhausted(SecurityAssociation sa, long nowNanos) {
        if (sa.state != SecurityAssociation.State.HARD_EXPIRED) {
            hardExpire(sa, LifetimeEvent.Cause.SEQUENCE_EXHAUSTED, nowNanos);
        }
    }

    private void softExpire(SecurityAssociation sa, LifetimeEvent.Cause cause, long now) {
        sa.state = SecurityAssociation.State.SOFT_EXPIRED;
        raise(new LifetimeEvent(sa, LifetimeEvent.Severity.SOFT, cause, now));
    }

    private void hardExpire(SecurityAssociation sa, LifetimeEvent.Cause cause, long now) {
        removeInternal(sa);
        raise(new LifetimeEvent(sa, LifetimeEvent.Severity.HARD, cause, now));
    }

    private void raise(LifetimeEvent e) {
        synchronized (pending) {
            pending.add(e);
        }
        Consumer<LifetimeEvent> l = listener;
        if (l != null) {
            l.accept(e);
        }
    }

    /**
     * Applies the time limits of every SA at {@code nowNanos} (removing the hard-expired ones) and returns
     * every event raised since the last call, oldest first.
     */
    public List<LifetimeEvent> expire(long nowNanos) {
        for (SecurityAssociation sa : snapshot) {
            checkUsable(sa, nowNanos);
        }
        synchronized (pending) {
            if (pending.isEmpty()) {
                return List.of();
            }
            List<LifetimeEvent> out = List.copyOf(pending);
            pending.clear();
            return out;
        }
    }

    /** When {@link #expire} next has something to do: the earliest pending time limit, or Long.MAX_VALUE. */
    public long nextDeadline() {
        long next = Long.MAX_VALUE;
        synchronized (pending) {
            if (!pending.isEmpty()) {
                return Long.MIN_VALUE; // events are waiting now
            }
        }
        for (SecurityAssociation sa : snapshot) {
            long d = sa.state == SecurityAssociation.State.ACTIVE ? sa.softDeadlineNanos : sa.hardDeadlineNanos;
            next = Math.min(next, d);
        }
        return next;
    }
}
