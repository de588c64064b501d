package org.ipsec4j.daemon.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.ipsec4j.esp.sad.SecurityProtocol;
import org.ipsec4j.esp.selector.IpAddress;
import org.junit.jupiter.api.Test;

class SequenceStateFileTest {

    static final Path FILE = Path.of("/state/ah-0x00000200-2001:db8::2.seq");
    static final SequenceStateKey KEY = new SequenceStateKey(SecurityProtocol.AH, 0x200,
            IpAddress.parse("2001:db8::2"));

    @Test
    void formatsAndParsesBack() throws Exception {
        KeyFingerprint fingerprint = KeyFingerprint.of(new byte[0], new byte[] {1, 2, 3});
        SequenceStateFile state = new SequenceStateFile(KEY, fingerprint, 3L << 20);
        String text = state.format();
        assertTrue(text.contains("\nformat 1\nsa ah 0x00000200 2001:db8:0:0:0:0:0:2\n")
                || text.contains("\nformat 1\nsa ah 0x00000200 2001:db8::2\n"), text);
        assertTrue(text.endsWith("reserved-through 3145728\n"), text);
        assertEquals(state, SequenceStateFile.parse(text, FILE));
        assertEquals("ah-0x00000200-" + KEY.destination() + ".seq", KEY.fileName());
    }

    @Test
    void everyFieldIsCheckedAndNamedWithItsLine() {
        String good = new SequenceStateFile(KEY, KeyFingerprint.of(new byte[16], new byte[0]), 7).format();
        problem(good.replace("format 1", "format 2"), ":2: format 2 is not 1");
        problem(good.replace("reserved-through 7", "reserved-through -7"), ":6: negative reservation");
        problem(good.replace("reserved-through 7", "reserved-through seven"), ":6: bad value");
        problem(good.replace("reserved-through 7\n", ""), ": incomplete");
        problem(good + "reserved-through 8\n", ":7: 'reserved-through' appears twice");
        problem(good.replace("sa ah", "sa gre"), ":3: protocol 'gre' is neither esp nor ah");
        problem(good.replace("key-salt ", "key-salt 00"), ": a key fingerprint is a 32-byte salt");
        problem(good + "colour blue\n", ":7: unknown field 'colour'");
        problem("", ": incomplete");
    }

    @Test
    void fingerprintsTellKeysApartWithoutShowingThem() {
        byte[] key = {1, 2, 3, 4};
        KeyFingerprint a = KeyFingerprint.of(key, new byte[0]);
        KeyFingerprint b = KeyFingerprint.of(key, new byte[0]);
        assertTrue(a.matches(key, new byte[0]));
        assertTrue(b.matches(key, new byte[0]));
        assertTrue(!java.util.Arrays.equals(a.hash(), b.hash()), "another salt, another hash");
        assertTrue(!a.matches(new byte[] {1, 2, 3, 5}, new byte[0]));
        assertTrue(!a.matches(new byte[] {1, 2, 3}, new byte[] {4}), "keys are length-prefixed");
    }

    private static void problem(String text, String expected) {
        StateFileException e = assertThrows(StateFileException.class, () -> SequenceStateFile.parse(text, FILE));
        assertTrue(e.getMessage().startsWith(FILE + expected), e.getMessage());
    }
}
