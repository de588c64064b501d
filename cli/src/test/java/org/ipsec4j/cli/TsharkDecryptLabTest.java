package org.ipsec4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.ipsec4j.lab.CommandResult;
import org.ipsec4j.lab.Lab;
import org.ipsec4j.lab.PacketCapture;
import org.ipsec4j.lab.junit.UsesLab;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The independent decoder: ESP captured on the wire between two daemons is decrypted by tshark with the keys of
 * the setkey file, and tshark finds the inner ICMP echoes and a correct ICV on every packet. Our wire format is
 * thereby checked against an implementation nobody here wrote.
 */
@UsesLab
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class TsharkDecryptLabTest {

    /** Wireshark 4.0's name for RFC 4106 AES-GCM with a 16-byte ICV in the esp_sa table. */
    static final String GCM16 = "AES-GCM with 16 octet ICV [RFC4106]";

    enum Case {
        UDP_TUNNEL_IPV4(new TunnelLab.Setup(TunnelLab.Outer.V4, TunnelLab.Mode.TUNNEL, TunnelLab.Encapsulation.UDP)),
        RAW_TRANSPORT_IPV6(new TunnelLab.Setup(TunnelLab.Outer.V6, TunnelLab.Mode.TRANSPORT,
                TunnelLab.Encapsulation.RAW));

        final TunnelLab.Setup setup;

        Case(TunnelLab.Setup setup) {
            this.setup = setup;
        }
    }

    @ParameterizedTest
    @EnumSource(Case.class)
    void tsharkDecryptsWhatTheDaemonsSend(Case testCase, Lab lab) {
        TunnelLab.Setup setup = testCase.setup;
        TunnelLab tunnel = new TunnelLab(lab);
        tunnel.startPair(setup);
        Path file = tunnel.directory.resolve("esp.pcap");
        String filter = setup.encapsulation() == TunnelLab.Encapsulation.UDP ? "udp port 4500" : "esp";
        PacketCapture capture = tunnel.right.capture(tunnel.link.b().interfaceName(), file, filter.split(" "));
        CommandResult ping = tunnel.left.exec("ping", "-n", "-c", "3", "-i", "0.2", "-W", "2", "-I",
                setup.leftInner(), setup.rightInner());
        assertTrue(ping.succeeded(), ping.stdout() + ping.stderr());
        capture.stop();

        String family = setup.outer() == TunnelLab.Outer.V4 ? "IPv4" : "IPv6";
        String l = setup.outer().left;
        String r = setup.outer().right;
        List<String> command = new ArrayList<>(List.of("tshark", "-n", "-r", file.toString(),
                "-o", "esp.enable_encryption_decode:TRUE",
                "-o", "esp.enable_authentication_check:TRUE",
                "-o", uat(family, l, r, TunnelLab.SPI_LEFT_TO_RIGHT, TunnelLab.KEY_LEFT_TO_RIGHT),
                "-o", uat(family, r, l, TunnelLab.SPI_RIGHT_TO_LEFT, TunnelLab.KEY_RIGHT_TO_LEFT),
                "-T", "fields", "-E", "separator=|",
                "-e", "esp.spi", "-e", "esp.icv_good", "-e", "esp.icv_bad", "-e", "ip.src", "-e", "ipv6.src",
                "-e", "icmp.type", "-e", "icmpv6.type"));
        CommandResult tshark = lab.namespaces().getFirst().exec(command.toArray(String[]::new));
        assertTrue(tshark.succeeded(), tshark.stderr());
        List<String> lines = tshark.stdoutLines().stream().filter(line -> !line.isBlank()).toList();
        assertEquals(6, lines.size(), "3 requests and 3 replies:\n" + tshark.stdout());
        int requests = 0;
        int replies = 0;
        for (String line : lines) {
            String[] f = line.split("\\|", -1);
            String spi = f[0];
            assertEquals("1", f[1], "ICV correct: " + line);
            assertEquals("0", f[2], "ICV not bad: " + line);
            String sources = f[3] + "," + f[4];
            String icmpType = f[5].isEmpty() ? f[6] : f[5];
            boolean request = icmpType.equals("8") || icmpType.equals("128");
            boolean reply = icmpType.equals("0") || icmpType.equals("129");
            assertTrue(request || reply, "an inner ICMP echo: " + line);
            if (request) {
                requests++;
                assertEquals(String.format("0x%08x", TunnelLab.SPI_LEFT_TO_RIGHT), spi, line);
                assertTrue(sources.contains(setup.leftInner()), "inner source " + setup.leftInner() + ": " + line);
            } else {
                replies++;
                assertEquals(String.format("0x%08x", TunnelLab.SPI_RIGHT_TO_LEFT), spi, line);
                assertTrue(sources.contains(setup.rightInner()), "inner source " + setup.rightInner() + ": " + line);
            }
        }
        assertEquals(3, requests);
        assertEquals(3, replies);
    }

    /** One row of Wireshark's esp_sa table: protocol, source, destination, SPI, cipher, key||salt, auth, key. */
    static String uat(String family, String source, String destination, int spi, String key) {
        return "uat:esp_sa:\"" + family + "\",\"" + source + "\",\"" + destination + "\",\""
                + String.format("0x%08x", spi) + "\",\"" + GCM16 + "\",\"" + key + "\",\"NULL\",\"\"";
    }
}
