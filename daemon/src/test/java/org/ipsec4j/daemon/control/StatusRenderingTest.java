package org.ipsec4j.daemon.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class StatusRenderingTest {

    static StatusReport sample() {
        StatusReport.DaemonSummary daemon = new StatusReport.DaemonSummary("0.1.0", 42, 7, "/etc/ipsec4j/a \"b\".conf",
                "ipsec4j0", 1438, "udp", 4500, 0x4500);
        StatusReport.SaStatus out = new StatusReport.SaStatus(0x1001, "out", "esp", "tunnel", "192.0.2.1", "192.0.2.2",
                4500, 4500, "aes-gcm-16-128", "none", -1, 12, "active", 6, "none", "3600 s, 1000000 bytes", 1008, 12,
                Map.of(), 3);
        StatusReport.SaStatus in = new StatusReport.SaStatus(0x1002, "in", "esp", "transport", "192.0.2.1",
                "192.0.2.2", 0, 0, "aes-cbc-128", "hmac-sha2-256-128", 64, 10, "active", 6, "none", "none", 840, 10,
                Map.of("authentication-failed", 3L, "replayed", 1L), 4);
        StatusReport.PolicyStatus policy = new StatusReport.PolicyStatus("out", "10.0.1.0/24 <-> 10.0.2.0/24 any",
                "protect esp/tunnel/192.0.2.1-192.0.2.2/require", 12, "0x00001001", 5);
        StatusReport.GlobalCounters global = new StatusReport.GlobalCounters(12, 1008, Map.of("no-policy", 2L), 10, 840,
                Map.of("no-sa", 5L, "authentication-failed", 3L), 0, 1, 2, 0);
        StatusReport.SaStatus ah = new StatusReport.SaStatus(0x2001, "out", "ah", "transport", "192.0.2.1",
                "192.0.2.2", 0, 0, null, "hmac-sha2-256-128", -1, 5, "active", 6, "none", "none", 500, 5, Map.of(), 6);
        return new StatusReport(daemon, List.of(out, in, ah), List.of(policy), global);
    }

    @Test
    void textShowsEverySaPolicyAndNonZeroDrop() {
        String text = StatusText.render(sample());
        assertTrue(text.contains("  0x00001001 out esp tunnel 192.0.2.1 -> 192.0.2.2 udp 4500 -> 4500\n"), text);
        assertTrue(text.contains("      aes-gcm-16-128, last seq 12, active, age 6 s, setkey line 3\n"), text);
        assertTrue(text.contains("      lifetime soft none, hard 3600 s, 1000000 bytes\n"), text);
        assertTrue(text.contains("      12 packets, 1008 bytes, drops: none\n"), text);
        assertTrue(text.contains("  0x00001002 in  esp transport 192.0.2.1 <- 192.0.2.2\n"), text);
        assertTrue(text.contains("aes-cbc-128 + hmac-sha2-256-128, replay window 64 packets, highest seq 10"), text);
        assertTrue(text.contains("10 packets, 840 bytes, drops: authentication-failed 3, replayed 1\n"), text);
        assertTrue(text.contains("  out 10.0.1.0/24 <-> 10.0.2.0/24 any  protect esp/tunnel/192.0.2.1-192.0.2.2/require"
                + " via 0x00001001  hits 12\n"), text);
        assertTrue(text.contains("  in  10 packets, 840 bytes, drops: authentication-failed 3, no-sa 5\n"), text);
        assertTrue(text.contains("  0x00002001 out ah transport 192.0.2.1 -> 192.0.2.2\n      hmac-sha2-256-128, last "
                + "seq 5"), text);
        assertTrue(text.endsWith("\n" + StatusText.LEGEND), text);
        assertTrue(StatusText.LEGEND.contains("counted alike on the sending and the receiving side"));
    }

    @Test
    void jsonHasTheSameContent() {
        String json = StatusJson.render(sample());
        assertTrue(json.contains("\"setkey_file\": \"/etc/ipsec4j/a \\\"b\\\".conf\""), json);
        assertTrue(json.contains("\"spi\": \"0x00001001\""), json);
        assertTrue(json.contains("\"udp_encapsulation\": {\n        \"local_port\": 4500,"), json);
        assertTrue(json.contains("\"udp_encapsulation\": null"), json);
        assertTrue(json.contains("\"replay_window\": null"), json);
        assertTrue(json.contains("\"replay_window\": 64"), json);
        assertTrue(json.contains("\"drops\": {\n        \"authentication-failed\": 3,\n        \"replayed\": 1\n      }"),
                json);
        assertTrue(json.contains("\"hits\": 12"), json);
        assertTrue(json.contains("\"encryption\": null,\n      \"integrity\": \"hmac-sha2-256-128\""), json);
        assertTrue(json.endsWith("}\n"), json);
        assertEquals(json.chars().filter(c -> c == '{').count(), json.chars().filter(c -> c == '}').count() - 0,
                "balanced (no braces inside these strings)");
    }

    static StatusReport withIke() {
        StatusReport.DaemonSummary daemon = new StatusReport.DaemonSummary("0.1.0", 42, 7, null, "ipsec4j0", 1438,
                "udp", 4500, 0x4500);
        StatusReport.GlobalCounters global = new StatusReport.GlobalCounters(3, 252, Map.of(), 3, 252, Map.of(), 0, 2,
                0, 0);
        StatusReport.ChildSaReport child = new StatusReport.ChildSaReport("net", "INSTALLED", 1, "TUNNEL", "c1a2b3c4",
                "d5e6f708", "AES_GCM_16_128", true, List.of("10.0.1.0/24"), List.of("10.0.2.0/24"), 252, 3, 336, 4,
                "ESP in UDP (port 4500) to 192.0.2.2: 4 packets sent, none received for 25 s, while IKE on UDP 4500 "
                        + "is answered on the same port: a firewall likely tells them apart by content");
        StatusReport.IkeSaReport sa = new StatusReport.IkeSaReport("home", "ESTABLISHED", "0123456789abcdef",
                "fedcba9876543210", true, "192.0.2.1", 4500, "192.0.2.2", 4500, "moon.example.org", "sun.example.org",
                "AES_GCM_16_128/PRF_HMAC_SHA2_256/CURVE_25519", true, false, true, false, true, "10.3.0.1", null,
                List.of(child), 1400, "confirmed");
        StatusReport.IkeSummary ike = new StatusReport.IkeSummary("/etc/ipsec4j/swanctl.conf", List.of(
                new StatusReport.ConnectionSummary("home", List.of("192.0.2.1"), List.of(), "moon.example.org", "%any",
                        "psk", List.of("net (start)"))), 5, 1234, 20);
        return new StatusReport(daemon, List.of(), List.of(), global, ike, List.of(sa), List.of(
                new StatusReport.HeldPolicy("hold home/net", "10.0.1.0/24 <-> 10.0.2.0/24 any", "drop (no SA)", 12),
                new StatusReport.HeldPolicy("shunt home/nd", "::/0[type/code 0x8500-0x89ff] <-> ::/0 IPv6-ICMP",
                        "bypass", 3)));
    }

    @Test
    void ikeSasAreShownAsSwanctlShowsThem() {
        String text = StatusText.render(withIke());
        assertTrue(text.startsWith("ipsec4j 0.1.0, pid 42, up 7 s, swanctl /etc/ipsec4j/swanctl.conf\n"
                + "tunnel ipsec4j0 mtu 1438, routes in table 4500, own packets marked 0x4500\n"), text);
        assertTrue(text.contains("IKE connections: 1, IKE messages dropped: 5, half-open IKE SAs: 20, COOKIEs "
                + "demanded: 1234\n"), text);
        assertTrue(text.contains("  home: 192.0.2.1 ... %any, psk, local 'moon.example.org', remote '%any', children "
                + "net (start)\n"), text);
        assertTrue(text.contains("""
                IKE SAs: 1
                  home: ESTABLISHED, IKEv2, 0123456789abcdef_i* fedcba9876543210_r
                    local  'moon.example.org' @ 192.0.2.1[4500] [10.3.0.1]
                    remote 'sun.example.org' @ 192.0.2.2[4500]
                    AES_GCM_16_128/PRF_HMAC_SHA2_256/CURVE_25519
                    NAT: local behind NAT, ESP in UDP, IKE fragmentation
                    path MTU: 1400 (confirmed)
                    net: INSTALLED, reqid 1, TUNNEL-in-UDP, ESP:AES_GCM_16_128
                      in  c1a2b3c4, 252 bytes, 3 packets
                      out d5e6f708, 336 bytes, 4 packets
                      local  10.0.1.0/24
                      remote 10.0.2.0/24
                      ESP path FAILED: ESP in UDP (port 4500) to 192.0.2.2: 4 packets sent, none received for 25 s, \
                while IKE on UDP 4500 is answered on the same port: a firewall likely tells them apart by content

                Fail closed (held while no Child SA carries them) and shunts:
                  hold home/net: out 10.0.1.0/24 <-> 10.0.2.0/24 any  drop (no SA)  hits 12
                  shunt home/nd: out ::/0[type/code 0x8500-0x89ff] <-> ::/0 IPv6-ICMP  bypass  hits 3
                """), text);
        assertFalse(text.contains("Security associations:"), "no setkey file, no setkey section: " + text);

        String json = StatusJson.render(withIke());
        assertTrue(json.contains("\"setkey_file\": null,\n    \"swanctl_file\": \"/etc/ipsec4j/swanctl.conf\""), json);
        assertTrue(json.contains("\"initiator_spi\": \"0123456789abcdef\""), json);
        assertTrue(json.contains("\"local_virtual_ip\": \"10.3.0.1\",\n      \"remote_virtual_ip\": null"), json);
        assertTrue(json.contains("\"spi_in\": \"c1a2b3c4\""), json);
        assertTrue(json.contains("\"nat_local\": true"), json);
        assertTrue(json.contains("\"messages_dropped\": 5"), json);
        assertTrue(json.contains("\"cookies_demanded\": 1234"), json);
        assertTrue(json.contains("\"half_open\": 20"), json);
        assertTrue(json.contains("\"local_ts\": [\n            \"10.0.1.0/24\"\n          ]"), json);
        assertTrue(json.contains("\"path_mtu\": 1400,\n      \"path_mtu_state\": \"confirmed\""), json);
        assertTrue(json.contains("\"esp_path\": \"failed\",\n          \"esp_path_failure\": \"ESP in UDP (port 4500)"),
                json);
        assertTrue(json.contains("\"fail_closed\": [\n    {\n      \"name\": \"hold home/net\",\n      \"direction\": "
                + "\"out\",\n      \"selector\": \"10.0.1.0/24 <-> 10.0.2.0/24 any\",\n      \"action\": "
                + "\"drop (no SA)\",\n      \"hits\": 12\n    }"), json);
    }

    @Test
    void pathMtuSaysWhereItsValueCameFrom() {
        assertEquals("1300 (link), inner 1238", new StatusReport.PathMtuStatus(1300, 1300, 0, -1, 1238, 0).text());
        assertEquals("1000 (learned 12 s ago, link 1300), inner 942",
                new StatusReport.PathMtuStatus(1000, 1300, 1000, 12, 942, 1).text());
        assertEquals("1000 (probed, link 1300), inner 942",
                new StatusReport.PathMtuStatus(1000, 1300, 0, -1, 942, 0, 1000).text());
        assertEquals("900 (learned 3 s ago, probed 1000, link 1300), inner 838",
                new StatusReport.PathMtuStatus(900, 1300, 900, 3, 838, 1, 1000).text());
        assertEquals("unknown", new StatusReport.PathMtuStatus(0, 0, 0, -1, 0, 0).text());
        assertEquals("1500 (link), inner 1438, SYNs as if 1280 while searching",
                new StatusReport.PathMtuStatus(1500, 1500, 0, -1, 1438, 0, 0, 1280).text());
        assertEquals("1000 (learned 3 s ago, link 1500), inner 938, SYNs as if 1000 while searching",
                new StatusReport.PathMtuStatus(1000, 1500, 1000, 3, 938, 1, 0, 1280).text());
    }

    @Test
    void withoutIkeTheJsonSaysSo() {
        String json = StatusJson.render(sample());
        assertTrue(json.contains("\"ike\": null,\n  \"ike_sas\": []"), json);
    }
}
