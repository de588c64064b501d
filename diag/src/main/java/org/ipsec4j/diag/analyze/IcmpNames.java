package org.ipsec4j.diag.analyze;

import org.ipsec4j.wire.Icmpv4Message;
import org.ipsec4j.wire.Icmpv6Message;
import org.ipsec4j.wire.Ipv4Packet;
import org.ipsec4j.wire.Ipv6Packet;

/**
 * What an ICMP or ICMPv6 message says, in words close to tcpdump's: {@code port unreachable},
 * {@code fragmentation needed, mtu 1400}, {@code packet too big, mtu 1280},
 * {@code neighbor solicitation, target 2001:db8::2}. Numbers the registries do not name are shown as numbers.
 * Shared by {@code ipsec4j capture} and {@code ipsec4j analyze}.
 */
public final class IcmpNames {

    private IcmpNames() {}

    /** RFC 792, RFC 1191, RFC 1812 §5.2.7.1 and the IANA "ICMP Type Numbers" registry. */
    public static String icmpv4(Icmpv4Message m) {
        int code = m.code();
        return switch (m.type()) {
            case Icmpv4Message.TYPE_ECHO_REPLY -> "echo reply";
            case Icmpv4Message.TYPE_ECHO_REQUEST -> "echo request";
            case Icmpv4Message.TYPE_DESTINATION_UNREACHABLE -> switch (code) {
                case Icmpv4Message.CODE_NET_UNREACHABLE -> "net unreachable";
                case Icmpv4Message.CODE_HOST_UNREACHABLE -> "host unreachable";
                case Icmpv4Message.CODE_PROTOCOL_UNREACHABLE -> "protocol unreachable";
                case Icmpv4Message.CODE_PORT_UNREACHABLE -> "port unreachable";
                case Icmpv4Message.CODE_FRAGMENTATION_NEEDED -> m.nextHopMtu() == 0
                        ? "fragmentation needed, no mtu given (pre-RFC 1191 router)"
                        : "fragmentation needed, mtu " + m.nextHopMtu();
                case Icmpv4Message.CODE_SOURCE_ROUTE_FAILED -> "source route failed";
                case 6 -> "destination network unknown";
                case 7 -> "destination host unknown";
                case 8 -> "source host isolated";
                case 9 -> "network administratively prohibited";
                case 10 -> "host administratively prohibited";
                case 11 -> "network unreachable for type of service";
                case 12 -> "host unreachable for type of service";
                case Icmpv4Message.CODE_ADMINISTRATIVELY_PROHIBITED -> "communication administratively prohibited";
                case 14 -> "host precedence violation";
                case 15 -> "precedence cutoff in effect";
                default -> "destination unreachable, code " + code;
            };
            case Icmpv4Message.TYPE_SOURCE_QUENCH -> "source quench";
            case Icmpv4Message.TYPE_REDIRECT -> "redirect"
                    + switch (code) {
                        case 0 -> " for network";
                        case 1 -> " for host";
                        case 2 -> " for type of service and network";
                        case 3 -> " for type of service and host";
                        default -> ", code " + code;
                    }
                    + " to " + Ipv4Packet.formatAddress(m.gatewayAddress());
            case Icmpv4Message.TYPE_TIME_EXCEEDED -> switch (code) {
                case Icmpv4Message.CODE_TTL_EXCEEDED -> "time exceeded in transit";
                case Icmpv4Message.CODE_REASSEMBLY_TIME_EXCEEDED -> "reassembly time exceeded";
                default -> "time exceeded, code " + code;
            };
            case Icmpv4Message.TYPE_PARAMETER_PROBLEM -> switch (code) {
                case 0 -> "parameter problem, pointer " + m.pointer();
                case 1 -> "parameter problem, missing a required option";
                case 2 -> "parameter problem, bad length";
                default -> "parameter problem, code " + code;
            };
            case Icmpv4Message.TYPE_TIMESTAMP -> "timestamp request";
            case Icmpv4Message.TYPE_TIMESTAMP_REPLY -> "timestamp reply";
            default -> "type " + m.type() + ", code " + code;
        };
    }

    /** RFC 4443, RFC 4861, RFC 7112, RFC 8883 and the IANA "ICMPv6 Parameters" registry. */
    public static String icmpv6(Icmpv6Message m) {
        int code = m.code();
        return switch (m.type()) {
            case Icmpv6Message.TYPE_DESTINATION_UNREACHABLE -> switch (code) {
                case Icmpv6Message.CODE_NO_ROUTE -> "no route to destination";
                case Icmpv6Message.CODE_ADMINISTRATIVELY_PROHIBITED -> "administratively prohibited";
                case Icmpv6Message.CODE_BEYOND_SCOPE -> "beyond scope of source address";
                case Icmpv6Message.CODE_ADDRESS_UNREACHABLE -> "address unreachable";
                case Icmpv6Message.CODE_PORT_UNREACHABLE -> "port unreachable";
                case 5 -> "source address failed ingress/egress policy";
                case 6 -> "reject route to destination";
                case 7 -> "error in source routing header";
                case 8 -> "headers too long";
                default -> "destination unreachable, code " + code;
            };
            case Icmpv6Message.TYPE_PACKET_TOO_BIG -> "packet too big, mtu " + m.mtu();
            case Icmpv6Message.TYPE_TIME_EXCEEDED -> switch (code) {
                case 0 -> "hop limit exceeded in transit";
                case 1 -> "reassembly time exceeded";
                default -> "time exceeded, code " + code;
            };
            case Icmpv6Message.TYPE_PARAMETER_PROBLEM -> switch (code) {
                case 0 -> "parameter problem, erroneous header field";
                case 1 -> "parameter problem, unrecognized next header";
                case 2 -> "parameter problem, unrecognized option";
                case 3 -> "parameter problem, first fragment has incomplete header chain";
                default -> "parameter problem, code " + code;
            } + ", pointer " + m.pointer();
            case Icmpv6Message.TYPE_ECHO_REQUEST -> "echo request";
            case Icmpv6Message.TYPE_ECHO_REPLY -> "echo reply";
            case 130 -> "multicast listener query";
            case 131 -> "multicast listener report";
            case 132 -> "multicast listener done";
            case 143 -> "multicast listener report v2";
            case Icmpv6Message.TYPE_ROUTER_SOLICITATION -> "router solicitation";
            case Icmpv6Message.TYPE_ROUTER_ADVERTISEMENT -> routerAdvertisement(m);
            case Icmpv6Message.TYPE_NEIGHBOR_SOLICITATION -> "neighbor solicitation, target " + target(m);
            case Icmpv6Message.TYPE_NEIGHBOR_ADVERTISEMENT -> "neighbor advertisement, target " + target(m)
                    + neighborAdvertisementFlags(m);
            case Icmpv6Message.TYPE_REDIRECT -> "redirect, target " + target(m) + ", destination "
                    + Ipv6Packet.formatAddress(m.buffer(), m.redirectDestinationOffset());
            default -> "type " + m.type() + ", code " + code;
        };
    }

    private static String target(Icmpv6Message m) {
        return Ipv6Packet.formatAddress(m.buffer(), m.targetAddressOffset());
    }

    /** {@code , flags [router, solicited, override]}, or nothing when none is set. */
    private static String neighborAdvertisementFlags(Icmpv6Message m) {
        if (m.neighborAdvertisementFlags() == 0) {
            return "";
        }
        StringBuilder sb = new StringBuilder(", flags [");
        String separator = "";
        if (m.routerFlag()) {
            sb.append("router");
            separator = ", ";
        }
        if (m.solicitedFlag()) {
            sb.append(separator).append("solicited");
            separator = ", ";
        }
        if (m.overrideFlag()) {
            sb.append(separator).append("override");
        }
        return sb.append(']').toString();
    }

    /** {@code router advertisement, hop limit 64, lifetime 1800s, mtu 1500}; the MTU option when present. */
    private static String routerAdvertisement(Icmpv6Message m) {
        StringBuilder sb = new StringBuilder("router advertisement, hop limit ").append(m.curHopLimit())
                .append(", lifetime ").append(m.routerLifetime()).append('s');
        long mtu = m.mtuOption();
        if (mtu >= 0) {
            sb.append(", mtu ").append(mtu);
        }
        return sb.toString();
    }
}
