package org.ipsec4j.lab;

/**
 * One rule of an iptables chain with its counters, as {@code iptables -S CHAIN -v} shows it.
 *
 * @param position 1-based, as iptables numbers rules
 * @param spec     the rule in {@code -S} form without the counters, e.g. {@code -A INPUT -p udp -m udp --dport 4500 -j ACCEPT}
 * @param packets  packets that matched it
 * @param bytes    bytes of those packets (at the network layer)
 */
public record FirewallRule(int position, String spec, long packets, long bytes) {
}
