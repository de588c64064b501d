package org.ipsec4j.daemon.config.setkey;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Whole-file checks: statements run in order against an empty SAD and SPD. */
class SetkeyValidatorTest {

    private static final String GCM = " -E aes-gcm-16 0x" + "42".repeat(20) + ";";

    private static void valid(String text) {
        assertDoesNotThrow(() -> SetkeyValidator.validate(SetkeyParser.parse(text, "v.conf")));
    }

    private static SetkeyException invalid(String text) throws SetkeyException {
        SetkeyFile file = SetkeyParser.parse(text, "v.conf");
        return assertThrows(SetkeyException.class, () -> SetkeyValidator.validate(file));
    }

    @Test
    void duplicateSpiForTheSameDestinationAndProtocol() throws SetkeyException {
        SetkeyException error = invalid("flush;\n"
                + "add 192.0.2.1 192.0.2.2 esp 0x1000" + GCM + "\n"
                + "add 192.0.2.1 192.0.2.3 esp 0x1000" + GCM + "\n"
                + "  add 192.0.2.9 192.0.2.2 esp 4096" + GCM + "\n");
        assertEquals("v.conf:4:3: SPI 0x1000 for esp to 192.0.2.2 is already added at line 2 (the SPI must be "
                + "unique per destination and protocol)", error.getMessage());
    }

    @Test
    void espAndEspUdpShareTheSpiSpace() throws SetkeyException {
        SetkeyException error = invalid("add 192.0.2.1 192.0.2.2 esp 0x1000" + GCM
                + "add 192.0.2.1[4500] 192.0.2.2[4500] esp-udp 0x1000" + GCM);
        assertTrue(error.problem().contains("already added at line 1"), error.getMessage());
    }

    @Test
    void sameSpiElsewhereIsFine() {
        valid("add 192.0.2.1 192.0.2.2 esp 0x1000" + GCM
                + "add 192.0.2.2 192.0.2.1 esp 0x1000" + GCM
                + "add 192.0.2.1 192.0.2.2 ah 0x1000 -A hmac-sha1 0x" + "11".repeat(20) + ";"
                + "add 2001:db8::1 2001:db8::2 esp 0x1000" + GCM);
    }

    @Test
    void deleteFlushAndDeleteallFreeTheSpi() throws SetkeyException {
        String add = "add 192.0.2.1 192.0.2.2 esp 0x1000" + GCM + "\n";
        valid(add + "delete 192.0.2.1 192.0.2.2 esp 0x1000;\n" + add);
        valid(add + "delete 192.0.2.1 192.0.2.2 esp-udp 0x1000;\n" + add);
        valid(add + "flush;\n" + add);
        valid(add + "flush esp;\n" + add);
        valid(add + "deleteall 192.0.2.1 192.0.2.2 esp;\n" + add);
        assertEquals(3, invalid(add + "flush ah;\n" + add).line());
        assertEquals(3, invalid(add + "deleteall 192.0.2.9 192.0.2.2 esp;\n" + add).line());
        assertEquals(3, invalid(add + "delete 192.0.2.1 192.0.2.2 esp 0x1001;\n" + add).line());
    }

    @Test
    void duplicatePolicy() throws SetkeyException {
        String policy = "spdadd 10.0.0.0/8 10.1.0.0/16 any -P out ipsec esp/tunnel/192.0.2.1-192.0.2.2/require;\n";
        SetkeyException error = invalid(policy + policy);
        assertEquals(2, error.line());
        assertTrue(error.problem().contains("is already added at line 1 (use spdupdate to replace it)"),
                error.getMessage());
        valid(policy + "spdadd 10.0.0.0/8 10.1.0.0/16 any -P in none;\n");
        valid(policy + "spdadd 10.0.0.0/8 10.1.0.0/16 tcp -P out none;\n");
        valid(policy + "spdadd 10.0.0.0/8[22] 10.1.0.0/16 any -P out none;\n");
        valid(policy + "spdupdate 10.0.0.0/8 10.1.0.0/16 any -P out none;\n");
        valid(policy + "spddelete 10.0.0.0/8 10.1.0.0/16 any -P out;\n" + policy);
        valid(policy + "spdflush;\n" + policy);
        assertEquals(3, invalid(policy + "spddelete 10.0.0.0/8 10.1.0.0/16 any -P in;\n" + policy).line());
    }
}
