package org.ipsec4j.ike.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.ipsec4j.esp.selector.AddressRange;
import org.ipsec4j.esp.selector.PortSelector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TrafficSelectorSpecTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            // text | first | last | protocol | ports (low-high, any, opaque) | canonical
            "10.0.0.0/24 | 10.0.0.0 | 10.0.0.255 | 0 | any | 10.0.0.0/24",
            "10.0.0.7/24 | 10.0.0.0 | 10.0.0.255 | 0 | any | 10.0.0.0/24",
            "0.0.0.0/0 | 0.0.0.0 | 255.255.255.255 | 0 | any | 0.0.0.0/0",
            "::/0 | :: | ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff | 0 | any | ::/0",
            "2001:db8::/32 | 2001:db8:: | 2001:db8:ffff:ffff:ffff:ffff:ffff:ffff | 0 | any | 2001:db8::/32",
            "10.0.0.1 | 10.0.0.1 | 10.0.0.1 | 0 | any | 10.0.0.1",
            "10.0.0.1-10.0.0.9 | 10.0.0.1 | 10.0.0.9 | 0 | any | 10.0.0.1-10.0.0.9",
            "10.0.0.0-10.0.0.255 | 10.0.0.0 | 10.0.0.255 | 0 | any | 10.0.0.0/24",
            "10.1.0.0/16[tcp/80] | 10.1.0.0 | 10.1.255.255 | 6 | 80-80 | 10.1.0.0/16[tcp/80]",
            "10.1.0.0/16[TCP/80] | 10.1.0.0 | 10.1.255.255 | 6 | 80-80 | 10.1.0.0/16[tcp/80]",
            "10.1.0.0/16[6/1024-65535] | 10.1.0.0 | 10.1.255.255 | 6 | 1024-65535 | 10.1.0.0/16[tcp/1024-65535]",
            "10.1.0.0/16[udp] | 10.1.0.0 | 10.1.255.255 | 17 | any | 10.1.0.0/16[udp]",
            "10.1.0.0/16[udp/%any] | 10.1.0.0 | 10.1.255.255 | 17 | any | 10.1.0.0/16[udp]",
            "10.1.0.0/16[%any] | 10.1.0.0 | 10.1.255.255 | 0 | any | 10.1.0.0/16",
            "10.1.0.0/16[%any/opaque] | 10.1.0.0 | 10.1.255.255 | 0 | opaque | 10.1.0.0/16[%any/opaque]",
            "10.1.0.0/16[gre] | 10.1.0.0 | 10.1.255.255 | 47 | any | 10.1.0.0/16[47]",
            "10.1.0.0/16[sctp/5060] | 10.1.0.0 | 10.1.255.255 | 132 | 5060-5060 | 10.1.0.0/16[sctp/5060]",
            "10.1.0.0/16[icmp/8] | 10.1.0.0 | 10.1.255.255 | 1 | 2048-2303 | 10.1.0.0/16[icmp/8]",
            "::/0[ipv6-icmp/133-137] | :: | ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff | 58 | 34048-35327 | ::/0[ipv6-icmp/133-137]",
            "::/0[icmpv6] | :: | ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff | 58 | any | ::/0[ipv6-icmp]",
    })
    void parses(String text, String first, String last, int protocol, String ports, String canonical)
            throws InvalidValueException {
        TrafficSelectorSpec ts = TrafficSelectorSpec.parse(text);
        assertEquals(AddressRange.parse(first + "-" + last), ts.addresses());
        assertEquals(protocol, ts.protocol());
        assertEquals(ports(ports), ts.ports());
        assertEquals(canonical, ts.toString());
        assertEquals(ts, TrafficSelectorSpec.parse(ts.toString()));
    }

    @Test
    void dynamic() throws InvalidValueException {
        assertEquals(TrafficSelectorSpec.DYNAMIC, TrafficSelectorSpec.parse("dynamic"));
        assertTrue(TrafficSelectorSpec.DYNAMIC.dynamic());
        TrafficSelectorSpec dns = TrafficSelectorSpec.parse("dynamic[udp/53]");
        assertTrue(dns.dynamic());
        assertEquals(PortSelector.port(53), dns.ports());
        assertEquals("dynamic[udp/53]", dns.toString());
    }

    @Test
    void lists() throws InvalidValueException {
        assertEquals(List.of(TrafficSelectorSpec.of(AddressRange.parse("10.0.0.0/8")),
                        new TrafficSelectorSpec(AddressRange.parse("::/0"), 6, PortSelector.range(1, 1023))),
                TrafficSelectorSpec.parseList("10.0.0.0/8 , ::/0[tcp/1-1023]"));
        InvalidValueException e = assertThrows(InvalidValueException.class,
                () -> TrafficSelectorSpec.parseList("10.0.0.0/8, 10.1.0.0/16[tcp/x]"));
        assertEquals(28, e.offset(), "offset in the whole list");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "10.0.0.0/24[tcp/http] | 16 | service names are not supported",
            "10.0.0.0/24[tcp | 15 | missing ']'",
            "10.0.0.0/24[] | 12 | expected a protocol",
            "10.0.0.0/24[tcp/] | 16 | expected a port",
            "10.0.0.0/24[tcp/80-] | 19 | expected a port",
            "10.0.0.0/24[tcp/99999999] | 16 | port 99999999 outside 0..65535",
            "10.0.0.0/24[icmp/8-3] | 17 | ICMP type range 8-3 runs backwards",
            "10.0.0.0/24[1234] | 12 | protocol number 1234 outside 0..255",
            "10.0.0.0/ | 9 | bad prefix length ''",
            "10.0.0.0/-1 | 9 | bad prefix length '-1'",
            "2001:db8::/129 | 11 | bad prefix length '129' (0..128)",
            "10.0.0.1-2001:db8::1 | 0 | mixes IPv4 and IPv6",
            "10.0.0.1- | 9 | expected an IP address, found nothing",
            "dynamic/24 | 0 | host names are not supported",
            "10.0.0.0/24[tcp/80]] | 19 | unexpected text after ']'",
            "gateway.example.org/32 | 0 | 'gateway.example.org': host names are not supported",
            "10.0.0.0/24 [tcp] | 9 | bad prefix length '24 '",
    })
    void refusals(String text, int offset, String message) {
        InvalidValueException e = assertThrows(InvalidValueException.class, () -> TrafficSelectorSpec.parse(text));
        assertTrue(e.getMessage().contains(message), e.getMessage());
        assertEquals(offset, e.offset(), e.getMessage());
    }

    @Test
    void modelRefusesPortsWithoutAPortProtocol() {
        assertThrows(IllegalArgumentException.class,
                () -> new TrafficSelectorSpec(null, 0, PortSelector.port(80)));
        assertThrows(IllegalArgumentException.class,
                () -> new TrafficSelectorSpec(null, 256, PortSelector.ANY));
        assertEquals("dynamic[47/opaque]", new TrafficSelectorSpec(null, 47, PortSelector.OPAQUE).toString());
        assertEquals("dynamic[icmp/0x0303-0x0303]",
                new TrafficSelectorSpec(null, 1, PortSelector.icmp(3, 3)).toString(), "a code is shown raw");
    }

    private static PortSelector ports(String text) {
        return switch (text) {
            case "any" -> PortSelector.ANY;
            case "opaque" -> PortSelector.OPAQUE;
            default -> PortSelector.range(Integer.parseInt(text.split("-")[0]), Integer.parseInt(text.split("-")[1]));
        };
    }
}
