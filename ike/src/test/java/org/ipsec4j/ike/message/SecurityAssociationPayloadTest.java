package org.ipsec4j.ike.message;

import static org.ipsec4j.ike.message.RoundTrip.rejects;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** SA payload, proposals, transforms and attributes (RFC 7296 §3.3): layout, markers, lengths and counts. */
class SecurityAssociationPayloadTest {

    /** An IKE proposal (AES-CBC-128, HMAC-SHA2-256-128, PRF-HMAC-SHA2-256, MODP 2048), then an ESP one. */
    static final byte[] BODY = Hex.bytes("""
            02 00 002c 01 01 00 04      // more, length 44, #1, IKE, SPI size 0, 4 transforms
              03 00 000c 01 00 000c     // more, length 12, ENCR, AES-CBC
                800e 0080               //   key length 128 (TV)
              03 00 0008 03 00 000c     // INTEG HMAC-SHA2-256-128
              03 00 0008 02 00 0005     // PRF HMAC-SHA2-256
              00 00 0008 04 00 000e     // last, DH MODP 2048
            00 00 0020 02 03 04 02      // last, length 32, #2, ESP, SPI size 4, 2 transforms
              11223344                  // SPI
              03 00 000c 01 00 0014     // ENCR AES-GCM-16
                800e 0100               //   key length 256
              00 00 0008 05 00 0000     // ESN none
            """);

    static final SecurityAssociationPayload PAYLOAD = SecurityAssociationPayload.of(
            new Proposal(1, ProtocolId.IKE, new byte[0], List.of(
                    Transform.of(TransformType.ENCR, 12, 128),
                    Transform.of(TransformType.INTEG, 12),
                    Transform.of(TransformType.PRF, 5),
                    Transform.of(TransformType.DH, 14))),
            new Proposal(2, ProtocolId.ESP, Hex.bytes("11223344"), List.of(
                    Transform.of(TransformType.ENCR, 20, 256),
                    Transform.of(TransformType.ESN, TransformType.ESN_NONE))));

    @Test
    void decodesTheHandBuiltBody() throws MalformedMessageException {
        assertEquals(PAYLOAD, RoundTrip.decodeBody(PayloadType.SA, BODY));
    }

    @Test
    void encodesTheSameBytes() throws MalformedMessageException {
        assertArrayEquals(BODY, RoundTrip.body(PAYLOAD));
        RoundTrip.payload(PAYLOAD);
    }

    @Test
    void accessors() {
        Proposal ike = PAYLOAD.proposals().getFirst();
        assertEquals(128, ike.transforms(TransformType.ENCR).getFirst().keyLength());
        assertNull(ike.transforms(TransformType.PRF).getFirst().keyLength());
        assertEquals(List.of(Transform.of(TransformType.DH, 14)), ike.transforms(TransformType.DH));
        assertEquals(44, ike.length());
        assertArrayEquals(Hex.bytes("11223344"), PAYLOAD.proposals().get(1).spi());
    }

    @Test
    void attributesOfBothFormatsSurvive() throws MalformedMessageException {
        Transform t = new Transform(TransformType.ENCR, 12, List.of(TransformAttribute.keyLength(192),
                new TransformAttribute(300, false, Hex.bytes("aabbcc")), new TransformAttribute(301, false, new byte[0]),
                TransformAttribute.tv(0x7fff, 0xffff)));
        assertEquals(8 + 4 + 7 + 4 + 4, t.length());
        RoundTrip.payload(SecurityAssociationPayload.of(new Proposal(1, ProtocolId.IKE, new byte[8], List.of(t))));
    }

    /** Each row: the body offset to overwrite, the new byte value, and what is wrong then. */
    @ParameterizedTest(name = "[{index}] {2}")
    @CsvSource({
            "0, 3, proposal marker neither 0 nor 2",
            "0, 0, last proposal but another follows",
            "44, 2, more proposals announced but none follow",
            "8, 0, first transform marked last",
            "36, 3, last transform marked more",
            "7, 5, more transforms announced than there are",
            "7, 3, fewer transforms announced than there are",
            "7, 0, no transforms",
            "3, 45, proposal length beyond the payload",
            "3, 43, proposal length inside a transform",
            "3, 7, proposal length below its header",
            "11, 7, transform length below its header",
            "11, 255, transform length beyond the proposal",
            "11, 10, attribute cut by the transform length",
            "11, 13, a stray byte after the attribute",
            "16, 0, key length in TLV format",
            "6, 4, IKE SPI of 4 bytes",
            "50, 8, ESP SPI of 8 bytes",
            "50, 0, ESP without SPI",
    })
    void rejectsInconsistentLengthsAndMarkers(int offset, int value, String what) {
        byte[] b = BODY.clone();
        b[offset] = (byte) value;
        rejects(PayloadType.SA, b);
    }

    @Test
    void rejectsTruncationAnywhere() {
        for (int n = 0; n < BODY.length; n++) {
            rejects(PayloadType.SA, Arrays.copyOf(BODY, n));
        }
    }

    @Test
    void rejectsTrailingBytes() {
        rejects(PayloadType.SA, RoundTrip.concat(BODY, new byte[4]));
    }

    @Test
    void tlvAttributeLengthMustFitTheTransform() {
        byte[] body = Hex.bytes("""
                00 00 0014 01 01 00 01
                  00 00 000c 01 00 000c
                    012c 0001           // TLV type 300, length 1: needs 5 bytes, has 4
                """);
        rejects(PayloadType.SA, body);
        body[19] = 0; // length 0 now fits exactly
        try {
            RoundTrip.decodeBody(PayloadType.SA, body);
        } catch (MalformedMessageException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void constructorsRefuseWhatCouldNotBeEncoded() {
        assertThrows(IllegalArgumentException.class, () -> new SecurityAssociationPayload(List.of()));
        assertThrows(IllegalArgumentException.class,
                () -> new Proposal(1, ProtocolId.ESP, new byte[4], List.of()));
        assertThrows(IllegalArgumentException.class,
                () -> new Proposal(1, ProtocolId.ESP, new byte[8], List.of(Transform.of(1, 12))));
        assertThrows(IllegalArgumentException.class,
                () -> new Proposal(1, ProtocolId.IKE, new byte[4], List.of(Transform.of(1, 12))));
        assertThrows(IllegalArgumentException.class, () -> new TransformAttribute(14, false, new byte[2]));
        assertThrows(IllegalArgumentException.class, () -> new TransformAttribute(1, true, new byte[3]));
        assertThrows(IllegalArgumentException.class, () -> new TransformAttribute(0x8000, true, new byte[2]));
        assertThrows(IllegalArgumentException.class, () -> Transform.of(256, 1));
    }

    @Test
    void byteArraysAreCopied() {
        byte[] spi = Hex.bytes("01020304");
        Proposal p = new Proposal(1, ProtocolId.ESP, spi, List.of(Transform.of(1, 20, 128)));
        spi[0] = 9;
        p.spi()[1] = 9;
        assertArrayEquals(Hex.bytes("01020304"), p.spi());
    }
}
