package org.ipsec4j.ike.config;

import static org.ipsec4j.ike.config.TransformSpec.DH;
import static org.ipsec4j.ike.config.TransformSpec.ENCR;
import static org.ipsec4j.ike.config.TransformSpec.ESN;
import static org.ipsec4j.ike.config.TransformSpec.INTEG;
import static org.ipsec4j.ike.config.TransformSpec.PRF;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;

import org.ipsec4j.ike.config.ProposalSpec.Protocol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProposalParserTest {

    /** Every keyword and alias: its transform type, IANA id and key length. */
    @ParameterizedTest
    @CsvSource({
            "aes128, 1, 12, 128",
            "aes, 1, 12, 128",
            "AES128, 1, 12, 128",
            "aes192, 1, 12, 192",
            "aes256, 1, 12, 256",
            "aes128gcm16, 1, 20, 128",
            "aes128gcm128, 1, 20, 128",
            "aes192gcm16, 1, 20, 192",
            "aes256gcm16, 1, 20, 256",
            "aes256gcm128, 1, 20, 256",
            "chacha20poly1305, 1, 28, 0",
            "sha256, 3, 12, 0",
            "sha2_256, 3, 12, 0",
            "sha384, 3, 13, 0",
            "sha512, 3, 14, 0",
            "prfsha256, 2, 5, 0",
            "prfsha384, 2, 6, 0",
            "prfsha512, 2, 7, 0",
            "modp2048, 4, 14, 0",
            "modp3072, 4, 15, 0",
            "ecp256, 4, 19, 0",
            "ecp384, 4, 20, 0",
            "curve25519, 4, 31, 0",
            "x25519, 4, 31, 0",
            "esn, 5, 1, 0",
            "noesn, 5, 0, 0",
    })
    void keywords(String keyword, int type, int id, int keyLength) {
        assertEquals(new TransformSpec(type, id, keyLength), AlgorithmKeywords.transform(keyword));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            // text | transforms in type order | canonical text
            "aes128gcm16-prfsha256-ecp256 | 1/20/128 2/5 4/19 | aes128gcm16-prfsha256-ecp256",
            "ecp256-prfsha256-aes128gcm16 | 1/20/128 2/5 4/19 | aes128gcm16-prfsha256-ecp256",
            "aes256-sha256-modp2048 | 1/12/256 2/5 3/12 4/14 | aes256-prfsha256-sha256-modp2048",
            "aes128-aes256-sha384-sha256-ecp384-curve25519 | 1/12/128 1/12/256 2/6 2/5 3/13 3/12 4/20 4/31 "
                    + "| aes128-aes256-prfsha384-prfsha256-sha384-sha256-ecp384-curve25519",
            "aes256-sha256-prfsha512-modp3072 | 1/12/256 2/7 3/12 4/15 | aes256-prfsha512-sha256-modp3072",
            "chacha20poly1305-prfsha512-x25519 | 1/28 2/7 4/31 | chacha20poly1305-prfsha512-curve25519",
            "AES256GCM16-PRFSHA384-ECP384 | 1/20/256 2/6 4/20 | aes256gcm16-prfsha384-ecp384",
    })
    void ikeProposals(String text, String transforms, String canonical) throws InvalidValueException {
        ProposalSpec p = ProposalParser.parseOne(Protocol.IKE, text);
        assertEquals(transforms(transforms), p.transforms());
        assertEquals(canonical, p.toString());
        assertEquals(p, ProposalParser.parseOne(Protocol.IKE, p.toString()));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "aes128gcm16 | 1/20/128 5/0 | aes128gcm16 | false",
            "aes128gcm16-ecp256 | 1/20/128 4/19 5/0 | aes128gcm16-ecp256 | true",
            "aes256-sha256 | 1/12/256 3/12 5/0 | aes256-sha256 | false",
            "aes256-sha512-modp3072-esn | 1/12/256 3/14 4/15 5/1 | aes256-sha512-modp3072-esn | true",
            "aes128gcm16-esn-noesn | 1/20/128 5/1 5/0 | aes128gcm16-esn-noesn | false",
            "aes128gcm16-noesn | 1/20/128 5/0 | aes128gcm16 | false",
    })
    void espProposals(String text, String transforms, String canonical, boolean pfs) throws InvalidValueException {
        ProposalSpec p = ProposalParser.parseOne(Protocol.ESP, text);
        assertEquals(transforms(transforms), p.transforms());
        assertEquals(canonical, p.toString());
        assertEquals(pfs, p.pfs());
        assertEquals(p, ProposalParser.parseOne(Protocol.ESP, p.toString()));
    }

    @Test
    void listsWithBlanksAndDefault() throws InvalidValueException {
        List<ProposalSpec> list = ProposalParser.parseIke("aes128gcm16-prfsha256-ecp256 ,  aes256-sha256-modp2048");
        assertEquals(2, list.size());
        assertTrue(list.get(0).aead());
        assertFalse(list.get(1).aead());

        List<ProposalSpec> withDefault = ProposalParser.parseEsp("aes256-sha256, default");
        assertEquals(1 + ProposalParser.defaults(Protocol.ESP).size(), withDefault.size());
        assertEquals(ProposalParser.defaults(Protocol.IKE), ProposalParser.parseIke("DEFAULT"));
    }

    @Test
    void defaultsAreWhatTheJavadocSays() throws InvalidValueException {
        List<ProposalSpec> ike = ProposalParser.defaults(Protocol.IKE);
        assertEquals(2, ike.size());
        assertEquals("aes128gcm16-aes256gcm16-chacha20poly1305-prfsha256-prfsha384-prfsha512"
                + "-curve25519-ecp256-ecp384-modp3072-modp2048", ike.get(0).toString());
        assertEquals("aes128-aes192-aes256-prfsha256-prfsha384-prfsha512-sha256-sha384-sha512"
                + "-curve25519-ecp256-ecp384-modp3072-modp2048", ike.get(1).toString());
        List<ProposalSpec> esp = ProposalParser.defaults(Protocol.ESP);
        assertEquals("aes128gcm16-aes256gcm16-chacha20poly1305", esp.get(0).toString());
        assertEquals("aes128-aes192-aes256-sha256-sha384-sha512", esp.get(1).toString());
        assertFalse(esp.get(0).pfs());
        assertEquals(List.of(TransformSpec.of(ESN, 0)), esp.get(1).esn());
    }

    @Test
    void ikeCbcWithoutPrfGetsTheIntegrityHashes() throws InvalidValueException {
        ProposalSpec p = ProposalParser.parseOne(Protocol.IKE, "aes128-sha512-sha256-ecp256");
        assertEquals(List.of(TransformSpec.of(PRF, 7), TransformSpec.of(PRF, 5)), p.prfs());
        assertEquals(List.of(TransformSpec.of(INTEG, 14), TransformSpec.of(INTEG, 12)), p.integrity());
    }

    @Test
    void accessors() throws InvalidValueException {
        ProposalSpec p = ProposalParser.parseOne(Protocol.IKE, "aes256gcm16-aes128gcm16-prfsha384-ecp384-modp3072");
        assertEquals(List.of(new TransformSpec(ENCR, 20, 256), new TransformSpec(ENCR, 20, 128)), p.encryption());
        assertEquals(List.of(TransformSpec.of(DH, 20), TransformSpec.of(DH, 15)), p.dhGroups());
        assertEquals(List.of(), p.integrity());
        assertEquals(List.of(), p.esn());
        assertFalse(p.pfs());
        assertEquals(1, p.protocol().protocolId());
        assertEquals(3, Protocol.ESP.protocolId());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "IKE | aes128gcm16-ecp256 | 0 | an IKE proposal needs a PRF",
            "IKE | aes128-ecp256 | 0 | aes128 needs an integrity algorithm",
            "IKE | aes128-sha256 | 0 | needs a key exchange",
            "IKE | aes128-sha256-ecp256-noesn | 21 | 'noesn' belongs in ESP proposals",
            "IKE | aes128-sha256-ecp256-foo | 21 | unknown algorithm 'foo'",
            "IKE | aes128-sha256-ecp256-modp1536 | 21 | 'modp1536' is not supported by ipsec4j",
            "IKE | aes128-sha256-ecp256-ecp521 | 21 | 'ecp521' is not supported by ipsec4j",
            "IKE | aes128-sha256-ecp256-curve448 | 21 | 'curve448' is not supported by ipsec4j",
            "IKE | aes128ctr-sha256-ecp256 | 0 | 'aes128ctr' is not supported by ipsec4j",
            "IKE | aes128gcm12-prfsha256-ecp256 | 0 | 'aes128gcm12' is not supported by ipsec4j",
            "IKE | aes128-aesxcbc-ecp256 | 7 | 'aesxcbc' is not supported by ipsec4j",
            "IKE | aes128-sha256-ecp256, aes128gcm16-prfsha256-ecp256-sha256 | 51 | AEAD encryption takes no integrity",
            "IKE | chacha20poly1305-aes256-prfsha256-ecp256 | 17 | AEAD and non-AEAD",
            "ESP | aes128gcm16-prfsha256 | 12 | PRFs belong in IKE proposals",
            "ESP | aes128-sha256-aes128 | 14 | 'aes128' is given twice",
            "ESP | aes128gcm16- | 12 | empty algorithm keyword",
            "ESP | '' | 0 | expected a list, found nothing",
            "ESP | sha256 | 0 | the proposal has no encryption algorithm",
            "ESP | aes128-sha256-default | 14 | 'default' stands for whole proposals",
    })
    void refusals(Protocol protocol, String text, int offset, String message) {
        InvalidValueException e = assertThrows(InvalidValueException.class, () -> ProposalParser.parse(protocol, text));
        assertEquals(offset, e.offset(), e.getMessage());
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @Test
    void modelRefusesWhatTheParserRefuses() {
        assertThrows(IllegalArgumentException.class, () -> new ProposalSpec(Protocol.IKE,
                List.of(new TransformSpec(ENCR, 20, 128), TransformSpec.of(DH, 19))));
        assertThrows(IllegalArgumentException.class, () -> new ProposalSpec(Protocol.ESP,
                List.of(new TransformSpec(ENCR, 12, 128), TransformSpec.of(ESN, 0))));
        assertThrows(IllegalArgumentException.class, () -> new ProposalSpec(Protocol.ESP,
                List.of(new TransformSpec(ENCR, 20, 128), new TransformSpec(ENCR, 20, 128), TransformSpec.of(ESN, 0))));
        assertThrows(IllegalArgumentException.class, () -> new TransformSpec(0, 1, 0));
        ProposalSpec unusual = new ProposalSpec(Protocol.ESP, List.of(new TransformSpec(ENCR, 3, 0),
                TransformSpec.of(INTEG, 2), TransformSpec.of(ESN, 0)));
        assertEquals("ENCR:3-INTEG:2", unusual.toString(), "transforms without a keyword show their numbers");
    }

    private static List<TransformSpec> transforms(String text) {
        return Arrays.stream(text.trim().split(" +")).map(t -> {
            String[] parts = t.split("/");
            return new TransformSpec(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]),
                    parts.length > 2 ? Integer.parseInt(parts[2]) : 0);
        }).toList();
    }
}
