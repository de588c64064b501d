package org.ipsec4j.daemon.config.setkey;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Random;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * (a) Generated statements, written as text with random layout, parse back to the same statements.
 * (b) Mutated and random text never makes the parser throw anything but {@link SetkeyException}, never hangs,
 * always points inside the text, and whatever it accepts writes back to text that parses to the same.
 */
class SetkeyProperties {

    @Property(tries = 1000)
    void writtenStatementsParseBackEqual(@ForAll long seed, @ForAll @IntRange(min = 1, max = 8) int count)
            throws SetkeyException {
        RandomStatements generator = new RandomStatements(new Random(seed));
        List<SetkeyStatement> statements = generator.statements(count);
        String text = generator.write(statements);
        SetkeyFile file = SetkeyParser.parse(text, "round-trip.conf");
        assertEquals(statements, file.statements(), text);
        assertEquals(statements.size(), file.positions().size());
    }

    @Property(tries = 1000)
    void canonicalTextIsStable(@ForAll long seed) throws SetkeyException {
        RandomStatements generator = new RandomStatements(new Random(seed));
        List<SetkeyStatement> statements = generator.statements(3);
        String canonical = SetkeyWriter.render(statements, SetkeyWriter.Keys.REVEAL);
        String again = SetkeyWriter.render(SetkeyParser.parse(canonical, "c.conf").statements(),
                SetkeyWriter.Keys.REVEAL);
        assertEquals(canonical, again);
    }

    @Property(tries = 3000)
    void mutatedTextFailsOnlyWithSetkeyException(@ForAll long seed) {
        Random random = new Random(seed);
        RandomStatements generator = new RandomStatements(random);
        String text = generator.write(generator.statements(1 + random.nextInt(5)));
        checkParse(mutate(text, random));
    }

    @Property(tries = 3000)
    void randomTextFailsOnlyWithSetkeyException(@ForAll("setkeyish") String text) {
        checkParse(text);
    }

    @Property(tries = 300)
    void arbitraryStringsFailOnlyWithSetkeyException(@ForAll String text) {
        checkParse(text);
    }

    @Provide
    Arbitrary<String> setkeyish() {
        return Arbitraries.randomValue(random -> {
            StringBuilder text = new StringBuilder();
            int words = random.nextInt(40);
            for (int i = 0; i < words; i++) {
                text.append(VOCABULARY[random.nextInt(VOCABULARY.length)]);
                text.append(SEPARATORS[random.nextInt(SEPARATORS.length)]);
            }
            return text.toString();
        });
    }

    private static final String[] VOCABULARY = {
        "add", "delete", "deleteall", "flush", "dump", "get", "spdadd", "spdupdate", "spddelete", "spdflush",
        "esp", "ah", "esp-udp", "ipcomp", "-4", "-6", "-n", "-46", "-m", "tunnel", "transport", "any", "-r", "-u",
        "-f", "zero-pad", "nocyclic-seq", "-lh", "-ls", "-bh", "-bs", "-E", "-A", "-C", "-R", "-P", "in", "out",
        "fwd", "prio", "high", "+", "-", "-5", "discard", "none", "ipsec", "null", "aes-cbc", "aes-gcm-16",
        "chacha20-poly1305", "3des-cbc", "hmac-sha256", "hmac-sha1", "hmac-md5", "0x", "0x1000", "256", "255",
        "4294967296", "0x" + "ab".repeat(20), "0x" + "ab".repeat(16), "\"abcdefghijklmnop\"", "\"", "\"\"", ";",
        "#", "192.0.2.1", "192.0.2.1[4500]", "10.0.0.0/8", "10.0.0.0/8[any]", "::", "::1", "2001:db8::/32[80]",
        "fe80::1%eth0", "::ffff:1.2.3.4", "1.2.3", "[", "]", "/", "icmp6", "136,0", "1,", ",", "tcp", "udp",
        "esp/transport//require", "esp/tunnel/192.0.2.1-192.0.2.2/unique:3", "ah/transport", "esp/tunnel//use",
        "esp/tunnel/::1[500]-::2[4500]/require", "host.example", "\u00e9", "\u0000", "\uD800", "\u00a0",
    };

    private static final String[] SEPARATORS = {" ", " ", " ", "", "\n", "\t", "\r\n"};

    private static final String[] PIECES = {";", "#", "\"", "[", "]", "/", "-", ":", "::", ".", ",", "0x", " ",
        "\n", "-E ", "-A ", "any", "999999999999999999999", "%", "\u0000", "\uDC00", "\u2028", "\u00a0", "é"};

    static String mutate(String text, Random random) {
        StringBuilder out = new StringBuilder(text);
        int mutations = 1 + random.nextInt(4);
        for (int m = 0; m < mutations; m++) {
            int at = random.nextInt(out.length() + 1);
            int end = Math.min(out.length(), at + 1 + random.nextInt(12));
            switch (random.nextInt(6)) {
                case 0 -> out.delete(at, end);
                case 1 -> out.insert(at, PIECES[random.nextInt(PIECES.length)]);
                case 2 -> {
                    if (at < out.length()) {
                        out.setCharAt(at, (char) (0x20 + random.nextInt(0x5F)));
                    }
                }
                case 3 -> out.insert(at, out.substring(at, end));
                case 4 -> {
                    if (out.length() > 1) {
                        int other = random.nextInt(out.length());
                        int here = Math.min(at, out.length() - 1);
                        char c = out.charAt(here);
                        out.setCharAt(here, out.charAt(other));
                        out.setCharAt(other, c);
                    }
                }
                default -> {
                    if (at < out.length()) {
                        out.setCharAt(at, (char) random.nextInt(0x10000));
                    }
                }
            }
        }
        return out.toString();
    }

    /** Parses {@code text}: it is accepted and round-trips, or refused with a sane position; within 2 s. */
    static void checkParse(String text) {
        assertTimeoutPreemptively(Duration.ofSeconds(2), () -> {
            try {
                SetkeyFile file = SetkeyParser.parse(text, "p.conf");
                String canonical = SetkeyWriter.render(file.statements(), SetkeyWriter.Keys.REVEAL);
                assertEquals(file.statements(), SetkeyParser.parse(canonical, "r.conf").statements(), canonical);
                SetkeyValidator.validate(file);
            } catch (SetkeyException e) {
                checkPosition(text, e);
            }
        }, () -> "parse took too long: " + text);
    }

    static void checkPosition(String text, SetkeyException e) {
        String[] lines = text.split("\n", -1);
        assertTrue(e.line() >= 1 && e.line() <= lines.length, () -> e.getMessage() + " in " + text);
        String line = lines[e.line() - 1];
        int length = line.codePointCount(0, line.length());
        assertTrue(e.column() >= 1 && e.column() <= length + 1, () -> e.getMessage() + " in " + text);
        assertEquals(e.fileName() + ":" + e.line() + ":" + e.column() + ": " + e.problem(), e.getMessage());
        assertFalse(e.problem().isBlank());
    }
}
