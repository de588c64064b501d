package org.ipsec4j.esp.sad;

/** ESP in UDP (RFC 3948): the local and remote UDP ports, 4500 on both sides unless a NAT changed them. */
public record UdpEncapsulation(int localPort, int remotePort) {

    /** The IKE NAT-traversal port (RFC 3948 §2, RFC 7296 §2.23). */
    public static final int NAT_T_PORT = 4500;

    public static final UdpEncapsulation DEFAULT = new UdpEncapsulation(NAT_T_PORT, NAT_T_PORT);

    public UdpEncapsulation {
        if (localPort < 1 || localPort > 0xFFFF || remotePort < 1 || remotePort > 0xFFFF) {
            throw new IllegalArgumentException("UDP ports " + localPort + "/" + remotePort + " outside 1..65535");
        }
    }
}
