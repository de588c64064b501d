package org.ipsec4j.ike.sa;

import java.util.List;

import org.ipsec4j.esp.sad.UdpEncapsulation;
import org.ipsec4j.esp.selector.IpAddress;
import org.ipsec4j.esp.selector.TrafficSelector;

/**
 * What IKE needs from the data plane, the way an IKE daemon talks to a kernel (RFC 4301 §4.4 PF_KEY-like):
 * reserve inbound SPIs, install and remove Child SA pairs with their policies, move a pair to new outer
 * addresses when a NAT mapping changes, and count the traffic of a pair (inbound packets prove the peer alive, so DPD need not ask).
 */
public interface IpsecKernel {

    /** A fresh inbound ESP SPI, reserved until installed or released. */
    int allocateSpi();

    void releaseSpi(int spi);

    /**
     * Installs both SAs of a pair and the policies of its selectors. If policies with this reqid exist (a
     * rekey), the old pair keeps working until removed (make-before-break), and the outbound policies switch
     * to the new outbound SA atomically — now if {@code useForOutbound}, else when the old pair is removed (the
     * responder of a rekey must not send on the new SA before the initiator surely has it, RFC 7296 §2.8).
     */
    void install(ChildSaInstallation pair, boolean useForOutbound);

    /** Removes one pair; its policies go with the last pair of their reqid. */
    void remove(int reqid, int inboundSpi, int outboundSpi);

    /** The outer addresses of every pair of this reqid changed (RFC 7296 §2.23 NAT mapping update). */
    void updateAddresses(int reqid, IpAddress local, IpAddress remote, UdpEncapsulation encapsulation);

    /** Counters of an installed pair, or null if it is not installed. */
    ChildSaUsage usage(int inboundSpi, int outboundSpi);

    /**
     * Fail closed: outbound policies for {@code selectors} that no SA serves (level require: packets that match
     * them, and no Child SA's policy, are dropped). IKE keeps them for what it is to protect while no Child SA
     * does: while it negotiates, after the peer vanished. Replaces the holds of the same key.
     */
    default void hold(String key, List<TrafficSelector> selectors) {
    }

    /** Removes the holds of {@code key} (the operator took the connection down, or removed it). */
    default void release(String key) {
    }

    /**
     * The path MTU IKE's probes found towards the peer of the pairs of {@code reqid}: the largest outer IP packet
     * that arrives (RFC 8899 in spirit). For the data plane's per-SA path MTU; a kernel without one ignores it.
     */
    default void updatePathMtu(int reqid, int pathMtu) {
    }

    /**
     * While the first path MTU search of the IKE SA of the pairs of {@code reqid} has confirmed nothing, the path
     * MTU the MSS of their TCP SYNs is clamped to ({@code base}; 0 once the search confirmed a value or gave up).
     * Only the MSS: what is sent, and the too-big errors for what is larger, are unchanged. A kernel without MSS
     * clamping ignores it.
     */
    default void updatePathMtuSearchBase(int reqid, int base) {
    }

    /** Bytes and packets through a pair. */
    record ChildSaUsage(long inboundBytes, long inboundPackets, long outboundBytes, long outboundPackets) {
    }
}
