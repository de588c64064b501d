package org.ipsec4j.esp;

import org.ipsec4j.esp.stats.TrafficCounters;

/**
 * A data plane's global counters: protected packets and every drop per direction (drops with an SA are also
 * counted on the SA; those without one, like an unknown SPI, only here, as Linux's XfrmInNoStates), plus
 * bypassed packets, IKE messages handed up and NAT keepalives.
 */
public final class DataPlaneCounters {

    final TrafficCounters outbound = new TrafficCounters();
    final TrafficCounters inbound = new TrafficCounters();
    long bypassed;
    long ikeMessages;
    long keepalivesReceived;
    long keepalivesSent;

    DataPlaneCounters() {}

    /** Packets protected and sent, and outbound drops. */
    public TrafficCounters outbound() {
        return outbound;
    }

    /** Packets decapsulated and delivered, and inbound drops. */
    public TrafficCounters inbound() {
        return inbound;
    }

    public long bypassed() {
        return bypassed;
    }

    public long ikeMessages() {
        return ikeMessages;
    }

    public long keepalivesReceived() {
        return keepalivesReceived;
    }

    public long keepalivesSent() {
        return keepalivesSent;
    }

    @Override
    public String toString() {
        return "out " + outbound + ", in " + inbound + ", bypassed " + bypassed + ", ike " + ikeMessages
                + ", keepalives in/out " + keepalivesReceived + "/" + keepalivesSent;
    }
}
