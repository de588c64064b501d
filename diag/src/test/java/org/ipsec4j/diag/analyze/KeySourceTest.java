package org.ipsec4j.diag.analyze;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.ipsec4j.ike.message.ExchangeType;
import org.ipsec4j.ike.message.NotifyType;
import org.junit.jupiter.api.Test;

/**
 * The plug of decryption: a {@link KeySource} is asked for every protected IKEv2 message (whole, with its bytes)
 * and every ESP packet, and what it returns shows in the report ({@link KeyLogKeySourceTest} plugs in real keys).
 */
class KeySourceTest {

    @Test
    void aKeySourceIsAskedForEveryProtectedMessageAndEspPacketAndItsAnswerShows() {
        SyntheticCapture c = new SyntheticCapture();
        long spiI = 0x0102030405060708L;
        long spiR = 0x1112131415161718L;
        c.add(0, c.udp("192.0.2.1", "198.51.100.2", 500, 500, SyntheticCapture.protectedMessage(spiI, spiR,
                ExchangeType.IKE_AUTH, true, false, 1, 35, 200)));
        c.add(0.1, c.udp("198.51.100.2", "192.0.2.1", 500, 500, SyntheticCapture.protectedMessage(spiI, spiR,
                ExchangeType.IKE_AUTH, false, true, 1, 41, 100)));
        for (int i = 1; i <= 3; i++) {
            c.add(1 + i, c.rawEsp("192.0.2.1", "198.51.100.2", 0x1001, i, 200, true));
        }
        List<String> asked = new ArrayList<>();
        KeySource keys = new KeySource() {
            @Override
            public OpenedIkeMessage openIke(IkeDatagram header, byte[] message, int offset, int length) {
                asked.add("ike " + Long.toHexString(header.initiatorSpi()) + " " + header.messageId() + " "
                        + (header.response() ? "response" : "request") + " " + length);
                return header.response()
                        ? new OpenedIkeMessage(List.of(41), List.of(NotifyType.AUTHENTICATION_FAILED))
                        : new OpenedIkeMessage(List.of(35, 39, 33, 44, 45), List.of());
            }

            @Override
            public OpenedEspPacket openEsp(int spi, NetAddress destination, byte[] esp, int offset, int length) {
                asked.add("esp " + Integer.toHexString(spi) + " " + destination);
                return new OpenedEspPacket(4, length - 30);
            }
        };
        AnalysisReport r = SyntheticCapture.analyze(c.pcapng(), CaptureAnalyzer.Limits.DEFAULT, keys);
        assertEquals(List.of("ike 102030405060708 1 request 232", "ike 102030405060708 1 response 132",
                "esp 1001 198.51.100.2", "esp 1001 198.51.100.2", "esp 1001 198.51.100.2"), asked);
        String text = TextReport.render(r);
        assertTrue(text.contains("B: SK{IDi AUTH SA TSi TSr}"), text);
        assertTrue(text.contains("B: SK{N(AUTHENTICATION_FAILED)}"), text);
        assertEquals(3, r.espFlows().getFirst().decryptedPackets());
    }
}
