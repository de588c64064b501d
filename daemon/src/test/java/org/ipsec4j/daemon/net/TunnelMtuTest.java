package org.ipsec4j.daemon.net;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.ipsec4j.esp.crypto.EncryptionAlgorithm;
import org.ipsec4j.esp.crypto.EspTransform;
import org.ipsec4j.esp.crypto.IntegrityAlgorithm;
import org.ipsec4j.esp.sad.IpsecMode;
import org.ipsec4j.esp.sad.SecurityAssociation;
import org.ipsec4j.esp.sad.UdpEncapsulation;
import org.ipsec4j.esp.selector.IpAddress;
import org.junit.jupiter.api.Test;

class TunnelMtuTest {

    private static SecurityAssociation sa(SecurityAssociation.Flow flow, IpsecMode mode, String local, String remote,
            UdpEncapsulation udp, EncryptionAlgorithm encryption, IntegrityAlgorithm integrity) {
        byte[] key = new byte[encryption.keyMaterialLength()];
        byte[] integrityKey = new byte[integrity.keyLength()];
        return SecurityAssociation.esp(flow, 0x1000, new EspTransform(encryption, integrity), key, integrityKey)
                .mode(mode).endpoints(IpAddress.parse(local), IpAddress.parse(remote)).udpEncapsulation(udp).build();
    }

    @Test
    void aesGcmInUdpOverIpv4() {
        // 1500 - 20 (IPv4) - 8 (UDP) = 1472 for ESP: 8 (SPI, seq) + 8 (IV) + payload + pad + 2 + 16 (ICV),
        // payload + 2 a multiple of 4: payload 1438.
        SecurityAssociation sa = sa(SecurityAssociation.Flow.OUTBOUND, IpsecMode.TUNNEL, "192.0.2.1", "192.0.2.2",
                UdpEncapsulation.DEFAULT, EncryptionAlgorithm.AES_GCM_16_128, IntegrityAlgorithm.NONE);
        assertEquals(1438, TunnelMtu.compute(List.of(sa), s -> 1500));
    }

    @Test
    void theWorstOutboundSaWinsAndInboundSasDoNotCount() {
        SecurityAssociation gcm6 = sa(SecurityAssociation.Flow.OUTBOUND, IpsecMode.TUNNEL, "2001:db8::1", "2001:db8::2",
                UdpEncapsulation.DEFAULT, EncryptionAlgorithm.AES_GCM_16_128, IntegrityAlgorithm.NONE);
        SecurityAssociation cbc = sa(SecurityAssociation.Flow.OUTBOUND, IpsecMode.TUNNEL, "192.0.2.1", "192.0.2.3", null,
                EncryptionAlgorithm.AES_CBC_128, IntegrityAlgorithm.HMAC_SHA2_256_128);
        SecurityAssociation inbound = sa(SecurityAssociation.Flow.INBOUND, IpsecMode.TUNNEL, "192.0.2.1", "192.0.2.4",
                null, EncryptionAlgorithm.NULL, IntegrityAlgorithm.HMAC_SHA1_96);
        // IPv6 + UDP: 1500 - 48 = 1452 - 8 - 8 - 16 = 1420, - 2 = 1418 (1420 is a multiple of 4).
        assertEquals(1418, TunnelMtu.largestInnerPacket(gcm6, 1500));
        // CBC: 1480 - 16 (SPI, seq... 8 + IV 16 = 24) - 16 (ICV) = 1440, multiple of 16: 1440 - 2 = 1438.
        assertEquals(1438, TunnelMtu.largestInnerPacket(cbc, 1500));
        assertEquals(1418, TunnelMtu.compute(List.of(gcm6, cbc, inbound), s -> 1500));
    }

    @Test
    void transportModeKeepsTheInnerHeaderOutside() {
        SecurityAssociation sa = sa(SecurityAssociation.Flow.OUTBOUND, IpsecMode.TRANSPORT, "192.0.2.1", "192.0.2.2",
                null, EncryptionAlgorithm.AES_GCM_16_128, IntegrityAlgorithm.NONE);
        // 1480 for ESP: 1480 - 32 = 1448 payload + 2 (multiple of 4: 1448 + 2 = 1450 -> 1446 + 2 = 1448): 1446 + 20.
        assertEquals(1466, TunnelMtu.compute(List.of(sa), s -> 1500));
    }

    @Test
    void ahAddsItsHeaderOnly() {
        SecurityAssociation tunnel = SecurityAssociation.ah(SecurityAssociation.Flow.OUTBOUND, 0x1000,
                IntegrityAlgorithm.HMAC_SHA2_256_128, new byte[32], false).mode(IpsecMode.TUNNEL)
                .endpoints(IpAddress.parse("192.0.2.1"), IpAddress.parse("192.0.2.2")).build();
        SecurityAssociation transport6 = SecurityAssociation.ah(SecurityAssociation.Flow.OUTBOUND, 0x1000,
                IntegrityAlgorithm.HMAC_SHA1_96, new byte[20], false).mode(IpsecMode.TRANSPORT)
                .endpoints(IpAddress.parse("2001:db8::1"), IpAddress.parse("2001:db8::2")).build();
        // AH with a 16-byte ICV: 12 + 16 = 28 bytes, a multiple of 4 for IPv4; outer header 20.
        assertEquals(1500 - 20 - 28, TunnelMtu.largestInnerPacket(tunnel, 1500));
        // 12-byte ICV over IPv6: 24 bytes, a multiple of 8; the packet's own header stays.
        assertEquals(1500 - 24, TunnelMtu.largestInnerPacket(transport6, 1500));
    }

    @Test
    void withoutSasADefault() {
        assertEquals(TunnelMtu.WITHOUT_SAS, TunnelMtu.compute(List.of(), s -> 1500));
    }
}
