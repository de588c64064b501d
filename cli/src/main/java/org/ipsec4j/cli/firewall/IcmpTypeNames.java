package org.ipsec4j.cli.firewall;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The ICMP and ICMPv6 type (and type/code) names of iptables ({@code --icmp-type}, {@code --icmpv6-type}),
 * nft ({@code icmp type}, {@code icmp code}, {@code icmpv6 type}) and Cisco ASA access lists.
 */
final class IcmpTypeNames {

    /** A type with a code range; type -1 is "any". */
    record TypeCode(int type, int codeLow, int codeHigh) {
    }

    static final int V4_DESTINATION_UNREACHABLE = 3;
    static final int V4_FRAGMENTATION_NEEDED = 4;
    static final int V6_PACKET_TOO_BIG = 2;
    static final int V6_ROUTER_SOLICITATION = 133;
    static final int V6_ROUTER_ADVERTISEMENT = 134;
    static final int V6_NEIGHBOUR_SOLICITATION = 135;
    static final int V6_NEIGHBOUR_ADVERTISEMENT = 136;

    private static final Map<String, TypeCode> IPTABLES_V4 = new HashMap<>();
    private static final Map<String, TypeCode> IPTABLES_V6 = new HashMap<>();
    private static final Map<String, Integer> NFT_V4_TYPES = new HashMap<>();
    private static final Map<String, Integer> NFT_V4_CODES = new HashMap<>();
    private static final Map<String, Integer> NFT_V6_TYPES = new HashMap<>();
    private static final Map<String, Integer> NFT_V6_CODES = new HashMap<>();
    private static final Map<String, Integer> ASA_V4 = new HashMap<>();
    private static final Map<String, Integer> ASA_V6 = new HashMap<>();

    static {
        v4("any", -1, 0, 255);
        v4("echo-reply", 0, 0, 255, "pong");
        v4("destination-unreachable", 3, 0, 255);
        v4("network-unreachable", 3, 0, 0);
        v4("host-unreachable", 3, 1, 1);
        v4("protocol-unreachable", 3, 2, 2);
        v4("port-unreachable", 3, 3, 3);
        v4("fragmentation-needed", 3, 4, 4);
        v4("source-route-failed", 3, 5, 5);
        v4("network-unknown", 3, 6, 6);
        v4("host-unknown", 3, 7, 7);
        v4("network-prohibited", 3, 9, 9);
        v4("host-prohibited", 3, 10, 10);
        v4("tos-network-unreachable", 3, 11, 11);
        v4("tos-host-unreachable", 3, 12, 12);
        v4("communication-prohibited", 3, 13, 13);
        v4("host-precedence-violation", 3, 14, 14);
        v4("precedence-cutoff", 3, 15, 15);
        v4("source-quench", 4, 0, 255);
        v4("redirect", 5, 0, 255);
        v4("network-redirect", 5, 0, 0);
        v4("host-redirect", 5, 1, 1);
        v4("tos-network-redirect", 5, 2, 2);
        v4("tos-host-redirect", 5, 3, 3);
        v4("echo-request", 8, 0, 255, "ping");
        v4("router-advertisement", 9, 0, 255);
        v4("router-solicitation", 10, 0, 255);
        v4("time-exceeded", 11, 0, 255, "ttl-exceeded");
        v4("ttl-zero-during-transit", 11, 0, 0);
        v4("ttl-zero-during-reassembly", 11, 1, 1);
        v4("parameter-problem", 12, 0, 255);
        v4("ip-header-bad", 12, 0, 0);
        v4("required-option-missing", 12, 1, 1);
        v4("timestamp-request", 13, 0, 255);
        v4("timestamp-reply", 14, 0, 255);
        v4("address-mask-request", 17, 0, 255);
        v4("address-mask-reply", 18, 0, 255);

        v6("destination-unreachable", 1, 0, 255);
        v6("no-route", 1, 0, 0);
        v6("communication-prohibited", 1, 1, 1);
        v6("beyond-scope", 1, 2, 2);
        v6("address-unreachable", 1, 3, 3);
        v6("port-unreachable", 1, 4, 4);
        v6("failed-policy", 1, 5, 5);
        v6("reject-route", 1, 6, 6);
        v6("packet-too-big", 2, 0, 255);
        v6("time-exceeded", 3, 0, 255, "ttl-exceeded");
        v6("ttl-zero-during-transit", 3, 0, 0);
        v6("ttl-zero-during-reassembly", 3, 1, 1);
        v6("parameter-problem", 4, 0, 255);
        v6("bad-header", 4, 0, 0);
        v6("unknown-header-type", 4, 1, 1);
        v6("unknown-option", 4, 2, 2);
        v6("echo-request", 128, 0, 255, "ping");
        v6("echo-reply", 129, 0, 255, "pong");
        v6("mld-listener-query", 130, 0, 255);
        v6("mld-listener-report", 131, 0, 255);
        v6("mld-listener-done", 132, 0, 255);
        v6("mld2-listener-report", 143, 0, 255);
        v6("router-solicitation", 133, 0, 255);
        v6("router-advertisement", 134, 0, 255);
        v6("neighbour-solicitation", 135, 0, 255, "neighbor-solicitation");
        v6("neighbour-advertisement", 136, 0, 255, "neighbor-advertisement");
        v6("redirect", 137, 0, 255);

        String[] nftV4 = {"echo-reply:0", "destination-unreachable:3", "source-quench:4", "redirect:5",
            "echo-request:8", "router-advertisement:9", "router-solicitation:10", "time-exceeded:11",
            "parameter-problem:12", "timestamp-request:13", "timestamp-reply:14", "info-request:15",
            "info-reply:16", "address-mask-request:17", "address-mask-reply:18"};
        put(NFT_V4_TYPES, nftV4);
        put(NFT_V4_CODES, new String[] {"net-unreachable:0", "host-unreachable:1", "prot-unreachable:2",
            "port-unreachable:3", "frag-needed:4", "net-prohibited:9", "host-prohibited:10", "admin-prohibited:13"});
        put(NFT_V6_TYPES, new String[] {"destination-unreachable:1", "packet-too-big:2", "time-exceeded:3",
            "parameter-problem:4", "echo-request:128", "echo-reply:129", "mld-listener-query:130",
            "mld-listener-report:131", "mld-listener-done:132", "mld-listener-reduction:132",
            "nd-router-solicit:133", "nd-router-advert:134", "nd-neighbor-solicit:135", "nd-neighbor-advert:136",
            "nd-redirect:137", "router-renumbering:138", "ind-neighbor-solicit:141", "ind-neighbor-advert:142",
            "mld2-listener-report:143"});
        put(NFT_V6_CODES, new String[] {"no-route:0", "admin-prohibited:1", "addr-unreachable:3",
            "port-unreachable:4", "policy-fail:5", "reject-route:6"});
        put(ASA_V4, new String[] {"echo-reply:0", "unreachable:3", "source-quench:4", "redirect:5",
            "alternate-address:6", "echo:8", "router-advertisement:9", "router-solicitation:10",
            "time-exceeded:11", "parameter-problem:12", "timestamp-request:13", "timestamp-reply:14",
            "information-request:15", "information-reply:16", "mask-request:17", "mask-reply:18",
            "traceroute:30", "conversion-error:31", "mobile-redirect:32"});
        put(ASA_V6, new String[] {"unreachable:1", "packet-too-big:2", "time-exceeded:3", "parameter-problem:4",
            "echo:128", "echo-reply:129", "membership-query:130", "membership-report:131",
            "membership-reduction:132", "router-solicitation:133", "router-advertisement:134",
            "neighbor-solicitation:135", "neighbor-advertisement:136", "neighbor-redirect:137",
            "router-renumbering:138"});
    }

    private IcmpTypeNames() {
    }

    private static void v4(String name, int type, int low, int high, String... aliases) {
        IPTABLES_V4.put(name, new TypeCode(type, low, high));
        for (String alias : aliases) {
            IPTABLES_V4.put(alias, new TypeCode(type, low, high));
        }
    }

    private static void v6(String name, int type, int low, int high, String... aliases) {
        IPTABLES_V6.put(name, new TypeCode(type, low, high));
        for (String alias : aliases) {
            IPTABLES_V6.put(alias, new TypeCode(type, low, high));
        }
    }

    private static void put(Map<String, Integer> map, String[] entries) {
        for (String entry : entries) {
            int colon = entry.indexOf(':');
            map.put(entry.substring(0, colon), Integer.parseInt(entry.substring(colon + 1)));
        }
    }

    /** iptables: a name, {@code TYPE} or {@code TYPE/CODE}; null if unknown. */
    static TypeCode iptables(Family family, String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        TypeCode named = (family == Family.IPV4 ? IPTABLES_V4 : IPTABLES_V6).get(lower);
        if (named != null) {
            return named;
        }
        if (lower.matches("\\d{1,3}")) {
            return new TypeCode(Integer.parseInt(lower), 0, 255);
        }
        if (lower.matches("\\d{1,3}/\\d{1,3}")) {
            int slash = lower.indexOf('/');
            int code = Integer.parseInt(lower.substring(slash + 1));
            return new TypeCode(Integer.parseInt(lower.substring(0, slash)), code, code);
        }
        return null;
    }

    /** nft type name or number; -1 if unknown. */
    static int nftType(Family family, String text) {
        return lookup(family == Family.IPV4 ? NFT_V4_TYPES : NFT_V6_TYPES, text);
    }

    /** nft code name or number; -1 if unknown. */
    static int nftCode(Family family, String text) {
        return lookup(family == Family.IPV4 ? NFT_V4_CODES : NFT_V6_CODES, text);
    }

    /** ASA icmp / icmp6 type name or number; -1 if unknown. */
    static int asaType(Family family, String text) {
        return lookup(family == Family.IPV4 ? ASA_V4 : ASA_V6, text);
    }

    private static int lookup(Map<String, Integer> names, String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        Integer named = names.get(lower);
        if (named != null) {
            return named;
        }
        if (lower.matches("\\d{1,3}") && Integer.parseInt(lower) <= 255) {
            return Integer.parseInt(lower);
        }
        return -1;
    }
}
