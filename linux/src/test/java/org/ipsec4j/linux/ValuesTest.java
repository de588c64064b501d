package org.ipsec4j.linux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.EnumSet;
import java.util.HexFormat;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** The value types and encodings, without the kernel (no root needed). */
class ValuesTest {

    private static final HexFormat HEX = HexFormat.of();

    @Test
    void socketEndpointsEncodeAsSockaddr() {
        SocketEndpoint v4 = SocketEndpoint.of("192.0.2.1", 4500);
        // sockaddr_in: family 2 (host order), port 4500 = 0x1194, address, 8 zero bytes
        assertEquals("02001194c0000201" + "0000000000000000", HEX.formatHex(v4.sockaddr()));
        SocketEndpoint v6 = SocketEndpoint.of("2001:db8::1", 500);
        // sockaddr_in6: family 10, port 500 = 0x01f4, flow info 0, address, scope 0
        assertEquals("0a0001f4" + "00000000" + "20010db8000000000000000000000001" + "00000000",
                HEX.formatHex(v6.sockaddr()));
        assertEquals("192.0.2.1:4500", v4.toString());
        assertEquals("[2001:db8:0:0:0:0:0:1]:500", v6.toString());
        assertEquals(v4, SocketEndpoint.of("192.0.2.1", 4500));
        assertNotEquals(v4, SocketEndpoint.of("192.0.2.1", 4501));
        assertEquals(StandardProtocolFamily.INET6, SocketEndpoint.any(StandardProtocolFamily.INET6, 0).family());
        assertThrows(IllegalArgumentException.class, () -> SocketEndpoint.of("192.0.2.1", 65536));
    }

    @Property
    void sockaddrDecodesWhatItEncodes(@ForAll @Size(4) byte[] v4, @ForAll @Size(16) byte[] v6,
                                     @ForAll @IntRange(max = 65535) int port) throws Exception {
        for (byte[] raw : new byte[][] {v4, v6}) {
            InetAddress address = InetAddress.getByAddress(raw);
            SocketEndpoint endpoint = SocketEndpoint.of(address, port);
            SocketEndpoint decoded = SockAddr.decode(MemorySegment.ofArray(endpoint.sockaddr()), 0);
            assertEquals(endpoint, decoded);
            assertEquals(port, SockAddr.port(MemorySegment.ofArray(endpoint.sockaddr()), 0));
        }
    }

    @Test
    void prefixesRoutesAndRulesReadLikeIp() {
        assertEquals("10.0.0.0/8", IpPrefix.parse("10.0.0.0/8").toString());
        assertEquals(128, IpPrefix.parse("2001:db8::1").length());
        assertEquals("::/0", IpPrefix.any(StandardProtocolFamily.INET6).toString().replace("0:0:0:0:0:0:0:0", "::"));
        assertThrows(IllegalArgumentException.class, () -> IpPrefix.parse("10.0.0.0/33"));
        assertThrows(IllegalArgumentException.class, () -> IpPrefix.parse("example.com/8"));

        assertEquals("10.0.0.0/8 via 192.0.2.1 dev tun0 table 100 metric 5 mtu 1400",
                Route.to("10.0.0.0/8").via("192.0.2.1").device("tun0").table(100).metric(5).mtu(1400).toString());
        assertEquals("blackhole 198.51.100.0/24", Route.to("198.51.100.0/24").type(Route.Type.BLACKHOLE).toString());
        assertEquals(254, Route.to("0.0.0.0/0").effectiveTable());
        assertThrows(IllegalArgumentException.class, () -> Route.to("10.0.0.0/8").via("2001:db8::1"));

        assertEquals("-4 pref 10 not fwmark 0xca6c lookup 51820",
                RoutingRule.lookup(StandardProtocolFamily.INET, 51820).notFwmark(0xca6c).priority(10).toString());
        assertEquals("-6 from all lookup 254 suppress_prefixlength 0",
                RoutingRule.lookup(StandardProtocolFamily.INET6, 254).suppressPrefixLength(0).toString());
        assertEquals("-4 fwmark 0x1/0xff lookup 7", RoutingRule.lookup(StandardProtocolFamily.INET, 7).fwmark(1, 0xff).toString());
    }

    @Test
    void tunOptionsRefuseWhatTheKernelWould() {
        assertThrows(IllegalArgumentException.class, () -> TunOptions.defaults().withName("sixteen-bytes-xx"));
        assertThrows(IllegalArgumentException.class, () -> TunOptions.defaults().withName(""));
        assertEquals("fifteen-bytes-x", TunOptions.defaults().withName("fifteen-bytes-x").name());
        assertThrows(IllegalArgumentException.class,
                () -> new TunOptions(null, false, false, EnumSet.of(TunOffload.CHECKSUM)));
        assertThrows(IllegalArgumentException.class,
                () -> TunOptions.defaults().withVirtioNetHeader(EnumSet.of(TunOffload.TCP_SEGMENTATION_IPV4)));
        assertEquals(0x07, TunOptions.defaults().withTcpOffloads().offloadBits());
    }

    @Test
    void virtioNetHeaderIsLittleEndian() {
        byte[] buf = new byte[12];
        VirtioNetHeader.write(buf, 2, VirtioNetHeader.FLAG_NEEDS_CHECKSUM,
                VirtioNetHeader.GSO_TCPV4 | VirtioNetHeader.GSO_ECN, 52, 1448, 20, 16);
        assertEquals("0000" + "0181" + "3400" + "a805" + "1400" + "1000", HEX.formatHex(buf));
        assertEquals(VirtioNetHeader.GSO_TCPV4, VirtioNetHeader.gsoType(buf, 2));
        assertEquals(true, VirtioNetHeader.gsoEcn(buf, 2));
        assertEquals(52, VirtioNetHeader.headerLength(buf, 2));
        assertEquals(1448, VirtioNetHeader.gsoSize(buf, 2));
        assertEquals(20, VirtioNetHeader.checksumStart(buf, 2));
        assertEquals(16, VirtioNetHeader.checksumOffset(buf, 2));
        assertEquals("vnet[flags=1 gso=TCPV4+ECN hdr=52 size=1448 csum=20+16]", VirtioNetHeader.toString(buf, 2));
        VirtioNetHeader.writeNone(buf, 2);
        assertArrayEquals(new byte[12], buf);
    }

    @Test
    void errnoExceptionsNameTheCallAndTheError() {
        ErrnoException e = new ErrnoException("bind(0.0.0.0:4500)", 98);
        assertEquals("bind(0.0.0.0:4500): Address already in use (EADDRINUSE, errno 98)", e.getMessage());
        assertEquals("EADDRINUSE", e.errnoName());
        assertEquals("bind(0.0.0.0:4500)", e.call());
        NetlinkException n = new NetlinkException("RTM_NEWROUTE x", 101, "Nexthop has invalid gateway");
        assertEquals("RTM_NEWROUTE x: Network is unreachable (ENETUNREACH, errno 101): Nexthop has invalid gateway",
                n.getMessage());
        assertEquals("errno 4095", new ErrnoException("x", 4095).errnoName());
    }

    @Test
    void netlinkMessagesArePaddedAndCarryLengthAndSequence() {
        NetlinkMessage message = new NetlinkMessage(18, NetlinkMessage.NLM_F_ACK, "test");
        message.u8(0).u8(0).u16(0).u32(3).u32(0).u32(0);
        message.attributeString(3, "tun0"); // 4 + 5 bytes, padded to 12
        int nested = message.beginNested(8);
        message.attributeU32(2, 1400);
        message.endNested(nested);
        byte[] bytes = message.finish(77);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder());
        assertEquals(16 + 16 + 12 + 12, bytes.length);
        assertEquals(bytes.length, b.getInt(0));
        assertEquals(18, b.getShort(4));
        assertEquals(NetlinkMessage.NLM_F_REQUEST | NetlinkMessage.NLM_F_ACK, b.getShort(6));
        assertEquals(77, b.getInt(8));
        assertEquals(9, b.getShort(32)); // rta_len excludes padding
        assertEquals("tun0", new String(bytes, 36, 4));
        assertEquals(12, b.getShort(44)); // nested length covers the inner attribute
        assertEquals(1400, b.getInt(52));
    }
}
