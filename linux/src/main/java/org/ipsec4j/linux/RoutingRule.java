package org.ipsec4j.linux;

import java.net.StandardProtocolFamily;
import java.util.Objects;

/**
 * A policy-routing rule for {@link NetlinkRouteSocket#addRule}, as {@code ip rule add} takes it: which packets
 * (by firewall mark; or all), then "look up this table". The rules a VPN needs to keep its own encapsulated
 * packets out of the tunnel, as wg-quick does:
 *
 * <pre>{@code
 * RoutingRule.lookup(INET, 51820).notFwmark(0xca6c)              // ip rule add not fwmark 0xca6c table 51820
 * RoutingRule.lookup(INET, 254).suppressPrefixLength(0)          // ip rule add table main suppress_prefixlength 0
 * }</pre>
 * with the daemon's sockets marked 0xca6c ({@link InetDatagramSocket#setMark}).
 *
 * @param family               IPv4 or IPv6 rules (separate lists in the kernel)
 * @param priority             the rule's position (lower first), or -1 to let the kernel pick
 * @param matchesMark          whether the rule matches on the firewall mark
 * @param invert               "not": the rule applies to packets that do <em>not</em> match
 * @param fwmark               the mark to match
 * @param fwmask               the bits of the mark that count
 * @param table                the table to look up
 * @param suppressPrefixLength ignore routes of this prefix length or shorter found by the rule, or -1
 */
public record RoutingRule(StandardProtocolFamily family, int priority, boolean matchesMark, boolean invert,
                          int fwmark, int fwmask, int table, int suppressPrefixLength) {

    public RoutingRule {
        Objects.requireNonNull(family, "family");
        if (family != StandardProtocolFamily.INET && family != StandardProtocolFamily.INET6) {
            throw new IllegalArgumentException("rules are for INET or INET6, not " + family);
        }
        if (table <= 0) {
            throw new IllegalArgumentException("table must be positive: " + table);
        }
    }

    /** Every packet of the family: look up {@code table}. */
    public static RoutingRule lookup(StandardProtocolFamily family, int table) {
        return new RoutingRule(family, -1, false, false, 0, 0, table, -1);
    }

    /** Only packets whose mark equals {@code mark} ({@code fwmark MARK}). */
    public RoutingRule fwmark(int mark) {
        return fwmark(mark, 0xFFFFFFFF);
    }

    /** Only packets with {@code (packet mark & mask) == mark} ({@code fwmark MARK/MASK}). */
    public RoutingRule fwmark(int mark, int mask) {
        return new RoutingRule(family, priority, true, invert, mark, mask, table, suppressPrefixLength);
    }

    /** Only packets whose mark differs from {@code mark} ({@code not fwmark MARK}). */
    public RoutingRule notFwmark(int mark) {
        return fwmark(mark).inverted();
    }

    /** "not": applies to the packets the selector does not match. */
    public RoutingRule inverted() {
        return new RoutingRule(family, priority, matchesMark, true, fwmark, fwmask, table, suppressPrefixLength);
    }

    public RoutingRule priority(int newPriority) {
        return new RoutingRule(family, newPriority, matchesMark, invert, fwmark, fwmask, table, suppressPrefixLength);
    }

    public RoutingRule suppressPrefixLength(int length) {
        return new RoutingRule(family, priority, matchesMark, invert, fwmark, fwmask, table, length);
    }

    /** As {@code ip rule} would print it, e.g. {@code not fwmark 0xca6c lookup 51820}. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(family == StandardProtocolFamily.INET ? "-4 " : "-6 ");
        if (priority >= 0) {
            text.append("pref ").append(priority).append(' ');
        }
        if (invert) {
            text.append("not ");
        }
        text.append(matchesMark ? "fwmark 0x" + Integer.toHexString(fwmark)
                + (fwmask == 0xFFFFFFFF ? "" : "/0x" + Integer.toHexString(fwmask)) : "from all");
        text.append(" lookup ").append(table);
        if (suppressPrefixLength >= 0) {
            text.append(" suppress_prefixlength ").append(suppressPrefixLength);
        }
        return text.toString();
    }
}
