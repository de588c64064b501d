package org.ipsec4j.daemon.control;

import java.util.List;
import java.util.Map;

/**
 * What {@code ipsec4j status} shows: the daemon, every SA with its counters and non-zero drop reasons, every
 * policy with its hits, and the data plane's global counters. Plain values, rendered as text by
 * {@link StatusText} and as JSON by {@link StatusJson}. Never holds a key.
 */
public record StatusReport(DaemonSummary daemon, List<SaStatus> sas, List<PolicyStatus> policies,
        GlobalCounters global) {

    public StatusReport {
        sas = List.copyOf(sas);
        policies = List.copyOf(policies);
    }

    /**
     * @param setkeyFile    the file loaded (absolute path)
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
            String hardLifetime, long bytes, long packets, Map<String, Long> drops, int setkeyLine) {

        public SaStatus {
            drops = Map.copyOf(drops);
        }

        /** The SPI as setkey writes it, {@code 0x00001001}. */
        public String spiText() {
            return String.format("0x%08x", spi);
        }
    }

    /** One SPD entry, in SPD order per direction. */
    public record PolicyStatus(String direction, String selector, String action, long hits, String boundSpi,
            int setkeyLine) {}

    /** Data-plane totals per direction; drops include those with no SA to count them on. */
    public record GlobalCounters(long outboundPackets, long outboundBytes, Map<String, Long> outboundDrops,
            long inboundPackets, long inboundBytes, Map<String, Long> inboundDrops, long bypassed, long ikeMessages,
            long keepalivesSent, long keepalivesReceived) {

        public GlobalCounters {
            outboundDrops = Map.copyOf(outboundDrops);
            inboundDrops = Map.copyOf(inboundDrops);
        }
    }
}
