package org.ipsec4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ipsec4j firewall-check} through picocli: formats, exit codes, errors, --json. */
class FirewallCheckCommandTest {

    @TempDir
    Path dir;

    private Path write(String name, String... lines) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, List.of(lines));
        return file;
    }

    private static CaptureCommandTest.Result run(String... args) {
        return CaptureCommandTest.run(args);
    }

    private Path seed000() throws IOException {
        return write("seed000.rules",
                "-A INPUT -m udp -p udp --dport 500 -j ACCEPT",
                "-A INPUT -m udp -p udp --dport 4500 -j ACCEPT",
                "-A INPUT -j REJECT --reject-with icmp6-port-unreachable");
    }

    @Test
    void seed000IsBlockedWithExitCode5() throws IOException {
        CaptureCommandTest.Result r = run("firewall-check", seed000().toString(), "--local", "2001:db8:f:608::2",
                "--peer", "2001:db8::be6b:d879");
        assertEquals("", r.err());
        assertEquals(5, r.exitCode());
        assertTrue(r.out().contains("ruleset: ip6tables-save"), r.out());
        assertTrue(r.out().contains("""
                  BLOCKED  peer > local   IKE_AUTH request, later IP fragment (no UDP header)
                              REJECT by line 3: -A INPUT -j REJECT --reject-with icmp6-port-unreachable
                """), r.out());
        assertTrue(r.out().contains("verdict: BLOCKED"), r.out());
        assertTrue(r.out().contains("       -A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT\n"), r.out());
    }

    @Test
    void jsonCarriesEveryPacketTheRuleAndTheFixes() throws IOException {
        CaptureCommandTest.Result r = run("firewall-check", seed000().toString(), "--local", "2001:db8:f:608::2",
                "--peer", "2001:db8::be6b:d879", "--json");
        assertEquals(5, r.exitCode(), r.err());
        Map<String, Object> json = MinimalJson.object(MinimalJson.parse(r.out()));
        assertEquals("blocked", json.get("verdict"));
        Map<String, Object> ruleset = MinimalJson.object(json.get("ruleset"));
        assertEquals("ip6tables-save", ruleset.get("format"));
        assertEquals("none", ruleset.get("state"));
        Map<String, Object> tunnel = MinimalJson.object(json.get("tunnel"));
        assertEquals("esp-in-udp", tunnel.get("encapsulation"));
        assertEquals("local-host", tunnel.get("firewall"));
        Map<String, Object> fragment = MinimalJson.array(json.get("packets")).stream().map(MinimalJson::object)
                .filter(p -> p.get("id").equals("peer-starts.ike-auth-request.later-fragment")).findFirst().orElseThrow();
        assertEquals("reject", fragment.get("fate"));
        assertEquals(false, fragment.get("passed"));
        assertEquals("required", fragment.get("need"));
        assertEquals("peer > local", fragment.get("direction"));
        Map<String, Object> decidedBy = MinimalJson.object(fragment.get("decidedBy"));
        assertEquals(3L, decidedBy.get("line"));
        assertEquals("-A INPUT -j REJECT --reject-with icmp6-port-unreachable", decidedBy.get("text"));
        Map<String, Object> packet = MinimalJson.object(fragment.get("packet"));
        assertEquals("later", packet.get("fragment"));
        assertEquals("udp", packet.get("protocol"));
        assertTrue(!packet.containsKey("destinationPort"), packet::toString);
        Map<String, Object> firstFix = MinimalJson.object(MinimalJson.array(json.get("fixes")).getFirst());
        assertEquals("-A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT", firstFix.get("rule"));
        assertEquals(1L, firstFix.get("beforeLine"));
        assertTrue(MinimalJson.array(firstFix.get("letsThrough")).contains("peer-starts.ike-auth-request.later-fragment"));
    }

    @Test
    void aGoodNftRulesetFormatDetectedExits0() throws IOException {
        Path rules = write("good.nft",
                "table inet filter {",
                "\tchain input {",
                "\t\ttype filter hook input priority filter; policy drop;",
                "\t\tct state established,related accept",
                "\t\tudp dport { 500, 4500 } accept",
                "\t}",
                "}");
        CaptureCommandTest.Result r = run("firewall-check", rules.toString(), "--local", "192.0.2.1", "--peer",
                "198.51.100.1");
        assertEquals(0, r.exitCode(), r.out() + r.err());
        assertTrue(r.out().contains("ruleset: nft list ruleset"), r.out());
        assertTrue(r.out().contains("verdict: OK"), r.out());
    }

    @Test
    void onlyRecommendedBlockedExits6() throws IOException {
        Path rules = write("asa.txt",
                "access-list 101 extended permit udp host 198.51.100.1 host 192.0.2.1 eq isakmp",
                "access-list 101 extended permit esp host 198.51.100.1 host 192.0.2.1",
                "access-group 101 in interface outside");
        CaptureCommandTest.Result r = run("firewall-check", rules.toString(), "--local", "192.0.2.1", "--peer",
                "198.51.100.1", "--encap", "none");
        assertEquals(6, r.exitCode(), r.out() + r.err());
        assertTrue(r.out().contains("firewall: on a router between them, inside towards the local host, outside "
                + "towards the peer (FORWARD)"), r.out());
        assertTrue(r.out().contains("access-list 101 extended permit icmp any host 192.0.2.1 unreachable"), r.out());
    }

    @Test
    void errorsNameTheLineAndUseTheirExitCodes() throws IOException {
        Path recent = write("recent.rules", "*filter", ":INPUT DROP [0:0]",
                "-A INPUT -p udp -m recent --name ike --set -j ACCEPT", "COMMIT");
        CaptureCommandTest.Result r = run("firewall-check", recent.toString(), "--local", "192.0.2.1", "--peer",
                "198.51.100.1");
        assertEquals(4, r.exitCode());
        assertEquals("", r.out());
        assertTrue(r.err().startsWith("ipsec4j firewall-check: " + recent + ": line 3: unsupported match '-m recent'"),
                r.err());
        assertTrue(r.err().endsWith("(in: -A INPUT -p udp -m recent --name ike --set -j ACCEPT)\n"), r.err());

        Path v4 = write("v4.rules", "# Generated by iptables-save v1.8.9", "*filter", ":INPUT DROP [0:0]", "COMMIT");
        r = run("firewall-check", v4.toString(), "--local", "2001:db8::1", "--peer", "2001:db8::2");
        assertEquals(4, r.exitCode());
        assertTrue(r.err().contains("does not filter IPv6, and the tunnel is IPv6 (give ip6tables-save output)"), r.err());

        r = run("firewall-check", dir.resolve("missing").toString(), "--local", "192.0.2.1", "--peer", "198.51.100.1");
        assertEquals(3, r.exitCode());
        assertTrue(r.err().endsWith("missing: no such file\n"), r.err());

        Path unknown = write("unknown.txt", "hello world");
        r = run("firewall-check", unknown.toString(), "--local", "192.0.2.1", "--peer", "198.51.100.1");
        assertEquals(4, r.exitCode());
        assertTrue(r.err().contains("give --format"), r.err());

        r = run("firewall-check", v4.toString(), "--local", "192.0.2.1", "--peer", "2001:db8::2");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("different families"), r.err());

        r = run("firewall-check", v4.toString(), "--local", "192.0.2.1", "--peer", "router.example");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("--peer: 'router.example' is not an IP address"), r.err());

        r = run("firewall-check", v4.toString(), "--local", "192.0.2.1", "--peer", "198.51.100.1", "--ah", "--encap", "udp");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("--ah cannot be UDP-encapsulated"), r.err());
    }
}
