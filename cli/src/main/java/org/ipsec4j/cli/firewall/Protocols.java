package org.ipsec4j.cli.firewall;

import java.util.Locale;
import java.util.Map;

/** IP protocol numbers (IANA) and the names iptables, nft and Cisco ASA give them. */
final class Protocols {

    static final int ICMP = 1;
    static final int TCP = 6;
    static final int UDP = 17;
    static final int IPV6_FRAGMENT = 44;
    static final int ESP = 50;
    static final int AH = 51;
    static final int ICMPV6 = 58;

    private static final Map<String, Integer> BY_NAME = Map.ofEntries(
            Map.entry("icmp", ICMP), Map.entry("tcp", TCP), Map.entry("udp", UDP), Map.entry("esp", ESP),
            Map.entry("ah", AH), Map.entry("ipv6-icmp", ICMPV6), Map.entry("icmpv6", ICMPV6),
            Map.entry("icmp6", ICMPV6), Map.entry("gre", 47), Map.entry("igmp", 2), Map.entry("sctp", 132),
            Map.entry("udplite", 136), Map.entry("dccp", 33), Map.entry("ipip", 4), Map.entry("ipv6", 41),
            Map.entry("ospf", 89), Map.entry("pim", 103), Map.entry("vrrp", 112), Map.entry("ipencap", 4),
            Map.entry("encap", 98), Map.entry("ipcomp", 108), Map.entry("mh", 135), Map.entry("ipv6-frag", 44));

    private Protocols() {
    }

    /** The protocol number of a name or a decimal number, or -1 if unknown. */
    static int number(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        Integer known = BY_NAME.get(lower);
        if (known != null) {
            return known;
        }
        if (lower.matches("\\d{1,3}")) {
            int n = Integer.parseInt(lower);
            return n <= 255 ? n : -1;
        }
        return -1;
    }

    /** A readable name: udp, esp, ah, icmp, ipv6-icmp, or the number. */
    static String name(int protocol) {
        return switch (protocol) {
            case ICMP -> "icmp";
            case TCP -> "tcp";
            case UDP -> "udp";
            case ESP -> "esp";
            case AH -> "ah";
            case ICMPV6 -> "ipv6-icmp";
            default -> Integer.toString(protocol);
        };
    }
}
