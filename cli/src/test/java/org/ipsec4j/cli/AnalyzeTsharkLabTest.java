package org.ipsec4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.ipsec4j.diag.analyze.AnalysisReport;
import org.ipsec4j.diag.analyze.CaptureAnalyzer;
import org.ipsec4j.diag.analyze.EspFlow;
import org.ipsec4j.diag.analyze.IkeDatagram;
import org.ipsec4j.diag.analyze.IkeMessageSighting;
import org.ipsec4j.diag.analyze.IkeSaRecord;
import org.ipsec4j.lab.Lab;
import org.ipsec4j.lab.PacketCapture;
import org.ipsec4j.lab.junit.UsesLab;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * tshark, an independent decoder, agrees with the analysis on what it reads from the same captures: for every
 * IKE message the SPIs, exchange type and Message ID (tshark names an IP-fragmented message at its last
 * fragment, the analysis at its first, so either counts), and for every ESP SPI the number of packets and the
 * highest sequence number. Missing tshark is a failure, as in wire's cross-check.
 */
@UsesLab
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AnalyzeTsharkLabTest {

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path tmp;

    @Test
    void theShippedCaptureWithItsFragmentedIkeMessages() throws IOException {
        Path capture = Path.of("..", "captures", "hostile-path.pcapng");
        // The same fragments crossed both of r's interfaces; tshark reassembles each datagram once (its
        // reassembly key has no interface), so it decodes 4 of the 6 IKE datagrams the analysis lists.
        assertTsharkAgrees(capture, CaptureAnalyzer.analyze(capture), 4, 6, 0);
    }

    @Test
    void aStrongSwanTunnel(Lab lab) throws IOException {
        AnalyzeLab.Analysis a = AnalyzeStrongSwanLabTest.healthyStrongSwanCapture(lab, tmp);
        assertTsharkAgrees(a.capture(), a.report(), 6, 6, 2);
    }

    @Test
    void anIpsec4jTunnelWithAChildSaRekey(Lab lab) throws IOException {
        AnalyzeLab net = new AnalyzeLab(lab, tmp, 1500, false);
        DaemonProcess[] daemons = net.startIpsec4j(AnalyzeLab.Options.of(AnalyzeLab.Family.V4));
        PacketCapture capture = net.router.capture(net.leftLink.b().interfaceName(), net.file("rekey.pcap"));
        assertEquals(0, AnalyzeLab.up(daemons[0], 20).exitCode(), daemons[0]::stderr);
        assertTrue(net.ping(3));
        assertEquals(0, DaemonLifecycleLabTest.run("rekey", "lab", "--child", "net", "--control",
                daemons[0].control().toString()).exitCode(), daemons[0]::stderr);
        assertTrue(net.ping(3));
        AnalyzeLab.down(daemons[0]);
        capture.stop();
        AnalyzeLab.Analysis a = AnalyzeLab.analyze(capture.file());
        assertEquals(List.of(), a.warnings(), a::explain);
        // IKE_SA_INIT, IKE_AUTH, CREATE_CHILD_SA, the INFORMATIONAL deleting the old child, the one deleting the
        // IKE SA: ten messages; two Child SAs of two SPIs each.
        assertTsharkAgrees(capture.file(), a.report(), 10, 10, 4);
        daemons[0].stop();
        daemons[1].stop();
    }

    /**
     * Compares field by field and returns quietly if tshark agrees.
     *
     * @param tsharkIke how many IKE datagrams tshark decodes
     * @param ourIke    how many the analysis lists
     * @param espSpis   how many ESP SPIs the capture holds
     */
    static void assertTsharkAgrees(Path capture, AnalysisReport report, int tsharkIke, int ourIke, int espSpis)
            throws IOException {
        List<String[]> rows = tshark(capture);
        Map<Long, IkeMessageSighting> ours = new HashMap<>();
        for (IkeSaRecord sa : report.ikeSas()) {
            assertTrue(sa.messageCount() <= sa.messages().size(), "every message listed");
            for (IkeMessageSighting s : sa.messages()) {
                ours.put(s.packet(), s);
                if (s.ipFragmented()) {
                    for (long fragment : s.ipFragmentPackets()) {
                        ours.put(fragment, s);
                    }
                }
            }
        }
        int ikeRows = 0;
        Map<String, long[]> tsharkEsp = new TreeMap<>();
        for (String[] row : rows) {
            long frame = Long.parseLong(row[0]);
            if (!row[7].isEmpty() || !row[8].isEmpty()) {
                continue; // an ICMP error: tshark decodes the packet it quotes, which is not a message of its own
            }
            if (!row[1].isEmpty()) {
                ikeRows++;
                IkeMessageSighting s = ours.get(frame);
                if (s == null) {
                    fail("tshark decodes IKE in frame " + frame + " (" + String.join(" ", row) + "), the analysis "
                            + "does not");
                }
                IkeDatagram d = s.datagram();
                String context = "frame " + frame + ": tshark " + String.join(" ", row) + ", ours " + d;
                assertEquals(row[1], String.format("%016x", d.initiatorSpi()), context);
                assertEquals(row[2], String.format("%016x", d.responderSpi()), context);
                assertEquals(Integer.parseInt(row[3]), d.exchangeType(), context);
                assertEquals(Long.decode(row[4]).longValue(), Integer.toUnsignedLong(d.messageId()), context);
            }
            if (!row[5].isEmpty()) {
                long[] counts = tsharkEsp.computeIfAbsent(row[5].substring(2), k -> new long[2]);
                counts[0]++;
                counts[1] = Math.max(counts[1], Long.parseLong(row[6]));
            }
        }
        assertEquals(tsharkIke, ikeRows, "IKE messages tshark decodes");
        assertEquals(ourIke, ours.values().stream().distinct().count(), "IKE messages the analysis lists");
        Map<String, long[]> ourEsp = new TreeMap<>();
        for (EspFlow f : report.espFlows()) {
            long[] counts = ourEsp.computeIfAbsent(String.format("%08x", f.key().spi()), k -> new long[2]);
            counts[0] += f.packets();
            counts[1] = Math.max(counts[1], f.sequences().highest());
        }
        assertEquals(espSpis, tsharkEsp.size(), "ESP SPIs tshark sees: " + tsharkEsp.keySet());
        assertEquals(tsharkEsp.keySet(), ourEsp.keySet());
        for (String spi : tsharkEsp.keySet()) {
            assertEquals(tsharkEsp.get(spi)[0], ourEsp.get(spi)[0], "packets of SPI " + spi);
            assertEquals(tsharkEsp.get(spi)[1], ourEsp.get(spi)[1], "highest sequence number of SPI " + spi);
        }
    }

    private static List<String[]> tshark(Path capture) throws IOException {
        String tshark = null;
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, "tshark"))) {
                tshark = Path.of(dir, "tshark").toString();
            }
        }
        if (tshark == null) {
            fail("tshark is not installed or not on PATH (apt-get install tshark; CI installs it)");
        }
        Process p = new ProcessBuilder(tshark, "-n", "-r", capture.toString(), "-T", "fields", "-E", "separator=/t",
                "-E", "occurrence=f", "-e", "frame.number", "-e", "isakmp.ispi", "-e", "isakmp.rspi", "-e",
                "isakmp.exchangetype", "-e", "isakmp.messageid", "-e", "esp.spi", "-e", "esp.sequence", "-e", "icmp.type",
                "-e", "icmpv6.type")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "tshark finished");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        assertEquals(0, p.exitValue(), "tshark exit code");
        List<String[]> rows = new ArrayList<>();
        out.lines().forEach(line -> rows.add(java.util.Arrays.copyOf(line.split("\t", -1), 9)));
        return rows;
    }
}
