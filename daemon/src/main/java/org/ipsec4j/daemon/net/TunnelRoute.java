package org.ipsec4j.daemon.net;

import java.net.InetAddress;
import java.util.Objects;

import org.ipsec4j.linux.IpPrefix;

/**
 * A route into the tunnel for the remote traffic selector of an outbound PROTECT policy.
 *
 * @param preferredSource an address of this host inside the policy's local selector, so that packets the host
 *                        itself sends match the policy; null when it has none (the kernel chooses)
 */
public record TunnelRoute(IpPrefix destination, InetAddress preferredSource) {

    public TunnelRoute {
        Objects.requireNonNull(destination, "destination");
    }

    @Override
    public String toString() {
        return destination + (preferredSource != null ? " src " + preferredSource.getHostAddress() : "");
    }
}
