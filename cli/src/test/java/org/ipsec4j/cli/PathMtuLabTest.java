package org.ipsec4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.ipsec4j.lab.CommandResult;
import org.ipsec4j.lab.Lab;
import org.ipsec4j.lab.Link;
import org.ipsec4j.lab.Namespace;
import org.ipsec4j.lab.junit.UsesLab;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Seed 001 §5.6 with tracepath through the tunnel (issue 5 §5): a server behind an ipsec4j gateway, the gateway's
 * outer link, a NAT router (MASQUERADE) and its link to an ipsec4j client, tunnel mode in ESP in UDP:
 *
 * <pre>
 *   server 10.0.1.5 -- 10.0.1.1 gw 192.0.2.1 --(gw MTU)-- 192.0.2.254 nat 172.16.0.1 --(nat MTU)-- 172.16.0.2 client
 *                                                                                                  inner 10.0.2.1
 * </pre>
 *
 * tracepath from the server to the client's inner address shows the path MTU the seed reports: 1422 for
 * AES-CBC + HMAC-SHA1-96 and 1438 for 3DES + HMAC-MD5-96 on 1500-byte links (the gateway's TUN MTU, sized by the
 * one computation); and with a 1300-byte gateway link and a 1000-byte NAT link 1238 (the TUN MTU), then 942: the
 * NAT router's "fragmentation needed, MTU 1000" about a 1296-byte ESP packet reaches the gateway's UDP socket
 * (IP_RECVERR), lowers the SA's path MTU, and the gateway answers the next probe itself, from its LAN address.
 * The same with IPv6 inside (ICMPv6 packet too big), and seed 004's fragmenting before encryption.
 */
@UsesLab
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class PathMtuLabTest {

    private static final String GW_OUTER = "192.0.2.1";
    private static final String NAT_PUBLIC = "192.0.2.254";
    private static final String CLIENT_OUTER = "172.16.0.2";
    private static final String SERVER = "10.0.1.5";
    private static final String CLIENT_INNER = "10.0.2.1";
    private static final Pattern PMTU = Pattern.compile("pmtu (\\d+)");

    @ParameterizedTest(name = "{0} + {1}, gateway link {2}, NAT link {3}: tracepath shows {4}")
    @CsvSource({
            "aes-cbc, hmac-sha1, 1500, 1500, 1422",
            "3des-cbc, hmac-md5, 1500, 1500, 1438",
            "3des-cbc, hmac-md5, 1300, 1000, 1238 942",
    })
    void tracepathThroughTheTunnelShowsTheSeedNumbers(String encryption, String integrity, int gatewayMtu, int natMtu,
            String expected, Lab lab) throws IOException {
        Namespace server = lab.host("server");
        Namespace gw = lab.router("gw");
        Namespace nat = lab.router("nat");
        Namespace client = lab.host("client");
        Link lan = lab.link(server, gw, 1500);
        lan.a().addAddress(SERVER + "/24");
        lan.b().addAddress("10.0.1.1/24");
        server.setDefaultRoute("10.0.1.1");
        Link wan = lab.link(gw, nat, gatewayMtu);
        wan.a().addAddress(GW_OUTER + "/24");
        wan.b().addAddress(NAT_PUBLIC + "/24");
        Link access = lab.link(nat, client, natMtu);
        access.a().addAddress("172.16.0.1/24");
        access.b().addAddress(CLIENT_OUTER + "/24");
        client.setDefaultRoute("172.16.0.1");
        nat.masquerade(wan.b());
        client.ip("addr", "add", CLIENT_INNER + "/32", "dev", "lo");

        Path dir = Files.createTempDirectory("ipsec4j-pmtu-lab-");
        String enc = key(encryption.equals("3des-cbc") ? 24 : 16, 1);
        String encBack = key(encryption.equals("3des-cbc") ? 24 : 16, 2);
        String auth = key(integrity.equals("hmac-md5") ? 16 : 20, 3);
        String authBack = key(integrity.equals("hmac-md5") ? 16 : 20, 4);
        String algorithms = "-E " + encryption + " " + enc + " -A " + integrity + " " + auth;
        String algorithmsBack = "-E " + encryption + " " + encBack + " -A " + integrity + " " + authBack;
        // The gateway knows the client by its NAT's address (MASQUERADE keeps port 4500 while it is free).
        Path gwSetkey = write(dir, "gw.setkey", setkey(GW_OUTER, NAT_PUBLIC, "10.0.1.0/24", "10.0.2.0/24",
                0x1001, algorithms, 0x1002, algorithmsBack));
        Path clientSetkey = write(dir, "client.setkey", setkey(CLIENT_OUTER, GW_OUTER, "10.0.2.0/24", "10.0.1.0/24",
                0x1002, algorithmsBack, 0x1001, algorithms));
        List<String> jvm = List.of("-Xmx256m");
        try (DaemonProcess g = DaemonProcess.launch(gw, gwSetkey, dir.resolve("gw.sock"), jvm, "--allow-legacy");
                DaemonProcess c = DaemonProcess.launch(client, clientSetkey, dir.resolve("client.sock"), jvm,
                        "--allow-legacy")) {
            g.awaitReady();
            c.awaitReady();
            // The client speaks first: its packets open the NAT mapping the gateway's then use.
            CommandResult ping = client.exec(Duration.ofSeconds(15), "ping", "-c", "3", "-W", "2", "-I", CLIENT_INNER,
                    SERVER);
            assertTrue(ping.succeeded(), () -> "no ping through the tunnel:\n" + ping.stdout() + ping.stderr()
                    + "\ngw:\n" + g.stderr() + "\nclient:\n" + c.stderr());

            CommandResult trace = server.exec(Duration.ofSeconds(60), "tracepath", "-n", "-m", "4", CLIENT_INNER);
            String output = trace.stdout() + trace.stderr();
            System.out.println(encryption + " + " + integrity + ", links " + gatewayMtu + "/" + natMtu + ":\n" + output);
            List<Integer> seen = new ArrayList<>();
            Matcher m = PMTU.matcher(output);
            while (m.find()) {
                int value = Integer.parseInt(m.group(1));
                if (value != 1500 && (seen.isEmpty() || seen.get(seen.size() - 1) != value)) {
                    seen.add(value); // the first hop's own 1500 aside, each change once
                }
            }
            List<Integer> want = java.util.Arrays.stream(expected.split(" ")).map(Integer::valueOf).toList();
            assertEquals(want, seen, () -> "tracepath:\n" + output + "\ngw:\n" + g.stderr());
            assertTrue(output.contains("Resume: pmtu " + want.get(want.size() - 1)), output);

            Map<String, Object> sa = DaemonProcess.sa(g.statusJson(), 0x1001);
            Map<String, Object> path = MinimalJson.object(sa.get("path_mtu"));
            assertEquals((long) gatewayMtu, path.get("link"));
            if (natMtu < gatewayMtu) {
                assertEquals((long) natMtu, path.get("current"), path.toString());
                assertEquals((long) natMtu, path.get("learned"));
                assertEquals((long) want.get(want.size() - 1), path.get("inner_mtu"));
                Map<String, Object> counters = MinimalJson.object(MinimalJson.object(g.statusJson().get("global"))
                        .get("path_mtu"));
                assertEquals(1L, counters.get("reports-updated"), counters.toString());
                assertTrue((Long) counters.get("too-big-sent") >= 1, counters.toString());
                fragmentedBeforeEncryption(gw, access, dir, g, c);
            } else {
                assertEquals((long) gatewayMtu, path.get("current"));
                assertEquals(0L, path.get("learned"));
                assertEquals((long) want.get(0), path.get("inner_mtu"));
            }
        }
    }

    /**
     * The same for IPv6 inside (over the IPv4 outer path with its NAT): AES-CBC + HMAC-SHA1-96 leaves 1422 bytes on
     * the 1500-byte gateway link (the TUN MTU), and once the NAT router reports 1400, 1326 (1400 - 20 - 8 - 8 -
     * 16 - 12 = 1336 ciphertext bytes, 1328 in whole blocks, less 2): the gateway's ICMPv6 packet too big, from
     * its own LAN address.
     */
    @org.junit.jupiter.api.Test
    void tracepathOverIpv6InsideShowsTheTunnelMtuThenTheLearnedOne(Lab lab) throws IOException {
        Namespace server = lab.host("server");
        Namespace gw = lab.router("gw");
        Namespace nat = lab.router("nat");
        Namespace client = lab.host("client");
        Link lan = lab.link(server, gw, 1500);
        lan.a().addAddress("2001:db8:1::5/64");
        lan.b().addAddress("2001:db8:1::1/64");
        server.setDefaultRoute("2001:db8:1::1");
        Link wan = lab.link(gw, nat, 1500);
        wan.a().addAddress(GW_OUTER + "/24");
        wan.b().addAddress(NAT_PUBLIC + "/24");
        Link access = lab.link(nat, client, 1400);
        access.a().addAddress("172.16.0.1/24");
        access.b().addAddress(CLIENT_OUTER + "/24");
        client.setDefaultRoute("172.16.0.1");
        nat.masquerade(wan.b());
        client.ip("-6", "addr", "add", "2001:db8:2::1/128", "dev", "lo");

        Path dir = Files.createTempDirectory("ipsec4j-pmtu-lab-");
        String there = "-E aes-cbc " + key(16, 1) + " -A hmac-sha1 " + key(20, 3);
        String back = "-E aes-cbc " + key(16, 2) + " -A hmac-sha1 " + key(20, 4);
        Path gwSetkey = write(dir, "gw.setkey", setkey(GW_OUTER, NAT_PUBLIC, "2001:db8:1::/64", "2001:db8:2::/64",
                0x1001, there, 0x1002, back));
        Path clientSetkey = write(dir, "client.setkey", setkey(CLIENT_OUTER, GW_OUTER, "2001:db8:2::/64",
                "2001:db8:1::/64", 0x1002, back, 0x1001, there));
        List<String> jvm = List.of("-Xmx256m");
        try (DaemonProcess g = DaemonProcess.launch(gw, gwSetkey, dir.resolve("gw.sock"), jvm, "--allow-legacy");
                DaemonProcess c = DaemonProcess.launch(client, clientSetkey, dir.resolve("client.sock"), jvm,
                        "--allow-legacy")) {
            g.awaitReady();
            c.awaitReady();
            CommandResult ping = client.exec(Duration.ofSeconds(15), "ping", "-6", "-c", "3", "-W", "2", "-I",
                    "2001:db8:2::1", "2001:db8:1::5");
            assertTrue(ping.succeeded(), () -> "no IPv6 ping through the tunnel:\n" + ping.stdout() + ping.stderr()
                    + "\ngw:\n" + g.stderr() + "\nclient:\n" + c.stderr());
            CommandResult trace = server.exec(Duration.ofSeconds(60), "tracepath", "-6", "-n", "-m", "4",
                    "2001:db8:2::1");
            String output = trace.stdout() + trace.stderr();
            System.out.println("IPv6 inside, aes-cbc + hmac-sha1, links 1500/1400:\n" + output);
            List<Integer> seen = new ArrayList<>();
            Matcher m = PMTU.matcher(output);
            while (m.find()) {
                int value = Integer.parseInt(m.group(1));
                if (value != 1500 && (seen.isEmpty() || seen.get(seen.size() - 1) != value)) {
                    seen.add(value);
                }
            }
            assertEquals(List.of(1422, 1326), seen, () -> "tracepath:\n" + output + "\ngw:\n" + g.stderr());
            Map<String, Object> path = MinimalJson.object(DaemonProcess.sa(g.statusJson(), 0x1001).get("path_mtu"));
            assertEquals(1400L, path.get("current"), path.toString());
            assertEquals(1326L, path.get("inner_mtu"));
        }
    }

    /**
     * Seed 004's prefragmentation: a 1228-byte ping without DF fits the gateway's TUN MTU (1238) but not the path
     * it has learned (942 inside): the gateway fragments it before encryption, so the ESP packets fit the NAT
     * router's 1000-byte link and no outer fragment ever reaches the client (which would have to reassemble).
     * The gateway pings from its LAN address: the server already learned 942 from tracepath and would fragment
     * the ping itself.
     */
    private static void fragmentedBeforeEncryption(Namespace gw, Link access, Path dir, DaemonProcess g,
            DaemonProcess c) {
        org.ipsec4j.lab.PacketCapture fragments = access.b().capture(dir.resolve("fragments.pcap"), "ip[6:2]", "&",
                "0x3fff", "!=", "0");
        CommandResult ping = gw.exec(Duration.ofSeconds(15), "ping", "-c", "2", "-W", "2", "-M", "dont", "-s",
                "1200", "-I", "10.0.1.1", CLIENT_INNER);
        fragments.stop();
        assertTrue(ping.succeeded(), () -> "large ping without DF failed:\n" + ping.stdout() + ping.stderr()
                + "\ngw:\n" + g.stderr() + "\nclient:\n" + c.stderr());
        assertEquals(0, fragments.packetsCaptured(), "outer fragments on the NAT's link to the client");
        Map<String, Object> counters = MinimalJson.object(MinimalJson.object(g.statusJson().get("global"))
                .get("path_mtu"));
        assertTrue((Long) counters.get("prefragmented") >= 2, counters.toString());
        assertTrue((Long) counters.get("fragments-sent") >= 4, counters.toString());
    }

    private static String setkey(String local, String remote, String localNet, String remoteNet, int outSpi,
            String outAlgorithms, int inSpi, String inAlgorithms) {
        return "flush;\nspdflush;\n"
                + "add " + local + "[4500] " + remote + "[4500] esp-udp 0x" + Integer.toHexString(outSpi)
                + " -m tunnel " + outAlgorithms + ";\n"
                + "add " + remote + "[4500] " + local + "[4500] esp-udp 0x" + Integer.toHexString(inSpi)
                + " -m tunnel -r 64 " + inAlgorithms + ";\n"
                + "spdadd " + localNet + " " + remoteNet + " any -P out ipsec esp/tunnel/" + local + "-" + remote
                + "/require;\n"
                + "spdadd " + remoteNet + " " + localNet + " any -P in ipsec esp/tunnel/" + remote + "-" + local
                + "/require;\n";
    }

    private static String key(int bytes, int seed) {
        StringBuilder hex = new StringBuilder("0x");
        for (int i = 0; i < bytes; i++) {
            hex.append(String.format("%02x", (seed * 53 + i * 29 + 7) & 0xFF));
        }
        return hex.toString();
    }

    private static Path write(Path dir, String name, String text) {
        try {
            return Files.writeString(dir.resolve(name), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
