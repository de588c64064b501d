package org.ipsec4j.daemon.net;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.ipsec4j.daemon.config.ActiveConfiguration;
import org.ipsec4j.daemon.config.ConfiguredPolicy;
import org.ipsec4j.esp.selector.AddressRange;
import org.ipsec4j.esp.selector.IpAddress;
import org.ipsec4j.esp.selector.IpFamily;
import org.ipsec4j.esp.spd.Direction;
import org.ipsec4j.esp.spd.PolicyAction;
import org.ipsec4j.esp.spd.SecurityPolicy;
import org.ipsec4j.linux.IpPrefix;

/**
 * Which destinations go into the TUN device: the remote address range of every outbound PROTECT policy (from
 * the setkey file, installed by IKE for a Child SA, or one of IKE's fail-closed holds) and of every outbound
 * DISCARD policy (a setkey {@code discard}, a swanctl {@code mode = drop} shunt: only a route into the device lets
 * the data plane drop what the policy names; without one the packet would leave by the main table), cut into
 * prefixes (a selector may be any range, RFC 4301 §4.4.1.1; a route is a prefix). The first policy to name a
 * prefix gives it its source address.
 */
public final class TunnelRoutes {

    private TunnelRoutes() {}

    public static List<TunnelRoute> of(ActiveConfiguration configuration, Set<InetAddress> localAddresses) {
        return of(configuration.outboundProtectPolicies().stream().map(ConfiguredPolicy::policy).toList(),
                localAddresses);
    }

    /**
     * The routes for outbound policies, whoever installed them (a setkey file or IKE); policies that are not
     * outbound PROTECT or DISCARD are skipped.
     */
    public static List<TunnelRoute> of(List<SecurityPolicy> policies, Set<InetAddress> localAddresses) {
        Map<IpPrefix, TunnelRoute> routes = new LinkedHashMap<>();
        for (SecurityPolicy policy : policies) {
            if (policy.direction() != Direction.OUT || policy.action() instanceof PolicyAction.Bypass) {
                continue;
            }
            AddressRange local = policy.selector().local();
            boolean singleHost = local.first().equals(local.last());
            InetAddress source = local.isAny() ? null : localAddresses.stream()
                    .filter(a -> local.contains(IpAddress.of(a)))
                    .filter(a -> singleHost || !(a.isLoopbackAddress() || a.isLinkLocalAddress()))
                    .sorted(java.util.Comparator.comparing(InetAddress::getHostAddress))
                    .findFirst().orElse(null);
            for (IpPrefix prefix : prefixes(policy.selector().remote())) {
                routes.putIfAbsent(prefix, new TunnelRoute(prefix, source));
            }
        }
        return List.copyOf(routes.values());
    }

    /** The fewest prefixes that cover exactly {@code range}. */
    public static List<IpPrefix> prefixes(AddressRange range) {
        int bits = range.family().addressLength() * 8;
        BigInteger first = value(range.first());
        BigInteger last = value(range.last());
        List<IpPrefix> out = new ArrayList<>();
        while (first.compareTo(last) <= 0) {
            // The largest aligned block starting at first that does not pass last.
            int size = first.signum() == 0 ? bits : Math.min(first.getLowestSetBit(), bits);
            while (size > 0 && first.add(BigInteger.ONE.shiftLeft(size)).subtract(BigInteger.ONE).compareTo(last) > 0) {
                size--;
            }
            out.add(new IpPrefix(address(range.family(), first), bits - size));
            first = first.add(BigInteger.ONE.shiftLeft(size));
        }
        return out;
    }

    private static BigInteger value(IpAddress address) {
        return new BigInteger(1, address.toBytes());
    }

    private static InetAddress address(IpFamily family, BigInteger value) {
        byte[] raw = value.toByteArray();
        byte[] bytes = new byte[family.addressLength()];
        int copy = Math.min(raw.length, bytes.length);
        System.arraycopy(raw, raw.length - copy, bytes, bytes.length - copy, copy);
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
