package org.ipsec4j.diag.analyze;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The last {@value #CAPACITY} IKE datagrams, NAT keepalives and IP fragments by a signature of their IP and
 * transport headers, so that an ICMP error quoting one can be tied to it. The signature covers what an ICMP
 * quote preserves: addresses, protocol, identification and fragment offset, and the first 8 bytes of the
 * transport header (RFC 792; routers change TTL and checksum, which are left out). ESP packets are found
 * through their flow instead ({@link EspFlow#packetOf}).
 */
final class RecentPackets {

    static final int CAPACITY = 1 << 16;

    /** A remembered packet and what it belonged to. */
    record Sighted(long packet, FragmentTrain train, IkeMessageSighting ike) {}

    private final LinkedHashMap<Long, Sighted> bySignature = new LinkedHashMap<>(1024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Sighted> eldest) {
            return size() > CAPACITY;
        }
    };

    void remember(IpHeaderFields ip, Sighted sighted) {
        bySignature.put(signature(ip), sighted);
    }

    /** The packet a quote describes, or null. */
    Sighted find(IpHeaderFields quoted) {
        return bySignature.get(signature(quoted));
    }

    static long signature(IpHeaderFields ip) {
        long h = ip.sourceHigh * 0x9E3779B97F4A7C15L ^ ip.sourceLow;
        h = h * 0x9E3779B97F4A7C15L ^ ip.destinationHigh;
        h = h * 0x9E3779B97F4A7C15L ^ ip.destinationLow;
        h = h * 31 + ip.protocol;
        h = h * 31 + (ip.v6 && !ip.fragment ? 0 : ip.identification);
        h = h * 31 + ip.fragmentOffset;
        int present = Math.min(8, ip.transportPresent);
        for (int i = 0; i < present; i++) {
            h = h * 131 + (ip.buffer[ip.transportOffset + i] & 0xFF);
        }
        return h * 31 + present;
    }
}
