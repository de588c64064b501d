package org.ipsec4j.ike.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The octets AUTH covers (RFC 7296 §2.15): message, peer nonce, prf(SK_p, IDx'). */
class SignedOctetsTest {

    @ParameterizedTest
    @ValueSource(strings = {"HmacSHA256", "HmacSHA384", "HmacSHA512"})
    void layoutIsMessageNonceAndMacedIdBody(String prf) {
        Random random = new Random(7);
        byte[] message = new byte[432];
        byte[] nonce = new byte[32];
        byte[] skP = new byte[Integer.parseInt(prf.substring(7)) / 8];
        random.nextBytes(message);
        random.nextBytes(nonce);
        random.nextBytes(skP);
        // ID_FQDN "moon.strongswan.org": type, three reserved octets, data.
        byte[] idBody = new byte[4 + 19];
        idBody[0] = 2;
        System.arraycopy("moon.strongswan.org".getBytes(), 0, idBody, 4, 19);

        byte[] octets = SignedOctets.of(message, nonce, prf, skP, idBody);

        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.writeBytes(message);
        expected.writeBytes(nonce);
        expected.writeBytes(ReferenceHmac.prf(prf, skP, idBody));
        assertArrayEquals(expected.toByteArray(), octets);
        assertEquals(message.length + nonce.length + skP.length, octets.length);
        assertArrayEquals(message, Arrays.copyOf(octets, message.length));
    }
}
