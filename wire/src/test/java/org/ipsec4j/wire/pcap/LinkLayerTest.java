package org.ipsec4j.wire.pcap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.ipsec4j.wire.MalformedPacketException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class LinkLayerTest {

    private static final byte[] V4 = TestFrames.ipv4Udp(TestFrames.V4_SRC, TestFrames.V4_DST, 1, 4500, new byte[5]);
    private static final byte[] V6 = TestFrames.ipv6Udp(TestFrames.V6_SRC, TestFrames.V6_DST, 1, 4500, new byte[5]);

    private static NetworkPayload locate(LinkType type, byte[] frame) {
        return new CapturedPacket(0, type, 0, frame).network();
    }

    private static byte[] payloadBytes(byte[] frame, NetworkPayload p) {
        return Arrays.copyOfRange(frame, p.offset(), p.end());
    }

    @ParameterizedTest
    @EnumSource(LinkType.class)
    void findsTheIpPacketInsideEveryLinkType(LinkType type) {
        for (boolean v6 : new boolean[] {false, true}) {
            byte[] ip = TestFrames.ipPacketFor(type, v6, 500);
            byte[] frame = TestFrames.frame(type, ip);
            NetworkPayload p = locate(type, frame);
            assertArrayEquals(ip, payloadBytes(frame, p), type + " v6=" + v6);
            boolean isV6 = (ip[0] & 0xF0) == 0x60;
            assertEquals(isV6 ? NetworkProtocol.IPV6 : NetworkProtocol.IPV4, p.protocol());
            assertEquals(isV6 ? 0x86DD : 0x0800, p.etherType());
        }
    }

    @Test
    void ethernetWithOneVlanTag() {
        byte[] frame = TestFrames.ethernet(V4, 42);
        NetworkPayload p = locate(LinkType.ETHERNET, frame);
        assertEquals(18, p.offset());
        assertEquals(NetworkProtocol.IPV4, p.protocol());
        assertArrayEquals(V4, payloadBytes(frame, p));
    }

    @Test
    void ethernetWithQinQTags() {
        byte[] frame = TestFrames.ethernet(V6, 100, 200);
        assertEquals(0x88, frame[12] & 0xFF, "outer tag uses the 802.1ad TPID");
        NetworkPayload p = locate(LinkType.ETHERNET, frame);
        assertEquals(22, p.offset());
        assertEquals(NetworkProtocol.IPV6, p.protocol());
    }

    @Test
    void ethernetPaddingStaysInTheLength() {
        byte[] frame = Arrays.copyOf(TestFrames.ethernet(V4), 14 + V4.length + 6);
        NetworkPayload p = locate(LinkType.ETHERNET, frame);
        assertEquals(V4.length + 6, p.length());
    }

    @Test
    void ethernet8023LengthFieldIsNotAnEtherType() {
        byte[] frame = TestFrames.ethernet(V4);
        frame[12] = 0x00;
        frame[13] = 0x40; // 64-byte LLC frame
        NetworkPayload p = locate(LinkType.ETHERNET, frame);
        assertEquals(NetworkProtocol.OTHER, p.protocol());
        assertEquals(-1, p.etherType());
        assertEquals(14, p.offset());
    }

    @Test
    void arpIsOther() {
        byte[] frame = TestFrames.ethernet(V4);
        frame[12] = 0x08;
        frame[13] = 0x06;
        NetworkPayload p = locate(LinkType.ETHERNET, frame);
        assertEquals(NetworkProtocol.OTHER, p.protocol());
        assertEquals(0x0806, p.etherType());
    }

    @Test
    void truncatedEthernetHeaderNamesFieldAndOffset() {
        var e = assertThrows(MalformedPacketException.class, () -> locate(LinkType.ETHERNET, new byte[13]));
        assertEquals("ethernet.type", e.field());
        assertEquals(12, e.offset());
        assertTrue(e.getMessage().contains("ethernet.type at offset 12"), e.getMessage());
    }

    @Test
    void truncatedVlanTagNamesFieldAndOffset() {
        byte[] frame = Arrays.copyOf(TestFrames.ethernet(V4, 7, 8), 20); // second tag cut
        var e = assertThrows(MalformedPacketException.class, () -> locate(LinkType.ETHERNET, frame));
        assertEquals("vlan.type", e.field());
        assertEquals(20, e.offset());
    }

    @Test
    void linuxCookedV1ExposesPacketType() {
        byte[] frame = TestFrames.sll(4, V6);
        NetworkPayload p = locate(LinkType.LINUX_SLL, frame);
        assertEquals(16, p.offset());
        assertEquals(NetworkProtocol.IPV6, p.protocol());
        assertTrue(p.outgoing());
        assertEquals(-1, p.ifIndex());
    }

    @Test
    void linuxCookedV2ExposesInterfaceIndexAndPacketType() {
        byte[] frame = TestFrames.sll2(0x01020304, 0, V4);
        NetworkPayload p = locate(LinkType.LINUX_SLL2, frame);
        assertEquals(20, p.offset());
        assertEquals(0x01020304, p.ifIndex());
        assertEquals(0, p.packetType());
        assertFalse(p.outgoing());
        assertArrayEquals(V4, payloadBytes(frame, p));
    }

    @Test
    void linuxCookedNetlinkIsOther() {
        byte[] frame = TestFrames.sll(0, V4);
        frame[2] = 0x03;
        frame[3] = 0x38; // ARPHRD_NETLINK = 824
        frame[14] = 0x08;
        frame[15] = 0x00;
        assertEquals(NetworkProtocol.OTHER, locate(LinkType.LINUX_SLL, frame).protocol());
    }

    @Test
    void truncatedCookedHeaders() {
        var v1 = assertThrows(MalformedPacketException.class, () -> locate(LinkType.LINUX_SLL, new byte[15]));
        assertEquals("sll.protocol", v1.field());
        assertEquals(14, v1.offset());
        var v2 = assertThrows(MalformedPacketException.class, () -> locate(LinkType.LINUX_SLL2, new byte[19]));
        assertEquals("sll2.header", v2.field());
        assertEquals(0, v2.offset());
    }

    @Test
    void rawUsesTheVersionNibble() {
        assertEquals(NetworkProtocol.IPV4, locate(LinkType.RAW, V4).protocol());
        assertEquals(NetworkProtocol.IPV6, locate(LinkType.RAW, V6).protocol());
        NetworkPayload other = locate(LinkType.RAW, new byte[] {0x50, 0});
        assertEquals(NetworkProtocol.OTHER, other.protocol());
        assertEquals(-1, other.etherType());
        var e = assertThrows(MalformedPacketException.class, () -> locate(LinkType.RAW, new byte[0]));
        assertEquals("raw.version", e.field());
    }

    @Test
    void offsetsAreIndicesIntoTheGivenArray() {
        byte[] frame = TestFrames.ethernet(V4);
        byte[] buffer = new byte[100 + frame.length];
        System.arraycopy(frame, 0, buffer, 100, frame.length);
        NetworkPayload p = LinkLayer.locate(LinkType.ETHERNET, buffer, 100, frame.length);
        assertEquals(114, p.offset());
        assertEquals(V4.length, p.length());
        var e = assertThrows(MalformedPacketException.class, () -> LinkLayer.locate(LinkType.ETHERNET, buffer, 100, 10));
        assertEquals(112, e.offset());
    }

    @Test
    void nflogFindsThePayloadTlv() {
        byte[] frame = TestFrames.nflog(V6);
        NetworkPayload p = locate(LinkType.NFLOG, frame);
        assertEquals(NetworkProtocol.IPV6, p.protocol());
        assertArrayEquals(V6, payloadBytes(frame, p));
    }

    @Test
    void nflogWithoutPayloadIsEmptyOther() {
        byte[] frame = Arrays.copyOf(TestFrames.nflog(V4), 16); // header + prefix TLV only
        NetworkPayload p = locate(LinkType.NFLOG, frame);
        assertEquals(NetworkProtocol.OTHER, p.protocol());
        assertEquals(0, p.length());
    }

    @Test
    void nflogBadTlvLength() {
        byte[] frame = TestFrames.nflog(V4);
        frame[4] = 2;
        frame[5] = 0;
        var e = assertThrows(MalformedPacketException.class, () -> locate(LinkType.NFLOG, frame));
        assertEquals("nflog.tlv_length", e.field());
        assertEquals(4, e.offset());
        byte[] cut = Arrays.copyOf(TestFrames.nflog(V4), 20);
        var e2 = assertThrows(MalformedPacketException.class, () -> locate(LinkType.NFLOG, cut));
        assertEquals(16, e2.offset());
    }

    @Test
    void linkTypeCodesAndUnknownCode() {
        assertEquals(1, LinkType.ETHERNET.code());
        assertEquals(101, LinkType.RAW.code());
        assertEquals(113, LinkType.LINUX_SLL.code());
        assertEquals(276, LinkType.LINUX_SLL2.code());
        assertEquals(228, LinkType.IPV4.code());
        assertEquals(229, LinkType.IPV6.code());
        assertEquals(239, LinkType.NFLOG.code());
        for (LinkType t : LinkType.values()) {
            assertEquals(t, LinkType.fromCode(t.code()));
        }
        var e = assertThrows(IllegalArgumentException.class, () -> LinkType.fromCode(127));
        assertTrue(e.getMessage().contains("unsupported link type 127"), e.getMessage());
    }
}
