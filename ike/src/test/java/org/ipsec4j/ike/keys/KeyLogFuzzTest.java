package org.ipsec4j.ike.keys;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer target for the key logs and the decryptors, which take files and captures from anywhere. The first byte
 * picks a mode: 0 parses the rest as an ipsec4j key log (after its header line), 1 as a charon log (after one real
 * line of it), 2 and 3 decrypt the rest as an IKE message and an ESP packet with the keys of the charon excerpt of
 * {@link KeyLogTest}. Anything thrown but {@link KeyLogException} is a finding. Plain {@code mvn test} replays the
 * seeds in {@code src/test/resources/org/ipsec4j/ike/keys/KeyLogFuzzTestInputs/parseAndDecrypt/}.
 */
class KeyLogFuzzTest {

    private static final KeyLog EXCERPT;

    static {
        try {
            EXCERPT = KeyLog.parse("excerpt", KeyLogTest.excerpt());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest(maxDuration = "30s")
    void parseAndDecrypt(byte[] input) {
        if (input.length == 0) {
            return;
        }
        byte[] rest = Arrays.copyOfRange(input, 1, input.length);
        String text = new String(rest, StandardCharsets.ISO_8859_1);
        try {
            switch ((input[0] & 0xFF) % 4) {
                case 0 -> KeyLog.parse("fuzz", KeyLogFormat.HEADER + "\n" + text).toString();
                case 1 -> KeyLog.parse("fuzz", "06:47:40.042 14[IKE] <s2s|1> fuzzing\n" + text).toString();
                case 2 -> {
                    try (IkeDecryptor d = new IkeDecryptor(EXCERPT)) {
                        d.decrypt(rest, 0, rest.length).toString();
                    }
                }
                default -> {
                    try (EspDecryptor d = new EspDecryptor(EXCERPT)) {
                        d.decrypt(rest, 0, rest.length).toString();
                    }
                }
            }
        } catch (KeyLogException expected) {
            // a bad key log, named
        }
    }
}
