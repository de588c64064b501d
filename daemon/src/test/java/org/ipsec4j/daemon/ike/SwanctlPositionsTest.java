package org.ipsec4j.daemon.ike;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SwanctlPositionsTest {

    @Test
    void findsSectionsAndSettingsByTheirDottedPath() {
        SwanctlPositions p = SwanctlPositions.of("""
                # a comment { with braces }
                connections {
                    home {  # trailing comment
                        remote_addrs = 192.0.2.2
                        local
                        {
                            auth = psk
                        }
                        children { net {
                        esp_proposals = aes128gcm16
                    } }
                    }
                }
                secrets {
                    ike-1 {
                        secret = "two
                lines"
                        id = x
                    }
                }
                """);
        assertEquals(new SwanctlPositions.Position(2, 1), p.locate("connections"));
        assertEquals(new SwanctlPositions.Position(3, 5), p.locate("connections.home"));
        assertEquals(new SwanctlPositions.Position(4, 9), p.locate("connections.home.remote_addrs"));
        assertEquals(new SwanctlPositions.Position(5, 9), p.locate("connections.home.local"));
        assertEquals(new SwanctlPositions.Position(7, 13), p.locate("connections.home.local.auth"));
        assertEquals(new SwanctlPositions.Position(10, 9), p.locate("connections.home.children.net.esp_proposals"));
        assertEquals(new SwanctlPositions.Position(18, 9), p.locate("secrets.ike-1.id"), "after a two-line value");
        // What is not written is found at its closest enclosing section.
        assertEquals(new SwanctlPositions.Position(5, 9), p.locate("connections.home.local.certs"));
        assertEquals(new SwanctlPositions.Position(1, 1), p.locate("pools.x"));
    }
}
