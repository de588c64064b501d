package org.ipsec4j.daemon.config.setkey;

import java.nio.charset.StandardCharsets;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer target for {@link SetkeyParser}. Whatever the bytes, the parser either accepts them, and then the
 * statements written back as canonical text parse to the same statements and the validator throws nothing
 * but {@link SetkeyException}; or it refuses them with a {@link SetkeyException} whose line and column lie
 * inside the text. Anything else (another exception, a wrong position) is a finding. Plain {@code mvn test}
 * replays the seeds in
 * {@code src/test/resources/org/ipsec4j/daemon/config/setkey/SetkeyParserFuzzTestInputs/parse/}.
 */
class SetkeyParserFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void parse(byte[] input) {
        try {
            SetkeyFile.decodeUtf8(input, "fuzz.conf");
        } catch (SetkeyException e) {
            check(e.line() >= 1 && e.column() >= 1, "UTF-8 error position", e);
        }
        String text = new String(input, StandardCharsets.UTF_8);
        SetkeyFile file;
        try {
            file = SetkeyParser.parse(text, "fuzz.conf");
        } catch (SetkeyException e) {
            checkPosition(text, e);
            return;
        }
        String canonical = SetkeyWriter.render(file.statements(), SetkeyWriter.Keys.REVEAL);
        try {
            SetkeyFile again = SetkeyParser.parse(canonical, "canonical.conf");
            check(again.statements().equals(file.statements()), "round trip", canonical);
        } catch (SetkeyException e) {
            throw new IllegalStateException("canonical text refused: " + e.getMessage() + "\n" + canonical, e);
        }
        SetkeyWriter.render(file.statements(), SetkeyWriter.Keys.REDACT);
        file.toString();
        try {
            SetkeyValidator.validate(file);
        } catch (SetkeyException e) {
            checkPosition(text, e);
        }
    }

    private static void checkPosition(String text, SetkeyException e) {
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
