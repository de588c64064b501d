package org.ipsec4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.ipsec4j.cli.mtu.MtuCalculation;
import org.ipsec4j.cli.mtu.TransformName;
import org.ipsec4j.esp.crypto.EspTransform;
import org.ipsec4j.esp.sad.IpsecMode;
import org.ipsec4j.esp.selector.IpFamily;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code ipsec4j mtu}: seed 001 §5.6's numbers, computed by the data plane's own code. */
class MtuCommandTest {

    private static MtuCalculation calc(String transform, IpsecMode mode, boolean udp, IpFamily family, int pathMtu) {
        return MtuCalculation.of(TransformName.parse(transform, false), mode, udp, family, pathMtu);
    }

    /**
     * Seed 001 §5.6: a Shrew client behind NAT (ESP in UDP), tunnel mode, 1500-byte links. tracepath through the
     * tunnel reports 1422 with AES + SHA1 and 1438 with 3DES + MD5; with the gateway's link at 1300 it is 1238,
     * whose ESP packet is 1296 bytes on the wire; with the NAT router's link at 1000 it is 942.
     */
    @ParameterizedTest
    @CsvSource({
        "aes128-sha1, 1500, 1422, 1488",
        "3des-md5,    1500, 1438, 1496",
        "3des-md5,    1300, 1238, 1296",
        "3des-md5,    1000,  942, 1000"})
    void seed001TracepathNumbers(String transform, int pathMtu, int largest, int outer) {
        MtuCalculation c = calc(transform, IpsecMode.TUNNEL, true, IpFamily.IPV4, pathMtu);
        assertEquals(largest, c.largestInner());
        assertEquals(outer, c.outerForLargest());
    }

    @Test
    void seed001SixtyBytesOnA1500BytePacketIsRawEsp() {
        // "packed into the ESP tunnel using AES and SHA1 algorithms, the new packet size will be 1560, 60bytes
        // overhead": that is ESP without the UDP header (with it, 1568).
        assertEquals(1560, calc("aes128-sha1", IpsecMode.TUNNEL, false, IpFamily.IPV4, 1500).outerForTableInner());
        assertEquals(1568, calc("aes128-sha1", IpsecMode.TUNNEL, true, IpFamily.IPV4, 1500).outerForTableInner());
    }

    /** The command's numbers are EspTransform's: checked against espLength/maxPayloadLength for every row. */
    @ParameterizedTest
    @CsvSource({"des-md5", "des-sha1", "3des-md5", "3des-sha1", "aes128-md5", "aes128-sha1", "aes128gcm16",
        "chacha20poly1305", "aes256-sha512", "null-sha256"})
    void agreesWithEspTransformAtEveryPathMtu(String name) {
        EspTransform t = TransformName.parse(name, false).transform();
        for (IpFamily family : IpFamily.values()) {
            int ip = family == IpFamily.IPV4 ? 20 : 40;
            for (boolean udp : new boolean[] {false, true}) {
                int fixed = ip + (udp ? 8 : 0);
                for (int mtu = 1280; mtu <= 1500; mtu += 7) {
                    MtuCalculation tunnel = calc(name, IpsecMode.TUNNEL, udp, family, mtu);
                    assertEquals(t.maxPayloadLength(mtu - fixed), tunnel.largestInner());
                    assertTrue(fixed + t.espLength(tunnel.largestInner()) <= mtu);
                    assertTrue(fixed + t.espLength(tunnel.largestInner() + 1) > mtu);
                    MtuCalculation transport = calc(name, IpsecMode.TRANSPORT, udp, family, mtu);
                    assertEquals(t.maxPayloadLength(mtu - fixed) + ip, transport.largestInner());
                    assertEquals(transport.largestInner(), tunnel.largestInner() + ip);
                }
            }
        }
    }

    @Test
    void theTableHasSeed001sAlgorithmsForA1500BytePath() {
        CaptureCommandTest.Result r = CaptureCommandTest.run("mtu");
        assertEquals(0, r.exitCode(), r.err());
        List<String> lines = r.outLines();
        assertEquals("ESP tunnel mode, outer IPv4, path MTU 1500 (seed 001 §5.6, with AES-GCM and ChaCha20-Poly1305)",
                lines.get(0));
        assertTrue(lines.contains("3des-md5            50-57     1552        1446         58-65     1560        1438"),
                r.out());
        assertTrue(lines.contains("aes128-sha1         58-73     1560        1438         66-81     1568        1422"),
                r.out());
        assertTrue(lines.contains("aes128gcm16         54-57     1556        1446         62-65     1564        1438"),
                r.out());
        assertTrue(lines.contains("chacha20poly1305    54-57     1556        1446         62-65     1564        1438"),
                r.out());
        assertTrue(lines.contains("des-md5 *           50-57     1552        1446         58-65     1560        1438"),
                r.out());
    }

    @Test
    void oneTransformInTextAndJson() {
        CaptureCommandTest.Result r = CaptureCommandTest.run("mtu", "aes128-sha1");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().startsWith("transform: aes128-sha1 = AES-CBC-128 + HMAC-SHA1-96\n"
                + "tunnel mode, ESP in UDP (RFC 3948), outer IPv4, path MTU 1500\n"), r.out());
        assertTrue(r.out().contains("  overhead                     66-81 bytes\n"), r.out());
        assertTrue(r.out().contains("largest inner packet: 1422 bytes (outer packet 1488 bytes, 12 bytes of the path "
                + "left unused by the alignment)\n"), r.out());

        r = CaptureCommandTest.run("mtu", "3des-md5-modp1024", "--path-mtu", "1300", "--json");
        assertEquals(0, r.exitCode(), r.err());
        Map<String, Object> json = MinimalJson.object(MinimalJson.parse(r.out()));
        assertEquals(1238L, json.get("largestInnerPacket"));
        assertEquals(1296L, json.get("outerPacketOfLargest"));
        assertEquals(true, json.get("legacy"));
        assertEquals("esp-in-udp", json.get("encapsulation"));
        Map<String, Object> overhead = MinimalJson.object(json.get("overhead"));
        assertEquals(8L, overhead.get("iv"));
        assertEquals(58L, overhead.get("min"));
        assertEquals(65L, overhead.get("max"));
    }

    @Test
    void tableAsJson() {
        CaptureCommandTest.Result r = CaptureCommandTest.run("mtu", "--encap", "udp", "--json");
        assertEquals(0, r.exitCode(), r.err());
        Map<String, Object> json = MinimalJson.object(MinimalJson.parse(r.out()));
        assertEquals(1500L, json.get("pathMtu"));
        List<Object> rows = MinimalJson.array(json.get("rows"));
        assertEquals(8, rows.size());
        Map<String, Object> aesSha1 = rows.stream().map(MinimalJson::object)
                .filter(row -> row.get("transform").equals("aes128-sha1")).findFirst().orElseThrow();
        Map<String, Object> udp = MinimalJson.object(MinimalJson.array(aesSha1.get("encapsulations")).getFirst());
        assertEquals("esp-in-udp", udp.get("encapsulation"));
        assertEquals(1422L, udp.get("largestInnerPacket"));
    }

    @Test
    void ahAndIpv6() {
        MtuCalculation v4 = MtuCalculation.of(TransformName.parse("sha256", true), IpsecMode.TUNNEL, false,
                IpFamily.IPV4, 1500);
        assertEquals(20 + 28, v4.minOverhead());
        assertEquals(1500 - 48, v4.largestInner());
        MtuCalculation v6 = MtuCalculation.of(TransformName.parse("sha256", true), IpsecMode.TUNNEL, false,
                IpFamily.IPV6, 1500);
        assertEquals(40 + 32, v6.minOverhead());
        assertEquals(1500 - 72, v6.largestInner());
        // ESP in UDP over IPv6 with AES-GCM on a 1280 link: 1280 - 40 (IPv6) - 8 (UDP) - 8 (SPI, sequence)
        // - 8 (IV) - 16 (ICV) = 1200 bytes for payload and trailer, a multiple of 4: payload 1198.
        assertEquals(1198, calc("aes128gcm16", IpsecMode.TUNNEL, true, IpFamily.IPV6, 1280).largestInner());
    }

    @Test
    void badTransformsAndOptionsAreUsageErrors() {
        CaptureCommandTest.Result r = CaptureCommandTest.run("mtu", "aes128-whirlpool");
        assertEquals(2, r.exitCode());
        assertEquals("ipsec4j mtu: unknown algorithm 'whirlpool' in 'aes128-whirlpool'\n", r.err());
        r = CaptureCommandTest.run("mtu", "aes128gcm8");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("'aes128gcm8' is not implemented by ipsec4j's data plane"), r.err());
        r = CaptureCommandTest.run("mtu", "aes128gcm16-sha256");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("combined mode"), r.err());
        r = CaptureCommandTest.run("mtu", "--ah", "sha256", "--encap", "udp");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("AH cannot be UDP-encapsulated"), r.err());
        r = CaptureCommandTest.run("mtu", "aes128-sha1", "--family", "6", "--path-mtu", "1000");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("IPv6 minimum link MTU is 1280"), r.err());
    }
}
