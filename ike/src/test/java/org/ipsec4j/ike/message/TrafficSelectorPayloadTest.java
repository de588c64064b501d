package org.ipsec4j.ike.message;

import static org.ipsec4j.ike.message.RoundTrip.rejects;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Traffic Selector payloads (RFC 7296 §3.13): IPv4 selectors are 16 bytes, IPv6 ones 40, the count exact. */
class TrafficSelectorPayloadTest {

    private static final byte[] TSI_BODY = Hex.bytes("""
            02 000000                                   // 2 selectors
            07 06 0010 0000 ffff c0a80100 c0a801ff      // IPv4, TCP, 192.168.1.0-255, all ports
            08 00 0028 ffff 0000                        // IPv6, any protocol, OPAQUE ports
               20010db8000000000000000000000000
               20010db8ffffffffffffffffffffffff
            """);

    @Test
    void decodesBothFamilies() throws Exception {
        TrafficSelectorPayload ts = (TrafficSelectorPayload) RoundTrip.decodeBody(PayloadType.TSI, TSI_BODY);
        assertEquals(true, ts.initiator());
        TrafficSelectorEntry v4 = ts.selectors().get(0);
        assertEquals(TrafficSelectorEntry.TS_IPV4_ADDR_RANGE, v4.tsType());
        assertEquals(6, v4.ipProtocol());
        assertEquals(InetAddress.getByName("192.168.1.0"), v4.start());
        assertEquals(InetAddress.getByName("192.168.1.255"), v4.end());
        TrafficSelectorEntry v6 = ts.selectors().get(1);
        assertEquals(65535, v6.startPort());
        assertEquals(0, v6.endPort());
        assertEquals(InetAddress.getByName("2001:db8::"), v6.start());
        assertArrayEquals(TSI_BODY, RoundTrip.body(ts));
        RoundTrip.payload(ts);
        RoundTrip.payload(new TrafficSelectorPayload(false, ts.selectors()));
    }

    @Test
    void helpers() throws Exception {
        assertArrayEquals(Hex.bytes("07 00 0010 0000 ffff 00000000 ffffffff"), encode(TrafficSelectorEntry.anyIpv4()));
        assertEquals(40, TrafficSelectorEntry.anyIpv6().length());
        TrafficSelectorEntry r = TrafficSelectorEntry.range(InetAddress.getByName("10.0.0.1"),
                InetAddress.getByName("10.0.0.9"));
        assertEquals(TrafficSelectorEntry.TS_IPV4_ADDR_RANGE, r.tsType());
        assertThrows(IllegalArgumentException.class, () -> TrafficSelectorEntry.range(
                InetAddress.getByName("10.0.0.1"), InetAddress.getByName("::1")));
    }

    private static byte[] encode(TrafficSelectorEntry e) {
        byte[] out = new byte[e.length()];
        e.encode(out, 0);
        return out;
    }

    @Test
    void rejectsLengthsThatDoNotMatchTheType() {
        rejects(PayloadType.TSI, Hex.bytes("01 000000 07 00 0028 0000 ffff 00000000 ffffffff"));
        rejects(PayloadType.TSI, Hex.bytes("01 000000 07 00 000f 0000 ffff 00000000 ffffff"));
        rejects(PayloadType.TSR, Hex.bytes("01 000000 08 00 0010 0000 ffff 00000000 ffffffff"));
    }

    @Test
    void rejectsCountMismatchAndUnknownTypes() {
        byte[] one = Hex.bytes("07 00 0010 0000 ffff 00000000 ffffffff");
        rejects(PayloadType.TSI, RoundTrip.concat(Hex.bytes("02 000000"), one));
        rejects(PayloadType.TSI, RoundTrip.concat(Hex.bytes("01 000000"), one, one));
        rejects(PayloadType.TSI, RoundTrip.concat(Hex.bytes("00 000000")));
        rejects(PayloadType.TSI, Hex.bytes("01 000000 09 00 0010 0000 ffff 00000000 ffffffff"));
        rejects(PayloadType.TSI, Hex.bytes("01 0000"));
    }

    @Test
    void rejectsTruncation() {
        for (int n = 0; n < TSI_BODY.length; n++) {
            rejects(PayloadType.TSI, java.util.Arrays.copyOf(TSI_BODY, n));
        }
    }

    @Test
    void constructorChecks() {
        assertThrows(IllegalArgumentException.class, () -> new TrafficSelectorPayload(true, List.of()));
        assertThrows(IllegalArgumentException.class,
                () -> new TrafficSelectorEntry(7, 0, 0, 65535, new byte[16], new byte[16]));
        assertThrows(IllegalArgumentException.class,
                () -> new TrafficSelectorEntry(9, 0, 0, 65535, new byte[4], new byte[4]));
        assertThrows(IllegalArgumentException.class,
                () -> new TrafficSelectorEntry(7, 0, 0, 65536, new byte[4], new byte[4]));
    }
}
