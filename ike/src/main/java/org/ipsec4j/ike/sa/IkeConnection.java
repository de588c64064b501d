package org.ipsec4j.ike.sa;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

import org.ipsec4j.esp.selector.IpAddress;
import org.ipsec4j.ike.message.Proposal;

/**
 * One configured IKE connection, resolved and ready for the engine (a swanctl.conf {@code connections} entry
 * after its files and secrets are loaded).
 *
 * @param localAddresses our addresses; empty means any (responder only)
 * @param remoteAddresses the peer's addresses; empty means any peer ({@code %any}, responder only)
 * @param proposals IKE proposals in preference order (protocol IKE, no SPI)
 * @param forceEncapsulation ESP in UDP even without NAT ({@code encap = yes}): we fake our NAT-D hash as
 *        RFC 7296 §2.23 and strongSwan do, so the peer encapsulates too
 * @param fragmentation whether we announce and use IKE fragmentation (RFC 7383)
 * @param fragmentSizeIpv4 the largest IP packet an IKE fragment may make over IPv4 (576 survives any path)
 * @param fragmentSizeIpv6 the same over IPv6 (1280, the IPv6 minimum MTU)
 * @param dpdDelay liveness check after this much silence; zero disables
 * @param rekeyTime IKE SA rekey interval; zero disables
 * @param randTime up to this much is subtracted at random from each rekey time (jitter)
 * @param pool addresses handed to clients that ask for a virtual IP; null for none
 * @param requestVirtualIp whether we ask the peer for a virtual IP (swanctl {@code vips = 0.0.0.0})
 * @param path how the IKE SA watches its path: path MTU probing, ESP path checks and their repair
 */
public record IkeConnection(String name, List<IpAddress> localAddresses, List<IpAddress> remoteAddresses,
                            int localPort, int remotePort, List<Proposal> proposals, LocalAuthentication local,
                            PeerAuthentication remote, boolean forceEncapsulation, boolean fragmentation,
                            int fragmentSizeIpv4, int fragmentSizeIpv6, Duration dpdDelay, Duration rekeyTime,
                            Duration randTime, AddressPool pool, boolean requestVirtualIp,
                            List<ChildConnection> children, PathOptions path) {

    /**
     * What an IKE SA does about its path, beyond RFC 7296.
     *
     * @param pmtuDiscovery     probe the path MTU with padded INFORMATIONAL requests (RFC 8899 in spirit)
     * @param pmtuProbeInterval how often the discovered value is confirmed (black-hole detection); every tenth
     *                          time a search for a larger one starts
     * @param encapFallback     when ESP sent as IP protocol 50 gets no answer while IKE does, negotiate a new IKE
     *                          SA with UDP encapsulation forced and move the Child SAs there
     */
    public record PathOptions(boolean pmtuDiscovery, Duration pmtuProbeInterval, boolean encapFallback) {

        /** swanctl's defaults in ipsec4j: all on, the path MTU confirmed every minute. */
        public static final PathOptions DEFAULT = new PathOptions(true, Duration.ofMinutes(1), true);
        /** Without path MTU probes (the engine's tests count every message). */
        public static final PathOptions NO_PROBES = new PathOptions(false, Duration.ofMinutes(1), true);

        public PathOptions {
            Objects.requireNonNull(pmtuProbeInterval, "pmtuProbeInterval");
            if (pmtuProbeInterval.toMillis() < 1000) {
                throw new IllegalArgumentException("pmtu_probe_interval below 1 s");
            }
        }
    }

    /** Without path options: {@link PathOptions#NO_PROBES}. */
    public IkeConnection(String name, List<IpAddress> localAddresses, List<IpAddress> remoteAddresses,
                         int localPort, int remotePort, List<Proposal> proposals, LocalAuthentication local,
                         PeerAuthentication remote, boolean forceEncapsulation, boolean fragmentation,
                         int fragmentSizeIpv4, int fragmentSizeIpv6, Duration dpdDelay, Duration rekeyTime,
                         Duration randTime, AddressPool pool, boolean requestVirtualIp,
                         List<ChildConnection> children) {
        this(name, localAddresses, remoteAddresses, localPort, remotePort, proposals, local, remote,
                forceEncapsulation, fragmentation, fragmentSizeIpv4, fragmentSizeIpv6, dpdDelay, rekeyTime, randTime,
                pool, requestVirtualIp, children, PathOptions.NO_PROBES);
    }

    /** The same connection with other path options. */
    public IkeConnection withPath(PathOptions options) {
        return new IkeConnection(name, localAddresses, remoteAddresses, localPort, remotePort, proposals, local,
                remote, forceEncapsulation, fragmentation, fragmentSizeIpv4, fragmentSizeIpv6, dpdDelay, rekeyTime,
                randTime, pool, requestVirtualIp, children, options);
    }

    public IkeConnection {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(path, "path");
        localAddresses = List.copyOf(localAddresses);
        remoteAddresses = List.copyOf(remoteAddresses);
        proposals = List.copyOf(proposals);
        Objects.requireNonNull(local, "local");
        Objects.requireNonNull(remote, "remote");
        Objects.requireNonNull(dpdDelay, "dpdDelay");
        Objects.requireNonNull(rekeyTime, "rekeyTime");
        Objects.requireNonNull(randTime, "randTime");
        children = List.copyOf(children);
        if (proposals.isEmpty()) {
            throw new IllegalArgumentException(name + ": no IKE proposals");
        }
        if (fragmentSizeIpv4 < 576 || fragmentSizeIpv6 < 1280) {
            throw new IllegalArgumentException(name + ": fragment sizes below 576 (IPv4) / 1280 (IPv6) bytes");
        }
    }

    public ChildConnection child(String childName) {
        for (ChildConnection c : children) {
            if (c.name().equals(childName)) {
                return c;
            }
        }
        return null;
    }

    /** Whether a peer at this address may use this connection (as responder). */
    public boolean acceptsPeer(IpAddress peer) {
        return remoteAddresses.isEmpty() || remoteAddresses.contains(peer);
    }

    public boolean acceptsLocal(IpAddress address) {
        return localAddresses.isEmpty() || localAddresses.contains(address);
    }
}
