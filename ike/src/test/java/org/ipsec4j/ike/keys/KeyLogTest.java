package org.ipsec4j.ike.keys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;

import org.ipsec4j.esp.crypto.EncryptionAlgorithm;
import org.ipsec4j.esp.crypto.EspTransform;
import org.ipsec4j.esp.crypto.IntegrityAlgorithm;
import org.ipsec4j.esp.selector.IpAddress;
import org.ipsec4j.ike.crypto.EncryptionTransform;
import org.ipsec4j.ike.crypto.IntegrityTransform;
import org.ipsec4j.ike.message.AuthenticationPayload;
import org.ipsec4j.ike.message.ExchangeType;
import org.ipsec4j.ike.message.IdentificationPayload;
import org.ipsec4j.wire.Ipv4Packet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Key logs read and used: an excerpt of a real charon log (strongSwan 5.9.8, ike = 4, chd = 4: IKE_SA_INIT to the
 * first Child SA, AES-CBC-256 with HMAC-SHA-256) with messages and ESP packets of the same run, and ipsec4j's own
 * format, its errors and Wireshark's rows. The lab tests read whole charon logs next to their captures.
 */
class KeyLogTest {

    /** The IKE_AUTH response of the excerpt's run (UDP 4500, marker removed). */
    static final String IKE_AUTH_RESPONSE = "286781261b46690132b1f12202bc0bc22e20232000000001000000f0240000d4424157f0"
            + "76b70327b5a173f529826c1a727d0f9b3d55eb9ca409540b6461dbfc70b773f75309c4f6835c7643bd3ce4968d6b676ffc9706"
            + "2d8b3872d5c51ae8e7bba2d7d2fdc2cdd4233a05585e42b2632faa348fdbfe557b83662f2a9c39306cdbfbcf8ec7358c6b7f03"
            + "52c8849f25dc098c06c3234bd333efcde2db17754416d4f129d2710bd25e7fbaffcfffd01bce546ffca8426a3a22b06c0da10"
            + "c68b0f7f75fb7c266fcf14b6e136be060c0482ecba995e1f83c306d06f0dfd929c7b51c6457010ceda85dba38cf891060df7522";
    /** The first echo request, out of left on SPI 434c40fc. */
    static final String ESP_OUT = "434c40fc00000001497a76df0c9835c17973369bf3fc569ae0accbd7c40889661691527f2d4547330"
            + "0e31b2213cad3374dd83b2c810129baf3f6b985855316c4c3ec5f9b61c9664df6099392847832beb6eb8504e73e7298b3b6b3b48"
            + "0aa93e658af61ad3a204558fd97bea59eca883bb9e3347525ca6b7408421796107519e85eb02995d7b0414a";
    /** Its reply, into left on SPI c05f7fbe. */
    static final String ESP_IN = "c05f7fbe00000001035d94eef6afd6234b6c41ee98711834cfa24104d7e894e49dee0cad6f32c3376155"
            + "65309244c5d6e34ab8db2a937aecc76b167cdded71cac292e72b1e4ffa7e8a823496d7e5cf2a0fb7c45e9c335d159bd73525bf91"
            + "5578cd78fcdb2500d3ef13c3e75cdef7bc993757e5384acc60d7f00d68c9eeb4cb6904bbb87186feae01";

    @TempDir
    Path tmp;

    static String excerpt() throws IOException {
        try (InputStream in = KeyLogTest.class.getResourceAsStream("charon-aes-cbc.log")) {
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }

    @Test
    void aCharonLogGivesTheIkeSaWithItsSpisAndBothEspDirections() throws IOException {
        Path file = Files.writeString(tmp.resolve("charon.log"), excerpt(), StandardCharsets.ISO_8859_1);
        KeyLog log = KeyLog.read(file);
        assertEquals(KeyLog.Format.CHARON, log.format());
        assertEquals(List.of(), log.notes());
        IkeSaSecrets ike = log.ikeSas().getFirst();
        assertEquals(1, log.ikeSas().size());
        assertEquals(0x286781261b466901L, ike.spiI(), "from the NAT-D chunk");
        assertEquals(0x32b1f12202bc0bc2L, ike.spiR());
        assertEquals(EncryptionTransform.AES_CBC, ike.encryption());
        assertEquals(256, ike.keyBits());
        assertEquals(IntegrityTransform.HMAC_SHA2_256_128, ike.integrity());
        assertEquals("b1b83a4311c38b292bd0fbf5680aa950d1d8d7c403f276f3e475ae530449609d",
                HexFormat.of().formatHex(ike.skEi()));
        assertEquals(2, log.espSas().size(), "one candidate each: the log says left initiated");
        EspSaSecrets in = log.esp(0xc05f7fbe).getFirst();
        assertEquals(IpAddress.parse("192.0.2.2"), in.source());
        assertEquals(new EspTransform(EncryptionAlgorithm.AES_CBC_256, IntegrityAlgorithm.HMAC_SHA2_256_128),
                in.transform());
        assertFalse(in.esn());
    }

    @Test
    void itsKeysOpenTheRunsIkeAuthAndEsp() throws IOException {
        KeyLog log = KeyLog.parse("charon.log", excerpt());
        try (IkeDecryptor d = new IkeDecryptor(log)) {
            byte[] m = hex(IKE_AUTH_RESPONSE);
            IkeDecryptor.Decrypted dec = assertInstanceOf(IkeDecryptor.Decrypted.class, d.decrypt(m, 0, m.length));
            assertEquals(ExchangeType.IKE_AUTH, dec.message().header().exchange());
            IdentificationPayload idr = dec.message().first(IdentificationPayload.class);
            assertEquals("right.lab", new String(idr.data(), StandardCharsets.US_ASCII));
            assertTrue(dec.message().first(AuthenticationPayload.class) != null);
            assertEquals(1, dec.fragments());
            byte[] unencrypted = dec.unencrypted();
            assertEquals(unencrypted.length, ((unencrypted[24] & 0xFF) << 24 | (unencrypted[25] & 0xFF) << 16
                    | (unencrypted[26] & 0xFF) << 8 | unencrypted[27] & 0xFF), "a whole message of its own");
            assertEquals(36, unencrypted[16], "whose first payload is now IDr, not SK");
        }
        try (EspDecryptor d = new EspDecryptor(log)) {
            assertEcho(d, hex(ESP_OUT), 8, "10.1.0.1", "10.2.0.1");
            assertEcho(d, hex(ESP_IN), 0, "10.2.0.1", "10.1.0.1");
        }
    }

    private static void assertEcho(EspDecryptor d, byte[] esp, int type, String src, String dst) {
        EspDecryptor.Decrypted dec = assertInstanceOf(EspDecryptor.Decrypted.class, d.decrypt(esp, 0, esp.length));
        assertEquals(4, dec.nextHeader());
        assertEquals(1, dec.sequenceNumber());
        Ipv4Packet ip = Ipv4Packet.parse(dec.payload(), 0, dec.payload().length);
        assertEquals(src, Ipv4Packet.formatAddress(ip.sourceAddress()));
        assertEquals(dst, Ipv4Packet.formatAddress(ip.destinationAddress()));
        assertEquals(type, dec.payload()[ip.payloadOffset()]);
    }

    @Test
    void withoutTheLinesThatTellWhoInitiatedBothDirectionsAreTriedAndTheRightOneStays() throws IOException {
        String text = excerpt().lines().filter(l -> !l.contains("parsed IKE_AUTH response"))
                .reduce("", (a, b) -> a + b + "\n");
        KeyLog log = KeyLog.parse("charon.log", text);
        assertEquals(2, log.esp(0x434c40fc).size());
        try (EspDecryptor d = new EspDecryptor(log)) {
            assertEcho(d, hex(ESP_OUT), 8, "10.1.0.1", "10.2.0.1");
            assertEcho(d, hex(ESP_OUT), 8, "10.1.0.1", "10.2.0.1");
        }
    }

    @Test
    void withoutSpisOrProposalTheKeysAreTriedOnTheSaTheyOpen() throws IOException {
        String text = excerpt().lines().filter(l -> !l.contains("selected proposal"))
                .map(l -> l.replace("natd_chunk", "natd_chunk_renamed")).reduce("", (a, b) -> a + b + "\n");
        KeyLog log = KeyLog.parse("charon.log", text);
        IkeSaSecrets ike = log.ikeSas().getFirst();
        assertFalse(ike.spisKnown());
        assertEquals(IntegrityTransform.HMAC_SHA2_256_128, ike.integrity(), "inferred from a 32-byte SK_a");
        try (IkeDecryptor d = new IkeDecryptor(log)) {
            byte[] m = hex(IKE_AUTH_RESPONSE);
            assertInstanceOf(IkeDecryptor.Decrypted.class, d.decrypt(m, 0, m.length));
            assertEquals("286781261b466901_32b1f12202bc0bc2", d.boundSa(ike));
        }
    }

    @Test
    void wrongOrMissingKeysAreSaidSo() throws IOException {
        KeyLog log = KeyLog.parse("charon.log", excerpt());
        byte[] m = hex(IKE_AUTH_RESPONSE);
        m[m.length - 1] ^= 1;
        try (IkeDecryptor d = new IkeDecryptor(log)) {
            IkeDecryptor.Failed f = assertInstanceOf(IkeDecryptor.Failed.class, d.decrypt(m, 0, m.length));
            assertTrue(f.reason().startsWith("integrity check failed"), f.reason());
            m[1] ^= 1; // another IKE SA
            f = assertInstanceOf(IkeDecryptor.Failed.class, d.decrypt(m, 0, m.length));
            assertTrue(f.reason().startsWith("no keys for IKE SA 286681261b466901_"), f.reason());
            f = assertInstanceOf(IkeDecryptor.Failed.class, d.decrypt(new byte[10], 0, 10));
            assertNull(f.header());
        }
        byte[] esp = hex(ESP_IN);
        esp[40] ^= 1;
        try (EspDecryptor d = new EspDecryptor(log)) {
            EspDecryptor.Failed f = assertInstanceOf(EspDecryptor.Failed.class, d.decrypt(esp, 0, esp.length));
            assertTrue(f.reason().startsWith("integrity check failed"), f.reason());
            esp[0] = 1;
            f = assertInstanceOf(EspDecryptor.Failed.class, d.decrypt(esp, 0, esp.length));
            assertTrue(f.reason().startsWith("no keys for ESP SPI"), f.reason());
        }
    }

    @Test
    void aCharonLogWithoutKeysSaysWhichLevelsAreNeeded() throws IOException {
        KeyLog log = KeyLog.parse("quiet.log", "Nov 23 06:47:40 12[IKE] <s2s|1> IKE_SA s2s[1] established\n");
        assertTrue(log.ikeSas().isEmpty());
        assertTrue(log.notes().getFirst().contains("ike = 4 and chd = 4"), log.notes().toString());
        KeyLogException e = assertThrows(KeyLogException.class, () -> KeyLog.parse("x", "hello world\n"));
        assertTrue(e.getMessage().contains("neither an ipsec4j key log"), e.getMessage());
        assertThrows(KeyLogException.class, () -> KeyLog.parse("x", "\n\n"));
    }

    // ---- ipsec4j's own format ----

    static IkeSaSecrets gcm() {
        return new IkeSaSecrets(0x0123456789abcdefL, 0xfedcba9876543210L, EncryptionTransform.AES_GCM_16, 128,
                IntegrityTransform.NONE, filled(20, 1), filled(20, 2), new byte[0], new byte[0]);
    }

    static byte[] filled(int n, int v) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, (byte) v);
        return b;
    }

    @Test
    void ipsec4jLinesRoundTrip() throws IOException {
        IkeSaSecrets cbc = new IkeSaSecrets(1, 2, EncryptionTransform.AES_CBC, 256,
                IntegrityTransform.HMAC_SHA2_512_256, filled(32, 3), filled(32, 4), filled(64, 5), filled(64, 6));
        EspSaSecrets esp = new EspSaSecrets(0xc0ffee01, IpAddress.parse("2001:db8::1"), IpAddress.parse("2001:db8::2"),
                new EspTransform(EncryptionAlgorithm.CHACHA20_POLY1305, IntegrityAlgorithm.NONE), true, filled(36, 7),
                new byte[0]);
        String text = KeyLogFormat.HEADER + "\n" + line(KeyLogFormat.ikeLine(gcm(), "home"))
                + line(KeyLogFormat.ikeLine(cbc, null))
                + line(KeyLogFormat.espLine(esp, "home", "net", 1, 2));
        assertTrue(text.contains("ike spi_i=0123456789abcdef spi_r=fedcba9876543210 enc=AES_GCM_16_128 integ=NONE "
                + "sk_ei=0101010101010101010101010101010101010101 sk_er=0202020202020202020202020202020202020202 "
                + "sk_ai=- sk_ar=- conn=home\n"), text);
        assertTrue(text.contains("esp spi=c0ffee01 src=2001:db8::1 dst=2001:db8::2 enc=CHACHA20_POLY1305 integ=NONE "
                + "esn=yes enc_key=" + "07".repeat(36) + " integ_key=- conn=home child=net "
                + "ike=0000000000000001_0000000000000002\n"), text);
        KeyLog log = KeyLog.parse("k", text + "esp spi=00000001 src=- dst=- enc=NULL integ=HMAC_SHA1_96 "
                + "enc_key=- integ_key=" + "08".repeat(20) + " future=ignored\n");
        assertEquals(KeyLog.Format.IPSEC4J, log.format());
        assertEquals(2, log.ikeSas().size());
        assertArrayEquals(filled(64, 6), log.ike(1, 2).getFirst().skAr());
        assertEquals(IntegrityTransform.HMAC_SHA2_512_256, log.ike(1, 2).getFirst().integrity());
        EspSaSecrets back = log.esp(0xc0ffee01).getFirst();
        assertTrue(back.esn());
        assertEquals(esp.transform(), back.transform());
        assertNull(log.esp(1).getFirst().source());
    }

    private static String line(byte[] b) {
        return new String(b, StandardCharsets.US_ASCII);
    }

    @Test
    void aBadIpsec4jLineIsNamedWithoutItsKey() {
        String good = line(KeyLogFormat.ikeLine(gcm(), null));
        assertBad(good.replace("sk_er=02", "sk_er=0x"), 2, "sk_er is not hex");
        assertBad(good.replace("enc=AES_GCM_16_128", "enc=AES_CCM_8_128"), 2, "not an IKE encryption");
        assertBad(good.replace(" integ=NONE", ""), 2, "no integ=");
        assertBad(good.replace("sk_ei=0101", "sk_ei="), 2, "needs 20 bytes of SK_e");
        assertBad(good.replace("spi_i=0123456789abcdef", "spi_i=0123"), 2, "spi_i must be 16 hex digits");
        assertBad("esp spi=1 src=- dst=- enc=AES_GCM_16_128 integ=HMAC_SHA1_96 esn=no enc_key=- integ_key=-\n", 2,
                "not an ESP transform");
        assertBad("hmm\n", 2, "a line starts with ike or esp");
    }

    private static void assertBad(String line, int number, String problem) {
        KeyLogException e = assertThrows(KeyLogException.class,
                () -> KeyLog.parse("f.keys", KeyLogFormat.HEADER + "\n" + line));
        assertEquals(number, e.line());
        assertTrue(e.getMessage().startsWith("f.keys:" + number + ": ") && e.getMessage().contains(problem),
                e.getMessage());
        assertFalse(e.getMessage().contains("0101010101"), "never a key in a message: " + e.getMessage());
    }

    @Test
    void wiresharkRows() {
        assertEquals("0123456789abcdef,fedcba9876543210," + "01".repeat(20) + "," + "02".repeat(20)
                + ",\"AES-GCM-128 with 16 octet ICV [RFC5282]\",,,\"NONE [RFC4306]\"\n",
                line(WiresharkKeyTables.ikev2Row(gcm())));
        EspSaSecrets cbc = new EspSaSecrets(0x1001, IpAddress.parse("192.0.2.1"), IpAddress.parse("192.0.2.2"),
                new EspTransform(EncryptionAlgorithm.AES_CBC_128, IntegrityAlgorithm.HMAC_SHA2_256_128), false,
                filled(16, 9), filled(32, 10));
        assertEquals("\"IPv4\",\"192.0.2.1\",\"192.0.2.2\",\"0x00001001\",\"AES-CBC [RFC3602]\",\"0x" + "09".repeat(16)
                + "\",\"HMAC-SHA-256-128 [RFC4868]\",\"0x" + "0a".repeat(32) + "\"\n", line(WiresharkKeyTables.espRow(cbc)));
        EspSaSecrets chacha = new EspSaSecrets(2, null, null,
                new EspTransform(EncryptionAlgorithm.CHACHA20_POLY1305, IntegrityAlgorithm.NONE), false, filled(36, 1),
                new byte[0]);
        assertNull(WiresharkKeyTables.espRow(chacha), "Wireshark 4.0 has no ChaCha20-Poly1305 for ESP");
        assertNull(WiresharkKeyTables.ikev2Row(gcm().withSpis(0, 0)), "a row needs the SPIs");
    }
}
