package org.ipsec4j.daemon.config.setkey;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The protocol names a setkey file may use as upper-layer spec. setkey asks /etc/protocols; a config loader
 * should not depend on the host's files, so this is a fixed list of the usual names (plus setkey's own
 * {@code icmp6} and {@code ip4}). Anything else can be written as a number.
 */
final class IpProtocolNames {

    private static final Map<String, Integer> BY_NAME = new TreeMap<>();
    private static final Map<Integer, String> CANONICAL = new TreeMap<>();

    static {
        canonical("icmp", 1);
        canonical("igmp", 2);
        canonical("ipencap", 4);
        alias("ip4", 4);
        alias("ipip", 4);
        canonical("tcp", 6);
        canonical("udp", 17);
        canonical("dccp", 33);
        canonical("ipv6", 41);
        canonical("rsvp", 46);
        canonical("gre", 47);
        canonical("esp", 50);
        canonical("ah", 51);
        canonical("icmp6", 58);
        alias("ipv6-icmp", 58);
        canonical("ospf", 89);
        canonical("pim", 103);
        canonical("ipcomp", 108);
        canonical("vrrp", 112);
        canonical("l2tp", 115);
        canonical("sctp", 132);
        canonical("udplite", 136);
    }

    private IpProtocolNames() {}

    private static void canonical(String name, int number) {
        BY_NAME.put(name, number);
        CANONICAL.put(number, name);
    }

    private static void alias(String name, int number) {
        BY_NAME.put(name, number);
    }

    static Optional<Integer> numberOf(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }

    static Optional<String> nameOf(int number) {
        return Optional.ofNullable(CANONICAL.get(number));
    }

    static String knownNames() {
        return String.join(", ", BY_NAME.keySet());
    }

    /** Protocols whose selectors may carry ports. */
    static boolean hasPorts(int number) {
        return number == 6 || number == 17 || number == 33 || number == 132 || number == 136;
    }
}
