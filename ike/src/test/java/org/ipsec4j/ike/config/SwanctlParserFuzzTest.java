package org.ipsec4j.ike.config;

import java.nio.charset.StandardCharsets;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer target for {@link SwanctlParser}. Whatever the bytes, the parser either accepts them, and then every
 * proposal and traffic selector of the result prints back to text that parses to the same, and secret lookups
 * work; or it refuses them with a {@link ConfigException} whose line and column lie inside the text. Anything
 * else (another exception, a wrong position, a hang) is a finding. Plain {@code mvn test} replays the seeds in
 * {@code src/test/resources/org/ipsec4j/ike/config/SwanctlParserFuzzTestInputs/parse/}.
 */
class SwanctlParserFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void parse(byte[] input) {
        try {
            SwanctlParser.decodeUtf8(input, "fuzz.conf");
        } catch (ConfigException e) {
            check(e.line() >= 1 && e.column() >= 1, "UTF-8 error position", e);
        }
        String text = new String(input, StandardCharsets.UTF_8);
        SwanctlConfig config;
        try {
            config = SwanctlParser.parse(text, "fuzz.conf");
        } catch (ConfigException e) {
            checkPosition(text, e);
            return;
        }
        try {
            for (ConnectionConfig connection : config.connections().values()) {
                for (ProposalSpec p : connection.proposals()) {
                    check(ProposalParser.parseOne(ProposalSpec.Protocol.IKE, p.toString()).equals(p), "IKE proposal", p);
                }
                for (ChildConfig child : connection.children().values()) {
                    for (ProposalSpec p : child.espProposals()) {
                        check(ProposalParser.parseOne(ProposalSpec.Protocol.ESP, p.toString()).equals(p), "ESP proposal", p);
                    }
                    for (TrafficSelectorSpec ts : child.localTs()) {
                        check(TrafficSelectorSpec.parse(ts.toString()).equals(ts), "local_ts", ts);
                    }
                    for (TrafficSelectorSpec ts : child.remoteTs()) {
                        check(TrafficSelectorSpec.parse(ts.toString()).equals(ts), "remote_ts", ts);
                    }
                }
                config.sharedSecret(connection.local().id(), connection.remote().id());
            }
        } catch (InvalidValueException e) {
            throw new IllegalStateException("printed value refused: " + e.getMessage(), e);
        }
        config.sharedSecret(null, "moon.strongswan.org");
        config.toString();
        config.destroySecrets();
    }

    private static void checkPosition(String text, ConfigException e) {
        String[] lines = text.split("\n", -1);
        check(e.line() >= 1 && e.line() <= lines.length, "line", e);
        String line = lines[e.line() - 1];
        check(e.column() >= 1 && e.column() <= line.codePointCount(0, line.length()) + 1, "column", e);
        check(!e.problem().isBlank(), "message", e);
    }

    private static void check(boolean condition, String what, Object detail) {
        if (!condition) {
            throw new IllegalStateException(what + ": " + detail);
        }
    }
}
