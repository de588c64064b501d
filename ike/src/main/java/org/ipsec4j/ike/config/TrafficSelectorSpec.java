package org.ipsec4j.ike.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import org.ipsec4j.esp.selector.AddressRange;
import org.ipsec4j.esp.selector.PortSelector;
import org.ipsec4j.esp.selector.TrafficSelector;

/**
 * One entry of a child's {@code local_ts} or {@code remote_ts}: a subnet, range or single address, or
 * {@code dynamic} (replaced by the tunnel's outer address or the virtual IP once known), optionally narrowed to
 * one protocol and port (range), as in {@code 10.1.0.0/16[tcp/80]}.
 *
 * <p>Syntax (swanctl.conf(5) local_ts): {@code ADDR}, {@code ADDR/LEN}, {@code FIRST-LAST} or {@code dynamic},
 * optionally followed by {@code [PROTO]} or {@code [PROTO/PORT]}, where PROTO is a number 0..255, a name
 * ({@code tcp}, {@code udp}, {@code icmp}, {@code ipv6-icmp} or {@code icmpv6}, {@code sctp}, {@code udplite},
 * {@code dccp}, {@code gre}, {@code esp}, {@code ah}) or {@code %any}; and PORT is a number, a range
 * {@code LOW-HIGH}, {@code %any} or {@code opaque} (RFC 4301 OPAQUE). Service names are refused (ipsec4j reads
 * no /etc/services). For ICMP and ICMPv6 the "port" is the message type, any code: {@code [icmp/8]} is echo
 * request, {@code [ipv6-icmp/133-137]} neighbour discovery; the model holds it in RFC 4301 §4.4.1.3's
 * encoding (type in the high byte, code in the low byte, as {@link PortSelector#icmpType(int)}).
 *
 * @param addresses the addresses, or null for {@code dynamic}
 * @param protocol  the IP protocol, 0 for any (as in the IKEv2 TS payload, RFC 7296 §3.13.1)
 * @param ports     the port (or ICMP type/code) selector
 */
public record TrafficSelectorSpec(AddressRange addresses, int protocol, PortSelector ports) {

    /** {@code dynamic}, the default of local_ts and remote_ts. */
    public static final TrafficSelectorSpec DYNAMIC = new TrafficSelectorSpec(null, 0, PortSelector.ANY);

    private static final Map<String, Integer> PROTOCOLS = Map.ofEntries(
            Map.entry("icmp", 1), Map.entry("tcp", 6), Map.entry("udp", 17), Map.entry("dccp", 33),
            Map.entry("gre", 47), Map.entry("esp", 50), Map.entry("ah", 51), Map.entry("ipv6-icmp", 58),
            Map.entry("icmpv6", 58), Map.entry("sctp", 132), Map.entry("udplite", 136));

    public TrafficSelectorSpec {
        Objects.requireNonNull(ports, "ports");
        if (protocol < 0 || protocol > 255) {
            throw new IllegalArgumentException("protocol " + protocol + " outside 0..255");
        }
        if (ports instanceof PortSelector.Range && !TrafficSelector.hasPorts(protocol)
                && !TrafficSelector.isIcmp(protocol)) {
            throw new IllegalArgumentException("a port selector needs a protocol with ports or ICMP, not "
                    + protocol);
        }
    }

    public static TrafficSelectorSpec of(AddressRange addresses) {
        return new TrafficSelectorSpec(Objects.requireNonNull(addresses, "addresses"), 0, PortSelector.ANY);
    }

    public boolean dynamic() {
        return addresses == null;
    }

    /** Parses a comma separated list (blanks around the commas are ignored); an empty list is an error. */
    public static List<TrafficSelectorSpec> parseList(String text) throws InvalidValueException {
        List<TrafficSelectorSpec> out = new ArrayList<>();
        for (ListItems.Item item : ListItems.split(text)) {
            try {
                out.add(parse(item.text()));
            } catch (InvalidValueException e) {
                throw e.shifted(item.offset());
            }
        }
        return out;
    }

    /** Parses one selector. */
    public static TrafficSelectorSpec parse(String text) throws InvalidValueException {
        int bracket = text.indexOf('[');
        String addressPart = bracket >= 0 ? text.substring(0, bracket) : text;
        AddressRange range;
        if (addressPart.isEmpty()) {
            throw new InvalidValueException(0, "expected a subnet, an address range or 'dynamic'");
        } else if (addressPart.equals("dynamic")) {
            range = null;
        } else {
            range = AddressText.range(addressPart, 0);
        }
        if (bracket < 0) {
            return new TrafficSelectorSpec(range, 0, PortSelector.ANY);
        }
        if (!text.endsWith("]") || text.indexOf(']') != text.length() - 1) {
            int close = text.indexOf(']');
            throw new InvalidValueException(close < 0 ? text.length() : close + 1,
                    close < 0 ? "missing ']'" : "unexpected text after ']'");
        }
        String inside = text.substring(bracket + 1, text.length() - 1);
        int slash = inside.indexOf('/');
        String protocolText = slash >= 0 ? inside.substring(0, slash) : inside;
        int protocol = protocol(protocolText, bracket + 1);
        PortSelector ports = PortSelector.ANY;
        if (slash >= 0) {
            ports = ports(inside.substring(slash + 1), protocol, bracket + 2 + slash);
        }
        return new TrafficSelectorSpec(range, protocol, ports);
    }

    private static int protocol(String text, int base) throws InvalidValueException {
        if (text.equals("%any")) {
            return 0;
        }
        Integer known = PROTOCOLS.get(text.toLowerCase(Locale.ROOT));
        if (known != null) {
            return known;
        }
        if (isDigits(text)) {
            int value = text.length() <= 3 ? Integer.parseInt(text) : 256;
            if (value > 255) {
                throw new InvalidValueException(base, "protocol number " + AddressText.shown(text)
                        + " outside 0..255");
            }
            return value;
        }
        throw new InvalidValueException(base, text.isEmpty() ? "expected a protocol (name, number or %any)"
                : "unknown protocol '" + AddressText.shown(text) + "' (write its number, or one of "
                + "tcp, udp, icmp, ipv6-icmp, sctp, udplite, dccp, gre, esp, ah)");
    }

    private static PortSelector ports(String text, int protocol, int base) throws InvalidValueException {
        if (text.equals("%any")) {
            return PortSelector.ANY;
        }
        if (text.equals("opaque")) {
            return PortSelector.OPAQUE;
        }
        boolean icmp = TrafficSelector.isIcmp(protocol);
        if (!icmp && !TrafficSelector.hasPorts(protocol)) {
            throw new InvalidValueException(base, (protocol == 0 ? "a port needs a protocol"
                    : "protocol " + protocol + " has no ports") + " (tcp, udp, sctp, udplite, dccp; or icmp "
                    + "with a message type)");
        }
        int max = icmp ? 255 : 65535;
        String what = icmp ? "ICMP type" : "port";
        int dash = text.indexOf('-');
        int low = number(dash >= 0 ? text.substring(0, dash) : text, max, what, base);
        int high = dash >= 0 ? number(text.substring(dash + 1), max, what, base + dash + 1) : low;
        if (low > high) {
            throw new InvalidValueException(base, what + " range " + AddressText.shown(text) + " runs backwards");
        }
        return icmp ? PortSelector.icmpTypes(low, high) : PortSelector.range(low, high);
    }

    private static int number(String text, int max, String what, int base) throws InvalidValueException {
        if (!isDigits(text)) {
            throw new InvalidValueException(base, text.isEmpty() ? "expected a " + what
                    : "'" + AddressText.shown(text) + "' is not a " + what + " number (service names are not "
                    + "supported; write the number, a LOW-HIGH range, %any or opaque)");
        }
        int value = text.length() <= 5 ? Integer.parseInt(text) : Integer.MAX_VALUE;
        if (value > max) {
            throw new InvalidValueException(base, what + " " + AddressText.shown(text) + " outside 0.." + max);
        }
        return value;
    }

    private static boolean isDigits(String text) {
        return !text.isEmpty() && text.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    /** swanctl.conf syntax, e.g. {@code 10.1.0.0/16[tcp/80]}; parses back to an equal selector. */
    @Override
    public String toString() {
        String address = addresses == null ? "dynamic" : addresses.toString();
        if (protocol == 0 && ports instanceof PortSelector.Any) {
            return address;
        }
        String name = protocol == 0 ? "%any" : protocolName(protocol);
        return switch (ports) {
            case PortSelector.Any a -> address + "[" + name + "]";
            case PortSelector.Opaque o -> address + "[" + name + "/opaque]";
            case PortSelector.Range r when TrafficSelector.isIcmp(protocol) -> address + "[" + name + "/"
                    + icmpText(r) + "]";
            case PortSelector.Range r -> address + "[" + name + "/" + r + "]";
        };
    }

    private static String icmpText(PortSelector.Range r) {
        if ((r.low() & 0xFF) == 0 && (r.high() & 0xFF) == 0xFF) {
            int low = r.low() >> 8;
            int high = r.high() >> 8;
            return low == high ? Integer.toString(low) : low + "-" + high;
        }
        // Not expressible in swanctl.conf syntax; shown in RFC 4301's raw 16-bit encoding.
        return String.format("0x%04x-0x%04x", r.low(), r.high());
    }

    private static String protocolName(int protocol) {
        return switch (protocol) {
            case 1 -> "icmp";
            case 6 -> "tcp";
            case 17 -> "udp";
            case 58 -> "ipv6-icmp";
            case 132 -> "sctp";
            default -> Integer.toString(protocol);
        };
    }
}
