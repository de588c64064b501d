package org.ipsec4j.ike.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Whatever the text, the parser returns a configuration or throws a {@link ConfigException} pointing inside
 * the text; and what the model prints (proposals, selectors, durations) parses back to the same.
 */
class SwanctlProperties {

    private static final List<String> TOKENS = List.of("connections", "pools", "secrets", "children", "local",
            "remote", "local-1", "remote-2", "c", "ch", "p", "ike", "ike-x", "id", "id-2", "secret", "auth", "psk",
            "pubkey", "certs", "cacerts", "version", "2", "0", "1", "local_addrs", "remote_addrs", "local_port",
            "remote_port", "proposals", "esp_proposals", "local_ts", "remote_ts", "mode", "tunnel", "transport",
            "start_action", "start", "trap", "none", "close_action", "dpd_action", "clear", "restart",
            "rekey_time", "life_time", "rand_time", "over_time", "reauth_time", "replay_window", "vips", "addrs",
            "dns", "encap", "mobike", "yes", "no", "fragmentation", "force", "dpd_delay", "dpd_timeout",
            "unique", "replace", "keep", "send_cert", "send_certreq", "always", "ifasked", "keyingtries",
            "updown", "include", "aes128", "aes256", "aes128gcm16", "chacha20poly1305", "sha256", "sha384",
            "prfsha256", "ecp256", "modp2048", "x25519", "esn", "noesn", "default", "-", ",", ", ", "{", "}",
            "=", " = ", "\n", "\n", "\n", " ", "  ", "\t", "#", "\"", "\\", ":", ".", "/", "[", "]", "%any",
            "10.0.0.0/24", "10.0.0.1-10.0.0.9", "192.0.2.1", "::/0", "2001:db8::1", "0.0.0.0", "::", "dynamic",
            "[tcp/80]", "[icmp/8]", "[udp/%any]", "[6/1-2]", "4h", "30s", "10m", "1d", "5x", "0x0102", "0x",
            "0sAQI=", "0s", "host.example.org", "*.example.org", "\r\n", "\u0000", "€", "\uFEFF", "\uD800");

    @Property(tries = 3000)
    void tokenSoupFailsOnlyWithConfigException(@ForAll("swanctlish") String text) {
        check(text);
    }

    @Property(tries = 1000)
    void arbitraryTextFailsOnlyWithConfigException(@ForAll String text) {
        check(text);
    }

    @Property(tries = 3000)
    void mutatedExamplesFailOnlyWithConfigException(@ForAll long seed) {
        Random random = new Random(seed);
        List<String> examples = List.of(SwanctlExamplesTest.SITE_TO_SITE, SwanctlExamplesTest.ROADWARRIOR_GATEWAY,
                SwanctlExamplesTest.ROADWARRIOR_CLIENT);
        String text = examples.get(random.nextInt(examples.size()));
        check(mutate(text, random));
    }

    @Property(tries = 300)
    void generatedConfigurationsParse(@ForAll long seed) throws ConfigException {
        Random random = new Random(seed);
        GeneratedConfig generated = generate(random);
        SwanctlConfig config = SwanctlParser.parse(generated.text, "generated.conf");
        assertEquals(generated.connections, List.copyOf(config.connections().keySet()), generated.text);
        for (ConnectionConfig c : config.connections().values()) {
            assertEquals(generated.proposals, c.proposals().stream().map(ProposalSpec::toString).toList());
            ChildConfig child = c.children().values().iterator().next();
            assertEquals(generated.localTs, child.localTs().stream().map(TrafficSelectorSpec::toString).toList());
            assertEquals(generated.rekey, child.rekeyTime());
        }
    }

    @Property(tries = 2000)
    void proposalsPrintBackToThemselves(@ForAll("keywordLists") String text) {
        for (ProposalSpec.Protocol protocol : ProposalSpec.Protocol.values()) {
            try {
                List<ProposalSpec> proposals = ProposalParser.parse(protocol, text);
                for (ProposalSpec p : proposals) {
                    assertEquals(p, ProposalParser.parseOne(protocol, p.toString()), p.toString());
                    assertFalse(p.encryption().isEmpty());
                }
            } catch (InvalidValueException e) {
                assertTrue(e.offset() <= text.length(), e.getMessage());
                assertFalse(e.getMessage().isBlank());
            }
        }
    }

    @Property(tries = 2000)
    void selectorsPrintBackToThemselves(@ForAll("selectors") String text) {
        try {
            TrafficSelectorSpec ts = TrafficSelectorSpec.parse(text);
            assertEquals(ts, TrafficSelectorSpec.parse(ts.toString()), ts.toString());
        } catch (InvalidValueException e) {
            assertTrue(e.offset() <= text.length(), e.getMessage());
        }
    }

    @Property(tries = 1000)
    void durationsPrintBackToThemselves(@ForAll @IntRange(min = 0, max = 100_000_000) int seconds)
            throws InvalidValueException {
        Duration d = Duration.ofSeconds(seconds);
        assertEquals(d, Durations.parse(Durations.format(d)));
    }

    @Provide
    Arbitrary<String> swanctlish() {
        return Arbitraries.of(TOKENS).list().ofMaxSize(80).map(tokens -> String.join("", tokens));
    }

    @Provide
    Arbitrary<String> keywordLists() {
        List<String> words = List.of("aes128", "aes192", "aes256", "aes128gcm16", "aes256gcm128", "chacha20poly1305",
                "sha256", "sha384", "sha512", "prfsha256", "prfsha384", "prfsha512", "modp2048", "modp3072",
                "ecp256", "ecp384", "curve25519", "x25519", "esn", "noesn", "default", "sha1", "md5", "foo", "");
        Arbitrary<String> proposal = Arbitraries.of(words).list().ofMinSize(1).ofMaxSize(7)
                .map(list -> String.join("-", list));
        return proposal.list().ofMinSize(1).ofMaxSize(3).map(list -> String.join(", ", list));
    }

    @Provide
    Arbitrary<String> selectors() {
        Arbitrary<String> address = Arbitraries.of("10.0.0.0/8", "10.1.2.3", "10.0.0.1-10.0.0.9", "0.0.0.0/0",
                "::/0", "2001:db8::/48", "fe80::1-fe80::9", "dynamic", "10.0.0.0/33", "1.2.3", "");
        Arbitrary<String> protocol = Arbitraries.of("", "tcp", "udp", "icmp", "ipv6-icmp", "sctp", "gre", "%any",
                "17", "255", "300", "x");
        Arbitrary<String> port = Arbitraries.of("", "80", "1-1023", "%any", "opaque", "8", "3-4", "65535",
                "65536", "http", "5-1");
        return Combinators.combine(address, protocol, port, Arbitraries.integers().between(0, 2))
                .as((a, proto, p, shape) -> switch (shape) {
                    case 0 -> a;
                    case 1 -> a + "[" + proto + "]";
                    default -> a + "[" + proto + "/" + p + "]";
                });
    }

    /** Parses; on failure the position must lie inside the text and the message must say something. */
    static void check(String text) {
        try {
            SwanctlConfig config = SwanctlParser.parse(text, "fuzz.conf");
            config.toString();
        } catch (ConfigException e) {
            checkPosition(text, e);
        }
    }

    static void checkPosition(String text, ConfigException e) {
        String[] lines = text.split("\n", -1);
        assertTrue(e.line() >= 1 && e.line() <= lines.length, () -> "line of " + e.getMessage());
        String line = lines[e.line() - 1];
        assertTrue(e.column() >= 1 && e.column() <= line.codePointCount(0, line.length()) + 1,
                () -> "column of " + e.getMessage());
        assertFalse(e.problem().isBlank());
        assertEquals("fuzz.conf", e.source());
    }

    private static String mutate(String text, Random random) {
        StringBuilder s = new StringBuilder(text);
        int edits = 1 + random.nextInt(4);
        for (int i = 0; i < edits && !s.isEmpty(); i++) {
            int at = random.nextInt(s.length());
            switch (random.nextInt(4)) {
                case 0 -> s.deleteCharAt(at);
                case 1 -> s.insert(at, TOKENS.get(random.nextInt(TOKENS.size())));
                case 2 -> s.setCharAt(at, (char) random.nextInt(128));
                default -> {
                    int end = Math.min(s.length(), at + random.nextInt(40));
                    s.delete(at, end);
                }
            }
        }
        return s.toString();
    }

    private record GeneratedConfig(String text, List<String> connections, List<String> proposals,
                                   List<String> localTs, Duration rekey) {
    }

    private static GeneratedConfig generate(Random random) {
        List<String> ikeProposals = List.of("aes128gcm16-prfsha256-ecp256", "aes256-prfsha384-sha384-modp3072",
                "chacha20poly1305-prfsha512-curve25519", "aes128-aes256-prfsha256-sha256-ecp384-modp2048");
        List<String> selectors = List.of("10.0.0.0/24", "10.1.0.0/16[tcp/80]", "dynamic", "::/0",
                "10.0.0.1-10.0.0.9", "dynamic[udp/53]", "2001:db8::/32[ipv6-icmp/128]");
        List<String> proposals = pick(random, ikeProposals);
        List<String> localTs = pick(random, selectors);
        Duration rekey = Duration.ofSeconds(60 + random.nextInt(100_000));
        String indent = random.nextBoolean() ? "  " : "\t";
        int count = 1 + random.nextInt(3);
        List<String> names = new ArrayList<>();
        StringBuilder text = new StringBuilder(random.nextBoolean() ? "# generated\n" : "");
        text.append("connections {\n");
        for (int i = 0; i < count; i++) {
            String name = "conn" + i + (random.nextBoolean() ? "-x" : "");
            names.add(name);
            List<String> lines = new ArrayList<>(List.of(
                    "proposals = " + String.join(random.nextBoolean() ? "," : " , ", proposals),
                    "local {\n" + indent + indent + "auth = psk\n" + indent + "}",
                    "remote {\n" + indent + indent + "auth = pubkey\n" + indent + indent + "cacerts = ca.pem\n"
                            + indent + "}",
                    "children {\n" + indent + indent + "child {\n" + indent + indent + indent + "local_ts = "
                            + String.join(", ", localTs) + "\n" + indent + indent + indent + "rekey_time = "
                            + Durations.format(rekey) + "\n" + indent + indent + "}\n" + indent + "}"));
            if (random.nextBoolean()) {
                lines.add("remote_addrs = 192.0.2." + (1 + random.nextInt(250)));
            }
            if (random.nextBoolean()) {
                lines.add("dpd_delay = " + random.nextInt(100) + "s # comment");
            }
            Collections.shuffle(lines, random);
            text.append(indent).append(name).append(" {\n");
            for (String line : lines) {
                text.append(indent).append(line.replace("\n", "\n" + indent)).append('\n');
            }
            text.append(indent).append("}\n");
        }
        text.append("}\n");
        return new GeneratedConfig(text.toString(), names, proposals, localTs, rekey);
    }

    private static List<String> pick(Random random, List<String> from) {
        List<String> copy = new ArrayList<>(from);
        Collections.shuffle(copy, random);
        return List.copyOf(copy.subList(0, 1 + random.nextInt(copy.size())));
    }
}
