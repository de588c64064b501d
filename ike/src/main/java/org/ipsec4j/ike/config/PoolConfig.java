package org.ipsec4j.ike.config;

import java.net.InetAddress;
import java.util.List;
import java.util.Objects;

import org.ipsec4j.esp.selector.AddressRange;

/**
 * A virtual IP pool ({@code pools.<name>}): the addresses handed out in configuration payloads and the DNS
 * servers announced with them.
 *
 * @param name      the section name, referenced by a connection's {@code pools}
 * @param addresses the addresses to hand out. {@code addrs} is a FROM-TO range, taken as it is, or a CIDR
 *                  subnet, of which an IPv4 subnet up to /30 loses its network and broadcast addresses and an
 *                  IPv6 subnet up to /126 its all-zero Subnet-Router anycast address (RFC 4291 §2.6.1)
 * @param dns       {@code dns}: DNS server addresses (INTERNAL_IP4_DNS / INTERNAL_IP6_DNS)
 */
public record PoolConfig(String name, AddressRange addresses, List<InetAddress> dns) {

    public PoolConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(addresses, "addresses");
        dns = List.copyOf(dns);
    }
}
