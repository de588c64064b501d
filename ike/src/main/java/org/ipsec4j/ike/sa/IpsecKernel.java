package org.ipsec4j.ike.sa;

import org.ipsec4j.esp.sad.UdpEncapsulation;
import org.ipsec4j.esp.selector.IpAddress;

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

    /** Bytes and packets through a pair. */
    record ChildSaUsage(long inboundBytes, long inboundPackets, long outboundBytes, long outboundPackets) {
    }
}
