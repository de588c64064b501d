package org.ipsec4j.cli;

import static org.ipsec4j.cli.CaptureSummarizerTest.assertLines;
import static org.ipsec4j.cli.TestCaptures.Frame;
import static org.ipsec4j.cli.TestCaptures.Interface;
import static org.ipsec4j.cli.TestCaptures.pcap;
import static org.ipsec4j.cli.TestCaptures.pcapng;
import static org.ipsec4j.cli.TestCaptures.summarize;
import static org.ipsec4j.cli.TestPackets.esp;
import static org.ipsec4j.cli.TestPackets.udp4;
import static org.ipsec4j.cli.TestPackets.udp6;

import java.util.List;

import org.ipsec4j.wire.pcap.LinkType;
import org.junit.jupiter.api.Test;

/** The same packets under every link layer, and the interface column of multi-interface captures. */
class CaptureLinkLayerTest {

    static final byte[] KEEPALIVE = udp4("192.0.2.1", "198.51.100.7", 4500, 4500, false, 1, new byte[] {(byte) 0xFF});
    static final byte[] ESP_V6 = udp6("2001:db8::1", "2001:db8::2", 4500, 4500, esp(0x0badcafe, 3, 40));
    static final String KEEPALIVE_TEXT = "IP 192.0.2.1 > 198.51.100.7 UDP 4500 > 4500 len 1 ipsec-nat-t: NAT-keepalive";
    static final String ESP_V6_TEXT = "IP6 2001:db8::1 > 2001:db8::2 UDP 4500 > 4500 len 48 ipsec-nat-t: ESP spi"
            + " 0x0badcafe seq 3";
    static final String TWO_PACKETS = "2 packets, 0 fragments, 0 ICMP errors, 0 malformed";

    @Test
    void ethernetWithAndWithoutVlanTags() {
        assertLines(summarize(pcap(LinkType.ETHERNET, TestCaptures.spaced(
                        TestPackets.ethernet(KEEPALIVE), TestPackets.ethernet(ESP_V6, 100),
                        TestPackets.ethernet(KEEPALIVE, 100, 200)))),
                "1 0.000000 " + KEEPALIVE_TEXT,
                "2 0.000001 " + ESP_V6_TEXT,
                "3 0.000002 " + KEEPALIVE_TEXT,
                "3 packets, 0 fragments, 0 ICMP errors, 0 malformed");
    }

    @Test
    void ethernetPaddingIsNotPartOfThePacket() {
        byte[] padded = TestPackets.concat(TestPackets.ethernet(KEEPALIVE), new byte[17]);
        assertLines(summarize(pcap(LinkType.ETHERNET, TestCaptures.spaced(padded))),
                "1 0.000000 " + KEEPALIVE_TEXT,
                "1 packet, 0 fragments, 0 ICMP errors, 0 malformed");
    }

    @Test
    void linuxCookedV1() {
        assertLines(summarize(pcap(LinkType.LINUX_SLL, TestCaptures.spaced(
                        TestPackets.linuxCooked(KEEPALIVE, 4), TestPackets.linuxCooked(ESP_V6, 0)))),
                "1 0.000000 " + KEEPALIVE_TEXT,
                "2 0.000001 " + ESP_V6_TEXT,
                TWO_PACKETS);
    }

    @Test
    void linuxCookedV2OnOneInterfaceShowsNoInterface() {
        assertLines(summarize(pcap(LinkType.LINUX_SLL2, TestCaptures.spaced(
                        TestPackets.linuxCookedV2(KEEPALIVE, 2, 4), TestPackets.linuxCookedV2(ESP_V6, 2, 0)))),
                "1 0.000000 " + KEEPALIVE_TEXT,
                "2 0.000001 " + ESP_V6_TEXT,
                TWO_PACKETS);
    }

    @Test
    void linuxCookedV2OnSeveralInterfacesShowsTheInterfaceIndex() {
        assertLines(summarize(pcap(LinkType.LINUX_SLL2, TestCaptures.spaced(
                        TestPackets.linuxCookedV2(KEEPALIVE, 2, 4), TestPackets.linuxCookedV2(ESP_V6, 3, 0)))),
                "1 0.000000 ifindex 2 " + KEEPALIVE_TEXT,
                "2 0.000001 ifindex 3 " + ESP_V6_TEXT,
                TWO_PACKETS);
    }

    @Test
    void pcapngWithOneInterfaceShowsNoInterface() {
        assertLines(summarize(pcapng(List.of(new Interface(LinkType.ETHERNET, "eth0")),
                        TestCaptures.spaced(TestPackets.ethernet(KEEPALIVE), TestPackets.ethernet(ESP_V6)))),
                "1 0.000000 " + KEEPALIVE_TEXT,
                "2 0.000001 " + ESP_V6_TEXT,
                TWO_PACKETS);
    }

    @Test
    void pcapngWithSeveralInterfacesShowsNamesOrIds() {
        List<Interface> interfaces = List.of(new Interface(LinkType.ETHERNET, "eth0"), new Interface(LinkType.RAW, null),
                new Interface(LinkType.LINUX_SLL2, "any"));
        List<Frame> frames = List.of(
                new Frame(0, 0, TestPackets.ethernet(KEEPALIVE)),
                new Frame(1, 100, ESP_V6),
                new Frame(2, 1_000_200, TestPackets.linuxCookedV2(KEEPALIVE, 7, 0)),
                new Frame(0, 2_000_000, TestPackets.ethernet(ESP_V6)));
        assertLines(summarize(pcapng(interfaces, frames)),
                "1 0.000000 eth0 " + KEEPALIVE_TEXT,
                "2 0.000100 if 1 " + ESP_V6_TEXT,
                "3 1.000200 any ifindex 7 " + KEEPALIVE_TEXT,
                "4 2.000000 eth0 " + ESP_V6_TEXT,
                "4 packets, 0 fragments, 0 ICMP errors, 0 malformed");
    }

    @Test
    void pcapngInterfacesDeclaredButOnlyOneUsedShowNoInterface() {
        List<Interface> interfaces = List.of(new Interface(LinkType.ETHERNET, "eth0"), new Interface(LinkType.RAW, "tun0"));
        assertLines(summarize(pcapng(interfaces, List.of(new Frame(1, 0, KEEPALIVE), new Frame(1, 5, ESP_V6)))),
                "1 0.000000 " + KEEPALIVE_TEXT,
                "2 0.000005 " + ESP_V6_TEXT,
                TWO_PACKETS);
    }

    @Test
    void aLinkLayerHeaderCutShortIsMalformed() {
        byte[] cut = java.util.Arrays.copyOf(TestPackets.linuxCookedV2(KEEPALIVE, 2, 4), 12);
        assertLines(summarize(pcap(LinkType.LINUX_SLL2, TestCaptures.spaced(cut, TestPackets.linuxCookedV2(KEEPALIVE, 2, 4)))),
                "1 0.000000 [malformed: sll2.header at frame offset 0: truncated: header needs 20 bytes from offset 0,"
                        + " frame has 12]",
                "2 0.000001 " + KEEPALIVE_TEXT,
                "2 packets, 0 fragments, 0 ICMP errors, 1 malformed");
    }
}
