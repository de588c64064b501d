package org.ipsec4j.ike.message;

import java.util.HexFormat;

/** Hex for hand-built messages: whitespace and {@code //} comments to the end of a line are ignored. */
final class Hex {

    private Hex() {}

    static byte[] bytes(String hex) {
        return HexFormat.of().parseHex(hex.replaceAll("//[^\n]*", "").replaceAll("\\s+", ""));
    }

    static String of(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
