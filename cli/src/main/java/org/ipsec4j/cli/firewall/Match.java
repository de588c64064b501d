package org.ipsec4j.cli.firewall;

import java.net.InetAddress;
import java.util.List;
import java.util.Set;

/** One condition of a rule, shared by the iptables, nft and ASA models. */
interface Match {

    boolean test(Packet p);

    /** {@code -s}/{@code -d}, {@code ip saddr}, an ACE's source or destination. */
    record Address(boolean source, List<Prefix> prefixes, boolean negate) implements Match {
        @Override
        public boolean test(Packet p) {
            InetAddress a = source ? p.source() : p.destination();
            boolean in = prefixes.stream().anyMatch(prefix -> prefix.contains(a));
            return in != negate;
        }
    }

    /** {@code -i}/{@code -o} ({@code eth+} is a wildcard), nft {@code iifname "eth*"}. */
    record Interface(boolean in, List<String> names, boolean negate) implements Match {
        @Override
        public boolean test(Packet p) {
            String actual = in ? p.inInterface() : p.outInterface();
            boolean matched = actual != null && names.stream().anyMatch(name -> matches(name, actual));
            return matched != negate;
        }

        private static boolean matches(String pattern, String actual) {
            if (pattern.endsWith("+") || pattern.endsWith("*")) {
                return actual.startsWith(pattern.substring(0, pattern.length() - 1));
            }
            return pattern.equals(actual);
        }
    }

    /**
     * A protocol: the transport protocol ({@code -p}, {@code meta l4proto}, an ACE's protocol) or, with
     * {@code headerField}, the header's own field (nft {@code ip6 nexthdr}: 44 in a fragment).
     */
    record Protocol(Set<Integer> protocols, boolean negate, boolean headerField) implements Match {
        @Override
        public boolean test(Packet p) {
            int actual = headerField ? p.nextHeader() : p.protocol();
            return protocols.contains(actual) != negate;
        }
    }

    /**
     * UDP/TCP ports. Never true for a later fragment, negated or not: it has no transport header
     * (xt_udp/xt_multiport return false for a non-zero fragment offset; nft's payload load breaks).
     *
     * @param protocols the protocols whose header carries the ports (UDP, TCP, ... for nft {@code th})
     * @param ranges pairs of [low, high]
     */
    record Ports(Set<Integer> protocols, boolean destination, List<int[]> ranges, boolean negate) implements Match {
        @Override
        public boolean test(Packet p) {
            if (!p.hasTransportHeader() || !protocols.contains(p.protocol())) {
                return false;
            }
            int port = destination ? p.destinationPort() : p.sourcePort();
            boolean in = port >= 0 && ranges.stream().anyMatch(r -> port >= r[0] && port <= r[1]);
            return in != negate;
        }
    }

    /** {@code --sport}/{@code --dport} together ({@code -m multiport --ports}): either port in the list. */
    record EitherPort(Set<Integer> protocols, List<int[]> ranges, boolean negate) implements Match {
        @Override
        public boolean test(Packet p) {
            if (!p.hasTransportHeader() || !protocols.contains(p.protocol())) {
                return false;
            }
            boolean in = ranges.stream().anyMatch(r -> p.sourcePort() >= r[0] && p.sourcePort() <= r[1]
                    || p.destinationPort() >= r[0] && p.destinationPort() <= r[1]);
            return in != negate;
        }
    }

    /**
     * ICMP or ICMPv6 type and code range; type -1 is any type. Needs the ICMP header, so never true for a later
     * fragment.
     */
    record Icmp(Family family, int type, int codeLow, int codeHigh, boolean negate) implements Match {
        @Override
        public boolean test(Packet p) {
            if (p.family() != family || p.protocol() != family.icmpProtocol() || !p.hasTransportHeader()) {
                return false;
            }
            boolean in = (type < 0 || p.icmpType() == type) && p.icmpCode() >= codeLow && p.icmpCode() <= codeHigh;
            return in != negate;
        }
    }

    /** nft {@code icmp type { a, b }}: any of several types. */
    record IcmpTypes(Family family, Set<Integer> types, boolean negate) implements Match {
        @Override
        public boolean test(Packet p) {
            if (p.family() != family || p.protocol() != family.icmpProtocol() || !p.hasTransportHeader()) {
                return false;
            }
            return types.contains(p.icmpType()) != negate;
        }
    }

    /** nft {@code icmp code { a, b }}. */
    record IcmpCodes(Family family, Set<Integer> codes, boolean negate) implements Match {
        @Override
        public boolean test(Packet p) {
            if (p.family() != family || p.protocol() != family.icmpProtocol() || !p.hasTransportHeader()) {
                return false;
            }
            return codes.contains(p.icmpCode()) != negate;
        }
    }

    /** {@code -m iprange --src-range a-b}, nft {@code ip saddr a-b}: an address range, inclusive. */
    record Range(boolean source, InetAddress low, InetAddress high, boolean negate) implements Match {
        @Override
        public boolean test(Packet p) {
            InetAddress a = source ? p.source() : p.destination();
            byte[] v = a.getAddress();
            boolean in = v.length == low.getAddress().length && compare(v, low.getAddress()) >= 0
                    && compare(v, high.getAddress()) <= 0;
            return in != negate;
        }

        private static int compare(byte[] x, byte[] y) {
            for (int i = 0; i < x.length; i++) {
                int c = Integer.compare(x[i] & 0xFF, y[i] & 0xFF);
                if (c != 0) {
                    return c;
                }
            }
            return 0;
        }
    }

    /** {@code -m conntrack --ctstate}, {@code -m state --state}, nft {@code ct state}. */
    record State(Set<ConnState> states, boolean negate) implements Match {
        @Override
        public boolean test(Packet p) {
            ConnState s = p.state() == null ? ConnState.INVALID : p.state();
            return states.contains(s) != negate;
        }
    }

    /** iptables {@code -f}: a later fragment (IPv4). */
    record LaterFragment(boolean negate) implements Match {
        @Override
        public boolean test(Packet p) {
            return (p.family() == Family.IPV4 && p.fragment() == Fragment.LATER) != negate;
        }
    }

    /**
     * ip6tables {@code -m frag}: a fragment header, with optional conditions. Our fragment trains have two
     * fragments: the first (offset 0, M set) and the last (offset above 0, M clear).
     */
    record Ipv6Fragment(boolean first, boolean more, boolean last, long idLow, long idHigh, boolean idNegate)
            implements Match {
        @Override
        public boolean test(Packet p) {
            if (p.family() != Family.IPV6 || p.fragment() == Fragment.NONE) {
                return false;
            }
            if (first && p.fragment() != Fragment.FIRST) {
                return false;
            }
            if (more && p.fragment() != Fragment.FIRST) {
                return false;
            }
            if (last && p.fragment() != Fragment.LATER) {
                return false;
            }
            boolean inId = p.fragmentId() >= idLow && p.fragmentId() <= idHigh;
            return inId != idNegate;
        }
    }

    /** {@code -m hl}/{@code -m ttl}, nft {@code ip6 hoplimit}/{@code ip ttl}: equal, less or greater. */
    record HopLimit(char op, int value, boolean negate) implements Match {
        @Override
        public boolean test(Packet p) {
            boolean in = switch (op) {
                case '<' -> p.hopLimit() < value;
                case '>' -> p.hopLimit() > value;
                default -> p.hopLimit() == value;
            };
            return in != negate;
        }
    }

    /**
     * {@code -m policy --pol ipsec|none}: whether the packet was (or will be) processed by a kernel IPsec policy.
     * The outer IKE and ESP packets of a user-space IPsec daemon never are.
     */
    record IpsecPolicy(boolean ipsec) implements Match {
        @Override
        public boolean test(Packet p) {
            return !ipsec;
        }
    }

    /** nft {@code meta nfproto}, and the family an {@code ip ...} or {@code ip6 ...} expression implies. */
    record OfFamily(Family family, boolean negate) implements Match {
        @Override
        public boolean test(Packet p) {
            return (p.family() == family) != negate;
        }
    }

    /** {@code -m pkttype}, nft {@code meta pkttype}: by the destination address. */
    record PacketType(Set<String> types, boolean negate) implements Match {
        @Override
        public boolean test(Packet p) {
            String type = p.destination().isMulticastAddress() ? "multicast"
                    : isBroadcast(p.destination()) ? "broadcast" : "unicast";
            boolean in = types.contains(type) || types.contains("host") && type.equals("unicast");
            return in != negate;
        }
    }

    /**
     * {@code -m addrtype}, nft {@code fib daddr type}: LOCAL means an address of the firewall host.
     *
     * @param localAddresses the firewall host's addresses, as the tunnel description gives them
     */
    record AddressType(boolean source, Set<String> types, boolean negate, Set<InetAddress> localAddresses)
            implements Match {
        @Override
        public boolean test(Packet p) {
            InetAddress a = source ? p.source() : p.destination();
            boolean in = false;
            for (String type : types) {
                in |= switch (type) {
                    case "local" -> localAddresses.contains(a);
                    case "multicast" -> a.isMulticastAddress();
                    case "broadcast" -> isBroadcast(a);
                    case "unicast" -> !a.isMulticastAddress() && !isBroadcast(a) && !a.isAnyLocalAddress();
                    case "unspec" -> a.isAnyLocalAddress();
                    default -> false;
                };
            }
            return in != negate;
        }
    }

    /** {@code -m limit}, nft {@code limit rate}: assumed under the limit, as a few IPsec packets are. */
    record UnderRateLimit(boolean over) implements Match {
        @Override
        public boolean test(Packet p) {
            return !over;
        }
    }

    /** Any of several conditions (an nft set mixing prefixes and ranges), negated as a whole. */
    record AnyOf(List<Match> alternatives, boolean negate) implements Match {
        @Override
        public boolean test(Packet p) {
            return alternatives.stream().anyMatch(m -> m.test(p)) != negate;
        }
    }

    /** A condition no IPsec packet meets (a TCP header match, say). */
    record Never(String why) implements Match {
        @Override
        public boolean test(Packet p) {
            return false;
        }
    }

    private static boolean isBroadcast(InetAddress a) {
        byte[] b = a.getAddress();
        return b.length == 4 && (b[0] & b[1] & b[2] & b[3]) == (byte) 0xFF;
    }
}
