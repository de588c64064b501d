package org.ipsec4j.ike.sa;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.ipsec4j.esp.selector.AddressRange;
import org.ipsec4j.esp.selector.IpAddress;

/**
 * Virtual IPs for clients (RFC 7296 §3.15.1 INTERNAL_IP4/6_ADDRESS): a range handed out one address per
 * peer identity — the same identity gets its address back after a reconnect, as strongSwan's leases do. The
 * network and broadcast addresses of a prefix are skipped.
 */
public final class AddressPool {

    private final String name;
    private final AddressRange range;
    private final List<IpAddress> dns;
    private final Map<String, IpAddress> leases = new HashMap<>();
    private final Map<IpAddress, String> owners = new HashMap<>();
    private final Map<String, Integer> inUse = new HashMap<>();

    public AddressPool(String name, AddressRange range, List<IpAddress> dns) {
        this.name = Objects.requireNonNull(name, "name");
        this.range = Objects.requireNonNull(range, "range");
        this.dns = List.copyOf(dns);
    }

    public String name() {
        return name;
    }

    public AddressRange range() {
        return range;
    }

    public List<IpAddress> dns() {
        return dns;
    }

    /** The address for this identity, or null if the pool is exhausted. */
    public synchronized IpAddress acquire(String identity) {
        IpAddress leased = leases.get(identity);
        if (leased == null) {
            leased = free();
            if (leased == null) {
                return null;
            }
            leases.put(identity, leased);
            owners.put(leased, identity);
        }
        inUse.merge(identity, 1, Integer::sum);
        return leased;
    }

    /** The IKE SA of this identity is gone; its address stays reserved for it until the pool runs short. */
    public synchronized void release(String identity) {
        inUse.computeIfPresent(identity, (k, n) -> n <= 1 ? null : n - 1);
    }

    public synchronized int leased() {
        return leases.size();
    }

    private IpAddress free() {
        int prefix = range.prefixLength();
        IpAddress a = range.first();
        IpAddress last = range.last();
        boolean skipEnds = prefix >= 0 && prefix < (range.family().addressLength() * 8 - 1);
        if (skipEnds) {
            a = a.next();
        }
        IpAddress reclaim = null;
        while (a != null && a.compareTo(last) <= 0) {
            if (skipEnds && a.equals(last)) {
                break;
            }
            String owner = owners.get(a);
            if (owner == null) {
                return a;
            }
            if (reclaim == null && !inUse.containsKey(owner)) {
                reclaim = a;
            }
            a = a.equals(last) ? null : a.next();
        }
        if (reclaim != null) {
            leases.remove(owners.remove(reclaim));
            return reclaim;
        }
        return null;
    }
}
