package org.ipsec4j.daemon.net;

import java.util.function.ToIntFunction;

import org.ipsec4j.esp.sad.SecurityAssociation;

/**
 * The TUN device's MTU: the largest inner packet that, protected by any of the outbound SAs, still fits the
 * path MTU towards its peer, so the kernel segments TCP and fragments before encapsulation (RFC 4301 §8 prefers
 * that to fragmenting ESP). Outer packet = outer IP header + UDP header (RFC 3948) + ESP (RFC 4303 §2) with
 * worst-case padding, or outer IP header + AH (RFC 4302 §2); in transport mode the inner IP header is the outer one.
 */
public final class TunnelMtu {

    /** With no outbound SA there is nothing to compute; this fits AES-GCM in UDP over IPv6 on a 1500 path. */
    public static final int WITHOUT_SAS = 1400;
    /** IPv6 needs at least this on every link (RFC 8200 §5); below it the kernel turns IPv6 off on the device. */
    public static final int IPV6_MINIMUM = 1280;

    private TunnelMtu() {}

    /**
     * @param pathMtu the MTU towards each SA's peer, e.g. the MTU of the interface that holds its local address
     */
    public static int compute(Iterable<SecurityAssociation> sas, ToIntFunction<SecurityAssociation> pathMtu) {
        int mtu = Integer.MAX_VALUE;
        for (SecurityAssociation sa : sas) {
            if (sa.flow() == SecurityAssociation.Flow.OUTBOUND) {
                mtu = Math.min(mtu, largestInnerPacket(sa, pathMtu.applyAsInt(sa)));
            }
        }
        return mtu == Integer.MAX_VALUE ? WITHOUT_SAS : Math.max(mtu, 68); // 68: the IPv4 minimum (RFC 791)
    }

    /** The largest inner packet one SA carries within {@code pathMtu}: the data plane's own computation. */
    public static int largestInnerPacket(SecurityAssociation sa, int pathMtu) {
        return sa.largestInnerPacket(pathMtu);
    }
}
