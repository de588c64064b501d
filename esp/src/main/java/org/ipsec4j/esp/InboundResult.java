package org.ipsec4j.esp;

import org.ipsec4j.esp.sad.SecurityAssociation;
import org.ipsec4j.esp.spd.SecurityPolicy;
import org.ipsec4j.esp.stats.DropReason;

/**
 * What to do with a received packet after inbound processing. One instance is reused packet after packet.
 *
 * <ul>
 *   <li>{@link Action#DELIVER}: write {@code buffer[offset .. offset+length)}, a whole inner IP packet, to the
 *       TUN device.</li>
 *   <li>{@link Action#IKE}: an IKE message for the IKE daemon ({@code offset}/{@code length} span it, after
 *       the non-ESP marker when it came on port 4500; RFC 3948 §2.2).</li>
 *   <li>{@link Action#KEEPALIVE}: a NAT keepalive (RFC 3948 §2.3), counted and otherwise ignored.</li>
 *   <li>{@link Action#DROP}: dropped for {@link #dropReason()}, already counted.</li>
 * </ul>
 */
public final class InboundResult {

    public enum Action {
        DELIVER,
        IKE,
        KEEPALIVE,
        DROP
    }

    Action action;
    DropReason dropReason;
    byte[] buffer;
    int offset;
    int length;
    SecurityAssociation sa;
    SecurityPolicy policy;

    void reset(byte[] buf) {
        action = Action.DROP;
        dropReason = null;
        buffer = buf;
        offset = 0;
        length = 0;
        sa = null;
        policy = null;
    }

    public Action action() {
        return action;
    }

    public DropReason dropReason() {
        return dropReason;
    }

    public byte[] buffer() {
        return buffer;
    }

    public int offset() {
        return offset;
    }

    public int length() {
        return length;
    }

    /** The SA the packet came on (DELIVER, and drops after the SA was found), else null. */
    public SecurityAssociation sa() {
        return sa;
    }

    /** The inbound policy that allowed the inner packet (DELIVER), else null. */
    public SecurityPolicy policy() {
        return policy;
    }

    @Override
    public String toString() {
        return switch (action) {
            case DELIVER -> "DELIVER " + length + " bytes" + (sa != null ? " from spi 0x" + Integer.toHexString(sa.spi()) : "");
            case IKE -> "IKE " + length + " bytes";
            case KEEPALIVE -> "KEEPALIVE";
            case DROP -> "DROP " + dropReason;
        };
    }
}
