package org.ipsec4j.esp.spd;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.ipsec4j.esp.selector.AddressRange;
import org.ipsec4j.esp.selector.IpAddress;
import org.ipsec4j.esp.selector.IpFamily;
import org.ipsec4j.esp.selector.PacketSelector;
import org.ipsec4j.esp.selector.PortSelector;
import org.ipsec4j.esp.selector.TrafficSelector;
import org.ipsec4j.wire.Icmpv6Message;
import org.ipsec4j.wire.IpProtocol;

/**
 * The Security Policy Database of RFC 4301 §4.4.1: one ordered list of policies per {@link Direction}; a
 * lookup returns the first policy, in list order, whose selectors all match the packet (no match: the
 * caller discards, RFC 4301 §5).
 *
 * <h2>Built-in bypasses, ahead of every configured policy</h2>
 * <ul>
 *   <li>IPv6 Neighbor and Router Discovery, ICMPv6 types 133–137 (RFC 4861), in every direction: a tunnel
 *       covering a neighbour must not trap the very packets that find it (seed 002).</li>
 *   <li>The daemon's own IKE traffic: UDP whose local address is one of {@link #setIkeAddresses the
 *       gateway's addresses} and whose local port is 500 or 4500 (RFC 7296 §2.23, RFC 3948).</li>
 * </ul>
 * Each can be switched off; they are answered before the index is consulted and do not count as configured
 * policies.
 *
 * <h2>Shunts and holds: two short tiers around the ordered list</h2>
 * <ul>
 *   <li><em>Shunts</em> ({@link #setShunts}) are BYPASS or DISCARD policies (swanctl's {@code mode = pass} and
 *       {@code mode = drop} children) that the operator wants to win over every tunnel: they are answered right
 *       after the built-in bypasses, before the ordered list, in their own order.</li>
 *   <li><em>Holds</em> ({@link #hold}) are outbound PROTECT policies with level "require" and no SA, answered only
 *       when no ordered policy matched: IKE keeps them for the selectors it is to protect while no Child SA
 *       carries them (being negotiated, the peer gone), so that such traffic is dropped ({@code no-sa}), never
 *       sent in the clear (RFC 4301 §4.4.1, §5.1: a PROTECT policy without its SA discards). A Child SA's own
 *       policies, narrower or equal, always come first.</li>
 * </ul>
 * Both are small (a few entries per connection) and walked linearly; with none configured a lookup costs one
 * array-length check more per tier.
 *
 * <h2>Lookup without a linear scan</h2>
 * Per direction and address family the policies are numbered by their position (the <em>slot</em>; lower
 * is earlier). Each is indexed on one address, the narrower of its two ranges, in a {@link RangeIndex}: the
 * address space cut into elementary segments at every range boundary, each segment listing in slot order the
 * policies whose range covers it. A lookup binary-searches the segment of the packet's address and walks
 * that short list until the first policy whose other selectors (the other address range, protocol, ports or
 * ICMP type/code, OPAQUE) match. There is an index by remote address and one by local address; the first
 * match in SPD order is the smallest slot either yields, and each search stops at slots above the best found
 * so far. Indexes are searched in order of their lowest slot, and the search ends at the first one whose
 * lowest slot is above the best match in hand.
 *
 * <p>A range that would span more than {@value FamilyPolicyIndex#MAX_SEGMENTS_PER_POLICY} segments (an
 * aggregate over many narrower policies) is refused, which bounds memory at that many entries per policy
 * however ranges overlap. It tries the index of its other address, and what both refuse goes to a next
 * <em>level</em> of the two indexes, cut only at the boundaries of those wider policies, where it spans few
 * segments; wide-over-narrow nesting thus settles in a few levels, each costing a lookup one more pair of
 * binary searches. Policies that are ANY on both addresses, and whatever is left after
 * {@value FamilyPolicyIndex#MAX_LEVELS} levels (ranges overlapping one another in staggered chains), form a
 * slot-ordered list walked under the same bound.
 *
 * <p>Cost: per index searched, one binary search over at most 2n+1 cuts, narrowed by a radix table on the
 * 16 bits after the prefix most cuts share (so a few neighbouring cuts are compared, not 17 levels of all of
 * them), plus the candidates tried before a match — policies sharing the packet's segment that fail on
 * another selector. A candidate's selectors sit together in one array (one or two cache lines). Port and
 * protocol selectors are not indexed, so many policies on the same address ranges that differ only in ports
 * are tried one by one. A hub's policy set (one per spoke subnet, a few catch-alls) has one level and short
 * lists: about 40–50 ns per lookup with 100 000 policies (SpdLookupBenchmark).
 *
 * <h2>Updates and threads</h2>
 * Edits rebuild the changed direction's index (O(n log n); use {@link #addAll} for bulk loads) and publish it
 * through a volatile field, so lookups on the packet thread never lock and always see one consistent
 * snapshot. Edits are serialized among themselves.
 */
public final class SecurityPolicyDatabase {

    /** ICMPv6 Router Solicitation (133) through Redirect (137), any code, in RFC 4301's type/code encoding. */
    private static final int ND_FIRST = PortSelector.icmpValue(Icmpv6Message.TYPE_ROUTER_SOLICITATION, 0);
    private static final int ND_LAST = PortSelector.icmpValue(Icmpv6Message.TYPE_REDIRECT, 0xFF);

    /** The built-in policy answered for Neighbor/Router Discovery. */
    public static final SecurityPolicy NEIGHBOR_DISCOVERY_BYPASS = new SecurityPolicy(Direction.OUT,
            TrafficSelector.icmp(AddressRange.any(IpFamily.IPV6), AddressRange.any(IpFamily.IPV6),
                    PortSelector.icmpTypes(Icmpv6Message.TYPE_ROUTER_SOLICITATION, Icmpv6Message.TYPE_REDIRECT)),
            PolicyAction.BYPASS, "built-in neighbor discovery bypass");

    /** The built-in policy answered for the gateway's own IKE traffic. */
    public static final SecurityPolicy IKE_BYPASS = new SecurityPolicy(Direction.OUT,
            new TrafficSelector(AddressRange.any(IpFamily.IPV4), AddressRange.any(IpFamily.IPV4), IpProtocol.UDP,
                    PortSelector.ANY, PortSelector.ANY),
            PolicyAction.BYPASS, "built-in IKE bypass");

    private final Object editLock = new Object();
    private final Map<Direction, List<SecurityPolicy>> lists = new EnumMap<>(Direction.class);
    /** Copied on write and replaced whole, so the packet thread reads one consistent array. */
    private volatile DirectionIndex[] indexes = new DirectionIndex[Direction.values().length];

    private volatile SecurityPolicy[] shunts = new SecurityPolicy[0];
    /** Holds by key, in the order they came; published as an array for the packet thread. */
    private final Map<String, List<SecurityPolicy>> holdsByKey = new java.util.LinkedHashMap<>();
    private volatile SecurityPolicy[] holds = new SecurityPolicy[0];

    private volatile boolean neighborDiscoveryBypass = true;
    private volatile boolean ikeBypass = true;
    private volatile IpAddress[] ikeAddresses = new IpAddress[0];
    private volatile int[] ikePorts = {500, 4500};

    /** The two family indexes of one direction, published together. */
    private record DirectionIndex(FamilyPolicyIndex ipv4, FamilyPolicyIndex ipv6) {
        FamilyPolicyIndex of(IpFamily f) {
            return f == IpFamily.IPV4 ? ipv4 : ipv6;
        }
    }

    public SecurityPolicyDatabase() {
        DirectionIndex[] initial = new DirectionIndex[Direction.values().length];
        for (Direction d : Direction.values()) {
            lists.put(d, new ArrayList<>());
            initial[d.ordinal()] = new DirectionIndex(new FamilyPolicyIndex(IpFamily.IPV4, List.of()),
                    new FamilyPolicyIndex(IpFamily.IPV6, List.of()));
        }
        indexes = initial;
    }

    // ---- lookups (packet thread, lock-free) ----

    /**
     * The first policy of {@code direction} matching the packet, built-in bypasses first; null if none
     * matches (RFC 4301 §5: discard).
     */
    public SecurityPolicy lookup(Direction direction, PacketSelector packet) {
        SecurityPolicy builtIn = builtInBypass(packet);
        if (builtIn != null) {
            return builtIn;
        }
        SecurityPolicy shunt = first(shunts, direction, packet);
        if (shunt != null) {
            return shunt;
        }
        SecurityPolicy configured = lookupConfigured(direction, packet);
        return configured != null ? configured : first(holds, direction, packet);
    }

    private static SecurityPolicy first(SecurityPolicy[] tier, Direction direction, PacketSelector packet) {
        for (SecurityPolicy p : tier) {
            if (p.direction() == direction && p.selector().matches(packet)) {
                return p;
            }
        }
        return null;
    }

    /** The first configured policy of {@code direction} matching the packet, ignoring the built-in bypasses. */
    public SecurityPolicy lookupConfigured(Direction direction, PacketSelector packet) {
        FamilyPolicyIndex index = indexes[direction.ordinal()].of(packet.family());
        int slot = index.lookup(packet);
        return slot < 0 ? null : index.policy(slot);
    }

    /** The built-in bypass policy that applies to the packet, or null. */
    public SecurityPolicy builtInBypass(PacketSelector p) {
        if (neighborDiscoveryBypass && p.protocol() == IpProtocol.ICMPV6 && p.family() == IpFamily.IPV6
                && p.localPort() >= ND_FIRST && p.localPort() <= ND_LAST) {
            return NEIGHBOR_DISCOVERY_BYPASS;
        }
        if (ikeBypass && p.protocol() == IpProtocol.UDP && isIkePort(p.localPort()) && isIkeAddress(p)) {
            return IKE_BYPASS;
        }
        return null;
    }

    private boolean isIkePort(int port) {
        for (int p : ikePorts) {
            if (p == port) {
                return true;
            }
        }
        return false;
    }

    private boolean isIkeAddress(PacketSelector p) {
        for (IpAddress a : ikeAddresses) {
            if (a.family() == p.family() && a.high() == p.localHigh() && a.low() == p.localLow()) {
                return true;
            }
        }
        return false;
    }

    // ---- built-in bypass settings ----

    /** Switches the ICMPv6 133–137 bypass (on by default). */
    public void setNeighborDiscoveryBypass(boolean enabled) {
        neighborDiscoveryBypass = enabled;
    }

    public boolean neighborDiscoveryBypass() {
        return neighborDiscoveryBypass;
    }

    /** Switches the IKE bypass (on by default; it needs {@link #setIkeAddresses} to match anything). */
    public void setIkeBypass(boolean enabled) {
        ikeBypass = enabled;
    }

    public boolean ikeBypass() {
        return ikeBypass;
    }

    /** The gateway's own addresses, whose UDP 500/4500 traffic is IKE. */
    public void setIkeAddresses(Collection<IpAddress> addresses) {
        ikeAddresses = addresses.toArray(new IpAddress[0]);
    }

    public Set<IpAddress> ikeAddresses() {
        return Set.of(ikeAddresses);
    }

    /** The local UDP ports of IKE, 500 and 4500 unless changed. */
    public void setIkePorts(int... ports) {
        ikePorts = ports.clone();
    }

    // ---- shunts and holds ----

    /**
     * Replaces the shunt policies: BYPASS or DISCARD, answered after the built-in bypasses and before every
     * ordered policy, first match wins.
     */
    public void setShunts(List<SecurityPolicy> policies) {
        for (SecurityPolicy p : policies) {
            if (p.action() instanceof PolicyAction.Protect) {
                throw new IllegalArgumentException("a shunt bypasses or discards: " + p);
            }
        }
        shunts = policies.toArray(new SecurityPolicy[0]);
    }

    public List<SecurityPolicy> shunts() {
        return List.of(shunts);
    }

    /**
     * Adds or replaces the holds named {@code key}: outbound PROTECT policies (level require) that no SA is ever
     * bound to, answered when no ordered policy matches a packet, which is then dropped for want of an SA.
     */
    public void hold(String key, List<SecurityPolicy> policies) {
        for (SecurityPolicy p : policies) {
            if (!(p.action() instanceof PolicyAction.Protect pr) || pr.template().level() != IpsecTemplate.Level.REQUIRE
                    || p.direction() != Direction.OUT) {
                throw new IllegalArgumentException("a hold is an outbound PROTECT policy with level require: " + p);
            }
        }
        synchronized (editLock) {
            holdsByKey.put(Objects.requireNonNull(key, "key"), List.copyOf(policies));
            publishHolds();
        }
    }

    /** Removes the holds named {@code key}; returns whether there were any. */
    public boolean release(String key) {
        synchronized (editLock) {
            boolean had = holdsByKey.remove(key) != null;
            publishHolds();
            return had;
        }
    }

    /** Every hold, in the order they were added. */
    public List<SecurityPolicy> holds() {
        return List.of(holds);
    }

    /** The keys of the holds in place. */
    public Set<String> holdKeys() {
        synchronized (editLock) {
            return Set.copyOf(holdsByKey.keySet());
        }
    }

    private void publishHolds() {
        List<SecurityPolicy> all = new ArrayList<>();
        holdsByKey.values().forEach(all::addAll);
        holds = all.toArray(new SecurityPolicy[0]);
    }

    // ---- edits (serialized, rebuild and publish) ----

    /** Appends a policy at the end of its direction's list. */
    public SecurityPolicy add(SecurityPolicy policy) {
        synchronized (editLock) {
            lists.get(policy.direction()).add(policy);
            rebuild(policy.direction());
        }
        return policy;
    }

    /** Inserts a policy at {@code position} (0 = first) of its direction's list. */
    public SecurityPolicy insert(int position, SecurityPolicy policy) {
        synchronized (editLock) {
            lists.get(policy.direction()).add(position, policy);
            rebuild(policy.direction());
        }
        return policy;
    }

    /** Appends many policies with one rebuild per direction touched. */
    public void addAll(Collection<SecurityPolicy> policies) {
        synchronized (editLock) {
            boolean[] touched = new boolean[Direction.values().length];
            for (SecurityPolicy p : policies) {
                lists.get(p.direction()).add(Objects.requireNonNull(p));
                touched[p.direction().ordinal()] = true;
            }
            for (Direction d : Direction.values()) {
                if (touched[d.ordinal()]) {
                    rebuild(d);
                }
            }
        }
    }

    public boolean remove(SecurityPolicy policy) {
        synchronized (editLock) {
            boolean removed = lists.get(policy.direction()).remove(policy);
            if (removed) {
                rebuild(policy.direction());
            }
            return removed;
        }
    }

    /** Removes every configured policy of every direction (setkey's {@code spdflush}). */
    public void flush() {
        synchronized (editLock) {
            for (Direction d : Direction.values()) {
                lists.get(d).clear();
                rebuild(d);
            }
        }
    }

    /** The configured policies of a direction, in order (a copy). */
    public List<SecurityPolicy> policies(Direction direction) {
        synchronized (editLock) {
            return List.copyOf(lists.get(direction));
        }
    }

    public int size() {
        synchronized (editLock) {
            int n = 0;
            for (List<SecurityPolicy> l : lists.values()) {
                n += l.size();
            }
            return n;
        }
    }

    private void rebuild(Direction d) {
        List<SecurityPolicy> v4 = new ArrayList<>();
        List<SecurityPolicy> v6 = new ArrayList<>();
        for (SecurityPolicy p : lists.get(d)) {
            (p.selector().family() == IpFamily.IPV4 ? v4 : v6).add(p);
        }
        DirectionIndex[] next = indexes.clone();
        next[d.ordinal()] = new DirectionIndex(new FamilyPolicyIndex(IpFamily.IPV4, v4),
                new FamilyPolicyIndex(IpFamily.IPV6, v6));
        indexes = next;
    }

    /** Index shape of one direction and family, for tests and diagnostics (see FamilyPolicyIndex#shape). */
    int[] indexShape(Direction d, IpFamily f) {
        return indexes[d.ordinal()].of(f).shape();
    }
}
