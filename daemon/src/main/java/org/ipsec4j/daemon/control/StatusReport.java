package org.ipsec4j.daemon.control;

import java.util.List;
import java.util.Map;

/**
 * What {@code ipsec4j status} shows: the daemon, every SA with its counters and non-zero drop reasons, every
 * policy with its hits, and the data plane's global counters; with IKE, the connections and every IKE SA with
 * its Child SAs. Plain values, rendered as text by {@link StatusText} and as JSON by {@link StatusJson}.
 * Never holds a key.
 *
 * @param sas      the SAs of the setkey file (IKE's Child SAs are under {@code ikeSas})
 * @param policies the policies of the setkey file
 * @param ike      the swanctl configuration, or null when the daemon runs without one
 * @param ikeSas   the IKE SAs, empty without IKE
 */
public record StatusReport(DaemonSummary daemon, List<SaStatus> sas, List<PolicyStatus> policies,
        GlobalCounters global, IkeSummary ike, List<IkeSaReport> ikeSas, List<HeldPolicy> failClosed) {

    public StatusReport {
        sas = List.copyOf(sas);
        policies = List.copyOf(policies);
        ikeSas = List.copyOf(ikeSas);
        failClosed = List.copyOf(failClosed);
    }

    /** Without holds or shunts. */
    public StatusReport(DaemonSummary daemon, List<SaStatus> sas, List<PolicyStatus> policies, GlobalCounters global,
            IkeSummary ike, List<IkeSaReport> ikeSas) {
        this(daemon, sas, policies, global, ike, ikeSas, List.of());
    }

    /**
     * A policy outside the ordered SPD: a fail-closed hold (outbound, protect, no SA: what it selects is dropped
     * while no Child SA carries it) or a shunt (swanctl {@code mode = pass | drop}, ahead of every tunnel).
     *
     * @param name   {@code hold CONNECTION/CHILD} or {@code shunt CONNECTION/CHILD}
     * @param action {@code drop (no SA)}, {@code bypass} or {@code discard}
     * @param hits   packets it decided
     */
    public record HeldPolicy(String name, String selector, String action, long hits) {}

    /** Without IKE. */
    public StatusReport(DaemonSummary daemon, List<SaStatus> sas, List<PolicyStatus> policies, GlobalCounters global) {
        this(daemon, sas, policies, global, null, List.of(), List.of());
    }

    /**
     * @param setkeyFile    the file loaded (absolute path), or null when the daemon runs without one
     * @param tunnel        the TUN interface name
     * @param tunnelMtu     its MTU
     * @param encapsulation what plain {@code esp} SAs use: {@code udp} or {@code none}
     * @param routingTable  the routing table that holds the tunnel routes
     * @param firewallMark  the mark on the daemon's own sockets
     */
    public record DaemonSummary(String version, long pid, long uptimeSeconds, String setkeyFile, String tunnel,
            int tunnelMtu, String encapsulation, int routingTable, int firewallMark) {}

    /**
     * One SA. {@code bytes} and {@code packets} count the clear IP packets it carried (see
     * {@link StatusText#LEGEND}).
     *
     * @param encryption         null for AH
     * @param udpLocalPort       0 without UDP encapsulation
     * @param replayWindow       inbound: window size in packets (0 = off); outbound: -1
     * @param sequenceNumber     outbound: the last sequence number sent; inbound: the highest received
     * @param softLifetime       e.g. {@code "3600 s, 1000000 bytes"} or {@code "none"}
     * @param drops              drop reason name -> count, non-zero ones only
     */
    public record SaStatus(long spi, String direction, String protocol, String mode, String localAddress,
            String remoteAddress, int udpLocalPort, int udpRemotePort, String encryption, String integrity,
            int replayWindow, long sequenceNumber, String state, long ageSeconds, String softLifetime,
            String hardLifetime, long bytes, long packets, Map<String, Long> drops, int setkeyLine,
            PathMtuStatus pathMtu) {

        public SaStatus {
            drops = Map.copyOf(drops);
        }

        /** Without path MTU information. */
        public SaStatus(long spi, String direction, String protocol, String mode, String localAddress,
                String remoteAddress, int udpLocalPort, int udpRemotePort, String encryption, String integrity,
                int replayWindow, long sequenceNumber, String state, long ageSeconds, String softLifetime,
                String hardLifetime, long bytes, long packets, Map<String, Long> drops, int setkeyLine) {
            this(spi, direction, protocol, mode, localAddress, remoteAddress, udpLocalPort, udpRemotePort, encryption,
                    integrity, replayWindow, sequenceNumber, state, ageSeconds, softLifetime, hardLifetime, bytes,
                    packets, drops, setkeyLine, null);
        }

        /** The SPI as setkey writes it, {@code 0x00001001}. */
        public String spiText() {
            return String.format("0x%08x", spi);
        }
    }

    /**
     * An SA's outer path MTU (RFC 4301 §8.2) and what it leaves for inner packets.
     *
     * @param current           the value in force; 0 if unknown
     * @param link              the MTU of the interface towards the peer; 0 if unknown
     * @param learned           the value learned from ICMP and not aged out yet, or 0
     * @param learnedSecondsAgo how long ago it was learned (-1 without one)
     * @param innerMtu          the largest inner packet that fits {@code current} once encapsulated (0 if unknown)
     * @param changes           how many ICMP reports lowered it
     * @param probed            the path MTU IKE's probes found for the SA's Child SA (it does not age), or 0
     * @param searchBase        while IKE's first search runs, the path MTU TCP SYNs are clamped to (if below
     *                          {@code current}), or 0
     */
    public record PathMtuStatus(int current, int link, int learned, long learnedSecondsAgo, int innerMtu,
            long changes, int probed, int searchBase) {

        /** Without a probed value. */
        public PathMtuStatus(int current, int link, int learned, long learnedSecondsAgo, int innerMtu, long changes) {
            this(current, link, learned, learnedSecondsAgo, innerMtu, changes, 0);
        }

        /** Without a search base. */
        public PathMtuStatus(int current, int link, int learned, long learnedSecondsAgo, int innerMtu, long changes,
                int probed) {
            this(current, link, learned, learnedSecondsAgo, innerMtu, changes, probed, 0);
        }

        /** Whether IKE's first search runs (SYNs clamped to {@link #searchBase}). */
        public boolean searching() {
            return searchBase != 0;
        }

        /** {@code 1000 (learned 12 s ago, link 1300), inner 942}; {@code 1400 (probed, link 1500), inner 1338} */
        public String text() {
            if (current == 0) {
                return "unknown";
            }
            String linkText = "link " + (link == 0 ? "unknown" : Integer.toString(link));
            String how = learned != 0 ? " (learned " + learnedSecondsAgo + " s ago, "
                    + (probed != 0 ? "probed " + probed + ", " : "") + linkText + ")"
                    : probed != 0 ? " (probed, " + linkText + ")" : " (link)";
            return current + how + ", inner " + innerMtu + (searching() ? ", SYNs as if " + Math.min(current,
                    searchBase) + " while searching" : "");
        }
    }

    /** One SPD entry, in SPD order per direction. */
    public record PolicyStatus(String direction, String selector, String action, long hits, String boundSpi,
            int setkeyLine) {}

    /** Data-plane totals per direction; drops include those with no SA to count them on. */
    public record GlobalCounters(long outboundPackets, long outboundBytes, Map<String, Long> outboundDrops,
            long inboundPackets, long inboundBytes, Map<String, Long> inboundDrops, long bypassed, long ikeMessages,
            long keepalivesSent, long keepalivesReceived, Map<String, Long> pathMtu) {

        public GlobalCounters {
            outboundDrops = Map.copyOf(outboundDrops);
            inboundDrops = Map.copyOf(inboundDrops);
            pathMtu = Map.copyOf(pathMtu);
        }

        /** Without path MTU counters. */
        public GlobalCounters(long outboundPackets, long outboundBytes, Map<String, Long> outboundDrops,
                long inboundPackets, long inboundBytes, Map<String, Long> inboundDrops, long bypassed, long ikeMessages,
                long keepalivesSent, long keepalivesReceived) {
            this(outboundPackets, outboundBytes, outboundDrops, inboundPackets, inboundBytes, inboundDrops, bypassed,
                    ikeMessages, keepalivesSent, keepalivesReceived, Map.of());
        }
    }

    /**
     * The swanctl configuration: its file and its connections, in file order.
     *
     * @param swanctlFile     the file loaded (absolute path)
     * @param droppedMessages IKE messages dropped: malformed, for no known IKE SA, out of their window, or
     *                        arriving faster than the IKE thread takes them
     * @param cookiesDemanded IKE_SA_INIT requests answered with a COOKIE because too many IKE SAs were half-open
     *                        (RFC 7296 §2.6)
     * @param halfOpen        responder IKE SAs waiting for IKE_AUTH now
     */
    public record IkeSummary(String swanctlFile, List<ConnectionSummary> connections, long droppedMessages,
            long cookiesDemanded, int halfOpen) {

        public IkeSummary {
            connections = List.copyOf(connections);
        }
    }

    /**
     * One configured connection.
     *
     * @param localAddresses  empty for %any
     * @param remoteAddresses empty for %any
     * @param children        the child names, each with {@code (start)} when it starts with the daemon
     */
    public record ConnectionSummary(String name, List<String> localAddresses, List<String> remoteAddresses,
            String localId, String remoteId, String authentication, List<String> children) {

        public ConnectionSummary {
            localAddresses = List.copyOf(localAddresses);
            remoteAddresses = List.copyOf(remoteAddresses);
            children = List.copyOf(children);
        }
    }

    /**
     * One IKE SA, in the terms of strongSwan's {@code swanctl --list-sas}.
     *
     * @param initiatorSpi    16 hex digits
     * @param responderSpi    16 hex digits (all zero until the responder answered)
     * @param initiator       whether we initiated it
     * @param algorithms      e.g. {@code AES_GCM_16_128/PRF_HMAC_SHA2_256/CURVE_25519}; null before IKE_SA_INIT
     * @param localBehindNat  NAT detection found a NAT in front of us (RFC 7296 §2.23)
     * @param remoteBehindNat ... in front of the peer
     * @param udpEncapsulation whether ESP travels in UDP (a NAT, or encap = yes)
     * @param natFaked        encap = yes: we fake NAT detection so that ESP travels in UDP (the peer then sees
     *                        us behind a NAT; with encap = yes on both ends, each sees the other so)
     * @param localVirtualIp  the virtual IP the peer gave us, or null
     * @param remoteVirtualIp the virtual IP we gave the peer from a pool, or null
     * @param pathMtu         the path MTU towards the peer that IKE probes found (outer IP bytes), 0 if none
     * @param pathMtuState    {@code confirmed}, {@code searching between A and B}, or why probing is off
     */
    public record IkeSaReport(String connection, String state, String initiatorSpi, String responderSpi,
            boolean initiator, String localAddress, int localPort, String remoteAddress, int remotePort,
            String localId, String remoteId, String algorithms, boolean localBehindNat, boolean remoteBehindNat,
            boolean udpEncapsulation, boolean natFaked, boolean fragmentation, String localVirtualIp,
            String remoteVirtualIp, List<ChildSaReport> children, int pathMtu, String pathMtuState) {

        public IkeSaReport {
            children = List.copyOf(children);
        }

        /** Without path MTU knowledge. */
        public IkeSaReport(String connection, String state, String initiatorSpi, String responderSpi,
                boolean initiator, String localAddress, int localPort, String remoteAddress, int remotePort,
                String localId, String remoteId, String algorithms, boolean localBehindNat, boolean remoteBehindNat,
                boolean udpEncapsulation, boolean natFaked, boolean fragmentation, String localVirtualIp,
                String remoteVirtualIp, List<ChildSaReport> children) {
            this(connection, state, initiatorSpi, responderSpi, initiator, localAddress, localPort, remoteAddress,
                    remotePort, localId, remoteId, algorithms, localBehindNat, remoteBehindNat, udpEncapsulation,
                    natFaked, fragmentation, localVirtualIp, remoteVirtualIp, children, 0, "off");
        }
    }

    /**
     * One Child SA pair. SPIs as swanctl prints them: 8 hex digits, inbound ours, outbound the peer's. Bytes and
     * packets are counted as for manual SAs (the clear IP packets).
     */
    public record ChildSaReport(String name, String state, int reqid, String mode, String inboundSpi,
            String outboundSpi, String algorithms, boolean udpEncapsulation, List<String> localSelectors,
            List<String> remoteSelectors, long inboundBytes, long inboundPackets, long outboundBytes,
            long outboundPackets, String espPathFailure, PathMtuStatus pathMtu) {

        public ChildSaReport {
            localSelectors = List.copyOf(localSelectors);
            remoteSelectors = List.copyOf(remoteSelectors);
        }

        /** With a working (or unknown) ESP path, without path MTU information. */
        public ChildSaReport(String name, String state, int reqid, String mode, String inboundSpi,
                String outboundSpi, String algorithms, boolean udpEncapsulation, List<String> localSelectors,
                List<String> remoteSelectors, long inboundBytes, long inboundPackets, long outboundBytes,
                long outboundPackets) {
            this(name, state, reqid, mode, inboundSpi, outboundSpi, algorithms, udpEncapsulation, localSelectors,
                    remoteSelectors, inboundBytes, inboundPackets, outboundBytes, outboundPackets, null, null);
        }

        /** Without path MTU information (filled in from the outbound SA by the daemon, {@link #withPathMtu}). */
        public ChildSaReport(String name, String state, int reqid, String mode, String inboundSpi,
                String outboundSpi, String algorithms, boolean udpEncapsulation, List<String> localSelectors,
                List<String> remoteSelectors, long inboundBytes, long inboundPackets, long outboundBytes,
                long outboundPackets, String espPathFailure) {
            this(name, state, reqid, mode, inboundSpi, outboundSpi, algorithms, udpEncapsulation, localSelectors,
                    remoteSelectors, inboundBytes, inboundPackets, outboundBytes, outboundPackets, espPathFailure,
                    null);
        }

        public ChildSaReport withPathMtu(PathMtuStatus p) {
            return new ChildSaReport(name, state, reqid, mode, inboundSpi, outboundSpi, algorithms, udpEncapsulation,
                    localSelectors, remoteSelectors, inboundBytes, inboundPackets, outboundBytes, outboundPackets,
                    espPathFailure, p);
        }
    }
}
