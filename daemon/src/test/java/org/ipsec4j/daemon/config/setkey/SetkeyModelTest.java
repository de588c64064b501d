package org.ipsec4j.daemon.config.setkey;

import static org.ipsec4j.daemon.config.setkey.SetkeyParserTest.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Optional;

import org.ipsec4j.daemon.config.setkey.SetkeyStatement.AddSa;
import org.junit.jupiter.api.Test;

/** Values built by hand obey the same rules the parser enforces. */
class SetkeyModelTest {

    private static final KeyMaterial K20 = KeyMaterial.of(new byte[20]);

    @Test
    void addSaRefusesWhatTheParserRefuses() {
        var v4 = ip("192.0.2.1");
        var v6 = ip("2001:db8::1");
        assertThrows(IllegalArgumentException.class, () -> AddSa.builder(v4, v6, SecurityProtocol.ESP, 300)
                .encryption(EncryptionAlgorithm.AES_GCM_16, K20).build());
        assertThrows(IllegalArgumentException.class, () -> AddSa.builder(v4, v4, SecurityProtocol.ESP, 255)
                .encryption(EncryptionAlgorithm.AES_GCM_16, K20).build());
        assertThrows(IllegalArgumentException.class, () -> AddSa.builder(v4, v4, SecurityProtocol.AH, 300)
                .encryption(EncryptionAlgorithm.AES_GCM_16, K20).build());
        assertThrows(IllegalArgumentException.class, () -> AddSa.builder(v4, v4, SecurityProtocol.AH, 300)
                .udpEncapsulation(UdpEncapsulation.natTraversal())
                .authentication(AuthenticationAlgorithm.HMAC_SHA1, K20).build());
        assertThrows(IllegalArgumentException.class, () -> AddSa.builder(v4, v4, SecurityProtocol.ESP, 300)
                .encryption(EncryptionAlgorithm.AES_GCM_16, K20)
                .hardLifetime(new Lifetime(10, 0)).softLifetime(new Lifetime(11, 0)).build());
        assertThrows(IllegalArgumentException.class, () -> AddSa.builder(v4, v4, SecurityProtocol.ESP, 300)
                .encryption(EncryptionAlgorithm.AES_CBC, K20));
        assertThrows(IllegalArgumentException.class, () -> AddSa.builder(v4, v4, SecurityProtocol.ESP, 300)
                .encryption(EncryptionAlgorithm.NULL, KeyMaterial.empty()).build());
    }

    @Test
    void policyPartsCheckThemselves() {
        var v4 = ip("192.0.2.1");
        var v6 = ip("2001:db8::1");
        assertThrows(IllegalArgumentException.class, () -> new AddressSelector(v4, 33, Port.ANY));
        assertThrows(IllegalArgumentException.class, () -> new PolicySelector(AddressSelector.host(v4),
                AddressSelector.host(v6), UpperLayer.ANY));
        assertThrows(IllegalArgumentException.class, () -> new UpperLayer.Protocol(255));
        assertThrows(IllegalArgumentException.class, () -> new UpperLayer.Icmp(6, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new IpsecRequest(SecurityProtocol.ESP,
                IpsecRequest.Mode.TUNNEL, Optional.empty(), Optional.empty(), IpsecRequest.Level.REQUIRE, 0));
        assertThrows(IllegalArgumentException.class, () -> IpsecRequest.transport(SecurityProtocol.ESP,
                IpsecRequest.Level.REQUIRE).withUniqueId(40000));
        assertThrows(IllegalArgumentException.class, () -> new PolicyAction.Protect(List.of()));
        assertThrows(IllegalArgumentException.class, () -> new PolicyPriority(PolicyPriority.Base.HIGH, 0x4000_0001L));
        assertThrows(IllegalArgumentException.class, () -> new Port(65536));
    }

    @Test
    void keyMaterialComparesBytesButShowsNone() {
        KeyMaterial a = KeyMaterial.of(new byte[] {1, 2, 3});
        byte[] source = {1, 2, 3};
        KeyMaterial b = KeyMaterial.of(source);
        source[0] = 9; // copied on the way in
        assertEquals(a, b);
        assertEquals(a.hashCode(), KeyMaterial.of(new byte[] {7, 7, 7}).hashCode(), "hash from the length only");
        assertNotEquals(a, KeyMaterial.of(new byte[] {1, 2, 4}));
        assertEquals("KeyMaterial[3 bytes]", a.toString());
        byte[] copy = a.bytes();
        copy[0] = 9;
        assertEquals(b, a, "bytes() hands out a copy");
        a.destroy();
        assertEquals(KeyMaterial.of(new byte[3]), a);
        assertFalse(new Encryption(EncryptionAlgorithm.AES_GCM_16, K20).toString().contains("0, 0"));
    }

    @Test
    void algorithmTables() {
        assertEquals(4, EncryptionAlgorithm.AES_GCM_16.saltLength());
        assertEquals(0, EncryptionAlgorithm.AES_CBC.saltLength());
        assertEquals(16, AuthenticationAlgorithm.HMAC_SHA2_256.rfcIcvLength());
        assertEquals(12, AuthenticationAlgorithm.HMAC_SHA2_256.linuxSetkeyIcvLength());
        assertEquals("16, 24 or 32 bytes", EncryptionAlgorithm.AES_CBC.describeKeyLengths());
    }
}
