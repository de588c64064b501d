package org.ipsec4j.ike.config;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An IKE connection ({@code connections.<conn>} in swanctl.conf), defaults filled in as swanctl.conf(5)
 * documents them. Always IKEv2: {@code version} 0 (the default, "any") and 2 mean the same here.
 *
 * <p>Accepted and not kept in the model: {@code reauth_time} (only 0, "never", the default: reauthentication
 * is not implemented) and {@code mobike} (yes or no: ipsec4j does not implement MOBIKE, RFC 4555, so with
 * {@code yes} it simply never announces MOBIKE_SUPPORTED and the peer treats the SA as a plain one; strongSwan
 * does the same with a peer that does not support it).
 *
 * @param name            the section name
 * @param localAddrs      local addresses (default {@code %any})
 * @param remoteAddrs     remote addresses (default {@code %any}); to initiate, one must be a single address
 * @param localPort       local IKE port (default 500; with 500, NAT-T floats to 4500)
 * @param remotePort      remote IKE port (default 500)
 * @param proposals       IKE proposals (default: {@link ProposalParser#DEFAULT_IKE})
 * @param vips            virtual IPs to request with a configuration payload; 0.0.0.0 or :: for "any"
 * @param pools           names of {@code pools} sections to hand out virtual IPs from (each one exists)
 * @param encap           force UDP encapsulation by faking NAT detection (default no)
 * @param fragmentation   IKE fragmentation, RFC 7383 (default yes)
 * @param dpdDelay        interval of liveness checks when nothing was received (default 0: none)
 * @param dpdTimeout      IKEv1 only in strongSwan, without effect on IKEv2; kept for completeness (default 0)
 * @param rekeyTime       IKE SA rekeying interval (default 4h; zero: never)
 * @param overTime        hard IKE SA lifetime past rekey_time (default 10% of rekey_time)
 * @param randTime        range of the random time subtracted from rekey_time (default over_time)
 * @param keyingTries     retransmission sequences on initial connect; 0 = forever (default 1)
 * @param unique          uniqueness policy for the remote identity (default {@link Unique#NO})
 * @param sendCertRequest send CERTREQ payloads (default yes)
 * @param sendCert        when to send CERT payloads (default {@link SendCert#IFASKED})
 * @param local           the local authentication round
 * @param remote          the remote authentication round
 * @param children        Child SA configurations by name, in file order
 * @param pmtuDiscovery     ipsec4j's {@code pmtu_discovery}: probe the path MTU with padded IKE messages (default yes)
 * @param pmtuProbeInterval ipsec4j's {@code pmtu_probe_interval}: how often the value is confirmed (default 1m)
 * @param encapFallback     ipsec4j's {@code encap_fallback}: move to UDP encapsulation when raw ESP is blocked
 *                          while IKE passes (default yes)
 */
public record ConnectionConfig(String name, List<PeerAddress> localAddrs, List<PeerAddress> remoteAddrs,
                               int localPort, int remotePort, List<ProposalSpec> proposals,
                               List<InetAddress> vips, List<String> pools, boolean encap,
                               Fragmentation fragmentation, Duration dpdDelay, Duration dpdTimeout,
                               Duration rekeyTime, Duration overTime, Duration randTime, int keyingTries,
                               Unique unique, boolean sendCertRequest, SendCert sendCert, AuthRoundConfig local,
                               AuthRoundConfig remote, Map<String, ChildConfig> children, boolean pmtuDiscovery,
                               Duration pmtuProbeInterval, boolean encapFallback) {

    /** {@code fragmentation}. */
    public enum Fragmentation {
        /** Send fragments if the peer announced support; accept them always (the default). */
        YES,
        /** Never send fragments; fragments the peer sends are still accepted. */
        NO,
        /** strongSwan's IKEv1-only "fragment the first message too"; with IKEv2 the same as YES. */
        FORCE
    }

    /** {@code send_cert}. */
    public enum SendCert {
        ALWAYS,
        NEVER,
        /** Only if the peer sent a certificate request (the default). */
        IFASKED
    }

    /** {@code unique}: what to do with existing IKE SAs of the same remote identity. */
    public enum Unique {
        /** Never close existing SAs, even on INITIAL_CONTACT. */
        NEVER,
        /** Replace existing SAs only if the new one carries INITIAL_CONTACT (the default). */
        NO,
        /** Refuse the new SA while one exists. */
        KEEP,
        /** Delete existing SAs once the new one is up. */
        REPLACE
    }

    public ConnectionConfig {
        Objects.requireNonNull(name, "name");
        localAddrs = List.copyOf(localAddrs);
        remoteAddrs = List.copyOf(remoteAddrs);
        proposals = List.copyOf(proposals);
        vips = List.copyOf(vips);
        pools = List.copyOf(pools);
        Objects.requireNonNull(fragmentation, "fragmentation");
        Objects.requireNonNull(dpdDelay, "dpdDelay");
        Objects.requireNonNull(dpdTimeout, "dpdTimeout");
        Objects.requireNonNull(rekeyTime, "rekeyTime");
        Objects.requireNonNull(overTime, "overTime");
        Objects.requireNonNull(randTime, "randTime");
        Objects.requireNonNull(unique, "unique");
        Objects.requireNonNull(sendCert, "sendCert");
        Objects.requireNonNull(local, "local");
        Objects.requireNonNull(remote, "remote");
        Objects.requireNonNull(pmtuProbeInterval, "pmtuProbeInterval");
        children = Collections.unmodifiableMap(new LinkedHashMap<>(children));
        if (localAddrs.isEmpty() || remoteAddrs.isEmpty() || proposals.isEmpty()) {
            throw new IllegalArgumentException("connection " + name + ": empty address or proposal list");
        }
        if (localPort < 1 || localPort > 65535 || remotePort < 1 || remotePort > 65535 || keyingTries < 0) {
            throw new IllegalArgumentException("connection " + name + ": bad port or keyingtries");
        }
    }

    /** The address to initiate to: the first single address of remote_addrs, if any. */
    public Optional<InetAddress> remoteAddressToInitiate() {
        return remoteAddrs.stream().filter(PeerAddress::isSingle).findFirst().map(PeerAddress::address);
    }

    /** The address to initiate from: the first single address of local_addrs, if any (else: any). */
    public Optional<InetAddress> localAddressToInitiate() {
        return localAddrs.stream().filter(PeerAddress::isSingle).findFirst().map(PeerAddress::address);
    }
}
