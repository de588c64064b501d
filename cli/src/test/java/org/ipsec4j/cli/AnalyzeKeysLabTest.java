package org.ipsec4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.ipsec4j.cli.StrongSwanPeerLab.Setup;
import org.ipsec4j.diag.analyze.AnalysisReport;
import org.ipsec4j.diag.analyze.CaptureAnalyzer;
import org.ipsec4j.diag.analyze.EspFlow;
import org.ipsec4j.diag.analyze.Finding;
import org.ipsec4j.diag.analyze.IkeSaRecord;
import org.ipsec4j.diag.analyze.KeyLogKeySource;
import org.ipsec4j.diag.analyze.KeySource;
import org.ipsec4j.lab.PacketCapture;
import org.ipsec4j.wire.pcap.CaptureReader;
import org.ipsec4j.wire.pcap.CapturedPacket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code ipsec4j analyze CAPTURE --keys FILE} on captures of the daemon talking to charon, taken at the router,
 * with both key logs of the same run: the daemon's own (the {@code .keys} file of {@code ipsec4j dump}) and
 * charon's log at {@code ike = 4} / {@code chd = 4}. A healthy tunnel is decrypted whole (IKE_AUTH's payloads,
 * the Delete, every ESP packet with its inner ICMP, as tshark decrypts it with the dump's Wireshark tables), and
 * three failures that hide inside IKE_AUTH's encryption become findings only with the keys: a wrong pre-shared
 * key, traffic selectors charon does not have, and no Child SA proposal in common.
 */
@Tag("lab")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class AnalyzeKeysLabTest {

    private static final String IKE = "aes128gcm16-prfsha256-ecp256";
    private StrongSwanPeerLab peers;
    private int run;

    @BeforeAll
    void start() {
        peers = StrongSwanPeerLab.create(StrongSwanPeerLab.QUICK_RETRANSMITS);
    }

    @AfterEach
    void reset() {
        peers.reset();
    }

    @AfterAll
    void stop() {
        if (peers != null) {
            peers.close();
        }
    }

    /** One run's capture (at the router, the daemon's side) and the daemon's key log of it. */
    private record Run(Path capture, Path ipsec4jKeys, Path wireshark) {}

    /** Captures what {@code action} makes happen, with the daemon's tunnel dump writing its key log meanwhile. */
    private Run capture(Runnable action) {
        Path dir;
        try {
            dir = Files.createDirectories(peers.directory.resolve("keys-" + ++run));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        PacketCapture capture = peers.router.capture(peers.javaLink.b().interfaceName(), dir.resolve("wire.pcap"));
        DaemonLifecycleLabTest.Result dump = peers.ipsec4j("dump", "s2s", "--dir", dir.resolve("dump").toString());
        assertEquals(0, dump.exitCode(), dump::toString);
        action.run();
        peers.waitUntil(() -> peers.javaIkeSas().isEmpty() && peers.charon.listSas().isEmpty(),
                "no IKE SA left on either end");
        DaemonLifecycleLabTest.Result stopped = peers.ipsec4j("dump", "s2s", "--stop");
        assertEquals(0, stopped.exitCode(), stopped::toString);
        capture.stop();
        return new Run(capture.file(), dir.resolve("dump").resolve("s2s.keys"), dir.resolve("dump").resolve("s2s-wireshark"));
    }

    /** The command's text output with {@code --keys}, and the same analysis as objects. */
    private record Analysis(String text, AnalysisReport report) {

        List<String> ids() {
            return report.findings().stream().map(Finding::id).distinct().toList();
        }
    }

    private static Analysis analyze(Path capture, Path keys) {
        CaptureCommandTest.Result text = keys == null ? CaptureCommandTest.run("analyze", capture.toString())
                : CaptureCommandTest.run("analyze", "--keys", keys.toString(), capture.toString());
        assertEquals(0, text.exitCode(), text::toString);
        try (KeyLogKeySource source = keys == null ? null : KeyLogKeySource.read(keys)) {
            CaptureAnalyzer analyzer = new CaptureAnalyzer(source == null ? KeySource.NONE : source,
                    CaptureAnalyzer.Limits.DEFAULT);
            try (CaptureReader reader = CaptureReader.open(capture)) {
                for (CapturedPacket p = reader.next(); p != null; p = reader.next()) {
                    analyzer.accept(p, reader::interfaces);
                }
            }
            return new Analysis(text.out(), analyzer.finish());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aHealthyTunnelIsDecryptedWithEitherKeyLogAsTsharkDecryptsIt() throws Exception {
        peers.configure(Setup.psk(IKE, "aes128gcm16"));
        Run r = capture(() -> {
            peers.javaUp();
            peers.assertPingsBothWays();
            peers.ipsec4j("down", "s2s");
        });
        Analysis plain = analyze(r.capture(), null);
        assertFalse(plain.text().contains("decrypted"), plain.text());
        for (Path keys : List.of(r.ipsec4jKeys(), peers.charon.log())) {
            Analysis a = analyze(r.capture(), keys);
            String t = a.text();
            String why = keys + "\n" + t;
            assertTrue(t.matches("(?s).*IKE_AUTH request \\(I\\) msgid 1 192\\.0\\.2\\.1\\[\\d+] > 198\\.51\\.100\\.2\\[\\d+] "
                    + "(non-ESP marker )?\\d+ B: SK\\{IDi [^}]*AUTH[^}]* SA TSi TSr[^}]*}\n.*"), why);
            for (String line : List.of("        IDi FQDN java.lab\n", "        IDr FQDN swan.lab\n",
                    "        AUTH shared key (PSK)\n", "        TSi 10.1.0.0/24\n", "        TSr 10.2.0.0/24\n",
                    "        SA ESP:AES_GCM_16_128/NO_EXT_SEQ\n", "        D IKE SA\n")) {
                assertTrue(t.contains(line), "'" + line.strip() + "' in " + why);
            }
            IkeSaRecord sa = a.report().ikeSas().getFirst();
            assertEquals(0, sa.undecryptedMessages(), why);
            assertTrue(sa.decryptedMessages() >= 4, "IKE_AUTH and the Delete, both ways: " + why);
            assertEquals(2, a.report().espFlows().size(), why);
            for (EspFlow f : a.report().espFlows()) {
                assertEquals(f.packets(), f.decryptedPackets(), why);
                assertEquals(0, f.decryptionFailedPackets(), why);
                boolean fromJava = f.key().source().toString().equals(StrongSwanPeerLab.JAVA_OUTER);
                String inner = fromJava ? "ICMP 10.1.0.1 > 10.2.0.1" : "ICMP 10.2.0.1 > 10.1.0.1";
                assertEquals(Map.of(inner, 6L), f.innerFlows(), "3 requests and 3 replies each way: " + why);
            }
            assertEquals(plain.ids(), a.ids(), "a healthy tunnel's keys add no finding: " + why);
        }

        // --json: the same, as data.
        CaptureCommandTest.Result json = CaptureCommandTest.run("analyze", "--json", "--keys", r.ipsec4jKeys().toString(),
                r.capture().toString());
        assertEquals(0, json.exitCode(), json::toString);
        Map<String, Object> report = MinimalJson.object(MinimalJson.parse(json.out().strip()));
        Map<String, Object> sa = MinimalJson.object(MinimalJson.array(report.get("ike_sas")).getFirst());
        assertEquals(0L, sa.get("undecrypted_messages"), json.out());
        List<Map<String, Object>> payloads = MinimalJson.array(sa.get("messages")).stream().map(MinimalJson::object)
                .filter(m -> "IKE_AUTH".equals(m.get("exchange")) && m.containsKey("decrypted"))
                .flatMap(m -> MinimalJson.array(MinimalJson.object(m.get("decrypted")).get("payloads")).stream())
                .map(MinimalJson::object).toList();
        assertTrue(payloads.contains(Map.of("payload", "TSr", "text", "10.2.0.0/24")), json.out());
        for (Object flow : MinimalJson.array(report.get("esp_flows"))) {
            Map<String, Object> f = MinimalJson.object(flow);
            assertEquals(f.get("packets"), f.get("decrypted_packets"), json.out());
            assertEquals(6L, MinimalJson.object(MinimalJson.array(f.get("inner_flows")).getFirst()).get("packets"));
        }

        // tshark, with the dump's Wireshark tables, opens the same ESP packets per SPI.
        List<String> tshark = TunnelDumpLabTest.tshark(r.wireshark(), r.capture(), "esp.spi", "esp.icv_good", "icmp.type");
        Map<String, Integer> tsharkOpened = new HashMap<>();
        for (String line : tshark) {
            String[] f = line.split("\t", -1);
            if (f[0].isEmpty()) {
                continue;
            }
            assertEquals("1", f[1], "tshark finds the ICV good: " + line);
            assertFalse(f[2].isEmpty(), "tshark finds the inner ICMP: " + line);
            tsharkOpened.merge(Long.decode(f[0]).toString(), 1, Integer::sum);
        }
        Map<String, Integer> ours = new HashMap<>();
        for (EspFlow f : analyze(r.capture(), r.ipsec4jKeys()).report().espFlows()) {
            ours.put(Long.toString(Integer.toUnsignedLong(f.key().spi())), (int) f.decryptedPackets());
        }
        assertEquals(tsharkOpened, ours, String.join("\n", tshark));
    }

    /** With 3000-byte certificates IKE_AUTH goes in RFC 7383 fragments, which are joined before they are read. */
    @Test
    void ikeAuthInFragmentsIsJoinedAndRead() {
        peers.configure(Setup.certificates(IKE, "aes128gcm16").withBigCertificates());
        Run r = capture(() -> {
            peers.javaUp();
            peers.ipsec4j("down", "s2s");
        });
        for (Path keys : List.of(r.ipsec4jKeys(), peers.charon.log())) {
            Analysis a = analyze(r.capture(), keys);
            String why = keys + "\n" + a.text();
            assertTrue(a.text().matches("(?s).*IKE_AUTH request \\(I\\) msgid 1 [^\n]* B: SKF\\{(\\d+)/\\1 IDi [^}]*CERT[^}]*"
                    + "AUTH[^}]*} \\[decrypted: \\d+ IKE fragments joined]\n.*"), why);
            assertTrue(a.text().matches("(?s).*IKE_AUTH response \\(R\\) msgid 1 [^\n]* B: SKF\\{(\\d+)/\\1 IDr [^}]*CERT[^}]*"
                    + "AUTH[^}]*SA TSi TSr[^}]*} \\[decrypted: \\d+ IKE fragments joined]\n.*"), why);
            assertTrue(a.text().contains("        IDi FQDN java.lab\n"), why);
            assertTrue(a.text().contains("        TSr 10.2.0.0/24\n"), why);
            IkeSaRecord sa = a.report().ikeSas().getFirst();
            assertTrue(sa.ikeFragmentsUsed(), why);
            assertEquals(0, sa.undecryptedMessages(), why);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "WRONG_PSK,       ike-authentication-failed, 'sent AUTHENTICATION_FAILED in the decrypted IKE_AUTH response'",
        "TS_MISMATCH,     ike-ts-unacceptable,       'TSr 10.3.0.0/24 (its remote_ts)'",
        "NO_ESP_PROPOSAL, ike-no-proposal-chosen,    'offered: ESP:AES_CBC_256/HMAC_SHA2_512_256/NO_EXT_SEQ'",
    })
    void aFailureInsideIkeAuthIsAFindingOnlyWithTheKeys(String failure, String id, String words) {
        Setup setup = switch (failure) {
            case "WRONG_PSK" -> Setup.psk(IKE, "aes128gcm16").withJavaSecret("not the key strongSwan has");
            case "TS_MISMATCH" -> Setup.psk(IKE, "aes128gcm16").withJavaRemoteTs("10.3.0.0/24");
            default -> Setup.psk(IKE, "aes128gcm16").withJavaProposals(IKE, "aes256-sha512");
        };
        peers.configure(setup);
        Run r = capture(() -> {
            DaemonLifecycleLabTest.Result up = peers.ipsec4j("up", "s2s");
            assertEquals(1, up.exitCode(), () -> up + "\n" + peers.diagnostics());
            peers.ipsec4j("down", "s2s");
        });
        Analysis plain = analyze(r.capture(), null);
        assertFalse(plain.ids().contains(id), plain.text());
        for (Path keys : List.of(r.ipsec4jKeys(), peers.charon.log())) {
            Analysis a = analyze(r.capture(), keys);
            String why = keys + "\n" + a.text();
            assertTrue(a.ids().contains(id), why);
            Finding f = a.report().findings().stream().filter(x -> x.id().equals(id)).findFirst().orElseThrow();
            assertEquals("error", f.severity().label(), why);
            assertTrue((f.summary() + " " + f.cause()).contains(words), why);
            assertTrue(f.summary().startsWith("IKE SA "), why);
            assertTrue(f.summary().contains("198.51.100.2["), why);
            assertTrue(f.summary().contains("the request carried IDi FQDN java.lab"), why);
            assertTrue(a.text().contains("[error] " + id + ": "), why);
            assertEquals(2, f.packets().size(), "the IKE_AUTH request and its answer: " + why);
            assertFalse(a.ids().contains("esp-blocked"), "the refused Child SA explains why no ESP came: " + why);
        }
    }
}
