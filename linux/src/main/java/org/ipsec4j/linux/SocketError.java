package org.ipsec4j.linux;

import java.net.InetAddress;

/**
 * An error the kernel queued for a socket with {@link InetDatagramSocket#setReceiveErrors} on, read with
 * {@link InetDatagramSocket#tryReceiveError()}: typically an ICMP message quoting one of our datagrams
 * (ip(7) IP_RECVERR, {@code struct sock_extended_err} in linux/errqueue.h).
 *
 * @param errno               what it means for the socket: ECONNREFUSED (port unreachable), EMSGSIZE
 *                            (fragmentation needed / packet too big, or a local send over the path MTU),
 *                            EHOSTUNREACH, ...
 * @param origin              who reported it
 * @param icmpType            the ICMP(v6) type (for ICMP origins)
 * @param icmpCode            the ICMP(v6) code
 * @param info                ee_info: for EMSGSIZE the path MTU the kernel now uses
 * @param offender            the address that sent the ICMP message, or null (local errors)
 * @param originalDestination where the datagram that caused it was going (for raw sockets the port is 0)
 * @param payload             the start of that datagram's payload as the kernel kept it
 */
public record SocketError(int errno, Origin origin, int icmpType, int icmpCode, int info, InetAddress offender,
                          SocketEndpoint originalDestination, byte[] payload) {

    /** ee_origin values (SO_EE_ORIGIN_*). */
    public enum Origin {
        NONE, LOCAL, ICMP, ICMP6, OTHER;

        static Origin of(int code) {
            return switch (code) {
                case 0 -> NONE;
                case LinuxConstants.SO_EE_ORIGIN_LOCAL -> LOCAL;
                case LinuxConstants.SO_EE_ORIGIN_ICMP -> ICMP;
                case LinuxConstants.SO_EE_ORIGIN_ICMP6 -> ICMP6;
                default -> OTHER;
            };
        }
    }

    /**
     * Whether this says our packets are too big for the path: ICMP fragmentation needed (type 3 code 4), ICMPv6
     * packet too big (type 2), or a local send refused for exceeding the path MTU. {@link #info()} is the MTU.
     */
    public boolean isPacketTooBig() {
        return switch (origin) {
            case ICMP -> icmpType == 3 && icmpCode == 4;
            case ICMP6 -> icmpType == 2;
            case LOCAL -> errno == Errno.EMSGSIZE;
            default -> false;
        };
    }

    /** The path MTU this error reports, or 0 if it is not about packet size. */
    public int mtu() {
        return isPacketTooBig() ? info : 0;
    }

    /** The errno's symbolic name, e.g. {@code ECONNREFUSED}. */
    public String errnoName() {
        String name = LibC.errnoName(errno);
        return name != null ? name : "errno " + errno;
    }

    @Override
    public String toString() {
        return "SocketError[" + errnoName() + " from " + origin + (origin == Origin.ICMP || origin == Origin.ICMP6
                ? " type " + icmpType + " code " + icmpCode : "") + (info != 0 ? " info " + info : "")
                + (offender != null ? " by " + offender.getHostAddress() : "") + " about datagram to "
                + originalDestination + " (" + payload.length + " bytes)]";
    }
}
