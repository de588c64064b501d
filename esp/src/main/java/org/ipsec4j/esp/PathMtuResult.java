package org.ipsec4j.esp;

import org.ipsec4j.esp.sad.PathMtuOutcome;
import org.ipsec4j.esp.sad.SecurityAssociation;

/**
 * What {@link DataPlane#icmpReceived} or {@link DataPlane#pathMtuReported} did with a report of a smaller path
 * MTU. Reused call after call; valid until the next call that fills it.
 */
public final class PathMtuResult {

    PathMtuOutcome outcome;
    SecurityAssociation sa;
    int reportedMtu;
    int pathMtu;
    int updated;
    boolean ike;

    void reset(int mtu) {
        outcome = PathMtuOutcome.MALFORMED;
        sa = null;
        reportedMtu = mtu;
        pathMtu = 0;
        updated = 0;
        ike = false;
    }

    public PathMtuOutcome outcome() {
        return outcome;
    }

    /** The SA the quote named (for a quoted IKE packet: the first SA on that path), or null. */
    public SecurityAssociation sa() {
        return sa;
    }

    /** The MTU the ICMP message reported. */
    public int reportedMtu() {
        return reportedMtu;
    }

    /** The SA's path MTU after the report (0 without an SA). */
    public int pathMtu() {
        return pathMtu;
    }

    /** How many SAs' path MTUs went down (more than one for a quoted IKE packet). */
    public int updatedSas() {
        return updated;
    }

    /** Whether the quoted packet was an IKE message (its IKE SPIs were checked instead of an ESP SPI). */
    public boolean quotedIke() {
        return ike;
    }

    @Override
    public String toString() {
        return outcome + " (reported " + reportedMtu + (sa != null ? ", SA 0x" + Integer.toHexString(sa.spi())
                + " now " + pathMtu : "") + (ike ? ", IKE" : "") + (updated > 1 ? ", " + updated + " SAs" : "") + ")";
    }
}
