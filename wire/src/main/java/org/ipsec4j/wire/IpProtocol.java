package org.ipsec4j.wire;

/**
 * IANA "Assigned Internet Protocol Numbers": the IPv4 Protocol and IPv6 Next Header values this project
 * meets. Plain {@code int} constants so they work in switches on the unsigned byte read from a packet.
 */
public final class IpProtocol {

    public static final int HOPOPT = 0;
    public static final int ICMP = 1;
    public static final int IPIP = 4;
    public static final int TCP = 6;
    public static final int UDP = 17;
    public static final int IPV6 = 41;
    public static final int IPV6_ROUTE = 43;
    public static final int IPV6_FRAG = 44;
    public static final int GRE = 47;
    public static final int ESP = 50;
    public static final int AH = 51;
    public static final int ICMPV6 = 58;
    public static final int IPV6_NONXT = 59;
    public static final int IPV6_OPTS = 60;
    public static final int MOBILITY = 135;
    public static final int HIP = 139;
    public static final int SHIM6 = 140;

    private IpProtocol() {}

    /** The IANA keyword for a protocol number, or its decimal value if this class has no name for it. */
    public static String name(int protocol) {
        return switch (protocol) {
            case HOPOPT -> "HOPOPT";
            case ICMP -> "ICMP";
            case IPIP -> "IPIP";
            case TCP -> "TCP";
            case UDP -> "UDP";
            case IPV6 -> "IPv6";
            case IPV6_ROUTE -> "IPv6-Route";
            case IPV6_FRAG -> "IPv6-Frag";
            case GRE -> "GRE";
            case ESP -> "ESP";
            case AH -> "AH";
            case ICMPV6 -> "IPv6-ICMP";
            case IPV6_NONXT -> "IPv6-NoNxt";
            case IPV6_OPTS -> "IPv6-Opts";
            case MOBILITY -> "Mobility";
            case HIP -> "HIP";
            case SHIM6 -> "Shim6";
            default -> Integer.toString(protocol);
        };
    }

    /**
     * Whether an IPv6 Next Header value names an extension header that the chain walk steps over (RFC 8200
     * §4, RFC 7045 list); ESP is not one of them since what follows it is encrypted.
     */
    public static boolean isIpv6ExtensionHeader(int nextHeader) {
        return switch (nextHeader) {
            case HOPOPT, IPV6_ROUTE, IPV6_FRAG, IPV6_OPTS, AH, MOBILITY, HIP, SHIM6 -> true;
            default -> false;
        };
    }
}
