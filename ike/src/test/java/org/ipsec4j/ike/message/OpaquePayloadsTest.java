package org.ipsec4j.ike.message;

import static org.ipsec4j.ike.message.RoundTrip.rejects;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The payloads with a small fixed head and opaque data: KE, ID, CERT, CERTREQ, AUTH, Nonce, Vendor ID, EAP. */
class OpaquePayloadsTest {

    @Test
    void keyExchange() throws MalformedMessageException {
        KeyExchangePayload ke = new KeyExchangePayload(31, RoundTrip.filled(32, 0x5a));
        assertArrayEquals(RoundTrip.concat(Hex.bytes("001f 0000"), RoundTrip.filled(32, 0x5a)), RoundTrip.body(ke));
        RoundTrip.payload(ke);
        rejects(PayloadType.KE, Hex.bytes("001f 0000"));  // no public value
        rejects(PayloadType.KE, Hex.bytes("001f"));
    }

    @Test
    void identificationAndItsSignedBody() throws MalformedMessageException {
        IdentificationPayload id = new IdentificationPayload(true, IdentificationType.FQDN, "moon.example".getBytes());
        byte[] body = RoundTrip.concat(Hex.bytes("02 000000"), "moon.example".getBytes());
        assertArrayEquals(body, id.body());
        assertArrayEquals(body, RoundTrip.body(id));
        assertEquals(PayloadType.IDI, id.type());
        RoundTrip.payload(id);
        IdentificationPayload idr = new IdentificationPayload(false, IdentificationType.IPV4_ADDR, Hex.bytes("c0000201"));
        assertEquals(PayloadType.IDR, idr.type());
        RoundTrip.payload(idr);
        RoundTrip.payload(new IdentificationPayload(false, IdentificationType.IPV6_ADDR, new byte[16]));
        assertNotEquals(id, new IdentificationPayload(false, IdentificationType.FQDN, "moon.example".getBytes()));
    }

    @Test
    void identificationReservedBytesAreIgnoredOnReceipt() throws MalformedMessageException {
        Payload p = RoundTrip.decodeBody(PayloadType.IDI, Hex.bytes("03 ffffff 61 40 62"));
        assertEquals(new IdentificationPayload(true, IdentificationType.RFC822_ADDR, "a@b".getBytes()), p);
    }

    @Test
    void identificationAddressLengths() {
        rejects(PayloadType.IDI, Hex.bytes("01 000000 c00002"));
        rejects(PayloadType.IDR, Hex.bytes("05 000000 c0000201"));
        rejects(PayloadType.IDR, Hex.bytes("02 0000"));
        assertThrows(IllegalArgumentException.class,
                () -> new IdentificationPayload(true, IdentificationType.IPV4_ADDR, new byte[16]));
    }

    @Test
    void certificateAndRequest() throws MalformedMessageException {
        RoundTrip.payload(new CertificatePayload(CertificatePayload.X509_SIGNATURE, Hex.bytes("3082000130")));
        RoundTrip.payload(new CertificatePayload(CertificatePayload.X509_SIGNATURE, new byte[0]));
        rejects(PayloadType.CERT, new byte[0]);

        byte[] a = RoundTrip.filled(20, 1);
        byte[] b = RoundTrip.filled(20, 2);
        CertificateRequestPayload req = CertificateRequestPayload.x509(List.of(a, b));
        assertArrayEquals(RoundTrip.concat(Hex.bytes("04"), a, b), RoundTrip.body(req));
        RoundTrip.payload(req);
        List<byte[]> hashes = req.authorityHashes();
        assertEquals(2, hashes.size());
        assertArrayEquals(b, hashes.get(1));
        rejects(PayloadType.CERTREQ, new byte[0]);
        // A partial hash is tolerated and left out.
        CertificateRequestPayload odd = (CertificateRequestPayload) RoundTrip.decodeBody(PayloadType.CERTREQ,
                RoundTrip.concat(Hex.bytes("04"), a, Hex.bytes("0102")));
        assertEquals(1, odd.authorityHashes().size());
        assertThrows(IllegalArgumentException.class, () -> CertificateRequestPayload.x509(List.of(new byte[19])));
    }

    @Test
    void authentication() throws MalformedMessageException {
        AuthenticationPayload auth = new AuthenticationPayload(AuthMethod.SHARED_KEY, RoundTrip.filled(32, 7));
        assertArrayEquals(RoundTrip.concat(Hex.bytes("02 000000"), RoundTrip.filled(32, 7)), RoundTrip.body(auth));
        RoundTrip.payload(auth);
        rejects(PayloadType.AUTH, Hex.bytes("02 000000"));
        assertEquals("DIGITAL_SIGNATURE", AuthMethod.name(14));
    }

    @Test
    void nonceBounds() throws MalformedMessageException {
        RoundTrip.payload(new NoncePayload(new byte[16]));
        RoundTrip.payload(new NoncePayload(new byte[256]));
        rejects(PayloadType.NONCE, new byte[15]);
        rejects(PayloadType.NONCE, new byte[257]);
        rejects(PayloadType.NONCE, new byte[0]);
        assertThrows(IllegalArgumentException.class, () -> new NoncePayload(new byte[8]));
    }

    @Test
    void vendorId() throws MalformedMessageException {
        RoundTrip.payload(new VendorIdPayload("ipsec4j".getBytes()));
        RoundTrip.payload(new VendorIdPayload(new byte[0]));
    }

    @Test
    void eapLengthMustCoverTheBody() throws MalformedMessageException {
        EapPayload identityRequest = new EapPayload(Hex.bytes("01 07 0005 01"));
        assertEquals(1, identityRequest.code());
        RoundTrip.payload(identityRequest);
        RoundTrip.payload(new EapPayload(Hex.bytes("03 07 0004"))); // success
        rejects(PayloadType.EAP, Hex.bytes("01 07 0006 01"));
        rejects(PayloadType.EAP, Hex.bytes("01 07 0004 01"));
        rejects(PayloadType.EAP, Hex.bytes("01 07 00"));
        assertThrows(IllegalArgumentException.class, () -> new EapPayload(Hex.bytes("01 07 0009 01")));
    }

    @Test
    void arraysAreCopiedInAndOut() {
        byte[] nonce = new byte[16];
        NoncePayload n = new NoncePayload(nonce);
        nonce[0] = 1;
        n.nonce()[1] = 1;
        assertArrayEquals(new byte[16], n.nonce());
        assertTrue(n.toString().contains("0000"));
    }
}
