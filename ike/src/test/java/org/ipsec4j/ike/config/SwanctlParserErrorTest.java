package org.ipsec4j.ike.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every refusal, with the position it must point at. In each case text, '¤' marks the expected position and is
 * removed before parsing; the message must contain the given piece (which starts with the key path where there
 * is one).
 */
class SwanctlParserErrorTest {

    private static final char MARK = '¤';
    private static final List<Arguments> CASES = new ArrayList<>();

    /** A connection "c" with empty local and remote rounds and {@code extra} inside it. */
    private static String conn(String extra) {
        return connWith("", "", extra);
    }

    private static String connWith(String local, String remote, String extra) {
        return "connections {\n  c {\n    local {\n" + local + "\n    }\n    remote {\n" + remote + "\n    }\n"
                + extra + "\n  }\n}\n";
    }

    /** A child "ch" of connection "c" (remote address 192.0.2.1) with {@code extra} inside it. */
    private static String child(String extra) {
        return conn("    remote_addrs = 192.0.2.1\n    children {\n      ch {\n" + extra + "\n      }\n    }");
    }

    private static void bad(String text, String message) {
        CASES.add(Arguments.of(text, message));
    }

    static Stream<Arguments> cases() {
        CASES.clear();
        // syntax
        bad("¤include /etc/swanctl/conf.d/*.conf", "include is not supported by ipsec4j");
        bad("connections {\n  c {\n¤", "connections.c: missing '}' to close the section opened at 2:3");
        bad("connections {\n}\n¤}", "'}' without a matching '{'");
        bad("connections {\n  a ¤: b {\n  }\n}", "connections.a: section references (name : base { }) are not supported");
        bad("connections¤.c.version = 2", "dotted keys (connections.x = ...) are not supported");
        bad("connections ¤foo {\n}", "connections: expected '{' or '=' after 'connections', found 'f'");
        bad("connections\n¤", "connections: expected '{' or '=' after 'connections', found the end of the file");
        bad("¤= 3", "expected a section name or a key, found '='");
        bad("¤\"connections\" {\n}", "expected a section name or a key, found '\"'");
        bad("connections {\n  c {\n    version = 2 ¤}\n  }\n}", "'}' inside a value");
        bad("x = ¤\"unterminated", "unterminated quoted string");
        bad("x = ¤\"two\nlines\"", "unterminated quoted string");
        bad("x = \"quoted\" ¤trailing", "unexpected 't' after the quoted value");
        bad("x = half¤\"quoted\"", "a quote inside a value");
        bad("x = \"¤\\q\"", "unknown escape in a quoted string");
        bad("¤\u0001", "unexpected control character U+0001");
        bad("x = a¤\u0000b", "control character U+0000 in a value");
        bad("connections {\n  c {\n    version = 2\n    ¤version = 2\n  }\n}",
                "connections.c.version: given twice (first at 3:5)");
        bad("connections {\n  c {\n    local = x\n    ¤local {\n    }\n  }\n}", "connections.c.local: is also a key (at 3:5)");
        bad("connections {\n  c {\n    local {\n    }\n    ¤local = x\n  }\n}", "connections.c.local: is also a section (at 3:5)");
        bad("a{a{a{a{a{a{a{a{a{a{a{a{a{a{a{¤a{a{a{a{", "sections nested more than 16 deep");

        // top level
        bad("¤foo {\n}", "foo: unknown section");
        bad("¤authorities {\n}", "authorities: not supported by ipsec4j");
        bad("¤connections = x", "connections: expected a section (connections { ... }), found a setting");
        bad("¤pool {\n}", "pool: unknown section (did you mean 'pools'?)");
        bad("connections {\n  ¤c = 1\n}", "connections.c: expected a section (c { ... }), found a setting");

        // connection settings
        bad(conn("    ¤remote_adrs = 192.0.2.1"), "connections.c.remote_adrs: unknown setting (did you mean 'remote_addrs'?)");
        bad(conn("    ¤aggressive = yes"), "connections.c.aggressive: not supported by ipsec4j");
        bad(conn("    ¤Remote_Addrs = 192.0.2.1"), "connections.c.Remote_Addrs: unknown setting (did you mean 'remote_addrs'?)");
        bad(conn("    ¤proposals {\n    }"), "connections.c.proposals: expected a setting (proposals = ...), found a section");
        bad(conn("    ¤children = net"), "connections.c.children: expected a section (children { ... }), found a setting");
        bad(conn("    ¤mediation {\n    }"), "connections.c.mediation: not supported by ipsec4j");
        bad(conn("    version = ¤1"), "connections.c.version: IKEv1 is not supported by ipsec4j");
        bad(conn("    version = ¤3"), "connections.c.version: expected 0 or 2, found '3'");
        bad(conn("    version = ¤"), "connections.c.version: empty value");
        bad(conn("    reauth_time = ¤1h"), "connections.c.reauth_time: IKE reauthentication is not supported by ipsec4j");
        bad(conn("    local_addrs = 10.0.0.1, ¤vpn.example.com"),
                "connections.c.local_addrs: 'vpn.example.com': host names are not supported (ipsec4j does no DNS lookups)");
        bad(conn("    remote_addrs = ¤%any4"), "connections.c.remote_addrs: '%any4' is not supported by ipsec4j");
        bad(conn("    remote_addrs = 10.0.0.0/¤33"), "connections.c.remote_addrs: bad prefix length '33' (0..32)");
        bad(conn("    remote_addrs = fe80::1¤%eth0"), "IPv6 zone indexes");
        bad(conn("    remote_addrs = 192.0.2.1,¤"), "connections.c.remote_addrs: empty item in the list");
        bad(conn("    remote_addrs = ¤"), "connections.c.remote_addrs: expected a list, found nothing");
        bad(conn("    remote_addrs = ¤10.0.0.9-10.0.0.1"), "range '10.0.0.9-10.0.0.1' runs backwards");
        bad(conn("    remote_addrs = ¤10.0.0.1-::1"), "mixes IPv4 and IPv6");
        bad(conn("    local_port = ¤0"), "connections.c.local_port: 0 is outside 1..65535");
        bad(conn("    remote_port = ¤65536"), "connections.c.remote_port: 65536 is outside 1..65535");
        bad(conn("    local_port = ¤ike"), "connections.c.local_port: expected a number, found 'ike'");
        bad(conn("    keyingtries = ¤%forever"), "connections.c.keyingtries: expected a number");
        bad(conn("    encap = ¤maybe"), "connections.c.encap: expected yes or no, found 'maybe'");
        bad(conn("    mobike = ¤perhaps"), "connections.c.mobike: expected yes or no");
        bad(conn("    fragmentation = ¤accept"),
                "connections.c.fragmentation: 'accept' is not supported by ipsec4j (expected force, no or yes)");
        bad(conn("    unique = ¤always"), "connections.c.unique: 'always' is not supported by ipsec4j (expected keep, never, no or replace)");
        bad(conn("    send_cert = ¤sometimes"), "connections.c.send_cert: 'sometimes' is not supported by ipsec4j (expected always, ifasked or never)");
        bad(conn("    dpd_delay = 5¤x"), "connections.c.dpd_delay: bad time unit 'x' in '5x' (s, m, h or d)");
        bad(conn("    rekey_time = ¤soon"), "connections.c.rekey_time: 'soon' is not a time");
        bad(conn("    rand_time = ¤5h"), "connections.c.rand_time: rand_time (5h) must be shorter than rekey_time (4h)");
        bad(conn("    over_time = ¤4h"), "connections.c.over_time: rand_time (4h, from over_time) must be shorter than rekey_time (4h)");
        bad(conn("    pools = ¤nopool"), "connections.c.pools: no pool 'nopool' in the pools section");
        bad("pools {\n  p1 {\n    addrs = 10.9.0.0/24\n  }\n}\n" + conn("    pools = p1, ¤p2"),
                "connections.c.pools: no pool 'p2' in the pools section (pools: p1)");
        bad(conn("    vips = ¤0.0.0.0/0"), "connections.c.vips: '0.0.0.0/0' is not an IP address");

        // IKE proposals
        bad(conn("    proposals = aes128-sha256-¤modp1024"), "connections.c.proposals: 'modp1024' is not supported by "
                + "ipsec4j (key exchange (DH group): modp2048, modp3072, ecp256, ecp384, curve25519)");
        bad(conn("    proposals = aes128-¤sha1-modp2048"), "'sha1' is not supported by ipsec4j (integrity: sha256, sha384, sha512)");
        bad(conn("    proposals = ¤3des-sha256-modp2048"), "'3des' is not supported by ipsec4j (encryption: aes128,");
        bad(conn("    proposals = aes128-sha256-¤prfsha1-modp2048"), "'prfsha1' is not supported by ipsec4j (PRF:");
        bad(conn("    proposals = aes128gcm16-prfsha256-ecp256, aes256-¤sha257-modp2048"),
                "connections.c.proposals: unknown algorithm 'sha257'");
        bad(conn("    proposals = ¤aes128gcm16-ecp256"),
                "connections.c.proposals: an IKE proposal needs a PRF, e.g. prfsha256 in 'aes128gcm16-ecp256'");
        bad(conn("    proposals = aes128gcm16-prfsha256-ecp256, ¤aes256-modp2048"),
                "aes256 needs an integrity algorithm, e.g. aes256-sha256");
        bad(conn("    proposals = ¤aes128-sha256"), "an IKE proposal needs a key exchange (DH group), e.g. ecp256");
        bad(conn("    proposals = ¤prfsha256-ecp256"), "the proposal has no encryption algorithm");
        bad(conn("    proposals = aes128-sha256-¤aes128gcm16-ecp256"),
                "'aes128gcm16' after 'aes128': AEAD and non-AEAD encryption cannot share a proposal");
        bad(conn("    proposals = aes128gcm16-¤sha256-prfsha256-ecp256"),
                "'sha256' after 'aes128gcm16': AEAD encryption takes no integrity algorithm");
        bad(conn("    proposals = aes128-sha256-ecp256-¤esn"), "'esn' belongs in ESP proposals, not in IKE proposals");
        bad(conn("    proposals = aes128-sha256-ecp256,¤ "), "connections.c.proposals: empty item in the list");
        bad(conn("    proposals = aes128-¤-sha256-ecp256"), "empty algorithm keyword");
        bad(conn("    proposals = aes128-sha256-ecp256-¤"), "empty algorithm keyword");
        bad(conn("    proposals = aes128-sha256-ecp256-¤ecp256"), "'ecp256' is given twice in one proposal");
        bad(conn("    proposals = aes128-¤default"), "'default' stands for whole proposals");
        bad(conn("    proposals = \"aes128-sha256-¤md5-ecp256\""), "'md5' is not supported by ipsec4j");

        // authentication rounds
        bad(conn("    ¤local-2 {\n    }"), "connections.c.local-2: a second local authentication round (RFC 4739) "
                + "is not supported by ipsec4j; 'local' is the first");
        bad(conn("    ¤remote-eap {\n    }"), "connections.c.remote-eap: a second remote authentication round");
        bad("connections {\n  ¤c {\n    local {\n    }\n  }\n}", "connections.c: needs a remote section");
        bad("connections {\n  ¤c {\n    remote {\n    }\n  }\n}", "connections.c: needs a local section");
        bad(connWith("      auth = ¤eap-mschapv2", "", ""),
                "connections.c.local.auth: 'eap-mschapv2' is not supported by ipsec4j (expected psk or pubkey)");
        bad(connWith("", "      auth = ¤xauth", ""), "connections.c.remote.auth: 'xauth' is not supported by ipsec4j");
        bad(connWith("      ¤round = 1", "", ""),
                "connections.c.local.round: not supported by ipsec4j (one authentication round per side)");
        bad(connWith("      ¤cacerts = ca.pem", "", ""), "connections.c.local.cacerts: cacerts belongs in a remote section");
        bad(connWith("", "      ¤groups = staff", ""), "connections.c.remote.groups: not supported by ipsec4j");
        bad(connWith("", "      ¤revocation = strict", ""), "connections.c.remote.revocation: not supported by ipsec4j");
        bad(connWith("      ¤eap_id = carol", "", ""), "connections.c.local.eap_id: not supported by ipsec4j");
        bad(connWith("      ¤identity = carol", "", ""), "connections.c.local.identity: unknown setting");
        bad(connWith("", "      ¤cert-1 {\n      }", ""), "connections.c.remote.cert-1: certificates on tokens (PKCS#11)");
        bad(connWith("      id = ¤", "", ""), "connections.c.local.id: empty value");
        bad(connWith("", "      id = ¤@#0102", ""), "connections.c.remote.id: '@' alone is an empty identity; a key id "
                + "(@#hex) must be quoted");
        bad("secrets {\n  ike {\n    id-a = ¤@#0102\n    secret = x\n  }\n}", "secrets.ike.id-a: '@' alone");
        bad(connWith("      certs = a.pem,¤,b.pem", "", ""), "connections.c.local.certs: empty item in the list");

        // children
        bad(child("        ¤inactivity = 30m"), "connections.c.children.ch.inactivity: not supported by ipsec4j");
        bad(child("        ¤ah_proposals = sha256"), "connections.c.children.ch.ah_proposals: not supported by ipsec4j");
        bad(child("        ¤local-ts = dynamic"), "connections.c.children.ch.local-ts: unknown setting (did you mean 'local_ts'?)");
        bad(child("        ¤foo {\n        }"), "connections.c.children.ch.foo: unknown section");
        bad(child("        mode = ¤beet"), "connections.c.children.ch.mode: 'beet' is not supported by ipsec4j (expected drop, "
                + "pass, transport or tunnel)");
        bad(child("        mode = ¤pass"), "connections.c.children.ch.mode: mode = pass is a shunt policy, installed "
                + "with start_action = trap (add it)");
        bad(child("        start_action = ¤trap|start"), "connections.c.children.ch.start_action: 'trap|start' is not supported by ipsec4j (expected none, start or trap)");
        bad(child("        dpd_action = ¤hold"), "connections.c.children.ch.dpd_action: 'hold' is not supported by ipsec4j (expected clear, none, restart or trap)");
        bad(child("        close_action = ¤clear"), "connections.c.children.ch.close_action: 'clear' is not supported by ipsec4j (expected none, start or trap)");
        bad(child("        local_ts = 10.0.0.0/¤x"), "connections.c.children.ch.local_ts: bad prefix length 'x' (0..32)");
        bad(child("        local_ts = 10.1.0.0/16, ¤10.0.0.256/24"), "connections.c.children.ch.local_ts: '10.0.0.256' is not an IP address");
        bad(child("        local_ts = 10.0.0.0/24[tcp/¤http]"), "'http' is not a port number (service names are not supported");
        bad(child("        local_ts = 10.0.0.0/24[¤foo]"), "unknown protocol 'foo'");
        bad(child("        local_ts = 10.0.0.0/24[¤256]"), "protocol number 256 outside 0..255");
        bad(child("        local_ts = 10.0.0.0/24[tcp/80¤"), "missing ']'");
        bad(child("        local_ts = 10.0.0.0/24[tcp/80]¤x"), "unexpected text after ']'");
        bad(child("        local_ts = 10.0.0.0/24[gre/¤80]"), "protocol 47 has no ports");
        bad(child("        local_ts = 10.0.0.0/24[%any/¤80]"), "a port needs a protocol");
        bad(child("        local_ts = 10.0.0.0/24[tcp/¤90-80]"), "port range 90-80 runs backwards");
        bad(child("        local_ts = 10.0.0.0/24[tcp/1-¤65536]"), "port 65536 outside 0..65535");
        bad(child("        local_ts = 10.0.0.0/24[icmp/¤256]"), "ICMP type 256 outside 0..255");
        bad(child("        remote_ts = ¤[tcp]"), "expected a subnet, an address range or 'dynamic'");
        bad(child("        remote_ts = ¤any"), "'any': host names are not supported");
        bad(child("        esp_proposals = aes128gcm16-¤prfsha256"), "'prfsha256' is a PRF: PRFs belong in IKE proposals");
        bad(child("        esp_proposals = ¤aes128"), "connections.c.children.ch.esp_proposals: aes128 needs an integrity algorithm");
        bad(child("        esp_proposals = aes128gcm16-¤sha256"), "AEAD encryption takes no integrity algorithm");
        bad(child("        esp_proposals = aes128gcm16-esn-noesn-¤esn"), "'esn' is given twice");
        bad(child("        replay_window = ¤-1"), "connections.c.children.ch.replay_window: expected a number, found '-1'");
        bad(child("        replay_window = ¤2000000"), "2000000 is outside 0..1048576");
        bad(child("        df_bit = ¤sometimes"), "connections.c.children.ch.df_bit");
        bad(child("        copy_df = ¤maybe"), "connections.c.children.ch.copy_df");
        bad(child("        prefragment = ¤often"), "connections.c.children.ch.prefragment");
        bad(child("        copy_df = no\n        df_bit = ¤set"),
                "df_bit = set contradicts copy_df = no (line 12); keep one of them");
        bad(child("        ¤df_bits = set"), "unknown setting (did you mean 'df_bit'?)");
        bad(child("        life_time = ¤30m"), "connections.c.children.ch.life_time: life_time (30m) must be longer than rekey_time (1h)");
        bad(child("        rekey_time = 2h\n        life_time = ¤2h"), "life_time (2h) must be longer than rekey_time (2h)");
        bad(child("        rand_time = ¤1h"), "connections.c.children.ch.rand_time: rand_time (1h) must be shorter than rekey_time (1h)");
        bad(conn("    children {\n      ch {\n        start_action = ¤start\n      }\n    }"),
                "connections.c.children.ch.start_action: start_action = start initiates, which needs a single remote "
                        + "address in remote_addrs (it is [%any])");
        bad(conn("    remote_addrs = 10.0.0.0/8\n    children {\n      ch {\n        start_action = ¤trap\n      }\n    }"),
                "start_action = trap initiates");
        bad(conn("    children {\n      ¤ch = 1\n    }"), "connections.c.children.ch: expected a section (ch { ... }), found a setting");

        // pools
        bad("pools {\n  p {\n    ¤nbns = 10.0.0.1\n  }\n}", "pools.p.nbns: not supported by ipsec4j");
        bad("pools {\n  p {\n    ¤7 = 10.0.0.1\n  }\n}", "pools.p.7: numeric attribute types are not supported by ipsec4j");
        bad("pools {\n  p {\n    ¤adrs = 10.0.0.0/24\n  }\n}", "pools.p.adrs: unknown setting (did you mean 'addrs'?)");
        bad("pools {\n  ¤p {\n    dns = 10.0.0.1\n  }\n}", "pools.p: needs addrs (a CIDR subnet or a FROM-TO range)");
        bad("pools {\n  p {\n    addrs = 10.0.0.0/24¤, 10.1.0.0/24\n  }\n}", "pools.p.addrs: one subnet or range per pool");
        bad("pools {\n  p {\n    addrs = 10.0.0.0/¤33\n  }\n}", "pools.p.addrs: bad prefix length");
        bad("pools {\n  a {\n    addrs = 10.3.0.0/24\n  }\n  b {\n    addrs = ¤10.3.0.128/25\n  }\n}",
                "pools.b.addrs: overlaps pool 'a' (10.3.0.0/24 at 3:5)");
        bad("pools {\n  p {\n    addrs = 10.3.0.0/24\n    dns = ¤dns.example.com\n  }\n}", "pools.p.dns: 'dns.example.com': host names are not supported");
        bad("pools {\n  ¤p = 1\n}", "pools.p: expected a section (p { ... }), found a setting");

        // secrets
        bad("secrets {\n  ¤eap-carol {\n    secret = x\n  }\n}", "secrets.eap-carol: eap secrets are not supported by ipsec4j");
        bad("secrets {\n  ¤private-key {\n  }\n}", "secrets.private-key: private secrets are not supported by ipsec4j");
        bad("secrets {\n  ¤psk {\n  }\n}", "secrets.psk: unknown secret type");
        bad("secrets {\n  ike {\n    ¤file = x\n  }\n}", "secrets.ike.file: not supported by ipsec4j");
        bad("secrets {\n  ike {\n    ¤secrets = x\n  }\n}", "secrets.ike.secrets: unknown setting (did you mean 'secret'?)");
        bad("secrets {\n  ¤ike {\n    id = carol\n  }\n}", "secrets.ike: needs secret = ...");
        bad("secrets {\n  ike {\n    secret = 0x12¤g4\n  }\n}", "secrets.ike.secret: a 0x secret has a character here that is not a hex digit");
        bad("secrets {\n  ike {\n    secret = ¤0x123\n  }\n}", "secrets.ike.secret: a 0x secret needs an even, non-zero number of hex digits");
        bad("secrets {\n  ike {\n    secret = ¤0s!!!!\n  }\n}", "secrets.ike.secret: a 0s secret is not valid base64");
        bad("secrets {\n  ike {\n    secret = \"¤\"\n  }\n}", "secrets.ike.secret: empty secret");
        bad("secrets {\n  ike {\n    id = ¤\n    secret = x\n  }\n}", "secrets.ike.id: empty value");
        bad("secrets {\n  ¤ike = x\n}", "secrets.ike: expected a section (ike { ... }), found a setting");
        return CASES.stream();
    }

    @ParameterizedTest
    @MethodSource("cases")
    void refusedAtTheMarkedPosition(String marked, String message) {
        int mark = marked.indexOf(MARK);
        assertTrue(mark >= 0, "case without a mark: " + marked);
        String text = marked.replace(String.valueOf(MARK), "");
        String before = marked.substring(0, mark);
        int line = (int) before.chars().filter(c -> c == '\n').count() + 1;
        String lastLine = before.substring(before.lastIndexOf('\n') + 1);
        int column = lastLine.codePointCount(0, lastLine.length()) + 1;

        ConfigException e = assertThrows(ConfigException.class, () -> SwanctlParser.parse(text, "t.conf"), text);
        assertTrue(e.problem().contains(message), () -> "expected '" + message + "' in: " + e.getMessage());
        assertEquals(line + ":" + column, e.line() + ":" + e.column(), e.getMessage());
        assertEquals("t.conf:" + line + ":" + column + ": " + e.problem(), e.getMessage());
    }

    @Test
    void unsupportedChildSettingNamesFileLineColumnAndKeyPath() {
        String text = """
                # site to site
                connections {
                 home {
                  local {
                  }
                  remote {
                  }
                  children {
                   net {
                     local_ts = 10.0.0.0/24
                     remote_ts = 10.1.0.0/24
                      updown = /usr/lib/ipsec/_updown iptables
                   }
                  }
                 }
                }
                """;
        ConfigException e = assertThrows(ConfigException.class, () -> SwanctlParser.parse(text, "conf/swanctl.conf"));
        assertEquals("conf/swanctl.conf:12:7: connections.home.children.net.updown: not supported by ipsec4j",
                e.getMessage());
        assertEquals("conf/swanctl.conf", e.source());
    }

    @Test
    void secretsNeverAppearInMessages() {
        String secret = "0x00112233445566778899aabbccddeeffgg";
        ConfigException e = assertThrows(ConfigException.class, () -> SwanctlParser.parse(
                "secrets {\n  ike {\n    secret = " + secret + "\n  }\n}", "t.conf"));
        assertFalse(e.getMessage().contains("0011"), e.getMessage());
        assertFalse(e.getMessage().contains("gg"), e.getMessage());

        e = assertThrows(ConfigException.class, () -> SwanctlParser.parse(
                "secrets {\n  ike {\n    secret = 0sVGhpcyBpcyBzZWNyZXQ$\n  }\n}", "t.conf"));
        assertFalse(e.getMessage().contains("VGhp"), e.getMessage());
    }
}
