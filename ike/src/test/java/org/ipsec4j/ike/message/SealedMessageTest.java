package org.ipsec4j.ike.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The helpers that put sealed payloads into SK and SKF and give the associated data back on receipt, with a
 * toy cipher (XOR and a SHA-256 tag over associated data | body) standing in for the crypto layer.
 */
class SealedMessageTest {

    private static final IkeHeader AUTH = IkeHeader.of(0x0a0b0c0d0e0f1011L, 0x2122232425262728L,
            ExchangeType.IKE_AUTH, true, false, 1);
    private static final int TAG = 8;

    private static int sealedLength(int plaintextLength) {
        return plaintextLength + TAG;
    }

    private static byte[] seal(byte[] aad, byte[] plaintext) {
        byte[] body = new byte[plaintext.length + TAG];
        for (int i = 0; i < plaintext.length; i++) {
            body[i] = (byte) (plaintext[i] ^ 0x5a);
        }
        System.arraycopy(tag(aad, body, plaintext.length), 0, body, plaintext.length, TAG);
        return body;
    }

    private static byte[] open(byte[] aad, byte[] body) {
        int n = body.length - TAG;
        assertArrayEquals(tag(aad, body, n), Arrays.copyOfRange(body, n, body.length), "tag");
        byte[] plaintext = new byte[n];
        for (int i = 0; i < n; i++) {
            plaintext[i] = (byte) (body[i] ^ 0x5a);
        }
        return plaintext;
    }

    private static byte[] tag(byte[] aad, byte[] body, int length) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(aad);
            sha.update(body, 0, length);
            return Arrays.copyOf(sha.digest(), TAG);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void skRoundTrip() throws MalformedMessageException {
        List<Payload> inner = List.of(new IdentificationPayload(true, IdentificationType.FQDN, "sun".getBytes()),
                new AuthenticationPayload(AuthMethod.SHARED_KEY, new byte[32]),
                NotifyPayload.of(NotifyType.INITIAL_CONTACT));
        byte[] message = MessageCodec.encodeEncrypted(AUTH, List.of(), inner, SealedMessageTest::sealedLength,
                SealedMessageTest::seal);
        byte[] datagram = RoundTrip.concat(new byte[4], message); // behind the non-ESP marker

        IkeMessage m = MessageCodec.decode(datagram, 4, message.length);
        EncryptedPayload sk = (EncryptedPayload) m.encrypted();
        byte[] aad = MessageCodec.associatedData(datagram, 4, m);
        assertEquals(IkeHeader.LENGTH + 4, aad.length);
        byte[] plaintext = open(aad, sk.body());
        assertEquals(inner, MessageCodec.decodePayloads(sk.firstInnerPayload(), plaintext, 0, plaintext.length));
    }

    @Test
    void clearPayloadsBeforeSk() throws MalformedMessageException {
        List<Payload> clear = List.of(new VendorIdPayload(new byte[3]));
        byte[] message = MessageCodec.encodeEncrypted(AUTH, clear, List.of(), SealedMessageTest::sealedLength,
                SealedMessageTest::seal);
        IkeMessage m = MessageCodec.decode(message, 0, message.length);
        assertEquals(clear, m.payloads().subList(0, 1));
        byte[] aad = MessageCodec.associatedData(message, 0, m);
        assertEquals(IkeHeader.LENGTH + 7 + 4, aad.length);
        assertEquals(0, open(aad, ((EncryptedPayload) m.encrypted()).body()).length);
        assertEquals(0, ((EncryptedPayload) m.encrypted()).firstInnerPayload());
    }

    @Test
    void fragmentsCoverTheirNumbersInTheAssociatedData() throws MalformedMessageException {
        byte[] chain = MessageCodec.encodePayloads(List.of(new NoncePayload(new byte[40]),
                new CertificatePayload(CertificatePayload.X509_SIGNATURE, new byte[100])));
        byte[][] chunks = {Arrays.copyOfRange(chain, 0, 60), Arrays.copyOfRange(chain, 60, chain.length)};
        byte[] reassembled = new byte[0];
        for (int i = 0; i < 2; i++) {
            byte[] message = MessageCodec.encodeEncryptedFragment(AUTH, PayloadType.NONCE.value(), i + 1, 2, chunks[i],
                    SealedMessageTest::sealedLength, SealedMessageTest::seal);
            IkeMessage m = MessageCodec.decode(message, 0, message.length);
            EncryptedFragmentPayload f = (EncryptedFragmentPayload) m.encrypted();
            assertEquals(i == 0 ? PayloadType.NONCE.value() : 0, f.firstInnerPayload());
            byte[] aad = MessageCodec.associatedData(message, 0, m);
            assertEquals(IkeHeader.LENGTH + 8, aad.length);
            reassembled = RoundTrip.concat(reassembled, open(aad, f.body()));
        }
        assertEquals(2, MessageCodec.decodePayloads(PayloadType.NONCE.value(), reassembled, 0, reassembled.length)
                .size());
    }

    @Test
    void refusesWrongSealedLengthAndPlainMessages() throws MalformedMessageException {
        assertThrows(IllegalStateException.class, () -> MessageCodec.encodeEncrypted(AUTH, List.of(), List.of(),
                n -> n + 1, (aad, p) -> new byte[p.length]));
        byte[] plain = MessageCodec.encode(AUTH, List.of(new VendorIdPayload(new byte[1])));
        IkeMessage m = MessageCodec.decode(plain, 0, plain.length);
        assertThrows(IllegalArgumentException.class, () -> MessageCodec.associatedData(plain, 0, m));
    }
}
