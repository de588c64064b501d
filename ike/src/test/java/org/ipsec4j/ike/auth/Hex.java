package org.ipsec4j.ike.auth;

import java.util.HexFormat;

/** Hex for test vectors: whitespace is ignored so vectors can be laid out as in their source. */
final class Hex {

    private Hex() {}

    static byte[] bytes(String hex) {
        return HexFormat.of().parseHex(hex.replaceAll("\\s+", ""));
    }

    static String of(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
