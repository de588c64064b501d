package org.ipsec4j.diag.analyze;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.ipsec4j.esp.crypto.EncryptionAlgorithm;
import org.ipsec4j.esp.crypto.EspCodec;
import org.ipsec4j.esp.crypto.EspTransform;
import org.ipsec4j.esp.crypto.IntegrityAlgorithm;
import org.ipsec4j.esp.selector.IpAddress;
import org.ipsec4j.ike.crypto.EncryptionTransform;
import org.ipsec4j.ike.crypto.IntegrityTransform;
import org.ipsec4j.ike.crypto.SkCipher;
import org.ipsec4j.ike.keys.EspSaSecrets;
import org.ipsec4j.ike.keys.IkeSaSecrets;
import org.ipsec4j.ike.keys.KeyLog;
import org.ipsec4j.ike.keys.KeyLogFormat;
import org.ipsec4j.ike.message.AuthMethod;
import org.ipsec4j.ike.message.AuthenticationPayload;
import org.ipsec4j.ike.message.ExchangeType;
import org.ipsec4j.ike.message.IdentificationPayload;
import org.ipsec4j.ike.message.IdentificationType;
import org.ipsec4j.ike.message.IkeHeader;
import org.ipsec4j.ike.message.MessageCodec;
import org.ipsec4j.ike.message.NotifyPayload;
import org.ipsec4j.ike.message.NotifyType;
import org.ipsec4j.ike.message.Payload;
import org.ipsec4j.ike.message.Proposal;
import org.ipsec4j.ike.message.ProtocolId;
import org.ipsec4j.ike.message.SecurityAssociationPayload;
import org.ipsec4j.ike.message.TrafficSelectorEntry;
import org.ipsec4j.ike.message.TrafficSelectorPayload;
import org.ipsec4j.ike.message.Transform;
import org.ipsec4j.ike.message.TransformType;
import org.ipsec4j.wire.IpProtocol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code analyze --keys} end to end in memory: IKE_AUTH messages and ESP packets sealed with the engine's own
 * ciphers ({@link SkCipher}, {@link EspCodec}) under keys written as ipsec4j's key log writes them, read back by
 * {@link KeyLogKeySource} from the capture: the inner payloads in words, RFC 7383 fragments joined, inner flows
 * per SPI, wrong keys told apart from missing ones, and the findings for error notifies, which need the keys.
 */
class KeyLogKeySourceTest {

    static final long SPI_I = 0x8a6e0d2f4c1b3a59L;
    static final long SPI_R = 0x2f0c8e1d9b7a6543L;
    static final String INITIATOR = "192.0.2.1";
    static final String RESPONDER = "198.51.100.2";
    static final int ESP_OUT = 0xc3a1f00d;
    static final int ESP_IN = 0xc0ffee01;

    /** The keys of one run: an AES-GCM-128 IKE SA and both ESP directions. */
    record Keys(IkeSaSecrets ike, EspSaSecrets out, EspSaSecrets in) {

        static Keys of(int seed) {
            IkeSaSecrets ike = new IkeSaSecrets(SPI_I, SPI_R, EncryptionTransform.AES_GCM_16, 128, IntegrityTransform.NONE,
                    bytes(20, seed), bytes(20, seed + 1), new byte[0], new byte[0]);
            EspTransform gcm = new EspTransform(EncryptionAlgorithm.AES_GCM_16_128, IntegrityAlgorithm.NONE);
            EspSaSecrets out = new EspSaSecrets(ESP_OUT, IpAddress.parse(INITIATOR), IpAddress.parse(RESPONDER), gcm,
                    false, bytes(20, seed + 2), new byte[0]);
            EspSaSecrets in = new EspSaSecrets(ESP_IN, IpAddress.parse(RESPONDER), IpAddress.parse(INITIATOR), gcm,
                    false, bytes(20, seed + 3), new byte[0]);
            return new Keys(ike, out, in);
        }

        /** The key log as the daemon's tunnel dump writes it. */
        KeyLogKeySource source() {
            ByteArrayOutputStream text = new ByteArrayOutputStream();
            text.writeBytes((KeyLogFormat.HEADER + "\n").getBytes(StandardCharsets.US_ASCII));
            text.writeBytes(KeyLogFormat.ikeLine(ike, "lab"));
            text.writeBytes(KeyLogFormat.espLine(out, "lab", "net", SPI_I, SPI_R));
            text.writeBytes(KeyLogFormat.espLine(in, "lab", "net", SPI_I, SPI_R));
            try {
                return new KeyLogKeySource(KeyLog.parse("test.keys", text.toString(StandardCharsets.US_ASCII)));
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
        }

        byte[] seal(ExchangeType exchange, boolean fromInitiator, boolean response, int messageId, List<Payload> inner) {
            SkCipher c = cipher(fromInitiator);
            return MessageCodec.encodeEncrypted(IkeHeader.of(SPI_I, SPI_R, exchange, fromInitiator, response, messageId),
                    List.of(), inner, c::sealedLength, c::seal);
        }

        /** The message cut into {@code total} RFC 7383 fragments, each sealed on its own. */
        List<byte[]> sealFragments(ExchangeType exchange, boolean fromInitiator, int messageId, List<Payload> inner,
                int total) {
            SkCipher c = cipher(fromInitiator);
            byte[] chain = MessageCodec.encodePayloads(inner);
            int size = (chain.length + total - 1) / total;
            List<byte[]> out = new ArrayList<>();
            for (int n = 1; n <= total; n++) {
                byte[] chunk = Arrays.copyOfRange(chain, (n - 1) * size, Math.min(chain.length, n * size));
                out.add(MessageCodec.encodeEncryptedFragment(IkeHeader.of(SPI_I, SPI_R, exchange, fromInitiator, false,
                        messageId), MessageCodec.firstType(inner), n, total, chunk, c::sealedLength, c::seal));
            }
            return out;
        }

        private SkCipher cipher(boolean fromInitiator) {
            return fromInitiator ? ike.cipher(true) : ike.cipher(false);
        }

        /** An ESP packet (SPI to ICV) carrying {@code inner} in tunnel mode. */
        static byte[] esp(EspSaSecrets sa, long seq, byte[] inner) {
            EspCodec codec = sa.codec();
            byte[] out = new byte[codec.espLength(inner.length)];
            int length = codec.encapsulate(seq, 4, inner, 0, inner.length, out, 0);
            codec.destroy();
            return Arrays.copyOf(out, length);
        }
    }

    static EspSaSecrets otherSpi(EspSaSecrets s, int spi) {
        return new EspSaSecrets(spi, s.source(), s.destination(), s.transform(), s.esn(), s.encryptionKey(),
                s.integrityKey());
    }

    static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (seed * 31 + i * 7);
        }
        return b;
    }

    static List<Payload> ikeAuthRequest() {
        return ikeAuth(true, "java.lab", new byte[] {1, 2, 3, 4});
    }

    static List<Payload> ikeAuthResponse() {
        return ikeAuth(false, "swan.lab", new byte[] {5, 6, 7, 8});
    }

    /** IDi or IDr, AUTH with a pre-shared key, one AES-GCM-128 ESP proposal, 10.1.0.0/24 === 10.2.0.0/24. */
    private static List<Payload> ikeAuth(boolean initiator, String id, byte[] childSpi) {
        return List.of(new IdentificationPayload(initiator, IdentificationType.FQDN, id.getBytes(StandardCharsets.US_ASCII)),
                new AuthenticationPayload(AuthMethod.SHARED_KEY, new byte[32]),
                SecurityAssociationPayload.of(new Proposal(1, ProtocolId.ESP, childSpi, List.of(
                        Transform.of(TransformType.ENCR, 20, 128), Transform.of(TransformType.ESN, 0)))),
                new TrafficSelectorPayload(true, List.of(range("10.1.0.0", "10.1.0.255"))),
                new TrafficSelectorPayload(false, List.of(range("10.2.0.0", "10.2.0.255"))));
    }

    static TrafficSelectorEntry range(String start, String end) {
        try {
            return TrafficSelectorEntry.range(java.net.InetAddress.getByName(start), java.net.InetAddress.getByName(end));
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** IKE_SA_INIT in the clear, then IKE_AUTH sealed with {@code keys} and answered with {@code response}. */
    static SyntheticCapture handshake(Keys keys, List<Payload> response) {
        SyntheticCapture c = new SyntheticCapture();
        c.add(0, c.udp(INITIATOR, RESPONDER, 500, 500,
                SyntheticCapture.ikeSaInitRequest(SPI_I, INITIATOR, 500, RESPONDER, 500, false)));
        c.add(0.01, c.udp(RESPONDER, INITIATOR, 500, 500,
                SyntheticCapture.ikeSaInitResponse(SPI_I, SPI_R, RESPONDER, 500, INITIATOR, 500, false)));
        c.add(0.02, c.udp(INITIATOR, RESPONDER, 500, 500, keys.seal(ExchangeType.IKE_AUTH, true, false, 1,
                ikeAuthRequest())));
        c.add(0.03, c.udp(RESPONDER, INITIATOR, 500, 500, keys.seal(ExchangeType.IKE_AUTH, false, true, 1, response)));
        return c;
    }

    /** The {@link #handshake}, then three pings each way in ESP. */
    static SyntheticCapture tunnel(Keys keys, List<Payload> response) {
        SyntheticCapture c = handshake(keys, response);
        for (int i = 1; i <= 3; i++) {
            byte[] echo = c.ip("10.1.0.1", "10.2.0.1", IpProtocol.ICMP, false, new byte[] {8, 0, 0, 0, 0, 1, 0, (byte) i});
            c.add(1 + i, c.ip(INITIATOR, RESPONDER, IpProtocol.ESP, false, Keys.esp(keys.out(), i, echo)));
            byte[] reply = c.ip("10.2.0.1", "10.1.0.1", IpProtocol.ICMP, false, new byte[] {0, 0, 0, 0, 0, 1, 0, (byte) i});
            c.add(1.1 + i, c.ip(RESPONDER, INITIATOR, IpProtocol.ESP, false, Keys.esp(keys.in(), i, reply)));
        }
        return c;
    }

    static AnalysisReport analyze(SyntheticCapture c, KeySource keys) {
        return SyntheticCapture.analyze(c.pcapng(), CaptureAnalyzer.Limits.DEFAULT, keys);
    }

    @Test
    void theKeyLogOpensIkeAuthAndEspAndTheReportSpellsOutTheInside() {
        Keys keys = Keys.of(1);
        SyntheticCapture c = tunnel(keys, ikeAuthResponse());
        AnalysisReport r;
        try (KeyLogKeySource source = keys.source()) {
            r = analyze(c, source);
        }
        String text = TextReport.render(r);
        assertTrue(text.contains("B: SK{IDi AUTH SA TSi TSr}\n"
                + "        IDi FQDN java.lab\n"
                + "        AUTH shared key (PSK)\n"
                + "        SA ESP:AES_GCM_16_128/NO_EXT_SEQ\n"
                + "        TSi 10.1.0.0/24\n"
                + "        TSr 10.2.0.0/24\n"), text);
        assertTrue(text.contains("IDr FQDN swan.lab"), text);
        assertTrue(text.contains("keys: 2 protected datagrams decrypted"), text);
        IkeSaRecord sa = r.ikeSas().getFirst();
        assertEquals(2, sa.decryptedMessages());
        assertEquals(0, sa.undecryptedMessages());
        assertEquals(List.of(), sa.errorNotifies());
        assertEquals(2, r.espFlows().size(), text);
        for (EspFlow f : r.espFlows()) {
            assertEquals(3, f.decryptedPackets(), text);
            assertEquals(0, f.decryptionFailedPackets(), text);
            String inner = f.key().spi() == ESP_OUT ? "ICMP 10.1.0.1 > 10.2.0.1" : "ICMP 10.2.0.1 > 10.1.0.1";
            assertEquals(Map.of(inner, 3L), f.innerFlows(), text);
        }
        assertTrue(text.contains("    inner ICMP 10.1.0.1 > 10.2.0.1: 3 packets"), text);
        assertEquals(List.of(), SyntheticCapture.warnings(r), text);
        String json = JsonReport.render(r);
        assertTrue(json.contains("\"decrypted\":{\"fragments\":1,\"payloads\":[{\"payload\":\"IDi\",\"text\":\"FQDN java.lab\"}"),
                json);
        assertTrue(json.contains("\"inner_flows\":[{\"flow\":\"ICMP 10.1.0.1 > 10.2.0.1\",\"packets\":3}]"), json);
    }

    @Test
    void withoutKeysTheReportIsAsBefore() {
        SyntheticCapture c = tunnel(Keys.of(1), ikeAuthResponse());
        AnalysisReport none = analyze(c, KeySource.NONE);
        String text = TextReport.render(none);
        assertTrue(text.contains("B: SK{IDi …}\n"), text);
        assertFalse(text.contains("keys:"), text);
        assertFalse(text.contains("decrypt"), text);
        String json = JsonReport.render(none);
        assertFalse(json.contains("decrypted_messages") || json.contains("inner_flows"), json);
    }

    @Test
    void keysThatDoNotFitAreToldFromMissingOnes() {
        SyntheticCapture c = tunnel(Keys.of(1), ikeAuthResponse());
        AnalysisReport r;
        try (KeyLogKeySource wrong = Keys.of(7).source()) {
            r = analyze(c, wrong);
        }
        String text = TextReport.render(r);
        IkeSaRecord sa = r.ikeSas().getFirst();
        assertEquals(0, sa.decryptedMessages(), text);
        assertEquals(2, sa.undecryptedMessages(), text);
        assertTrue(text.contains("B: SK{IDi …} [not decrypted: integrity check failed"), text);
        for (EspFlow f : r.espFlows()) {
            assertEquals(0, f.decryptedPackets(), text);
            assertEquals(3, f.decryptionFailedPackets(), text);
        }
        assertTrue(text.contains("3 not decrypted (integrity check failed"), text);

        // A key log of other SAs: nothing of this capture is tried, and the report is the one without keys.
        Keys others = new Keys(new IkeSaSecrets(1, 2, EncryptionTransform.AES_GCM_16, 128, IntegrityTransform.NONE,
                bytes(20, 1), bytes(20, 2), new byte[0], new byte[0]), otherSpi(Keys.of(1).out(), 1), otherSpi(Keys.of(1).in(), 2));
        try (KeyLogKeySource unrelated = others.source()) {
            assertEquals(TextReport.render(analyze(c, KeySource.NONE)), TextReport.render(analyze(c, unrelated)));
        }
    }

    @Test
    void rfc7383FragmentsAreJoinedBeforeTheirPayloadsAreRead() {
        Keys keys = Keys.of(3);
        SyntheticCapture c = new SyntheticCapture();
        List<byte[]> fragments = keys.sealFragments(ExchangeType.IKE_AUTH, true, 1, ikeAuthRequest(), 3);
        for (int i = 0; i < fragments.size(); i++) {
            c.add(0.01 * i, c.udp(INITIATOR, RESPONDER, 4500, 4500, SyntheticCapture.nonEspMarker(fragments.get(i))));
        }
        AnalysisReport r;
        try (KeyLogKeySource source = keys.source()) {
            r = analyze(c, source);
        }
        String text = TextReport.render(r);
        assertTrue(text.contains("B: SKF{1/3 IDi …}\n"), text);
        assertTrue(text.contains("B: SKF{3/3 IDi AUTH SA TSi TSr} [decrypted: 3 IKE fragments joined]\n"
                + "        IDi FQDN java.lab\n"), text);
        assertEquals(3, r.ikeSas().getFirst().decryptedMessages(), "each fragment's ICV verified: " + text);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "AUTHENTICATION_FAILED, ike-authentication-failed, error, 'could not verify 192.0.2.1[500]''s authentication (shared key (PSK), as FQDN java.lab)'",
        "TS_UNACCEPTABLE,       ike-ts-unacceptable,       error, 'proposed TSi 10.1.0.0/24 (its local_ts) and TSr 10.2.0.0/24 (its remote_ts)'",
        "NO_PROPOSAL_CHOSEN,    ike-no-proposal-chosen,    error, 'accepts none of the Child SA (ESP/AH) proposals 192.0.2.1[500] offered: ESP:AES_GCM_16_128/NO_EXT_SEQ'",
        "FAILED_CP_REQUIRED,    ike-failed-cp-required,    error, 'requires 192.0.2.1[500] to ask for a virtual IP'",
    })
    void anErrorNotifyInADecryptedResponseIsAFindingWithWhatTheRequestAskedFor(String notify, String id,
            String severity, String cause) {
        Keys keys = Keys.of(5);
        int type = switch (notify) {
            case "AUTHENTICATION_FAILED" -> NotifyType.AUTHENTICATION_FAILED;
            case "TS_UNACCEPTABLE" -> NotifyType.TS_UNACCEPTABLE;
            case "NO_PROPOSAL_CHOSEN" -> NotifyType.NO_PROPOSAL_CHOSEN;
            default -> NotifyType.FAILED_CP_REQUIRED;
        };
        List<Payload> response = type == NotifyType.AUTHENTICATION_FAILED ? List.of(NotifyPayload.of(type))
                : List.of(new IdentificationPayload(false, IdentificationType.FQDN, "swan.lab".getBytes(StandardCharsets.US_ASCII)),
                        new AuthenticationPayload(AuthMethod.SHARED_KEY, new byte[32]), NotifyPayload.of(type));
        SyntheticCapture c = tunnel(keys, response);
        // the responder's answer, retransmitted: one finding, both packets
        c.add(0.5, c.udp(RESPONDER, INITIATOR, 500, 500, keys.seal(ExchangeType.IKE_AUTH, false, true, 1, response)));
        AnalysisReport r;
        try (KeyLogKeySource source = keys.source()) {
            r = analyze(c, source);
        }
        String text = TextReport.render(r);
        assertTrue(text.contains("N(" + notify + ")"), text);
        Finding f = SyntheticCapture.only(r, id);
        assertEquals(severity, f.severity().label(), text);
        assertEquals(List.of(3L, 4L, 11L), f.packets(), text);
        assertTrue(f.summary().contains("198.51.100.2[500] sent " + notify + " in the decrypted IKE_AUTH response (msgid 1)"
                + ", answering 192.0.2.1[500]'s request #3; the request carried IDi FQDN java.lab; AUTH shared key (PSK); "
                + "SA ESP:AES_GCM_16_128/NO_EXT_SEQ; TSi 10.1.0.0/24; TSr 10.2.0.0/24"), f.summary());
        assertTrue(f.cause().contains(cause), f.cause());
        assertTrue(text.contains("[error] " + id + ": "), text);
        assertTrue(JsonReport.render(r).contains("\"id\":\"" + id + "\""));

        AnalysisReport withoutKeys = analyze(c, KeySource.NONE);
        assertFalse(SyntheticCapture.ids(withoutKeys).contains(id), TextReport.render(withoutKeys));
    }

    @Test
    void invalidKePayloadInACreateChildSaNamesTheGroupWanted() {
        Keys keys = Keys.of(9);
        SyntheticCapture c = tunnel(keys, ikeAuthResponse());
        c.add(5, c.udp(INITIATOR, RESPONDER, 500, 500, keys.seal(ExchangeType.CREATE_CHILD_SA, true, false, 2,
                List.of(new org.ipsec4j.ike.message.KeyExchangePayload(14, new byte[256])))));
        c.add(5.01, c.udp(RESPONDER, INITIATOR, 500, 500, keys.seal(ExchangeType.CREATE_CHILD_SA, false, true, 2,
                List.of(NotifyPayload.of(NotifyType.INVALID_KE_PAYLOAD, new byte[] {0, 31})))));
        AnalysisReport r;
        try (KeyLogKeySource source = keys.source()) {
            r = analyze(c, source);
        }
        Finding f = SyntheticCapture.only(r, "ike-invalid-ke-payload");
        assertEquals(Severity.WARNING, f.severity());
        assertTrue(f.cause().contains("KE (DH group MODP_2048)") && f.cause().contains("wants DH group CURVE_25519"),
                f.cause());
    }

    /** The initiator that cannot verify the responder's AUTH says so in an INFORMATIONAL (RFC 7296 §2.21.2). */
    @Test
    void authenticationFailedFromTheInitiatorNamesTheResponseItRejected() {
        Keys keys = Keys.of(11);
        SyntheticCapture c = tunnel(keys, ikeAuthResponse());
        c.add(0.04, c.udp(INITIATOR, RESPONDER, 500, 500, keys.seal(ExchangeType.INFORMATIONAL, true, false, 2,
                List.of(NotifyPayload.of(NotifyType.AUTHENTICATION_FAILED)))));
        AnalysisReport r;
        try (KeyLogKeySource source = keys.source()) {
            r = analyze(c, source);
        }
        Finding f = SyntheticCapture.only(r, "ike-authentication-failed");
        assertTrue(f.summary().contains("192.0.2.1[500] sent AUTHENTICATION_FAILED in the decrypted INFORMATIONAL "
                + "request (msgid 2), rejecting 198.51.100.2[500]'s IKE_AUTH response #4; that response carried IDr "
                + "FQDN swan.lab; AUTH shared key (PSK)"), f.summary());
        assertTrue(f.cause().startsWith("192.0.2.1[500] could not verify 198.51.100.2[500]'s authentication (shared "
                + "key (PSK), as FQDN swan.lab)"), f.cause());
        assertEquals(List.of(4L, 11L), f.packets());
    }

    /** Without ESP after IKE_AUTH, esp-blocked blames a firewall; the keys show the Child SA was refused instead. */
    @Test
    void aChildSaRefusedInsideIkeAuthIsNotTakenForBlockedEsp() {
        Keys keys = Keys.of(13);
        SyntheticCapture c = handshake(keys, List.of(ikeAuthResponse().get(0), ikeAuthResponse().get(1),
                NotifyPayload.of(NotifyType.TS_UNACCEPTABLE)));
        for (int id = 2; id <= 3; id++) {
            c.add(10 * id, c.udp(INITIATOR, RESPONDER, 500, 500, keys.seal(ExchangeType.INFORMATIONAL, true, false, id,
                    List.of())));
            c.add(10 * id + 0.01, c.udp(RESPONDER, INITIATOR, 500, 500, keys.seal(ExchangeType.INFORMATIONAL, false,
                    true, id, List.of())));
        }
        assertTrue(SyntheticCapture.ids(analyze(c, KeySource.NONE)).contains("esp-blocked"));
        AnalysisReport r;
        try (KeyLogKeySource source = keys.source()) {
            r = analyze(c, source);
        }
        assertEquals(List.of("ike-ts-unacceptable"), SyntheticCapture.ids(r), TextReport.render(r));
    }

    /** A Child SA refused in CREATE_CHILD_SA: the proposals offered, and the one the responder chose in IKE_AUTH. */
    @Test
    void noProposalChosenInCreateChildSaShowsBothSidesWhereTheCaptureHasThem() {
        Keys keys = Keys.of(17);
        SyntheticCapture c = handshake(keys, ikeAuthResponse());
        c.add(5, c.udp(INITIATOR, RESPONDER, 500, 500, keys.seal(ExchangeType.CREATE_CHILD_SA, true, false, 2, List.of(
                SecurityAssociationPayload.of(new Proposal(1, ProtocolId.ESP, new byte[] {9, 9, 9, 9}, List.of(
                        Transform.of(TransformType.ENCR, 12, 256), Transform.of(TransformType.INTEG, 14),
                        Transform.of(TransformType.DH, 15), Transform.of(TransformType.ESN, 0)))),
                new org.ipsec4j.ike.message.NoncePayload(new byte[32]),
                new TrafficSelectorPayload(true, List.of(range("10.1.0.0", "10.1.0.255"))),
                new TrafficSelectorPayload(false, List.of(range("10.2.0.0", "10.2.0.255")))))));
        c.add(5.01, c.udp(RESPONDER, INITIATOR, 500, 500, keys.seal(ExchangeType.CREATE_CHILD_SA, false, true, 2,
                List.of(NotifyPayload.of(NotifyType.NO_PROPOSAL_CHOSEN)))));
        AnalysisReport r;
        try (KeyLogKeySource source = keys.source()) {
            r = analyze(c, source);
        }
        Finding f = SyntheticCapture.only(r, "ike-no-proposal-chosen");
        assertEquals("198.51.100.2[500] accepts none of the Child SA (ESP/AH) proposals 192.0.2.1[500] offered: "
                + "ESP:AES_CBC_256/HMAC_SHA2_512_256/MODP_3072/NO_EXT_SEQ. Earlier in this IKE SA 198.51.100.2[500] "
                + "chose ESP:AES_GCM_16_128/NO_EXT_SEQ, which it has.", f.cause());
        assertTrue(f.fix().contains("to 198.51.100.2[500]'s esp_proposals"), f.fix());
    }
}
