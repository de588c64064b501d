package org.ipsec4j.ike.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DEROctetString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The small DER reader and writer: X.690 lengths and object identifiers, and what strict DER refuses. */
class DerTest {

    @ParameterizedTest
    @ValueSource(strings = {"1.2.840.113549.1.1.10", "2.16.840.1.101.3.4.2.3", "1.3.101.112", "0.9.2342.19200300.100.1.25",
        "2.999.3", "1.2.840.10045.3.1.7", "2.5.4.3", "1.2.3.18446744073709551"})
    void objectIdentifiersAsBouncyCastleEncodesThem(String oid) throws Exception {
        byte[] ours = Der.oid(oid);
        assertArrayEquals(new ASN1ObjectIdentifier(oid).getEncoded("DER"), ours);
        assertEquals(oid, Der.parse(ours).oid());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 127, 128, 255, 256, 65535, 65536, 100000})
    void lengthsAsBouncyCastleEncodesThem(int length) throws Exception {
        byte[] content = new byte[length];
        byte[] ours = Der.octetString(content);
        assertArrayEquals(new DEROctetString(content).getEncoded("DER"), ours);
        Der.Element e = Der.parse(ours);
        assertEquals(Der.OCTET_STRING, e.tag());
        assertEquals(length, e.length());
        assertEquals(ours.length - length, e.offset());
    }

    @Test
    void integers() throws Exception {
        assertArrayEquals(Hex.bytes("020100"), Der.integer(0));
        assertArrayEquals(Hex.bytes("020120"), Der.integer(32));
        assertArrayEquals(Hex.bytes("02020080"), Der.integer(128));
        assertEquals(128, Der.parse(Der.integer(128)).smallInteger());
        assertThrows(Der.DerException.class, () -> Der.parse(Hex.bytes("0201ff")).smallInteger()); // -1
        assertThrows(Der.DerException.class, () -> Der.parse(Hex.bytes("0200")).smallInteger());
        assertThrows(Der.DerException.class, () -> Der.parse(Hex.bytes("02050100000000")).smallInteger());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "30", "3001", "3080 0000", "3081 05 0500050005", "3082 0003 050005", "3085 0100000000",
        "1f01 00", "0500 00", "3003 0500", "06 00", "06 02 2a80", "06 02 8001"})
    void malformed(String hex) {
        assertThrows(Der.DerException.class, () -> {
            Der.Element e = Der.parse(Hex.bytes(hex));
            if (e.tag() == Der.OBJECT_IDENTIFIER) {
                e.oid();
            }
            if (e.tag() == Der.SEQUENCE) {
                e.children();
            }
        }, hex);
    }

    @Test
    void readerPeeksAndSkipsOptionalElements() throws Exception {
        Der.Reader r = Der.parse(Hex.bytes("3007 a003 020101 0500")).reader();
        assertEquals(Der.context(0), r.peekTag());
        assertEquals(null, r.optional(Der.context(1)));
        assertEquals(1, Der.parse(r.optional(Der.context(0)).content()).smallInteger());
        r.next(Der.NULL);
        r.expectEnd();
        assertEquals(-1, r.peekTag());
        assertThrows(Der.DerException.class, () -> Der.parse(Hex.bytes("0500")).children());
    }
}
