package org.ipsec4j.esp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;

import org.ipsec4j.esp.TwoPeers.Config;
import org.ipsec4j.esp.TwoPeers.Delivery;
import org.ipsec4j.esp.crypto.EncryptionAlgorithm;
import org.ipsec4j.esp.crypto.EspTransform;
import org.ipsec4j.esp.crypto.IntegrityAlgorithm;
import org.ipsec4j.esp.sad.IpsecMode;
import org.ipsec4j.esp.selector.IpAddress;
import org.ipsec4j.esp.selector.IpFamily;
import org.ipsec4j.wire.IpProtocol;
import org.ipsec4j.wire.Ipv6Packet;
import org.ipsec4j.wire.UdpDatagram;
import org.junit.jupiter.api.Test;

/**
 * Transport mode over IPv6 puts ESP or AH after the unfragmentable part (RFC 4303 §3.1.1, RFC 4302 §3.1):
 * a hop-by-hop options header stays in front, and the receiver restores the chain.
 */
class DataPlaneIpv6ExtensionHeaderTest {

    static final EspTransform GCM = EspTransform.of(EncryptionAlgorithm.AES_GCM_16_128, IntegrityAlgorithm.NONE, false);

    /** IPv6 | hop-by-hop (PadN) | UDP with 200 bytes, from left's to right's gateway. */
    static int withHopByHop(byte[] b, int o) {
        int udpLength = 8 + 200;
        Ipv6Packet.writeHeader(b, o, 0, 0, 8 + udpLength, IpProtocol.HOPOPT, 64,
                IpAddress.parse(TwoPeers.LEFT_GW6).toBytes(), 0, IpAddress.parse(TwoPeers.RIGHT_GW6).toBytes(), 0);
        int h = o + 40;
        b[h] = (byte) IpProtocol.UDP;
        b[h + 1] = 0; // 8 bytes
        b[h + 2] = 1; // PadN
        b[h + 3] = 4;
        Arrays.fill(b, h + 4, h + 8, (byte) 0);
        UdpDatagram.writeHeader(b, h + 8, 7000, 7001, 200);
        for (int i = 0; i < 200; i++) {
            b[h + 16 + i] = (byte) i;
        }
        Ipv6Packet ip = Ipv6Packet.parse(b, o, 40 + 8 + udpLength);
        UdpDatagram.parse(b, h + 8, udpLength).updateChecksum(ip);
        return 40 + 8 + udpLength;
    }

    @Test
    void espAndAhGoAfterTheHopByHopHeader() {
        Config[] configs = {
                Config.transport(IpFamily.IPV6, false, GCM),
                Config.transport(IpFamily.IPV6, true, GCM),
                Config.ah(IpsecMode.TRANSPORT, IpFamily.IPV6, IpFamily.IPV6, IntegrityAlgorithm.HMAC_SHA2_256_128),
        };
        for (Config c : configs) {
            TwoPeers link = new TwoPeers(c);
            byte[] original = new byte[400];
            int len = withHopByHop(original, 0);
            OutboundResult out = link.send(link.left, (b, o) -> withHopByHop(b, o), 0);
            assertEquals(OutboundResult.Action.SEND, out.action(), c + ": " + out);
            byte[] wire = link.wire(link.left);
            assertEquals(IpProtocol.HOPOPT, wire[6], "the hop-by-hop header stays first");
            int expected = c.ah() != null ? IpProtocol.AH : c.udp() ? IpProtocol.UDP : IpProtocol.ESP;
            assertEquals(expected, wire[40] & 0xFF, c + ": the hop-by-hop header now names " + expected);
            assertEquals(out.packetOffset() + 48 + (c.udp() ? 8 : 0), out.payloadOffset());
            InboundResult in = link.deliver(link.right, wire, Delivery.WHOLE_PACKET, 0);
            assertEquals(InboundResult.Action.DELIVER, in.action(), c + ": " + in);
            assertArrayEquals(Arrays.copyOf(original, len), TwoPeers.delivered(in), c.toString());
        }
    }
}
